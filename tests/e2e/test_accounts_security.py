"""Accounts over HTTP on the local stack: the logs of the stack's process never carry
secrets. (Answers that reveal nothing and refused tokens are tested in-process, in
tests/api/test_accounts_security.py.)"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
import requests

from tests.fixtures import mail
from tests.fixtures.stack import LocalStack
from tests.fixtures.totp import next_code

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Demo-Portal-2026"
DEMO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def post(stack: LocalStack, path: str, body: Any, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{stack.api_url}{path}", json=body, headers=headers, timeout=10)


def outbox(stack: LocalStack) -> list[dict[str, Any]]:
    return list(requests.get(f"{stack.site_url}/__local/outbox.json", timeout=5).json())


def wait_for_email(stack: LocalStack, address: str, pattern: str, seconds: float = 20) -> str:
    return mail.wait_for_email(lambda: outbox(stack), address, pattern, seconds)


def login(stack: LocalStack, identifier: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    response = post(stack, "/v1/auth/login", {"identifier": identifier, "password": password})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    if result.get("challenge") == "totp":
        code = next_code(identifier)
        result = post(stack, "/v1/auth/totp", {"session": result["session"], "code": code}).json()
    return result


def test_logs_of_a_whole_account_run_carry_no_secret(local_stack: LocalStack) -> None:
    email = f"logs-{uuid.uuid4().hex[:8]}@example.mx"
    nss = "90000000035"
    post(
        local_stack,
        "/v1/accounts/affiliates",
        {"nss": nss, "credential_serial": "S9000000003", "phone": "5512345678", "email": email},
    )
    token = wait_for_email(local_stack, email, r"activar\.html#token=([\w-]+)")
    password = "mi frase secreta de prueba 123"
    assert (
        post(
            local_stack, "/v1/accounts/activate", {"token": token, "password": password}
        ).status_code
        == 200
    )
    session = login(local_stack, nss, password)
    post(local_stack, "/v1/auth/login", {"identifier": nss, "password": "otra secreta 999"})
    operator = post(
        local_stack, "/v1/auth/login", {"identifier": "operador@demo.mx", "password": DEMO_PASSWORD}
    ).json()
    post(
        local_stack,
        "/v1/auth/totp",
        {"session": operator["session"], "code": next_code()},
    )
    time.sleep(1)
    # The start-up banner prints the documented demo log-ins on purpose; the rest is logs.
    log = re.sub(r"local stack ready.*?Press Ctrl-C to stop\.", "", local_stack.log(), flags=re.S)
    assert "correlation_id" in log
    for secret in (
        password,
        "otra secreta 999",
        token,
        nss,
        DEMO_TOTP,
        DEMO_PASSWORD,
        session["refresh_token"],
        session["id_token"],
        operator["session"],
    ):
        assert secret not in log, f"a secret reached the logs: {secret[:6]}…"
