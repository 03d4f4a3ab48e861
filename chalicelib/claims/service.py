"""Claims (trámites): step 1 (the claim), step 2 (documents), the folio, tracking, the
insured's answer to pending documents, operators' review, notifications and contact.

The only door into the claims context: other contexts, the routes and the tests reach its
functions here. Each part lives in its own module (`intake`, `registration`, `tracking`,
`review`, `inbox`; the pure rules a new claim is checked against in `eligibility`); the
privacy functions live in `privacy`. Documents live in the documents context: `intake` asks it for
upload slots under the owner kind `claim` and declares the delete guard that keeps a claim's
files once it has its folio.
"""

from __future__ import annotations

from chalicelib.claims import machine
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
from chalicelib.claims.privacy import (
    erase_personal_data,
    inbox_personal_data,
    latest_activity,
    personal_data,
    policy_personal_data,
    purge_retained,
)
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
from chalicelib.claims.summaries import insured_claims, queue_counts
from chalicelib.claims.tracking import list_claims, read_claim

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
    "inbox_personal_data",
    "insured_claims",
    "latest_activity",
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
    "policy_personal_data",
    "purge_retained",
    "queue_counts",
    "read_claim",
    "register_with_folio",
    "request_slots",
    "transition",
]
