"""A booking transaction that DynamoDB cancels for a concurrent transaction is retried.

moto runs transactions one at a time and never answers `TransactionConflict`, so botocore's
Stubber plays DynamoDB here: the first attempt is cancelled for a conflict on the agenda item,
the second succeeds.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from chalicelib import dynamo, errors
from chalicelib.appointments import repository
from chalicelib.appointments.repository import Appointment

APPOINTMENT = Appointment(
    appointment_id="a" * 32,
    status="agendada",
    agenda_id="b" * 32,
    slot_time="09:00",
    patient_id="m-maria",
    patient_name="MARIA GUADALUPE HERNANDEZ",
    nucleus="SERIE-0001",
    booked_by="acct-1",
    clinic_id="c1",
    clinic_name="UMF 20 Vallejo",
    doctor="DRA. LAURA MEDINA",
    date="2026-11-26",
    shift="matutino",
    service="consulta_externa_general",
    starts_at="2026-11-26T15:00:00+00:00",
    created_at="2026-11-25T17:00:00+00:00",
)


def _cancelled(*codes: str) -> dict[str, Any]:
    return {
        "service_error_code": "TransactionCanceledException",
        "service_message": "Transaction cancelled",
        "http_status_code": 400,
        "response_meta": {},
        "modeled_fields": {"CancellationReasons": [{"Code": code} for code in codes]},
    }


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Any:
    from pynamodb.connection import Connection

    # Its own connection: the shared one must not stay stubbed for other tests.
    connection = Connection(region="us-east-1")
    stubber = Stubber(connection.client)
    monkeypatch.setattr(dynamo, "connection", lambda: connection)
    pauses: list[float] = []
    monkeypatch.setattr(dynamo.time, "sleep", pauses.append)
    with stubber:
        yield stubber, pauses


def test_conflict_is_retried_with_jitter_then_succeeds(stubbed: Any) -> None:
    stubber, pauses = stubbed
    stubber.add_client_error(
        "transact_write_items",
        **_cancelled("TransactionConflict", "None", "None", "None"),
    )
    stubber.add_response("transact_write_items", {})

    assert repository.book(APPOINTMENT, []) == []

    stubber.assert_no_pending_responses()
    assert len(pauses) == 1
    assert 0 <= pauses[0] <= 0.05


def test_conflicts_that_never_clear_answer_409(
    stubbed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stubber, pauses = stubbed
    for _ in range(4):
        stubber.add_client_error(
            "transact_write_items",
            **_cancelled("None", "TransactionConflict", "None", "None"),
        )
    explained = errors.Conflict("x", code="busy")
    monkeypatch.setattr(repository, "explain_refusal", lambda appointment: explained)

    with pytest.raises(errors.Conflict) as refused:
        repository.book(APPOINTMENT, [])

    assert refused.value is explained
    assert len(pauses) == 4
    stubber.assert_no_pending_responses()


def test_a_failed_condition_is_not_retried(stubbed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    stubber, pauses = stubbed
    stubber.add_client_error(
        "transact_write_items",
        **_cancelled("ConditionalCheckFailed", "None", "None", "None"),
    )
    monkeypatch.setattr(
        repository, "explain_refusal", lambda appointment: repository.QuotaExhausted()
    )

    with pytest.raises(errors.Conflict) as refused:
        repository.book(APPOINTMENT, [])

    assert refused.value.error_code == "internet_quota_exhausted"
    assert pauses == []
