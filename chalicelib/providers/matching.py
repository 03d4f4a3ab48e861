"""Does a CFDI the pipeline accepted match the care orders it invoices? Pure.

The documents pipeline has already checked the schema, the arithmetic, PPD/99, the RFCs
declared to it and the retention by regime. These are the rules that need the orders: one
concept per order carrying its account number and patient name, SubTotal = the orders'
amounts, retentions and Total as the payment detail gives them (to the centavo). Each rule
has its own code and a Spanish message that tells the doctor what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.kernel.money import round_to_centavo
from chalicelib.kernel.text import name_key
from chalicelib.providers.money import format_amount, from_pesos
from chalicelib.providers.payment_detail import PaymentDetail, invoice_figures

Reason = tuple[str, str]


@dataclass(frozen=True)
class OrderToMatch:
    account_number: str
    patient_name: str
    detail: PaymentDetail


def _centavos(value: Any) -> int | None:
    try:
        return from_pesos(round_to_centavo(Decimal(str(value))))
    except (InvalidOperation, ValueError):
        return None


def _mentions(description: str, order: OrderToMatch) -> bool:
    text = name_key(description)
    number = re.escape(name_key(order.account_number))
    has_number = re.search(rf"(?<![A-Z0-9]){number}(?![A-Z0-9])", text) is not None
    return has_number and name_key(order.patient_name) in text


def match_invoice(facts: dict[str, Any], orders: list[OrderToMatch], regime: str) -> list[Reason]:
    """Every rule the invoice breaks, in the order a doctor would fix them."""
    reasons: list[Reason] = []
    issuer_regime = str(facts.get("issuer_regime") or "")
    if issuer_regime != regime:
        reasons.append(
            (
                "invoice_regime_mismatch",
                f"La factura se emitió con el régimen fiscal {issuer_regime or '(vacío)'}, pero "
                f"tu cuenta está registrada con el régimen {regime}. Emite la factura con tu "
                "régimen registrado.",
            )
        )
    concepts = [c for c in facts.get("concept_lines") or [] if isinstance(c, dict)]
    if len(concepts) != len(orders):
        reasons.append(
            (
                "invoice_concept_count",
                f"La factura tiene {len(concepts)} concepto(s) y estás facturando "
                f"{len(orders)} orden(es): debe haber un concepto por cada orden.",
            )
        )
    free = list(range(len(concepts)))
    for order in orders:
        found = next(
            (i for i in free if _mentions(str(concepts[i].get("description", "")), order)), None
        )
        if found is None:
            reasons.append(
                (
                    "invoice_concept_missing",
                    f"Ningún concepto menciona la cuenta {order.account_number} y el paciente "
                    f"{order.patient_name}. Escribe ambos en la descripción del concepto de esa "
                    "orden.",
                )
            )
            continue
        free.remove(found)
        amount = _centavos(concepts[found].get("amount"))
        if amount != order.detail.amount:
            reasons.append(
                (
                    "invoice_concept_amount",
                    f"El concepto de la cuenta {order.account_number} tiene un importe de "
                    f"{concepts[found].get('amount')}; el detalle de pago de esa orden es "
                    f"{format_amount(order.detail.amount)}.",
                )
            )
    expected = invoice_figures(order.detail for order in orders)
    subtotal = _centavos(facts.get("subtotal"))
    if subtotal != expected.subtotal:
        reasons.append(
            (
                "invoice_subtotal_mismatch",
                f"El SubTotal de la factura ({facts.get('subtotal')}) debe ser la suma de los "
                f"montos de las órdenes: {format_amount(expected.subtotal)}.",
            )
        )
    withheld = (_centavos(facts.get("withheld_taxes")) or 0) + (
        _centavos(facts.get("local_withheld_taxes")) or 0
    )
    if withheld != expected.federal_withheld + expected.local_withheld:
        reasons.append(
            (
                "invoice_retention_mismatch",
                f"Las retenciones de la factura suman {format_amount(withheld)}; según la tabla "
                "de retenciones de tu régimen deben ser "
                f"{format_amount(expected.federal_withheld + expected.local_withheld)}.",
            )
        )
    total = _centavos(facts.get("total"))
    if total != expected.total:
        reasons.append(
            (
                "invoice_total_mismatch",
                f"El Total de la factura ({facts.get('total')}) debe ser el monto a facturar: "
                f"{format_amount(expected.total)}.",
            )
        )
    return reasons


def match_complement(
    facts: dict[str, Any], invoice_uuid: str, invoice_total: int, paid: int
) -> list[Reason]:
    """A payment complement must pay this invoice by the amount recorded, with its balances."""
    related = [
        document
        for payment in facts.get("payments") or []
        for document in payment.get("related_documents") or []
        if str(document.get("uuid", "")).upper() == invoice_uuid.upper()
    ]
    if not related:
        return [
            (
                "complement_invoice_missing",
                f"El complemento no relaciona la factura con folio fiscal {invoice_uuid}.",
            )
        ]
    reasons: list[Reason] = []
    document = related[0]
    if _centavos(document.get("paid")) != paid:
        reasons.append(
            (
                "complement_paid_mismatch",
                f"El complemento registra un pago de {document.get('paid')}; la aseguradora "
                f"pagó {format_amount(paid)}.",
            )
        )
    if _centavos(document.get("previous_balance")) != invoice_total:
        reasons.append(
            (
                "complement_balance_mismatch",
                f"El saldo anterior del complemento ({document.get('previous_balance')}) debe ser "
                f"el total de la factura: {format_amount(invoice_total)}.",
            )
        )
    if _centavos(document.get("balance")) != invoice_total - paid:
        reasons.append(
            (
                "complement_balance_mismatch",
                f"El saldo insoluto del complemento ({document.get('balance')}) debe ser "
                f"{format_amount(invoice_total - paid)}.",
            )
        )
    return reasons
