"""An insurer's administrator runs its staff over the API (admin.sec@demo.mx, SEC): invite,
list, change duties, disable and enable, reset a TOTP and re-enrol through the emailed link;
another insurer's operators answer 404; staff sessions end after 30 idle minutes (401
`session_expired`, the refresh refused too)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from chalicelib import clock
from tests.fixtures.clock import Clock
from tests.fixtures.platform import Platform, bearer
from tests.fixtures.totp import next_code

ADMIN = "admin.sec@demo.mx"
PASSWORD = "una frase de acceso segura 2026"


def _admin(platform: Platform) -> dict[str, str]:
    return bearer(platform.operator_tokens(ADMIN))


def _invite(platform: Platform, duties: list[str]) -> tuple[str, str]:
    email = f"personal-{uuid.uuid4().hex[:8]}@example.mx"
    answer = platform.post(
        "/v1/operator/staff",
        json={"email": email, "full_name": "Persona de Prueba", "duties": duties},
        headers=_admin(platform),
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["id"], email


def _enrolled(platform: Platform, duties: list[str]) -> tuple[str, str, str, dict[str, Any]]:
    """An invited operator who activated the account and enrolled TOTP: id, email, secret,
    tokens."""
    account_id, email = _invite(platform, duties)
    token = platform.emailed_link(email, "activar.html").split("#token=", 1)[1]
    activated = platform.post("/v1/accounts/activate", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 200, activated.text
    challenge = _password(platform, email)
    secret = challenge["enrollment"]["secret"]
    return account_id, email, secret, _code(platform, challenge, email, secret)


def _password(platform: Platform, email: str) -> dict[str, Any]:
    answer = platform.post("/v1/auth/login", json={"identifier": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def _code(platform: Platform, challenge: dict[str, Any], email: str, secret: str) -> dict[str, Any]:
    """Answer the challenge with a step of `secret` no earlier answer for `email` used."""
    code = next_code(f"staff-api:{email}", secret)
    done = platform.post("/v1/auth/totp", json={"session": challenge["session"], "code": code})
    assert done.status_code == 200, done.text
    tokens: dict[str, Any] = done.json()
    return tokens


def _error(answer: Any, status: int, code: str) -> str:
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code, error
    return str(error["message"])


def test_invite_list_and_an_email_that_already_has_an_account(platform: Platform) -> None:
    account_id, email = _invite(platform, ["dictamen"])
    invitation = platform.emails_to(email, "invitaron")
    assert invitation, "no invitation email"
    assert "/activar.html#token=" in invitation[0]["text"]

    listed = platform.get("/v1/operator/staff", headers=_admin(platform))
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert "next_cursor" in page
    people = {p["email"]: p for p in page["items"]}
    assert people[email]["id"] == account_id
    assert people[email]["status"] == "pendiente"
    assert people[email]["duties"] == ["dictamen"]
    assert people["operador@demo.mx"]["status"] == "activa"
    assert "operador.norte@demo.mx" not in people  # another insurer's staff

    for taken in (email, "operador.norte@demo.mx"):
        again = platform.post(
            "/v1/operator/staff",
            json={"email": taken, "full_name": "Otra", "duties": ["finanzas"]},
            headers=_admin(platform),
        )
        message = _error(again, 409, "email_in_use")
        assert "ADN" not in message.upper()
        assert "NORTE" not in message.upper()

    bad = platform.post(
        "/v1/operator/staff",
        json={"email": "x@example.mx", "full_name": "X", "duties": ["auditoria"]},
        headers=_admin(platform),
    )
    assert bad.status_code == 422, bad.text


def test_duties_change_disable_and_enable(platform: Platform) -> None:
    account_id, email, secret, tokens = _enrolled(platform, ["dictamen"])
    headers = bearer(tokens)
    assert platform.get("/v1/operator/claims", headers=headers).status_code == 200

    changed = platform.patch(
        f"/v1/operator/staff/{account_id}", json={"duties": ["finanzas"]}, headers=_admin(platform)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["duties"] == ["finanzas"]
    assert platform.get("/v1/operator/claims", headers=headers).status_code == 403

    disabled = platform.patch(
        f"/v1/operator/staff/{account_id}", json={"active": False}, headers=_admin(platform)
    )
    assert disabled.json()["status"] == "deshabilitada"
    assert platform.get("/v1/me", headers=headers).status_code == 401
    refused = platform.post("/v1/auth/login", json={"identifier": email, "password": PASSWORD})
    assert "deshabilitada" in _error(refused, 403, "account_disabled")

    enabled = platform.patch(
        f"/v1/operator/staff/{account_id}", json={"active": True}, headers=_admin(platform)
    )
    assert enabled.json()["status"] == "activa"
    again = bearer(_code(platform, _password(platform, email), email, secret))
    assert platform.get("/v1/me", headers=again).json()["duties"] == ["finanzas"]

    audit = platform.get(
        "/v1/operator/audit", params={"subject": account_id}, headers=_admin(platform)
    ).json()["items"]
    assert {r["action"] for r in audit} == {
        "staff.invited",
        "staff.duties_changed",
        "staff.disabled",
        "staff.enabled",
        "staff.activated",
        "staff.totp_enrolled",
    }


def test_the_administrator_keeps_administration_and_other_insurers_are_not_found(
    platform: Platform,
) -> None:
    me = platform.get("/v1/me", headers=_admin(platform)).json()
    own = platform.patch(
        f"/v1/operator/staff/{me['id']}", json={"duties": ["dictamen"]}, headers=_admin(platform)
    )
    _error(own, 409, "own_account")
    _error(
        platform.patch(
            f"/v1/operator/staff/{me['id']}", json={"active": False}, headers=_admin(platform)
        ),
        409,
        "own_account",
    )

    from chalicelib.accounts import service as accounts

    north = accounts.account_id_for_email("operador.norte@demo.mx")
    assert north
    for answer in (
        platform.patch(
            f"/v1/operator/staff/{north}", json={"active": False}, headers=_admin(platform)
        ),
        platform.post(f"/v1/operator/staff/{north}/totp-reset", json={}, headers=_admin(platform)),
        platform.get("/v1/operator/staff", params={"insurer_id": "adn"}, headers=_admin(platform)),
    ):
        _error(answer, 404, "not_found")


def test_totp_reset_and_reenrolment_through_the_emailed_link(platform: Platform) -> None:
    account_id, email, old_secret, tokens = _enrolled(platform, ["dictamen"])
    reset = platform.post(
        f"/v1/operator/staff/{account_id}/totp-reset", json={}, headers=_admin(platform)
    )
    assert reset.status_code == 200, reset.text
    assert platform.get("/v1/me", headers=bearer(tokens)).status_code == 401

    alone = platform.post("/v1/auth/login", json={"identifier": email, "password": PASSWORD})
    assert "correo" in _error(alone, 403, "totp_reset_pending")

    token = platform.emailed_link(email, "reenrolar.html").split("#token=", 1)[1]
    wrong = platform.post(
        "/v1/auth/totp-reenrolment", json={"token": token, "password": "no es la contraseña"}
    )
    _error(wrong, 401, "invalid_credentials")
    started = platform.post(
        "/v1/auth/totp-reenrolment", json={"token": token, "password": PASSWORD}
    )
    assert started.status_code == 200, started.text
    challenge = started.json()
    assert challenge["challenge"] == "totp"
    new_secret = challenge["enrollment"]["secret"]
    assert new_secret != old_secret
    assert "<svg" in challenge["enrollment"]["qr_svg"]
    tokens = _code(platform, challenge, email, new_secret)
    assert platform.get("/v1/me", headers=bearer(tokens)).status_code == 200

    used = platform.post("/v1/auth/totp-reenrolment", json={"token": token, "password": PASSWORD})
    _error(used, 400, "token_invalid")


def test_an_idle_staff_session_answers_session_expired(platform: Platform) -> None:
    _, _, _, tokens = _enrolled(platform, ["dictamen"])
    moved = Clock.installed(datetime.now(UTC))
    try:
        assert platform.get("/v1/me", headers=bearer(tokens)).status_code == 200
        moved.advance(minutes=31)
        message = _error(platform.get("/v1/me", headers=bearer(tokens)), 401, "session_expired")
        assert "30 minutos" in message
        refreshed = platform.post(
            "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        _error(refreshed, 401, "session_expired")
    finally:
        clock.set_clock(None)
