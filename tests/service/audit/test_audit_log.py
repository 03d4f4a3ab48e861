"""The insurer's audit log on moto in-process: filters by person, action, subject and Mexico
City dates, newest first page by page, the CSV export, and each insurer's records kept apart.

GIVEN records written through `audit.record` at controlled instants by staff accounts of SEC
and ADN, WHEN an administrator lists or exports them, THEN they get exactly their insurer's
records that match.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import boto3
import pytest

from chalicelib import clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.audit import repository as audit_repository
from chalicelib.audit import service as audit
from chalicelib.audit.schemas import AuditActionsQuery, AuditExportQuery, AuditQuery
from chalicelib.auth import DUTIES, Principal
from chalicelib.config import get_settings
from tests.fixtures.clock import Clock

PASSWORD = "una frase de acceso segura 2026"


class Staff:
    def __init__(self, email: str, name: str, insurer: str) -> None:
        self.email = email
        self.name = name
        self.insurer = insurer
        self.account_id = accounts.seed_active_account(
            "operador", email, name, PASSWORD, insurer_ids=[insurer]
        )

    def principal(self, duties: tuple[str, ...] = DUTIES) -> Principal:
        return Principal(self.account_id, "operador", (self.insurer,), duties=duties)


@pytest.fixture
def world(aws: dict[str, Any]) -> Iterator[dict[str, Staff]]:
    """Two SEC staff members and one of ADN, and their records over three Mexico City days:

    - 2026-03-04 23:30 in Mexico City (05:30 UTC on the 5th): Ana reads claim c-1 (SEC);
    - 2026-03-05 10:00: Beto moves claim c-1 (SEC); Nora (ADN) reads claim n-1;
    - 2026-03-05 18:30 (00:30 UTC on the 6th): Ana invites staff member s-1 (SEC);
    - 2026-03-06 09:00: Ana reads claim c-2 (SEC).
    """
    people = {
        "ana": Staff("ana.admin@sec.example.mx", "ANA ADMINISTRADORA", "sec"),
        "beto": Staff("beto.dictamen@sec.example.mx", "BETO DICTAMINADOR", "sec"),
        "nora": Staff("nora@adn.example.mx", "NORA DEL NORTE", "adn"),
    }
    moments = [
        (datetime(2026, 3, 5, 5, 30, tzinfo=UTC), "ana", "claim.read", "c-1"),
        (datetime(2026, 3, 5, 16, 0, tzinfo=UTC), "beto", "claim.transition", "c-1"),
        (datetime(2026, 3, 5, 16, 0, 1, tzinfo=UTC), "nora", "claim.read", "n-1"),
        (datetime(2026, 3, 6, 0, 30, tzinfo=UTC), "ana", "staff.invited", "s-1"),
        (datetime(2026, 3, 6, 15, 0, tzinfo=UTC), "ana", "claim.read", "c-2"),
    ]
    moved = Clock.installed(moments[0][0])
    for moment, who, action, subject in moments:
        moved.now = moment
        person = people[who]
        audit.record(person.account_id, person.insurer, action, subject, source_ip="10.0.0.7")
    moved.now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    try:
        yield people
    finally:
        clock.set_clock(None)


def _subjects(principal: Principal, **filters: Any) -> list[str]:
    answer = audit.records(principal, AuditQuery.model_validate(filters))
    return [item.subject for item in answer.items]


def _bad(principal: Principal, **filters: Any) -> errors.BadRequest:
    with pytest.raises(errors.BadRequest) as raised:
        audit.records(principal, AuditQuery.model_validate(filters))
    return raised.value


def test_all_of_an_insurers_records_newest_first_with_labels_and_names(
    world: dict[str, Staff],
) -> None:
    answer = audit.records(world["ana"].principal(), AuditQuery())
    assert [i.subject for i in answer.items] == ["c-2", "s-1", "c-1", "c-1"]
    assert answer.next_cursor is None
    newest, invited = answer.items[0], answer.items[1]
    assert newest.action_label == "Consultó un trámite"
    assert invited.action == "staff.invited"
    assert invited.action_label == "Invitó a un miembro del personal"
    assert (invited.actor_email, invited.actor_name) == (
        "ana.admin@sec.example.mx",
        "ANA ADMINISTRADORA",
    )
    assert answer.items[2].actor_email == "beto.dictamen@sec.example.mx"


def test_the_dates_are_mexico_city_days_both_included(world: dict[str, Staff]) -> None:
    ana = world["ana"].principal()
    # 23:30 of the 4th in Mexico City is the 5th in UTC: it belongs to the 4th.
    assert _subjects(ana, **{"from": "2026-03-04", "to": "2026-03-04"}) == ["c-1"]
    # The 5th: Beto's change, and Ana's invitation at 18:30 (already the 6th in UTC).
    assert _subjects(ana, **{"from": "2026-03-05", "to": "2026-03-05"}) == ["s-1", "c-1"]
    assert _subjects(ana, **{"from": "2026-03-06"}) == ["c-2"]
    assert _subjects(ana, to="2026-03-05") == ["s-1", "c-1", "c-1"]
    assert _subjects(ana, **{"from": "2026-03-07", "to": "2026-03-31"}) == []
    # The calendar's own ends are days like any other.
    assert _subjects(ana, **{"from": "0001-01-01", "to": "9999-12-31"}) == [
        "c-2",
        "s-1",
        "c-1",
        "c-1",
    ]


def test_filters_by_person_by_email_or_account_and_by_action_and_subject(
    world: dict[str, Staff],
) -> None:
    ana = world["ana"].principal()
    assert _subjects(ana, actor="BETO.dictamen@sec.example.mx") == ["c-1"]
    assert _subjects(ana, actor=world["ana"].account_id) == ["c-2", "s-1", "c-1"]
    assert _subjects(ana, action="claim.read") == ["c-2", "c-1"]
    assert _subjects(ana, action="claim.read", actor="ana.admin@sec.example.mx") == [
        "c-2",
        "c-1",
    ]
    assert _subjects(ana, subject="c-1") == ["c-1", "c-1"]
    assert _subjects(ana, subject="c-1", actor=world["beto"].account_id) == ["c-1"]
    assert _subjects(ana, subject="c-1", action="claim.read", to="2026-03-04") == ["c-1"]
    # An e-mail no account has matches nothing (and says nothing more).
    assert _subjects(ana, actor="nadie@sec.example.mx") == []


@pytest.mark.parametrize("block", [1, 2, 100])
def test_pages_one_record_at_a_time_through_a_filter_without_an_empty_page(
    world: dict[str, Staff], monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Whatever the read block's size, across its boundaries: each record once, in order."""
    monkeypatch.setattr(audit_repository, "READ_BLOCK", block)
    ana = world["ana"].principal()
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        query = AuditQuery.model_validate(
            {"limit": 1, "actor": world["ana"].email, **({"cursor": cursor} if cursor else {})}
        )
        page = audit.records(ana, query)
        assert len(page.items) == 1
        seen += [f"{i.action}:{i.subject}" for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["claim.read:c-2", "staff.invited:s-1", "claim.read:c-1"]


def test_a_cursor_of_another_listing_is_refused(
    world: dict[str, Staff], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_repository, "READ_BLOCK", 1)  # the cursor then holds a key
    ana = world["ana"].principal()
    first = audit.records(ana, AuditQuery(limit=1))
    assert first.next_cursor
    refused = _bad(ana, cursor=first.next_cursor, subject="c-1")
    assert refused.error_code == "invalid_cursor"
    refused = _bad(ana, cursor=first.next_cursor, to="2026-03-04")
    assert refused.error_code == "invalid_cursor"
    assert _bad(ana, cursor="no-es-un-cursor").error_code == "invalid_cursor"


def test_sec_never_sees_adn_records_and_adn_sees_only_its_own(world: dict[str, Staff]) -> None:
    sec = world["ana"].principal()
    assert "n-1" not in _subjects(sec)
    assert _subjects(sec, subject="n-1") == []
    assert _subjects(sec, actor=world["nora"].email) == []
    with pytest.raises(errors.NotFound):
        audit.records(sec, AuditQuery(insurer="adn"))
    assert _subjects(world["nora"].principal()) == ["n-1"]


def test_bad_filters_are_400_with_a_code_and_the_field(world: dict[str, Staff]) -> None:
    ana = world["ana"].principal()
    inverted = _bad(ana, **{"from": "2026-03-06", "to": "2026-03-05"})
    assert (inverted.error_code, inverted.details[0].field) == ("range_invalid", "from")
    unknown = _bad(ana, action="claim.erased")
    assert (unknown.error_code, unknown.details[0].field) == ("unknown_action", "action")
    who = _bad(ana, actor="Beto")
    assert (who.error_code, who.details[0].field) == ("invalid_actor", "actor")
    assert "correo" in who.error_message


def test_the_action_list_names_every_label(world: dict[str, Staff]) -> None:
    answer = audit.actions(world["ana"].principal(), AuditActionsQuery(limit=200))
    labels = {item.action: item.label for item in answer.items}
    assert labels["staff.totp_reset"].startswith("Restableció")
    assert labels["import.applied"] == "Aplicó una importación de datos"


def _csv_of(url: str) -> list[list[str]]:
    path = urlparse(url).path.lstrip("/")
    bucket = get_settings().documents_bucket
    key = path[len(bucket) + 1 :] if path.startswith(f"{bucket}/") else path
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_export_is_the_filtered_csv_and_is_itself_audited(world: dict[str, Staff]) -> None:
    ana = world["ana"].principal()
    query = AuditExportQuery.model_validate({"from": "2026-03-05", "to": "2026-03-05"})
    link = audit.export(ana, query, "10.1.2.3")
    assert link.rows == 2
    assert "auditoria-sec-" in link.url
    header, *rows = _csv_of(link.url)
    assert header[0] == "Fecha y hora (Ciudad de México)"
    assert [row[6] for row in rows] == ["s-1", "c-1"]
    assert rows[0][:6] == [
        "2026-03-05 18:30:00",
        "ana.admin@sec.example.mx",
        "ANA ADMINISTRADORA",
        world["ana"].account_id,
        "Invitó a un miembro del personal",
        "staff.invited",
    ]
    [exported] = audit.records(ana, AuditQuery(action="audit.export")).items
    assert exported.actor_id == world["ana"].account_id
    assert exported.source_ip == "10.1.2.3"
    assert exported.detail == {"filters": {"from": "2026-03-05", "to": "2026-03-05"}, "rows": 2}
    # ADN's export holds only ADN's record.
    adn = audit.export(world["nora"].principal(), AuditExportQuery(), None)
    assert [row[6] for row in _csv_of(adn.url)[1:]] == ["n-1"]


def test_an_export_beyond_the_limit_asks_to_narrow_the_dates(
    world: dict[str, Staff], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "MAX_EXPORT_ROWS", 3)
    monkeypatch.setattr(audit, "EXPORT_PAGE", 2)
    with pytest.raises(errors.BadRequest) as raised:
        audit.export(world["ana"].principal(), AuditExportQuery(), None)
    assert raised.value.error_code == "export_too_large"
    assert "acota las fechas" in raised.value.error_message
    narrowed = audit.export(
        world["ana"].principal(), AuditExportQuery.model_validate({"from": "2026-03-06"}), None
    )
    assert narrowed.rows == 1
