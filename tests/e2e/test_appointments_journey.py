"""Affiliate services on the local stack: the browser journey. (The HTTP checks run
in-process, in tests/api/test_appointments_http.py.)

The demo affiliate (NSS 01234567897) books for the family member JOSE LUIS in the browser on
the first weekday ahead; whatever a test books it cancels.
"""

from __future__ import annotations

import io
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack
from tests.fixtures.totp import next_code

pytestmark = pytest.mark.e2e

PASSWORD = "Demo-Portal-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
RELATIVE = "JOSE LUIS HERNANDEZ RUIZ"


def weekdays_ahead(count: int) -> list[date]:
    day = datetime.now(ZoneInfo("America/Mexico_City")).date()
    found: list[date] = []
    while len(found) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


def clinic_id(stack: LocalStack, headers: dict[str, str]) -> str:
    clinics = requests.get(f"{stack.api_url}/v1/clinics", headers=headers, timeout=20).json()
    return next(c["id"] for c in clinics["items"] if c["name"] == "UMF 20 Vallejo")


def _book_first_free_slot(page: Any, day: date) -> None:
    page.select_option("#patient", label=RELATIVE)
    page.select_option("#clinic", label="UMF 20 Vallejo")
    page.fill("#date", day.isoformat())
    page.click("#search-form button[type=submit]")
    slot = page.locator("[data-agenda] button[data-slot]:enabled").first
    slot_id = slot.get_attribute("data-slot")
    slot.click()
    page.get_by_role("button", name="Confirmar cita").click()
    page.get_by_role("status").filter(has_text=f"cita agendada para {RELATIVE}").wait_for()
    # The agenda shows the place taken: the slot is no longer offered.
    page.locator(f"[data-agenda] button[data-slot='{slot_id}']:disabled").wait_for()


def test_affiliate_books_for_a_relative_cancels_rebooks_and_verifies_a_sick_leave(
    local_stack: LocalStack, page: Any
) -> None:
    import zxingcpp
    from playwright.sync_api import expect
    from pypdf import PdfReader

    site = local_stack.site_url
    day = weekdays_ahead(1)[0]
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{site}/entrar.html")
    page.fill("#identifier", "01234567897")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{site}/afiliados/")
    page.get_by_role("link", name="Citas de medicina general").click()
    page.wait_for_url(f"{site}/afiliados/citas.html")

    _book_first_free_slot(page, day)
    upcoming = page.locator("[data-upcoming] article").filter(has_text=RELATIVE)
    upcoming.first.wait_for()
    screenshot(page, "afiliado-citas-1-agendada")

    upcoming.first.get_by_role("button", name="Cancelar cita").click()
    page.get_by_role("status").filter(has_text="Cita cancelada").wait_for()
    page.locator("[data-history] article[data-status=cancelada]").filter(
        has_text=RELATIVE
    ).first.wait_for()
    expect(page.locator("[data-upcoming] article").filter(has_text=RELATIVE)).to_have_count(0)

    _book_first_free_slot(page, day)
    page.locator("[data-upcoming] article").filter(has_text=RELATIVE).first.wait_for()
    screenshot(page, "afiliado-citas-2-reagendada")

    page.goto(f"{site}/afiliados/recetas.html")
    page.get_by_text("no sustituye a la receta oficial").wait_for()
    page.get_by_text("Metformina 850 mg tabletas").wait_for()
    screenshot(page, "afiliado-recetas")

    page.goto(f"{site}/afiliados/incapacidades.html")
    page.get_by_role("button", name="Imprimir o descargar certificado").first.click()
    link = page.locator("[data-certificate-link]").first
    link.wait_for()
    screenshot(page, "afiliado-incapacidades")
    pdf = requests.get(link.get_attribute("href"), timeout=20)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    image = PdfReader(io.BytesIO(pdf.content)).pages[0].images[0].image
    (qr,) = zxingcpp.read_barcodes(image)
    assert qr.text.startswith(f"{site}/verificar.html?id=")

    page.goto(qr.text)
    verdict = page.locator("[data-valid]")
    verdict.wait_for()
    assert verdict.get_attribute("data-valid") == "true"
    page.get_by_role("heading", name="Certificado auténtico").wait_for()
    screenshot(page, "verificar-certificado")

    # Clean up: the relative's appointment goes away, so reruns start the same way.
    page.goto(f"{site}/afiliados/citas.html")
    page.locator("[data-upcoming] article").filter(has_text=RELATIVE).first.get_by_role(
        "button", name="Cancelar cita"
    ).click()
    page.get_by_role("status").filter(has_text="Cita cancelada").wait_for()


def test_operator_loads_an_agenda_and_issues_a_prescription_and_a_sick_leave(
    local_stack: LocalStack, page: Any
) -> None:
    site = local_stack.site_url
    page.goto(f"{site}/entrar.html")
    # The demo clinic and affiliates are SEC's: only SEC's operator works on them.
    page.fill("#identifier", "operador@demo.mx")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.locator("#totp-form").wait_for()
    for _ in range(2):
        page.fill("#code", next_code())
        page.click("#totp-form button[type=submit]")
        try:
            page.wait_for_url(f"{site}/operadores/", timeout=5000)
            break
        except Exception:  # that code was just used by another log-in: wait for the next
            time.sleep(31 - time.time() % 30)
    page.get_by_role("link", name="Agendas, recetas e incapacidades de afiliados").click()
    page.wait_for_url(f"{site}/operadores/afiliados.html")

    page.select_option("#agenda_clinic", label="UMF 20 Vallejo")
    page.fill("#agenda_doctor", f"DR. OPERADOR {uuid.uuid4().hex[:6].upper()}")
    page.fill("#agenda_date", weekdays_ahead(4)[3].isoformat())
    page.fill("#agenda_quota", "9")
    page.click("#agenda-form button[type=submit]")
    page.locator("#agenda-form [role=alert]").filter(
        has_text="no puede ser mayor que la capacidad"
    ).wait_for()
    page.fill("#agenda_quota", "2")
    page.click("#agenda-form button[type=submit]")
    page.get_by_role("status").filter(has_text="Agenda cargada").wait_for()

    page.fill("#rx_nss", "12345678903")
    page.fill("#rx_doctor", "DRA. LAURA MEDINA SOTO")
    page.fill("#rx_clinic", "UMF 20 Vallejo")
    page.fill("#rx_name", "Omeprazol 20 mg cápsulas")
    page.fill("#rx_dose", "1 cápsula en ayunas por 14 días")
    page.click("#rx-form button[type=submit]")
    page.get_by_role("status").filter(has_text=f"Receta emitida para {RELATIVE}").wait_for()

    page.fill("#sl_nss", "99999999999")
    page.fill("#sl_doctor", "DRA. LAURA MEDINA SOTO")
    page.fill("#sl_clinic", "UMF 20 Vallejo")
    page.click("#sl-form button[type=submit]")
    page.locator("#sl-form [role=alert]").filter(has_text="registro de afiliados").wait_for()
    screenshot(page, "operador-afiliados")
