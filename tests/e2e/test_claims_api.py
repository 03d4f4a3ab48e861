"""Claims over HTTP on the local stack: bad input, ownership, operators' scope, and folio
allocations racing against the moto server (not in-process moto)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from chalicelib.claims.folios import parse_folio
from tests.fixtures.operators import bearer, operator_tokens
from tests.fixtures.stack import ROOT, LocalStack

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Demo-Portal-2026"


def insured(stack: LocalStack) -> dict[str, str]:
    answer = requests.post(
        f"{stack.api_url}/v1/auth/login",
        json={"identifier": "asegurado@demo.mx", "password": DEMO_PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['id_token']}"}


def test_step_one_bad_input_answers_422_with_the_field(local_stack: LocalStack) -> None:
    headers = insured(local_stack)
    policy = requests.get(f"{local_stack.api_url}/v1/policy", headers=headers, timeout=10).json()
    assert policy["policy_number"] == "GMM-2026-0000001"
    members = {m["relationship"]: m["id"] for m in policy["members"]}
    assert set(members) == {"titular", "hijo", "conyuge"}
    assert {c["member_id"] for c in policy["conditions"]} == set(members.values())
    base = {
        "member_id": members["titular"],
        "coverage": "gmm_mayores",
        "type": "reembolso",
        "stage": "inicial",
        "payout_clabe": "002180700845632136",
        "consent": True,
    }
    cases = [
        ({"member_id": "someone-else"}, "member_id"),
        ({"payout_clabe": "002180700845632137"}, "payout_clabe"),
        ({"consent": False}, "consent"),
        ({"stage": "complemento"}, "condition_id"),
        ({"coverage": "gmm_dental"}, "coverage"),
    ]
    for change, field in cases:
        answer = requests.post(
            f"{local_stack.api_url}/v1/claims", json={**base, **change}, headers=headers, timeout=10
        )
        assert answer.status_code == 422, answer.text
        assert [d["field"] for d in answer.json()["error"]["details"]] == [field]
        assert answer.json()["error"]["message"]

    created = requests.post(
        f"{local_stack.api_url}/v1/claims", json=base, headers=headers, timeout=10
    )
    assert created.status_code == 201, created.text
    claim_id = created.json()["id"]
    slots = requests.post(
        f"{local_stack.api_url}/v1/claims/{claim_id}/documents",
        json={"files": [{"name": "factura final.xml", "size": 10, "doc_type": "cfdi_expense"}]},
        headers=headers,
        timeout=10,
    )
    assert slots.status_code == 422, slots.text
    incomplete = requests.post(
        f"{local_stack.api_url}/v1/claims/{claim_id}/folio", headers=headers, timeout=10
    )
    assert incomplete.status_code == 409
    assert incomplete.json()["error"]["code"] == "documents_incomplete"
    assert {d["field"] for d in incomplete.json()["error"]["details"]} == {
        "informe_medico",
        "cfdi_expense",
        "bank_statement",
    }
    bad_folio = requests.get(
        f"{local_stack.api_url}/v1/claims",
        params={"view": "historial", "folio": "RE-SEC-2026-000001-00"},
        headers=headers,
        timeout=10,
    )
    assert bad_folio.status_code == 422
    assert bad_folio.json()["error"]["details"][0]["code"] == "folio_invalid"

    # Other people: another insurer's operator and an anonymous caller.
    north = bearer(operator_tokens(local_stack, "operador.norte@demo.mx"))
    assert (
        requests.get(
            f"{local_stack.api_url}/v1/operator/claims/{claim_id}", headers=north, timeout=10
        ).status_code
        == 404
    )
    assert (
        requests.get(f"{local_stack.api_url}/v1/claims/{claim_id}", timeout=10).status_code == 401
    )
    assert (
        requests.get(
            f"{local_stack.api_url}/v1/claims/{claim_id}", headers=north, timeout=10
        ).status_code
        == 403
    )


def test_two_hundred_concurrent_folios_are_distinct_and_a_claim_gets_one(
    local_stack: LocalStack,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": local_stack.moto_url,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "STAGE": "local",
            "RESOURCE_PREFIX": "portal-local-",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.claims_folio_race", "200", "20"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    folios = found["folios"]
    assert len(folios) == 200
    assert len(set(folios)) == 200
    parts = [parse_folio(f) for f in folios]
    # One counter, 200 takers at once: exactly the numbers 1…200, none twice.
    assert sorted(p.sequence for p in parts if p is not None) == list(range(1, 201))
    assert len(set(found["same_claim"])) == 1
    # 20 requests for one claim spent one number: only the reservation's holder allocated.
    same = parse_folio(found["same_claim"][0])
    assert same is not None
    assert same.sequence == 201
    assert found["same_claim"][0] == found["stored"]


def test_twenty_concurrent_folio_requests_over_http_get_one_folio(
    local_stack: LocalStack,
) -> None:
    from tests.e2e.test_claims_journey import accepted_reimbursement

    headers = insured(local_stack)
    claim_id = accepted_reimbursement(local_stack, headers, "ANA SOFIA TORRES VEGA")

    def ask(_: int) -> requests.Response:
        return requests.post(
            f"{local_stack.api_url}/v1/claims/{claim_id}/folio", headers=headers, timeout=30
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, range(20)))
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers if a.ok is False]
    folios = {a.json()["folio"] for a in answers}
    assert len(folios) == 1
    [folio] = folios
    assert (
        requests.get(
            f"{local_stack.api_url}/v1/claims/{claim_id}", headers=headers, timeout=10
        ).json()["folio"]
        == folio
    )
    emails = [
        m
        for m in requests.get(f"{local_stack.site_url}/__local/outbox.json", timeout=5).json()
        if folio in m["subject"]
    ]
    assert len(emails) == 1
