"""Tenancy: clinics belong to an insurer; an operator of another insurer is told they do not
exist, and every list is one insurer's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import errors
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import (
    AgendaIn,
    AgendaQuery,
    BookingIn,
    ClinicIn,
    ClinicsQuery,
)
from chalicelib.auth import Principal
from tests.service.appointments.conftest import TODAY, World

NORTE = Principal("op-norte", "operador", ("adn",))
BOTH = Principal("op-both", "operador", ("sec", "adn"))


def _agenda_in(clinic_id: str) -> AgendaIn:
    return AgendaIn(
        clinic_id=clinic_id,
        doctor="DR. OTRA ASEGURADORA",
        date=TODAY + timedelta(days=1),
        shift="matutino",
        slot_times=["09:00"],
        internet_quota=1,
    )


def test_another_insurers_operator_cannot_load_agendas_or_read_them(world: World) -> None:
    with pytest.raises(errors.NotFound) as refused:
        appointments.create_agenda(NORTE, _agenda_in(world.clinic_id))
    with pytest.raises(errors.NotFound) as unknown:
        appointments.create_agenda(NORTE, _agenda_in("no-existe"))
    assert refused.value.error_message == unknown.value.error_message
    with pytest.raises(errors.NotFound):
        appointments.agenda(NORTE, AgendaQuery(date=TODAY, clinic=world.clinic_id))
    # The clinic's own operator still works.
    created = appointments.create_agenda(world.operator, _agenda_in(world.clinic_id))
    assert created.clinic_id == world.clinic_id


def test_clinic_lists_are_per_insurer(world: World) -> None:
    norte = appointments.create_clinic(NORTE, ClinicIn(name="UMF Norte 1"))
    assert [c.id for c in appointments.clinics(NORTE, ClinicsQuery()).items] == [norte.id]
    assert [c.id for c in appointments.clinics(world.operator, ClinicsQuery()).items] == [
        world.clinic_id
    ]
    # The affiliates of SEC's plan see SEC's clinics only, and cannot open ADN's agendas.
    assert [c.id for c in appointments.clinics(world.titular, ClinicsQuery()).items] == [
        world.clinic_id
    ]
    with pytest.raises(errors.NotFound):
        appointments.agenda(world.titular, AgendaQuery(date=TODAY, clinic=norte.id))


def test_operator_of_several_insurers_names_one_and_only_theirs(world: World) -> None:
    with pytest.raises(errors.InvalidInput):
        appointments.create_clinic(BOTH, ClinicIn(name="UMF Sin Aseguradora"))
    with pytest.raises(errors.NotFound):
        appointments.create_clinic(NORTE, ClinicIn(name="UMF Ajena", insurer_id="sec"))
    with pytest.raises(errors.NotFound):
        appointments.clinics(NORTE, ClinicsQuery(insurer_id="sec"))
    made = appointments.create_clinic(BOTH, ClinicIn(name="UMF Norte 2", insurer_id="adn"))
    assert [c.id for c in appointments.clinics(BOTH, ClinicsQuery(insurer_id="adn")).items] == [
        made.id
    ]


def test_affiliates_book_only_their_insurers_clinics(world: World) -> None:
    norte = appointments.create_clinic(NORTE, ClinicIn(name="UMF Norte 3"))
    foreign = appointments.create_agenda(NORTE, _agenda_in(norte.id))
    with pytest.raises(errors.NotFound):
        appointments.book(
            world.titular, BookingIn(slot_id=foreign.slots[0].id, patient_id="m-maria")
        )
    own = appointments.create_agenda(world.operator, _agenda_in(world.clinic_id))
    booked = appointments.book(
        world.titular, BookingIn(slot_id=own.slots[0].id, patient_id="m-maria")
    )
    assert booked.clinic_id == world.clinic_id
