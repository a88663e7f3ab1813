"""JSON request bodies: a field that a body does not take is an error, not ignored.

A misspelt field (`{"nmae": "Kettle"}`) would otherwise change nothing and say nothing:
it gets 422 at that field instead. The fields of the resource as the API answers it
that a client cannot set (its `id`, its timestamps…) are let through and ignored, so
that what a client read can be sent back as it is (a product from `GET` sent to `PUT`)
to the bodies that change a resource (`answered_as`). A body that creates one takes no
such field: an `id` or a webhook's `secret` sent to create one would not be used.
"""

import functools
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

UNKNOWN_FIELD = "extra_forbidden"  # pydantic's error type
UNKNOWN_FIELD_MESSAGE = "This request takes no such field (misspelt?): nothing was changed"


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The model of the API's answers about the same resource, if any.
    answered_as: ClassVar[type[BaseModel] | None] = None

    @classmethod
    @functools.cache
    def _read_only_fields(cls) -> frozenset[str]:
        # Once per model, not per request.
        if cls.answered_as is None:
            return frozenset()
        answered = {*cls.answered_as.model_fields, *cls.answered_as.model_computed_fields}
        return frozenset(answered - set(cls.model_fields))

    @model_validator(mode="before")
    @classmethod
    def _without_read_only_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        read_only = cls._read_only_fields()
        return {key: value for key, value in data.items() if key not in read_only}
