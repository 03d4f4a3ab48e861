"""Affiliate services on moto in-process: a registry with two families, their accounts,
an operator, a clinic with agendas, and the clock fixed on a Wednesday morning."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import AgendaIn, ClinicIn
from chalicelib.auth import Principal
from chalicelib.notifications import service as notifications
from chalicelib.registry import service as registry
from chalicelib.registry.service import AffiliateRecord
from tests.fixtures.clock import Clock
from tests.service.accounts.conftest import Mailbox

# Wednesday 25 November 2026, 11:00 in Mexico City.
START = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
PASSWORD = "una frase larga segura"
SLOTS = [f"{h:02d}:{m:02d}" for h in range(8, 14) for m in (0, 20, 40)]


@dataclass
class World:
    mail: Mailbox
    clock: Clock
    operator: Principal
    titular: Principal  # MARIA, self of family SERIE-0001
    other: Principal  # PEDRO, family SERIE-0002
    clinic_id: str

    titular_id: str = "m-maria"
    relative_id: str = "m-jose"
    other_id: str = "m-pedro"

    def agenda(
        self,
        day: date = TODAY + timedelta(days=1),
        *,
        quota: int = 3,
        doctor: str = "DRA. LAURA MEDINA",
        shift: str = "matutino",
        slots: list[str] | None = None,
    ) -> Any:
        times = slots or SLOTS
        return appointments.create_agenda(
            self.operator,
            AgendaIn(
                clinic_id=self.clinic_id,
                doctor=doctor,
                date=day,
                shift=shift,  # type: ignore[arg-type]
                slot_times=times,
                internet_quota=min(quota, len(times)),
            ),
        )


@pytest.fixture
def world(aws: dict[str, Any]) -> Iterator[World]:
    controlled = Clock.installed(START)
    notifications._queue_url.cache_clear()
    registry.load(
        [
            AffiliateRecord(
                "m-maria", "01234567897", "SERIE-0001", "MARIA GUADALUPE HERNANDEZ", "sec"
            ),
            AffiliateRecord("m-jose", "12345678903", "SERIE-0001", "JOSE LUIS HERNANDEZ", "sec"),
            AffiliateRecord("m-pedro", "90000000001", "SERIE-0002", "PEDRO RAMOS DIAZ", "sec"),
        ]
    )
    maria = accounts.seed_active_account(
        "afiliado",
        "maria@example.mx",
        "MARIA GUADALUPE HERNANDEZ",
        PASSWORD,
        # Like the demo account: no member id in the details, found by NSS.
        details={"nss": "01234567897", "credential_serial": "SERIE-0001"},
    )
    pedro = accounts.seed_active_account(
        "afiliado",
        "pedro@example.mx",
        "PEDRO RAMOS DIAZ",
        PASSWORD,
        details={"nss": "90000000001", "credential_serial": "SERIE-0002", "member_id": "m-pedro"},
    )
    operator = Principal("op-1", "operador", ("sec",))
    clinic = appointments.create_clinic(operator, ClinicIn(name="UMF 20 Vallejo"))
    yield World(
        mail=Mailbox(),
        clock=controlled,
        operator=operator,
        titular=Principal(maria, "afiliado"),
        other=Principal(pedro, "afiliado"),
        clinic_id=clinic.id,
    )
    clock.set_clock(None)
