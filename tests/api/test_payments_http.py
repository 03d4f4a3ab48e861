"""Payments through the API in-process: signed webhooks, exactly once under 20 concurrent
duplicates, anonymous look-ups that reveal nothing."""

from __future__ import annotations

import json
import secrets
import string
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from stdnum.mx import rfc as mx_rfc

from chalicelib.payments import signatures
from tests.fixtures.platform import WEBHOOK_SECRET as SECRET
from tests.fixtures.platform import Answer, Platform

DEMO_PASSWORD = "Demo-Portal-2026"


def unique_rfc() -> str:
    """A well-formed RFC nobody else in this test session uses."""
    while True:
        letters = "P" + "".join(secrets.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        birth = f"{60 + secrets.randbelow(40)}0{1 + secrets.randbelow(9)}1{secrets.randbelow(10)}"
        homoclave = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in "123")
        if mx_rfc.is_valid(letters + birth + homoclave):
            return letters + birth + homoclave


def affiliate_token(platform: Platform) -> str:
    response = platform.post(
        "/v1/auth/login", json={"identifier": "afiliado@demo.mx", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id_token"])


def new_membership(platform: Platform, email: str, rfc: str) -> dict[str, Any]:
    token = affiliate_token(platform)
    plans = platform.get("/v1/plans").json()["items"]
    basic = next(p for p in plans if p["name"] == "Básico Individual")
    response = platform.post(
        "/v1/memberships",
        json={
            "plan_id": basic["id"],
            "rfc": rfc,
            "full_name": "Prueba Pagos Concurrentes",
            "email": email,
            "phone": "5512345678",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return {"token": token, **response.json()}


def reference(platform: Platform, membership_id: str, method: str, months: int) -> dict[str, Any]:
    response = platform.post(
        f"/v1/memberships/{membership_id}/payment-references",
        json={"method": method, "months": months},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def send_webhook(
    platform: Platform, body: dict[str, Any], secret: str = SECRET, at: int | None = None
) -> Answer:
    raw = json.dumps(body).encode()
    header = signatures.sign(secret, at if at is not None else int(time.time()), raw)
    return platform.post(
        "/v1/webhooks/payments",
        data=raw,
        headers={"Content-Type": "application/json", "X-Signature": header},
    )


def event(ref: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": "payment.succeeded",
        "reference": ref["reference"],
        "amount": ref["amount"],
        "paid_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "channel": ref["method"],
    }


def membership(platform: Platform, token: str, membership_id: str) -> dict[str, Any]:
    response = platform.get(
        f"/v1/memberships/{membership_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def emails_to(platform: Platform, address: str, subject: str) -> list[Any]:
    """The emails to `address` with `subject` in their subject, once the queues are empty."""
    return [m for m in platform.outbox() if address in m["to"] and subject in m["subject"]]


def test_twenty_concurrent_identical_webhooks_apply_once(platform: Platform) -> None:
    email = f"pago-{uuid.uuid4().hex[:8]}@example.mx"
    created = new_membership(platform, email, unique_rfc())
    ref = reference(platform, created["id"], "tienda", 2)
    body = event(ref, f"evt_{uuid.uuid4().hex}")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: send_webhook(platform, body), range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    outcomes = sorted(a.json()["outcome"] for a in answers)
    assert outcomes == ["aplicado"] + ["duplicado"] * 19
    found = membership(platform, created["token"], created["id"])
    assert found["status"] == "al_corriente"
    assert len(found["payments"]) == 1
    assert found["payments"][0]["amount"] == {"amount": "900.00", "currency": "MXN"}
    # The outbox consumer has run on everything queued: any duplicate would be sent by now.
    assert len(emails_to(platform, email, "Recibimos tu pago")) == 1


def test_twenty_concurrent_events_for_one_reference_pay_it_once(platform: Platform) -> None:
    email = f"pago-{uuid.uuid4().hex[:8]}@example.mx"
    created = new_membership(platform, email, unique_rfc())
    ref = reference(platform, created["id"], "banco", 1)
    bodies = [event(ref, f"evt_{uuid.uuid4().hex}") for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda b: send_webhook(platform, b), bodies))
    assert [a.status_code for a in answers] == [200] * 20
    outcomes = sorted(a.json()["outcome"] for a in answers)
    assert outcomes == ["aplicado"] + ["excepcion"] * 19
    found = membership(platform, created["token"], created["id"])
    assert len(found["payments"]) == 1


def test_bad_signatures_answer_401_and_change_nothing(platform: Platform) -> None:
    email = f"pago-{uuid.uuid4().hex[:8]}@example.mx"
    created = new_membership(platform, email, unique_rfc())
    ref = reference(platform, created["id"], "tienda", 1)
    body = event(ref, f"evt_{uuid.uuid4().hex}")
    wrong = send_webhook(platform, body, secret="whsec_not_ours")
    stale = send_webhook(platform, body, at=int(time.time()) - 400)
    raw = json.dumps(body).encode()
    header = signatures.sign(SECRET, int(time.time()), raw)
    tampered = platform.post(
        "/v1/webhooks/payments",
        data=raw.replace(b'"450.00"', b'"45.00"'),
        headers={"Content-Type": "application/json", "X-Signature": header},
    )
    missing = platform.post("/v1/webhooks/payments", json=body)
    for answer in (wrong, stale, tampered, missing):
        assert answer.status_code == 401, answer.text
        assert answer.json()["error"]["code"] == "bad_signature"
    assert membership(platform, created["token"], created["id"])["status"] == "pendiente"
    # The genuine one still works, once; its replay (same event) is acknowledged and ignored.
    assert send_webhook(platform, body).json()["outcome"] == "aplicado"
    assert send_webhook(platform, body).json()["outcome"] == "duplicado"


def test_lookup_of_an_unknown_rfc_looks_like_nothing_due(platform: Platform) -> None:
    def lookup(rfc: str) -> Answer:
        return platform.post("/v1/payments/lookup", json={"rfc": rfc})

    unknown = lookup(unique_rfc())
    assert unknown.status_code == 200
    assert unknown.json()["items"] == []
    known = lookup("HERM800315QX7")  # the demo affiliate's membership
    assert known.status_code == 200
    assert set(known.json()) == set(unknown.json())
    assert known.json()["message"] == unknown.json()["message"]
    [item] = [i for i in known.json()["items"] if i["plan"] == "Familiar Total"]
    assert item["member_name"] == "MA*** GU*** HE*** RU***"
    assert "HERNANDEZ" not in known.text
    malformed = lookup("no es un rfc")
    assert malformed.status_code == 422
    assert malformed.json()["error"]["details"][0]["field"] == "rfc"
