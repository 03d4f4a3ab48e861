"""The rules per kind of CFDI: who issues it to whom and of which type (every kind), the
payment terms and the retentions a provider's fee invoice must carry (by the issuer's regime,
with the retention table), and the Pagos 2.0 complement of a payment (`cfdi_payment`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from chalicelib.documents.context import ValidationContext
from chalicelib.documents.retention import RetentionTable
from chalicelib.documents.validators.cfdi_xml import CFDI_PREFIX as _C
from chalicelib.documents.validators.cfdi_xml import IMPLOCAL_PREFIX as _L
from chalicelib.documents.validators.cfdi_xml import NS_PAGOS10, ZERO, decimal_of, money, tax_lines
from chalicelib.documents.validators.cfdi_xml import PAGOS_PREFIX as _P
from chalicelib.documents.verdict import Reason
from chalicelib.kernel.money import round_to_centavo

if TYPE_CHECKING:
    from lxml import etree

ISR: Final = "001"
IVA: Final = "002"


def check_identity(
    root: etree._Element, kind: str, context: ValidationContext, facts: dict[str, Any]
) -> list[Reason]:
    """The type the kind expects and the issuer and receiver the context names (every kind);
    records the CFDI's header in the facts."""
    reasons: list[Reason] = []
    issuer = root.find(_C + "Emisor")
    receiver = root.find(_C + "Receptor")
    issuer_rfc = (issuer.get("Rfc", "") if issuer is not None else "").upper()
    receiver_rfc = (receiver.get("Rfc", "") if receiver is not None else "").upper()
    document_type = root.get("TipoDeComprobante", "")
    facts.update(
        {
            "version": root.get("Version"),
            "type": document_type,
            "issued_at": root.get("Fecha"),
            "issuer_rfc": issuer_rfc,
            "issuer_name": issuer.get("Nombre") if issuer is not None else None,
            "issuer_regime": issuer.get("RegimenFiscal") if issuer is not None else None,
            "receiver_rfc": receiver_rfc,
            "receiver_name": receiver.get("Nombre") if receiver is not None else None,
            "currency": root.get("Moneda"),
            "payment_method": root.get("MetodoPago"),
            "payment_form": root.get("FormaPago"),
        }
    )
    expected_type = "P" if kind == "cfdi_payment" else "I"
    if document_type != expected_type:
        label = "complemento de pago (tipo P)" if expected_type == "P" else "de ingreso (tipo I)"
        reasons.append(
            Reason(
                "cfdi_wrong_type",
                f"El comprobante es de tipo {document_type}; se espera un CFDI {label}.",
            )
        )
    if context.issuer_rfc and issuer_rfc != context.issuer_rfc.strip().upper():
        reasons.append(
            Reason(
                "cfdi_issuer_mismatch",
                f"La factura la emite el RFC {issuer_rfc}; debe emitirla {context.issuer_rfc}.",
            )
        )
    if context.receiver_rfc and receiver_rfc != context.receiver_rfc.strip().upper():
        reasons.append(
            Reason(
                "cfdi_receiver_mismatch",
                f"La factura está a nombre del RFC {receiver_rfc}; debe emitirse al RFC "
                f"{context.receiver_rfc}.",
            )
        )
    return reasons


def check_invoice_terms(root: etree._Element) -> list[Reason]:
    """A fee invoice is paid later: method PPD, form 99."""
    if root.get("MetodoPago") == "PPD" and root.get("FormaPago") == "99":
        return []
    return [
        Reason(
            "cfdi_payment_terms",
            "La factura debe emitirse con método de pago PPD (pago en parcialidades o diferido) "
            "y forma de pago 99 (por definir).",
        )
    ]


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def check_retentions(
    root: etree._Element,
    context: ValidationContext,
    table: RetentionTable,
    facts: dict[str, Any],
) -> list[Reason]:
    """The issuer's regime decides the ISR (and cedular) retention of every concept."""
    issuer = root.find(_C + "Emisor")
    regime = issuer.get("RegimenFiscal", "") if issuer is not None else ""
    local = root.find(f"{_C}Complemento/{_L}ImpuestosLocales")
    local_retentions = [] if local is None else local.findall(_L + "RetencionesLocales")
    cedular = context.jalisco_cedular
    if cedular is None:
        cedular = bool(local_retentions)
    rule = table.rule_for(regime, cedular)
    if rule is None:
        return [
            Reason(
                "retention_regime_unknown",
                f"El régimen fiscal {regime} del emisor no tiene retenciones definidas para "
                "honorarios médicos; se esperan 612 (persona física con actividad profesional) "
                "o 626 (RESICO).",
            )
        ]
    label = f"el régimen {regime}" + (" con impuesto cedular de Jalisco" if cedular else "")
    reasons: list[Reason] = []
    treatments: set[str] = set()
    isr_total = ZERO
    cedular_expected = ZERO
    for index, concept in enumerate(root.findall(f"{_C}Conceptos/{_C}Concepto"), start=1):
        base = decimal_of(concept, "Importe") - decimal_of(concept, "Descuento")
        withheld = tax_lines(concept, f"{_C}Impuestos/{_C}Retenciones/{_C}Retencion")
        transferred = tax_lines(concept, f"{_C}Impuestos/{_C}Traslados/{_C}Traslado")
        if concept.get("ObjetoImp") != "02":
            reasons.append(
                Reason(
                    "retention_object_tax",
                    f"El concepto {index} debe llevar ObjetoImp 02 (sí objeto de impuesto), con "
                    "el IVA exento y la retención de ISR.",
                )
            )
            continue
        expected_isr = round_to_centavo(base * rule.isr_rate)
        isr_lines = [line for line in withheld if line.tax == ISR]
        isr_total += sum((line.amount or ZERO for line in isr_lines), ZERO)
        if not (
            len(isr_lines) == 1
            and isr_lines[0].rate == rule.isr_rate
            and isr_lines[0].amount == expected_isr
        ):
            found = ", ".join(
                f"{_percent(line.rate or ZERO)} = {money(line.amount or ZERO)}"
                for line in isr_lines
            )
            reasons.append(
                Reason(
                    "retention_isr_wrong",
                    f"Concepto {index}: para {label} la retención de ISR es "
                    f"{_percent(rule.isr_rate)} de {money(base)} = {money(expected_isr)}; la "
                    f"factura tiene {found or 'ninguna'}.",
                )
            )
        iva = [line for line in transferred if line.tax == IVA]
        iva_withheld = [line for line in withheld if line.tax == IVA]
        if len(iva) == 1 and iva[0].factor == "Exento":
            treatments.add("exento")
            if iva_withheld:
                reasons.append(
                    Reason(
                        "retention_iva_wrong",
                        f"Concepto {index}: el IVA está exento, así que no lleva retención de IVA.",
                    )
                )
        elif len(iva) == 1 and iva[0].factor == "Tasa" and iva[0].rate == table.iva_taxed_rate:
            treatments.add("gravado")
            expected_iva = round_to_centavo(base * table.iva_taxed_rate)
            good_withholding = (
                len(iva_withheld) == 1
                and iva_withheld[0].rate in table.iva_withholding_rates
                and iva_withheld[0].amount
                == round_to_centavo(base * (iva_withheld[0].rate or ZERO))
            )
            if iva[0].amount != expected_iva or not good_withholding:
                reasons.append(
                    Reason(
                        "retention_iva_wrong",
                        f"Concepto {index}: con IVA al 16% ({money(expected_iva)}) se retienen "
                        "dos terceras partes del IVA (tasa 0.106667).",
                    )
                )
        else:
            reasons.append(
                Reason(
                    "retention_iva_missing",
                    f"Concepto {index}: los honorarios médicos llevan el IVA como exento "
                    "(TipoFactor Exento) o, si el servicio está gravado, al 16%.",
                )
            )
        if rule.cedular_rate is not None:
            cedular_expected += round_to_centavo(base * rule.cedular_rate)
    if len(treatments) > 1:
        reasons.append(
            Reason(
                "retention_iva_inconsistent",
                "La factura mezcla conceptos con IVA exento y con IVA al 16%; deben ser todos "
                "exentos o todos gravados.",
            )
        )
    cedular_found = sum((decimal_of(line, "Importe") for line in local_retentions), ZERO)
    if rule.cedular_rate is not None:
        rates_ok = all(
            decimal_of(line, "TasadeRetencion") / 100 == rule.cedular_rate
            for line in local_retentions
        )
        if not local_retentions or not rates_ok or cedular_found != cedular_expected:
            reasons.append(
                Reason(
                    "retention_cedular_wrong",
                    f"Para {label} el impuesto cedular retenido (complemento de impuestos "
                    f"locales) es {_percent(rule.cedular_rate)} = {money(cedular_expected)}; la "
                    f"factura tiene {money(cedular_found)}.",
                )
            )
    elif local_retentions:
        reasons.append(
            Reason(
                "retention_cedular_unexpected",
                "La factura retiene un impuesto local, pero el prestador no está registrado con "
                "el impuesto cedular de Jalisco.",
            )
        )
    facts["retention"] = {
        "regime": regime,
        "jalisco_cedular": cedular,
        "isr_rate": f"{rule.isr_rate:f}",
        "isr": money(isr_total),
        "cedular": money(cedular_found),
        "iva": "/".join(sorted(treatments)) or None,
        "table_version": table.version,
    }
    return reasons


def check_payment(
    root: etree._Element, context: ValidationContext, facts: dict[str, Any]
) -> list[Reason]:
    """Pagos 2.0: balances per related document, amounts per payment, the invoice's UUID."""
    complement = root.find(f"{_C}Complemento/{_P}Pagos")
    if complement is None:
        old = root.find(f"{_C}Complemento/{{{NS_PAGOS10}}}Pagos")
        why = " (Pagos 1.0 ya no es válido)" if old is not None else ""
        return [
            Reason(
                "payment_complement_missing",
                f"El CFDI no tiene el complemento de pagos 2.0{why}.",
            )
        ]
    reasons: list[Reason] = []
    payments: list[dict[str, Any]] = []
    total_mxn = ZERO
    related_uuids: list[str] = []
    for number, payment in enumerate(complement.iterfind(_P + "Pago"), start=1):
        amount = decimal_of(payment, "Monto")
        exchange = decimal_of(payment, "TipoCambioP") if payment.get("TipoCambioP") else Decimal(1)
        total_mxn += amount * exchange
        related: list[dict[str, Any]] = []
        paid_in_payment_currency = ZERO
        for document in payment.iterfind(_P + "DoctoRelacionado"):
            document_uuid = document.get("IdDocumento", "").upper()
            related_uuids.append(document_uuid)
            previous = decimal_of(document, "ImpSaldoAnt")
            paid = decimal_of(document, "ImpPagado")
            balance = decimal_of(document, "ImpSaldoInsoluto")
            equivalence = (
                decimal_of(document, "EquivalenciaDR")
                if document.get("EquivalenciaDR")
                else Decimal(1)
            )
            paid_in_payment_currency += paid / equivalence
            if paid <= 0 or balance < 0 or previous - paid != balance:
                reasons.append(
                    Reason(
                        "payment_balance_mismatch",
                        f"Pago {number}, documento {document_uuid}: saldo anterior "
                        f"{money(previous)} − pagado {money(paid)} debe ser el saldo insoluto "
                        f"({money(balance)} en el CFDI) y no puede ser negativo.",
                    )
                )
            related.append(
                {
                    "uuid": document_uuid,
                    "installment": document.get("NumParcialidad"),
                    "previous_balance": money(previous),
                    "paid": money(paid),
                    "balance": money(balance),
                }
            )
        if round_to_centavo(paid_in_payment_currency) > round_to_centavo(amount):
            reasons.append(
                Reason(
                    "payment_amount_mismatch",
                    f"Pago {number}: el monto ({money(amount)}) es menor que lo pagado a los "
                    f"documentos relacionados ({money(paid_in_payment_currency)}).",
                )
            )
        payments.append(
            {
                "date": payment.get("FechaPago"),
                "amount": money(amount),
                "currency": payment.get("MonedaP"),
                "related_documents": related,
            }
        )
    declared_total = decimal_of(complement.find(_P + "Totales"), "MontoTotalPagos")
    if round_to_centavo(declared_total) != round_to_centavo(total_mxn):
        reasons.append(
            Reason(
                "payment_total_mismatch",
                f"El monto total de pagos ({money(declared_total)}) no es la suma de los pagos "
                f"({money(total_mxn)}).",
            )
        )
    if context.invoice_uuid and context.invoice_uuid.strip().upper() not in related_uuids:
        reasons.append(
            Reason(
                "payment_uuid_mismatch",
                f"El complemento de pago no relaciona la factura {context.invoice_uuid.upper()}.",
            )
        )
    facts["payments"] = payments
    facts["related_uuids"] = related_uuids
    facts["payments_total"] = money(total_mxn)
    return reasons
