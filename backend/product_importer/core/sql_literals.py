"""SQL string literals written from Python strings."""


def unicode_literal(chars: str | tuple[str, ...]) -> str:
    """A SQL string literal of `chars`, each written as a Unicode escape (no quote,
    backslash or control character to escape)."""
    return "E'" + "".join(f"\\u{ord(char):04X}" for char in chars) + "'"
