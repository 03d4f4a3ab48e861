"""Booking, cancelling and listing on moto in-process (GIVEN / WHEN / THEN)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import errors
from chalicelib.appointments import service as appointments
from chalicelib.appointments.rules import ServiceNotOffered
from chalicelib.appointments.schemas import AgendaQuery, AppointmentsQuery, BookingIn
from chalicelib.schema import ListQuery
from tests.service.appointments.conftest import TODAY, World


def _book(world: World, slot_id: str, patient: str | None = None) -> object:
    return appointments.book(
        world.titular, BookingIn(slot_id=slot_id, patient_id=patient or world.titular_id)
    )


def _agenda_now(world: World, day=None) -> object:  # type: ignore[no-untyped-def]
    listing = appointments.agenda(
        world.titular, AgendaQuery(date=day or TODAY + timedelta(days=1), clinic=world.clinic_id)
    )
    return listing.items[0]


def test_family_lists_the_nucleus_registered_or_not(world: World) -> None:
    family = appointments.family(world.titular).items
    assert [(m.id, m.is_self, m.registered) for m in family] == [
        ("m-maria", True, True),
        ("m-jose", False, False),
    ]
    assert family[1].nss_masked.endswith("8903")
    assert "12345678903" not in family[1].nss_masked


def test_booking_for_a_relative_takes_the_slot_and_the_quota_and_sends_an_email(
    world: World,
) -> None:
    agenda = world.agenda(quota=3)
    slot = agenda.slots[2]

    booked = _book(world, slot.id, world.relative_id)

    assert booked.status == "agendada"
    assert booked.patient_name == "JOSE LUIS HERNANDEZ"
    assert booked.time == slot.time
    now = _agenda_now(world)
    assert now.internet_remaining == 2
    assert [s.available for s in now.slots if s.id == slot.id] == [False]
    upcoming = appointments.appointments(world.titular, AppointmentsQuery(view="proximas"))
    assert [a.id for a in upcoming.items] == [booked.id]
    (email,) = world.mail.to("maria@example.mx")
    assert "JOSE LUIS HERNANDEZ" in email.body
    assert "UMF 20 Vallejo" in email.body


def test_quota_exhausted_is_explained_and_frees_slots_show_unavailable(world: World) -> None:
    agenda = world.agenda(quota=1)
    _book(world, agenda.slots[0].id)

    with pytest.raises(errors.Conflict) as refused:
        _book(world, agenda.slots[1].id, world.relative_id)

    assert refused.value.error_code == "internet_quota_exhausted"
    assert "espacio asignado para internet" in refused.value.error_message
    assert "otros medios" in refused.value.error_message
    after = _agenda_now(world)
    assert after.internet_remaining == 0
    assert not any(s.available for s in after.slots)


def test_a_taken_slot_is_refused(world: World) -> None:
    agenda = world.agenda(quota=5)
    _book(world, agenda.slots[0].id)
    with pytest.raises(errors.Conflict) as refused:
        _book(world, agenda.slots[0].id, world.relative_id)
    assert refused.value.error_code == "slot_taken"
    assert _agenda_now(world).internet_remaining == 4


def test_one_active_appointment_per_patient_per_day(world: World) -> None:
    morning = world.agenda(quota=5)
    evening = world.agenda(
        quota=2, doctor="DR. RAUL ORTEGA", shift="vespertino", slots=["15:00", "15:20"]
    )
    _book(world, morning.slots[0].id)
    with pytest.raises(errors.Conflict) as refused:
        _book(world, evening.slots[0].id)
    assert refused.value.error_code == "already_booked_that_day"
    assert "MARIA GUADALUPE HERNANDEZ" in refused.value.error_message
    # The relative may still book that day, and nothing of the refused booking remains.
    _book(world, evening.slots[0].id, world.relative_id)
    assert [
        a.internet_remaining
        for a in appointments.agenda(
            world.titular, AgendaQuery(date=TODAY + timedelta(days=1), clinic=world.clinic_id)
        ).items
    ] == [4, 1]


def test_someone_outside_the_nucleus_cannot_be_booked(world: World) -> None:
    agenda = world.agenda()
    with pytest.raises(errors.NotFound):
        _book(world, agenda.slots[0].id, world.other_id)
    with pytest.raises(errors.NotFound):
        _book(world, "no-such-slot")


def test_booking_window_and_past_slots(world: World) -> None:
    last = world.agenda(day=TODAY + timedelta(days=14))
    beyond = world.agenda(day=TODAY + timedelta(days=15))
    today = world.agenda(day=TODAY, slots=["10:40", "11:20"])  # it is 11:00 there

    _book(world, last.slots[0].id)
    with pytest.raises(errors.Conflict) as too_far:
        _book(world, beyond.slots[0].id)
    assert too_far.value.error_code == "outside_booking_window"
    assert "14 días" in too_far.value.error_message
    with pytest.raises(errors.Conflict) as past:
        _book(world, today.slots[0].id)
    assert past.value.error_code == "outside_booking_window"
    _book(world, today.slots[1].id)


def test_cancel_frees_quota_and_slot_and_lands_in_history(world: World) -> None:
    agenda = world.agenda(quota=1)
    booked = _book(world, agenda.slots[0].id)

    cancelled = appointments.cancel(world.titular, booked.id)

    assert cancelled.status == "cancelada"
    assert not cancelled.cancellable
    after = _agenda_now(world)
    assert after.internet_remaining == 1
    assert after.slots[0].available
    assert appointments.appointments(world.titular, AppointmentsQuery(view="proximas")).items == []
    history = appointments.appointments(world.titular, AppointmentsQuery(view="historial"))
    assert [(a.id, a.status) for a in history.items] == [(booked.id, "cancelada")]
    subjects = [m.subject for m in world.mail.to("maria@example.mx")]
    assert any("cancel" in s.lower() for s in subjects)
    with pytest.raises(errors.Conflict):
        appointments.cancel(world.titular, booked.id)
    # The freed place can be booked again, by the same patient the same day.
    _book(world, agenda.slots[0].id)


def test_cancel_until_the_appointment_starts_and_then_history(world: World) -> None:
    agenda = world.agenda(slots=["09:00"])
    booked = _book(world, agenda.slots[0].id)
    world.clock.advance(days=1, hours=-2)  # 09:00 in Mexico City: it starts now
    with pytest.raises(errors.Conflict) as late:
        appointments.cancel(world.titular, booked.id)
    assert late.value.error_code == "already_started"
    history = appointments.appointments(world.titular, AppointmentsQuery(view="historial"))
    assert [(a.id, a.status) for a in history.items] == [(booked.id, "agendada")]


def test_another_family_cannot_see_or_cancel(world: World) -> None:
    agenda = world.agenda()
    booked = _book(world, agenda.slots[0].id)
    with pytest.raises(errors.NotFound):
        appointments.cancel(world.other, booked.id)
    assert appointments.appointments(world.other, AppointmentsQuery()).items == []


def test_only_general_medicine(world: World) -> None:
    with pytest.raises(ServiceNotOffered) as refused:
        appointments.agenda(
            world.titular, AgendaQuery(date=TODAY, clinic=world.clinic_id, service="cardiologia")
        )
    assert "Consulta Externa General" in refused.value.error_message


def test_lists_page_with_cursors(world: World) -> None:
    for n in range(3):
        world.agenda(day=TODAY + timedelta(days=n + 1), slots=["09:00"])
    first = appointments.clinics(world.titular, ListQuery(limit=1))
    assert len(first.items) == 1
    assert (
        first.next_cursor is None
        or appointments.clinics(world.titular, ListQuery(limit=1, cursor=first.next_cursor)).items
        == []
    )
    for n in range(3):
        agenda = _agenda_now(world, TODAY + timedelta(days=n + 1))
        _book(world, agenda.slots[0].id)
    page1 = appointments.appointments(world.titular, AppointmentsQuery(limit=2))
    assert len(page1.items) == 2
    assert page1.next_cursor
    page2 = appointments.appointments(
        world.titular, AppointmentsQuery(limit=2, cursor=page1.next_cursor)
    )
    dates = [a.date for a in page1.items + page2.items]
    assert dates == sorted(dates)
    assert len(dates) == 3
    with pytest.raises(errors.BadRequest):
        appointments.appointments(
            world.titular, AppointmentsQuery(cursor=page1.next_cursor[:-2] + "xx")
        )
