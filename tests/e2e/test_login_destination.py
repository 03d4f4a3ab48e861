"""After log-in the site continues only to its own portal pages: a crafted `siguiente` that a
browser reads as another host (a backslash, a tab, a scheme) lands on the role's home."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

IDENTIFIER = "asegurado@demo.mx"
PASSWORD = "Demo-Portal-2026"

# Each as it appears in the address (already percent-encoded where it has to be).
HOSTILE = [
    "/%5Cevil.example/",
    "/%09/evil.example/",
    "//evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    quote("/\\evil.example"),
    "/%5C%5Cevil.example/",
    # This site's origin but not a portal page.
    "/__local/outbox.json",
]


def test_log_in_continues_only_to_this_sites_portal_pages(
    local_stack: LocalStack, page: Any
) -> None:
    site = local_stack.site_url
    local_host = urlsplit(site).netloc
    elsewhere: list[str] = []

    def only_the_local_stack(route: Any) -> None:
        # Never reach the network; remember any attempt to leave.
        if urlsplit(route.request.url).netloc in {local_host, urlsplit(local_stack.api_url).netloc}:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_the_local_stack)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    cases = [(next_value, f"{site}/asegurados/") for next_value in HOSTILE]
    cases.append(("/asegurados/tramites.html", f"{site}/asegurados/tramites.html"))
    for next_value, expected in cases:
        page.goto(f"{site}/entrar.html?siguiente={next_value}")
        page.fill("#identifier", IDENTIFIER)
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        # On failure the assertion below says where the page went instead.
        with contextlib.suppress(PlaywrightError):
            page.wait_for_url(expected, timeout=10_000)
        assert (page.url, elsewhere, dialogs) == (expected, [], []), next_value
