"""Payments on moto in-process: two plans, an affiliate principal, the clock under control."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.notifications import service as notifications
from chalicelib.payments import service as payments
from chalicelib.payments import signatures
from chalicelib.payments.repository import Plan
from chalicelib.payments.schemas import Enrolment
from tests.fixtures.clock import Clock
from tests.service.accounts.conftest import START, Mailbox

SECRET = "whsec_test_secret"
AFFILIATE = Principal(account_id="acc-affiliate-1", role="afiliado")
OTHER = Principal(account_id="acc-affiliate-2", role="afiliado")
OPERATOR = Principal(account_id="acc-operator", role="operador", insurer_ids=("sec",))
RFC = "HERM850612KT4"
PLANS = [
    Plan("basico", "Básico Individual", 45000, ["Consulta general", "Urgencias"], insurer_id="sec"),
    Plan(
        "familiar",
        "Familiar Total",
        135000,
        ["Consulta general", "Especialistas", "Familia"],
        insurer_id="sec",
    ),
]


@pytest.fixture
def world(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    monkeypatch.setenv("PAYMENTS_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    notifications._queue_url.cache_clear()
    payments.load_plans(PLANS)
    yield Mailbox()
    notifications._queue_url.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def moved_clock() -> Iterator[Clock]:
    controlled = Clock.installed(START)
    yield controlled
    clock.set_clock(None)


def enrol(plan_id: str = "basico", email: str = "maria@example.mx") -> str:
    created = payments.enrol(
        AFFILIATE,
        Enrolment(
            plan_id=plan_id,
            rfc=RFC,
            full_name="María Guadalupe Hernández Ruiz",
            email=email,
            phone="55 1234 5678",
        ),
    )
    return created.id


def signed(body: dict[str, Any], secret: str = SECRET, at: int | None = None) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    timestamp = int(clock.now().timestamp()) if at is None else at
    return raw, signatures.sign(secret, timestamp, raw)


def confirmation(
    reference: str, amount: str, event_id: str, paid_at: str | None = None
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": "payment.succeeded",
        "reference": reference,
        "amount": {"amount": amount, "currency": "MXN"},
        "paid_at": paid_at or clock.iso(clock.now()),
        "channel": "tienda",
    }
