"""An insurer's staff work with duties: every operator route names the one it needs, and an
operator without it is answered 403 `forbidden` with a Spanish message, changing nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pyotp

import app as app_module
from chalicelib.auth import DUTIES
from chalicelib.http import ANY_ROLE
from tests.fixtures.platform import Platform, bearer

PASSWORD = "una frase de acceso segura 2026"

# Routes an operator reaches with any duty: their own session and account, and documents,
# whose owner's context decides who may read them.
EVERY_DUTY = ("/v1/auth/", "/v1/me", "/v1/documents")
# Routes whose duty is the kind of data they carry (imports: `administracion` for rosters and
# registries, `finanzas` for orders and transactions); the service checks it, and
# `test_import_routes_check_the_kinds_duty` sweeps them.
BY_KIND = ("/v1/operator/imports",)


def _operator(platform: Platform, duties: list[str]) -> dict[str, str]:
    """A new SEC operator with these duties, activated from the emailed link and enrolled in
    TOTP at the first log-in, as a person would be."""
    from chalicelib.accounts import service as accounts

    email = f"staff-{uuid.uuid4().hex[:8]}@example.mx"
    accounts.create_operator(email, "OPERADORA DE PRUEBA", ["sec"], duties)
    token = platform.emailed_link(email, "activar.html").split("#token=", 1)[1]
    activated = platform.post("/v1/accounts/activate", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 200, activated.text
    challenge = platform.post(
        "/v1/auth/login", json={"identifier": email, "password": PASSWORD}
    ).json()
    code = pyotp.TOTP(challenge["enrollment"]["secret"]).now()
    done = platform.post("/v1/auth/totp", json={"session": challenge["session"], "code": code})
    assert done.status_code == 200, done.text
    return bearer(done.json())


def _refused(answer: Any, duty_words: str) -> None:
    assert answer.status_code == 403, answer.text
    error = answer.json()["error"]
    assert error["code"] == "forbidden"
    assert duty_words in error["message"]


def test_an_operator_with_only_dictamen_reaches_claims_and_nothing_else(
    platform: Platform,
) -> None:
    headers = _operator(platform, ["dictamen"])
    me = platform.get("/v1/me", headers=headers).json()
    assert me["duties"] == ["dictamen"]

    queue = platform.get("/v1/operator/claims", params={"insurer": "sec"}, headers=headers)
    assert queue.status_code == 200, queue.text

    _refused(platform.post("/v1/operator/settlements/run", json={}, headers=headers), "finanzas")
    _refused(platform.get("/v1/operator/invoices", headers=headers), "finanzas")
    _refused(platform.get("/v1/clinics", headers=headers), "servicios")
    _refused(platform.get("/v1/operator/audit", headers=headers), "administración")
    _refused(platform.get("/v1/operator/data-requests", headers=headers), "administración")

    # And the other way round: finanzas alone reaches the invoices, not the claims queue.
    finance = _operator(platform, ["finanzas"])
    _refused(platform.get("/v1/operator/claims", headers=finance), "dictamen")
    invoices = platform.get("/v1/operator/invoices", params={"insurer_id": "sec"}, headers=finance)
    assert invoices.status_code == 200, invoices.text


def test_the_demo_operator_holds_every_duty(platform: Platform) -> None:
    me = platform.get("/v1/me", headers=bearer(platform.operator_tokens())).json()
    assert me["duties"] == list(DUTIES)


def test_every_operator_route_names_its_duty() -> None:
    missing = []
    for path, operations in app_module.api.openapi()["paths"].items():
        for method, operation in operations.items():
            roles = operation.get("x-roles", [])
            if "operador" not in roles or path.startswith(EVERY_DUTY + BY_KIND):
                continue
            if tuple(roles) == ANY_ROLE:
                missing.append(f"{method.upper()} {path} is open to every role")
            elif not _needed(operation) or not set(_needed(operation)) <= set(DUTIES):
                missing.append(f"{method.upper()} {path} names no duty")
    assert not missing, "\n".join(missing)


def test_unknown_or_no_duties_are_refused() -> None:
    import pytest

    from chalicelib import errors
    from chalicelib.accounts import service as accounts

    for duties in (["auditoria"], []):
        with pytest.raises(errors.InvalidInput) as refused:
            accounts.create_operator("nadie@example.mx", "NADIE", ["sec"], duties)
        assert refused.value.error_code == "invalid_duties"


def test_every_operator_route_refuses_an_operator_without_its_duty(platform: Platform) -> None:
    """The sweep over duties: each operation that names a duty, called by an operator who
    holds every other duty, answers 403 `forbidden` before it reads an id or a body."""
    document = app_module.api.openapi()
    lacking: dict[tuple[str, ...], dict[str, str]] = {}
    swept = 0
    for path, operations in document["paths"].items():
        concrete = path.replace("{", "").replace("}", "")  # any id: refused before the lookup
        for method, operation in operations.items():
            needed = _needed(operation)
            if not needed:
                continue
            if needed not in lacking:
                lacking[needed] = _operator(platform, [d for d in DUTIES if d not in needed])
            body: dict[str, Any] | None = {} if "requestBody" in operation else None
            answer = platform.request(method.upper(), concrete, json=body, headers=lacking[needed])
            for duty in needed:
                _refused(answer, DUTY_WORDS[duty])
            swept += 1
    assert swept >= 20, swept
    assert ("administracion", "finanzas") in lacking  # imports: either duty opens them


def _needed(operation: dict[str, Any]) -> tuple[str, ...]:
    """The duties of which an operation needs one (OpenAPI's `x-duty`: a name or a list)."""
    duty = operation.get("x-duty")
    return () if duty is None else (duty,) if isinstance(duty, str) else tuple(duty)


DUTY_WORDS = {
    "dictamen": "dictamen",
    "finanzas": "finanzas",
    "servicios": "servicios",
    "administracion": "administración",
}


def test_refusals_activation_and_enrolment_are_in_the_insurers_audit_log(
    platform: Platform,
) -> None:
    """The staff member's own steps (activating the account, enrolling TOTP) and every route
    refused for a missing duty are in the log of the insurer they work for; the refusal
    names the route's template and the duty, never an id or a body."""
    headers = _operator(platform, ["dictamen"])
    me = platform.get("/v1/me", headers=headers).json()
    _refused(platform.get("/v1/operator/staff", headers=headers), "administración")
    _refused(platform.get("/v1/invoices/abc-123", headers=headers), "finanzas")

    admin = bearer(platform.operator_tokens())
    log = platform.get(
        "/v1/operator/audit", params={"insurer": "sec", "actor": me["id"]}, headers=admin
    )
    assert log.status_code == 200, log.text
    seen = [(r["action"], r["subject"], r["detail"]) for r in log.json()["items"]]
    assert seen == [
        ("access.denied", "GET /v1/invoices/{invoice_id}", {"duty": "finanzas"}),
        ("access.denied", "GET /v1/operator/staff", {"duty": "administracion"}),
        ("staff.totp_enrolled", me["id"], {}),
        ("staff.activated", me["id"], {}),
    ]
    labels = {r["action"]: r["action_label"] for r in log.json()["items"]}
    assert labels["access.denied"] == "Intentó entrar a una sección sin tener la función"
    # ADN's log has none of it.
    north = bearer(platform.operator_tokens("operador.norte@demo.mx"))
    other = platform.get("/v1/operator/audit", params={"actor": me["id"]}, headers=north)
    assert other.status_code == 200, other.text
    assert other.json()["items"] == []


def test_import_routes_check_the_kinds_duty(platform: Platform) -> None:
    """Rosters need `administracion`, transactions `finanzas`: each refused 403 naming the
    duty (and audited), whichever of the import routes is called."""
    csv = {"name": "padron.csv", "size": 100}
    admin = bearer(platform.operator_tokens())
    created = platform.post(
        "/v1/operator/imports",
        json={"kind": "polizas", "mode": "validar", "file": csv, "insurer_id": "sec"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    import_id = created.json()["import_id"]
    assert created.json()["slot"]["upload"]["url"]

    finance = _operator(platform, ["finanzas"])
    roster = {"kind": "polizas", "mode": "validar", "file": csv}
    _refused(platform.post("/v1/operator/imports", json=roster, headers=finance), "administración")
    _refused(platform.get(f"/v1/operator/imports/{import_id}", headers=finance), "administración")
    _refused(
        platform.post(f"/v1/operator/imports/{import_id}/apply", json={}, headers=finance),
        "administración",
    )
    # finanzas lists the imports of its own kinds only: SEC's roster import is not there.
    listed = platform.get("/v1/operator/imports", headers=finance)
    assert listed.status_code == 200, listed.text
    assert all(item["kind"] in ("ordenes", "transacciones") for item in listed.json()["items"])

    lacking_finance = _operator(platform, [d for d in DUTIES if d != "finanzas"])
    transactions = {"kind": "transacciones", "mode": "validar", "file": csv}
    _refused(
        platform.post("/v1/operator/imports", json=transactions, headers=lacking_finance),
        "finanzas",
    )
    claims_only = _operator(platform, ["dictamen"])
    _refused(platform.get("/v1/operator/imports", headers=claims_only), "administración")

    mine = platform.get(f"/v1/operator/imports/{import_id}", headers=admin)
    assert mine.status_code == 200, mine.text
    assert (mine.json()["status"], mine.json()["kind"]) == ("pendiente", "polizas")
    north = bearer(platform.operator_tokens("operador.norte@demo.mx"))
    assert platform.get(f"/v1/operator/imports/{import_id}", headers=north).status_code == 404
