"""The provider routes through the API in-process: the demo orders, access rules (401, 403,
404 for others' records), Spanish 4xx for bad input, the Excel download, and concurrent
requests for one order or one folio fiscal."""

from __future__ import annotations

import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.e2e.providers_helpers import (
    care_orders,
    order_invoice,
    provider_sign_up,
    unique_uuid,
)
from tests.fixtures.platform import Answer, Platform, bearer
from tests.fixtures.uploads import post_file

PASSWORD = "Demo-Portal-2026"


def provider_login(platform: Platform, identifier: str, password: str) -> dict[str, str]:
    return platform.headers(identifier, password)


def register_provider(platform: Platform, name: str, password: str) -> tuple[str, str]:
    """A new Mexican provider (regime 612), activated through the emailed link: (RFC, email)."""
    sign_up = provider_sign_up(name)
    rfc, email = sign_up["rfc"], sign_up["email"]
    answer = platform.post("/v1/accounts/providers", json=sign_up)
    assert answer.status_code == 202, answer.text
    token = platform.emailed_link(email, "activar.html").rsplit("#token=", 1)[1]
    activated = platform.post("/v1/accounts/activate", json={"token": token, "password": password})
    assert activated.status_code == 200, activated.text
    return rfc, email


def registered_provider(platform: Platform, name: str, password: str) -> tuple[str, dict[str, str]]:
    """A new Mexican provider, signed in: (RFC, headers)."""
    rfc, email = register_provider(platform, name, password)
    return rfc, provider_login(platform, email, password)


def test_demo_provider_has_three_digital_orders_to_invoice(platform: Platform) -> None:
    doctor = provider_login(platform, "prestador@demo.mx", PASSWORD)
    answer = platform.get("/v1/care-orders?status=registrada&limit=100", headers=doctor)
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
    other = platform.post(
        "/v1/auth/login", json={"identifier": "asegurado@demo.mx", "password": PASSWORD}
    ).json()
    insured = {"Authorization": f"Bearer {other['id_token']}"}
    assert platform.get(f"/v1/care-orders/{first['id']}", headers=insured).status_code == 403
    assert platform.get(f"/v1/care-orders/{first['id']}").status_code == 401
    missing = platform.get("/v1/care-orders/00000000-0000-4000-8000-000000000000", headers=doctor)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_bad_input_is_answered_in_spanish_never_500(platform: Platform) -> None:
    doctor = provider_login(platform, "prestador@demo.mx", PASSWORD)
    bad_clabe = platform.put(
        "/v1/provider/bank-account",
        json={"clabe": "002180700845632137", "statement": {"name": "estado.pdf", "size": 1000}},
        headers=doctor,
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
        answer = platform.post("/v1/invoices", json=body, headers=doctor)
        assert answer.status_code == 422, answer.text
    wrong_name = platform.post(
        "/v1/invoices",
        json={
            "care_order_ids": ["00000000-0000-4000-8000-000000000000"],
            "file": {"name": "f.xml", "size": 10},
        },
        headers=doctor,
    )
    assert wrong_name.status_code == 404
    assert platform.get("/v1/provider/statement?format=pdf", headers=doctor).status_code == 422


def test_statement_downloads_as_excel(platform: Platform) -> None:
    from openpyxl import load_workbook

    doctor = provider_login(platform, "prestador@demo.mx", PASSWORD)
    link = platform.get("/v1/provider/statement?format=xlsx", headers=doctor)
    assert link.status_code == 200, link.text
    assert set(link.json()) == {"url", "expires_at"}
    # The presigned GET goes to moto's S3 (moto answers the requests library).
    data = requests.get(link.json()["url"], timeout=10).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    accounts = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert {"SEC-2026-000101", "SEC-2026-000102", "SEC-2026-000103"} <= set(accounts)
    assert accounts[-1] == "Totales"


def test_concurrent_requests_take_an_order_once_and_a_uuid_once(platform: Platform) -> None:
    rfc, doctor = registered_provider(platform, "Tomás Ruiz Olvera", "una frase de acceso 2026")
    operator = bearer(platform.operator_tokens())
    prefix = f"CC-{rfc[-6:]}"
    loaded = platform.post(
        "/v1/operator/care-orders",
        json=care_orders(rfc, [f"{prefix}-{n:02d}" for n in range(11)]),
        headers=operator,
    )
    assert loaded.status_code == 201, loaded.text
    orders = loaded.json()["items"]
    spec: dict[str, Any] = {"name": "factura.xml", "size": 4000, "content_type": "text/xml"}

    # Ten requests invoicing the same order at once: one takes it, nine are told why not.
    def take(_: int) -> Answer:
        return platform.post(
            "/v1/invoices",
            json={"care_order_ids": [orders[10]["id"]], "file": spec},
            headers=doctor,
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
        created = platform.post(
            "/v1/invoices",
            json={"care_order_ids": [order["id"]], "file": {**spec, "size": len(data)}},
            headers=doctor,
        )
        assert created.status_code == 201, created.text
        slots.append(created.json())

    def upload(pair: tuple[dict[str, Any], bytes]) -> int:
        created, data = pair
        return post_file(
            created["slot"],
            "factura.xml",
            data,
            "text/xml",
            origin=os.environ["SITE_URL"],
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(10) as pool:
        assert set(pool.map(upload, zip(slots, files, strict=True))) <= {200, 201, 204}

    deadline = time.monotonic() + 60
    while True:
        platform.drain()
        invoices = [
            platform.get(f"/v1/invoices/{c['invoice_id']}", headers=doctor).json() for c in slots
        ]
        if all(i["status"] != "en_validacion" for i in invoices) or time.monotonic() > deadline:
            break
        time.sleep(1)
    statuses = sorted(i["status"] for i in invoices)
    assert statuses == ["aceptada"] + ["rechazada"] * 9, statuses
    duplicate = {r["code"] for i in invoices if i["status"] == "rechazada" for r in i["reasons"]}
    assert duplicate == {"cfdi_uuid_duplicate"}
