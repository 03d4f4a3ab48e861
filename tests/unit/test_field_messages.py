"""A refused field is named by the request's own dotted path and said for a person
(chalicelib/field_messages.py).

Found by trying the portals: Mi cuenta's contact form answered
`secondary_email.function-after[_validate(), str]: El valor no es válido.` and
`phone.constrained-str…`, and an empty log-in "El texto es demasiado corto".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, EmailStr, Field, ValidationError

from chalicelib import field_messages
from chalicelib.field_messages import field_path, is_member_label
from chalicelib.http import validation_details
from chalicelib.schema import Phone, Strict


class _Member(Strict):
    amount: str


class _Other(Strict):
    count: int


class _Form(Strict):
    email: EmailStr | Literal[""] | None = None
    phone: Phone | Literal[""] | None = None
    notes: Annotated[str, Field(max_length=5)] = ""
    items: list[_Member | _Other] = Field(default_factory=list)
    tags: Annotated[list[str], Field(min_length=2)] = Field(default_factory=lambda: ["a", "b"])


def _said(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [(d.field, d.code, d.message) for d in validation_details(raised.value)]


@pytest.mark.parametrize(
    "part",
    [
        "function-after[_validate(), str]",
        "constrained-str",
        "literal['']",
        "str",
        "_Member",
        "list[str]",
        "nullable[str]",
        "MexicanProviderRegistration",
    ],
)
def test_a_union_members_name_is_not_a_field(part: str) -> None:
    assert is_member_label(part)


@pytest.mark.parametrize("part", ["email", "secondary_email", "files", "name", "from", "date"])
def test_a_field_name_is_kept(part: str) -> None:
    assert not is_member_label(part)


def test_the_path_keeps_fields_and_positions_only() -> None:
    assert field_path(["files", 0, "name"]) == "files.0.name"
    assert field_path(["secondary_email", "function-after[_validate(), str]"]) == "secondary_email"
    assert field_path(["items", 3, "_Member", "amount"]) == "items.3.amount"
    assert field_path([]) == ""


def test_one_error_per_field_of_a_union_the_one_the_person_meant() -> None:
    assert _said(_Form, {"email": "malo@", "phone": "12"}) == [
        ("email", "value_error", "Escribe un correo válido, como nombre@ejemplo.com."),
        ("phone", "string_pattern_mismatch", "El teléfono debe tener 10 dígitos."),
    ]


def test_a_phone_of_other_than_ten_digits_is_refused_with_the_count() -> None:
    assert _said(_Form, {"phone": "55 1234 567"}) == [
        ("phone", "value_error", "El teléfono debe tener 10 dígitos.")
    ]
    assert _Form.model_validate({"phone": "55 1234 5678"}).phone == "55 1234 5678"
    assert _Form.model_validate({"phone": "+56 9 1234 5678"}).phone == "+56 9 1234 5678"


def test_a_nested_member_error_keeps_its_position() -> None:
    fields = {field for field, _, _ in _said(_Form, {"items": [{"amount": "1"}, {"amount": 5}]})}
    assert fields == {"items.1.amount", "items.1.count"}


def test_generic_messages_say_the_limit() -> None:
    assert _said(_Form, {"notes": "demasiado"}) == [
        ("notes", "string_too_long", "Escribe como máximo 5 caracteres.")
    ]
    assert _said(_Form, {"tags": ["a"]}) == [("tags", "too_short", "Elige al menos 2.")]


def test_nothing_written_is_said_as_the_fields_empty_message() -> None:
    error = {"type": "string_too_short", "loc": ("rfc",), "input": "  ", "ctx": {"min_length": 1}}
    assert field_messages.message_for("rfc", error) == "Escribe el RFC."
    custom = {"type": "value_error", "loc": ("rfc",), "input": "", "ctx": {"error": "El RFC…"}}
    assert field_messages.message_for("rfc", custom) == "Escribe el RFC."
    unknown = {"type": "missing", "loc": ("frobnicate",), "input": {}}
    assert field_messages.message_for("frobnicate", unknown) == "Completa este campo."


def test_a_list_position_finds_the_fields_message_by_pattern() -> None:
    assert (
        field_messages.field_text("files.3.name") == field_messages.FIELD_MESSAGES["files.*.name"]
    )
    assert field_messages.field_text("contact.email") == field_messages.FIELD_MESSAGES["email"]


def test_a_validators_own_message_is_kept() -> None:
    error = {"type": "value_error", "loc": ("nss",), "input": "123", "ctx": {"error": "El NSS…"}}
    assert field_messages.message_for("nss", error) == "El NSS…"
