"""Agendas persistence: the only module that touches the agendas table's models.

A booking is one DynamoDB transaction with four conditions: the agenda still has internet
quota, the slot is free, the patient holds no other appointment that day, and the appointment
id is new. No interleaving of requests can exceed the quota or double-book a slot or a
patient's day. A cancellation undoes the three in one transaction too. The emails that go
with each change are staged in the same transaction (outbox).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.appointments.rules import (
    AlreadyBookedThatDay,
    QuotaExhausted,
    SlotTaken,
    slot_id,
)
from chalicelib.clock import iso
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.appointments.models import AgendaModel, AppointmentModel, ClinicModel


@dataclass(frozen=True)
class Clinic:
    clinic_id: str
    name: str
    address: str
    time_zone: str
    insurer_id: str  # the health plan operator whose unit this is (tenancy)
    code: str = ""  # the insurer's key of the clinic, when it came in a clinics import


@dataclass(frozen=True)
class Slot:
    time: str
    available: bool

    def id_in(self, agenda_id: str) -> str:
        return slot_id(agenda_id, self.time)


@dataclass(frozen=True)
class Agenda:
    agenda_id: str
    clinic_id: str
    clinic_name: str
    time_zone: str
    doctor: str
    date: str
    shift: str
    service: str
    capacity: int
    internet_quota: int
    internet_remaining: int
    insurer_id: str = ""  # the clinic's insurer: only its affiliates book here


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    status: str
    agenda_id: str
    slot_time: str
    patient_id: str
    patient_name: str
    nucleus: str
    booked_by: str
    clinic_id: str
    clinic_name: str
    doctor: str
    date: str
    shift: str
    service: str
    starts_at: str  # UTC ISO-8601
    created_at: str
    cancelled_at: str | None = None


def _clinic_key(clinic_id: str) -> tuple[str, str]:
    return f"CLINIC#{clinic_id}", "CLINIC"


def _agenda_key(agenda_id: str) -> tuple[str, str]:
    return f"AGENDA#{agenda_id}", "AGENDA"


def _slot_key(agenda_id: str, slot_time: str) -> tuple[str, str]:
    return f"AGENDA#{agenda_id}", f"SLOT#{slot_time}"


def _appointment_key(appointment_id: str) -> tuple[str, str]:
    return f"APPOINTMENT#{appointment_id}", "APPOINTMENT"


def _day_key(patient_id: str, day: str) -> tuple[str, str]:
    return f"PATIENT#{patient_id}", f"DAY#{day}"


def _to_clinic(item: ClinicModel) -> Clinic:
    # A clinic stored before insurers were kept belongs to nobody: nobody reaches it.
    return Clinic(
        item.clinic_id,
        item.name,
        item.address,
        item.time_zone,
        item.insurer_id or "",
        item.code or "",
    )


def _to_agenda(item: AgendaModel) -> Agenda:
    return dynamo.record_from(
        Agenda,
        item,
        capacity=int(item.capacity),
        internet_quota=int(item.internet_quota),
        internet_remaining=int(item.internet_remaining),
        insurer_id=item.insurer_id or "",
    )


def _to_appointment(item: AppointmentModel) -> Appointment:
    return dynamo.record_from(Appointment, item)


# --- clinics and agendas ---------------------------------------------------------------------


def _clinic_item(clinic: Clinic, created_by: str, now: datetime) -> ClinicModel:
    from chalicelib.appointments.models import ClinicModel

    pk, sk = _clinic_key(clinic.clinic_id)
    return ClinicModel(
        pk=pk,
        sk=sk,
        gsi1pk=_clinics_of(clinic.insurer_id),
        gsi1sk=f"{clinic.name.upper()}#{clinic.clinic_id}",
        created_by=created_by,
        created_at=iso(now),
        **dynamo.attributes_of(clinic, code=clinic.code or None),
    )


def create_clinic(clinic: Clinic, created_by: str, now: datetime) -> None:
    from chalicelib.appointments.models import ClinicModel

    _clinic_item(clinic, created_by, now).save(condition=ClinicModel.pk.does_not_exist())


def save_clinics(clinics: list[Clinic], loaded_by: str, now: datetime) -> None:
    """Create or replace clinics (an import), in batches."""
    from chalicelib.appointments.models import ClinicModel

    with ClinicModel.batch_write() as batch:
        for clinic in clinics:
            batch.save(_clinic_item(clinic, loaded_by, now))


def get_clinics(clinic_ids: list[str]) -> list[Clinic]:
    """The clinics among these ids, read in batches (absent ones left out)."""
    from chalicelib.appointments.models import ClinicModel

    keys = [_clinic_key(clinic_id) for clinic_id in dict.fromkeys(clinic_ids)]
    return [_to_clinic(item) for item in ClinicModel.batch_get(keys)]


def get_clinic(clinic_id: str) -> Clinic | None:
    from chalicelib.appointments.models import ClinicModel

    item = ClinicModel.find(*_clinic_key(clinic_id))
    return None if item is None else _to_clinic(item)


def _clinics_of(insurer_id: str) -> str:
    # One partition per insurer: a list is one Query over one tenant's clinics.
    return f"CLINICS#{insurer_id}"


def list_clinics(
    insurer_id: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Clinic], Any]:
    from chalicelib.appointments.models import ClinicModel

    result = ClinicModel.by_list.query(
        _clinics_of(insurer_id), limit=limit, last_evaluated_key=cursor
    )
    clinics = [_to_clinic(item) for item in result]
    return clinics, result.last_evaluated_key


class AgendaExists(errors.Conflict):
    code = "agenda_exists"
    message = "Ya existe una agenda de ese médico para esa fecha y turno en esta clínica."


def create_agenda(agenda: Agenda, slot_times: list[str], created_by: str, now: datetime) -> None:
    """The agenda, its slots and a guard that makes (clinic, date, shift, doctor) unique."""
    from chalicelib.appointments.models import AgendaModel, DayGuardModel, SlotModel

    pk, sk = _agenda_key(agenda.agenda_id)
    doctor_key = " ".join(agenda.doctor.upper().split())

    def build(transaction: TransactWrite) -> None:
        transaction.save(
            AgendaModel(
                pk=pk,
                sk=sk,
                gsi1pk=f"CLINIC#{agenda.clinic_id}#{agenda.date}",
                gsi1sk=f"{agenda.shift}#{doctor_key}#{agenda.agenda_id}",
                created_by=created_by,
                created_at=iso(now),
                **dynamo.attributes_of(agenda, internet_remaining=agenda.internet_quota),
            ),
            condition=AgendaModel.pk.does_not_exist(),
        )
        # One doctor's shift on a date is loaded once (a second load is a mistake to show).
        transaction.save(
            DayGuardModel(
                pk=f"CLINIC#{agenda.clinic_id}#{agenda.date}",
                sk=f"DOCTOR#{agenda.shift}#{doctor_key}",
                appointment_id=agenda.agenda_id,
            ),
            condition=DayGuardModel.pk.does_not_exist(),
        )

    dynamo.transact(build, conflict=AgendaExists())
    # Slots go in batches after the agenda: a transaction holds at most 100 items, and a
    # slot without its agenda can never be booked (the booking conditions on the agenda).
    with SlotModel.batch_write() as batch:
        for slot_time in slot_times:
            slot_pk, slot_sk = _slot_key(agenda.agenda_id, slot_time)
            batch.save(SlotModel(pk=slot_pk, sk=slot_sk, time=slot_time, status="libre"))


def get_agenda(agenda_id: str, *, consistent: bool = False) -> Agenda | None:
    from chalicelib.appointments.models import AgendaModel

    item = AgendaModel.find(*_agenda_key(agenda_id), consistent_read=consistent)
    return None if item is None else _to_agenda(item)


def agendas_of_day(
    clinic_id: str, day: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[tuple[Agenda, list[Slot]]], Any]:
    from chalicelib.appointments.models import AgendaModel, SlotModel

    result = AgendaModel.by_clinic_day.query(
        f"CLINIC#{clinic_id}#{day}", limit=limit, last_evaluated_key=cursor
    )
    agendas = [_to_agenda(item) for item in result]
    found: list[tuple[Agenda, list[Slot]]] = []
    for agenda in agendas:
        slots = [
            Slot(item.time, item.status == "libre")
            for item in SlotModel.query(
                _agenda_key(agenda.agenda_id)[0], SlotModel.sk.startswith("SLOT#")
            )
        ]
        found.append((agenda, slots))
    return found, result.last_evaluated_key


# --- booking and cancelling ------------------------------------------------------------------


class BookingRefused(errors.Conflict):
    """A booking condition failed; `explain_refusal` says which."""


def book(appointment: Appointment, emails: list[Email]) -> list[str]:
    """Take the quota, the slot and the patient's day, and write the appointment."""
    from chalicelib.appointments.models import (
        AgendaModel,
        AppointmentModel,
        DayGuardModel,
        SlotModel,
    )

    agenda_pk, agenda_sk = _agenda_key(appointment.agenda_id)
    slot_pk, slot_sk = _slot_key(appointment.agenda_id, appointment.slot_time)
    day_pk, day_sk = _day_key(appointment.patient_id, appointment.date)
    pk, sk = _appointment_key(appointment.appointment_id)

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AgendaModel(agenda_pk, agenda_sk),
            actions=[AgendaModel.internet_remaining.add(-1)],
            condition=AgendaModel.internet_remaining > 0,
        )
        transaction.update(
            SlotModel(slot_pk, slot_sk),
            actions=[
                SlotModel.status.set("ocupado"),
                SlotModel.appointment_id.set(appointment.appointment_id),
            ],
            condition=SlotModel.status == "libre",
        )
        transaction.save(
            DayGuardModel(pk=day_pk, sk=day_sk, appointment_id=appointment.appointment_id),
            condition=DayGuardModel.pk.does_not_exist(),
        )
        transaction.save(
            AppointmentModel(
                pk=pk,
                sk=sk,
                gsi2pk=f"NUCLEUS#{appointment.nucleus}",
                gsi2sk=f"{appointment.starts_at}#{appointment.appointment_id}",
                **dynamo.attributes_of(appointment),
            ),
            condition=AppointmentModel.pk.does_not_exist(),
        )
        return notifications.stage_emails(transaction, emails)

    try:
        return dynamo.transact(build, conflict=BookingRefused())
    except BookingRefused:
        raise explain_refusal(appointment) from None


def explain_refusal(appointment: Appointment) -> errors.DomainError:
    """Which condition refused a booking, read back consistently after the fact."""
    from chalicelib.appointments.models import DayGuardModel, SlotModel

    try:
        DayGuardModel.get(*_day_key(appointment.patient_id, appointment.date), consistent_read=True)
        return AlreadyBookedThatDay(
            f"{appointment.patient_name} ya tiene una cita agendada ese día. Solo se permite "
            "una cita por día: cancélala primero si quieres cambiar el horario."
        )
    except DayGuardModel.DoesNotExist:
        pass
    agenda = get_agenda(appointment.agenda_id, consistent=True)
    if agenda is None or agenda.internet_remaining <= 0:
        return QuotaExhausted()
    try:
        slot = SlotModel.get(
            *_slot_key(appointment.agenda_id, appointment.slot_time), consistent_read=True
        )
        if slot.status != "libre":
            return SlotTaken()
    except SlotModel.DoesNotExist:
        return errors.NotFound("Ese horario no existe. Actualiza la agenda y elige otro.")
    # Everything was free again by the time we looked (a cancellation in between).
    return errors.Conflict(
        "Mucha gente está agendando en este momento. Intenta de nuevo.", code="busy"
    )


def slot_is_free(agenda_id: str, slot_time: str) -> bool | None:
    """None when the agenda has no such slot."""
    from chalicelib.appointments.models import SlotModel

    slot = SlotModel.find(*_slot_key(agenda_id, slot_time))
    return None if slot is None else slot.status == "libre"


class AlreadyCancelled(errors.Conflict):
    code = "already_cancelled"
    message = "Esta cita ya estaba cancelada."


def cancel(appointment: Appointment, now: datetime, emails: list[Email]) -> list[str]:
    """Mark it cancelled and give back the quota, the slot and the patient's day."""
    from chalicelib.appointments.models import (
        AgendaModel,
        AppointmentModel,
        DayGuardModel,
        SlotModel,
    )

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AppointmentModel(*_appointment_key(appointment.appointment_id)),
            actions=[
                AppointmentModel.status.set("cancelada"),
                AppointmentModel.cancelled_at.set(iso(now)),
            ],
            condition=AppointmentModel.status == "agendada",
        )
        transaction.update(
            AgendaModel(*_agenda_key(appointment.agenda_id)),
            actions=[AgendaModel.internet_remaining.add(1)],
            condition=AgendaModel.internet_remaining < AgendaModel.internet_quota,
        )
        transaction.update(
            SlotModel(*_slot_key(appointment.agenda_id, appointment.slot_time)),
            actions=[SlotModel.status.set("libre"), SlotModel.appointment_id.remove()],
            condition=SlotModel.appointment_id == appointment.appointment_id,
        )
        transaction.delete(
            DayGuardModel(*_day_key(appointment.patient_id, appointment.date)),
            condition=DayGuardModel.appointment_id == appointment.appointment_id,
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=AlreadyCancelled())


def get_appointment(appointment_id: str) -> Appointment | None:
    from chalicelib.appointments.models import AppointmentModel

    item = AppointmentModel.find(*_appointment_key(appointment_id))
    return None if item is None else _to_appointment(item)


def nucleus_appointments(
    nucleus: str,
    *,
    upcoming: bool,
    now: datetime,
    limit: int,
    cursor: dict[str, Any] | None,
) -> tuple[list[Appointment], Any]:
    """Upcoming: booked and not started, soonest first. History: the rest, newest first."""
    from chalicelib.appointments.models import AppointmentModel

    moment = iso(now)
    conditions: dict[str, Any]
    if upcoming:
        conditions = {
            "range_key_condition": AppointmentModel.gsi2sk > moment,
            "filter_condition": AppointmentModel.status == "agendada",
        }
    else:
        conditions = {
            "filter_condition": (AppointmentModel.starts_at <= moment)
            | (AppointmentModel.status != "agendada"),
        }
    result = AppointmentModel.by_nucleus.query(
        f"NUCLEUS#{nucleus}",
        scan_index_forward=upcoming,
        limit=limit,
        last_evaluated_key=cursor,
        **conditions,
    )
    items = [_to_appointment(item) for item in result]
    return items, result.last_evaluated_key


def new_id() -> str:
    return uuid.uuid4().hex


# --- privacy rights (ARCO) ------------------------------------------------------------------


def anonymise_appointment(appointment: Appointment, erased: str) -> None:
    """The clinical record stays (clinic, doctor, service, dates); the patient's name, their
    registry id, the family's credential serial and who booked it go, and with them the
    patient's day item (keyed by the registry id): nothing links the visit back to them."""
    from chalicelib.appointments.models import AppointmentModel

    _forget_day(appointment)
    dynamo.update_existing(
        AppointmentModel,
        _appointment_key(appointment.appointment_id),
        [
            AppointmentModel.patient_name.set(erased),
            AppointmentModel.patient_id.set(erased),
            AppointmentModel.nucleus.set(erased),
            AppointmentModel.booked_by.set(erased),
            AppointmentModel.gsi2pk.set(f"ERASED#{appointment.appointment_id}"),
        ],
    )


def _forget_day(appointment: Appointment) -> None:
    """The patient's day item, if it still points at this appointment."""
    from chalicelib.appointments.models import DayGuardModel

    dynamo.try_write(
        DayGuardModel(*_day_key(appointment.patient_id, appointment.date)).delete,
        condition=DayGuardModel.appointment_id == appointment.appointment_id,
    )


def delete_appointment(appointment: Appointment) -> None:
    """The appointment and the patient's day item that points at it; its slot holds only the
    appointment's id."""
    from chalicelib.appointments.models import AppointmentModel

    _forget_day(appointment)
    AppointmentModel(*_appointment_key(appointment.appointment_id)).delete()
