"""Settlement on moto in-process: two Chilean providers, an operator principal, a clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from tests.fixtures.clock import Clock

# Wednesday 25 November 2026, 09:00 in Santiago: the last closed week ended Thursday the 19th.
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RUT = "761234560"
OTHER_RUT = "111111111"


@dataclass
class World:
    clock: Clock
    operator: Principal
    provider: Principal
    other_provider: Principal


@pytest.fixture
def world(aws: dict[str, Any]) -> Iterator[World]:
    controlled = Clock.installed(START)
    provider_id = accounts.seed_active_account(
        "prestador",
        "prestador.cl@example.cl",
        "CENTRO MEDICO PRUEBA SPA",
        "una frase larga segura",
        details={"country": "CL", "rut": RUT},
    )
    other_id = accounts.seed_active_account(
        "prestador",
        "otro.cl@example.cl",
        "CLINICA OTRA SPA",
        "una frase larga segura",
        details={"country": "CL", "rut": OTHER_RUT},
    )
    yield World(
        clock=controlled,
        operator=Principal("op-1", "operador", ("sec",)),
        provider=Principal(provider_id, "prestador"),
        other_provider=Principal(other_id, "prestador"),
    )
    clock.set_clock(None)


def bono(
    transaction_id: str, occurred_at: str, insurer: int = 9000, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "bono",
        "id": transaction_id,
        "provider_rut": extra.pop("rut", "76.123.456-0"),
        "occurred_at": occurred_at,
        "total_value": str(20000 + insurer),
        "payer_contribution": "15000",
        "insurer_contribution": str(insurer),
        "copay": "5000",
        "insurer": "SEGUROS EJEMPLO",
        "place": extra.pop("place", "Providencia"),
        "payer": extra.pop("payer", "Fonasa"),
        **extra,
    }


def card(
    transaction_id: str, occurred_at: str, amount: int = 100_000, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "tarjeta",
        "id": transaction_id,
        "provider_rut": extra.pop("rut", "76.123.456-0"),
        "occurred_at": occurred_at,
        "card_amount": str(amount),
        "installments": "3",
        "issuer_commission": "1500",
        "transaction_cost": "200",
        "issuer_answer": "aprobada",
        **extra,
    }
