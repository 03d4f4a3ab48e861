"""The provider routes over HTTP on the local stack: the demo orders, access rules (401,
403, 404 for others' records), Spanish 4xx for bad input, and the Excel download."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests

from tests.e2e.providers_helpers import provider_login
from tests.e2e.test_documents_pipeline import PASSWORD
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e


def get(stack: LocalStack, path: str, headers: dict[str, str] | None = None) -> Any:
    return requests.get(f"{stack.api_url}{path}", headers=headers or {}, timeout=15)


def test_demo_provider_has_three_digital_orders_to_invoice(local_stack: LocalStack) -> None:
    doctor = provider_login(local_stack, "prestador@demo.mx", PASSWORD)
    answer = get(local_stack, "/v1/care-orders?status=registrada&limit=100", doctor)
    assert answer.status_code == 200, answer.text
    demo = {
        o["account_number"]: o
        for o in answer.json()["items"]
        if o["account_number"].startswith("SEC-2026-0001")
    }
    assert set(demo) == {"SEC-2026-000101", "SEC-2026-000102", "SEC-2026-000103"}
    first = demo["SEC-2026-000101"]
    assert first["kind"] == "digital"
    assert first["amount"] == {"amount": "1000.00", "currency": "MXN"}
    assert first["retention"]["lines"] == [
        {
            "tax": "isr",
            "rate": "0.100000",
            "amount": {"amount": "100.00", "currency": "MXN"},
            "label": "ISR 10%",
        }
    ]
    assert first["amount_to_invoice"]["amount"] == "900.00"

    # Someone else's order answers 404, another role 403, no token 401.
    other = requests.post(
        f"{local_stack.api_url}/v1/auth/login",
        json={"identifier": "asegurado@demo.mx", "password": PASSWORD},
        timeout=10,
    ).json()
    insured = {"Authorization": f"Bearer {other['id_token']}"}
    assert get(local_stack, f"/v1/care-orders/{first['id']}", insured).status_code == 403
    assert get(local_stack, f"/v1/care-orders/{first['id']}").status_code == 401
    missing = get(local_stack, "/v1/care-orders/00000000-0000-4000-8000-000000000000", doctor)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_bad_input_is_answered_in_spanish_never_500(local_stack: LocalStack) -> None:
    doctor = provider_login(local_stack, "prestador@demo.mx", PASSWORD)
    bad_clabe = requests.put(
        f"{local_stack.api_url}/v1/provider/bank-account",
        json={"clabe": "002180700845632137", "statement": {"name": "estado.pdf", "size": 1000}},
        headers=doctor,
        timeout=10,
    )
    assert bad_clabe.status_code == 422
    assert bad_clabe.json()["error"]["code"] == "clabe_check_digit"
    assert "dígito verificador" in bad_clabe.json()["error"]["message"]
    for body in (
        {},
        {"care_order_ids": [], "file": {"name": "f.xml", "size": 1}},
        {"care_order_ids": ["../x"], "file": {"name": "f.xml", "size": 1}},
    ):
        answer = requests.post(
            f"{local_stack.api_url}/v1/invoices", json=body, headers=doctor, timeout=10
        )
        assert answer.status_code == 422, answer.text
    wrong_name = requests.post(
        f"{local_stack.api_url}/v1/invoices",
        json={
            "care_order_ids": ["00000000-0000-4000-8000-000000000000"],
            "file": {"name": "f.xml", "size": 10},
        },
        headers=doctor,
        timeout=10,
    )
    assert wrong_name.status_code == 404
    assert get(local_stack, "/v1/provider/statement?format=pdf", doctor).status_code == 422


def test_statement_downloads_as_excel(local_stack: LocalStack) -> None:
    from openpyxl import load_workbook

    doctor = provider_login(local_stack, "prestador@demo.mx", PASSWORD)
    link = get(local_stack, "/v1/provider/statement?format=xlsx", doctor)
    assert link.status_code == 200, link.text
    assert set(link.json()) == {"url", "expires_at"}
    data = requests.get(link.json()["url"], timeout=10).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    accounts = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert {"SEC-2026-000101", "SEC-2026-000102", "SEC-2026-000103"} <= set(accounts)
    assert accounts[-1] == "Totales"
