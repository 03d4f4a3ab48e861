"""Operators' transaction files (CSV): a small owner of documents.

An operator asks for upload slots; each request is one upload (owner kind `transactions`,
owner id a new upload id) of the operator's first insurer. It uses only the documents
service, as any owning context does; when the settlement context exists, this module moves
there and its verdict listener loads the accepted rows into the transactions table.
"""

from __future__ import annotations

import uuid

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import SlotsOut, TransactionFilesIn
from chalicelib.observability import logger

DOC_TYPE = "transactions_csv"


def request_slots(principal: Principal, body: TransactionFilesIn) -> SlotsOut:
    """Upload slots for one load of transaction files, under the operator's first insurer."""
    if not principal.insurer_ids:
        raise errors.Forbidden("Tu cuenta de operador no tiene aseguradoras asignadas.")
    owner = documents.Owner(
        kind=documents.DocumentOwner.TRANSACTIONS,
        id=str(uuid.uuid4()),
        account_id=principal.account_id,
        insurer_id=principal.insurer_ids[0],
    )
    files = [
        documents.FileSpec(
            name=file.name, size=file.size, content_type=file.content_type, doc_type=DOC_TYPE
        )
        for file in body.files
    ]
    return SlotsOut(items=documents.create_slots(owner, files, principal.account_id))


def on_verdict(document: documents.Document) -> None:
    # Loading the rows is the settlement context's job; until then the verdict is logged.
    logger.info(
        "transaction file judged",
        extra={
            "document_id": document.document_id,
            "upload_id": document.owner_id,
            "status": document.status,
            "rows": document.facts.get("rows"),
        },
    )


def may_delete(document: documents.Document) -> str | None:
    # Nothing is loaded from a file yet, so an operator may withdraw any of them.
    return None


documents.register_verdict_listener(documents.DocumentOwner.TRANSACTIONS, on_verdict)
documents.register_delete_guard(documents.DocumentOwner.TRANSACTIONS, may_delete)
