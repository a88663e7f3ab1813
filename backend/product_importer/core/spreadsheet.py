"""CSV cells that are safe to open in a spreadsheet, and back.

An exported cell that a spreadsheet would run as a formula gets a leading `'` (the
guard). So that an exported file imports unchanged, the import drops one leading `'`
from a cell that, past its leading `'`s, starts like a formula; and the export guards a
value that already looks guarded (`'=x` is exported as `''=x`).

The rules are SQL expressions: the import applies them while it stages a file's rows,
and PostgreSQL writes the downloads' cells with them (`COPY … TO STDOUT`).
"""

from product_importer.core.sql_literals import unicode_literal

# The most a spreadsheet cell holds, in UTF-16 units (the strictest common limit).
CELL_MAX_UNITS = 32_767
# Characters kept of a longer value: each may take two units (beyond the BMP), and the
# guard and `…` one each.
CELL_KEPT_CHARS = (CELL_MAX_UNITS - 2) // 2
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"

_GUARD_SQL = unicode_literal(GUARD)
_FORMULA_STARTS_SQL = ", ".join(unicode_literal(char) for char in FORMULA_STARTS)


def safe_cell_sql(value: str, *, guarded_stays: bool = False) -> str:
    """The SQL text expression `value` (not NULL), safe from formula injection: a
    would-be formula, past any leading `'`s, gets a leading `'`. With `guarded_stays`,
    a value that starts with the guard already (as a file exported before holds it) is
    left as it is: the same as guarding the value `unguarded_sql` gives."""
    formula = f"left(ltrim({value}, {_GUARD_SQL}), 1) IN ({_FORMULA_STARTS_SQL})"
    if guarded_stays:
        formula += f" AND left({value}, 1) <> {_GUARD_SQL}"
    return f"CASE WHEN {formula} THEN {_GUARD_SQL} || {value} ELSE {value} END"


def unguarded_sql(value: str) -> str:
    """The SQL text expression `value` as it was before `safe_cell_sql` (the import's
    rule), empty when NULL."""
    return (
        f"CASE WHEN ascii({value}) = {ord(GUARD)} AND left(ltrim({value}, {_GUARD_SQL}), 1) "
        f"IN ({_FORMULA_STARTS_SQL}) THEN substr({value}, 2) ELSE coalesce({value}, '') END"
    )


def cut_to_a_cell_sql(value: str) -> str:
    """The SQL text expression `value` cut to what a spreadsheet cell holds, with room
    for the guard, ending in `…` when cut (a longer cell is cut or spills over rows)."""
    keep = CELL_KEPT_CHARS
    return f"CASE WHEN length({value}) > {keep} THEN left({value}, {keep}) || '…' ELSE {value} END"
