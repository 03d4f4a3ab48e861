"""The base of every request and response model.

Pydantic builds a model's validator when the class is defined unless told to wait; with
hundreds of models registered by app.py that cost landed on every cold start. `defer_build`
builds each one on its first use instead (bench/cold_start.py measures the difference). A
body that is one of several models derives from `OneOf[...]`, not from pydantic's
`RootModel[...]`: the latter is built at once, and with it every model of the union (a
tagged union of registrations cost a tenth of the API's import, its email validator with it).

One-line text (names, subjects, identifiers typed by a person) refuses line breaks and other
control characters: in an email subject a line break starts a new header, in a CSV or a log
line a new record. `SingleLine[...]` wraps a field's own type and constraints, so that they
apply first (stripping included) and keep pydantic's own error codes:

    subject: SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)]]
    name: SingleLine[str] = Field(min_length=3, max_length=120)

`MultiLine[...]` is the same for text of several lines (notes, messages): line breaks and tabs
pass, the other control characters do not.

Dates and moments come as ISO text only: pydantic would otherwise read a number
(`{"period_end": 0}`, `?to=0`) as seconds since 1970 and, for instance, start a settlement
for 1970-01-01.
"""

from __future__ import annotations

import re
import types
from datetime import date
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    model_validator,
)

# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F, NEL included)
# and its line and paragraph separators.
_NOT_IN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same but for tab, line feed and carriage return (a textarea's text).
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
SINGLE_LINE_MESSAGE = "No se admiten saltos de línea ni caracteres de control."
MULTI_LINE_MESSAGE = "No se admiten caracteres de control."


def _one_line(value: str) -> str:
    if _NOT_IN_ONE_LINE.search(value):
        raise ValueError(SINGLE_LINE_MESSAGE)
    return value


def _lines(value: str) -> str:
    if _NOT_IN_TEXT.search(value):
        raise ValueError(MULTI_LINE_MESSAGE)
    return value


_Text = TypeVar("_Text", bound=str)
SingleLine = Annotated[_Text, AfterValidator(_one_line)]
MultiLine = Annotated[_Text, AfterValidator(_lines)]
# A required one-line text of up to 200 characters, surrounding spaces dropped.
Text = SingleLine[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
]

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


Root = TypeVar("Root")


class OneOf(RootModel[Root], Generic[Root]):
    """A body or answer that is one of several models, built on first use like `Schema`:
    `class Registration(OneOf[Annotated[A | B, Field(discriminator="country")]])`."""

    model_config = ConfigDict(defer_build=True)


class Strict(Schema):
    """A request's body or query: a name the model does not declare is refused (422)."""

    model_config = ConfigDict(extra="forbid")


# A list's cursor: the `next_cursor` of the page before, opaque to the caller.
Cursor = Annotated[str, StringConstraints(max_length=2048)]


class ListQuery(Strict):
    """API.md's list parameters: at most `limit` items after `cursor`. A list whose pages are
    longer declares its own `limit` (its default and its most)."""

    limit: int = Field(default=20, ge=1, le=100)
    cursor: Cursor | None = None


Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    """API.md's list answer: at most `limit` items, and a cursor only when more follow.

    A route's answer names its own class (`class HospitalsOut(Page[HospitalOut])`), so that
    the OpenAPI document keeps one schema per list.
    """

    items: list[Item]
    next_cursor: str | None = None


class PageWithNextCursor(Page[Item], Generic[Item]):
    """A `Page` whose answer always names `next_cursor` (null on the last page)."""

    next_cursor: str | None


PHONE_MESSAGE = "El teléfono debe tener 10 dígitos."


def _ten_digits(value: str) -> str:
    """A Mexican number has 10 digits; one written with its country code (`+56 9 …`) 10 to 15."""
    digits = sum(c.isdigit() for c in value)
    if not (digits == 10 or (value.startswith("+") and 10 <= digits <= 15)):
        raise ValueError(PHONE_MESSAGE)
    return value


# A person's phone: digits with the usual spaces, hyphens and parentheses.
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{8,20}$"),
    AfterValidator(_ten_digits),
]
