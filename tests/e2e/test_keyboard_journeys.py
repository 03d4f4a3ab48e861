"""The main journeys' forms filled and sent with the keyboard alone: Tab to a field, type,
Space for a checkbox, Enter to send. No click anywhere."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Demo-Portal-2026"


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus with Tab")


def keyboard_login(page: Any, stack: LocalStack, email: str) -> None:
    page.goto(f"{stack.site_url}/entrar.html")
    tab_to(page, "#identifier")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def open_by_keyboard(page: Any, stack: LocalStack, identifier: str, path: str) -> None:
    """Log in by keyboard, wait for the portal, then open its page `path`."""
    keyboard_login(page, stack, identifier)
    portal = path.split("/", 1)[0]
    page.wait_for_url(f"**/{portal}/**")
    page.goto(f"{stack.site_url}/{path}")


def wait_for_options(page: Any, select_id: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#{select_id}').options.length > 0")


def test_log_in_and_claim_step_one_by_keyboard(page: Any, local_stack: LocalStack) -> None:
    open_by_keyboard(page, local_stack, "asegurado@demo.mx", "asegurados/tramite-nuevo.html")
    wait_for_options(page, "member_id")
    tab_to(page, "#member_id")
    page.keyboard.press("ArrowDown")  # another member of the policy, chosen with the arrows
    tab_to(page, "#type")
    page.keyboard.press("ArrowDown")  # the first kind of claim
    if page.locator("[data-clabe]").is_visible():
        tab_to(page, "#payout_clabe")
        page.keyboard.type("002180700845632136")
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()
    tab_to(page, "#claim-form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("[data-step='2']").wait_for(state="visible")
    assert "?id=" in page.url
    screenshot(page, "keyboard-claim-step-2")


def test_registration_is_sent_by_keyboard(page: Any, local_stack: LocalStack) -> None:
    page.goto(f"{local_stack.site_url}/registro/asegurados.html")
    tab_to(page, "#full_name")
    page.keyboard.type("Lucía Teclado Pérez")
    page.keyboard.press("Tab")
    page.keyboard.type("GMM-2026-0000001")
    page.keyboard.press("Tab")
    page.keyboard.type(f"teclado-{uuid.uuid4().hex[:8]}@example.mx")
    tab_to(page, "#accept_privacy_broker")
    page.keyboard.press("Space")
    tab_to(page, "#accept_privacy_insurer")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    with page.expect_response("**/v1/accounts/**") as sent:
        page.keyboard.press("Enter")
    body = sent.value.request.post_data_json
    assert body["full_name"] == "Lucía Teclado Pérez"
    assert body["accept_privacy_broker"] is True
    assert body["accept_privacy_insurer"] is True
    # Whatever the answer, the person reads it where the focus can reach it.
    page.locator("[data-notice]:not([hidden]), [data-form-error]:not([hidden])").first.wait_for()


def test_booking_search_by_keyboard(page: Any, local_stack: LocalStack) -> None:
    open_by_keyboard(page, local_stack, "afiliado@demo.mx", "afiliados/citas.html")
    wait_for_options(page, "clinic")
    tab_to(page, "#patient")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "clinic"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "date"
    with page.expect_response("**/v1/agenda?*") as searched:
        page.keyboard.press("Enter")
    assert searched.value.status == 200
    page.wait_for_function("() => document.querySelector('[data-agendas]').textContent.trim()")
    # The demo clinics have agendas: a free place is a button, Tab reaches it and Enter asks
    # to confirm. The confirmation is left unsent so the demo places stay free for others.
    assert page.locator("[data-agendas] button").count() > 0
    tab_to(page, "[data-agendas] button")
    page.keyboard.press("Enter")
    page.locator("[data-confirm]").wait_for(state="visible")
    tab_to(page, "[data-confirm-yes]")
    screenshot(page, "keyboard-booking")
