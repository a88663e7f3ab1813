#!/usr/bin/env python3
"""Generate a realistic product CSV for trying and benchmarking imports.

Deterministic for a given --seed. Names and descriptions contain commas, double
quotes and non-ASCII text; --duplicates of the rows repeat an earlier SKU in a
different letter case with new values (half of them close to the original, half
anywhere), so "last occurrence wins" is exercised.

    python generate_csv.py --rows 500000 --seed 1 --out products.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import string
import sys
import time
from typing import TextIO

ADJECTIVES = (
    "Stainless", "Steel", "Compact", "Deluxe", "Classic", "Ergonomic", "Rustic", "Smart",
    "Vintage", "Modern", "Portable", "Heavy-Duty", "Premium", "Eco", "Ultra-Light", "Crème",
    "Gemütlich", "Große", "Café", "Naïve", "Señor", "北京", "東京",
)
NOUNS = (
    "Kettle", "Chair", "Lamp", "Backpack", "Blender", "Desk", "Headphones", "Mug", "Toaster",
    "Jacket", "Sneakers", "Watch", "Notebook", "Pan", "Knife Set", "Sofa", "Tent", "Bottle",
    "Keyboard", "Monitor", "Drill", "Umbrella", "Teapot", "Mixer", "Fahrrad", "Tasse", "茶壶",
)
PHRASES = (
    "Built to last, with a 2-year warranty",
    'The "everyday" choice for busy kitchens',
    "Dishwasher safe; BPA-free",
    "Hand-finished in Portugal, naturally",
    "Ideal for camping, hiking, and travel",
    'Includes 3 sizes: 12", 14" and 16"',
    "Très élégant, trés pratique",
    "Für Küche, Büro und Garten — 100 % recycelbar",
    "高品质材料, 经久耐用",
    "日本語の説明文, 品質保証",
    "Ships in 1-2 days, free returns",
    "Soft-touch grip, non-slip base",
)


def make_sku(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.choice(letters)}-"
        f"{rng.randrange(100000):05d}-{rng.choice(letters)}{rng.choice(letters)}"
    )


def make_name(rng: random.Random) -> str:
    name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    if rng.random() < 0.3:
        name += f", Model {rng.choice(string.ascii_uppercase)}{rng.randrange(100)}"
    return name


def make_description(rng: random.Random) -> str:
    if rng.random() < 0.01:
        return ""
    return ". ".join(rng.sample(PHRASES, rng.randint(1, 3))) + "."


def case_variant(sku: str, rng: random.Random) -> str:
    variant = "".join(c.swapcase() if c.isalpha() and rng.random() < 0.6 else c for c in sku)
    return variant if variant != sku else sku.lower()


def generate(out: TextIO, rows: int, seed: int, duplicates: float) -> tuple[int, int]:
    """Write the CSV; return (rows written, distinct SKUs case-insensitively)."""
    rng = random.Random(seed)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sku", "name", "description"])
    skus: list[str] = []
    seen: set[str] = set()
    batch: list[tuple[str, str, str]] = []
    for _ in range(rows):
        if skus and rng.random() < duplicates:
            window = skus[-500:] if rng.random() < 0.5 else skus
            sku = case_variant(rng.choice(window), rng)
        else:
            sku = make_sku(rng)
            while sku.lower() in seen:
                sku = make_sku(rng)
            seen.add(sku.lower())
            skus.append(sku)
        batch.append((sku, make_name(rng), make_description(rng)))
        if len(batch) >= 10_000:
            writer.writerows(batch)
            batch.clear()
    writer.writerows(batch)
    return rows, len(seen)


def _rows(value: str) -> int:
    rows = int(value)
    if rows < 0:
        raise argparse.ArgumentTypeError("--rows must be 0 or more")
    return rows


def _ratio(value: str) -> float:
    ratio = float(value)
    if not 0 <= ratio <= 1:
        raise argparse.ArgumentTypeError("--duplicates must be a ratio from 0 to 1")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--rows", type=_rows, default=500_000, help="data rows, header aside")
    parser.add_argument(
        "--seed", type=int, default=20240601, help="the same seed makes the same file"
    )
    parser.add_argument(
        "--duplicates", type=_ratio, default=0.05, help="ratio of case-variant SKUs, 0 to 1"
    )
    parser.add_argument("--out", default="-", help="output file (- for stdout)")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.out == "-":
        rows, distinct = generate(sys.stdout, args.rows, args.seed, args.duplicates)
    else:
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                rows, distinct = generate(out, args.rows, args.seed, args.duplicates)
        except OSError as exc:
            sys.exit(f"error: cannot write {args.out}: {exc.strerror or exc}")
    print(
        f"{rows} rows, {distinct} distinct SKUs in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
