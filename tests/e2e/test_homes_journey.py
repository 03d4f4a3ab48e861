"""The portals' homes as dashboards in headless Chromium on the local stack, one browser
context per person: the insured's current claims and unread notifications, the Mexican
provider's CLABE prompt and orders to invoice, the Chilean provider's latest settlement with
no Mexican section (and a Mexican page that answers instead of loading forever), the
affiliate's next appointment and dues, the operator's queue counts; a page of another portal
says whose it is instead of sending to log in; a card payment approved on /pagos/ refreshes
what the card says and closes the form; the insurer's brand by `?aseguradora=`, remembered.

(The claim decision with its amounts, as the insured sees it, is in test_claims_journey.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.api.test_payments_http import unique_rfc
from tests.e2e.providers_helpers import open_session, shared_operator_session
from tests.fixtures.browser import screenshot
from tests.fixtures.claim_requests import reimbursement
from tests.fixtures.operators import bearer, password_log_in
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e


def _signed_in(browser: Any, stack: LocalStack, tokens: dict[str, Any], role: str) -> Any:
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_session(page, stack, tokens, role)
    return page


def _board(page: Any, stack: LocalStack, portal: str) -> Any:
    page.goto(f"{stack.site_url}/{portal}/")
    board = page.locator("[data-dashboard]")
    board.locator(".card").first.wait_for()
    return board


def _book_next_appointment(stack: LocalStack, headers: dict[str, str]) -> dict[str, Any]:
    """The affiliate books a free slot of a weekday two weeks ahead (far from other tests)."""
    api = stack.api_url
    [clinic, *_] = requests.get(f"{api}/v1/clinics", headers=headers, timeout=10).json()["items"]
    patient = requests.get(f"{api}/v1/family", headers=headers, timeout=10).json()["items"][0]
    day = datetime.now(ZoneInfo("America/Mexico_City")).date() + timedelta(days=13)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    agendas = requests.get(
        f"{api}/v1/agenda",
        params={"date": day.isoformat(), "clinic": clinic["id"]},
        headers=headers,
        timeout=10,
    ).json()["items"]
    slot = next(s for a in agendas for s in a["slots"] if s["available"])
    booked = requests.post(
        f"{api}/v1/appointments",
        json={"slot_id": slot["id"], "patient_id": patient["id"]},
        headers=headers,
        timeout=10,
    )
    assert booked.status_code == 201, booked.text
    appointment: dict[str, Any] = booked.json()
    return appointment


def test_each_portal_home_shows_what_matters_to_its_person(
    local_stack: LocalStack, browser: Any, page: Any
) -> None:
    site, api = local_stack.site_url, local_stack.api_url
    sec = requests.get(f"{api}/v1/insurers/sec/public", timeout=10).json()

    # The insured: current claims and unread notifications; a providers' page says whose it is.
    insured_tokens = password_log_in(local_stack, "asegurado@demo.mx")
    policy = requests.get(f"{api}/v1/policy", headers=bearer(insured_tokens), timeout=10).json()
    titular = next(m for m in policy["members"] if m["relationship"] == "titular")
    draft = requests.post(
        f"{api}/v1/claims",
        json=reimbursement(titular["id"]),
        headers=bearer(insured_tokens),
        timeout=10,
    )
    assert draft.status_code == 201, draft.text
    insured = _signed_in(browser, local_stack, insured_tokens, "asegurado")
    board = _board(insured, local_stack, "asegurados")
    board.get_by_role("heading", name="Trámites actuales").wait_for()
    line = board.locator(f"[data-claim='{draft.json()['id']}']")
    line.get_by_text("Trámite en borrador").wait_for()
    assert "genera el folio" in line.locator("[data-pending-action=borrador]").inner_text()
    unread = board.locator("[data-unread]")
    assert unread.inner_text().startswith(("Tienes", "No tienes notificaciones"))
    # Signed in, the brand is the account's insurer's.
    insured.locator("header.branded [data-brand-name]").get_by_text(sec["display_name"]).wait_for()
    screenshot(insured, "inicio-asegurado")
    insured.goto(f"{site}/prestadores/ordenes.html")
    insured.wait_for_url(f"{site}/otro-portal.html*")
    insured.get_by_role("heading", name="Esta página es para prestadores").wait_for()
    assert "Portal de Asegurados" in insured.locator("[data-explanation]").inner_text()
    insured.get_by_role("link", name="Ir al Portal de Asegurados").wait_for()
    screenshot(insured, "inicio-otro-portal")
    insured.context.close()

    # The Chilean provider: the latest settlement, no Mexican section, and a Mexican page that
    # answers at once instead of "Cargando…".
    chilean = _signed_in(
        browser, local_stack, password_log_in(local_stack, "prestador.cl@demo.mx"), "prestador"
    )
    board = _board(chilean, local_stack, "prestadores")
    board.locator("[data-latest-settlement]").wait_for()
    assert chilean.locator("[data-country=CL]").is_visible()
    assert not chilean.locator("[data-country=MX]").is_visible()
    assert not chilean.get_by_role("link", name="Mis órdenes y facturas").is_visible()
    assert chilean.locator("[data-clabe-prompt]").count() == 0
    screenshot(chilean, "inicio-prestador-chile")
    chilean.goto(f"{site}/prestadores/ordenes.html")
    chilean.locator("[data-no-access]").get_by_text("registrados en México").wait_for()
    chilean.context.close()

    # The Mexican provider without a bank account is asked for its CLABE; orders to invoice.
    mexican_tokens = password_log_in(local_stack, "prestador@demo.mx")
    mexican = _signed_in(browser, local_stack, mexican_tokens, "prestador")
    board = _board(mexican, local_stack, "prestadores")
    board.locator("[data-orders-to-invoice]").wait_for()
    assert not mexican.locator("[data-country=CL]").is_visible()
    account = requests.get(
        f"{api}/v1/provider/bank-account", headers=bearer(mexican_tokens), timeout=10
    ).json()
    if account["status"] != "activa":
        prompt = board.locator("[data-clabe-prompt]")
        assert "CLABE" in prompt.inner_text()
        prompt.get_by_role("link").wait_for()
    else:
        assert board.locator("[data-clabe-prompt]").count() == 0
    screenshot(mexican, "inicio-prestador-mexico")
    mexican.context.close()

    # The affiliate: a membership to pay and the next appointment.
    affiliate_tokens = password_log_in(local_stack, "afiliado@demo.mx")
    headers = bearer(affiliate_tokens)
    rfc = unique_rfc()
    plans = requests.get(f"{api}/v1/plans", headers=headers, timeout=10).json()["items"]
    enrolled = requests.post(
        f"{api}/v1/memberships",
        json={
            "plan_id": plans[0]["id"],
            "rfc": rfc,
            "full_name": "Inés Núñez Ávila",
            "email": "ines.nunez@example.mx",
            "phone": "5512345678",
        },
        headers=headers,
        timeout=10,
    )
    assert enrolled.status_code == 201, enrolled.text
    appointment = _book_next_appointment(local_stack, headers)
    affiliate = _signed_in(browser, local_stack, affiliate_tokens, "afiliado")
    board = _board(affiliate, local_stack, "afiliados")
    board.locator(f"[data-next-appointment='{appointment['id']}']").wait_for()
    dues = board.locator(f"[data-membership='{enrolled.json()['id']}']")
    dues.get_by_text("Pendiente del primer pago").wait_for()
    screenshot(affiliate, "inicio-afiliado")

    # /pagos/: after an approved card payment the card says what the payment left, the form
    # closes (nothing to pay twice) and the result stays.
    page.goto(f"{site}/pagos/")
    page.fill("#rfc", rfc)
    page.click("#lookup-form button[type=submit]")
    card = page.locator("[data-due-list] li").first
    card.get_by_text("Pendiente del primer pago").wait_for()
    before = card.inner_text()
    card.get_by_role("button", name="Pagar con tarjeta").click()
    page.fill("#card-number", "4242 4242 4242 4242")
    page.fill("#card-expiry", "12/30")
    page.fill("#card-cvc", "123")
    page.click("#card-form button[type=submit]")
    page.locator("[data-card-result]").filter(has_text="Pago aprobado").wait_for()
    card = page.locator("[data-due-list] li").first
    card.get_by_text("Al corriente").wait_for()
    assert card.inner_text() != before
    assert "Sin pagos" not in card.inner_text()
    assert page.locator("#card-form").is_hidden()
    screenshot(page, "pagos-tarjeta-aprobada")
    affiliate.reload()
    affiliate.locator(f"[data-membership='{enrolled.json()['id']}']").get_by_text(
        "Al corriente"
    ).wait_for()
    cancelled = requests.delete(
        f"{api}/v1/appointments/{appointment['id']}", headers=headers, timeout=10
    )
    assert cancelled.status_code == 200, cancelled.text
    affiliate.context.close()

    # The operator: the claims queues counted.
    operator = _signed_in(browser, local_stack, shared_operator_session(local_stack), "operador")
    board = _board(operator, local_stack, "operadores")
    queue = board.locator("[data-queue='sec:registrado']")
    queue.wait_for()
    assert queue.get_by_role("link", name="Registrado").get_attribute("href") == (
        "/operadores/tramites.html?estado=registrado"
    )
    screenshot(operator, "inicio-operador")
    operator.context.close()

    # The brand: neutral without an insurer; the insurer's from its link, remembered.
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    guest = context.new_page()
    guest.goto(f"{site}/asegurados/")
    assert guest.locator("header .brand").inner_text() == "Portal Médico"
    insurer = sec
    guest.goto(f"{site}/asegurados/?aseguradora=sec")
    guest.locator("header.branded [data-brand-name]").get_by_text(
        insurer["display_name"]
    ).wait_for()
    guest.goto(f"{site}/registro/asegurados.html")
    guest.locator("header.branded [data-brand-name]").get_by_text(
        insurer["display_name"]
    ).wait_for()
    if insurer["contact"].get("phone"):
        guest.locator("[data-brand-footer]").get_by_text(insurer["contact"]["phone"]).wait_for()
    screenshot(guest, "marca-aseguradora")
    context.close()
