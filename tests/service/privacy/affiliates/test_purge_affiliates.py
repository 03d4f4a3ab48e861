"""An affiliate's clinical file kept after their deletion (NOM-004) goes when its period
ends: the schedule deletes the sick leaves by id, notes the day, and a second run is a no-op."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalicelib.appointments import repository as appointments_repository
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import BookingIn
from chalicelib.auth import Principal
from chalicelib.prescriptions import repository
from chalicelib.prescriptions import service as prescriptions
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DecisionIn
from tests.service.appointments.conftest import TODAY, World
from tests.service.prescriptions.builders import issue_sick_leave
from tests.service.privacy.conftest import stored_versions

OPERATOR = Principal("op-privacy", "operador", ("sec",))


def test_kept_sick_leaves_are_purged_when_the_clinical_period_ends(world: World) -> None:
    deletion = privacy.create_request(world.titular, DataRequestIn(type="deletion"))
    approved = privacy.decide(OPERATOR, deletion.request_id, DecisionIn(decision="aprobar"), None)
    assert approved.due_at
    world.clock.now += timedelta(days=1)
    leave_id = issue_sick_leave(world, TODAY + timedelta(days=1)).id
    prescriptions.certificate(world.titular, leave_id)  # printed: a PDF with name and NSS
    key = f"{prescriptions.CERTIFICATES_PREFIX}{leave_id}.pdf"
    assert stored_versions(key)
    world.clock.now = datetime.fromisoformat(approved.due_at) + timedelta(hours=1)
    assert privacy.run_due()["deletions"] == 1
    assert stored_versions(key) == []  # the printed certificate goes even while the record is kept
    [clinical] = privacy.my_request(world.titular, deletion.request_id).retained
    until = date.fromisoformat(clinical.until)

    world.clock.now = datetime.combine(until, datetime.min.time(), world.clock.now.tzinfo)
    world.clock.now -= timedelta(minutes=1)
    assert privacy.run_due()["purges"] == 0
    assert repository.get_sick_leave(leave_id) is not None

    world.clock.now += timedelta(minutes=2)
    assert privacy.run_due()["purges"] == 1
    assert repository.get_sick_leave(leave_id) is None
    [purged] = privacy.my_request(world.titular, deletion.request_id).retained
    assert purged.purged_at == until.isoformat()
    assert privacy.run_due()["purges"] == 0
    assert prescriptions.purge_retained([f"sick_leave:{leave_id}"]) == 0


def test_past_appointments_are_kept_anonymised_and_purged_when_the_clinical_period_ends(
    world: World,
) -> None:
    agenda = world.agenda()
    booked = appointments.book(
        world.titular, BookingIn(slot_id=agenda.slots[0].id, patient_id=world.titular_id)
    )
    upcoming = world.agenda(TODAY + timedelta(days=3))
    later = appointments.book(
        world.titular, BookingIn(slot_id=upcoming.slots[0].id, patient_id=world.titular_id)
    )
    # The first visit took place; the second is still to come when the deletion runs.
    world.clock.now = booked.starts_at + timedelta(hours=2)
    deletion = privacy.create_request(world.titular, DataRequestIn(type="deletion"))
    privacy.decide(OPERATOR, deletion.request_id, DecisionIn(decision="aprobar"), None)
    assert privacy.run_due()["deletions"] == 1

    [clinical] = privacy.my_request(world.titular, deletion.request_id).retained
    assert "citas" in clinical.what
    assert clinical.count == 1
    until = date.fromisoformat(clinical.until)
    kept = appointments_repository.get_appointment(booked.id)
    assert kept is not None
    # Anonymised, not pseudonymised: nothing links the visit back to the registry.
    assert {kept.patient_name, kept.patient_id, kept.nucleus, kept.booked_by} == {"(eliminado)"}
    assert appointments_repository.get_appointment(later.id) is None  # cancelled, no visit
    agenda_after = appointments_repository.get_agenda(upcoming.id, consistent=True)
    assert agenda_after is not None
    assert agenda_after.internet_remaining == agenda_after.internet_quota  # the quota is back

    world.clock.now = datetime.combine(until, datetime.min.time(), world.clock.now.tzinfo)
    world.clock.now -= timedelta(minutes=1)
    assert privacy.run_due()["purges"] == 0
    assert appointments_repository.get_appointment(booked.id) is not None

    world.clock.now += timedelta(minutes=2)
    assert privacy.run_due()["purges"] == 1
    assert appointments_repository.get_appointment(booked.id) is None
    [purged] = privacy.my_request(world.titular, deletion.request_id).retained
    assert purged.purged_at == until.isoformat()
    assert privacy.run_due()["purges"] == 0
    assert appointments.purge_retained([booked.id]) == 0
