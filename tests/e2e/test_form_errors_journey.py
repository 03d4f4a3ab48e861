"""Every form of the site, submitted empty and with wrong values, says what to fix beside each
field, in words for a person (docs/forms.md).

The sweep visits every page (signed in with the role its portal needs, as the page sweep
does), submits each visible form twice, and fails on validator jargon or an internal name
among the errors shown, and on an error message that no `aria-invalid` control points to. The
cases the portals got wrong are then checked one by one: Mi cuenta's contact data, the claim's
upload step with a badly named file, claim step 1, the empty log-in and RFC, the card form,
the bank account form and the password change. Last, the settlement detail's twelve columns
are all in view at 1280 px and on a phone, dates written the site's one way (docs/forms.md).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.api.test_payments_http import unique_rfc
from tests.e2e.providers_helpers import open_session
from tests.e2e.test_pages_csp_a11y_keyboard import (
    SITE,
    WATCH_FETCHES,
    _record_queries,
    _settle,
    _tokens,
    role_of,
    site_pages,
)
from tests.fixtures.browser import screenshot
from tests.fixtures.claim_requests import reimbursement
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Demo-Portal-2026"

# What a person must never read: pydantic's names and English, the API's field names.
JARGON = [
    re.compile(r"function-(after|before|wrap|plain)", re.I),
    re.compile(r"constrained-|literal\[|\bstr_type|string_type|_type\b", re.I),
    re.compile(r"Field required|Input should|String should|List should|value is not", re.I),
    re.compile(r"\b[a-z]+(_[a-z]+)+\b"),  # snake_case: secondary_email, document_ids
    re.compile(r"\b[a-z_]+\.\d+(\.[a-z_]+)?\b"),  # a dotted path with a position: files.0.name
    re.compile(r"\b[a-z_]+\.[a-z_]+\s*:"),  # a dotted path as a prefix: contact.phone:
    re.compile(r"validation_error|Revisa los datos marcados\.\s*$"),
]

# Submitting these changes shared state even when empty (a settlement run of every provider).
NEVER_SUBMIT = {("operadores/liquidaciones.html", "run-form")}
# Forms whose free-text fields an operator loads as records ("#" would be a clinic's name): the
# wrong-values pass would create them.
NO_WRONG_PASS = {
    ("operadores/afiliados.html", "clinic-form"),
    ("operadores/afiliados.html", "agenda-form"),
    ("operadores/afiliados.html", "rx-form"),
    ("operadores/afiliados.html", "sl-form"),
    ("operadores/prestadores.html", "order-form"),
}

SHOWN_ERRORS = """() => {
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  return [...document.querySelectorAll(
      ".field-error, [data-error-summary], .alert-error, [role=alert]")]
    .filter(shown).map((el) => el.innerText.trim()).filter(Boolean);
}"""

# Every message beside a field is pointed at by an aria-invalid control; every aria-invalid
# control points at a message that is shown.
UNLINKED = """() => {
  const problems = [];
  for (const note of document.querySelectorAll(".field-error")) {
    const owners = [...document.querySelectorAll("[aria-invalid=true]")]
      .filter((c) => (c.getAttribute("aria-describedby") || "").split(/\\s+/).includes(note.id));
    if (!note.id || !owners.length) problems.push(`not linked: ${note.innerText}`);
  }
  for (const control of document.querySelectorAll("[aria-invalid=true]")) {
    const ids = (control.getAttribute("aria-describedby") || "").split(/\\s+/);
    if (!ids.some((id) => document.getElementById(id)?.classList.contains("field-error"))) {
      problems.push(`marked without a message: ${control.outerHTML.slice(0, 80)}`);
    }
  }
  return problems;
}"""

# The visible forms with a submit button: by id, else by their position among the forms.
FORMS = """() => [...document.querySelectorAll("form")]
  .map((f, index) => [f, f.getAttribute("id") || `#${index}`])
  .filter(([f]) => f.getClientRects().length > 0
    && f.querySelector("button[type=submit], button:not([type])"))
  .map(([, name]) => name)"""

# Empty: every text field cleared (choices and boxes as the page left them).
EMPTY = """(id) => {
  const form = id.startsWith("#") ? document.querySelectorAll("form")[Number(id.slice(1))]
    : document.getElementById(id);
  if (!form) return false;
  for (const c of form.querySelectorAll("input, textarea")) {
    if (!["checkbox", "radio", "file", "hidden", "submit", "button"].includes(c.type)) c.value = "";
  }
  form.requestSubmit();
  return true;
}"""

# Wrong: an email without domain, a phone of two digits, a number that is not one, "#" in text.
WRONG = """([id, password]) => {
  const form = id.startsWith("#") ? document.querySelectorAll("form")[Number(id.slice(1))]
    : document.getElementById(id);
  if (!form) return 0;
  let wrong = 0;
  for (const c of form.querySelectorAll("input, textarea")) {
    if (c.disabled || c.readOnly) continue;
    if (c.type === "email") { c.value = "correo@"; wrong += 1; }
    else if (c.type === "tel" || c.name === "phone") { c.value = "12"; wrong += 1; }
    else if (c.type === "password") c.value = /current|^password$/.test(c.name) ? password : "#";
    else if (c.inputMode === "numeric" || c.inputMode === "decimal" || c.type === "number") {
      c.value = "12x"; wrong += 1;
    } else if (["text", "search", "textarea"].includes(c.type) || c.tagName === "TEXTAREA") {
      c.value = "#"; wrong += 1;
    }
  }
  if (wrong) form.requestSubmit();
  return wrong;
}"""


@dataclass
class FormSweep:
    forms: list[str] = field(default_factory=list)
    jargon: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)
    marked: set[str] = field(default_factory=set)
    messages: int = 0


def _check(page: Any, where: str, result: FormSweep) -> None:
    _settle(page)  # the submission's fetch starts within requestSubmit: settling waits for it
    shown = page.evaluate(SHOWN_ERRORS)
    result.messages += len(shown)
    for text in shown:
        for pattern in JARGON:
            found = pattern.search(text)
            if found:
                result.jargon.append(f"{where}: {found.group(0)!r} in {text!r}")
    result.unlinked += [f"{where}: {p}" for p in page.evaluate(UNLINKED)]
    if page.locator("[aria-invalid=true]").count():
        result.marked.add(where)


@pytest.fixture(scope="module")
def form_sweep(local_stack: LocalStack, browser: Any) -> FormSweep:
    started = time.monotonic()
    result = FormSweep()
    queries = _record_queries(local_stack)
    by_role: dict[str | None, list[str]] = {}
    for name in site_pages():
        source = (SITE / name).read_text(encoding="utf-8")
        if "<form" in source or "<include part=" in source:  # pages without a form: skipped
            by_role.setdefault(role_of(name), []).append(name)
    for role, names in by_role.items():
        context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
        try:
            context.add_init_script(WATCH_FETCHES)
            page = context.new_page()
            if role:
                open_session(page, local_stack, _tokens(local_stack, role), role.split("-")[0])
            for name in names:
                url = f"{local_stack.site_url}/{name}{queries.get(name, '')}"
                page.goto(url)
                _settle(page)
                # Each form in turn on the one page: a submission leaves the others as they were.
                for index, form in enumerate(page.evaluate(FORMS)):
                    if (name, form) in NEVER_SUBMIT:
                        continue
                    if index and page.url != url:  # a submission went elsewhere: back
                        page.goto(url)
                        _settle(page)
                    where = f"{name} {form}"
                    result.forms.append(where)
                    if not page.evaluate(EMPTY, form):
                        result.unlinked.append(f"{where}: the form was not found again")
                        continue
                    _check(page, f"{where} (empty)", result)
                    # The wrong values go in over the empty pass's errors: submitting clears them.
                    if (name, form) not in NO_WRONG_PASS and page.evaluate(WRONG, [form, PASSWORD]):
                        _check(page, f"{where} (wrong)", result)
        finally:
            context.close()
    print(
        f"\nsubmitted {len(result.forms)} forms: {result.messages} errors shown, "
        f"{len(result.marked)} submissions marked fields, in {time.monotonic() - started:.1f} s"
    )
    return result


def test_every_form_is_submitted(form_sweep: FormSweep) -> None:
    assert len(form_sweep.forms) >= 40, form_sweep.forms
    for expected in (
        "cuenta.html contact-form",
        "entrar.html login-form",
        "pagos/index.html lookup-form",
    ):
        assert expected in form_sweep.forms


def test_no_jargon_or_internal_name_is_shown(form_sweep: FormSweep) -> None:
    assert form_sweep.messages >= 40  # the sweep saw the errors it judges
    assert not form_sweep.jargon, "\n".join(form_sweep.jargon)


def test_every_message_beside_a_field_marks_it(form_sweep: FormSweep) -> None:
    assert not form_sweep.unlinked, "\n".join(form_sweep.unlinked)
    for expected in (
        "entrar.html login-form (empty)",
        "cuenta.html contact-form (wrong)",
        "registro/asegurados.html register-form (empty)",
        "prestadores/cuenta-bancaria.html bank-form (empty)",
    ):
        assert expected in form_sweep.marked


# --- the cases of the portals, one by one ----------------------------------------------------


def _invalid(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "[aria-invalid=true]", "(cs) => [...new Set(cs.map((c) => c.id || c.name))]"
    )


def _message_for(page: Any, control: str) -> str:
    described = page.get_attribute(control, "aria-describedby") or ""
    return page.locator(f"#{described.split()[0]}").inner_text()


def test_mi_cuenta_contact_data_with_a_bad_email_and_phone(
    local_stack: LocalStack, page: Any
) -> None:
    open_session(page, local_stack, _tokens(local_stack, "asegurado"), "asegurado")
    page.goto(f"{local_stack.site_url}/cuenta.html")
    page.locator("[data-profile] dd").first.wait_for()
    page.fill("#secondary_email", "ana@correo")
    page.fill("#phone", "55 1234")
    page.fill("#contact_current_password", PASSWORD)
    page.click("#contact-form button[type=submit]")
    summary = page.locator("#contact-form [data-error-summary]")
    summary.wait_for()
    assert sorted(_invalid(page)) == ["phone", "secondary_email"]
    assert _message_for(page, "#phone") == "El teléfono debe tener 10 dígitos."
    assert (
        _message_for(page, "#secondary_email")
        == "Escribe un correo válido, como nombre@ejemplo.com."
    )
    # The hint stays linked after the message.
    assert summary.locator("a").count() == 2
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    screenshot(page, "form-errors-mi-cuenta")
    # Fixing the phone clears its error and its line of the summary.
    page.fill("#phone", "55 1234 5678")
    assert _invalid(page) == ["secondary_email"]
    assert summary.locator("a").count() == 1
    summary.locator("a").click()
    assert page.evaluate("() => document.activeElement.id") == "secondary_email"


def test_a_badly_named_file_is_refused_beside_its_field(local_stack: LocalStack, page: Any) -> None:
    tokens = _tokens(local_stack, "asegurado")
    headers = {"Authorization": f"Bearer {tokens['id_token']}"}
    policy = requests.get(f"{local_stack.api_url}/v1/policy", headers=headers, timeout=10).json()
    claim = requests.post(
        f"{local_stack.api_url}/v1/claims",
        json=reimbursement(policy["members"][0]["id"]),
        headers=headers,
        timeout=10,
    ).json()
    open_session(page, local_stack, tokens, "asegurado")
    page.goto(f"{local_stack.site_url}/asegurados/tramite-nuevo.html?id={claim['id']}")
    first = page.locator("[data-kinds] input[type=file]").first
    first.wait_for()
    field_id = first.get_attribute("id")
    first.set_input_files(
        files=[
            {"name": "Factura médica #3.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
        ]
    )
    refused = page.locator(f"#{field_id}-error")
    refused.wait_for()
    assert refused.inner_text().startswith("«Factura médica #3.pdf»: ")
    assert page.get_attribute(f"#{field_id}", "aria-invalid") == "true"
    # Beside the field (in its own box), in view, not below "Generar folio".
    assert page.locator(f".field:has(#{field_id}) #{field_id}-error").count() == 1
    assert page.evaluate("(id) => document.activeElement.id === id", field_id)
    assert page.locator("[data-error]").is_hidden()
    screenshot(page, "form-errors-archivo")


def test_claim_step_one_flags_the_unticked_consent_and_clears_when_fixed(
    local_stack: LocalStack, page: Any
) -> None:
    open_session(page, local_stack, _tokens(local_stack, "asegurado"), "asegurado")
    page.goto(f"{local_stack.site_url}/asegurados/tramite-nuevo.html")
    page.locator("#member_id option").first.wait_for(state="attached")
    page.click("#claim-form button[type=submit]")
    page.locator("#consent-error").wait_for()
    assert {"type", "consent"} <= set(_invalid(page))
    page.check("#consent")
    assert page.locator("#consent-error").count() == 0
    page.select_option("#type", index=1)
    assert page.locator("#type-error").count() == 0
    assert page.get_attribute("#type", "aria-invalid") is None


def test_an_empty_log_in_and_an_empty_rfc_say_what_to_write(
    local_stack: LocalStack, page: Any
) -> None:
    page.goto(f"{local_stack.site_url}/entrar.html")
    page.click("#login-form button[type=submit]")
    page.locator("#identifier-error").wait_for()
    assert _message_for(page, "#identifier") == "Escribe tu correo electrónico, NSS o RUT."
    assert _message_for(page, "#password") == "Escribe tu contraseña."
    page.goto(f"{local_stack.site_url}/pagos/")
    page.click("#lookup-form button[type=submit]")
    page.locator("#rfc-error").wait_for()
    assert _message_for(page, "#rfc") == "Escribe el RFC."


def test_the_card_form_says_every_wrong_field(local_stack: LocalStack, page: Any) -> None:
    tokens = _tokens(local_stack, "afiliado")
    rfc = unique_rfc()
    headers = {"Authorization": f"Bearer {tokens['id_token']}"}
    plans = requests.get(f"{local_stack.api_url}/v1/plans", headers=headers, timeout=10).json()
    enrolled = requests.post(
        f"{local_stack.api_url}/v1/memberships",
        json={
            "plan_id": plans["items"][0]["id"],
            "rfc": rfc,
            "full_name": "Rosa Núñez Pérez",
            "email": "rosa.formularios@example.mx",
            "phone": "55 8765 4321",
        },
        headers=headers,
        timeout=10,
    )
    assert enrolled.status_code == 201, enrolled.text
    page.goto(f"{local_stack.site_url}/pagos/")
    page.fill("#rfc", rfc)
    page.click("#lookup-form button[type=submit]")
    page.get_by_role("button", name="Pagar con tarjeta").first.click()
    page.fill("#card-number", "4242 4242 4242 4241")
    page.fill("#card-expiry", "13/20")
    page.fill("#card-cvc", "1")
    page.click("#card-form button[type=submit]")
    page.locator("#card-form [data-error-summary]").wait_for()
    assert sorted(_invalid(page)) == ["card-cvc", "card-expiry", "card-number"]


def test_bank_account_and_password_errors_are_said_once(local_stack: LocalStack, page: Any) -> None:
    open_session(page, local_stack, _tokens(local_stack, "prestador"), "prestador")
    page.goto(f"{local_stack.site_url}/prestadores/cuenta-bancaria.html")
    page.click("#bank-form button[type=submit]")
    page.locator("#statement-error").wait_for()
    assert sorted(_invalid(page)) == ["clabe", "statement"]
    # Each said once beside its field, and listed once in the summary.
    assert page.locator("#bank-form .field-error").count() == 2
    assert page.locator("#bank-form [data-error-summary] a").count() == 2
    page.goto(f"{local_stack.site_url}/cuenta.html")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", "corta")
    page.click("#password-form button[type=submit]")
    page.locator("#new_password-error").wait_for()
    said = page.locator("#new_password-error").inner_text()
    shown = " ".join(page.evaluate(SHOWN_ERRORS))
    assert shown.count(said) == 1, shown


def test_the_settlement_detail_shows_every_column_at_1280_px_and_on_a_phone(
    local_stack: LocalStack, browser: Any
) -> None:
    tokens = _tokens(local_stack, "prestador-cl")
    headers = {"Authorization": f"Bearer {tokens['id_token']}"}
    year = time.gmtime().tm_year
    settlements = requests.get(
        f"{local_stack.api_url}/v1/settlements?year={year}", headers=headers, timeout=10
    ).json()["items"]
    folio = settlements[0]["folio"]
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(locale="es-MX", viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            open_session(page, local_stack, tokens, "prestador")
            page.goto(f"{local_stack.site_url}/prestadores/liquidacion.html?folio={folio}")
            page.locator("[data-transactions] table").wait_for()
            # Nothing of a table hides to the right of its box (no sideways scrolling).
            hidden = page.evaluate(
                "() => [...document.querySelectorAll('.table-wrap')]"
                ".filter((w) => w.scrollWidth > w.clientWidth + 1).length"
            )
            assert hidden == 0, f"a table scrolls sideways at {width} px"
            credit = page.locator("[data-transactions] tbody tr").first.locator("td").last
            assert credit.is_visible()
            assert credit.get_attribute("data-label") == "Crédito"
            # Days as the whole site writes them.
            assert re.fullmatch(
                r"\d{1,2} [a-z]{3} \d{4}",
                page.locator("[data-transactions] tbody td[data-label=Fecha]").first.inner_text(),
            )
            screenshot(page, f"liquidacion-{width}px")
        finally:
            context.close()
