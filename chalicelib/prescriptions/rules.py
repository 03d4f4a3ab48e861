"""Sick-leave rules that need no I/O: kinds, dates, and which ones an affiliate sees."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.kernel.months import add_months

ZONE = ZoneInfo("America/Mexico_City")

# Insurance branch of a sick leave (ramo de seguro) and its label on the certificate.
KINDS: dict[str, str] = {
    "enfermedad_general": "Enfermedad general",
    "riesgo_de_trabajo": "Riesgo de trabajo",
    "maternidad": "Maternidad",
}
MAX_DAYS = 364  # a single certificate never covers more than 52 weeks

NOTICE = (
    "Esta lista es informativa y no sustituye a la receta oficial firmada por tu médico. "
    "Para surtir tus medicamentos presenta la receta original en la farmacia de tu clínica."
)


def end_date(start: date, days: int) -> date:
    """The last day covered: a 3-day leave starting on the 1st ends on the 3rd."""
    return start + timedelta(days=days - 1)


def visible_since(now: datetime, months: int) -> date:
    """The earliest start date an affiliate still sees: today (Mexico City) minus `months`."""
    return add_months(now.astimezone(ZONE).date(), -months)


def today(now: datetime) -> date:
    return now.astimezone(ZONE).date()
