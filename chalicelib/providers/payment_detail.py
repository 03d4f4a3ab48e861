"""The payment detail of a care order: what the insurer pays, what is withheld, what to invoice.

Pure. Rates come from the documents context's retention table (data, dated and versioned);
each tax is rounded half-up to the centavo per order (one order is one CFDI concept), and an
invoice's expected figures are sums of its orders' rounded lines, as SAT adds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.documents.service import (
    RetentionTable,
    default_table,
    retention_lines,
)
from chalicelib.kernel.money import round_to_centavo
from chalicelib.providers.money import from_pesos, to_pesos


class UnknownRegime(ValueError):
    """The retention table has no rule for this regime (and cedular variant)."""


@dataclass(frozen=True)
class TaxLine:
    tax: str  # "isr", "iva", "cedular"
    rate: Decimal
    amount: int  # centavos


@dataclass(frozen=True)
class PaymentDetail:
    amount: int  # the *Detalle de pago* amount (centavos): the CFDI concept's Importe
    coinsurance: int  # paid by the insured to the doctor at the visit (informative)
    lines: tuple[TaxLine, ...]  # withheld by the insurer
    iva_transferred: int  # 0 when the service is exempt (the default)
    regime: str
    jalisco_cedular: bool
    table_version: int
    table_valid_from: str

    @property
    def retention_total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def to_invoice(self) -> int:
        """The invoice's Total for this order: amount + IVA (if taxed) − retentions."""
        return self.amount + self.iva_transferred - self.retention_total


def payment_detail(
    amount: int,
    coinsurance: int,
    *,
    regime: str,
    jalisco_cedular: bool,
    iva_taxed: bool = False,
    table: RetentionTable | None = None,
) -> PaymentDetail:
    """The detail of one order of `amount` centavos for a provider of `regime`."""
    table = table or default_table()
    rule = table.rule_for(regime, jalisco_cedular)
    if rule is None:
        raise UnknownRegime(regime)
    base = to_pesos(amount)
    lines = tuple(
        TaxLine(line.tax, line.rate, from_pesos(line.amount))
        for line in retention_lines(base, rule, iva_taxed=iva_taxed, table=table)
    )
    iva = from_pesos(round_to_centavo(base * table.iva_taxed_rate)) if iva_taxed else 0
    return PaymentDetail(
        amount=amount,
        coinsurance=coinsurance,
        lines=lines,
        iva_transferred=iva,
        regime=regime,
        jalisco_cedular=jalisco_cedular,
        table_version=table.version,
        table_valid_from=table.valid_from,
    )


@dataclass(frozen=True)
class InvoiceFigures:
    """What an invoice covering some orders must say, in centavos."""

    subtotal: int
    iva_transferred: int
    federal_withheld: int  # ISR (+ IVA withheld): the CFDI's TotalImpuestosRetenidos
    local_withheld: int  # the cedular tax, in the implocal complement
    total: int


def invoice_figures(details: Iterable[PaymentDetail]) -> InvoiceFigures:
    found = list(details)
    federal = sum(line.amount for d in found for line in d.lines if line.tax != "cedular")
    local = sum(line.amount for d in found for line in d.lines if line.tax == "cedular")
    return InvoiceFigures(
        subtotal=sum(d.amount for d in found),
        iva_transferred=sum(d.iva_transferred for d in found),
        federal_withheld=federal,
        local_withheld=local,
        total=sum(d.to_invoice for d in found),
    )


REGIME_LABELS = {
    "612": "persona física con actividad empresarial y profesional (régimen 612)",
    "626": "contribuyente del Régimen Simplificado de Confianza (RESICO, régimen 626)",
}
TAX_LABELS = {"isr": "ISR", "iva": "IVA retenido", "cedular": "Impuesto cedular (Jalisco)"}


def percent(rate: Decimal) -> str:
    """ "10%", "1.25%", "10.6667%" for a rate of the table."""
    return f"{(rate * 100).normalize():f}%"


def explain(detail: PaymentDetail) -> str:
    """The payment detail in a sentence or three, as the doctor reads it on the order."""
    from chalicelib.providers.money import label

    who = REGIME_LABELS.get(detail.regime, f"régimen {detail.regime}")
    if detail.jalisco_cedular:
        who += " con impuesto cedular de Jalisco"
    withheld = "; ".join(
        f"{TAX_LABELS[line.tax]} {percent(line.rate)} = {label(line.amount)}"
        for line in detail.lines
    )
    iva = (
        f"El servicio causa IVA al 16% ({label(detail.iva_transferred)}), que se suma."
        if detail.iva_transferred
        else "Los honorarios médicos están exentos de IVA."
    )
    return (
        f"Como {who}, la aseguradora te retiene sobre {label(detail.amount)}: {withheld}. "
        f"{iva} El monto a facturar es {label(detail.to_invoice)}."
    )
