"""The account statement: one row per order with its amounts, and totals that are sums of
the rows (centavos, so they always reconcile). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# What a state means to the doctor (pages and the Excel file).
STATUS_LABELS = {
    "registrada": "Por facturar",
    "factura_validada": "Factura validada",
    "pagada": "Pagada",
    "complemento_pendiente": "Pagada, complemento de pago pendiente",
    "complemento_recibido": "Completa: complemento recibido",
}
PAID_STATES = frozenset({"pagada", "complemento_pendiente", "complemento_recibido"})


@dataclass(frozen=True)
class Row:
    order_id: str
    account_number: str
    patient_name: str
    service: str
    date: str
    status: str
    amount: int
    retention: int
    to_invoice: int
    paid: int
    invoice_id: str | None
    # The fiscal folio (UUID of the CFDI's stamp) of the order's invoice, once accepted.
    invoice_uuid: str | None = None

    @property
    def complement_due(self) -> bool:
        return self.status == "complemento_pendiente"


@dataclass(frozen=True)
class Totals:
    orders: int
    amount: int
    retention: int
    to_invoice: int
    paid: int
    pending_payment: int
    complements_due: int


def totals(rows: Iterable[Row]) -> Totals:
    found = list(rows)
    to_invoice = sum(row.to_invoice for row in found)
    paid = sum(row.paid for row in found)
    return Totals(
        orders=len(found),
        amount=sum(row.amount for row in found),
        retention=sum(row.retention for row in found),
        to_invoice=to_invoice,
        paid=paid,
        pending_payment=sum(row.to_invoice for row in found if row.status not in PAID_STATES),
        complements_due=sum(1 for row in found if row.complement_due),
    )
