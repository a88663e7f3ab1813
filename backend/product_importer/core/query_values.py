"""Query values as clients write them: an empty one (`?sort=`, as a URL template
filled in part leaves it) means the parameter was not given."""

from typing import Any

from pydantic import BeforeValidator
from pydantic_core import PydanticUseDefault


def _default_if_blank(value: Any) -> Any:
    if value == "":
        raise PydanticUseDefault()
    return value


def _blanks_left_out(values: Any) -> Any:
    if isinstance(values, list):
        return [value for value in values if value != ""] or None
    return values


# Before the parameter's own validation (pydantic runs the last "before" validator first).
BLANK_IS_DEFAULT = BeforeValidator(_default_if_blank)
BLANKS_LEFT_OUT = BeforeValidator(_blanks_left_out)  # of a repeated parameter
