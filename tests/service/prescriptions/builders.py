"""Sick leaves as the service tests issue them: Maria's, three days, from the Vallejo clinic."""

from __future__ import annotations

from datetime import date

from chalicelib.prescriptions import service as prescriptions
from chalicelib.prescriptions.schemas import SickLeaveIn, SickLeaveOut
from tests.service.appointments.conftest import TODAY, World

MARIA_NSS = "01234567897"


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
