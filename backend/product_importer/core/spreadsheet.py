"""CSV cells that are safe to open in a spreadsheet."""

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise CSV formula injection: prefix a would-be formula with `'`."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
