"""The CFDI's arithmetic, with `Decimal` and half-up rounding to the centavo: the concepts
add up to the SubTotal and the Descuento, the tax totals to their lines, the document's taxes
to its concepts' (a centavo of slack per line), the local taxes to theirs, and the Total to
SubTotal − Descuento + traslados − retenciones ± impuestos locales."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from chalicelib.documents.validators.cfdi_xml import CFDI_PREFIX as _C
from chalicelib.documents.validators.cfdi_xml import IMPLOCAL_PREFIX as _L
from chalicelib.documents.validators.cfdi_xml import (
    ZERO,
    TaxLine,
    decimal_of,
    money,
    tax_lines,
)
from chalicelib.documents.verdict import Reason
from chalicelib.kernel.money import round_to_centavo

if TYPE_CHECKING:
    from lxml import etree

# Rounding slack per concept line when comparing document-level taxes with the concepts'.
CENTAVO_SLACK: Final = Decimal("0.01")


def check_arithmetic(root: etree._Element, facts: dict[str, Any]) -> list[Reason]:
    """SubTotal − Descuento + traslados − retenciones ± impuestos locales = Total."""
    reasons: list[Reason] = []
    concepts = root.findall(f"{_C}Conceptos/{_C}Concepto")
    subtotal = decimal_of(root, "SubTotal")
    discount = decimal_of(root, "Descuento")
    total = decimal_of(root, "Total")
    concept_sum = round_to_centavo(sum((decimal_of(c, "Importe") for c in concepts), ZERO))
    concept_discounts = round_to_centavo(sum((decimal_of(c, "Descuento") for c in concepts), ZERO))
    if round_to_centavo(subtotal) != concept_sum:
        reasons.append(
            Reason(
                "cfdi_subtotal_mismatch",
                f"El SubTotal ({money(subtotal)}) no es la suma de los conceptos "
                f"({money(concept_sum)}).",
            )
        )
    if round_to_centavo(discount) != concept_discounts:
        reasons.append(
            Reason(
                "cfdi_discount_mismatch",
                f"El Descuento ({money(discount)}) no es la suma de los descuentos de los "
                f"conceptos ({money(concept_discounts)}).",
            )
        )

    taxes = root.find(_C + "Impuestos")
    transferred_lines = tax_lines(taxes, f"{_C}Traslados/{_C}Traslado")
    withheld_lines = tax_lines(taxes, f"{_C}Retenciones/{_C}Retencion")
    transferred = sum((t.amount or ZERO for t in transferred_lines), ZERO)
    withheld = sum((t.amount or ZERO for t in withheld_lines), ZERO)
    declared_transferred = decimal_of(taxes, "TotalImpuestosTrasladados")
    declared_withheld = decimal_of(taxes, "TotalImpuestosRetenidos")
    if round_to_centavo(declared_transferred) != round_to_centavo(transferred) or round_to_centavo(
        declared_withheld
    ) != round_to_centavo(withheld):
        reasons.append(
            Reason(
                "cfdi_taxes_mismatch",
                "Los totales de impuestos trasladados o retenidos no son la suma de sus líneas.",
            )
        )
    reasons.extend(_check_concept_taxes(concepts, transferred_lines, withheld_lines))

    local = root.find(f"{_C}Complemento/{_L}ImpuestosLocales")
    local_withheld = decimal_of(local, "TotaldeRetenciones")
    local_transferred = decimal_of(local, "TotaldeTraslados")
    if local is not None:
        local_withheld_lines = sum(
            (decimal_of(line, "Importe") for line in local.iterfind(_L + "RetencionesLocales")),
            ZERO,
        )
        local_transferred_lines = sum(
            (decimal_of(line, "Importe") for line in local.iterfind(_L + "TrasladosLocales")),
            ZERO,
        )
        if (local_withheld, local_transferred) != (local_withheld_lines, local_transferred_lines):
            reasons.append(
                Reason(
                    "cfdi_local_taxes_mismatch",
                    "Los totales de impuestos locales no son la suma de sus líneas.",
                )
            )

    expected = round_to_centavo(
        subtotal - discount + transferred - withheld + local_transferred - local_withheld
    )
    facts.update(
        {
            "subtotal": money(subtotal),
            "discount": money(discount),
            "transferred_taxes": money(transferred),
            "withheld_taxes": money(withheld),
            "local_transferred_taxes": money(local_transferred),
            "local_withheld_taxes": money(local_withheld),
            "total": money(total),
            "concepts": len(concepts),
            # What each concept says and charges, for owners that match concepts to their
            # own records (a provider's invoice: one concept per care order).
            "concept_lines": [
                {
                    "description": concept.get("Descripcion", ""),
                    "amount": money(decimal_of(concept, "Importe")),
                    "discount": money(decimal_of(concept, "Descuento")),
                }
                for concept in concepts
            ],
        }
    )
    if round_to_centavo(total) != expected:
        reasons.append(
            Reason(
                "cfdi_total_mismatch",
                f"El Total de la factura ({money(total)}) no cuadra: SubTotal − descuentos + "
                f"impuestos trasladados − retenidos ± impuestos locales da {money(expected)}.",
            )
        )
    return reasons


def _check_concept_taxes(
    concepts: list[etree._Element], transferred: list[TaxLine], withheld: list[TaxLine]
) -> list[Reason]:
    """Document-level taxes per tax equal the concepts' lines (a centavo per line of slack)."""
    concept_withheld: dict[str, list[Decimal]] = {}
    concept_transferred: dict[tuple[str, str, Decimal | None], list[Decimal]] = {}
    for concept in concepts:
        for line in tax_lines(concept, f"{_C}Impuestos/{_C}Retenciones/{_C}Retencion"):
            concept_withheld.setdefault(line.tax, []).append(line.amount or ZERO)
        for line in tax_lines(concept, f"{_C}Impuestos/{_C}Traslados/{_C}Traslado"):
            if line.factor != "Exento":
                key = (line.tax, line.factor, line.rate)
                concept_transferred.setdefault(key, []).append(line.amount or ZERO)
    document_withheld = {line.tax: line.amount or ZERO for line in withheld}
    document_transferred = {
        (line.tax, line.factor, line.rate): line.amount or ZERO
        for line in transferred
        if line.factor != "Exento"
    }
    mismatched = set(concept_withheld) != set(document_withheld) or set(concept_transferred) != set(
        document_transferred
    )
    for tax, amounts in concept_withheld.items():
        slack = CENTAVO_SLACK * len(amounts)
        if abs(sum(amounts, ZERO) - document_withheld.get(tax, ZERO)) > slack:
            mismatched = True
    for key, amounts in concept_transferred.items():
        slack = CENTAVO_SLACK * len(amounts)
        if abs(sum(amounts, ZERO) - document_transferred.get(key, ZERO)) > slack:
            mismatched = True
    if not mismatched:
        return []
    return [
        Reason(
            "cfdi_taxes_mismatch",
            "Los impuestos del comprobante no coinciden con los impuestos de sus conceptos.",
        )
    ]
