"""An insurer onboarded without code, in the browser on the local stack: the platform
administrator creates insurer ACME (a Mexican company RFC) and invites its administrator;
she activates her account, enrols TOTP and invites an operator who only reviews claims; he
activates, enrols, sees ACME's claim queue (empty) and is refused the settlements and staff
pages with a clear page; every step is on ACME's audit page; SEC's operators reach nothing of
ACME."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.e2e.providers_helpers import open_session
from tests.e2e.test_account_journeys import activate_in_page, log_in
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import bearer, operator_tokens
from tests.fixtures.stack import LocalStack
from tests.fixtures.totp import next_code

pytestmark = pytest.mark.e2e

PLATFORM = "plataforma@demo.mx"
PASSWORD = "una frase de acceso para acme 2026"
FORBIDDEN = "No tienes acceso a esta sección"


def _enrol(page: Any, stack: LocalStack, email: str) -> str:
    """Activate from the emailed link, log in and enrol TOTP from the page: the secret."""
    activate_in_page(page, stack, email, PASSWORD).wait_for()
    log_in(page, stack, email, PASSWORD)
    page.locator("[data-enrollment]").wait_for()
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.fill("#code", next_code(email, secret))
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{stack.site_url}/operadores/")
    return secret


def _log_in_again(page: Any, stack: LocalStack, email: str, secret: str) -> None:
    page.evaluate("sessionStorage.clear()")
    log_in(page, stack, email, PASSWORD)
    page.locator("#totp-form").wait_for()
    page.fill("#code", next_code(email, secret))
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{stack.site_url}/operadores/")


def test_acme_is_onboarded_run_by_its_staff_and_audited(page: Any, local_stack: LocalStack) -> None:
    site, api = local_stack.site_url, local_stack.api_url
    suffix = uuid.uuid4().hex[:6]
    admin_email = f"admin-{suffix}@acme.example.mx"
    reviewer_email = f"dictamen-{suffix}@acme.example.mx"

    # 1. The platform administrator creates ACME and invites its administrator.
    open_session(page, local_stack, operator_tokens(local_stack, PLATFORM), "plataforma")
    page.goto(f"{site}/plataforma/")
    form = page.locator("#new-insurer")
    form.get_by_label("Identificador").fill("acme")
    form.get_by_label("Razón social").fill("ACME SEGUROS SA DE CV")
    form.get_by_label("RFC o RUT").fill("ASE260101AB1")
    form.get_by_label("Nombre comercial").fill("ACME")
    form.get_by_role("button", name="Dar de alta la aseguradora").click()
    page.get_by_role("status").filter(has_text="Dimos de alta ACME").wait_for()
    page.locator("[data-insurer-row='acme']").get_by_role("link", name="ACME").click()
    page.wait_for_url(f"{site}/plataforma/aseguradora.html?id=acme")
    invite = page.get_by_role("region", name="Invitar administrador")
    invite.get_by_label("Correo electrónico de trabajo").fill(admin_email)
    invite.get_by_label("Nombre completo").fill("Patricia Núñez Olvera")
    invite.get_by_role("button", name="Enviar invitación").click()
    invite.get_by_role("status").filter(has_text=admin_email).wait_for()
    screenshot(page, "acme-1-alta-e-invitacion")

    # 2. ACME's administrator activates, enrols TOTP and invites a claims reviewer.
    admin_secret = _enrol(page, local_stack, admin_email)
    page.goto(f"{site}/operadores/personal.html")
    page.get_by_label("Correo electrónico de trabajo").fill(reviewer_email)
    page.get_by_label("Nombre completo").fill("Luis Ortega Ramos")
    page.get_by_role("region", name="Invitar a una persona").get_by_label(
        "Dictamen: dictamen de trámites"
    ).check()
    page.get_by_role("button", name="Enviar invitación").click()
    page.get_by_role("status").filter(
        has_text=f"Enviamos la invitación a {reviewer_email}"
    ).wait_for()
    row = page.locator(f"[data-person='{reviewer_email}']")
    row.wait_for()
    # ACME's staff list holds ACME's people only: SEC's demo operator is not in it.
    assert page.locator("[data-person='operador@demo.mx']").count() == 0
    screenshot(page, "acme-2-personal")

    # 3. The reviewer: ACME's (empty) claim queue; settlements and staff are refused.
    _enrol(page, local_stack, reviewer_email)
    page.goto(f"{site}/operadores/tramites.html")
    page.get_by_text("No hay trámites en este estado.").wait_for()
    for refused in ("liquidaciones.html", "personal.html"):
        page.goto(f"{site}/operadores/{refused}")
        page.get_by_role("heading", name=FORBIDDEN).wait_for()
    screenshot(page, "acme-3-sin-acceso")

    # 4. Every step is on ACME's audit page, seen by its administrator.
    _log_in_again(page, local_stack, admin_email, admin_secret)
    page.goto(f"{site}/operadores/auditoria.html")
    rows = page.locator("[data-records] tbody tr")
    rows.first.wait_for()
    page.locator("[data-records] tbody tr", has_text="Consultó la bandeja de trámites").wait_for()
    texts = "\n".join(rows.all_inner_texts())
    for label, who in (
        ("Dio de alta la aseguradora", PLATFORM),
        ("Invitó a un administrador de la aseguradora", PLATFORM),
        ("Activó su cuenta de personal", admin_email),
        ("Configuró su segundo factor (TOTP)", admin_email),
        ("Invitó a un miembro del personal", admin_email),
        ("Activó su cuenta de personal", reviewer_email),
        ("Configuró su segundo factor (TOTP)", reviewer_email),
        ("Consultó la bandeja de trámites", reviewer_email),
        ("Intentó entrar a una sección sin tener la función", reviewer_email),
    ):
        assert any(label in line and who in line for line in texts.splitlines()), (label, who)
    screenshot(page, "acme-4-auditoria")

    # 5. SEC's operators reach nothing of ACME: its claims, staff and audit log are not found.
    sec = bearer(operator_tokens(local_stack))
    for path, params in (
        ("/v1/operator/claims", {"insurer": "acme"}),
        ("/v1/operator/audit", {"insurer": "acme"}),
        ("/v1/operator/staff", {"insurer_id": "acme"}),
    ):
        answer = requests.get(f"{api}{path}", params=params, headers=sec, timeout=20)
        assert answer.status_code == 404, (path, answer.text)
