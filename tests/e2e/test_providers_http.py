"""The provider routes over HTTP on the local stack: the demo orders, access rules (401,
403, 404 for others' records), Spanish 4xx for bad input, and the Excel download."""

from __future__ import annotations

import io
import time
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
    bodies: list[dict[str, Any]] = [
        {},
        {"care_order_ids": [], "file": {"name": "f.xml", "size": 1}},
        {"care_order_ids": ["../x"], "file": {"name": "f.xml", "size": 1}},
    ]
    for body in bodies:
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


def test_concurrent_requests_take_an_order_once_and_a_uuid_once(local_stack: LocalStack) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.e2e.providers_helpers import (
        bearer,
        order_invoice,
        registered_provider,
        shared_operator_session,
        unique_uuid,
    )

    api = local_stack.api_url
    rfc, doctor = registered_provider(local_stack, "Tomás Ruiz Olvera", "una frase de acceso 2026")
    operator = bearer(shared_operator_session(local_stack))
    prefix = f"CC-{rfc[-6:]}"
    loaded = requests.post(
        f"{api}/v1/operator/care-orders",
        json={
            "insurer_id": "sec",
            "provider_rfc": rfc,
            "orders": [
                {
                    "account_number": f"{prefix}-{n:02d}",
                    "patient_name": "ANA SOFIA TORRES VEGA",
                    "service": "consulta",
                    "date": "2026-11-20",
                    "amount": {"amount": "1000.00", "currency": "MXN"},
                    "insured_signature": True,
                    "doctor_signature": True,
                }
                for n in range(11)
            ],
        },
        headers=operator,
        timeout=15,
    )
    assert loaded.status_code == 201, loaded.text
    orders = loaded.json()["items"]
    spec: dict[str, Any] = {"name": "factura.xml", "size": 4000, "content_type": "text/xml"}

    # Ten requests invoicing the same order at once: one takes it, nine are told why not.
    def take(_: int) -> requests.Response:
        return requests.post(
            f"{api}/v1/invoices",
            json={"care_order_ids": [orders[10]["id"]], "file": spec},
            headers=doctor,
            timeout=30,
        )

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(take, range(10)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {
        "care_orders_not_available"
    }

    # Ten invoices carrying one folio fiscal, uploaded at once: one is accepted.
    folio = unique_uuid()
    files = [
        order_invoice(
            [(o["account_number"], "ANA SOFIA TORRES VEGA", "1000.00")], issuer_rfc=rfc, uuid=folio
        )
        for o in orders[:10]
    ]
    slots = []
    for order, data in zip(orders[:10], files, strict=True):
        created = requests.post(
            f"{api}/v1/invoices",
            json={"care_order_ids": [order["id"]], "file": {**spec, "size": len(data)}},
            headers=doctor,
            timeout=10,
        )
        assert created.status_code == 201, created.text
        slots.append(created.json())

    def upload(pair: tuple[dict[str, Any], bytes]) -> int:
        created, data = pair
        slot = created["slot"]
        return requests.post(
            slot["upload"]["url"],
            data=slot["upload"]["fields"],
            files={"file": ("factura.xml", data, "text/xml")},
            headers={"Origin": local_stack.site_url},
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(10) as pool:
        assert set(pool.map(upload, zip(slots, files, strict=True))) <= {200, 201, 204}

    deadline = time.monotonic() + 60
    while True:
        invoices = [
            get(local_stack, f"/v1/invoices/{c['invoice_id']}", doctor).json() for c in slots
        ]
        if all(i["status"] != "en_validacion" for i in invoices) or time.monotonic() > deadline:
            break
        time.sleep(1)
    statuses = sorted(i["status"] for i in invoices)
    assert statuses == ["aceptada"] + ["rechazada"] * 9, statuses
    duplicate = {r["code"] for i in invoices if i["status"] == "rechazada" for r in i["reasons"]}
    assert duplicate == {"cfdi_uuid_duplicate"}
