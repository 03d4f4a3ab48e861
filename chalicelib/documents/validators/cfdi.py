"""CFDI 4.0 XML: safe parsing, SAT schema, arithmetic, stamp, and per-kind rules.

Order: size cap; no DOCTYPE or entity declaration anywhere (that alone rules out entity
bombs and external entities, and lxml is also told not to resolve entities, load DTDs or
touch the network); parse; namespace (3.3 is obsolete, anything else is not a CFDI); remove the
`Addenda` (free-form, not SAT's) and complements we have no schema for; validate against SAT's
schemas (loaded once, lazily); then the rules, with `Decimal` and half-up rounding to the
centavo.

Kinds: `cfdi_invoice` (a provider's fee invoice to an insurer: retention table, PPD/99, RFCs),
`cfdi_expense` (an expense invoice attached to a claim: arithmetic only), `cfdi_payment`
(type P with Pagos 2.0 and its related documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from chalicelib.documents import limits, magic
from chalicelib.documents.context import ValidationContext
from chalicelib.documents.retention import RetentionTable, default_table
from chalicelib.documents.verdict import Reason, Verdict, judge, reject
from chalicelib.kernel.money import round_to_centavo

if TYPE_CHECKING:
    from lxml import etree

NS_CFDI4: Final = "http://www.sat.gob.mx/cfd/4"
NS_CFDI3: Final = "http://www.sat.gob.mx/cfd/3"
NS_TFD: Final = "http://www.sat.gob.mx/TimbreFiscalDigital"
NS_PAGOS20: Final = "http://www.sat.gob.mx/Pagos20"
NS_PAGOS10: Final = "http://www.sat.gob.mx/Pagos"
NS_IMPLOCAL: Final = "http://www.sat.gob.mx/implocal"
SCHEMA_NAMESPACES: Final = frozenset({NS_TFD, NS_PAGOS20, NS_IMPLOCAL})
_BUNDLE: Final = Path(__file__).resolve().parents[1] / "schemas" / "sat" / "cfdi40_bundle.xsd"

_C: Final = "{" + NS_CFDI4 + "}"
_P: Final = "{" + NS_PAGOS20 + "}"
_L: Final = "{" + NS_IMPLOCAL + "}"
_ZERO: Final = Decimal(0)
ISR: Final = "001"
# Rounding slack per concept line when comparing document-level taxes with the concepts'.
CENTAVO_SLACK: Final = Decimal("0.01")
IVA: Final = "002"

_DECLARATION: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SCHEMA_WHERE: Final = re.compile(r"Element '(?:\{[^}]*\})?([\w]+)'(?:, attribute '([\w]+)')?")

TOO_LARGE: Final = Reason(
    "xml_too_large",
    "El XML pesa más de 2 MB; una factura electrónica pesa unos cuantos KB. Sube el XML "
    "original que te entregó el emisor.",
)
DECLARATIONS: Final = Reason(
    "xml_declarations_not_allowed",
    "El XML contiene declaraciones (DOCTYPE o ENTITY) que una factura electrónica no lleva; "
    "por seguridad no lo aceptamos. Sube el XML original sin modificarlo.",
)
NOT_UTF8: Final = Reason(
    "xml_encoding",
    "El XML no está codificado en UTF-8, como exige el SAT. Sube el XML original sin "
    "abrirlo ni guardarlo con otro programa.",
)
MALFORMED: Final = Reason(
    "xml_malformed",
    "El XML está dañado o incompleto. Sube el XML original que te entregó el emisor.",
)
OBSOLETE: Final = Reason(
    "cfdi_version_obsolete",
    "La factura es CFDI 3.3, versión que el SAT ya no acepta. Pide al emisor una factura CFDI 4.0.",
)
NOT_CFDI: Final = Reason(
    "not_cfdi",
    "El XML no es una factura electrónica (CFDI). Sube el XML de la factura.",
)
UUID_MISSING: Final = Reason(
    "cfdi_uuid_missing",
    "La factura no está timbrada: no tiene folio fiscal (UUID del Timbre Fiscal Digital). "
    "Sube el XML timbrado que te entregó el emisor.",
)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


@lru_cache(maxsize=1)
def cfdi_schema() -> etree.XMLSchema:
    """SAT's CFDI 4.0 + TFD + Pagos 2.0 + implocal schemas, built once per process."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(_BUNDLE), parser=_parser()))


def _decimal(element: etree._Element | None, attribute: str) -> Decimal:
    if element is None:
        return _ZERO
    raw = element.get(attribute)
    if raw is None:
        return _ZERO
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        return _ZERO


@dataclass(frozen=True)
class _Tax:
    tax: str
    factor: str
    rate: Decimal | None
    base: Decimal
    amount: Decimal | None


def _taxes(parent: etree._Element | None, path: str) -> list[_Tax]:
    if parent is None:
        return []
    found = []
    for line in parent.iterfind(path):
        found.append(
            _Tax(
                tax=line.get("Impuesto", ""),
                factor=line.get("TipoFactor", ""),
                rate=_decimal(line, "TasaOCuota") if line.get("TasaOCuota") else None,
                base=_decimal(line, "Base"),
                amount=_decimal(line, "Importe") if line.get("Importe") else None,
            )
        )
    return found


def _schema_reason(error_log: Any) -> tuple[Reason, list[str]]:
    messages = [str(entry.message) for entry in list(error_log)[:5]]
    where = ""
    match = _SCHEMA_WHERE.search(messages[0]) if messages else None
    if match:
        where = match.group(1) + (f"/@{match.group(2)}" if match.group(2) else "")
    detail = f" (revisa {where})" if where else ""
    return (
        Reason(
            "cfdi_schema",
            f"La factura no cumple el formato oficial del SAT para CFDI 4.0{detail}. Pide al "
            "emisor una factura corregida.",
        ),
        messages,
    )


def _strip_foreign(root: etree._Element, facts: dict[str, Any]) -> None:
    """Remove the Addenda and complements we have no schema for (recorded in facts)."""
    for addenda in root.findall(_C + "Addenda"):
        root.remove(addenda)
        facts["addenda_removed"] = True
    skipped: list[str] = []
    holders = root.findall(_C + "Complemento") + root.findall(
        f"{_C}Conceptos/{_C}Concepto/{_C}ComplementoConcepto"
    )
    for holder in holders:
        for child in list(holder):
            namespace = (
                child.tag.partition("}")[0].lstrip("{") if isinstance(child.tag, str) else ""
            )
            if namespace not in SCHEMA_NAMESPACES:
                skipped.append(namespace or "(sin espacio de nombres)")
                holder.remove(child)
    if skipped:
        facts["unvalidated_complements"] = sorted(set(skipped))


def parse_cfdi(data: bytes) -> tuple[etree._Element | None, Reason | None]:
    """Refuse what must not be parsed, then parse with every external access off."""
    from lxml import etree

    if len(data) > limits.MAX_XML_BYTES:
        return None, TOO_LARGE
    body = data.removeprefix(magic.UTF8_BOM)
    if _DECLARATION.search(body):
        return None, DECLARATIONS
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None, NOT_UTF8
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None, MALFORMED
    docinfo = root.getroottree().docinfo
    doctype: str = getattr(docinfo, "doctype", "")  # missing from lxml-stubs
    if doctype or docinfo.internalDTD is not None:
        return None, DECLARATIONS
    return root, None


def validate_cfdi(data: bytes, kind: str, context: ValidationContext) -> Verdict:
    root, reason = parse_cfdi(data)
    if reason is not None or root is None:
        return Verdict(status="rechazado", reasons=(reason or MALFORMED,))
    if root.tag == "{" + NS_CFDI3 + "}Comprobante":
        return reject(OBSOLETE.code, OBSOLETE.message, {"version": root.get("Version")})
    if root.tag != _C + "Comprobante":
        return reject(NOT_CFDI.code, NOT_CFDI.message)

    facts: dict[str, Any] = {"addenda_removed": False}
    _strip_foreign(root, facts)
    schema = cfdi_schema()
    if not schema.validate(root):
        schema_reason, messages = _schema_reason(schema.error_log)
        facts["schema_errors"] = messages
        return Verdict(status="rechazado", reasons=(schema_reason,), facts=facts)

    reasons: list[Reason] = []
    stamp = root.find(f"{_C}Complemento/{{{NS_TFD}}}TimbreFiscalDigital")
    uuid = stamp.get("UUID") if stamp is not None else None
    if uuid:
        facts["uuid"] = uuid.upper()
    else:
        reasons.append(UUID_MISSING)

    reasons.extend(_check_identity(root, kind, context, facts))
    reasons.extend(_check_arithmetic(root, facts))
    if kind == "cfdi_invoice":
        reasons.extend(_check_invoice_terms(root))
        reasons.extend(
            _check_retentions(root, context, context.retention_table or default_table(), facts)
        )
    elif kind == "cfdi_payment":
        reasons.extend(_check_payment(root, context, facts))
    return judge(reasons, facts)


def _check_identity(
    root: etree._Element, kind: str, context: ValidationContext, facts: dict[str, Any]
) -> list[Reason]:
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


def _check_arithmetic(root: etree._Element, facts: dict[str, Any]) -> list[Reason]:
    """SubTotal − Descuento + traslados − retenciones ± impuestos locales = Total."""
    reasons: list[Reason] = []
    concepts = root.findall(f"{_C}Conceptos/{_C}Concepto")
    subtotal = _decimal(root, "SubTotal")
    discount = _decimal(root, "Descuento")
    total = _decimal(root, "Total")
    concept_sum = round_to_centavo(sum((_decimal(c, "Importe") for c in concepts), _ZERO))
    concept_discounts = round_to_centavo(sum((_decimal(c, "Descuento") for c in concepts), _ZERO))
    if round_to_centavo(subtotal) != concept_sum:
        reasons.append(
            Reason(
                "cfdi_subtotal_mismatch",
                f"El SubTotal ({_money(subtotal)}) no es la suma de los conceptos "
                f"({_money(concept_sum)}).",
            )
        )
    if round_to_centavo(discount) != concept_discounts:
        reasons.append(
            Reason(
                "cfdi_discount_mismatch",
                f"El Descuento ({_money(discount)}) no es la suma de los descuentos de los "
                f"conceptos ({_money(concept_discounts)}).",
            )
        )

    taxes = root.find(_C + "Impuestos")
    transferred_lines = _taxes(taxes, f"{_C}Traslados/{_C}Traslado")
    withheld_lines = _taxes(taxes, f"{_C}Retenciones/{_C}Retencion")
    transferred = sum((t.amount or _ZERO for t in transferred_lines), _ZERO)
    withheld = sum((t.amount or _ZERO for t in withheld_lines), _ZERO)
    declared_transferred = _decimal(taxes, "TotalImpuestosTrasladados")
    declared_withheld = _decimal(taxes, "TotalImpuestosRetenidos")
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
    local_withheld = _decimal(local, "TotaldeRetenciones")
    local_transferred = _decimal(local, "TotaldeTraslados")
    if local is not None:
        local_withheld_lines = sum(
            (_decimal(line, "Importe") for line in local.iterfind(_L + "RetencionesLocales")),
            _ZERO,
        )
        local_transferred_lines = sum(
            (_decimal(line, "Importe") for line in local.iterfind(_L + "TrasladosLocales")),
            _ZERO,
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
            "subtotal": _money(subtotal),
            "discount": _money(discount),
            "transferred_taxes": _money(transferred),
            "withheld_taxes": _money(withheld),
            "local_transferred_taxes": _money(local_transferred),
            "local_withheld_taxes": _money(local_withheld),
            "total": _money(total),
            "concepts": len(concepts),
            # What each concept says and charges, for owners that match concepts to their
            # own records (a provider's invoice: one concept per care order).
            "concept_lines": [
                {
                    "description": concept.get("Descripcion", ""),
                    "amount": _money(_decimal(concept, "Importe")),
                    "discount": _money(_decimal(concept, "Descuento")),
                }
                for concept in concepts
            ],
        }
    )
    if round_to_centavo(total) != expected:
        reasons.append(
            Reason(
                "cfdi_total_mismatch",
                f"El Total de la factura ({_money(total)}) no cuadra: SubTotal − descuentos + "
                f"impuestos trasladados − retenidos ± impuestos locales da {_money(expected)}.",
            )
        )
    return reasons


def _check_concept_taxes(
    concepts: list[etree._Element], transferred: list[_Tax], withheld: list[_Tax]
) -> list[Reason]:
    """Document-level taxes per tax equal the concepts' lines (a centavo per line of slack)."""
    concept_withheld: dict[str, list[Decimal]] = {}
    concept_transferred: dict[tuple[str, str, Decimal | None], list[Decimal]] = {}
    for concept in concepts:
        for line in _taxes(concept, f"{_C}Impuestos/{_C}Retenciones/{_C}Retencion"):
            concept_withheld.setdefault(line.tax, []).append(line.amount or _ZERO)
        for line in _taxes(concept, f"{_C}Impuestos/{_C}Traslados/{_C}Traslado"):
            if line.factor != "Exento":
                key = (line.tax, line.factor, line.rate)
                concept_transferred.setdefault(key, []).append(line.amount or _ZERO)
    document_withheld = {line.tax: line.amount or _ZERO for line in withheld}
    document_transferred = {
        (line.tax, line.factor, line.rate): line.amount or _ZERO
        for line in transferred
        if line.factor != "Exento"
    }
    mismatched = set(concept_withheld) != set(document_withheld) or set(concept_transferred) != set(
        document_transferred
    )
    for tax, amounts in concept_withheld.items():
        slack = CENTAVO_SLACK * len(amounts)
        if abs(sum(amounts, _ZERO) - document_withheld.get(tax, _ZERO)) > slack:
            mismatched = True
    for key, amounts in concept_transferred.items():
        slack = CENTAVO_SLACK * len(amounts)
        if abs(sum(amounts, _ZERO) - document_transferred.get(key, _ZERO)) > slack:
            mismatched = True
    if not mismatched:
        return []
    return [
        Reason(
            "cfdi_taxes_mismatch",
            "Los impuestos del comprobante no coinciden con los impuestos de sus conceptos.",
        )
    ]


def _check_invoice_terms(root: etree._Element) -> list[Reason]:
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


def _check_retentions(
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
    isr_total = _ZERO
    cedular_expected = _ZERO
    for index, concept in enumerate(root.findall(f"{_C}Conceptos/{_C}Concepto"), start=1):
        base = _decimal(concept, "Importe") - _decimal(concept, "Descuento")
        withheld = _taxes(concept, f"{_C}Impuestos/{_C}Retenciones/{_C}Retencion")
        transferred = _taxes(concept, f"{_C}Impuestos/{_C}Traslados/{_C}Traslado")
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
        isr_total += sum((line.amount or _ZERO for line in isr_lines), _ZERO)
        if not (
            len(isr_lines) == 1
            and isr_lines[0].rate == rule.isr_rate
            and isr_lines[0].amount == expected_isr
        ):
            found = ", ".join(
                f"{_percent(line.rate or _ZERO)} = {_money(line.amount or _ZERO)}"
                for line in isr_lines
            )
            reasons.append(
                Reason(
                    "retention_isr_wrong",
                    f"Concepto {index}: para {label} la retención de ISR es "
                    f"{_percent(rule.isr_rate)} de {_money(base)} = {_money(expected_isr)}; la "
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
                == round_to_centavo(base * (iva_withheld[0].rate or _ZERO))
            )
            if iva[0].amount != expected_iva or not good_withholding:
                reasons.append(
                    Reason(
                        "retention_iva_wrong",
                        f"Concepto {index}: con IVA al 16% ({_money(expected_iva)}) se retienen "
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
    cedular_found = sum((_decimal(line, "Importe") for line in local_retentions), _ZERO)
    if rule.cedular_rate is not None:
        rates_ok = all(
            _decimal(line, "TasadeRetencion") / 100 == rule.cedular_rate
            for line in local_retentions
        )
        if not local_retentions or not rates_ok or cedular_found != cedular_expected:
            reasons.append(
                Reason(
                    "retention_cedular_wrong",
                    f"Para {label} el impuesto cedular retenido (complemento de impuestos "
                    f"locales) es {_percent(rule.cedular_rate)} = {_money(cedular_expected)}; la "
                    f"factura tiene {_money(cedular_found)}.",
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
        "isr": _money(isr_total),
        "cedular": _money(cedular_found),
        "iva": "/".join(sorted(treatments)) or None,
        "table_version": table.version,
    }
    return reasons


def _check_payment(
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
    total_mxn = _ZERO
    related_uuids: list[str] = []
    for number, payment in enumerate(complement.iterfind(_P + "Pago"), start=1):
        amount = _decimal(payment, "Monto")
        exchange = _decimal(payment, "TipoCambioP") if payment.get("TipoCambioP") else Decimal(1)
        total_mxn += amount * exchange
        related: list[dict[str, Any]] = []
        paid_in_payment_currency = _ZERO
        for document in payment.iterfind(_P + "DoctoRelacionado"):
            document_uuid = document.get("IdDocumento", "").upper()
            related_uuids.append(document_uuid)
            previous = _decimal(document, "ImpSaldoAnt")
            paid = _decimal(document, "ImpPagado")
            balance = _decimal(document, "ImpSaldoInsoluto")
            equivalence = (
                _decimal(document, "EquivalenciaDR")
                if document.get("EquivalenciaDR")
                else Decimal(1)
            )
            paid_in_payment_currency += paid / equivalence
            if paid <= 0 or balance < 0 or previous - paid != balance:
                reasons.append(
                    Reason(
                        "payment_balance_mismatch",
                        f"Pago {number}, documento {document_uuid}: saldo anterior "
                        f"{_money(previous)} − pagado {_money(paid)} debe ser el saldo insoluto "
                        f"({_money(balance)} en el CFDI) y no puede ser negativo.",
                    )
                )
            related.append(
                {
                    "uuid": document_uuid,
                    "installment": document.get("NumParcialidad"),
                    "previous_balance": _money(previous),
                    "paid": _money(paid),
                    "balance": _money(balance),
                }
            )
        if round_to_centavo(paid_in_payment_currency) > round_to_centavo(amount):
            reasons.append(
                Reason(
                    "payment_amount_mismatch",
                    f"Pago {number}: el monto ({_money(amount)}) es menor que lo pagado a los "
                    f"documentos relacionados ({_money(paid_in_payment_currency)}).",
                )
            )
        payments.append(
            {
                "date": payment.get("FechaPago"),
                "amount": _money(amount),
                "currency": payment.get("MonedaP"),
                "related_documents": related,
            }
        )
    declared_total = _decimal(complement.find(_P + "Totales"), "MontoTotalPagos")
    if round_to_centavo(declared_total) != round_to_centavo(total_mxn):
        reasons.append(
            Reason(
                "payment_total_mismatch",
                f"El monto total de pagos ({_money(declared_total)}) no es la suma de los pagos "
                f"({_money(total_mxn)}).",
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
    facts["payments_total"] = _money(total_mxn)
    return reasons
