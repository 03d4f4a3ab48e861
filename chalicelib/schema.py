"""The base of every request and response model.

Pydantic builds a model's validator when the class is defined unless told to wait; with
dozens of models registered by app.py that cost landed on every cold start. `defer_build`
builds each one on its first use instead (bench/cold_start.py measures the difference).

Dates and moments come as ISO text only: pydantic would otherwise read a number
(`{"period_end": 0}`, `?to=0`) as seconds since 1970 and, for instance, start a settlement
for 1970-01-01.
"""

from __future__ import annotations

import re
import types
from datetime import date
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, model_validator

_NUMBER = re.compile(r"\s*[+-]?\d+(?:\.\d*)?\s*")
# What a number given for a date becomes: text pydantic refuses as a date, so the error
# (and its Spanish message) lands on that field like any other malformed date.
_NOT_ISO = "no-es-fecha-iso"


def _is_date(annotation: Any) -> bool:
    """`date` or `datetime` (a subclass), optional or not."""
    if isinstance(annotation, type):
        return issubclass(annotation, date)
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_date(arg) for arg in get_args(annotation))
    return False


@cache
def _date_keys(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(
        field.alias or name
        for name, field in model.model_fields.items()
        if _is_date(field.annotation)
    )


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _dates_are_iso_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        numbers = [
            key
            for key in _date_keys(cls)
            if isinstance(data.get(key), (int, float))
            or (isinstance(data.get(key), str) and _NUMBER.fullmatch(data[key]))
        ]
        return {**data, **dict.fromkeys(numbers, _NOT_ISO)} if numbers else data
