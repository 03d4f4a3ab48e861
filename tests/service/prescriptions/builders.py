"""Prescriptions and sick leaves as the service tests issue them: from the Vallejo clinic, a
sick leave being Maria's, for three days."""

from __future__ import annotations

from datetime import date

from chalicelib.prescriptions import service as prescriptions
from chalicelib.prescriptions.schemas import PrescriptionIn, SickLeaveIn, SickLeaveOut
from tests.service.appointments.conftest import TODAY, World

MARIA_NSS = "01234567897"
JOSE_NSS = "12345678903"


def sick_leave_in(
    start: date = TODAY,
    *,
    authorize: bool = True,
    nss: str = MARIA_NSS,
    doctor: str = "DRA. LAURA MEDINA",
    clinic: str = "UMF 20 Vallejo",
) -> SickLeaveIn:
    return SickLeaveIn(
        nss=nss,
        kind="enfermedad_general",
        start_date=start,
        days=3,
        doctor=doctor,
        clinic=clinic,
        authorize=authorize,
    )


def issue_sick_leave(
    world: World,
    start: date = TODAY,
    *,
    authorize: bool = True,
    nss: str = MARIA_NSS,
) -> SickLeaveOut:
    return prescriptions.issue_sick_leave(
        world.operator, sick_leave_in(start, authorize=authorize, nss=nss)
    )


def prescription_in(
    nss: str = JOSE_NSS,
    *,
    medicine: dict[str, object] | None = None,
    doctor: str = "DRA. LAURA MEDINA",
    clinic: str = "UMF 20 Vallejo",
) -> PrescriptionIn:
    """Paracetamol, ten tablets, unless `medicine` names another."""
    return PrescriptionIn(
        nss=nss,
        doctor=doctor,
        clinic=clinic,
        date=TODAY,
        medicines=[
            medicine or {"name": "Paracetamol 500 mg", "dose": "1 cada 8 horas", "quantity": 10}
        ],
    )
