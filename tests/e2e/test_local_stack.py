"""The local stack as `make run` starts it, over HTTP, in its own process."""

from __future__ import annotations

import time
from pathlib import Path

import boto3
import pytest
import requests

from tests.fixtures.stack import LocalStack, start_stack, stop_stack

pytestmark = pytest.mark.e2e


def test_health_and_openapi_answer(local_stack: LocalStack) -> None:
    response = requests.get(f"{local_stack.api_url}/v1/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["X-Correlation-Id"]
    assert requests.get(f"{local_stack.api_url}/v1/openapi.json", timeout=5).json()["paths"]


def test_unknown_route_is_a_json_404(local_stack: LocalStack) -> None:
    response = requests.get(f"{local_stack.api_url}/v1/no-existe", timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"]


def test_browser_preflight_from_the_site_is_allowed(local_stack: LocalStack) -> None:
    response = requests.options(
        f"{local_stack.api_url}/v1/health",
        headers={
            "Origin": local_stack.site_url,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == local_stack.site_url
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_site_serves_pages_and_a_config_pointing_at_the_api(local_stack: LocalStack) -> None:
    config = requests.get(f"{local_stack.site_url}/config.js", timeout=5)
    assert config.status_code == 200
    assert f'"apiUrl": "{local_stack.api_url}"' in config.text
    home = requests.get(f"{local_stack.site_url}/", timeout=5)
    assert home.status_code == 200
    assert "Asegurados" in home.text
    policy = home.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_outbox_shows_an_email_sent_through_ses(local_stack: LocalStack) -> None:
    ses = boto3.client(
        "ses",
        endpoint_url=local_stack.moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ses.send_email(
        Source="Portal Médico <no-responder@portal-medico.mx>",
        Destination={"ToAddresses": ["ana@example.mx"]},
        Message={
            "Subject": {"Data": "Activa tu cuenta"},
            "Body": {
                "Text": {"Data": "Activa tu cuenta: http://x/activar.html#token=abc"},
                "Html": {
                    "Data": "<p>Activa tu cuenta: <a href='http://x/activar.html#token=abc'>aquí</a></p>"
                },
            },
        },
    )
    emails = requests.get(f"{local_stack.site_url}/__local/outbox.json", timeout=5).json()
    newest = emails[0]
    assert newest["to"] == ["ana@example.mx"]
    assert newest["subject"] == "Activa tu cuenta"
    assert "activar.html#token=abc" in newest["text"]
    assert "<a href" in newest["html"]
    assert newest["sent_at"]
    page = requests.get(f"{local_stack.site_url}/__local/outbox", timeout=5)
    assert "Activa tu cuenta" in page.text


def test_a_port_in_use_gets_a_clear_message(local_stack: LocalStack, tmp_path: Path) -> None:
    api_port = int(local_stack.api_url.rsplit(":", 1)[1])
    log = tmp_path / "second.log"
    process = start_stack(log, api_port=api_port, site_port=1, moto_port=1, demo=False)
    try:
        process.wait(timeout=60)
    finally:
        stop_stack(process)
    assert process.returncode != 0
    assert f"Port {api_port} (API)" in log.read_text()
    assert "already in use" in log.read_text()


def test_ctrl_c_stops_a_running_stack(tmp_path: Path) -> None:
    from tests.fixtures.stack import free_port, wait_for_health

    ports = {"api_port": free_port(), "site_port": free_port(), "moto_port": free_port()}
    process = start_stack(tmp_path / "stack.log", demo=False, **ports)
    try:
        took = wait_for_health(f"http://127.0.0.1:{ports['api_port']}", process, 60)
        assert took < 30
    finally:
        started = time.monotonic()
        code = stop_stack(process)
    assert code == 0
    assert time.monotonic() - started < 15
    assert "Stopped." in (tmp_path / "stack.log").read_text()


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "CONNECT"])
def test_a_method_the_route_lacks_is_a_json_405_even_when_http_server_has_no_handler(
    local_stack: LocalStack, method: str
) -> None:
    # Found by the API fuzz: the standard library answered these with an HTML 501.
    response = requests.request(method, f"{local_stack.api_url}/v1/health", timeout=5)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "GET"
