"""The deletion and the `run_data_requests` schedule: execute the approved deletions that
are due (the account closes, what no law keeps is erased, what a law keeps is blocked with
a record of what, why and until when), purge what they kept once its period ends (later if
a new act moved it), and enqueue again the exports still unbuilt."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from chalicelib import aws, clock, dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.personal_data import FISCAL, Retained
from chalicelib.privacy import repository, rules, sources
from chalicelib.privacy.repository import DataRequest
from chalicelib.privacy.requests import (
    EXPORT_GIVE_UP_AFTER,
    EXPORT_RETRY_AFTER,
    enqueue,
    export_prefix,
    move,
)

_BATCH: Final = 25


def _retention_record(
    items: list[tuple[str, Retained]], request_id: str, insurer_id: str, executed_at: datetime
) -> tuple[list[dict[str, Any]], list[repository.Purge]]:
    """The record for the person (what, why, until when) and, per entry, the purge that
    deletes those records by id on that day."""
    policy = rules.policy_for(insurer_id)
    record: list[dict[str, Any]] = []
    purges: list[repository.Purge] = []
    purgers = sources.purgers()
    for context, item in items:
        until = rules.retained_until(item, policy, executed_at)
        if not item.count or until <= executed_at.date():
            # Contexts keep only records still in their period; this guards the promise the
            # record makes to the person: nothing is listed as kept past its date.
            logger.warning("retained item past its date", extra={"what": item.what})
            continue
        record.append(
            {
                "what": item.what,
                "count": item.count,
                "legal_basis": rules.legal_basis(item, policy),
                "until": until.isoformat(),
            }
        )
        if context in purgers and item.ids:
            purges += repository.purges_for(
                request_id,
                len(record) - 1,
                context,
                list(item.ids),
                until.isoformat(),
                item.category,
            )
        else:
            logger.warning("kept records without a purge", extra={"what": item.what})
    return record, purges


def _erase_exports(account_id: str) -> int:
    """Every stored version and delete marker of the person's export files (a full copy of
    their data): listed by each export's exact prefix."""
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    removed = 0
    cursor = None
    while True:
        requests, next_cursor = repository.of_account(account_id, 100, cursor)
        for request in requests:
            if request.request_type != rules.EXPORT:
                continue
            prefix = export_prefix(request.request_id)
            pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix)
            for page in pages:
                for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                    if entry["Key"].startswith(prefix):
                        s3.delete_object(
                            Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"]
                        )
                        removed += 1
        cursor = dynamo.decode_cursor(next_cursor)
        if cursor is None:
            return removed


def execute_deletion(request: DataRequest) -> None:
    """Close the account at once and erase what no law keeps: the person's records in every
    context, their files with every stored version, the emails sent to or about them, their
    export files, throttle items and the Cognito user. What a law keeps is blocked (without
    the link to the person where the record allows it) and listed in the retention record
    with its legal basis and end date, when the schedule purges it. Each step can run again
    after a failure."""
    try:
        person = accounts.contact(Principal(request.account_id, request.role))
        recipients, name = list(person.addresses), person.full_name
    except errors.DomainError:
        recipients, name = [], ""  # an earlier attempt already anonymised the account
    accounts.close_access(request.account_id)
    now = clock.now()
    retention = rules.retention(rules.policy_for(request.insurer_id), now.date())
    sections = sources.collect(request.account_id, request.role)
    owners = [owner for section in sections for owner in section.document_owners]
    kept: list[tuple[str, Retained]] = []
    for context, erase in sources.erasers(request.role):
        kept += [(context, item) for item in erase(request.account_id, retention)]
    keep_owners = frozenset(owner for _, item in kept for owner in item.document_owners)
    erased, kept_files = documents.erase_files(
        request.account_id, owners, retention, keep_owners=keep_owners
    )
    if kept_files:
        kept.append(
            (
                "documents",
                Retained(
                    what="Archivos XML de facturas y comprobantes fiscales (CFDI)",
                    category=FISCAL,
                    count=len(kept_files),
                    last_activity=max(d.created_at for d in kept_files),
                    ids=tuple(d.document_id for d in kept_files),
                ),
            )
        )
    emails_erased = notifications.erase_emails_about(recipients) if recipients else 0
    exports_erased = _erase_exports(request.account_id)
    accounts.erase_personal_data(request.account_id)
    move(request, "completada", "sistema")
    request.completed_at = clock.iso(now)
    request.retained, purges = _retention_record(kept, request.request_id, request.insurer_id, now)
    request.work_due = None
    lines = "\n".join(
        f"- {r['what']} ({r['count']}): hasta el {r['until']}. {r['legal_basis']}"
        for r in request.retained
    )
    emails = (
        [
            Email(
                recipients,
                "data_deletion_done",
                {"name": name, "retained": lines or "- Ninguno."},
                forget_after_sending=True,
            )
        ]
        if recipients
        else []
    )
    ids = repository.save(request, release_guard=True, emails=emails, purges=purges)
    notifications.dispatch(ids)
    logger.info(
        "deletion executed",
        extra={
            "request_id": request.request_id,
            "files_erased": erased,
            "emails_erased": emails_erased,
            "exports_erased": exports_erased,
            "kept": len(kept),
        },
    )


def _mark_purged(request_id: str, entry: int, day: str) -> None:
    """Note in the retention record the day the entry's records went (the first such day:
    a repeated purge keeps it)."""
    for _ in range(5):
        request = repository.get(request_id)
        if request is None or entry >= len(request.retained):
            return
        if request.retained[entry].get("purged_at"):
            return
        request.retained[entry] = {**request.retained[entry], "purged_at": day}
        try:
            repository.save(request, release_guard=False, emails=[])
        except repository.StaleRequest:
            continue
        return
    raise repository.StaleRequest()


def _note_until(request_id: str, entry: int, until: str) -> None:
    """The retention record says the later day a kept entry now goes (a new act)."""
    for _ in range(5):
        request = repository.get(request_id)
        if request is None or entry >= len(request.retained):
            return
        if request.retained[entry].get("until", "") >= until:
            return
        request.retained[entry] = {**request.retained[entry], "until": until}
        try:
            repository.save(request, release_guard=False, emails=[])
        except repository.StaleRequest:
            continue
        return
    raise repository.StaleRequest()


def _moved_until(purge: repository.Purge) -> str | None:
    """The later day the kept records now go, when an act after the deletion moved their
    period; None when it still ends on the purge's day."""
    latest = sources.activity().get(purge.context)
    request = repository.get(purge.request_id) if latest and purge.category else None
    if latest is None or request is None:
        return None
    last = latest(purge.ids)
    if not last:
        return None
    policy = rules.policy_for(request.insurer_id)
    item = Retained(what="", category=purge.category, count=len(purge.ids), last_activity=last)
    until = rules.retained_until(item, policy, clock.now()).isoformat()
    return until if until > purge.until else None


def purge_due() -> int:
    """Delete the records deletions kept whose period has ended, with their files (every
    version), and mark them purged in the retention record. A kept record that saw a new act
    waits for its new day, and the record says so. Each step is repeatable: a run after a
    failure deletes nothing twice, and once a purge is done its item is gone."""
    today = clock.now().date().isoformat()
    purgers = sources.purgers()
    done = 0
    for purge in repository.due_purges(today, _BATCH):
        try:
            moved = _moved_until(purge)
            if moved is not None:
                repository.postpone_purge(purge, moved)
                _note_until(purge.request_id, purge.entry, moved)
                continue
            purgers[purge.context](purge.ids)
            if not repository.other_chunks_left(purge):
                _mark_purged(purge.request_id, purge.entry, today)
            repository.drop_purge(purge)
            done += 1
        except Exception:
            # The item stays: the next run tries again.
            logger.exception(
                "purge failed", extra={"request_id": purge.request_id, "entry": purge.entry}
            )
    return done


def run_due() -> dict[str, int]:
    """Execute the approved deletions that are due; enqueue again exports still unbuilt;
    delete the kept records whose retention period has ended."""
    now = clock.now()
    done = {"deletions": 0, "exports_enqueued": 0, "exports_failed": 0, "purges": 0}
    for request in repository.due_work(rules.DELETION, clock.iso(now), _BATCH):
        if request.status != "aprobada":
            continue
        try:
            execute_deletion(request)
            done["deletions"] += 1
        except Exception:
            # The next run tries again; each step of a deletion is repeatable.
            logger.exception("deletion failed", extra={"request_id": request.request_id})
    for request in repository.due_work(rules.EXPORT, clock.iso(now), _BATCH):
        if now - datetime.fromisoformat(request.created_at) > EXPORT_GIVE_UP_AFTER:
            if rules.can_move(rules.EXPORT, request.status, "fallida"):
                move(request, "fallida", "sistema")
                request.work_due = None
                repository.save(request, release_guard=True, emails=[])
                done["exports_failed"] += 1
            continue
        request.work_due = clock.iso(now + EXPORT_RETRY_AFTER)
        try:
            repository.save(request, release_guard=False, emails=[])
        except repository.StaleRequest:
            continue
        enqueue(request.request_id)
        done["exports_enqueued"] += 1
    done["purges"] = purge_due()
    return done
