"""What the portals this platform replaces had, walked briefly in the browser: "Contáctanos"
on the log-in page, an uploaded XML invoice's fiscal data, a history of finished claims only
(Lockton), and the operators' folio search; the virtual card attached to the welcome email
(Prosesol); a settlement's Excel, charts, a platform invoice's detail and the current account
(I-Med); the operators' transactions template and check of loaded transactions."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from tests.api.test_payments_http import unique_rfc
from tests.e2e.providers_helpers import open_session
from tests.e2e.test_claims_journey import accepted_reimbursement
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import bearer, operator_tokens, password_log_in
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def _session(page: Any, stack: LocalStack, identifier: str, role: str) -> dict[str, str]:
    tokens = password_log_in(stack, identifier)
    open_session(page, stack, tokens, role)
    return bearer(tokens)


def test_lockton_contact_fiscal_data_history_and_the_operators_folio_search(
    page: Any, local_stack: LocalStack
) -> None:
    site, api = local_stack.site_url, local_stack.api_url
    # Log-in page without an insurer: the platform's channels; with one: the insurer's.
    page.goto(f"{site}/entrar.html")
    contact = page.locator("[data-insurer-contact]")
    contact.get_by_role("heading", name="Contáctanos").wait_for(timeout=TIMEOUT)
    assert contact.locator("[data-channel=email]").inner_text() == "ayuda@portal-medico.mx"
    screenshot(page, "paridad-1-entrar-contactanos")
    page.goto(f"{site}/entrar.html?aseguradora=sec")
    page.locator("[data-insurer-contact] .insurer-name").wait_for(timeout=TIMEOUT)
    assert page.locator("[data-insurer-contact][data-platform-contact]").count() == 0

    insured = _session(page, local_stack, "asegurado@demo.mx", "asegurado")
    operator_session = operator_tokens(local_stack)
    operator = bearer(operator_session)
    claim = accepted_reimbursement(local_stack, insured, "ANA SOFIA TORRES VEGA")

    # The XML invoice's fiscal data on the page it was uploaded to.
    page.goto(f"{site}/asegurados/tramite-nuevo.html?id={claim}")
    show = page.get_by_role("button", name="Ver datos fiscales de factura.xml")
    show.click(timeout=TIMEOUT)
    data = page.locator("[data-cfdi]")
    data.wait_for(timeout=TIMEOUT)
    text = data.inner_text()
    for expected in ("Emisor", "FARMACIA EJEMPLO", "Receptor", "Folio fiscal (UUID)", "Total"):
        assert expected in text
    assert show.get_attribute("aria-expanded") == "true"
    screenshot(page, "paridad-2-datos-fiscales-xml")

    # Its folio, then the insurer rejects it: the history holds it, and only finished claims.
    answer = requests.post(f"{api}/v1/claims/{claim}/folio", headers=insured, timeout=10)
    assert answer.status_code == 200, answer.text
    folio = answer.json()["folio"]
    for target in ("en_revision", "rechazado"):
        moved = requests.post(
            f"{api}/v1/operator/claims/{claim}/transitions",
            json={"to": target, "note": "No procede por falta de cobertura."},
            headers=operator,
            timeout=10,
        )
        assert moved.status_code == 200, moved.text
    page.goto(f"{site}/asegurados/tramites.html")
    page.get_by_role("button", name="Mostrar más trámites").click(timeout=TIMEOUT)
    page.get_by_role("tab", name="Historial").click()
    history = page.locator("[data-history]")
    history.locator(f"[data-claim='{claim}']").wait_for(timeout=TIMEOUT)
    badges = set(history.locator(".badge").all_inner_texts())
    assert badges <= {"Rechazado", "Pagado", "Autorizado"}, badges
    screenshot(page, "paridad-3-historial-terminados")

    # The operator finds it by its folio in the claims queue, whatever its status.
    open_session(page, local_stack, operator_session, "operador")
    page.goto(f"{site}/operadores/tramites.html")
    page.get_by_role("textbox", name="Folio").fill(folio)
    page.get_by_role("button", name="Buscar folio").click()
    page.locator(f"[data-queue] [data-claim='{claim}']").wait_for(timeout=TIMEOUT)
    assert page.locator("[data-queue] [data-claim]").count() == 1
    screenshot(page, "paridad-9-operador-busqueda-folio")


def test_prosesol_welcome_email_carries_the_card(browser: Any, local_stack: LocalStack) -> None:
    affiliate = bearer(password_log_in(local_stack, "afiliado@demo.mx"))
    plans = requests.get(f"{local_stack.api_url}/v1/plans", timeout=10).json()["items"]
    email = f"bienvenida-{uuid.uuid4().hex[:8]}@example.mx"
    enrolled = requests.post(
        f"{local_stack.api_url}/v1/memberships",
        json={
            "plan_id": plans[0]["id"],
            "rfc": unique_rfc(),
            "full_name": "María Núñez Peña",
            "email": email,
            "phone": "5512345678",
        },
        headers=affiliate,
        timeout=10,
    )
    assert enrolled.status_code == 201, enrolled.text
    card = f"credencial-{enrolled.json()['member_number']}.pdf"
    deadline = time.monotonic() + 30
    listed: list[dict[str, Any]] = []
    while not listed and time.monotonic() < deadline:
        messages = requests.get(f"{local_stack.site_url}/__local/outbox.json", timeout=5).json()
        listed = [m for m in messages if email in m["to"]]
        time.sleep(0.3)
    [welcome] = listed
    [attachment] = welcome["attachments"]
    assert (attachment["name"], attachment["content_type"]) == (card, "application/pdf")
    assert attachment["size"] > 1000
    assert card in welcome["text"]
    # The outbox page lists the file. (The emails' own inline styles are refused by the site's
    # CSP inside the outbox's frames: this page is looked at, not checked for console errors.)
    page_html = requests.get(f"{local_stack.site_url}/__local/outbox", timeout=5).text
    assert f"<li data-attachment>{card} (application/pdf," in page_html
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{local_stack.site_url}/__local/outbox")
        page.locator("article", has_text=email).first.scroll_into_view_if_needed()
        screenshot(page, "paridad-4-correo-bienvenida-adjunto")
    finally:
        context.close()


def test_imed_charts_excel_invoice_detail_and_current_account(
    page: Any, local_stack: LocalStack
) -> None:
    site = local_stack.site_url
    _session(page, local_stack, "prestador.cl@demo.mx", "prestador")
    page.goto(f"{site}/prestadores/liquidaciones.html")
    chart = page.locator("[data-chart] svg[role=img]")
    chart.wait_for(timeout=TIMEOUT)
    assert chart.locator("title").count() >= 1
    assert chart.locator("desc").count() == 1
    assert page.locator("[data-chart] [data-bar]").count() >= 2
    page.locator("[data-chart] summary").click()
    assert page.locator("[data-chart] details table tbody tr").count() >= 2
    screenshot(page, "paridad-5-liquidaciones-grafico")

    page.locator("[data-list] a").first.click()
    page.locator("[data-chart] svg[role=img]").wait_for(timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_role("button", name="Descargar la liquidación en Excel").click()
    assert download.value.suggested_filename.startswith("liquidacion-LQ-")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "paridad-6-liquidacion-excel-grafico")

    page.goto(f"{site}/prestadores/datos-liquidacion.html")
    page.get_by_role("button", name="Ver detalle de la factura").first.click(timeout=TIMEOUT)
    detail = page.locator("[data-invoice-detail]")
    detail.wait_for(timeout=TIMEOUT)
    assert "Cómo se paga" in detail.inner_text()
    screenshot(page, "paridad-7-detalle-factura-plataforma")

    page.goto(f"{site}/prestadores/cuenta-corriente.html")
    page.locator("[data-figure-closing]").wait_for(timeout=TIMEOUT)
    assert page.locator("[data-chart] [data-bar]").count() >= 1
    assert "Liquidación LQ-" in page.locator("[data-movements]").inner_text()
    screenshot(page, "paridad-8-cuenta-corriente")


def test_operator_template_and_loaded_transactions(page: Any, local_stack: LocalStack) -> None:
    site = local_stack.site_url
    open_session(page, local_stack, operator_tokens(local_stack), "operador")
    page.goto(f"{site}/operadores/liquidaciones.html")
    page.get_by_role("button", name="Descargar plantilla CSV").click()
    template = page.locator("[data-template-file=csv]")
    template.wait_for(timeout=TIMEOUT)
    body = requests.get(str(template.get_attribute("href")), timeout=10).content
    assert body.decode("utf-8-sig").startswith("tipo,id_transaccion,rut_prestador,fecha")

    page.get_by_label("RUT del prestador").fill("76.123.456-0")
    page.get_by_role("button", name="Ver transacciones").click()
    rows = page.locator("[data-transactions] tbody tr")
    rows.first.wait_for(timeout=TIMEOUT)
    assert "Liquidada (LQ-" in page.locator("[data-transactions]").inner_text()
    screenshot(page, "paridad-10-operador-transacciones")
