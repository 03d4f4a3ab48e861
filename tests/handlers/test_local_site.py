"""The local site server renders pages through the layout, as the deployment builds them, and
keeps the standard handler's folders, 404s and security headers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infrastructure.local import site as local_site
from infrastructure.local.outbox import Outbox
from infrastructure.local.site import make_site_server
from infrastructure.site_build import render_page

SITE = Path(__file__).resolve().parents[2] / "static_site"


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    server = make_site_server(
        "127.0.0.1",
        0,
        api_url="http://127.0.0.1:1",
        connect_sources=["http://127.0.0.1:1"],
        outbox=Outbox("123456789012", "us-east-1"),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def rendered(name: str) -> str:
    return render_page((SITE / name).read_text(encoding="utf-8"), name, SITE / "_parts")


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/", "index.html"),
        ("/asegurados/", "asegurados/index.html"),
        ("/asegurados/tramites.html?folio=1", "asegurados/tramites.html"),
        ("/entrar.html", "entrar.html"),
    ],
)
def test_a_page_is_served_rendered(site_url: str, path: str, page: str) -> None:
    answer = requests.get(site_url + path, timeout=5)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.text == rendered(page)
    assert answer.text.startswith("<!doctype html>")
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_head_request_gets_the_page_length_without_a_body(site_url: str) -> None:
    answer = requests.head(site_url + "/entrar.html", timeout=5)

    assert answer.status_code == 200
    assert int(answer.headers["Content-Length"]) == len(rendered("entrar.html").encode())
    assert answer.content == b""


def test_folders_missing_pages_and_other_files_behave_as_before(site_url: str) -> None:
    folder = requests.get(site_url + "/asegurados", timeout=5, allow_redirects=False)
    missing = requests.get(site_url + "/no-existe.html", timeout=5)
    trailing = requests.get(site_url + "/entrar.html/", timeout=5)
    script = requests.get(site_url + "/js/layout.js", timeout=5)

    assert folder.status_code == 301
    assert folder.headers["Location"] == "/asegurados/"
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing.headers
    assert trailing.status_code == 404
    assert script.status_code == 200
    assert script.content == (SITE / "js" / "layout.js").read_bytes()


def test_the_shared_parts_of_pages_are_not_served(site_url: str) -> None:
    for path in ("/_parts/codigo-totp.part", "/_parts/", "/_parts/no-existe.part"):
        answer = requests.get(site_url + path, timeout=5, allow_redirects=False)
        assert answer.status_code == 404, path
    # …while the pages that include them are served whole.
    assert 'autocomplete="one-time-code"' in requests.get(site_url + "/entrar.html", timeout=5).text


def test_a_page_the_layout_cannot_render_answers_500_with_its_name(
    site_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "roto.html").write_text('<page heading="Sin título">\n</page>\n', encoding="utf-8")
    monkeypatch.setattr(local_site, "SITE_ROOT", tmp_path)

    answer = requests.get(site_url + "/roto.html", timeout=5)

    assert answer.status_code == 500
    assert "roto.html: &lt;page&gt; needs a title" in answer.text
