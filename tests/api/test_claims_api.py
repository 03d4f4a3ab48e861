"""Claims through the API in-process: bad input, ownership, operators' scope, twenty
concurrent folio requests for one claim, the portals' homes (GET /v1/me/home, which share
this module's platform) and the amounts of a claim's approval. (Folio allocations racing
against a moto server stay in tests/e2e/test_claims_api.py.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.e2e.test_claims_journey import (
    reimbursement_files,
    slot_request,
    wait_until_documents_accepted,
)
from tests.fixtures.claim_requests import reimbursement
from tests.fixtures.platform import Answer, Platform, bearer
from tests.fixtures.uploads import upload_file

DEMO_PASSWORD = "Demo-Portal-2026"


def insured(platform: Platform) -> dict[str, str]:
    return platform.headers("asegurado@demo.mx", DEMO_PASSWORD)


def accepted_reimbursement(platform: Platform, headers: dict[str, str], holder: str) -> str:
    """A reimbursement of the titular with its three required documents accepted."""
    policy = platform.get("/v1/policy", headers=headers).json()
    titular = next(m for m in policy["members"] if m["relationship"] == "titular")
    created = platform.post("/v1/claims", json=reimbursement(titular["id"]), headers=headers)
    assert created.status_code == 201, created.text
    claim_id = str(created.json()["id"])
    files = reimbursement_files(holder)
    slots = platform.post(
        f"/v1/claims/{claim_id}/documents", json=slot_request(files), headers=headers
    )
    assert slots.status_code == 201, slots.text
    for slot, (name, _, data, content_type) in zip(slots.json()["items"], files, strict=True):
        upload_file(slot, name, data, content_type)

    def read_claim() -> dict[str, Any]:
        platform.drain()
        claim: dict[str, Any] = platform.get(f"/v1/claims/{claim_id}", headers=headers).json()
        return claim

    wait_until_documents_accepted(read_claim)
    return claim_id


def test_step_one_bad_input_answers_422_with_the_field(platform: Platform) -> None:
    headers = insured(platform)
    policy = platform.get("/v1/policy", headers=headers).json()
    assert policy["policy_number"] == "GMM-2026-0000001"
    members = {m["relationship"]: m["id"] for m in policy["members"]}
    assert set(members) == {"titular", "hijo", "conyuge"}
    assert {c["member_id"] for c in policy["conditions"]} == set(members.values())
    base = reimbursement(members["titular"])
    cases = [
        ({"member_id": "someone-else"}, "member_id"),
        ({"payout_clabe": "002180700845632137"}, "payout_clabe"),
        ({"consent": False}, "consent"),
        ({"stage": "complemento"}, "condition_id"),
        ({"coverage": "gmm_dental"}, "coverage"),
    ]
    for change, field in cases:
        answer = platform.post("/v1/claims", json={**base, **change}, headers=headers)
        assert answer.status_code == 422, answer.text
        assert [d["field"] for d in answer.json()["error"]["details"]] == [field]
        assert answer.json()["error"]["message"]

    created = platform.post("/v1/claims", json=base, headers=headers)
    assert created.status_code == 201, created.text
    claim_id = created.json()["id"]
    slots = platform.post(
        f"/v1/claims/{claim_id}/documents",
        json={"files": [{"name": "factura final.xml", "size": 10, "doc_type": "cfdi_expense"}]},
        headers=headers,
    )
    assert slots.status_code == 422, slots.text
    incomplete = platform.post(f"/v1/claims/{claim_id}/folio", headers=headers)
    assert incomplete.status_code == 409
    assert incomplete.json()["error"]["code"] == "documents_incomplete"
    assert {d["field"] for d in incomplete.json()["error"]["details"]} == {
        "informe_medico",
        "cfdi_expense",
        "bank_statement",
    }
    bad_folio = platform.get(
        "/v1/claims",
        params={"view": "historial", "folio": "RE-SEC-2026-000001-00"},
        headers=headers,
    )
    assert bad_folio.status_code == 422
    assert bad_folio.json()["error"]["details"][0]["code"] == "folio_invalid"

    # Other people: another insurer's operator and an anonymous caller.
    north = bearer(platform.operator_tokens("operador.norte@demo.mx"))
    assert platform.get(f"/v1/operator/claims/{claim_id}", headers=north).status_code == 404
    assert platform.get(f"/v1/claims/{claim_id}").status_code == 401
    assert platform.get(f"/v1/claims/{claim_id}", headers=north).status_code == 403


def test_twenty_concurrent_folio_requests_get_one_folio(platform: Platform) -> None:
    headers = insured(platform)
    claim_id = accepted_reimbursement(platform, headers, "ANA SOFIA TORRES VEGA")

    def ask(_: int) -> Answer:
        return platform.post(f"/v1/claims/{claim_id}/folio", headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, range(20)))
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers if a.ok is False]
    folios = {a.json()["folio"] for a in answers}
    assert len(folios) == 1
    [folio] = folios
    assert platform.get(f"/v1/claims/{claim_id}", headers=headers).json()["folio"] == folio
    emails = [m for m in platform.outbox() if folio in m["subject"]]
    assert len(emails) == 1


# --- the portals' homes and the decision's amounts ------------------------------------------


def home(platform: Platform, headers: dict[str, str]) -> dict[str, Any]:
    answer = platform.get("/v1/me/home", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_each_role_gets_its_own_home_and_a_platform_admin_none(platform: Platform) -> None:
    mexican = home(platform, platform.headers("prestador@demo.mx"))
    assert mexican["role"] == "prestador"
    assert mexican["provider"]["country"] == "MX"
    assert mexican["provider"]["chile"] is None
    assert mexican["provider"]["mexico"]["orders_to_invoice"] == 3  # the demo's three orders
    assert mexican["provider"]["mexico"]["bank_account_status"] in {
        "sin_registrar",
        "en_validacion",
        "activa",
        "rechazada",
    }

    chilean = home(platform, platform.headers("prestador.cl@demo.mx"))["provider"]
    assert chilean["country"] == "CL"
    assert chilean["mexico"] is None
    latest = chilean["chile"]["latest_settlement"]
    assert latest["folio"]
    assert latest["total"]["currency"] == "CLP"

    affiliate = home(platform, platform.headers("afiliado@demo.mx"))["affiliate"]
    assert affiliate["next_appointment"] is None
    assert isinstance(affiliate["memberships"], list)

    operator = home(platform, bearer(platform.operator_tokens()))["operator"]
    statuses = {(q["insurer_id"], q["status"]) for q in operator["queues"]}
    assert ("sec", "registrado") in statuses
    assert all(q["count"] >= 0 and q["more"] is False for q in operator["queues"])

    admin = platform.get("/v1/me/home", headers=platform.headers("plataforma@demo.mx"))
    assert admin.status_code == 403, admin.text
    assert platform.get("/v1/me/home").status_code == 401


def test_the_insured_home_lists_current_claims_and_unread_notifications(
    platform: Platform,
) -> None:
    headers = insured(platform)
    before = home(platform, headers)["insured"]
    claim_id = accepted_reimbursement(platform, headers, "ANA SOFIA TORRES VEGA")
    folio = platform.post(f"/v1/claims/{claim_id}/folio", headers=headers)
    assert folio.status_code == 200, folio.text

    after = home(platform, headers)["insured"]
    assert after["current_claims"][0]["id"] == claim_id
    assert after["current_claims"][0]["status"] == "registrado"
    assert after["unread_notifications"] == before["unread_notifications"] + 1
    notifications = platform.get("/v1/notifications", headers=headers).json()["items"]
    read = platform.post(f"/v1/notifications/{notifications[0]['id']}/read", headers=headers)
    assert read.status_code == 200, read.text
    assert (
        home(platform, headers)["insured"]["unread_notifications"]
        == (before["unread_notifications"])
    )

    # The operator's queue counts the new claim; the decision's amounts follow.
    operator = bearer(platform.operator_tokens())
    queues = home(platform, operator)["operator"]["queues"]
    registered = next(q for q in queues if (q["insurer_id"], q["status"]) == ("sec", "registrado"))
    assert registered["count"] >= 1
    _decide(platform, operator, headers, claim_id)


def _decide(
    platform: Platform, operator: dict[str, str], insured_headers: dict[str, str], claim_id: str
) -> None:
    path = f"/v1/operator/claims/{claim_id}/transitions"
    review = platform.post(path, json={"to": "en_revision"}, headers=operator)
    assert review.status_code == 200, review.text

    # Amounts with any move other than an approval are refused.
    early = platform.post(
        path,
        json={"to": "rechazado", "note": "No procede.", "approved_amount": "10"},
        headers=operator,
    )
    assert early.status_code == 422, early.text
    assert "approved_amount" in [d["field"] for d in early.json()["error"]["details"]]

    cases = [
        ({}, {"approved_amount": "Escribe el monto aprobado, p. ej. 15000.00."}),
        (
            {"approved_amount": "-5", "deductible": "abc", "coinsurance": "-1"},
            {
                "approved_amount": "El monto aprobado no puede ser negativo.",
                "deductible": "Escribe el deducible en pesos con hasta dos decimales, "
                "p. ej. 1500.00.",
                "coinsurance": "El coaseguro no puede ser negativo.",
            },
        ),
        (
            {"approved_amount": "1000", "deductible": "700", "coinsurance": "300.01"},
            {
                "coinsurance": "El deducible más el coaseguro ($1,000.01) no puede superar el "
                "monto aprobado ($1,000.00)."
            },
        ),
    ]
    for amounts, expected in cases:
        answer = platform.post(path, json={"to": "aprobado", **amounts}, headers=operator)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "validation_error"
        assert {d["field"]: d["message"] for d in error["details"]} == expected
    # Nothing changed with the refusals.
    claim = platform.get(f"/v1/claims/{claim_id}", headers=insured_headers).json()
    assert (claim["status"], claim["decision"]) == ("en_revision", None)

    approved = platform.post(
        path,
        json={
            "to": "aprobado",
            "note": "Procede.",
            "approved_amount": "12500.00",
            "deductible": "1000",
            "coinsurance": "1150.5",
        },
        headers=operator,
    )
    assert approved.status_code == 200, approved.text
    seen = platform.get(f"/v1/claims/{claim_id}", headers=insured_headers).json()
    decision = seen["decision"]
    assert {name: decision[name]["amount"] for name in decision if name != "decided_at"} == {
        "approved_amount": "12500.00",
        "deductible": "1000.00",
        "coinsurance": "1150.50",
        "net_payable": "10349.50",
    }
    assert decision["decided_at"] == seen["history"][-1]["at"]
    emails = platform.emails_to("asegurado@demo.mx", "Aprobado")
    assert "neto a pagar: $10,349.50" in emails[0]["text"]

    openapi = platform.get("/v1/openapi.json").json()
    transition = openapi["components"]["schemas"]["TransitionIn"]["properties"]
    assert {"approved_amount", "deductible", "coinsurance"} <= set(transition)
    assert "net_payable" in openapi["components"]["schemas"]["DecisionOut"]["properties"]
