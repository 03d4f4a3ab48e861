"""Providers persistence: the only door to this context's PynamoDB models.

Each part lives in its own module: `repository_common` (the records handed out, the conflicts
raised, paging; no model), `repository_orders` (care orders), `repository_bank_accounts`,
`repository_invoices` (invoices and their CFDI's verdict) and `repository_payments` (the
payment and the payment complement); each deletes its own records for the privacy rights.

Models are imported inside the functions (the API's import path must not load PynamoDB).
Every state change is conditional on the state it leaves, so a repeated or concurrent call
(a redelivered verdict, a double click) changes nothing the second time.
"""

from __future__ import annotations

from chalicelib.providers.repository_bank_accounts import (
    bank_accounts,
    create_bank_account,
    decide_bank_account,
    delete_bank_account,
)
from chalicelib.providers.repository_common import (
    AccountNumberTaken,
    BankAccount,
    CareOrder,
    Invoice,
    InvoiceStateChanged,
    OrdersNotAvailable,
    Page,
    StageEmails,
    StillUndecided,
)
from chalicelib.providers.repository_invoices import (
    create_invoice,
    decide_invoice,
    delete_invoice,
    get_invoice,
    invoices_of_insurer,
    invoices_of_provider,
    record_sat_status,
)
from chalicelib.providers.repository_orders import (
    all_orders_of_provider,
    create_orders,
    delete_order,
    get_order,
    get_orders,
    orders_by_account,
    orders_of_insurer,
    orders_of_provider,
    replace_orders,
    set_order_format,
)
from chalicelib.providers.repository_payments import (
    attach_complement,
    decide_complement,
    record_payment,
)

__all__ = [
    "AccountNumberTaken",
    "BankAccount",
    "CareOrder",
    "Invoice",
    "InvoiceStateChanged",
    "OrdersNotAvailable",
    "Page",
    "StageEmails",
    "StillUndecided",
    "all_orders_of_provider",
    "attach_complement",
    "bank_accounts",
    "create_bank_account",
    "create_invoice",
    "create_orders",
    "decide_bank_account",
    "decide_complement",
    "decide_invoice",
    "delete_bank_account",
    "delete_invoice",
    "delete_order",
    "get_invoice",
    "get_order",
    "get_orders",
    "invoices_of_insurer",
    "invoices_of_provider",
    "orders_by_account",
    "orders_of_insurer",
    "orders_of_provider",
    "record_payment",
    "record_sat_status",
    "replace_orders",
    "set_order_format",
]
