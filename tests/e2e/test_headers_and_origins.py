"""Headers and origins on the local stack: the API's CORS answers only the site's origin, the
site sends its security headers on every kind of answer, and files leave S3 as attachments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from tests.fixtures.operators import bearer, password_log_in
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Demo-Portal-2026"
ANOTHER_ORIGIN = "https://portal-medico.example.net"


def _allowed_origin(response: requests.Response) -> str | None:
    return response.headers.get("Access-Control-Allow-Origin")


def _login(stack: LocalStack, email: str) -> dict[str, str]:
    return bearer(password_log_in(stack, email, PASSWORD))


def test_the_api_grants_cors_to_the_site_only(local_stack: LocalStack) -> None:
    api = local_stack.api_url
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x"}
    ours = requests.options(
        f"{api}/v1/health", headers={"Origin": local_stack.site_url, **preflight}, timeout=5
    )
    assert _allowed_origin(ours) == local_stack.site_url
    answers = {
        "preflight": requests.options(
            f"{api}/v1/health", headers={"Origin": ANOTHER_ORIGIN, **preflight}, timeout=5
        ),
        "route": requests.get(f"{api}/v1/health", headers={"Origin": ANOTHER_ORIGIN}, timeout=5),
        # Answered by the gateway, not by a view: the authorizer's 401 and an unknown route.
        "authorizer": requests.get(f"{api}/v1/me", headers={"Origin": ANOTHER_ORIGIN}, timeout=5),
        "unknown route": requests.get(
            f"{api}/v1/no-such-route", headers={"Origin": ANOTHER_ORIGIN}, timeout=5
        ),
    }
    assert answers["authorizer"].status_code == 401
    for name, answer in answers.items():
        # A fixed origin that is not the caller's is what API Gateway can answer (its OPTIONS
        # mock carries one value); the browser then refuses the other origin the answer.
        assert _allowed_origin(answer) in {None, local_stack.site_url}, name
        assert answer.headers.get("Access-Control-Allow-Credentials") != "true", name


def test_a_page_of_another_origin_cannot_read_the_api(
    local_stack: LocalStack, browser: Any
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        fetch = """async (url) => {
            try { return (await fetch(url)).status; } catch (error) { return String(error); }
        }"""
        page.goto(f"{local_stack.site_url}/index.html")
        assert page.evaluate(fetch, f"{local_stack.api_url}/v1/health") == 200
        # The same site under another host name is another origin for the browser.
        other = local_stack.site_url.replace("127.0.0.1", "localhost")
        page.goto(f"{other}/index.html")
        refused = page.evaluate(fetch, f"{local_stack.api_url}/v1/health")
        assert "Failed to fetch" in str(refused), refused
    finally:
        context.close()


def test_every_api_answer_is_not_stored_nor_sniffed(local_stack: LocalStack) -> None:
    api = local_stack.api_url
    site = {"Origin": local_stack.site_url}
    answers = {
        "route": requests.get(f"{api}/v1/health", headers=site, timeout=5),
        "route error": requests.post(
            f"{api}/v1/auth/login", data="[" * 5000, headers=site, timeout=5
        ),
        "chalice error": requests.put(f"{api}/v1/health", headers=site, timeout=5),
        # Answered by the gateway, not by a view.
        "authorizer": requests.get(f"{api}/v1/me", headers=site, timeout=5),
        "unknown route": requests.get(f"{api}/v1/no-such-route", headers=site, timeout=5),
    }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "route": 200,
        "route error": 400,
        "chalice error": 405,
        "authorizer": 401,
        "unknown route": 404,
    }
    for name, answer in answers.items():
        assert answer.headers.get("Cache-Control") == "no-store", name
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", name
        # Chalice's 405 has no CORS (on AWS the gateway answers a stray method itself).
        if name != "chalice error":
            assert _allowed_origin(answer) == local_stack.site_url, name
        assert answer.json()["error" if answer.status_code >= 400 else "status"], name


@pytest.mark.parametrize(
    "path", ["/", "/entrar.html", "/js/api.js", "/css/portal.css", "/config.js", "/no-such.html"]
)
def test_the_site_sends_its_security_headers(local_stack: LocalStack, path: str) -> None:
    answer = requests.get(f"{local_stack.site_url}{path}", timeout=5)
    headers = answer.headers
    directives = {}
    for part in headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives.get("style-src", "")
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"no-referrer", "strict-origin-when-cross-origin"}
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_files_leave_s3_as_attachments(local_stack: LocalStack) -> None:
    """The S3 answer itself (moto here) carries the disposition the presigned URL asked for."""
    api = local_stack.api_url
    affiliate = _login(local_stack, "afiliado@demo.mx")
    memberships = requests.get(f"{api}/v1/memberships", headers=affiliate, timeout=10).json()
    card = requests.get(
        f"{api}/v1/memberships/{memberships['items'][0]['id']}/card", headers=affiliate, timeout=10
    )
    assert card.status_code == 200, card.text
    provider = _login(local_stack, "prestador.cl@demo.mx")
    year = datetime.now(UTC).year
    export = requests.get(
        f"{api}/v1/reports/period",
        params={"from": f"{year}-01", "to": f"{year}-12", "format": "csv"},
        headers=provider,
        timeout=30,
    )
    assert export.status_code == 200, export.text
    for link in (card.json()["url"], export.json()["url"]):
        assert "response-content-disposition=attachment" in link
        fetched = requests.get(link, timeout=10)
        assert fetched.status_code == 200
        assert fetched.headers["Content-Disposition"].startswith("attachment; filename=")
