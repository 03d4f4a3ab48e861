"""The 422 details of the main forms: each refused field at the request's dotted path, said for
the person who filled in the form (API.md, docs/forms.md). No validator jargon, no English."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from pydantic import BaseModel, ValidationError

import app as app_module
from chalicelib.accounts.schemas import PasswordChange, ProfileUpdate
from chalicelib.claims.schemas import ClaimFilesIn, ClaimIn, PendingResponseIn, TransitionIn
from chalicelib.http import validation_details
from chalicelib.payments.schemas import CardPaymentRequest, Enrolment
from chalicelib.privacy.schemas import DecisionIn
from chalicelib.providers.schemas import BankAccountIn

# What a person must never read: pydantic's names for its validators and its English.
JARGON = re.compile(
    r"function-(after|before|wrap|plain)|constrained|literal\[|str_type|string_type"
    r"|Field required|Input should|value is not|String should|List should|\w+\.\d+\.",
    re.IGNORECASE,
)
PATH = re.compile(r"^(body|[a-z_]+(\.([a-z_]+|\d+))*)$")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with Client(app_module.app) as test_client:
        yield test_client


def _details(client: Any, path: str, body: dict[str, Any]) -> dict[str, str]:
    answer = client.http.post(
        path, body=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.body
    details = json.loads(answer.body)["error"]["details"]
    return _checked(details)


def _checked(details: list[dict[str, str]]) -> dict[str, str]:
    for detail in details:
        assert PATH.match(detail["field"]), detail
        assert not JARGON.search(detail["message"]), detail
    fields = [d["field"] for d in details]
    assert len(fields) == len(set(fields)), "one detail per field"
    return {d["field"]: d["message"] for d in details}


def _refused(model: type[BaseModel], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return _checked([d.as_dict() for d in validation_details(raised.value)])


def test_an_empty_log_in_asks_for_the_identifier_and_the_password(client: Any) -> None:
    assert _details(client, "/v1/auth/login", {"identifier": "", "password": ""}) == {
        "identifier": "Escribe tu correo electrónico, NSS o RUT.",
        "password": "Escribe tu contraseña.",
    }
    assert _details(client, "/v1/auth/login", {}) == {
        "identifier": "Escribe tu correo electrónico, NSS o RUT.",
        "password": "Escribe tu contraseña.",
    }


def test_an_empty_rfc_on_the_payments_page_asks_for_it(client: Any) -> None:
    assert _details(client, "/v1/payments/lookup", {"rfc": ""}) == {"rfc": "Escribe el RFC."}
    malformed = _details(client, "/v1/payments/lookup", {"rfc": "NO-ES-RFC"})
    assert set(malformed) == {"rfc"}


def test_a_registration_with_every_field_wrong(client: Any) -> None:
    said = _details(
        client,
        "/v1/accounts/insured",
        {"full_name": "", "policy_number": "", "email": "sin-arroba", "secondary_email": "x@"},
    )
    assert said == {
        "full_name": "Escribe el nombre completo.",
        "policy_number": "Escribe el número de póliza.",
        "email": "Escribe un correo válido, como nombre@ejemplo.com.",
        "secondary_email": "Escribe un correo válido, como nombre@ejemplo.com.",
        "accept_privacy_broker": "Debes aceptar el aviso de privacidad para registrarte.",
        "accept_privacy_insurer": "Debes aceptar el aviso de privacidad para registrarte.",
    }
    affiliate = _details(
        client, "/v1/accounts/affiliates", {"nss": "1", "credential_serial": "S1", "phone": "55"}
    )
    assert affiliate["phone"] == "El teléfono debe tener 10 dígitos."
    assert affiliate["email"] == "Escribe tu correo electrónico."
    assert set(affiliate) == {"nss", "phone", "email"}


def test_a_provider_registration_names_the_field_not_the_country(client: Any) -> None:
    said = _details(client, "/v1/accounts/providers", {"country": "MX", "rfc": "", "email": "a"})
    assert said["rfc"] == "Escribe el RFC."
    assert said["fiscal_regime"] == "Elige el régimen fiscal."


def test_mi_cuenta_contact_data_with_a_bad_email_and_phone() -> None:
    assert _refused(
        ProfileUpdate, {"secondary_email": "malo@", "phone": "12", "current_password": ""}
    ) == {
        "current_password": "Escribe tu contraseña actual.",
        "secondary_email": "Escribe un correo válido, como nombre@ejemplo.com.",
        "phone": "El teléfono debe tener 10 dígitos.",
    }
    # Emptying an optional field is allowed.
    ProfileUpdate.model_validate({"secondary_email": "", "phone": "", "current_password": "x"})


def test_password_change_asks_for_both() -> None:
    assert _refused(PasswordChange, {}) == {
        "current_password": "Escribe tu contraseña actual.",
        "new_password": "Escribe la contraseña nueva.",
    }


def test_claim_step_one_says_what_to_choose() -> None:
    assert _refused(ClaimIn, {"consent": False}) == {
        "member_id": "Elige a la persona afectada.",
        "coverage": "Elige la cobertura.",
        "type": "Elige el tipo de trámite.",
        "stage": "Elige si el trámite es inicial o complemento.",
    }


def test_an_upload_names_the_file_by_its_position() -> None:
    good = {"name": "receta.pdf", "size": 10, "doc_type": "receta"}
    refused = _refused(ClaimFilesIn, {"files": [good, {"name": "", "size": -1, "doc_type": "!"}]})
    assert refused["files.1.name"] == "Elige un archivo."
    assert set(refused) == {"files.1.name", "files.1.size", "files.1.doc_type"}
    assert _refused(ClaimFilesIn, {"files": []}) == {"files": "Elige al menos un archivo."}


def test_a_pending_response_without_files_and_a_decision_without_reason() -> None:
    assert _refused(PendingResponseIn, {"document_ids": []}) == {
        "document_ids": "Adjunta al menos un documento."
    }
    assert _refused(DecisionIn, {"decision": "rechazar", "reason": ""}) == {
        "reason": "Explica a la persona por qué se rechaza su solicitud."
    }
    assert _refused(TransitionIn, {"to": "nada"}) == {"to": "Elige una de las opciones."}


def test_bank_account_card_and_enrolment() -> None:
    assert _refused(BankAccountIn, {}) == {
        "clabe": "Escribe la CLABE de 18 dígitos.",
        "statement": "Elige el PDF de tu estado de cuenta.",
    }
    assert _refused(CardPaymentRequest, {"card_token": "", "months": 0}) == {
        "card_token": "Revisa los datos de la tarjeta.",
        "months": "Elige entre 1 y 12 meses.",
    }
    enrolment = _refused(Enrolment, {"plan_id": "", "rfc": "", "email": "", "phone": "1"})
    assert enrolment == {
        "plan_id": "Elige un plan.",
        "rfc": "Escribe el RFC.",
        "full_name": "Escribe el nombre completo.",
        "email": "Escribe tu correo electrónico.",
        "phone": "El teléfono debe tener 10 dígitos.",
    }
