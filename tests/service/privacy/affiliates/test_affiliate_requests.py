"""An affiliate's export holds every sick leave, whatever its age or state; their deletion
keeps the clinical file without name or NSS while NOM-004 requires it, and verification of an
anonymised certificate answers instead of failing."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta

import boto3

from chalicelib.auth import Principal
from chalicelib.notifications import service as notifications
from chalicelib.prescriptions import repository
from chalicelib.prescriptions import service as prescriptions
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DecisionIn
from tests.service.appointments.conftest import TODAY, World
from tests.service.prescriptions.builders import MARIA_NSS, issue_sick_leave
from tests.service.privacy.conftest import deliver_exports

BUCKET = "portal-test-documents"
OPERATOR = Principal("op-privacy", "operador", ("sec",))


def test_export_has_every_sick_leave_and_deletion_keeps_the_file_anonymised(
    world: World,
) -> None:
    notifications._queue_url.cache_clear()
    old = issue_sick_leave(world, TODAY - timedelta(days=700)).id
    pending = issue_sick_leave(world, TODAY, authorize=False).id
    created = privacy.create_request(world.titular, DataRequestIn(type="export"))
    assert deliver_exports() == 1
    key = f"exports/privacy/{created.request_id}/mis-datos.zip"
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    data = json.loads(zipfile.ZipFile(io.BytesIO(stored)).read("datos.json"))
    exported = {s["sick_leave_id"] for s in data["recetas_e_incapacidades"]["incapacidades"]}
    assert exported == {old, pending}

    deletion = privacy.create_request(world.titular, DataRequestIn(type="deletion"))
    approved = privacy.decide(OPERATOR, deletion.request_id, DecisionIn(decision="aprobar"), None)
    assert approved.due_at
    world.clock.now += timedelta(days=1)
    recent = issue_sick_leave(
        world, TODAY + timedelta(days=1)
    ).id  # a later act restarts the period
    world.clock.now = datetime.fromisoformat(approved.due_at) + timedelta(hours=1)
    assert privacy.run_due()["deletions"] == 1

    done = privacy.my_request(world.titular, deletion.request_id)
    today = world.clock.now.date()
    [clinical] = done.retained
    assert clinical.count == 3
    assert clinical.until > today.isoformat()
    kept = repository.get_sick_leave(recent)
    assert kept is not None
    assert "MARIA" not in kept.patient_name
    assert MARIA_NSS not in kept.nss
    answer = prescriptions.verify(recent, kept.seal or "")
    assert not answer.valid  # the certificate no longer matches: nobody should present it


def test_an_affiliate_deletion_leaves_nothing_that_names_or_links_them(world: World) -> None:
    from chalicelib.appointments import service as appointments
    from chalicelib.appointments.schemas import BookingIn
    from chalicelib.config import get_settings
    from tests.fixtures.personal_traces import find_traces, in_process_client
    from tests.service.prescriptions.builders import prescription_in

    notifications._queue_url.cache_clear()
    agenda = world.agenda()
    booked = appointments.book(
        world.titular, BookingIn(slot_id=agenda.slots[0].id, patient_id=world.titular_id)
    )
    prescriptions.issue_prescription(world.operator, prescription_in(MARIA_NSS))
    issue_sick_leave(world, TODAY)
    world.clock.now = booked.starts_at + timedelta(hours=1)  # the visit took place
    deletion = privacy.create_request(world.titular, DataRequestIn(type="deletion"))
    privacy.decide(OPERATOR, deletion.request_id, DecisionIn(decision="aprobar"), None)
    assert privacy.run_due()["deletions"] == 1
    world.mail.deliver()

    kept = privacy.my_request(world.titular, deletion.request_id).retained
    assert sorted((r.what.split()[1], r.count) for r in kept) == [("citas", 1), ("recetas", 2)]
    left = find_traces(
        in_process_client,
        prefix="portal-test-",
        pool_id=get_settings().user_pool_id,
        values=[MARIA_NSS, "SERIE-0001", "MARIA GUADALUPE", "maria@example.mx", world.titular_id],
    )
    assert left == [], left
