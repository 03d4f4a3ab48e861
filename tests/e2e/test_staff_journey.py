"""SEC's administrator invites an operator who only reviews claims: the personal page, by
keyboard, with the error beside the duties when none is chosen; the invited person gets the
activation link and the list shows the invitation with dictamen alone."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.e2e.providers_helpers import open_session
from tests.e2e.test_account_journeys import activation_link
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import bearer, operator_tokens
from tests.fixtures.stack import LocalStack

ADMIN = "admin.sec@demo.mx"


def test_the_administrator_invites_an_operator_with_only_dictamen(
    page: Any, local_stack: LocalStack
) -> None:
    tokens = operator_tokens(local_stack, ADMIN)
    open_session(page, local_stack, tokens, "operador")
    site = local_stack.site_url

    page.goto(f"{site}/operadores/")
    page.get_by_role("link", name="Personal de mi aseguradora").click()
    page.get_by_role("heading", name="Personal de mi aseguradora").wait_for()
    page.locator("[data-person='operador@demo.mx']").wait_for()

    email = f"dictamen-{uuid.uuid4().hex[:8]}@example.mx"
    page.get_by_label("Correo electrónico de trabajo").fill(email)
    page.get_by_label("Nombre completo").fill("Lucía Fernández Ortiz")
    page.get_by_role("button", name="Enviar invitación").click()
    # No duty chosen: the API's refusal lands beside the duties.
    error = page.locator("#duties .field-error")
    error.wait_for()
    error_id = error.get_attribute("id") or ""
    for box in page.locator("#duties input[name=duty]").all():
        assert box.get_attribute("aria-invalid") == "true"
        assert error_id in (box.get_attribute("aria-describedby") or "").split()

    invite = page.get_by_role("region", name="Invitar a una persona")
    invite.get_by_label("Dictamen: dictamen de trámites").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Enviar invitación").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=f"Enviamos la invitación a {email}").wait_for()
    screenshot(page, "personal-1-invitacion")

    row = page.locator(f"[data-person='{email}']")
    row.wait_for()
    assert "Invitación pendiente" in row.inner_text()
    checked = row.locator("input[name=duty]:checked")
    assert checked.count() == 1
    assert checked.first.get_attribute("value") == "dictamen"

    assert "/activar.html#token=" in activation_link(local_stack, email)
    listed = requests.get(
        f"{local_stack.api_url}/v1/operator/staff", headers=bearer(tokens), timeout=20
    ).json()["items"]
    invited = next(p for p in listed if p["email"] == email)
    assert invited["duties"] == ["dictamen"]
    assert invited["status"] == "pendiente"


def test_an_ended_staff_session_sends_the_operator_to_log_in_and_back(
    page: Any, local_stack: LocalStack
) -> None:
    """The API answers 401 session_expired once a staff session idles 30 minutes (the server
    side is proven in tests/service/accounts/test_staff.py); here the page's client reacts to
    that answer: the session is dropped and the log-in page explains why and returns the person
    to the page they were on."""
    tokens = operator_tokens(local_stack, ADMIN)
    open_session(page, local_stack, tokens, "operador")
    expired = {
        "error": {
            "code": "session_expired",
            "message": "Tu sesión terminó tras 30 minutos sin actividad. Inicia sesión de nuevo.",
        }
    }
    page.route(
        f"{local_stack.api_url}/v1/operator/staff*",
        lambda route: route.fulfill(
            status=401, json=expired, headers={"Access-Control-Allow-Origin": "*"}
        ),
    )
    page.goto(f"{local_stack.site_url}/operadores/personal.html")
    page.wait_for_url("**/entrar.html?vencida=1&siguiente=*")
    assert "siguiente=%2Foperadores%2Fpersonal.html" in page.url
    page.get_by_text("Tu sesión terminó por seguridad").wait_for()
    assert page.evaluate("sessionStorage.getItem('portal.session')") is None
    assert page.evaluate("sessionStorage.getItem('portal.id_token')") is None
