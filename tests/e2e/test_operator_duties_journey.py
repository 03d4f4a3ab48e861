"""An operator with one duty: the portal shows only what it opens, and a page of another duty
answers with a clear "no access" page instead of a form the API would refuse."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pyotp
import requests

from tests.e2e.providers_helpers import open_session
from tests.e2e.test_account_journeys import activation_link
from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack, create_operator

PASSWORD = "una frase de acceso segura 2026"


def _new_operator(stack: LocalStack, duties: str) -> dict[str, Any]:
    """A SEC operator with `duties`, activated from the emailed link, TOTP enrolled at the
    first log-in: its tokens."""
    email = f"funciones-{uuid.uuid4().hex[:8]}@example.mx"
    create_operator(stack, email, "OPERADORA DE DICTAMEN", "sec", duties)
    token = activation_link(stack, email).split("#token=", 1)[1]
    activated = requests.post(
        f"{stack.api_url}/v1/accounts/activate",
        json={"token": token, "password": PASSWORD},
        timeout=20,
    )
    assert activated.status_code == 200, activated.text
    challenge = requests.post(
        f"{stack.api_url}/v1/auth/login",
        json={"identifier": email, "password": PASSWORD},
        timeout=20,
    ).json()
    code = pyotp.TOTP(challenge["enrollment"]["secret"]).now()
    done = requests.post(
        f"{stack.api_url}/v1/auth/totp",
        json={"session": challenge["session"], "code": code},
        timeout=20,
    )
    assert done.status_code == 200, done.text
    tokens: dict[str, Any] = done.json()
    return tokens


def test_an_operator_with_only_dictamen_sees_claims_and_a_clear_refusal_elsewhere(
    page: Any, local_stack: LocalStack
) -> None:
    open_session(page, local_stack, _new_operator(local_stack, "dictamen"), "operador")
    site = local_stack.site_url

    page.goto(f"{site}/operadores/")
    page.get_by_role("link", name="Trámites de asegurados").wait_for()
    assert page.get_by_role("link", name="Transacciones y liquidaciones").is_hidden()
    assert page.get_by_role("link", name="Solicitudes de datos personales (ARCO)").is_hidden()
    assert page.locator("[data-no-duties]").is_hidden()
    screenshot(page, "operador-funciones-1-portal")

    page.goto(f"{site}/operadores/liquidaciones.html")
    page.get_by_role("heading", name="No tienes acceso a esta sección").wait_for()
    assert "finanzas" in page.get_by_role("alert").inner_text()
    assert page.locator("#run-form").is_hidden()
    assert page.title() == "Sin acceso · Portal Médico"
    screenshot(page, "operador-funciones-2-sin-acceso")
    page.get_by_role("link", name="Volver al Portal de Operadores").click()
    page.wait_for_url(f"{site}/operadores/")

    page.goto(f"{site}/operadores/tramites.html")
    page.get_by_role("heading", name="Trámites de asegurados").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-no-access]").count() == 0


def test_a_page_of_several_duties_opens_for_any_of_them(page: Any, local_stack: LocalStack) -> None:
    """Importaciones serves administración and finanzas (`data-duty="administracion
    finanzas"`): an operator with finanzas alone finds it on the home and opens it, offered only
    the kinds of finanzas; one with dictamen alone is told which duties open it."""
    site = local_stack.site_url
    open_session(page, local_stack, _new_operator(local_stack, "finanzas"), "operador")
    page.goto(f"{site}/operadores/")
    page.get_by_role("link", name=re.compile("^Importaciones")).click()
    page.get_by_role("heading", name="Importaciones", exact=True).wait_for()
    page.locator("#kind option[value=ordenes]").wait_for(state="attached")
    offered = page.locator("#kind option").evaluate_all("(options) => options.map((o) => o.value)")
    assert offered == ["ordenes", "transacciones"]
    assert page.locator("[data-no-access]").count() == 0

    open_session(page, local_stack, _new_operator(local_stack, "dictamen"), "operador")
    page.goto(f"{site}/operadores/")
    page.get_by_role("link", name="Trámites de asegurados").wait_for()
    assert page.get_by_role("link", name=re.compile("^Importaciones")).is_hidden()
    page.goto(f"{site}/operadores/importaciones.html")
    page.get_by_role("heading", name="No tienes acceso a esta sección").wait_for()
    message = page.get_by_role("alert").inner_text()
    assert "administración" in message
    assert "finanzas" in message
    assert page.locator("#import-form").is_hidden()
