"""One-line text refuses line breaks and control characters (chalicelib/schema.py).

Found in review: `\\r\\n` in the contact form's subject reached the subject of the email to
the insurer, where a line break starts a new header.
"""

from __future__ import annotations

import json
import types
import unicodedata
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from chalice.app import Chalice
from chalice.test import Client
from pydantic import BaseModel, Field, StringConstraints, ValidationError

import app as app_module
from chalicelib.appointments.schemas import AgendaIn, ClinicIn
from chalicelib.claims.schemas import ContactIn, HospitalQuery, TransitionIn
from chalicelib.documents.schemas import FileIn
from chalicelib.http import Api, validation_details
from chalicelib.payments.schemas import Enrolment
from chalicelib.prescriptions.schemas import MedicineIn, PrescriptionIn, SickLeaveIn
from chalicelib.privacy.schemas import DecisionIn
from chalicelib.providers.schemas import BankAccountIn, DigitalOrderIn
from chalicelib.schema import MultiLine, Schema, SingleLine
from chalicelib.settlement.schemas import PeriodQuery, VouchersQuery

ONE_LINE = "No se admiten saltos de línea ni caracteres de control."
LINES = "No se admiten caracteres de control."


class _Texts(Schema):
    title: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=10)]
    ] = "ok"
    plain: SingleLine[str] = Field(default="ok", max_length=10)
    note: MultiLine[Annotated[str, StringConstraints(max_length=50)]] = ""


def _refusal(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [(d.field, d.message) for d in validation_details(raised.value)]


def test_single_line_refuses_exactly_the_control_characters_and_the_separators() -> None:
    refused = set()
    for code in range(0x110000):
        character = chr(code)
        if unicodedata.category(character) == "Cs":
            continue  # a lone surrogate is not text: pydantic refuses it before any validator
        try:
            _Texts.model_validate({"plain": f"a{character}b"})
        except ValidationError:
            refused.add(code)
    controls = {code for code in range(0x110000) if unicodedata.category(chr(code)) == "Cc"}
    assert refused == controls | {0x2028, 0x2029}
    assert {0x09, 0x0A, 0x0D, 0x7F, 0x85} <= refused


def test_multi_line_keeps_line_breaks_and_tabs_and_refuses_the_rest() -> None:
    kept = "Primera línea\r\nSegunda\tcon tabulador\núltima"
    assert _Texts.model_validate({"note": kept}).note == kept
    for character in ("\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028"):
        assert _refusal(_Texts, {"note": f"a{character}b"}) == [("note", LINES)]


def test_the_fields_own_constraints_apply_first_with_their_own_codes() -> None:
    # Stripped before it is judged: a trailing line break is gone, not refused.
    assert _Texts.model_validate({"title": "  Hola\r\n"}).title == "Hola"
    assert _refusal(_Texts, {"title": "Ho\r\nla"}) == [("title", ONE_LINE)]
    with pytest.raises(ValidationError) as raised:
        _Texts.model_validate({"title": "x" * 11, "plain": "y" * 11})
    assert {e["type"] for e in raised.value.errors()} == {"string_too_long"}
    with pytest.raises(ValidationError) as raised:
        _Texts.model_validate({"title": 5})
    assert [e["type"] for e in raised.value.errors()] == ["string_type"]
    # The published schema does not change.
    assert _Texts.model_json_schema()["properties"]["title"] == {
        "default": "ok",
        "maxLength": 10,
        "minLength": 2,
        "title": "Title",
        "type": "string",
    }


def test_a_contact_subject_with_a_line_break_answers_422_with_the_message() -> None:
    app = Chalice(app_name="contact-test")
    api = Api(app, title="t", version="1")

    @api.route("/contact", "POST", summary="s", body=ContactIn)
    def contact(body: ContactIn) -> dict[str, str]:
        return {"subject": body.subject}

    message = "Necesito ayuda con mi trámite.\nGracias."
    with Client(app) as client:
        refused = client.http.post(
            "/contact",
            body=json.dumps({"subject": "Duda\r\nBcc: otra@example.com", "message": message}),
            headers={"Content-Type": "application/json"},
        )
        accepted = client.http.post(
            "/contact",
            body=json.dumps({"subject": "Duda sobre mi reembolso", "message": message}),
            headers={"Content-Type": "application/json"},
        )
    assert refused.status_code == 422
    assert json.loads(refused.body)["error"]["details"] == [
        {"field": "subject", "code": "value_error", "message": ONE_LINE}
    ]
    assert accepted.status_code == 200


FILE = {"name": "factura.pdf", "size": 10, "doc_type": "factura"}
MONEY = {"amount": "100.00"}
ORDER = {
    "account_number": "ABC-123",
    "patient_name": "Ana López",
    "service": "consulta",
    "date": "2026-01-05",
    "amount": MONEY,
    "insured_signature": True,
    "doctor_signature": True,
}
# (model, a valid request, the one-line field to break, where the error is reported)
ONE_LINE_FIELDS: list[tuple[type[BaseModel], dict[str, Any], str, str]] = [
    (ContactIn, {"subject": "Duda", "message": "Un mensaje largo."}, "subject", "subject"),
    (HospitalQuery, {"q": "Ángeles"}, "q", "q"),
    (FileIn, {**FILE, "content_type": "application/pdf"}, "content_type", "content_type"),
    (
        Enrolment,
        {
            "plan_id": "familiar",
            "rfc": "GODE561231GR8",
            "full_name": "María Pérez",
            "email": "maria@example.mx",
            "phone": "5512345678",
        },
        "full_name",
        "full_name",
    ),
    (ClinicIn, {"name": "UMF 20 Vallejo", "address": "Calle 1"}, "address", "address"),
    (
        AgendaIn,
        {
            "clinic_id": "c1",
            "doctor": "Dra. Ruiz",
            "date": "2026-01-05",
            "shift": "matutino",
            "slot_times": ["08:00"],
            "internet_quota": 1,
        },
        "doctor",
        "doctor",
    ),
    (
        PrescriptionIn,
        {
            "nss": "12345678901",
            "doctor": "Dr. Soto",
            "clinic": "UMF 20",
            "date": "2026-01-05",
            "medicines": [{"name": "Paracetamol", "dose": "1 cada 8 horas", "quantity": 1}],
        },
        "clinic",
        "clinic",
    ),
    (MedicineIn, {"name": "Paracetamol", "dose": "1 cada 8 horas", "quantity": 1}, "dose", "dose"),
    (
        SickLeaveIn,
        {
            "nss": "12345678901",
            "kind": "enfermedad_general",
            "start_date": "2026-01-05",
            "days": 3,
            "doctor": "Dr. Soto",
            "clinic": "UMF 20",
        },
        "doctor",
        "doctor",
    ),
    (DigitalOrderIn, ORDER, "patient_name", "patient_name"),
    (
        BankAccountIn,
        {"clabe": "002180700000000019", "statement": {"name": "e.pdf", "size": 1}},
        "clabe",
        "clabe",
    ),
    (
        VouchersQuery,
        {"from": "2026-01-01", "to": "2026-01-31", "payer": "Fonasa"},
        "payer",
        "payer",
    ),
]


@pytest.mark.parametrize(
    ("model", "valid", "field", "reported"),
    ONE_LINE_FIELDS,
    ids=[f"{model.__name__}.{field}" for model, _v, field, _r in ONE_LINE_FIELDS],
)
def test_one_line_fields_refuse_a_line_break_inside(
    model: type[BaseModel], valid: dict[str, Any], field: str, reported: str
) -> None:
    model.model_validate(valid)
    for character in ("\r\n", "\n", "\t", "\x00", "\u2028"):
        broken = {**valid, field: f"{valid[field][:3]}{character}{valid[field][3:]}"}
        assert _refusal(model, broken) == [(reported, ONE_LINE)], repr(character)


def test_notes_and_reasons_keep_their_lines() -> None:
    note = "Faltan dos documentos:\n- la factura\n- la receta"
    assert TransitionIn.model_validate({"to": "pendiente_documentos", "note": note}).note == note
    reason = "No encontramos el registro.\r\nEscríbenos si tienes dudas."
    decision = DecisionIn.model_validate({"decision": "rechazar", "reason": reason})
    assert decision.reason == reason
    assert _refusal(DecisionIn, {"decision": "rechazar", "reason": "Motivo\x1b[2J"}) == [
        ("reason", LINES)
    ]


def test_a_month_followed_by_a_line_break_is_not_a_month() -> None:
    assert PeriodQuery.model_validate({"from": "2026-01", "to": "2026-02"}).to == "2026-02"
    assert _refusal(PeriodQuery, {"from": "2026-01\n", "to": "2026-02"}) == [
        ("from", "Usa el formato AAAA-MM.")
    ]


# --- every text a request carries has chosen how it is judged ---------------------------------

# Texts that are neither free one-line text nor several lines, and what judges them instead
# (by field name, or by model and field).
JUDGED_ELSEWHERE = {
    "cursor": "signed by the API; a tampered one is refused (chalicelib/dynamo.py)",
    "seal": "verified against the KMS signature",
    "FileIn.name": "documents/names.py allows letters, digits, '-', '_' and one '.'",
    "TransactionFileIn.name": "documents/names.py, as above",
    "UploadFile.name": "documents/names.py, as above",
    "TraditionalFileIn.name": "documents/names.py, as above",
    "ImportFileIn.name": "documents/names.py, as above (the import's upload slot checks it)",
    "Enrolment.rfc": "normalized by check_rfc, which keeps only an RFC's own characters",
    "Lookup.rfc": "check_rfc, as above",
    "PeriodQuery.from_": "a month, AAAA-MM, by its validator",
    "PeriodQuery.to": "a month, AAAA-MM, by its validator",
    "password": "any character may be part of a password; it is never shown nor sent on",
    "current_password": "a password, as above",
    "new_password": "a password, as above",
    "AffiliateRegistration.nss": "check_nss keeps only the 11 digits",
    "Reactivation.nss": "check_nss, as above",
    "MexicanProviderRegistration.rfc": "check_rfc, as for Enrolment.rfc",
    "ChileanProviderRegistration.rut": "check_rut keeps only a RUT's own characters",
}


def _text_metadata(annotation: Any) -> list[Any] | None:
    """The metadata of a text field (optional or not); None for anything that is not text."""
    if annotation is str:
        return []
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        inner = _text_metadata(base)
        return None if inner is None else [*inner, *metadata]
    if get_origin(annotation) in (Union, types.UnionType):
        found = [_text_metadata(arg) for arg in get_args(annotation)]
        texts = [metadata for metadata in found if metadata is not None]
        return [item for metadata in texts for item in metadata] if texts else None
    return None


def _models(annotation: Any, seen: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for info in annotation.model_fields.values():
            _models(info.annotation, seen)
    for argument in get_args(annotation):
        _models(argument, seen)


def test_every_text_field_of_every_request_refuses_control_characters() -> None:
    seen: set[type[BaseModel]] = set()
    for endpoint in app_module.api.endpoints:
        _models(endpoint.body, seen)
        _models(endpoint.query, seen)
    unjudged = []
    for model in seen:
        for name, info in model.model_fields.items():
            metadata = _text_metadata(info.annotation)
            if metadata is None or {name, f"{model.__name__}.{name}"} & set(JUDGED_ELSEWHERE):
                continue
            metadata = [*metadata, *info.metadata]
            validators = {getattr(getattr(m, "func", None), "__name__", "") for m in metadata}
            patterned = any(getattr(m, "pattern", None) for m in metadata)
            if not (validators & {"_one_line", "_lines"} or patterned):
                unjudged.append(f"{model.__module__}.{model.__name__}.{name}")
    assert sorted(unjudged) == []
    assert len(seen) > 40
