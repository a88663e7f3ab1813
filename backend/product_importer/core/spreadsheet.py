"""CSV cells that are safe to open in a spreadsheet, and back.

An exported cell that a spreadsheet would run as a formula gets a leading `'` (the
guard). So that an exported file imports unchanged, the import drops one leading `'`
from a cell that, past its leading `'`s, starts like a formula; and the export guards a
value that already looks guarded (`'=x` is exported as `''=x`).
"""

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def safe_cell(value: str) -> str:
    """Neutralise CSV formula injection: prefix a would-be formula with `'`."""
    return GUARD + value if value.lstrip(GUARD).startswith(FORMULA_STARTS) else value


def unguarded(value: str) -> str:
    """A cell as it was before `safe_cell` (the import's rule; SQL in `imports`)."""
    guarded = value.startswith(GUARD) and value.lstrip(GUARD).startswith(FORMULA_STARTS)
    return value[1:] if guarded else value
