"""Request and response models of clinics, agendas, family and appointments."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from chalicelib.appointments.rules import GENERAL_MEDICINE, parse_time
from chalicelib.schema import ListQuery, Page, Schema, SingleLine

Shift = Literal["matutino", "vespertino"]
AppointmentStatus = Literal["agendada", "cancelada", "atendida", "no_asistio"]


class _In(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- family ----------------------------------------------------------------------------------


class FamilyMemberOut(Schema):
    id: str
    full_name: str
    nss_masked: str
    is_self: bool
    registered: bool


class FamilyQuery(ListQuery):
    # A family is a handful of people: by default one page holds all of it.
    limit: int = Field(default=100, ge=1, le=100)


class FamilyOut(Page[FamilyMemberOut]):
    pass


# --- clinics and agendas ---------------------------------------------------------------------


class ClinicsQuery(ListQuery):
    insurer_id: SingleLine[str] | None = Field(
        default=None,
        max_length=40,
        description="Operadores de varias aseguradoras: de cuál (las demás personas la omiten)",
    )


class ClinicIn(_In):
    name: SingleLine[str] = Field(min_length=3, max_length=120, description="p. ej. UMF 20 Vallejo")
    insurer_id: SingleLine[str] | None = Field(
        default=None,
        max_length=40,
        description="Aseguradora de la clínica; por omisión, la única del operador",
    )
    address: SingleLine[str] = Field(default="", max_length=200)
    time_zone: SingleLine[str] = Field(default="America/Mexico_City", max_length=40)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("La zona horaria no existe (p. ej. America/Mexico_City).") from None
        return value


class ClinicOut(Schema):
    id: str
    name: str
    address: str
    time_zone: str
    services: list[str]


class ClinicList(Page[ClinicOut]):
    pass


class AgendaIn(_In):
    clinic_id: SingleLine[str] = Field(min_length=1, max_length=64)
    doctor: SingleLine[str] = Field(min_length=3, max_length=120)
    date: dt.date
    shift: Shift
    service: SingleLine[str] = Field(default=GENERAL_MEDICINE, max_length=60)
    slot_times: list[str] = Field(min_length=1, max_length=300, description='["08:00", …]')
    internet_quota: int = Field(ge=0, description="lugares de la agenda reservados a internet")

    @field_validator("slot_times")
    @classmethod
    def _times(cls, values: list[str]) -> list[str]:
        for value in values:
            parse_time(value)
        if len(set(values)) != len(values):
            raise ValueError("Hay horarios repetidos.")
        return sorted(values)

    @model_validator(mode="after")
    def _quota_fits(self) -> AgendaIn:
        if self.internet_quota > len(self.slot_times):
            raise ValueError("La cuota de internet no puede ser mayor que la capacidad total.")
        return self


class AgendaQuery(_In, ListQuery):
    date: dt.date
    clinic: SingleLine[str] = Field(min_length=1, max_length=64)
    service: SingleLine[str] = Field(default=GENERAL_MEDICINE, max_length=60)


class SlotOut(Schema):
    id: str
    time: str
    available: bool


class AgendaOut(Schema):
    id: str
    clinic_id: str
    clinic: str
    doctor: str
    date: dt.date
    shift: Shift
    service: str
    capacity: int
    internet_quota: int
    internet_remaining: int
    slots: list[SlotOut]


class AgendaList(Page[AgendaOut]):
    pass


# --- appointments ----------------------------------------------------------------------------


class BookingIn(_In):
    slot_id: SingleLine[str] = Field(min_length=1, max_length=64)
    patient_id: SingleLine[str] = Field(min_length=1, max_length=64)


class AppointmentOut(Schema):
    id: str
    status: AppointmentStatus
    patient_id: str
    patient_name: str
    clinic_id: str
    clinic: str
    doctor: str
    date: dt.date
    time: str
    shift: Shift
    starts_at: dt.datetime
    service: str
    cancellable: bool
    created_at: dt.datetime
    cancelled_at: dt.datetime | None = None


class AppointmentList(Page[AppointmentOut]):
    pass


class AppointmentsQuery(_In, ListQuery):
    view: Literal["proximas", "historial"] = "proximas"


class Done(Schema):
    message: str
