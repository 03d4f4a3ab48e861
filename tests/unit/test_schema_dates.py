"""Dates and moments in requests come as ISO text only (chalicelib/schema.py).

Found by the API fuzz: POST /v1/operator/settlements/run with `{"period_end": 0}` answered
202 and started a settlement for 1970-01-01, and GET /v1/operator/audit?to=0 listed the
audit up to 1970: pydantic reads a number as seconds since the epoch.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from chalicelib.audit.schemas import AuditQuery
from chalicelib.http import validation_details
from chalicelib.schema import Schema
from chalicelib.settlement.schemas import RunIn


class _Dated(Schema):
    day: date | None = None
    moment: datetime | None = None
    count: int = 0
    text: str = ""


@pytest.mark.parametrize("number", [0, 1700000000, 1.5, True, "0", " 1700000000 ", "-3"])
def test_a_number_for_a_date_is_refused_on_that_field(number: object) -> None:
    for field in ("day", "moment"):
        with pytest.raises(ValidationError) as raised:
            _Dated.model_validate({field: number})
        [detail] = validation_details(raised.value)
        assert detail.field == field


def test_iso_text_and_other_fields_are_read_as_before() -> None:
    read = _Dated.model_validate(
        {"day": "2026-11-19", "moment": "2026-11-19T10:00:00Z", "count": "5", "text": "0"}
    )
    assert (read.day, read.count, read.text) == (date(2026, 11, 19), 5, "0")
    assert read.moment is not None
    assert read.moment.year == 2026
    assert _Dated.model_validate({"day": date(2026, 1, 1)}).day == date(2026, 1, 1)


def test_the_settlement_run_and_the_audit_refuse_epoch_numbers() -> None:
    with pytest.raises(ValidationError):
        RunIn.model_validate({"period_end": 0})
    assert RunIn.model_validate({"period_end": "2026-11-19"}).period_end == date(2026, 11, 19)
    with pytest.raises(ValidationError) as raised:
        AuditQuery.model_validate({"to": "0"})  # a query string: aliases are the keys
    assert [d.field for d in validation_details(raised.value)] == ["to"]
