"""Attacks that go around our API, tried on the local stack as an attacker would.

Cognito's public endpoints need no AWS credentials: the app client id is inside every id
token we hand out, and moto's Cognito, like AWS's, answers `InitiateAuth` and
`UpdateUserAttributes` to whoever calls. moto ignores the client's secret, its auth flows and
its attribute permissions (which close these doors on AWS, pinned by the CDK assertions), so
every test here gets what Cognito hands out and asserts that our API refuses it: access comes
from our own account record and from sessions our log-in recorded, attempts are counted
atomically per account, and recovery never goes to an address its owner did not confirm.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import jwt
import pyotp
import pytest
import requests
from stdnum import luhn

from tests.e2e.test_account_journeys import emailed_link
from tests.fixtures.stack import LocalStack, create_operator
from tests.fixtures.totp import next_code

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Demo-Portal-2026"
PASSWORD = "frase del atacante 2026"
TIMEOUT = 15
# Affiliates of the demo registry that only these tests register.
AFFILIATE_BASES = iter(f"90000000{n}" for n in range(70, 76))


def call(
    stack: LocalStack, method: str, path: str, token: str | None = None, body: Any = None
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(
        method, f"{stack.api_url}{path}", json=body, headers=headers, timeout=TIMEOUT
    )


def cognito(stack: LocalStack) -> Any:
    """Cognito as anyone on the internet reaches it (moto's, here)."""
    return boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=stack.moto_url,
        aws_access_key_id="anonimo",
        aws_secret_access_key="anonimo",
    )


def claims(id_token: str) -> dict[str, Any]:
    return dict(jwt.decode(id_token, options={"verify_signature": False}))


def log_in(stack: LocalStack, identifier: str, password: str) -> dict[str, Any]:
    answer = call(
        stack, "POST", "/v1/auth/login", body={"identifier": identifier, "password": password}
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    assert "access_token" not in result  # the browser never gets one
    return result


def new_affiliate(stack: LocalStack) -> tuple[str, str]:
    """A fresh, active affiliate: (email, NSS)."""
    base = next(AFFILIATE_BASES)
    nss = base + luhn.calc_check_digit(base)
    email = f"victima-{uuid.uuid4().hex[:8]}@example.mx"
    registered = call(
        stack,
        "POST",
        "/v1/accounts/affiliates",
        body={"nss": nss, "credential_serial": f"S{base}", "phone": "5512345678", "email": email},
    )
    assert registered.status_code == 202, registered.text
    token = emailed_link(stack, email, "activar.html").split("#token=")[1]
    activated = call(
        stack, "POST", "/v1/accounts/activate", body={"token": token, "password": PASSWORD}
    )
    assert activated.status_code == 200, activated.text
    return email, nss


def new_operator(stack: LocalStack, insurers: str) -> str:
    """A fresh operator, created with the admin command and activated from its email."""
    email = f"op-{uuid.uuid4().hex[:8]}@example.mx"
    create_operator(stack, email, "Operadora Atacada", insurers)
    token = emailed_link(stack, email, "activar.html").split("#token=")[1]
    activated = call(
        stack, "POST", "/v1/accounts/activate", body={"token": token, "password": PASSWORD}
    )
    assert activated.status_code == 200, activated.text
    return email


def outbox(stack: LocalStack) -> list[dict[str, Any]]:
    return list(requests.get(f"{stack.site_url}/__local/outbox.json", timeout=5).json())


def test_rewriting_custom_insurers_through_cognito_grants_no_other_insurer(
    local_stack: LocalStack,
) -> None:
    # An ADN operator, signed in properly (password + TOTP).
    first = log_in(local_stack, "operador.norte@demo.mx", DEMO_PASSWORD)
    done = call(
        local_stack,
        "POST",
        "/v1/auth/totp",
        body={"session": first["session"], "code": next_code("operador.norte@demo.mx")},
    ).json()
    mine = claims(done["id_token"])
    client_id, username = mine["aud"], mine["cognito:username"]
    assert (
        call(local_stack, "GET", "/v1/operator/audit?insurer=sec", done["id_token"]).status_code
        == 404
    )

    # The attacker gets an access token straight from Cognito and rewrites the attribute.
    idp = cognito(local_stack)
    direct = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": DEMO_PASSWORD},
    )["AuthenticationResult"]
    idp.update_user_attributes(
        AccessToken=direct["AccessToken"],
        UserAttributes=[{"Name": "custom:insurers", "Value": "adn,sec"}],
    )
    try:
        # A refresh of the real session now carries the rewritten claim…
        refreshed = call(
            local_stack, "POST", "/v1/auth/refresh", body={"refresh_token": done["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        token = refreshed.json()["id_token"]
        assert claims(token)["custom:insurers"] == "adn,sec"
        # …and grants nothing: scope comes from our account record.
        assert call(local_stack, "GET", "/v1/operator/audit?insurer=sec", token).status_code == 404
        assert call(local_stack, "GET", "/v1/operator/claims?insurer=sec", token).status_code == 404
        assert call(local_stack, "GET", "/v1/me", token).json()["insurers"] == ["adn"]
        # The tokens Cognito handed the attacker directly are no session of ours at all.
        assert call(local_stack, "GET", "/v1/me", direct["IdToken"]).status_code == 401
    finally:
        idp_admin = boto3.client(
            "cognito-idp", region_name="us-east-1", endpoint_url=local_stack.moto_url
        )
        pool = claims(done["id_token"])["iss"].rsplit("/", 1)[1]
        idp_admin.admin_update_user_attributes(
            UserPoolId=pool,
            Username=username,
            UserAttributes=[{"Name": "custom:insurers", "Value": "adn"}],
        )


def test_password_only_tokens_from_cognito_skip_no_second_factor(local_stack: LocalStack) -> None:
    # The operator's account id is visible to other operators (audit log); the client id is
    # in any id token, an insured's included.
    insured = log_in(local_stack, "asegurado@demo.mx", DEMO_PASSWORD)
    client_id = claims(insured["id_token"])["aud"]
    operator = new_operator(local_stack, "sec")
    challenge = log_in(local_stack, operator, PASSWORD)
    assert challenge["challenge"] == "totp"
    assert challenge["id_token"] is None
    # Other operators see account ids in the audit log; here the test reads it from the pool.
    idp = cognito(local_stack)
    pool = claims(insured["id_token"])["iss"].rsplit("/", 1)[1]
    admin = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=local_stack.moto_url)
    username = next(
        user["Username"]
        for user in admin.list_users(UserPoolId=pool)["Users"]
        if {"Name": "email", "Value": operator} in user["Attributes"]
    )
    direct = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    for path in ("/v1/me", "/v1/operator/claims", "/v1/operator/audit"):
        answer = call(local_stack, "GET", path, direct["IdToken"])
        assert answer.status_code == 401, (path, answer.text)
    # Refreshing at Cognito needs the client's secret, which only the API holds (moto checks
    # it on this flow; AWS on every flow of a client with a secret).
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": direct["RefreshToken"]},
        )
    # And an insured's own password-only Cognito log-in is no session either.
    insured_id = claims(insured["id_token"])["cognito:username"]
    own = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": insured_id, "PASSWORD": DEMO_PASSWORD},
    )["AuthenticationResult"]
    assert call(local_stack, "GET", "/v1/me", own["IdToken"]).status_code == 401
    assert call(local_stack, "GET", "/v1/me", insured["id_token"]).status_code == 200


def test_concurrent_wrong_passwords_evaluate_at_most_five_for_every_identifier(
    local_stack: LocalStack,
) -> None:
    email, nss = new_affiliate(local_stack)
    passwords = ["equivocada"] * 40
    passwords[37] = PASSWORD

    def attempt(password: str) -> int:
        return call(
            local_stack,
            "POST",
            "/v1/auth/login",
            body={"identifier": email, "password": password},
        ).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(attempt, passwords))
    evaluated = [code for code in codes if code != 429]
    assert len(evaluated) <= 5, codes
    assert set(codes) <= {200, 401, 429}
    assert codes.count(429) >= 35
    # The account is locked, whichever identifier names it.
    for identifier in (nss, email.upper(), f"{nss[:4]} {nss[4:]}"):
        answer = call(
            local_stack,
            "POST",
            "/v1/auth/login",
            body={"identifier": identifier, "password": PASSWORD},
        )
        assert answer.status_code == 429, (identifier, answer.text)
        assert answer.json()["error"]["code"] == "too_many_attempts"


def test_concurrent_totp_guesses_evaluate_at_most_five_per_account(
    local_stack: LocalStack,
) -> None:
    operator = new_operator(local_stack, "sec")
    challenge = log_in(local_stack, operator, PASSWORD)
    secret = challenge["enrollment"]["secret"]
    good = pyotp.TOTP(secret).now()
    wrong = [f"{(int(good) + n) % 1_000_000:06d}" for n in range(1, 31)]

    def guess(code: str) -> int:
        return call(
            local_stack,
            "POST",
            "/v1/auth/totp",
            body={"session": challenge["session"], "code": code},
        ).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = list(pool.map(guess, wrong))
    assert codes.count(401) == 5, codes  # five evaluated (all wrong)
    assert codes.count(429) == 25, codes
    # A fresh log-in does not start a fresh count: the account's codes are locked.
    fresh = log_in(local_stack, operator, PASSWORD)
    locked = call(
        local_stack,
        "POST",
        "/v1/auth/totp",
        body={"session": fresh["session"], "code": pyotp.TOTP(fresh["enrollment"]["secret"]).now()},
    )
    assert locked.status_code == 429, locked.text
    # The owner is told, once.
    deadline = time.monotonic() + 20
    notices: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not notices:
        notices = [
            m for m in outbox(local_stack) if operator in m["to"] and "códigos" in m["subject"]
        ]
        time.sleep(0.3)
    assert len(notices) == 1


def test_secondary_email_needs_the_password_and_never_receives_recovery(
    local_stack: LocalStack,
) -> None:
    email, _ = new_affiliate(local_stack)
    session = log_in(local_stack, email, PASSWORD)
    token = session["id_token"]
    attacker = f"atacante-{uuid.uuid4().hex[:8]}@example.mx"
    # A stolen session alone changes nothing.
    for body in (
        {"secondary_email": attacker},
        {"secondary_email": attacker, "current_password": "x"},
    ):
        answer = call(local_stack, "PATCH", "/v1/me", token, body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"][0]["field"] == "current_password"
    assert call(local_stack, "POST", "/v1/me/email", token, {"email": attacker}).status_code == 422
    assert (
        call(
            local_stack,
            "POST",
            "/v1/me/password",
            token,
            {"current_password": "x", "new_password": "otra frase larga 9"},
        ).status_code
        == 422
    )
    assert call(local_stack, "GET", "/v1/me", token).json()["secondary_email_pending"] is None

    # With the password, the address waits for its owner's confirmation…
    added = call(
        local_stack,
        "PATCH",
        "/v1/me",
        token,
        {"secondary_email": attacker, "current_password": PASSWORD},
    )
    assert added.status_code == 200, added.text
    assert added.json()["secondary_email"] is None
    assert added.json()["secondary_email_pending"] == attacker
    # …and even once confirmed, recovery links go to the account's email only.
    confirm = emailed_link(local_stack, attacker, "confirmar-correo.html").split("#token=")[1]
    assert (
        call(local_stack, "POST", "/v1/me/email/confirm", body={"token": confirm}).status_code
        == 200
    )
    assert (
        call(local_stack, "POST", "/v1/auth/password-reset", body={"identifier": email}).status_code
        == 202
    )
    emailed_link(local_stack, email, "restablecer.html")
    to_attacker = [m for m in outbox(local_stack) if attacker in m["to"]]
    assert to_attacker
    assert not any("restablecer.html" in m["text"] for m in to_attacker)
    assert not any("activar.html" in m["text"] for m in to_attacker)
    # The account's email was told of the change.
    assert any(
        email in m["to"] and "correo secundario" in m["subject"] for m in outbox(local_stack)
    )


def test_a_password_change_ends_every_session_and_its_id_tokens(local_stack: LocalStack) -> None:
    email, nss = new_affiliate(local_stack)
    here = log_in(local_stack, email, PASSWORD)
    elsewhere = log_in(local_stack, nss, PASSWORD)
    for session in (here, elsewhere):
        assert call(local_stack, "GET", "/v1/me", session["id_token"]).status_code == 200
    changed = call(
        local_stack,
        "POST",
        "/v1/me/password",
        here["id_token"],
        {"current_password": PASSWORD, "new_password": "nueva frase segura 2026"},
    )
    assert changed.status_code == 200, changed.text
    for session in (here, elsewhere):
        assert call(local_stack, "GET", "/v1/me", session["id_token"]).status_code == 401
        refreshed = call(
            local_stack,
            "POST",
            "/v1/auth/refresh",
            body={"refresh_token": session["refresh_token"]},
        )
        assert refreshed.status_code == 401
    again = log_in(local_stack, email, "nueva frase segura 2026")
    assert call(local_stack, "GET", "/v1/me", again["id_token"]).status_code == 200
    # Logging out ends that session's id token at once, not only its refresh token.
    assert (
        call(
            local_stack, "POST", "/v1/auth/logout", body={"refresh_token": again["refresh_token"]}
        ).status_code
        == 204
    )
    assert call(local_stack, "GET", "/v1/me", again["id_token"]).status_code == 401
