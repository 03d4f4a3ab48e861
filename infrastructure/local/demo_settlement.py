"""Demo settlement data (API.md "Local stack only"): CENTRO MEDICO DEMO SPA, RUT 76.123.456-0,
with two past settlements of this year and a week of transactions not yet settled, plus its
bank account, sick-leave records and the platform's invoices."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.auth import Principal
from chalicelib.settlement import calendar
from chalicelib.settlement import service as settlement
from infrastructure.local.demo import DemoLogin

RUT = "761234560"
INSURER = "sec"
PLACES = ("Providencia", "Las Condes", "Ñuñoa")
PAYERS = ("Fonasa", "Isapre Colmena", "Isapre Cruz Blanca")


def _week(period_end: date, prefix: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for n in range(count):
        day = period_end - timedelta(days=n % 7)
        moment = f"{day.isoformat()}T{9 + n % 9:02d}:{(7 * n) % 60:02d}:00"
        if n % 4 == 3:
            amount = rng.randrange(20_000, 400_000)
            items.append(
                {
                    "kind": "tarjeta",
                    "id": f"{prefix}-T{n:03d}",
                    "provider_rut": RUT,
                    "occurred_at": moment,
                    "card_amount": amount,
                    "installments": rng.choice((1, 3, 6, 12)),
                    "issuer_commission": amount * 15 // 1000,
                    "transaction_cost": 150,
                    "issuer_answer": "aprobada",
                    "place": PLACES[n % 3],
                }
            )
        else:
            payer = rng.randrange(10_000, 60_000)
            insurer = rng.randrange(5_000, 30_000)
            copay = rng.randrange(2_000, 15_000)
            items.append(
                {
                    "kind": "bono",
                    "id": f"{prefix}-B{n:03d}",
                    "provider_rut": RUT,
                    "occurred_at": moment,
                    "total_value": payer + insurer + copay,
                    "payer_contribution": payer,
                    "insurer_contribution": insurer,
                    "copay": copay,
                    "insurer": "SEGUROS EJEMPLO DEL CENTRO",
                    "place": PLACES[n % 3],
                    "payer": PAYERS[n % 3],
                }
            )
    return items


def _frozen(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def load() -> list[DemoLogin]:
    rng = random.Random(2026)  # noqa: S311 - demo amounts, not secrets
    operator = Principal("demo-loader", "operador", (INSURER,))
    now = clock.now()
    last_closed = calendar.last_closed_period_end(now)
    settlement.set_bank_account(
        RUT, "Banco de Chile", "Cuenta corriente", "00-123-45678-09", "CENTRO MEDICO DEMO SPA"
    )
    try:
        for weeks_back in (2, 1):
            period_end = last_closed - timedelta(days=7 * weeks_back)
            items = _week(period_end, f"D{period_end:%m%d}", 24, rng)
            settlement.load_transactions(INSURER, items)
            # The run of that week happened on the Wednesday after it, at 09:00 in Santiago.
            run_day = period_end + timedelta(days=6)
            moment = datetime(run_day.year, run_day.month, run_day.day, 12, 0, tzinfo=UTC)
            clock.set_clock(_frozen(moment))
            settlement.settle_provider(INSURER, RUT, period_end)
    finally:
        clock.set_clock(None)
    settlement.load_transactions(INSURER, _week(last_closed, f"D{last_closed:%m%d}", 30, rng))

    year = now.year
    settlement.load_platform_invoices(
        operator,
        [
            {
                "folio": f"F-{year}-{n:04d}",
                "provider_rut": RUT,
                "type": kind,
                "issued_on": f"{year}-{month:02d}-05",
                "due_on": f"{year}-{month:02d}-20",
                "total": total,
                "balance": balance,
            }
            for n, (kind, month, total, balance) in enumerate(
                [
                    ("mensualidad", 1, 59_500, 0),
                    ("transacciones_lme", 1, 12_400, 0),
                    ("comision", 2, 8_730, 8_730),
                    ("mensualidad", max(1, now.month - 1), 59_500, 59_500),
                ],
                start=1,
            )
        ],
    )
    settlement.load_lme(
        operator,
        [
            {
                "id": f"LME-{n:04d}",
                "provider_rut": RUT,
                "issued_on": (last_closed - timedelta(days=n % 20)).isoformat(),
                "validation_type": n % 3,
                "professional": ("DRA. CAMILA ROJAS", "DR. PEDRO SOTO")[n % 2],
                "place": PLACES[n % 3],
            }
            for n in range(18)
        ],
    )
    return []
