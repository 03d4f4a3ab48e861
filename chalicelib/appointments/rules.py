"""Booking rules that need no I/O: services offered, shifts, slot ids, the booking window.

The numbers (days ahead that can be booked, the clinics' time zone) come from configuration
(`chalicelib.config.Settings`); this module only applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib import errors
from chalicelib.errors import ErrorDetail

# Only general medicine is booked on line; other services need a referral from it.
GENERAL_MEDICINE = "consulta_externa_general"
GENERAL_MEDICINE_LABEL = "Consulta Externa General (medicina general)"
SERVICES: dict[str, str] = {GENERAL_MEDICINE: GENERAL_MEDICINE_LABEL}

SHIFTS: tuple[str, ...] = ("matutino", "vespertino")
DEFAULT_ZONE = "America/Mexico_City"

_SLOT_ID = re.compile(r"^(?P<agenda>[0-9a-f]{32})\.(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class ServiceNotOffered(errors.InvalidInput):
    code = "service_not_offered"
    message = (
        "Por internet solo se agendan citas de Consulta Externa General (medicina general). "
        "Para una especialidad, tu médico familiar te envía con un pase; pide la cita en tu "
        "clínica."
    )


class OutsideBookingWindow(errors.Conflict):
    code = "outside_booking_window"


class QuotaExhausted(errors.Conflict):
    code = "internet_quota_exhausted"
    message = (
        "El espacio asignado para internet en la agenda de este médico ya ha sido ocupado. "
        "Es posible que aún haya lugares por otros medios: llama o acude a tu clínica, o elige "
        "otro médico u otra fecha."
    )


class SlotTaken(errors.Conflict):
    code = "slot_taken"
    message = "Ese horario acaba de ser ocupado. Elige otro horario disponible."


class AlreadyBookedThatDay(errors.Conflict):
    code = "already_booked_that_day"
    message = (
        "Esta persona ya tiene una cita agendada ese día. Solo se permite una cita por día: "
        "cancélala primero si quieres cambiar el horario."
    )


def require_general_medicine(service: str) -> None:
    """Refuse any service other than general medicine, saying why."""
    if service != GENERAL_MEDICINE:
        raise ServiceNotOffered(
            details=[
                ErrorDetail("service", "service_not_offered", ServiceNotOffered.message),
            ]
        )


def parse_time(value: str) -> time:
    """ "HH:MM" (24 h) as a time; ValueError otherwise."""
    found = _TIME.match(value)
    if not found:
        raise ValueError("La hora debe tener el formato HH:MM (24 horas).")
    return time(int(found.group(1)), int(found.group(2)))


def slot_id(agenda_id: str, slot_time: str) -> str:
    """A slot's public id: its agenda and its time, so no index is needed to find it."""
    return f"{agenda_id}.{slot_time.replace(':', '')}"


def split_slot_id(value: str) -> tuple[str, str]:
    """(agenda id, "HH:MM") of a slot id; NotFound when it cannot be one."""
    found = _SLOT_ID.match(value)
    if not found:
        raise errors.NotFound("Ese horario no existe. Actualiza la agenda y elige otro.")
    return found.group("agenda"), f"{found.group('hour')}:{found.group('minute')}"


def slot_start(day: date, slot_time: str, zone: str) -> datetime:
    """The aware instant a slot starts, in the clinic's zone."""
    return datetime.combine(day, parse_time(slot_time), tzinfo=ZoneInfo(zone))


@dataclass(frozen=True)
class BookingWindow:
    """From now until the end of the `days`-th day after today, in the clinic's zone."""

    days: int

    def last_day(self, now: datetime, zone: str) -> date:
        return now.astimezone(ZoneInfo(zone)).date() + timedelta(days=self.days)

    def check(self, start: datetime, now: datetime, zone: str) -> None:
        if start <= now:
            raise OutsideBookingWindow(
                "Ese horario ya pasó. Elige un horario posterior a la hora actual."
            )
        if start.astimezone(ZoneInfo(zone)).date() > self.last_day(now, zone):
            raise OutsideBookingWindow(
                f"Solo puedes agendar con hasta {self.days} días de anticipación. "
                "Elige una fecha más cercana."
            )


def can_cancel(start: datetime, now: datetime) -> bool:
    """An appointment can be cancelled until the moment it starts."""
    return now < start
