"""Documents: upload slots, the validating pipeline, reading, downloading and deleting.

The only door into the documents context. Owning contexts (claims, bank accounts, care
orders, invoices, operators' transaction files) call `create_slots` for their owner and
declare hooks for their owner kind (`DocumentHooks`, from their service's `document_hooks()`),
which `chalicelib/wiring.py` registers, at the latest when `hooks_for` is first asked; this
context never imports them:

- `register_verdict_listener(kind, listener)`: called with the `Document` once its verdict
  is stored. At least once: a listener that raises makes the message come back and the
  listener is called again (never the validation), so listeners must be idempotent.
- `register_delete_guard(kind, guard)`: asked before a person deletes a document; it answers
  None to allow, or a Spanish sentence saying why not (409). An owner kind without a guard
  keeps its documents (deletion refused).
- `register_verdict_check(kind, check)`: the owner's own rules on a file the pipeline accepted
  (a provider's invoice must match its care orders). Asked with the document and the
  verdict's facts before the verdict is stored, so a file it rejects never reserves its CFDI
  UUID and can be corrected and uploaded again. It answers `[(code, message), …]`; empty
  accepts.

Reading: through /v1/documents only the person the document belongs to (`account_id`).
An operator of its insurer reads and downloads it only through its owner's operator route
(`download` from e.g. /v1/operator/claims/…), which checks what the operator may see (never
a draft claim) and audits the read. Anyone else gets 404, so ids cannot be probed.

Idempotency of the pipeline: a conditional write on the document record (pending → judged,
for the object's ETag/version), not a separate idempotency table. A redelivered or duplicated
notification finds the verdict stored and stops before reading the object; two deliveries
racing may both validate, but only one stores the verdict and notifies the owner.

Each part lives in its own module (`slots`, `reading`, `pipeline`, `erasure` for privacy
rights); the hooks' registries and the deletion they guard stay here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import aws, clock, errors
from chalicelib.auth import Principal, require_owner
from chalicelib.config import get_settings
from chalicelib.documents.erasure import (
    FISCAL_KINDS,
    erase_files,
    erase_stored_object,
    file_content,
    personal_files,
    purge_owner,
    purge_retained,
    stored_content,
)
from chalicelib.documents.pipeline import (
    CFDI_KINDS,
    MEXICO_CITY,
    handle_upload_notification,
    validate_created_object,
)
from chalicelib.documents.reading import (
    DOWNLOAD_LIFETIME,
    IMAGE_LINK_LIFETIME,
    DocumentNotAccepted,
    DocumentPending,
    InlineNotAvailable,
    download,
    download_own,
    image_link,
    owned_document,
    read_document,
    readable,
    to_out,
)
from chalicelib.documents.repository import Document
from chalicelib.documents.retention import (
    RetentionLine,
    RetentionRule,
    RetentionTable,
    default_table,
    retention_lines,
)
from chalicelib.documents.rules import Declared, DocumentOwner, FileSpec
from chalicelib.documents.slots import (
    PENDING_UPLOAD_TAG,
    SLOT_LIFETIME,
    Owner,
    create_slots,
    documents_of,
)
from chalicelib.observability import logger

# The retention table (RetentionLine … retention_lines) is this context's data; owners compute
# payment details with it rather than keep a second table.
__all__ = [
    "CFDI_KINDS",
    "DOWNLOAD_LIFETIME",
    "FISCAL_KINDS",
    "IMAGE_LINK_LIFETIME",
    "MEXICO_CITY",
    "PENDING_UPLOAD_TAG",
    "SLOT_LIFETIME",
    "Declared",
    "DeleteRefused",
    "Document",
    "DocumentHooks",
    "DocumentNotAccepted",
    "DocumentOwner",
    "DocumentPending",
    "FileSpec",
    "InlineNotAvailable",
    "Owner",
    "RetentionLine",
    "RetentionRule",
    "RetentionTable",
    "create_slots",
    "default_table",
    "delete_document",
    "documents_of",
    "download",
    "download_own",
    "erase_files",
    "erase_stored_object",
    "file_content",
    "handle_upload_notification",
    "hooks_for",
    "image_link",
    "owned_document",
    "personal_files",
    "purge_owner",
    "purge_retained",
    "read_document",
    "register_delete_guard",
    "register_verdict_check",
    "register_verdict_listener",
    "retention_lines",
    "stored_content",
    "to_out",
    "validate_created_object",
]

VerdictListener = Callable[[Document], None]

DeleteGuard = Callable[[Document], str | None]

VerdictCheck = Callable[[Document, dict[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class DocumentHooks:
    """What an owning context answers for its owner kind (see the module's docstring)."""

    listener: VerdictListener | None = None
    guard: DeleteGuard | None = None
    check: VerdictCheck | None = None


_listeners: dict[str, VerdictListener] = {}

_guards: dict[str, DeleteGuard] = {}

_checks: dict[str, VerdictCheck] = {}


class DeleteRefused(errors.Conflict):
    code = "document_locked"
    message = "Este documento ya no se puede eliminar."


# --- hooks of the owning contexts ------------------------------------------------------------


def register_verdict_listener(owner_kind: DocumentOwner, listener: VerdictListener) -> None:
    """Call `listener(document)` when a document of `owner_kind` gets its verdict."""
    _listeners[str(owner_kind)] = listener


def register_delete_guard(owner_kind: DocumentOwner, guard: DeleteGuard) -> None:
    """Ask `guard(document)` before deleting a document of `owner_kind` (None allows)."""
    _guards[str(owner_kind)] = guard


def register_verdict_check(owner_kind: DocumentOwner, check: VerdictCheck) -> None:
    """Ask `check(document, facts)` about an accepted file before its verdict is stored."""
    _checks[str(owner_kind)] = check


def hooks_for(owner_kind: str) -> DocumentHooks:
    """The hooks of `owner_kind`. The owners are wired on this first need: app.py loads no
    owner's service before a request or an event uses it (chalicelib/deferred.py)."""
    from chalicelib import wiring

    wiring.wire()
    return DocumentHooks(
        listener=_listeners.get(owner_kind),
        guard=_guards.get(owner_kind),
        check=_checks.get(owner_kind),
    )


# --- deleting -----------------------------------------------------------------------------------


def delete_document(principal: Principal, document_id: str) -> None:
    """Delete a document of the caller's while its owner allows it."""
    from chalicelib.documents import repository

    document = readable(principal, document_id)
    require_owner(principal, document.account_id)  # operators read, they do not delete
    guard = hooks_for(document.owner_kind).guard
    refusal = guard(document) if guard else DeleteRefused.message
    if refusal:
        raise DeleteRefused(refusal)
    bucket = get_settings().documents_bucket
    # The objects first: a retried DELETE finishes what a failure left, never the reverse.
    aws.s3().delete_object(Bucket=bucket, Key=document.object_key)
    if document.derived_key:
        aws.s3().delete_object(Bucket=bucket, Key=document.derived_key)
    repository.mark_deleted(document, clock.iso(clock.now()))
    logger.info("document deleted", extra={"document_id": document_id})
