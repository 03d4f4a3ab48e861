"""Affiliate appointments: clinics, agendas, the family nucleus, booking and cancelling.

The only door into this context. An affiliate books for themself or for any member of
their family nucleus (the registry's `booker`: the records that share their credential
serial, registered or not); every record of the nucleus is reached through that serial,
and another nucleus's appointment answers 404.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, datetime
from typing import Any

from chalicelib import clock, dynamo, errors, paging
from chalicelib.accounts import service as accounts
from chalicelib.appointments import repository
from chalicelib.appointments.repository import Agenda, Appointment
from chalicelib.appointments.repository import Clinic as Clinic
from chalicelib.appointments.rules import (
    GENERAL_MEDICINE,
    GENERAL_MEDICINE_LABEL,
    BookingWindow,
    QuotaExhausted,
    can_cancel,
    require_general_medicine,
    slot_start,
    split_slot_id,
)
from chalicelib.appointments.schemas import (
    AgendaIn,
    AgendaList,
    AgendaOut,
    AgendaQuery,
    AppointmentList,
    AppointmentOut,
    AppointmentsQuery,
    BookingIn,
    ClinicIn,
    ClinicList,
    ClinicOut,
    ClinicsQuery,
    FamilyMemberOut,
    FamilyOut,
    SlotOut,
)
from chalicelib.auth import Principal, operator_insurer
from chalicelib.clock import iso
from chalicelib.config import get_settings
from chalicelib.insurers import service as insurers
from chalicelib.kernel import formats
from chalicelib.kernel.text import mask_nss
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.personal_data import CLINICAL, ERASED, PersonalData, Retained, Retention, purge_each
from chalicelib.registry import service as registry
from chalicelib.registry.service import Booker, Member
from chalicelib.schema import ListQuery

_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


# --- who books: the affiliate and their family nucleus ---------------------------------------


def booker(principal: Principal) -> Booker:
    """The signed-in affiliate with their nucleus, as the registry knows it."""
    account = accounts.contact(principal)
    return registry.booker(
        principal.account_id, str(account.details.get("nss") or ""), account.addresses
    )


def family(principal: Principal, *, limit: int = 100, cursor: str | None = None) -> FamilyOut:
    """The members sharing the affiliate's credential serial, registered or not (a page of
    `limit`: a family is a short list, cut in memory)."""
    who = booker(principal)
    members, next_cursor = paging.page_in_memory(who.members, limit, cursor)
    return FamilyOut(
        items=[
            FamilyMemberOut(
                id=m.member_id,
                full_name=m.full_name,
                nss_masked=mask_nss(m.nss),
                is_self=m.member_id == who.self_id,
                registered=accounts.account_id_for_identifier("nss", m.nss) is not None,
            )
            for m in members
        ],
        next_cursor=next_cursor,
    )


# --- clinics and agendas ---------------------------------------------------------------------


def _clinic_out(clinic: Clinic) -> ClinicOut:
    return ClinicOut(
        id=clinic.clinic_id,
        name=clinic.name,
        address=clinic.address,
        time_zone=clinic.time_zone,
        services=[GENERAL_MEDICINE],
    )


def _tenant(principal: Principal, insurer_id: str | None = None) -> str:
    """Whose clinics the caller sees: an operator's insurer, an affiliate's plan's insurer."""
    if principal.role == "operador":
        return operator_insurer(principal, insurer_id)
    return booker(principal).insurer_id


def _reachable_clinic(principal: Principal, clinic_id: str) -> Clinic:
    """A clinic of the caller's insurer; any other answers 404 like one that does not exist."""
    clinic = repository.get_clinic(clinic_id)
    if clinic is None or not clinic.insurer_id:
        raise errors.NotFound("Esa clínica no existe.")
    if principal.role == "operador":
        reachable = clinic.insurer_id in principal.insurer_ids
    else:
        reachable = clinic.insurer_id == booker(principal).insurer_id
    if not reachable:
        raise errors.NotFound("Esa clínica no existe.")
    return clinic


def create_clinic(principal: Principal, body: ClinicIn) -> ClinicOut:
    """A clinic (UMF) of the operator's insurer where general medicine is booked."""
    insurer_id = operator_insurer(principal, body.insurer_id)
    clinic = Clinic(repository.new_id(), body.name, body.address, body.time_zone, insurer_id)
    repository.create_clinic(clinic, principal.account_id, clock.now())
    return _clinic_out(clinic)


# The namespace of imported clinics' ids: an insurer's code names one clinic on every import.
_IMPORTED_CLINICS = uuid.UUID("6f1d2a8e-3c1b-4f5e-9a77-0b6c2d1e8f40")


def clinic_id_for(insurer_id: str, code: str) -> str:
    """The id of the clinic an insurer imports under `code` (the same on every import)."""
    return uuid.uuid5(_IMPORTED_CLINICS, f"{insurer_id}#{code}").hex


def clinics_by_code(insurer_id: str, codes: list[str]) -> dict[str, Clinic]:
    """The insurer's imported clinics among these codes (batched reads)."""
    found = repository.get_clinics([clinic_id_for(insurer_id, code) for code in codes])
    return {c.code: c for c in found if c.insurer_id == insurer_id and c.code}


def save_imported_clinics(clinics: list[Clinic], loaded_by: str) -> None:
    """Create or replace clinics an insurer imported (their ids from `clinic_id_for`)."""
    repository.save_clinics(clinics, loaded_by, clock.now())


def clinics(principal: Principal, query: ClinicsQuery | ListQuery) -> ClinicList:
    """Clinics with general medicine of the caller's insurer, by name."""
    insurer_id = _tenant(principal, getattr(query, "insurer_id", None))
    found, last = repository.list_clinics(
        insurer_id, query.limit, dynamo.decode_cursor(query.cursor)
    )
    return ClinicList(items=[_clinic_out(c) for c in found], next_cursor=dynamo.encode_cursor(last))


def _agenda_out(agenda: Agenda, slots: list[repository.Slot]) -> AgendaOut:
    return AgendaOut(
        id=agenda.agenda_id,
        clinic_id=agenda.clinic_id,
        clinic=agenda.clinic_name,
        doctor=agenda.doctor,
        date=date.fromisoformat(agenda.date),
        shift=agenda.shift,  # type: ignore[arg-type]  # stored from the validated Literal
        service=agenda.service,
        capacity=agenda.capacity,
        internet_quota=agenda.internet_quota,
        internet_remaining=agenda.internet_remaining,
        slots=[
            SlotOut(
                id=s.id_in(agenda.agenda_id),
                time=s.time,
                # A free slot cannot be booked on line once the internet share is gone.
                available=s.available and agenda.internet_remaining > 0,
            )
            for s in slots
        ],
    )


def create_agenda(principal: Principal, body: AgendaIn) -> AgendaOut:
    """A doctor's shift on a date with its slots and internet quota (operators)."""
    require_general_medicine(body.service)
    clinic = _reachable_clinic(principal, body.clinic_id)
    agenda = Agenda(
        agenda_id=repository.new_id(),
        clinic_id=clinic.clinic_id,
        clinic_name=clinic.name,
        time_zone=clinic.time_zone,
        doctor=" ".join(body.doctor.split()),
        date=body.date.isoformat(),
        shift=body.shift,
        service=body.service,
        capacity=len(body.slot_times),
        internet_quota=body.internet_quota,
        internet_remaining=body.internet_quota,
        insurer_id=clinic.insurer_id,
    )
    repository.create_agenda(agenda, body.slot_times, principal.account_id, clock.now())
    return _agenda_out(agenda, [repository.Slot(t, True) for t in body.slot_times])


def agenda(principal: Principal, query: AgendaQuery) -> AgendaList:
    """The agendas of a clinic of the caller's insurer on a date, with each slot's
    availability."""
    require_general_medicine(query.service)
    _reachable_clinic(principal, query.clinic)
    found, last = repository.agendas_of_day(
        query.clinic, query.date.isoformat(), query.limit, dynamo.decode_cursor(query.cursor)
    )
    return AgendaList(
        items=[_agenda_out(a, slots) for a, slots in found],
        next_cursor=dynamo.encode_cursor(last),
    )


# --- appointments ----------------------------------------------------------------------------


def _window() -> BookingWindow:
    return BookingWindow(days=get_settings().booking_window_days)


def _long_date(day: date) -> str:
    """`jueves 5 mar 2026`: the platform's way of writing a day, with its weekday."""
    return f"{_WEEKDAYS[day.weekday()]} {formats.day(day)}"


def _email(who: Booker, template: str, appointment: Appointment) -> Email:
    return Email(
        recipients=list(who.addresses),
        template=template,
        values={
            "patient": appointment.patient_name,
            "date": _long_date(date.fromisoformat(appointment.date)),
            "time": f"{appointment.slot_time} h",
            "clinic": appointment.clinic_name,
            "doctor": appointment.doctor,
            "service": GENERAL_MEDICINE_LABEL,
            "link": f"{get_settings().site_url}/afiliados/citas.html",
            **insurers.email_brand(who.insurer_id),
        },
    )


def _out(appointment: Appointment, now: datetime) -> AppointmentOut:
    starts = datetime.fromisoformat(appointment.starts_at)
    return AppointmentOut(
        id=appointment.appointment_id,
        status=appointment.status,  # type: ignore[arg-type]  # one of the API's values
        patient_id=appointment.patient_id,
        patient_name=appointment.patient_name,
        clinic_id=appointment.clinic_id,
        clinic=appointment.clinic_name,
        doctor=appointment.doctor,
        date=date.fromisoformat(appointment.date),
        time=appointment.slot_time,
        shift=appointment.shift,  # type: ignore[arg-type]
        starts_at=starts,
        service=appointment.service,
        cancellable=appointment.status == "agendada" and can_cancel(starts, now),
        created_at=datetime.fromisoformat(appointment.created_at),
        cancelled_at=(
            datetime.fromisoformat(appointment.cancelled_at) if appointment.cancelled_at else None
        ),
    )


def book(principal: Principal, body: BookingIn) -> AppointmentOut:
    """Book a slot for the affiliate or a member of their nucleus."""
    who = booker(principal)
    return book_for(who, who.member(body.patient_id), body.slot_id)


def book_for(who: Booker, patient: Member, slot: str) -> AppointmentOut:
    """Book `slot` for `patient` on behalf of `who` (the patient is in who's nucleus)."""
    agenda_id, slot_time = split_slot_id(slot)
    agenda_ = repository.get_agenda(agenda_id)
    # Another insurer's clinic is not the nucleus's to book: told like a slot that is gone.
    if agenda_ is None or agenda_.insurer_id != who.insurer_id:
        raise errors.NotFound("Ese horario no existe. Actualiza la agenda y elige otro.")
    now = clock.now()
    starts = slot_start(date.fromisoformat(agenda_.date), slot_time, agenda_.time_zone)
    _window().check(starts, now, agenda_.time_zone)
    # Cheap early answers; the transaction below is what guarantees them.
    if agenda_.internet_remaining <= 0:
        raise QuotaExhausted()
    appointment = Appointment(
        appointment_id=repository.new_id(),
        status="agendada",
        agenda_id=agenda_id,
        slot_time=slot_time,
        patient_id=patient.member_id,
        patient_name=patient.full_name,
        nucleus=who.nucleus,
        booked_by=who.account_id,
        clinic_id=agenda_.clinic_id,
        clinic_name=agenda_.clinic_name,
        doctor=agenda_.doctor,
        date=agenda_.date,
        shift=agenda_.shift,
        service=agenda_.service,
        starts_at=iso(starts),
        created_at=iso(now),
    )
    emails = [_email(who, "appointment_booked", appointment)] if who.addresses else []
    email_ids = repository.book(appointment, emails)
    notifications.dispatch(email_ids)
    return _out(appointment, now)


def _own(who: Booker, appointment_id: str) -> Appointment:
    appointment = repository.get_appointment(appointment_id)
    if appointment is None or appointment.nucleus != who.nucleus:
        raise errors.NotFound("No encontramos esa cita.")
    return appointment


def cancel(principal: Principal, appointment_id: str) -> AppointmentOut:
    """Cancel an appointment of the nucleus until the moment it starts."""
    return cancel_for(booker(principal), appointment_id)


def cancel_for(who: Booker, appointment_id: str) -> AppointmentOut:
    """Cancel an appointment of who's nucleus (another nucleus's answers 404)."""
    appointment = _own(who, appointment_id)
    now = clock.now()
    if appointment.status != "agendada":
        raise repository.AlreadyCancelled(
            "Esta cita ya no está agendada; no hay nada que cancelar."
        )
    if not can_cancel(datetime.fromisoformat(appointment.starts_at), now):
        raise errors.Conflict(
            "La cita ya comenzó o ya pasó; ya no se puede cancelar.", code="already_started"
        )
    emails = [_email(who, "appointment_cancelled", appointment)] if who.addresses else []
    email_ids = repository.cancel(appointment, now, emails)
    notifications.dispatch(email_ids)
    cancelled = repository.get_appointment(appointment_id)
    assert cancelled is not None
    return _out(cancelled, now)


def appointments(principal: Principal, query: AppointmentsQuery) -> AppointmentList:
    """Upcoming appointments (soonest first) or the history (newest first) of the nucleus."""
    return appointments_for(booker(principal), query)


def appointments_for(who: Booker, query: AppointmentsQuery) -> AppointmentList:
    """The appointments of who's nucleus (see `appointments`)."""
    now = clock.now()
    found, last = repository.nucleus_appointments(
        who.nucleus,
        upcoming=query.view == "proximas",
        now=now,
        limit=query.limit,
        cursor=dynamo.decode_cursor(query.cursor),
    )
    return AppointmentList(
        items=[_out(a, now) for a in found], next_cursor=dynamo.encode_cursor(last)
    )


# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """The affiliate's nucleus as the registry knows it and every appointment they see."""
    from dataclasses import asdict

    try:
        who = booker(Principal(account_id=account_id, role="afiliado"))
    except errors.DomainError:
        return PersonalData("citas", {})
    found: list[Appointment] = []
    now = clock.now()
    for upcoming in (True, False):
        cursor: Any = None
        while True:
            page, cursor = repository.nucleus_appointments(
                who.nucleus, upcoming=upcoming, now=now, limit=100, cursor=cursor
            )
            found += page
            if not cursor:
                break
    return PersonalData(
        "citas",
        {
            "nucleo_familiar": [asdict(m) for m in who.members],
            "citas": [asdict(a) for a in found],
        },
        last_activity={CLINICAL: max((a.starts_at for a in found), default="")},
    )


def erase_personal_data(account_id: str, retention: Retention) -> list[Retained]:
    """The affiliate's own appointments: those still to come are cancelled (the slot and the
    quota go back to the agenda) and deleted, as no visit took place; those past are kept
    anonymised (no name, registry id, credential serial or day item) while the clinical file
    is in its period (NOM-004-SSA3-2012, five years from the last act), deleted after. The
    family's appointments belong to each member's own file. Repeatable."""
    data = personal_data(account_id)
    if not data.records:
        return []
    try:
        self_id = booker(Principal(account_id=account_id, role="afiliado")).self_id
    except errors.DomainError:
        return []
    now = clock.now()
    own = [a for a in (Appointment(**r) for r in data.records["citas"]) if a.patient_id == self_id]
    past = []
    for appointment in own:
        if appointment.status == "agendada" and appointment.starts_at > clock.iso(now):
            # Cancelled meanwhile: nothing to give back.
            with contextlib.suppress(errors.DomainError):
                repository.cancel(appointment, now, [])
            repository.delete_appointment(appointment)
        else:
            past.append(appointment)
    last = max((a.starts_at for a in past), default=None)
    keep = retention.keeps(CLINICAL, last)
    for appointment in past:
        if keep:
            repository.anonymise_appointment(appointment, ERASED)
        else:
            repository.delete_appointment(appointment)
    if not keep or not past:
        return []
    return [
        Retained(
            what="Tus citas pasadas del expediente de tu clínica (sin tu nombre ni tu NSS)",
            category=CLINICAL,
            count=len(past),
            last_activity=last,
            ids=tuple(a.appointment_id for a in past),
        )
    ]


def purge_retained(ids: list[str]) -> int:
    """Delete the appointments a deletion kept, once the clinical file's period ended (by id:
    the account is anonymised by then). Repeatable: an id already gone counts nothing."""
    return purge_each(ids, repository.get_appointment, repository.delete_appointment)
