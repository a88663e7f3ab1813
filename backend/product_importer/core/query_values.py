"""Query values as clients write them: an empty one (`?sort=`, as a URL template
filled in part leaves it) means the parameter was not given."""

from pydantic import BeforeValidator


def blank_is_default(default: object) -> BeforeValidator:
    """Takes `default` for an empty value, before the parameter's own validation."""
    return BeforeValidator(lambda value: default if value == "" else value)
