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


def test_kept_appointments_are_purged_when_the_clinical_period_ends(world: World) -> None:
    deletion = privacy.create_request(world.titular, DataRequestIn(type="deletion"))
    approved = privacy.decide(OPERATOR, deletion.request_id, DecisionIn(decision="aprobar"), None)
    assert approved.due_at
    # Booked after the approval (the deletion waits for the file's period as it stood then).
    agenda = world.agenda()
    slot_id = agenda.slots[0].id
    booked = appointments.book(
        world.titular, BookingIn(slot_id=slot_id, patient_id=world.titular_id)
    )
    world.clock.now = datetime.fromisoformat(approved.due_at) + timedelta(hours=1)
    assert privacy.run_due()["deletions"] == 1
    [clinical] = privacy.my_request(world.titular, deletion.request_id).retained
    assert "citas" in clinical.what
    until = date.fromisoformat(clinical.until)
    kept = appointments_repository.get_appointment(booked.id)
    assert kept is not None
    assert kept.patient_name != booked.patient_name  # anonymised while kept

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
