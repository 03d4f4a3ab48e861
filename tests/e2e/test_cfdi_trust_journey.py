"""A CFDI you can trust, in headless Chromium on the local stack: a provider uploads a forged
invoice (refused: its seal does not verify), then the genuine one (accepted; SAT's status,
asked of the stack's fake SAT by the worker, shows Vigente with when it was asked). At the
operators' page the same UUID, set to Cancelado at the fake SAT, blocks the payment with a
clear message; once SAT says Vigente again the operator registers the payment."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.e2e.providers_helpers import (
    bearer,
    care_orders,
    open_session,
    order_invoice,
    register_provider,
    shared_operator_session,
    unique_uuid,
)
from tests.e2e.test_account_journeys import PASSWORD
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import password_log_in
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

PATIENT = "ANA SOFIA TORRES VEGA"


def _xml(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/xml", "buffer": data}


def _set_sat_answer(stack: LocalStack, folio: str, estado: str) -> None:
    answer = requests.put(
        f"{stack.sat_url}/__fake/cfdi/{folio}", json={"estado": estado}, timeout=5
    )
    assert answer.status_code == 200, answer.text


def test_a_forged_invoice_is_refused_and_a_cancelled_one_is_not_paid(
    local_stack: LocalStack, page: Any, browser: Any
) -> None:
    site = local_stack.site_url
    rfc, email = register_provider(local_stack, "Julia Ortega Ruiz", PASSWORD)
    account = f"CF-{uuid.uuid4().hex[:8].upper()}"
    operator_tokens = shared_operator_session(local_stack)
    loaded = requests.post(
        f"{local_stack.api_url}/v1/operator/care-orders",
        json=care_orders(rfc, [account], "1500.00"),
        headers=bearer(operator_tokens),
        timeout=10,
    )
    assert loaded.status_code in (200, 201), loaded.text

    folio = unique_uuid()
    genuine = order_invoice([(account, PATIENT, "1500.00")], issuer_rfc=rfc, uuid=folio)
    forged = genuine.replace(b'Folio="101"', b'Folio="102"')  # edited after sealing

    open_session(page, local_stack, password_log_in(local_stack, email, PASSWORD), "prestador")
    page.goto(f"{site}/prestadores/ordenes.html")
    for data in (forged, genuine):
        page.wait_for_load_state("networkidle")  # the orders listed again after a verdict
        page.locator(f"tr[data-order='{account}'] input[type=checkbox]").check()
        page.set_input_files("#invoice-file", files=[_xml("factura.xml", data)])
        page.click("#invoice-form button[type=submit]")
        if data is forged:
            refusal = page.locator("[data-verdict] li[data-code=cfdi_seal_invalid]")
            refusal.wait_for(timeout=45_000)
            assert "sello digital no corresponde" in refusal.inner_text()
            screenshot(page, "cfdi-1-factura-alterada")
    try:
        page.get_by_text("¡Factura aceptada!").wait_for(timeout=45_000)
    except Exception as error:  # say what the page said instead
        raise AssertionError(page.locator("[data-verdict]").inner_text()) from error

    # The worker asked SAT (the stack's fake): the invoice page says Vigente, and when.
    invoices = requests.get(
        f"{local_stack.api_url}/v1/invoices",
        headers=bearer(password_log_in(local_stack, email, PASSWORD)),
        timeout=10,
    ).json()["items"]
    invoice_id = next(i["id"] for i in invoices if i["uuid"] == folio)
    page.goto(f"{site}/prestadores/factura.html?id={invoice_id}")
    vigente = page.locator("[data-sat] [data-sat-status=vigente]")
    for _ in range(30):
        if vigente.count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    vigente.wait_for()
    assert "consultado el" in vigente.inner_text()
    screenshot(page, "cfdi-2-factura-vigente")

    # The same UUID cancelled at SAT: the payment is refused with SAT's word for it.
    operator = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    desk = operator.new_page()
    open_session(desk, local_stack, operator_tokens, "operador")
    desk.goto(f"{site}/operadores/prestadores.html")
    row = desk.locator("tr", has_text=folio)
    row.locator("[data-sat-status=vigente]").wait_for()
    _set_sat_answer(local_stack, folio, "Cancelado")
    row.get_by_role("button", name="Registrar pago").click()
    refused = row.get_by_text("El SAT reporta la factura como cancelada")
    refused.wait_for()
    row.locator("[data-sat-status=cancelado]").wait_for()  # the answer the payment got
    screenshot(desk, "cfdi-3-pago-bloqueado")

    # SAT says Vigente again: asked again on the page, then paid.
    _set_sat_answer(local_stack, folio, "Vigente")
    row.get_by_role("button", name="Consultar en el SAT").click()
    row.locator("[data-sat-status=vigente]").wait_for()
    row.get_by_role("button", name="Registrar pago").click()
    row.get_by_text("Pagada · falta el complemento").wait_for()
    screenshot(desk, "cfdi-4-pago-registrado")
    operator.close()
