"""Operators' transaction files (CSV): settlement's own documents.

An operator asks for upload slots; each request is one upload (owner kind `transactions`,
owner id a new upload id) of the operator's first insurer. It uses only the documents
service, as any owning context does. When a file is judged, settlement's verdict listener
(`service.on_transaction_file_verdict`) loads the accepted file's rows into the
transactions table; `service.document_hooks` declares that listener and `may_delete`.
"""

from __future__ import annotations

import uuid

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import SlotsOut, TransactionFilesIn

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
    files = [documents.FileSpec.of(file, DOC_TYPE) for file in body.files]
    return SlotsOut(items=documents.create_slots(owner, files, principal.account_id))


def may_delete(document: documents.Document) -> str | None:
    # The file is only how the rows arrived: an accepted file's rows are in the transactions
    # table once its verdict is in, and deleting the file takes none of them back. So an
    # operator may withdraw any of their files, loaded or not.
    return None
