"""Every page of static_site/ in a browser, signed in with the role its portal needs.

One sweep visits each page twice per role's session: in a normal context, where the
Content-Security-Policy is enforced (any `securitypolicyviolation` or CSP console message is
a failure) and the forms are walked with the Tab key; and in a context created with
`bypass_csp=True`, where axe-core (node_modules, pinned in package-lock.json) is injected and
run (the CSP would refuse an injected script, DESIGN.md §7). Pages are found by globbing the
site, so a new page is checked without touching this file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.providers_helpers import open_session, shared_operator_session
from tests.fixtures.browser import screenshot
from tests.fixtures.claim_requests import reimbursement
from tests.fixtures.operators import operator_tokens, password_log_in
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "static_site"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Demo-Portal-2026"

# Who signs in for a page: its portal's folder decides; Chile's settlement pages need a
# Chilean provider; the account page takes any role.
PORTAL_ROLES = {
    "asegurados": "asegurado",
    "prestadores": "prestador",
    "afiliados": "afiliado",
    "operadores": "operador",
    "plataforma": "plataforma",
}
CHILEAN_PAGES = {
    "prestadores/cuenta-corriente.html",
    "prestadores/datos-liquidacion.html",
    "prestadores/liquidacion.html",
    "prestadores/liquidaciones.html",
    "prestadores/reportes.html",
}
ACCOUNTS = {
    "asegurado": "asegurado@demo.mx",
    "prestador": "prestador@demo.mx",
    "prestador-cl": "prestador.cl@demo.mx",
    "afiliado": "afiliado@demo.mx",
    "operador": "operador@demo.mx",
    "plataforma": "plataforma@demo.mx",
}
SIGNED_IN_ANYWHERE = {"cuenta.html": "asegurado"}

# Pages fill themselves from the API: a page is checked once no fetch has been in flight for
# 150 ms (waiting for "networkidle" costs half a second per page).
WATCH_FETCHES = """
(() => {
  let pending = 0;
  let last = performance.now();
  const original = window.fetch;
  window.fetch = (...args) => {
    pending += 1;
    last = performance.now();
    return original(...args).finally(() => { pending -= 1; last = performance.now(); });
  };
  window.__settled = () => pending === 0 && performance.now() - last > 150;
})();
"""

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""

# Controls of the visible forms, in document order; radios count once per group (Tab stops
# on one radio of a group, the arrows move within it).
MARK_CONTROLS = """() => {
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const seen = new Map();
  const controls = [];
  for (const el of document.querySelectorAll(
      "form input:not([type=hidden]), form select, form textarea, form button, form a[href]")) {
    if (!shown(el) || el.disabled || el.closest("[inert]")) continue;
    if (el.type === "radio" && seen.has(el.name)) {
      el.dataset.kb = seen.get(el.name);
      continue;
    }
    el.dataset.kb = String(controls.length);
    if (el.type === "radio") seen.set(el.name, el.dataset.kb);
    controls.push(el.id || el.name || el.textContent.trim().slice(0, 30) || el.tagName);
  }
  const positive = [...document.querySelectorAll("[tabindex]")]
    .filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 80));
  const native = "a[href], button, input, select, textarea, label, summary, details, [tabindex]";
  const clickOnly = [...document.querySelectorAll("div, span, li, td, tr, img, p")]
    .filter((el) => shown(el) && getComputedStyle(el).cursor === "pointer"
      && !el.closest(native) && !el.querySelector(native))
    .map((el) => el.outerHTML.slice(0, 80));
  // A date field takes one Tab per part (day, month, year) and one for its calendar button.
  const focusable = document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]").length
    + 3 * document.querySelectorAll("input[type=date], input[type=month], input[type=time]").length;
  return { controls, positive, clickOnly, focusable };
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  // The last Tab stop of a date field is its calendar button, inside the field's shadow
  // tree: the browser draws the ring on that button, the field itself no longer matches.
  const picker = /^(date|month|time)$/.test(el.type) && !el.matches(":focus-visible");
  const ring = picker || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  return { kb: el.dataset.kb ?? null, ring, tag: el.outerHTML.slice(0, 80) };
}"""

RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}"""


def site_pages() -> list[str]:
    return sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html"))


def role_of(page: str) -> str | None:
    if page in CHILEAN_PAGES:
        return "prestador-cl"
    if page in SIGNED_IN_ANYWHERE:
        return SIGNED_IN_ANYWHERE[page]
    return PORTAL_ROLES.get(page.split("/", 1)[0]) if "/" in page else None


@dataclass
class Sweep:
    csp: dict[str, list[str]] = field(default_factory=dict)
    axe: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    keyboard: dict[str, list[str]] = field(default_factory=dict)
    landed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def _tokens(stack: LocalStack, role: str) -> dict[str, Any]:
    if role == "operador":
        return shared_operator_session(stack)
    if role == "plataforma":  # password and TOTP, like an operator
        return operator_tokens(stack, ACCOUNTS[role])
    return password_log_in(stack, ACCOUNTS[role], PASSWORD)


def _settle(page: Any) -> None:
    page.wait_for_function(
        "() => document.readyState === 'complete' && window.__settled && window.__settled()",
        timeout=10_000,
    )


def _record_queries(stack: LocalStack) -> dict[str, str]:
    """Query strings of the pages that show one record: a draft claim of the demo asegurado
    (step 1 of a reimbursement), which the demo operator's insurer also sees; the demo
    insurer SEC for the platform's insurer page and the pages that show an insurer's face."""
    headers = {"Authorization": f"Bearer {_tokens(stack, 'asegurado')['id_token']}"}
    policy = requests.get(f"{stack.api_url}/v1/policy", headers=headers, timeout=10).json()
    titular = next(m["id"] for m in policy["members"] if m["relationship"] == "titular")
    created = requests.post(
        f"{stack.api_url}/v1/claims",
        json=reimbursement(titular),
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    query = f"?id={created.json()['id']}"
    return {
        "asegurados/tramite.html": query,
        "operadores/tramite.html": query,
        "plataforma/aseguradora.html": "?id=sec",
        # Opened for an insurer: its logo, colour and contact channels are checked too.
        "entrar.html": "?aseguradora=sec",
        "prestadores/ayuda-facturacion.html": "?aseguradora=sec",
    }


def _phase(result: Sweep, name: str, since: float) -> float:
    now = time.monotonic()
    result.phases[name] = result.phases.get(name, 0.0) + now - since
    return now


def _walk_with_tab(page: Any) -> list[str]:
    marked = page.evaluate(MARK_CONTROLS)
    problems = [f"positive tabindex: {html}" for html in marked["positive"]]
    problems += [f"clickable without keyboard: {html}" for html in marked["clickOnly"]]
    wanted = len(marked["controls"])
    if not wanted:
        return problems
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.evaluate("() => window.scrollTo(0, 0)")
    order: list[int] = []
    for _ in range(marked["focusable"] + 2):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        if not focused["ring"]:
            problems.append(f"no visible focus indicator: {focused['tag']}")
        if focused["kb"] is not None:
            index = int(focused["kb"])
            if index not in order:
                order.append(index)
            if len(order) == wanted:
                break
    missing = [marked["controls"][i] for i in range(wanted) if i not in order]
    if missing:
        problems.append(f"never reached with Tab: {missing}")
    if order != sorted(order):
        problems.append(f"Tab order differs from the form's order: {order}")
    return problems


@pytest.fixture(scope="module")
def sweep(local_stack: LocalStack, browser: Any) -> Sweep:
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    started = time.monotonic()
    result = Sweep()
    queries = _record_queries(local_stack)
    by_role: dict[str | None, list[str]] = {}
    for name in site_pages():
        by_role.setdefault(role_of(name), []).append(name)
    for role, names in by_role.items():
        tokens = _tokens(local_stack, role) if role else None
        session_role = role.split("-")[0] if role else ""
        enforced = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
        audited = browser.new_context(
            locale="es-MX", viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        try:
            for context in (enforced, audited):
                context.add_init_script(WATCH_FETCHES)
            enforced.add_init_script(WATCH_CSP)
            page = enforced.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda message, sink=console: (
                    sink.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )
            if tokens:
                open_session(page, local_stack, tokens, session_role)
            for name in names:
                console.clear()
                mark = time.monotonic()
                page.goto(f"{local_stack.site_url}/{name}{queries.get(name, '')}")
                _settle(page)
                mark = _phase(result, "load (CSP enforced)", mark)
                result.landed[name] = page.url
                violations = page.evaluate("() => window.__cspViolations || []")
                result.csp[name] = [*violations, *console]
                result.keyboard[name] = _walk_with_tab(page)
                _phase(result, "Tab walk", mark)
            checker = audited.new_page()
            if tokens:
                open_session(checker, local_stack, tokens, session_role)
            for name in names:
                mark = time.monotonic()
                checker.goto(f"{local_stack.site_url}/{name}{queries.get(name, '')}")
                _settle(checker)
                mark = _phase(result, "load (CSP bypassed)", mark)
                checker.add_script_tag(path=str(AXE))
                result.axe[name] = checker.evaluate(RUN_AXE)
                _phase(result, "axe", mark)
                if name in {"asegurados/tramite-nuevo.html", "prestadores/liquidaciones.html"}:
                    screenshot(checker, f"a11y-{name.replace('/', '-')}")
        finally:
            enforced.close()
            audited.close()
    result.seconds = time.monotonic() - started
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in result.phases.items())
    print(f"\nswept {len(result.csp)} pages in {result.seconds:.1f} s ({phases})")
    return result


def test_every_page_is_checked_signed_in_where_it_needs(sweep: Sweep) -> None:
    assert set(sweep.csp) == set(site_pages())
    redirected = {
        name: url
        for name, url in sweep.landed.items()
        if f"/{name}" not in url and name != "index.html"
    }
    assert not redirected, f"pages that sent the browser elsewhere: {redirected}"


def _by_page(found: Mapping[str, list[Any]], describe: Callable[[Any], str]) -> list[str]:
    """One line per problem found, page by page: "page: description"."""
    return [f"{name}: {describe(item)}" for name, items in sorted(found.items()) for item in items]


def test_the_csp_holds_on_every_page(sweep: Sweep) -> None:
    broken = {name: found for name, found in sweep.csp.items() if found}
    assert not broken, f"CSP violations: {broken}"


def test_no_serious_or_critical_accessibility_violations(sweep: Sweep) -> None:
    lines = _by_page(
        sweep.axe, lambda v: f"{v['id']} ({v['impact']}) {v['help']} at {', '.join(v['targets'])}"
    )
    assert not lines, "axe-core found:\n" + "\n".join(lines)


def test_every_form_is_usable_by_keyboard(sweep: Sweep) -> None:
    lines = _by_page(sweep.keyboard, str)
    assert not lines, "keyboard problems:\n" + "\n".join(lines)
