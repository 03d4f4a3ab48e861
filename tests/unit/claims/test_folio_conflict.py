"""The folio transaction when DynamoDB cancels it for a conflicting transaction (which moto
never does): botocore's Stubber plays DynamoDB's answers; the write is retried with jitter,
then answered 409."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from botocore.stub import Stubber
from pynamodb.connection import Connection

from chalicelib import dynamo
from chalicelib.claims import repository
from chalicelib.claims.repository import Claim

BEFORE = Claim(
    claim_id="c-1",
    account_id="a-1",
    insurer_id="sec",
    policy_number="GMM-2026-0000001",
    member_id="m-1",
    member_name="ANA SOFIA TORRES VEGA",
    relationship="titular",
    coverage="gmm_mayores",
    claim_type="reembolso",
    stage="inicial",
    consent_at="2026-11-25T17:00:00+00:00",
    status="borrador",
    created_at="2026-11-25T17:00:00+00:00",
    updated_at="2026-11-25T17:00:00+00:00",
)
AFTER = replace(BEFORE, status="registrado", folio="RE-SEC-2026-000001-26", version=1)


def conflict(stubber: Stubber) -> None:
    stubber.add_client_error(
        "transact_write_items",
        service_error_code="TransactionCanceledException",
        service_message="Transaction cancelled [TransactionConflict, None]",
        http_status_code=400,
        modeled_fields={
            "CancellationReasons": [
                {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"},
                {"Code": "None"},
            ]
        },
    )


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Stubber, list[dict[str, Any]]]]:
    connection = Connection(region="us-east-1")
    calls: list[dict[str, Any]] = []
    connection.client.meta.events.register(
        "before-parameter-build.dynamodb.TransactWriteItems",
        lambda params, **_: calls.append(params),
    )
    monkeypatch.setattr(dynamo, "connection", lambda: connection)
    monkeypatch.setattr(dynamo.time, "sleep", lambda seconds: None)
    with Stubber(connection.client) as stubber:
        yield stubber, calls


def test_a_conflict_is_retried_with_the_same_items(
    stubbed: tuple[Stubber, list[dict[str, Any]]],
) -> None:
    stubber, calls = stubbed
    conflict(stubber)
    stubber.add_response("transact_write_items", {})

    assert (
        repository.save_changes(BEFORE, AFTER, notification=None, emails=[], folio_guard=True) == []
    )

    stubber.assert_no_pending_responses()
    assert len(calls) == 2
    first, second = (call["TransactItems"] for call in calls)
    assert first == second
    folio_guard = first[1]["Put"]
    assert folio_guard["Item"]["pk"] == {"S": "FOLIO#RE-SEC-2026-000001-26"}
    assert "attribute_not_exists" in folio_guard["ConditionExpression"]


def test_conflicts_that_do_not_end_are_answered_409(
    stubbed: tuple[Stubber, list[dict[str, Any]]],
) -> None:
    stubber, calls = stubbed
    for _ in range(4):
        conflict(stubber)
    with pytest.raises(repository.StaleClaim) as refused:
        repository.save_changes(BEFORE, AFTER, notification=None, emails=[], folio_guard=True)
    assert refused.value.error_code == "conflict"
    assert len(calls) == 4
    stubber.assert_no_pending_responses()
