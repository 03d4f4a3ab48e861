"""Request and response models of prescriptions, sick leaves and their verification."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.prescriptions.rules import MAX_DAYS
from chalicelib.schema import Page, Schema, SingleLine

SickLeaveKind = Literal["enfermedad_general", "riesgo_de_trabajo", "maternidad"]
SickLeaveStatus = Literal["emitida", "autorizada", "sellada"]
NSS_PATTERN = r"^\d{11}$"


class _In(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- prescriptions ---------------------------------------------------------------------------


class Medicine(_In):
    name: str = Field(min_length=2, max_length=120, description="p. ej. Paracetamol 500 mg")
    dose: str = Field(min_length=2, max_length=200, description="p. ej. 1 tableta cada 8 horas")
    quantity: int = Field(ge=1, le=999, description="piezas o cajas a surtir")


class MedicineIn(Medicine):
    # Medicines already stored are read back through `Medicine`, which keeps accepting them.
    name: SingleLine[str] = Field(
        min_length=2, max_length=120, description="p. ej. Paracetamol 500 mg"
    )
    dose: SingleLine[str] = Field(
        min_length=2, max_length=200, description="p. ej. 1 tableta cada 8 horas"
    )


class PrescriptionIn(_In):
    nss: str = Field(pattern=NSS_PATTERN, description="NSS del paciente (11 dígitos)")
    doctor: SingleLine[str] = Field(min_length=3, max_length=120)
    clinic: SingleLine[str] = Field(min_length=3, max_length=120)
    date: dt.date
    medicines: list[MedicineIn] = Field(min_length=1, max_length=20)


class PrescriptionOut(Schema):
    id: str
    patient_id: str
    patient_name: str
    doctor: str
    clinic: str
    date: dt.date
    medicines: list[Medicine]


class PrescriptionList(Schema):
    notice: str
    items: list[PrescriptionOut]
    next_cursor: str | None = None


# --- sick leaves -----------------------------------------------------------------------------


class SickLeaveIn(_In):
    nss: str = Field(pattern=NSS_PATTERN, description="NSS del trabajador (11 dígitos)")
    kind: SickLeaveKind
    start_date: dt.date
    days: int = Field(ge=1, le=MAX_DAYS)
    doctor: SingleLine[str] = Field(min_length=3, max_length=120)
    clinic: SingleLine[str] = Field(min_length=3, max_length=120)
    authorize: bool = Field(default=False, description="autorizar y sellar al emitir")


class SickLeaveOut(Schema):
    id: str
    status: SickLeaveStatus
    patient_id: str
    patient_name: str
    kind: SickLeaveKind
    start_date: dt.date
    end_date: dt.date
    days: int
    doctor: str
    clinic: str
    issued_at: dt.datetime
    authorized_at: dt.datetime | None = None
    seal: str | None = None
    verify_url: str | None = None


class SickLeaveList(Page[SickLeaveOut]):
    pass


class FileLink(Schema):
    url: str
    expires_at: dt.datetime


class VerifyQuery(_In):
    seal: str = Field(min_length=1, max_length=400)


class SealedCertificate(Schema):
    id: str
    patient_name: str
    nss_masked: str
    kind: SickLeaveKind
    start_date: dt.date
    end_date: dt.date
    days: int
    doctor: str
    clinic: str
    authorized_at: dt.datetime


class Verification(Schema):
    valid: bool
    message: str
    certificate: SealedCertificate | None = None
