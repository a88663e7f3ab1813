"""A product's field rules, shared by the products API and the CSV import.

`sku` and `name` are trimmed of surrounding whitespace: the characters Unicode calls
White_Space (so a no-break space copied from a spreadsheet goes too), and the invisible
marks that join nothing at a value's edge: the zero-width space and byte order mark
(pasted from a web page, or left inside a file by joining two), the soft hyphen, the
zero-width non-joiner, the word joiner and the Mongolian vowel separator. Not the
zero-width joiner: a word of older Malayalam text ends with one (a chillu letter).
Lengths count characters.
"""

SKU_MAX = 64
NAME_MAX = 255
DESCRIPTION_MAX = 10_000
IN_WORDS = (  # for the API's documentation
    f"`sku` 1-{SKU_MAX} characters and `name` 1-{NAME_MAX}, both trimmed of blanks and "
    f"invisible marks around them; `description` up to {DESCRIPTION_MAX:,}"
)
TRIM_CHARS = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\ufeff"
    "\xad\u180e\u200c\u2060"
)


def trimmed(value: str) -> str:
    return value.strip(TRIM_CHARS)
