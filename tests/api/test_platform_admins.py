"""Platform administrators: created by the admin command, they log in with password and TOTP
like operators and are refused (403) on every route of the portals' people."""

from __future__ import annotations

import uuid

import pyotp
import pytest

import app as app_module
from chalicelib import errors
from chalicelib.http import ANY_ROLE
from tests.fixtures.platform import Platform, bearer

PASSWORD = "una frase de acceso segura 2026"
PLATFORM_ADMIN = "plataforma@demo.mx"


def test_the_admin_command_prints_and_emails_the_activation_link(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    from chalicelib.accounts import admin

    email = f"ti-{uuid.uuid4().hex[:8]}@example.mx"
    assert admin.main(["create-platform-admin", "--email", email, "--name", "Ana Ti"]) == 0
    printed = capsys.readouterr().out
    emailed = platform.emailed_link(email, "activar.html")
    assert emailed in printed

    token = emailed.split("#token=", 1)[1]
    activated = platform.post("/v1/accounts/activate", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 200, activated.text
    assert activated.json()["portal"] == "plataforma"
    challenge = platform.post(
        "/v1/auth/login", json={"identifier": email, "password": PASSWORD}
    ).json()
    assert challenge["challenge"] == "totp", challenge
    code = pyotp.TOTP(challenge["enrollment"]["secret"]).now()
    done = platform.post("/v1/auth/totp", json={"session": challenge["session"], "code": code})
    assert done.status_code == 200, done.text
    me = platform.get("/v1/me", headers=bearer(done.json())).json()
    assert (me["role"], me["insurers"], me["duties"]) == ("plataforma", [], [])

    # The same address twice is refused, and the command says so.
    assert admin.main(["create-platform-admin", "--email", email, "--name", "Otra"]) == 1


def test_a_password_alone_opens_no_session(platform: Platform) -> None:
    answer = platform.post(
        "/v1/auth/login", json={"identifier": PLATFORM_ADMIN, "password": "Demo-Portal-2026"}
    )
    assert answer.status_code == 200
    assert answer.json()["challenge"] == "totp"
    assert answer.json()["id_token"] is None


def test_a_platform_admin_is_refused_on_every_route_of_the_portals(platform: Platform) -> None:
    """Every operation whose roles leave out `plataforma` answers 403 before it reads an id
    or a body: operators', insured's, providers', affiliates', documents and data requests."""
    headers = platform.headers(PLATFORM_ADMIN)
    swept = 0
    problems = []
    for path, operations in app_module.api.openapi()["paths"].items():
        concrete = path.replace("{", "").replace("}", "")
        for method, operation in operations.items():
            roles = operation.get("x-roles")
            if not roles or "plataforma" in roles:
                continue
            body = {} if "requestBody" in operation else None
            answer = platform.request(method.upper(), concrete, json=body, headers=headers)
            swept += 1
            if answer.status_code != 403 or answer.json()["error"]["code"] != "forbidden":
                problems.append(f"{method.upper()} {path}: {answer.status_code}")
    assert not problems, "\n".join(problems)
    assert swept >= 70, swept
    # Their own account stays open to them.
    assert platform.get("/v1/me", headers=headers).status_code == 200


def test_only_the_session_and_own_account_routes_are_open_to_every_role() -> None:
    every = [
        f"{method.upper()} {path}"
        for path, operations in app_module.api.openapi()["paths"].items()
        for method, operation in operations.items()
        if tuple(operation.get("x-roles", ())) == ANY_ROLE
    ]
    assert every, "no route open to every signed-in role"
    assert all(" /v1/me" in route for route in every), every


def test_an_address_with_an_account_cannot_become_a_platform_admin(platform: Platform) -> None:
    from chalicelib.accounts import service as accounts

    with pytest.raises(errors.Conflict):
        accounts.create_platform_admin("operador@demo.mx", "OPERADORA")
