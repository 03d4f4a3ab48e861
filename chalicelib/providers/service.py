"""Providers (Mexico): the only door into this context.

A provider registers a bank account (CLABE + bank statement validated by the documents
pipeline), sees its care orders with their payment detail (what the insurer pays, what is
withheld by regime, what to invoice), uploads the CFDI that invoices some of them, and after
the insurer records the payment, the payment complement; the statement shows where each
order stands. Operators load digital care orders and record payments.

Other contexts, the routes and the tests reach its functions here; each part lives in its own
module: `bank_accounts`, `care_orders` (digital orders and their payment detail),
`traditional_orders` (orders with their PDFs and the merged format), `invoices` (the CFDI and
the order-matching rules it is checked against), `invoice_payments` (the payment and its
complement), `account_statement` and `privacy` (ARCO rights); `access` says who may see what
and `presentation` how it is shown. Persistence is behind `repository`.

The hooks the documents context asks for are below (chalicelib/wiring.py registers them): the
verdict check on invoice files (the order-matching rules, before the pipeline reserves the CFDI
UUID) and the verdict listeners of bank statements, invoices, complements and traditional
orders' PDFs. Listeners are idempotent: every state change is conditional on the state it
leaves.
"""

from __future__ import annotations

from chalicelib.documents import service as documents
from chalicelib.documents.service import DocumentOwner
from chalicelib.providers.access import NotAMexicanProvider
from chalicelib.providers.account_statement import EXPORTS_PREFIX, statement
from chalicelib.providers.bank_accounts import (
    NO_INSURER,
    bank_account,
    on_bank_statement,
    register_bank_account,
)
from chalicelib.providers.care_orders import (
    care_order,
    care_orders,
    import_orders,
    imported_order,
    load_digital_orders,
    operator_orders,
    orders_by_account,
    provider_for_orders,
)
from chalicelib.providers.invoice_payments import (
    recheck_sat_status,
    record_payment,
    request_complement,
)
from chalicelib.providers.invoices import (
    check_invoice_document,
    create_invoice,
    invoice,
    invoices,
    on_invoice_document,
    operator_invoices,
)
from chalicelib.providers.presentation import EXPORT_LIFETIME
from chalicelib.providers.privacy import erase_personal_data, personal_data, purge_retained
from chalicelib.providers.repository import CareOrder
from chalicelib.providers.sat_checks import handle_check as handle_sat_check
from chalicelib.providers.traditional_orders import (
    FORMAT_NAME,
    TRADITIONAL_PARTS,
    on_order_document,
    order_format,
    register_traditional_order,
)

__all__ = [
    "EXPORTS_PREFIX",
    "EXPORT_LIFETIME",
    "FORMAT_NAME",
    "NO_INSURER",
    "TRADITIONAL_PARTS",
    "CareOrder",
    "NotAMexicanProvider",
    "bank_account",
    "care_order",
    "care_orders",
    "create_invoice",
    "document_hooks",
    "erase_personal_data",
    "handle_sat_check",
    "import_orders",
    "imported_order",
    "invoice",
    "invoices",
    "load_digital_orders",
    "operator_invoices",
    "operator_orders",
    "order_format",
    "orders_by_account",
    "personal_data",
    "provider_for_orders",
    "purge_retained",
    "recheck_sat_status",
    "record_payment",
    "register_bank_account",
    "register_traditional_order",
    "request_complement",
    "statement",
]


def document_hooks() -> dict[DocumentOwner, documents.DocumentHooks]:
    """What the documents pipeline asks this context (chalicelib/wiring.py registers it)."""
    return {
        DocumentOwner.INVOICE: documents.DocumentHooks(
            listener=on_invoice_document, check=check_invoice_document
        ),
        DocumentOwner.BANK_ACCOUNT: documents.DocumentHooks(listener=on_bank_statement),
        DocumentOwner.CARE_ORDER: documents.DocumentHooks(listener=on_order_document),
    }
