"""Demo agendas, prescriptions and sealed sick leaves (API.md "Local stack only").

Runs after `demo_accounts` and `demo_imports`: the operators, `afiliado@demo.mx`, the
affiliate registry and its clinic (UMF-020, imported) exist. Everything is created through
the contexts' services, as an operator would.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock
from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import AgendaIn
from chalicelib.auth import Principal
from chalicelib.prescriptions import service as prescriptions
from chalicelib.prescriptions.schemas import MedicineIn, PrescriptionIn, SickLeaveIn
from infrastructure.local.demo import DemoLogin

AFFILIATE_NSS = "01234567897"
RELATIVE_NSS = "12345678903"
CLINIC = "UMF 20 Vallejo"
CLINIC_CODE = "UMF-020"
DOCTORS = (
    (
        "DRA. LAURA MEDINA SOTO",
        "matutino",
        [f"{h:02d}:{m:02d}" for h in range(8, 12) for m in (0, 20, 40)],
    ),
    (
        "DR. RAUL ORTEGA LUNA",
        "vespertino",
        [f"{h:02d}:{m:02d}" for h in range(14, 18) for m in (0, 20, 40)],
    ),
)
INTERNET_QUOTA = 6
DAYS_AHEAD = 14


def _operator() -> Principal:
    account_id = accounts.account_id_for_identifier("email", "operador@demo.mx")
    if account_id is None:
        raise RuntimeError("demo_accounts must run before demo_affiliates")
    return Principal(account_id, "operador", ("sec",))


def load() -> list[DemoLogin]:
    operator = _operator()
    today = clock.now().astimezone(ZoneInfo("America/Mexico_City")).date()

    clinic = appointments.clinics_by_code("sec", [CLINIC_CODE])[CLINIC_CODE]  # demo_imports
    for offset in range(DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:  # family medicine units book weekdays on line
            continue
        for doctor, shift, times in DOCTORS:
            appointments.create_agenda(
                operator,
                AgendaIn(
                    clinic_id=clinic.clinic_id,
                    doctor=doctor,
                    date=day,
                    shift=shift,  # type: ignore[arg-type]
                    slot_times=times,
                    internet_quota=INTERNET_QUOTA,
                ),
            )

    doctor, clinic_name = DOCTORS[0][0], CLINIC
    for nss, days_ago, medicines in (
        (
            AFFILIATE_NSS,
            12,
            [
                ("Paracetamol 500 mg tabletas", "1 tableta cada 8 horas por 5 días", 1),
                ("Loratadina 10 mg tabletas", "1 tableta cada 24 horas por 10 días", 1),
            ],
        ),
        (
            RELATIVE_NSS,
            3,
            [("Metformina 850 mg tabletas", "1 tableta con el desayuno y la cena", 2)],
        ),
    ):
        prescriptions.issue_prescription(
            operator,
            PrescriptionIn(
                nss=nss,
                doctor=doctor,
                clinic=clinic_name,
                date=today - timedelta(days=days_ago),
                medicines=[
                    MedicineIn(name=name, dose=dose, quantity=quantity)
                    for name, dose, quantity in medicines
                ],
            ),
        )

    for start, days, authorize in (
        (today - timedelta(days=10), 3, True),  # shown, printable
        (today - timedelta(days=240), 7, True),  # sealed, but older than six months
        (today - timedelta(days=1), 2, False),  # issued, waiting for authorization
    ):
        prescriptions.issue_sick_leave(
            operator,
            SickLeaveIn(
                nss=AFFILIATE_NSS,
                kind="enfermedad_general",
                start_date=start,
                days=days,
                doctor=doctor,
                clinic=clinic_name,
                authorize=authorize,
            ),
        )
    return []
