"""Claims through the API in-process: bad input, ownership, operators' scope, and twenty
concurrent folio requests for one claim. (Folio allocations racing against a moto server
stay in tests/e2e/test_claims_api.py.)"""

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
