"""Each portal's account journey in headless Chromium on the local stack: register, open the
activation link from the local outbox, set the password, log in, change the secondary
email, log out, log in again; operators log in with TOTP."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import requests
from stdnum import luhn

from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack, create_operator
from tests.fixtures.totp import next_code

pytestmark = pytest.mark.e2e

PASSWORD = "mi frase de acceso 2026"


def activation_link(stack: LocalStack, address: str, seconds: float = 20) -> str:
    return emailed_link(stack, address, "activar.html", seconds)


def emailed_link(stack: LocalStack, address: str, page: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    pattern = rf"https?://\S+/{re.escape(page)}#token=[\w-]+"
    while time.monotonic() < deadline:
        for message in requests.get(f"{stack.site_url}/__local/outbox.json", timeout=5).json():
            found = re.search(pattern, message["text"])
            if address in message["to"] and found:
                return found.group(0)
        time.sleep(0.3)
    raise AssertionError(f"no {page} email for {address}")


def activate_in_page(page: Any, stack: LocalStack, email: str, password: str) -> Any:
    """Open the emailed activation link and choose `password`: the sign-in link offered then."""
    page.goto(activation_link(stack, email))
    page.fill("#password", password)
    page.fill("#password_confirm", password)
    page.click("#activate-form button[type=submit]")
    return page.get_by_role("status").get_by_role("link", name="Iniciar sesión")


def log_in(page: Any, stack: LocalStack, identifier: str, password: str) -> None:
    page.goto(f"{stack.site_url}/entrar.html")
    page.fill("#identifier", identifier)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def journey(
    page: Any,
    stack: LocalStack,
    *,
    name: str,
    register_page: str,
    fill: Callable[[Any], None],
    email: str,
    identifier: str,
    portal: str,
) -> None:
    page.goto(f"{stack.site_url}/{register_page}")
    fill(page)
    page.click("#register-form button[type=submit]")
    page.get_by_role("status").filter(has_text="Revisa tu correo").wait_for()
    screenshot(page, f"{name}-1-registro")

    page.goto(activation_link(stack, email))
    assert "#token" not in page.url  # the token leaves the address bar at once
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", "otra cosa")
    page.click("#activate-form button[type=submit]")
    page.get_by_text("Las contraseñas no coinciden.").wait_for()
    page.fill("#password_confirm", PASSWORD)
    page.click("#activate-form button[type=submit]")
    page.get_by_role("status").get_by_role("link", name="Iniciar sesión").click()
    screenshot(page, f"{name}-2-activada")

    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{stack.site_url}/{portal}/")
    page.locator("[data-name]").filter(has_text=re.compile(r"\w")).wait_for()
    screenshot(page, f"{name}-3-portal")

    page.get_by_role("link", name="Mi cuenta").first.click()
    page.wait_for_url(f"{stack.site_url}/cuenta.html")
    page.locator("[data-profile] dd").first.wait_for()
    secondary = f"copia-{email}"
    page.fill("#secondary_email", secondary)  # without the current password: refused
    page.click("#contact-form button[type=submit]")
    page.locator("#contact_current_password-error").wait_for()
    page.fill("#contact_current_password", PASSWORD)
    page.fill("#secondary_email", email)  # same as the primary: refused next to the field
    page.click("#contact-form button[type=submit]")
    page.locator("#secondary_email-error").wait_for()
    page.fill("#secondary_email", secondary)
    page.click("#contact-form button[type=submit]")
    page.get_by_text("Tus datos de contacto se guardaron.").wait_for()
    assert page.locator("[data-field=secondary_email_pending]").inner_text() == secondary
    screenshot(page, f"{name}-4-cuenta")
    # The secondary email is used once its owner opens the link sent to it.
    page.goto(emailed_link(stack, secondary, "confirmar-correo.html"))
    page.click("#confirm-form button[type=submit]")
    page.get_by_text(f"Listo: {secondary} recibirá copia de los avisos.").wait_for()
    page.get_by_role("link", name="Ir a mi cuenta").click()
    page.locator("[data-field=secondary_email]").filter(has_text=secondary).wait_for()

    page.get_by_role("button", name="Cerrar sesión").first.click()
    page.wait_for_url(re.compile(r"/entrar\.html\?salida=1$"))
    page.get_by_text("Cerraste sesión").wait_for()
    log_in(page, stack, identifier, PASSWORD)
    page.wait_for_url(f"{stack.site_url}/{portal}/")


def test_insured_journey(local_stack: LocalStack, page: Any) -> None:
    email = f"ana-{uuid.uuid4().hex[:6]}@example.mx"

    def fill(p: Any) -> None:
        p.fill("#full_name", "asegurado  prueba 010")
        p.fill("#policy_number", "GMM-2026-0090010")
        p.fill("#email", email)
        p.check("#accept_privacy_broker")
        p.check("#accept_privacy_insurer")

    journey(
        page,
        local_stack,
        name="asegurado",
        register_page="registro/asegurados.html",
        fill=fill,
        email=email,
        identifier=email,
        portal="asegurados",
    )


def test_registration_form_shows_field_errors(local_stack: LocalStack, page: Any) -> None:
    page.goto(f"{local_stack.site_url}/registro/asegurados.html")
    page.fill("#full_name", "Alguien")
    page.fill("#policy_number", "GMM-1")
    page.fill("#email", "no-es-correo")
    page.click("#register-form button[type=submit]")
    page.locator("#email-error").wait_for()
    assert page.locator("#accept_privacy_broker-error").inner_text().startswith("Debes aceptar")
    screenshot(page, "registro-errores")


def test_mexican_provider_journey(local_stack: LocalStack, page: Any) -> None:
    email = f"doc-{uuid.uuid4().hex[:6]}@example.mx"

    def fill(p: Any) -> None:
        p.fill("#rfc", "GOMA800101AB1")
        p.fill("#full_name", "Alejandra Gómez Martínez")
        p.fill("#email", email)
        p.select_option("#fiscal_regime", "626")
        p.check("#jalisco_cedular")

    journey(
        page,
        local_stack,
        name="prestador",
        register_page="registro/prestadores.html",
        fill=fill,
        email=email,
        identifier=email,
        portal="prestadores",
    )


def test_chilean_provider_registers_and_logs_in_with_rut(
    local_stack: LocalStack, page: Any
) -> None:
    email = f"cl-{uuid.uuid4().hex[:6]}@example.cl"
    page.goto(f"{local_stack.site_url}/registro/prestadores.html")
    page.check("input[name=country][value=CL]")
    assert page.locator("#rfc").is_disabled()
    page.fill("#rut", "12.345.678-5")
    page.fill("#full_name", "Clínica Andes SpA")
    page.fill("#email", email)
    page.click("#register-form button[type=submit]")
    page.get_by_role("status").wait_for()
    activate_in_page(page, local_stack, email, PASSWORD).wait_for()
    log_in(page, local_stack, "12345678-5", PASSWORD)
    page.wait_for_url(f"{local_stack.site_url}/prestadores/")


def test_affiliate_journey_logs_in_with_nss(local_stack: LocalStack, page: Any) -> None:
    base = "9000000050"
    nss = base + luhn.calc_check_digit(base)
    email = f"afi-{uuid.uuid4().hex[:6]}@example.mx"

    def fill(p: Any) -> None:
        p.fill("#nss", nss)
        p.fill("#credential_serial", f"S{base}")
        p.fill("#phone", "55 1234 5678")
        p.fill("#email", email)

    journey(
        page,
        local_stack,
        name="afiliado",
        register_page="registro/afiliados.html",
        fill=fill,
        email=email,
        identifier=nss,
        portal="afiliados",
    )


def test_demo_operator_logs_in_with_totp(local_stack: LocalStack, page: Any) -> None:
    log_in(page, local_stack, "operador@demo.mx", "Demo-Portal-2026")
    page.locator("#totp-form").wait_for()
    assert page.locator("[data-enrollment]").is_hidden()
    page.fill("#code", "000000")
    page.click("#totp-form button[type=submit]")
    page.get_by_text("El código no es correcto").wait_for()
    page.fill("#code", next_code())
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{local_stack.site_url}/operadores/")
    page.get_by_text("OPERADORA DEMO CENTRO").wait_for()
    screenshot(page, "operador-portal")


def test_new_operator_enrols_totp_from_the_qr_at_first_log_in(
    local_stack: LocalStack, page: Any
) -> None:
    email = f"op-{uuid.uuid4().hex[:6]}@example.mx"
    create_operator(local_stack, email, "Nueva Operadora", "sec,adn")
    activate_in_page(page, local_stack, email, PASSWORD).wait_for()

    log_in(page, local_stack, email, PASSWORD)
    page.locator("[data-enrollment]").wait_for()
    qr = page.locator("[data-qr]")
    qr.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())
    secret = page.locator("[data-secret]").inner_text()
    screenshot(page, "operador-enrolamiento")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{local_stack.site_url}/operadores/")
