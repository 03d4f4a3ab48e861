"""Faults in booking (the agenda's quota), the sick-leave seal (KMS Sign) and operators'
TOTP enrolment (KMS Encrypt): each completes on retry or leaves nothing half-written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from chalicelib import errors
from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import AgendaQuery, BookingIn
from tests.service.appointments.conftest import PASSWORD, TODAY, World, world
from tests.service.faults.conftest import CLIENT_ATTEMPTS, Faults
from tests.service.faults.helpers import answered_status, items, outbox
from tests.service.prescriptions.builders import issue_sick_leave

__all__ = ["world"]


def _book(world: World, slot_id: str) -> object:
    return appointments.book(world.titular, BookingIn(slot_id=slot_id, patient_id="m-maria"))


def _agenda(world: World) -> object:
    listing = appointments.agenda(
        world.titular, AgendaQuery(date=TODAY + timedelta(days=1), clinic=world.clinic_id)
    )
    return listing.items[0]


def _nothing_booked(world: World, quota: int) -> None:
    now = _agenda(world)
    assert now.internet_remaining == quota  # type: ignore[attr-defined]
    assert all(s.available for s in now.slots)  # type: ignore[attr-defined]
    assert items("agendas", "NUCLEUS#SERIE-0001", index="gsi2") == []
    assert outbox() == []  # the confirmation email was in the same transaction


def test_booking_completes_once_when_throttling_and_conflicts_clear(
    world: World, faults: Faults
) -> None:
    agenda = world.agenda(quota=3)
    before = faults.count("dynamodb", "TransactWriteItems")
    faults.inject("dynamodb", "TransactWriteItems", "ThrottlingException", times=2)
    faults.inject("dynamodb", "TransactWriteItems", "ProvisionedThroughputExceededException")

    first = _book(world, agenda.slots[0].id)

    assert len(faults.backoffs) == 3  # botocore's standard mode retried; the 4th went through
    assert faults.count("dynamodb", "TransactWriteItems") == before + 1

    # A concurrent transaction (TransactionConflict) is dynamo.transact's to retry, and so,
    # since this fix, is a cancellation for throttling (botocore never retries either).
    faults.conflict(times=2, items=5)
    faults.inject(
        "dynamodb",
        "TransactWriteItems",
        "TransactionCanceledException",
        reasons=["None", "ThrottlingError", "None", "None", "None"],
    )
    second = appointments.book(
        world.titular, BookingIn(slot_id=agenda.slots[1].id, patient_id="m-jose")
    )

    assert len(faults.jitters) == 3
    assert _agenda(world).internet_remaining == 1  # type: ignore[attr-defined]
    booked = {
        i["appointment_id"]["S"] for i in items("agendas", "NUCLEUS#SERIE-0001", index="gsi2")
    }
    assert booked == {first.id, second.id}  # type: ignore[attr-defined]


def test_booking_that_cannot_complete_answers_cleanly_and_leaves_the_quota(
    world: World, faults: Faults
) -> None:
    agenda = world.agenda(quota=2)

    faults.exhaust_throughput("TransactWriteItems")
    with pytest.raises(errors.ServiceUnavailable) as throttled:
        _book(world, agenda.slots[0].id)
    assert answered_status(throttled.value) == 503
    _nothing_booked(world, quota=2)

    # Fixed: cancelled for throttling on every try used to escape as a 500.
    faults.inject(
        "dynamodb",
        "TransactWriteItems",
        "TransactionCanceledException",
        times=4,
        reasons=["None", "ThrottlingError", "None", "None", "None"],
    )
    with pytest.raises(errors.ServiceUnavailable):
        _book(world, agenda.slots[0].id)
    _nothing_booked(world, quota=2)

    faults.conflict(times=4, items=5)
    with pytest.raises(errors.Conflict) as busy:
        _book(world, agenda.slots[0].id)
    assert answered_status(busy.value) == 409
    _nothing_booked(world, quota=2)

    # The person's retry books it, once.
    _book(world, agenda.slots[0].id)
    assert _agenda(world).internet_remaining == 1  # type: ignore[attr-defined]


# --- sick-leave seal (KMS Sign) -------------------------------------------------------------


def _sick_leaves() -> list[dict[str, object]]:
    return items("prescriptions", "MEMBER#m-maria#SL", index="gsi1")


def test_seal_survives_kms_faults_and_a_failed_seal_stores_nothing(
    world: World, faults: Faults
) -> None:
    faults.inject("kms", "Sign", "ThrottlingException", times=2)
    faults.inject("kms", "Sign", "KMSInternalException")
    issued = issue_sick_leave(world)
    assert issued.status == "sellada"  # type: ignore[attr-defined]
    assert issued.seal  # type: ignore[attr-defined]
    assert len(faults.backoffs) == 3

    # Fixed: the leave used to be stored (authorized, unsealed) before KMS signed it, so the
    # operator's retry of the same request left a second copy.
    faults.inject("kms", "Sign", "KMSInternalException", times=CLIENT_ATTEMPTS)
    with pytest.raises(ClientError) as failed:
        issue_sick_leave(world)
    assert answered_status(failed.value) == 503
    assert [i["status"]["S"] for i in _sick_leaves()] == ["sellada"]

    again = issue_sick_leave(world)
    assert again.status == "sellada"  # type: ignore[attr-defined]
    assert [i["status"]["S"] for i in _sick_leaves()] == ["sellada", "sellada"]


# --- operators' TOTP enrolment (KMS Encrypt) -------------------------------------------------


def _operator(world: World) -> None:
    accounts.seed_active_account(
        "operador", "ops@example.mx", "Operadora", PASSWORD, insurer_ids=["sec"]
    )


def test_totp_enrolment_with_kms_down_answers_503_and_enrols_on_the_next_log_in(
    world: World, faults: Faults
) -> None:
    import pyotp

    _operator(world)
    faults.inject("kms", "Encrypt", "KMSInternalException", times=CLIENT_ATTEMPTS)

    with pytest.raises(ClientError) as failed:
        accounts.login("ops@example.mx", PASSWORD)

    assert answered_status(failed.value) == 503
    assert faults.count("kms", "Encrypt") == 0
    # Nothing was enrolled: the next log-in, through throttling, offers enrolment again.
    faults.inject("kms", "Encrypt", "ThrottlingException", times=3)
    challenge = accounts.login("ops@example.mx", PASSWORD)
    assert faults.count("kms", "Encrypt") == 2  # the seed and the pending session, sealed
    assert challenge.enrollment is not None
    code = pyotp.TOTP(challenge.enrollment.secret).at(world.clock.now)
    assert accounts.complete_totp(challenge.session or "", code).role == "operador"
