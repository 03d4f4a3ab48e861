"""The portals' home page in headless Chromium against the local stack."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_home_shows_the_four_portals_and_the_service_status(
    local_stack: LocalStack, page: Any
) -> None:
    page.goto(f"{local_stack.site_url}/")
    status = page.locator("[data-health]")
    status.filter(has_text="En servicio").wait_for(timeout=10_000)
    assert status.get_attribute("data-state") == "ok"
    links = page.locator(".portal-card h2").all_inner_texts()
    assert links == ["Asegurados", "Prestadores", "Afiliados", "Operadores"]
    screenshot(page, "home")

    page.get_by_role("link", name="Asegurados").click()
    page.wait_for_url(f"{local_stack.site_url}/asegurados/")
    assert page.locator("h1").inner_text() == "Portal de Asegurados"
    page.locator("[data-guest]").get_by_role("link", name="Registrarme como titular").click()
    page.wait_for_url(f"{local_stack.site_url}/registro/asegurados.html")


def test_status_page_explains_when_the_api_is_unreachable(
    local_stack: LocalStack, browser: Any
) -> None:
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.route("**/v1/health", lambda route: route.abort())
    page.goto(f"{local_stack.site_url}/estado.html")
    page.get_by_text("Sin conexión con el servicio").wait_for(timeout=10_000)
    alert = page.get_by_role("alert")
    assert "No pudimos comunicarnos con el servidor" in alert.inner_text()
    screenshot(page, "estado-sin-conexion")
    context.close()


def test_every_portal_page_loads_without_console_errors(local_stack: LocalStack, page: Any) -> None:
    for portal, title in [
        ("prestadores", "Portal de Prestadores"),
        ("afiliados", "Portal de Afiliados"),
        ("operadores", "Portal de Operadores"),
    ]:
        page.goto(f"{local_stack.site_url}/{portal}/")
        assert page.locator("h1").inner_text() == title
        # A visitor is offered the way in (every button leads somewhere that exists).
        start = page.locator("[data-guest]").get_by_role("link", name="Iniciar sesión")
        start.wait_for(timeout=10_000)
        assert start.get_attribute("href") == f"/entrar.html?siguiente=/{portal}/"
        page.get_by_role("link", name="Elegir otro portal").click()
        page.wait_for_url(f"{local_stack.site_url}/")
