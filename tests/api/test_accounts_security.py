"""Accounts through the API in-process: answers that reveal nothing and tokens that are
refused. (That the logs never carry secrets is read from the local stack's process log, in
tests/e2e/test_accounts_security.py.)"""

from __future__ import annotations

import gzip
import os
import re
import time
import uuid
from typing import Any

import jwt
import moto.cognitoidp

from tests.fixtures import mail
from tests.fixtures.platform import Answer, Platform

DEMO_PASSWORD = "Demo-Portal-2026"
NEW_PASSWORD = "una frase larga segura"


def post(platform: Platform, path: str, body: Any, token: str | None = None) -> Answer:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return platform.post(path, json=body, headers=headers)


def register_affiliate(platform: Platform, nss: str, serial: str, email: str) -> Answer:
    body = {"nss": nss, "credential_serial": serial, "phone": "5512345678", "email": email}
    return post(platform, "/v1/accounts/affiliates", body)


def wait_for_email(platform: Platform, address: str, pattern: str, seconds: float = 20) -> str:
    return mail.wait_for_email(platform.outbox, address, pattern, seconds)


def login(platform: Platform, identifier: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    response = post(platform, "/v1/auth/login", {"identifier": identifier, "password": password})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    if result.get("challenge") == "totp":
        code = platform.totp_code(identifier)
        result = post(
            platform, "/v1/auth/totp", {"session": result["session"], "code": code}
        ).json()
    return result


def test_registration_and_reset_answers_are_identical_byte_for_byte(platform: Platform) -> None:
    insured = {
        "full_name": "Asegurado Prueba 050",
        "policy_number": "GMM-2026-0090050",
        "accept_privacy_broker": True,
        "accept_privacy_insurer": True,
    }
    cases = [
        ("/v1/accounts/insured", {**insured, "email": "nuevo050@example.mx"}),  # new
        ("/v1/accounts/insured", {**insured, "email": "otro050@example.mx"}),  # policy taken
        ("/v1/accounts/insured", {**insured, "email": "asegurado@demo.mx"}),  # email taken
        ("/v1/accounts/insured", {**insured, "policy_number": "GMM-9", "email": "x@example.mx"}),
        (
            "/v1/accounts/affiliates",
            {
                "nss": "01234567897",
                "credential_serial": "SERIE-0001",
                "phone": "5512345678",
                "email": "y@example.mx",
            },
        ),
        (
            "/v1/accounts/affiliates",
            {
                "nss": "90000000019",
                "credential_serial": "S9000000001",
                "phone": "5512345678",
                "email": "afi001@example.mx",
            },
        ),
        (
            "/v1/accounts/providers",
            {
                "country": "MX",
                "rfc": "RASJ750312H42",
                "full_name": "X",
                "email": "z@example.mx",
                "fiscal_regime": "612",
            },
        ),
        (
            "/v1/accounts/providers",
            {"country": "CL", "rut": "11.111.111-1", "full_name": "Y", "email": "cl@example.cl"},
        ),
    ]
    answers = [post(platform, path, body) for path, body in cases]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    resets = [
        post(platform, "/v1/auth/password-reset", {"identifier": identifier})
        for identifier in ("asegurado@demo.mx", "nadie@example.mx", "01234567897", "basura")
    ]
    assert {r.status_code for r in resets} == {202}
    assert len({r.content for r in resets}) == 1
    assert "ya se encuentra registrado" in wait_for_email(
        platform, "y@example.mx", r"(El número de afiliación ya se encuentra registrado)"
    )


def test_malformed_identifiers_are_422_with_the_field(platform: Platform) -> None:
    bad = post(
        platform,
        "/v1/accounts/providers",
        {
            "country": "MX",
            "rfc": "XXXX",
            "full_name": "X",
            "email": "a@b.mx",
            "fiscal_regime": "612",
        },
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "rfc"
    bad = post(
        platform,
        "/v1/accounts/affiliates",
        {"nss": "01234567898", "credential_serial": "S", "phone": "5512345678", "email": "a@b.mx"},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "nss"
    assert "último dígito" in bad.json()["error"]["details"][0]["message"]


def test_used_unknown_and_tampered_activation_tokens_change_nothing(platform: Platform) -> None:
    email = f"act-{uuid.uuid4().hex[:8]}@example.mx"
    register_affiliate(platform, "90000000027", "S9000000002", email)
    token = wait_for_email(platform, email, r"activar\.html#token=([\w-]+)")
    for bad in (token + "x", token[:-1], "desconocido", ""):
        answer = post(platform, "/v1/accounts/activate", {"token": bad, "password": NEW_PASSWORD})
        assert answer.status_code in {400, 422}
        if answer.status_code == 400:
            assert answer.json()["error"]["code"] == "token_invalid"
    assert (
        post(
            platform, "/v1/auth/login", {"identifier": email, "password": NEW_PASSWORD}
        ).status_code
        == 401
    )
    assert (
        post(
            platform, "/v1/accounts/activate", {"token": token, "password": NEW_PASSWORD}
        ).status_code
        == 200
    )
    again = post(platform, "/v1/accounts/activate", {"token": token, "password": "otra frase"})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "token_invalid"
    assert login(platform, email, NEW_PASSWORD)["role"] == "afiliado"


def _moto_private_key() -> Any:
    path = os.path.join(
        os.path.dirname(moto.cognitoidp.__file__), "resources", "jwks-private.json.gz"
    )
    return jwt.algorithms.RSAAlgorithm.from_jwk(gzip.open(path).read().decode())


def forged_tokens(valid: str) -> dict[str, str]:
    """Tokens signed with the pool's real key but wrong in one claim, and tampered ones."""
    claims = jwt.decode(valid, options={"verify_signature": False})
    key = _moto_private_key()

    def sign(**changes: Any) -> str:
        return jwt.encode({**claims, **changes}, key, algorithm="RS256", headers={"kid": "dummy"})

    header, payload, signature = valid.split(".")
    now = int(time.time())
    return {
        "expired": sign(exp=now - 60, iat=now - 3660),
        "wrong_pool": sign(iss=claims["iss"].rsplit("/", 1)[0] + "/us-east-1_otropool"),
        "wrong_client": sign(aud="otro-cliente"),
        "access_token_use": sign(token_use="access"),
        "tampered_payload": f"{header}.{payload[:-3]}abc.{signature}",
        "tampered_signature": f"{header}.{payload}.{signature[::-1]}",
        "unsigned": f"{header}.{payload}.",
        "garbage": "esto-no-es-un-token",
    }


def protected_operations(platform: Platform) -> list[tuple[str, str]]:
    document = platform.get("/v1/openapi.json").json()
    return [
        (method.upper(), re.sub(r"{[^}]+}", "00000000-0000-0000-0000-000000000000", path))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    ]


def test_every_protected_route_refuses_missing_bad_and_forged_tokens(platform: Platform) -> None:
    valid = login(platform, "asegurado@demo.mx")["id_token"]
    operations = protected_operations(platform)
    assert ("GET", "/v1/me") in operations
    tokens: dict[str, str | None] = {"none": None, **forged_tokens(valid)}
    for method, path in operations:
        for name, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = platform.request(method, path, headers=headers, json={})
            assert answer.status_code == 401, (method, path, name, answer.text)
            assert answer.json()["error"]["code"] == "unauthorized"
    assert platform.get("/v1/me", headers={"Authorization": f"Bearer {valid}"}).status_code == 200


def test_logout_ends_the_refresh_token(platform: Platform) -> None:
    session = login(platform, "prestador@demo.mx")
    refreshed = post(platform, "/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 200
    assert (
        post(platform, "/v1/auth/logout", {"refresh_token": session["refresh_token"]}).status_code
        == 204
    )
    after = post(platform, "/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
    assert after.status_code == 401


def test_throttle_answers_429_for_known_and_unknown_identifiers(platform: Platform) -> None:
    # An account of its own: the demo accounts are shared with the other tests.
    email = f"bloqueo-{uuid.uuid4().hex[:8]}@example.mx"
    register_affiliate(platform, "90000000068", "S9000000006", email)
    token = wait_for_email(platform, email, r"activar\.html#token=([\w-]+)")
    assert (
        post(platform, "/v1/accounts/activate", {"token": token, "password": NEW_PASSWORD})
    ).status_code == 200
    for identifier in (email, f"nadie-{uuid.uuid4().hex[:6]}@example.mx"):
        codes = [
            post(
                platform, "/v1/auth/login", {"identifier": identifier, "password": "equivocada"}
            ).status_code
            for _ in range(6)
        ]
        assert codes == [401] * 5 + [429]
    # Locked even with the right password, for the rest of the window.
    blocked = post(
        platform, "/v1/auth/login", {"identifier": email.upper(), "password": NEW_PASSWORD}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"
    assert "espera" in blocked.json()["error"]["message"]


def test_operator_needs_totp_and_its_token_carries_the_insurer(platform: Platform) -> None:
    first = post(
        platform,
        "/v1/auth/login",
        {"identifier": "operador.norte@demo.mx", "password": DEMO_PASSWORD},
    ).json()
    assert first["challenge"] == "totp"
    assert first["id_token"] is None
    wrong = post(platform, "/v1/auth/totp", {"session": first["session"], "code": "000000"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_code"
    done = post(
        platform,
        "/v1/auth/totp",
        {"session": first["session"], "code": platform.totp_code("operador.norte@demo.mx")},
    ).json()
    me = platform.get("/v1/me", headers={"Authorization": f"Bearer {done['id_token']}"}).json()
    assert me["role"] == "operador"
    assert me["insurers"] == ["adn"]


def test_an_approved_deletion_refuses_every_token_issued_before_on_every_route(
    platform: Platform,
) -> None:
    from chalicelib.accounts import service as accounts

    email = f"borrar-{uuid.uuid4().hex[:8]}@example.mx"
    accounts.seed_active_account("prestador", email, "PERSONA QUE SE VA", NEW_PASSWORD)
    session = login(platform, email, NEW_PASSWORD)
    token = session["id_token"]
    asked = post(platform, "/v1/me/data-requests", {"type": "deletion"}, token)
    assert asked.status_code == 202, asked.text
    operator = platform.operator_tokens()["id_token"]
    decided = post(
        platform,
        f"/v1/operator/data-requests/{asked.json()['request_id']}/decision",
        {"decision": "aprobar", "reason": ""},
        operator,
    )
    assert decided.status_code == 200, decided.text
    # SEC has no grace days: the account closes with the approval, before the schedule runs.
    for method, path in [
        ("GET", f"/v1/me/data-requests/{asked.json()['request_id']}"),
        *protected_operations(platform),
    ]:
        answer = platform.request(
            method, path, headers={"Authorization": f"Bearer {token}"}, json={}
        )
        assert answer.status_code == 401, (method, path, answer.text)
    refreshed = post(platform, "/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 401
    again = post(platform, "/v1/auth/login", {"identifier": email, "password": NEW_PASSWORD})
    assert again.status_code == 401
