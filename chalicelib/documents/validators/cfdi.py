"""CFDI 4.0 XML: safe parsing, SAT schema, arithmetic, stamp, and per-kind rules.

Order: size cap; no DOCTYPE or entity declaration anywhere (that alone rules out entity
bombs and external entities, and lxml is also told not to resolve entities, load DTDs or
touch the network); parse; namespace (3.3 is obsolete, anything else is not a CFDI); remove the
`Addenda` (free-form, not SAT's) and complements we have no schema for; validate against SAT's
schemas (loaded once, lazily); then the rules, with `Decimal` and half-up rounding to the
centavo; last, authenticity (`cfdi_seal`: the seal over the cadena original taken before
anything was removed, the certificate and its authority, SAT's stamp).

Kinds: `cfdi_invoice` (a provider's fee invoice to an insurer: retention table, PPD/99, RFCs),
`cfdi_expense` (an expense invoice attached to a claim: arithmetic only), `cfdi_payment`
(type P with Pagos 2.0 and its related documents).

`validate_cfdi` runs the whole order; each step lives in its own module: `cfdi_xml` (safe
parsing, the schema and what it does not cover, reading amounts and tax lines),
`cfdi_arithmetic` (the totals and taxes add up) and `cfdi_rules` (identity and type, the fee
invoice's terms and retentions, the payment complement).
"""

from __future__ import annotations

from typing import Any, Final

from chalicelib.documents.context import ValidationContext
from chalicelib.documents.retention import default_table
from chalicelib.documents.validators.cfdi_arithmetic import CENTAVO_SLACK, check_arithmetic
from chalicelib.documents.validators.cfdi_rules import (
    ISR,
    IVA,
    check_identity,
    check_invoice_terms,
    check_payment,
    check_retentions,
)
from chalicelib.documents.validators.cfdi_seal import cadena_original, check_authenticity
from chalicelib.documents.validators.cfdi_trust import TrustStore, environment_extras, trust_store
from chalicelib.documents.validators.cfdi_xml import (
    CFDI_PREFIX,
    DECLARATIONS,
    MALFORMED,
    NOT_CFDI,
    NOT_UTF8,
    NS_CFDI3,
    NS_CFDI4,
    NS_IMPLOCAL,
    NS_PAGOS10,
    NS_PAGOS20,
    NS_TFD,
    OBSOLETE,
    SCHEMA_NAMESPACES,
    TOO_LARGE,
    cfdi_schema,
    parse_cfdi,
    schema_reason,
    strip_foreign,
)
from chalicelib.documents.verdict import Reason, Verdict, judge, reject

__all__ = [
    "CENTAVO_SLACK",
    "DECLARATIONS",
    "ISR",
    "IVA",
    "MALFORMED",
    "NOT_CFDI",
    "NOT_UTF8",
    "NS_CFDI3",
    "NS_CFDI4",
    "NS_IMPLOCAL",
    "NS_PAGOS10",
    "NS_PAGOS20",
    "NS_TFD",
    "OBSOLETE",
    "SCHEMA_NAMESPACES",
    "TOO_LARGE",
    "UUID_MISSING",
    "cfdi_schema",
    "parse_cfdi",
    "validate_cfdi",
]

_C: Final = CFDI_PREFIX

UUID_MISSING: Final = Reason(
    "cfdi_uuid_missing",
    "La factura no está timbrada: no tiene folio fiscal (UUID del Timbre Fiscal Digital). "
    "Sube el XML timbrado que te entregó el emisor.",
)


def validate_cfdi(data: bytes, kind: str, context: ValidationContext) -> Verdict:
    """The verdict on a CFDI of `kind`, in the order the module's docstring gives."""
    root, reason = parse_cfdi(data)
    if reason is not None or root is None:
        return Verdict(status="rechazado", reasons=(reason or MALFORMED,))
    if root.tag == "{" + NS_CFDI3 + "}Comprobante":
        return reject(OBSOLETE.code, OBSOLETE.message, {"version": root.get("Version")})
    if root.tag != _C + "Comprobante":
        return reject(NOT_CFDI.code, NOT_CFDI.message)

    # The seal covers the CFDI as received: its cadena is taken before anything is removed.
    cadena = cadena_original(root)
    facts: dict[str, Any] = {"addenda_removed": False}
    strip_foreign(root, facts)
    schema = cfdi_schema()
    if not schema.validate(root):
        failure, messages = schema_reason(schema.error_log)
        facts["schema_errors"] = messages
        return Verdict(status="rechazado", reasons=(failure,), facts=facts)

    reasons: list[Reason] = []
    stamp = root.find(f"{_C}Complemento/{{{NS_TFD}}}TimbreFiscalDigital")
    uuid = stamp.get("UUID") if stamp is not None else None
    if uuid:
        facts["uuid"] = uuid.upper()
    elif stamp is not None:
        reasons.append(UUID_MISSING)

    reasons.extend(check_identity(root, kind, context, facts))
    reasons.extend(check_arithmetic(root, facts))
    if kind == "cfdi_invoice":
        reasons.extend(check_invoice_terms(root))
        reasons.extend(
            check_retentions(root, context, context.retention_table or default_table(), facts)
        )
    elif kind == "cfdi_payment":
        reasons.extend(check_payment(root, context, facts))
    reasons.extend(check_authenticity(root, cadena, _trust(context), facts))
    return judge(reasons, facts)


def _trust(context: ValidationContext) -> TrustStore:
    extra = context.trusted_authorities
    if extra is None:
        from chalicelib.config import get_settings

        extra = environment_extras(get_settings().stage)
    return trust_store(extra)
