"""The folio: a claim whose required documents are all accepted is numbered once and moves
to `registrado`, with the insured's notification and email in the same transaction."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from chalicelib import clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.accounts.service import InsuredContact
from chalicelib.auth import Principal
from chalicelib.claims import (
    access,
    business_hours,
    changes,
    folios,
    machine,
    presentation,
    repository,
)
from chalicelib.claims.repository import Claim
from chalicelib.claims.schemas import FolioOut
from chalicelib.documents import service as documents
from chalicelib.documents.service import Document, DocumentOwner
from chalicelib.insurers import service as insurers
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.policies import service as policies

# A folio request holds its reservation this long at most (a request lasts seconds).
FOLIO_RESERVATION: Final = timedelta(seconds=30)
FOLIO_WAIT: Final = timedelta(seconds=10)


class DocumentsIncomplete(errors.Conflict):
    code = "documents_incomplete"
    message = "Faltan documentos o alguno fue rechazado. Revisa la lista antes de generar el folio."


class FolioInProgress(errors.Conflict):
    code = "folio_in_progress"
    message = "Tu folio se está generando. Consulta tu trámite en unos segundos."


def generate_folio(principal: Principal, claim_id: str) -> FolioOut:
    """Allocate the claim's folio once, when every required document is accepted."""
    claim = access.own_claim(principal, claim_id)
    catalog = policies.catalog(claim.insurer_id)
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    if claim.folio:
        return FolioOut(folio=claim.folio, claim=presentation.claim_out(claim, catalog, docs))
    if claim.status != "borrador":
        raise machine.IllegalTransition()
    problems = presentation.folio_problems(claim, catalog, docs)
    if problems:
        raise DocumentsIncomplete(details=problems)
    contact = accounts.insured_contact(claim.account_id)
    registered = register_with_folio(claim, docs, contact)
    return FolioOut(
        folio=registered.folio or "", claim=presentation.claim_out(registered, catalog, docs)
    )


def register_with_folio(
    claim: Claim, docs: list[Document], contact: InsuredContact | None
) -> Claim:
    """Number the claim and move it to `registrado` in one transaction; a request that loses
    the race (or repeats) gets the folio that won.

    Concurrent requests for one claim first race for a reservation on the claim (a
    conditional update), so one of them numbers it and the others wait for its folio: no
    sequence number is spent on a request that would lose anyway.
    """
    now = clock.now()
    stale_before = clock.iso(now - FOLIO_RESERVATION)
    reservation = repository.reserve_folio(
        claim.claim_id, uuid.uuid4().hex, clock.iso(now), stale_before
    )
    if reservation is None:
        return _await_folio(claim.claim_id)
    folio = reservation.kept_folio or allocate_folio(claim.claim_type, claim.insurer_id, now)
    try:
        return commit_folio(claim, folio, docs, contact, now)
    except Exception:
        # AWS failed the commit (nothing of it was written: one transaction). Free the claim
        # at once for the person's retry, which commits this same folio.
        try:
            repository.release_folio(claim.claim_id, reservation.token, folio)
        except Exception:
            logger.exception("could not release the folio reservation", extra={"folio": folio})
        raise


def allocate_folio(claim_type: str, insurer_id: str, now: datetime) -> str:
    """The next folio of the insurer's, type's and local year's sequence."""
    year = now.astimezone(business_hours.MEXICO_CITY).year
    sequence = repository.next_sequence(insurer_id, claim_type, year)
    return folios.make_folio(claim_type, insurer_id, year, sequence)


def commit_folio(
    claim: Claim, folio: str, docs: list[Document], contact: InsuredContact | None, now: datetime
) -> Claim:
    """Write the folio, the move to `registrado`, the notification and the email at once."""
    at = clock.iso(now)
    after = replace(
        claim,
        status="registrado",
        folio=folio,
        registered_at=at,
        updated_at=at,
        version=claim.version + 1,
        history=[
            *claim.history,
            changes.history_entry("borrador", "registrado", at, "asegurado", None),
        ],
    )
    files = "\n".join(f"- {d.name}" for d in docs)
    emails = (
        [
            Email(
                contact.addresses,
                "claim_registered",
                {
                    "name": contact.full_name,
                    "folio": folio,
                    "type": presentation.TYPE_LABELS.get(claim.claim_type, claim.claim_type),
                    "member": claim.member_name,
                    "files": files,
                    "link": presentation.claim_link(claim.claim_id),
                    **insurers.email_brand(claim.insurer_id),
                },
            )
        ]
        if contact
        else []
    )
    notification = changes.notification(
        claim, f"Trámite registrado con folio {folio}", "Recibimos tu trámite y tus documentos."
    )
    try:
        email_ids = repository.save_changes(
            claim, after, notification=notification, emails=emails, folio_guard=True
        )
    except repository.StaleClaim:
        current = repository.get(claim.claim_id)
        if current is not None and current.folio:
            return current
        raise
    from chalicelib.notifications import service as notifications

    notifications.dispatch(email_ids)
    logger.info("folio allocated", extra={"claim_id": claim.claim_id, "folio": folio})
    return after


def _await_folio(claim_id: str) -> Claim:
    deadline = time.monotonic() + FOLIO_WAIT.total_seconds()
    while True:
        current = repository.get(claim_id)
        if current is not None and current.folio:
            return current
        if current is None or current.status != "borrador" or time.monotonic() > deadline:
            raise FolioInProgress()
        time.sleep(0.2)
