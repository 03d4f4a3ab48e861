"""Settlement (Chile): loading transactions, the weekly run, provider views and reports.

The only door into the settlement context: other contexts, the routes, the CLI, the local
stack, the bench and the tests reach its functions here. Each part lives in its own module:
`loading` (transactions, LME records and platform invoices, the transactions CSV files of
the documents pipeline), `runs` (the run and the worker that settles one provider, with how
it is made safe to repeat), `provider_views` (the provider's account, invoices and
settlements), `account_views` (a settlement as Excel, a platform invoice's detail, the
current account), `operator_checks` (a run's settlements, a provider's loaded transactions),
`reports` and `report_exports` (the reports and their files), `local_runs`
(settling in this process, for the CLI and the bench). The privacy functions stay below.
Persistence is behind `repository`.
"""

from __future__ import annotations

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.personal_data import FISCAL, PersonalData
from chalicelib.settlement import operator_checks
from chalicelib.settlement.account_views import current_account, platform_invoice, settlement_export
from chalicelib.settlement.loading import (
    INVOICE_TYPES,
    check_transaction,
    document_hooks,
    load_csv,
    load_lme,
    load_platform_invoices,
    load_transactions,
    load_transactions_by_operator,
    on_transaction_file_verdict,
    store_transactions,
    transactions_by_id,
    transactions_csv_format,
)
from chalicelib.settlement.local_runs import run_inline, settle_in_memory, today_in_santiago
from chalicelib.settlement.provider_views import (
    UnknownSettlement,
    platform_invoices,
    provider_account,
    provider_of,
    set_bank_account,
    settlement_detail,
    settlement_out,
    settlement_transactions,
    settlements,
)
from chalicelib.settlement.report_exports import (
    EXPORT_LIFETIME,
    EXPORTS_PREFIX,
    MAX_EXPORT_ROWS,
    period_export,
    vouchers_export,
)
from chalicelib.settlement.reports import (
    MAX_REPORT_MONTHS,
    VOUCHER_READ,
    lme_report,
    period_report,
    vouchers_report,
)
from chalicelib.settlement.rules import Rejected, Transaction
from chalicelib.settlement.runs import (
    LEASE,
    PAGE_SIZE,
    SettlementBusy,
    _row,
    folio_for,
    handle_task,
    run_by_operator,
    run_progress,
    settle_provider,
    start_run,
    weekly_run,
)

__all__ = [
    "EXPORTS_PREFIX",
    "EXPORT_LIFETIME",
    "INVOICE_TYPES",
    "LEASE",
    "MAX_EXPORT_ROWS",
    "MAX_REPORT_MONTHS",
    "PAGE_SIZE",
    "VOUCHER_READ",
    "Rejected",
    "SettlementBusy",
    "Transaction",
    "UnknownSettlement",
    "_row",
    "check_transaction",
    "current_account",
    "document_hooks",
    "folio_for",
    "handle_task",
    "lme_report",
    "load_csv",
    "load_lme",
    "load_platform_invoices",
    "load_transactions",
    "load_transactions_by_operator",
    "on_transaction_file_verdict",
    "operator_checks",
    "period_export",
    "period_report",
    "personal_data",
    "platform_invoice",
    "platform_invoices",
    "provider_account",
    "run_by_operator",
    "run_inline",
    "run_progress",
    "set_bank_account",
    "settle_in_memory",
    "settle_provider",
    "settlement_detail",
    "settlement_export",
    "settlement_transactions",
    "settlements",
    "start_run",
    "store_transactions",
    "today_in_santiago",
    "transactions_by_id",
    "transactions_csv_format",
    "vouchers_export",
    "vouchers_report",
    "weekly_run",
]


# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """A Chilean provider's settlement data for their export: the account settlements are
    paid into and every complete settlement (a Query on the provider's index). Providers
    registered without RUT have none."""
    from chalicelib.settlement import repository

    try:
        provider = provider_of(Principal(account_id=account_id, role="prestador"))
    except errors.DomainError:
        return PersonalData("liquidaciones", {})
    headers = repository.provider_settlements(provider.rut, "0000", "9999")
    headers.sort(key=lambda h: (h.settled_on or "", h.folio))
    return PersonalData(
        "liquidaciones",
        {
            "cuenta_bancaria": repository.bank_account(provider.rut),
            "liquidaciones": [settlement_out(h).model_dump(mode="json") for h in headers],
        },
        last_activity={FISCAL: max((h.settled_on or "" for h in headers), default="")},
    )
