"""Settlement persistence: the only modules that touch the settlement models.

Every list is a Query on a key or an index; every claim is a conditional write. It returns
the context's own objects (rules.Transaction, Header, Chunk, …) and turns failed conditions
into `False` answers or domain errors.

The service reaches persistence here; each part lives in its own module:
`repository_transactions` (loaded transactions, the active-provider markers, the unsettled
index and the claims), `repository_settlements` (headers, leases, chunks, completion),
`repository_runs` (runs and their finished providers), `repository_checks` (a run's finished
providers page by page, for the operators) and `repository_records` (LME records, platform
invoices and bank accounts).
"""

from __future__ import annotations

from chalicelib.settlement.repository_checks import RunMarker, run_markers
from chalicelib.settlement.repository_records import (
    bank_account,
    put_bank_account,
    put_record,
    records,
)
from chalicelib.settlement.repository_runs import Run, create_run, get_run, mark_done
from chalicelib.settlement.repository_settlements import (
    Header,
    LeaseLost,
    chunks,
    complete,
    create_header,
    get_header,
    open_settlements,
    provider_settlements,
    release_lease,
    take_lease,
    write_chunk,
)
from chalicelib.settlement.repository_transactions import (
    ACTIVE_SHARDS,
    ActiveProvider,
    Page,
    StoredTransaction,
    _instant,
    active_marker,
    active_providers,
    claim,
    claimed_for_chunk,
    clear_active,
    get_transactions,
    mark_active,
    provider_transactions,
    put_transaction,
    transaction_from_data,
    transaction_to_data,
    unsettled_page,
    unsettled_partition,
)

__all__ = [
    "ACTIVE_SHARDS",
    "ActiveProvider",
    "Header",
    "LeaseLost",
    "Page",
    "Run",
    "RunMarker",
    "StoredTransaction",
    "_instant",
    "active_marker",
    "active_providers",
    "bank_account",
    "chunks",
    "claim",
    "claimed_for_chunk",
    "clear_active",
    "complete",
    "create_header",
    "create_run",
    "get_header",
    "get_run",
    "get_transactions",
    "mark_active",
    "mark_done",
    "open_settlements",
    "provider_settlements",
    "provider_transactions",
    "put_bank_account",
    "put_record",
    "put_transaction",
    "records",
    "release_lease",
    "run_markers",
    "take_lease",
    "transaction_from_data",
    "transaction_to_data",
    "unsettled_page",
    "unsettled_partition",
    "write_chunk",
]
