"""The deletion and the `run_data_requests` schedule: execute the approved deletions that
are due (keeping, with a record of what, why and until when, what the law requires), purge
what they kept once its period ends, and enqueue again the exports still unbuilt."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from chalicelib import clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.personal_data import FISCAL, Retained
from chalicelib.privacy import repository, rules, sources
from chalicelib.privacy.repository import DataRequest
from chalicelib.privacy.requests import EXPORT_GIVE_UP_AFTER, EXPORT_RETRY_AFTER, enqueue, move

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
                request_id, len(record) - 1, context, list(item.ids), until.isoformat()
            )
        else:
            logger.warning("kept records without a purge", extra={"what": item.what})
    return record, purges


def execute_deletion(request: DataRequest) -> None:
    """Erase the person's data and files (every stored version); keep what the law requires
    with a record of what, why and until when. Each step can run again after a failure."""
    try:
        person = accounts.contact(Principal(request.account_id, request.role))
        recipients, name = list(person.addresses), person.full_name
    except errors.DomainError:
        recipients, name = [], ""  # an earlier attempt already anonymised the account
    now = clock.now()
    retention = rules.retention(rules.policy_for(request.insurer_id), now.date())
    sections = sources.collect(request.account_id, request.role)
    owners = [owner for section in sections for owner in section.document_owners]
    erased, kept_files = documents.erase_files(request.account_id, owners, retention)
    kept: list[tuple[str, Retained]] = []
    for context, erase in sources.erasers(request.role):
        kept += [(context, item) for item in erase(request.account_id, retention)]
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
            )
        ]
        if recipients
        else []
    )
    ids = repository.save(request, release_guard=True, emails=emails, purges=purges)
    notifications.dispatch(ids)
    logger.info(
        "deletion executed",
        extra={"request_id": request.request_id, "files_erased": erased, "kept": len(kept)},
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


def purge_due() -> int:
    """Delete the records deletions kept whose period has ended, with their files (every
    version), and mark them purged in the retention record. Each step is repeatable: a run
    after a failure deletes nothing twice, and once a purge is done its item is gone."""
    today = clock.now().date().isoformat()
    purgers = sources.purgers()
    done = 0
    for purge in repository.due_purges(today, _BATCH):
        try:
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
