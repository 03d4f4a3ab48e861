"""Claims (trámites): step 1 (the claim), step 2 (documents), the folio, tracking, the
insured's answer to pending documents, operators' review, notifications and contact.

The only door into the claims context: other contexts, the routes and the tests reach its
functions here. Each part lives in its own module (`intake`, `registration`, `tracking`,
`review`, `inbox`; the pure rules a new claim is checked against in `eligibility`); the
privacy functions stay below. Documents live in the documents context: `intake` asks it for
upload slots under the owner kind `claim` and declares the delete guard that keeps a claim's
files once it has its folio.
"""

from __future__ import annotations

from chalicelib.claims import machine, repository
from chalicelib.claims.inbox import (
    COMPLAINTS_ADDRESS,
    contact,
    mark_notification_read,
    my_notifications,
)
from chalicelib.claims.intake import (
    FORM_LINK_SECONDS,
    ClaimLocked,
    claim_catalog,
    create_claim,
    document_hooks,
    list_forms,
    list_hospitals,
    medical_network,
    my_policy,
    request_slots,
)
from chalicelib.claims.presentation import RELATIONSHIP_LABELS, TYPE_LABELS
from chalicelib.claims.registration import (
    FOLIO_RESERVATION,
    FOLIO_WAIT,
    DocumentsIncomplete,
    FolioInProgress,
    allocate_folio,
    commit_folio,
    generate_folio,
    register_with_folio,
)
from chalicelib.claims.review import (
    answer_pending,
    operator_claim,
    operator_download,
    operator_queue,
    transition,
)
from chalicelib.claims.tracking import list_claims, read_claim
from chalicelib.documents.service import DocumentOwner
from chalicelib.personal_data import CLINICAL, FISCAL, PersonalData, Retained, Retention, purge_each

__all__ = [
    "COMPLAINTS_ADDRESS",
    "FOLIO_RESERVATION",
    "FOLIO_WAIT",
    "FORM_LINK_SECONDS",
    "RELATIONSHIP_LABELS",
    "TYPE_LABELS",
    "ClaimLocked",
    "DocumentsIncomplete",
    "FolioInProgress",
    "allocate_folio",
    "answer_pending",
    "claim_catalog",
    "commit_folio",
    "contact",
    "create_claim",
    "document_hooks",
    "erase_personal_data",
    "generate_folio",
    "list_claims",
    "list_forms",
    "list_hospitals",
    "machine",
    "mark_notification_read",
    "medical_network",
    "my_notifications",
    "my_policy",
    "operator_claim",
    "operator_download",
    "operator_queue",
    "personal_data",
    "purge_retained",
    "read_claim",
    "register_with_folio",
    "request_slots",
    "transition",
]


# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """The person's claims with their history, and the claims that own their files."""
    from dataclasses import asdict

    claims = repository.all_for_account(account_id)
    return PersonalData(
        "tramites",
        [{k: v for k, v in asdict(c).items() if k != "version"} for c in claims],
        document_owners=tuple((str(DocumentOwner.CLAIM), c.claim_id) for c in claims),
        last_activity={CLINICAL: max((c.updated_at for c in claims), default="")},
    )


def erase_personal_data(account_id: str, retention: Retention | None = None) -> list[Retained]:
    """Anonymise the person's claims, notifications and contact messages; the folios and their
    dates stay as accounting records."""
    claims = repository.all_for_account(account_id)
    for claim in claims:
        repository.erase_personal_fields(claim)
    repository.erase_messages(account_id)
    # A folio is an accounting record (CFF art. 30); one past its period, or a draft without
    # folio, goes entirely.
    with_folio = [
        c
        for c in claims
        if c.folio and (retention is None or retention.keeps(FISCAL, c.updated_at))
    ]
    kept = {c.claim_id for c in with_folio}
    for claim in claims:
        if claim.claim_id not in kept and retention is not None:
            repository.delete_claim(claim)
    if not with_folio:
        return []
    return [
        Retained(
            what="Folios, tipos, estados y fechas de tus trámites (sin nombres ni notas)",
            category=FISCAL,
            count=len(with_folio),
            last_activity=max(c.updated_at for c in with_folio),
            ids=tuple(c.claim_id for c in with_folio),
        )
    ]


def purge_retained(claim_ids: list[str]) -> int:
    """Delete the claims a deletion kept for their folio, once the period ended (by id: the
    account is anonymised by then). Repeatable: a claim already gone is skipped."""
    return purge_each(claim_ids, repository.get, repository.delete_claim)
