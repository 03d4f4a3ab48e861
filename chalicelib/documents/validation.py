"""`validate_bytes`: the one function the pipeline (and the CLI) calls for a stored file.

Order matters: size cap, then type by magic bytes, then the kind's parser. Nothing parses a
file whose first bytes do not match its kind. What needs stored state (UUID already used,
the key's owner) is the service's job; the verdict exposes the facts it needs (`uuid`).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Final

from chalicelib.documents import limits, magic
from chalicelib.documents.context import ValidationContext
from chalicelib.documents.verdict import Verdict, reject

logger = logging.getLogger(__name__)

KINDS: Final = (
    "bank_statement",
    "pdf",
    "cfdi_invoice",
    "cfdi_expense",
    "cfdi_payment",
    "image",
    "logo",
    "transactions_csv",
)
_EXPECTED_TYPE: Final[dict[str, str]] = {
    "bank_statement": "pdf",
    "pdf": "pdf",
    "cfdi_invoice": "xml",
    "cfdi_expense": "xml",
    "cfdi_payment": "xml",
    "image": "jpeg",
    "logo": "png_or_jpeg",
    "transactions_csv": "text",
}
# Kinds that accept more than one file type, and the types each accepts.
_ALTERNATIVE_TYPES: Final[dict[str, frozenset[str]]] = {"png_or_jpeg": frozenset({"png", "jpeg"})}
_ALTERNATIVE_LABELS: Final[dict[str, str]] = {"png_or_jpeg": "una imagen PNG o JPEG"}


class UnknownKind(ValueError):
    pass


__all__ = ["KINDS", "UnknownKind", "ValidationContext", "validate_bytes"]


def _type_mismatch(kind: str, detected: str) -> Verdict:
    expected = (
        _ALTERNATIVE_LABELS.get(_EXPECTED_TYPE[kind]) or magic.TYPE_LABELS[_EXPECTED_TYPE[kind]]
    )
    if _EXPECTED_TYPE[kind] == "text":
        expected = "un archivo CSV de texto"
    return reject(
        "file_type_mismatch",
        f"El contenido del archivo no corresponde a {expected}: parece "
        f"{magic.TYPE_LABELS.get(detected, 'otro tipo de archivo')}. Sube el archivo original.",
        {"detected_type": detected},
    )


def _dispatch(data: bytes, kind: str, context: ValidationContext) -> Verdict:
    if kind == "pdf":
        from chalicelib.documents.validators.pdf import validate_pdf

        return validate_pdf(data, kind)
    if kind == "bank_statement":
        from chalicelib.documents.validators.bank_statement import validate_bank_statement

        return validate_bank_statement(
            data, today=context.today, clabe=context.clabe, holder=context.holder
        )
    if kind in ("cfdi_invoice", "cfdi_expense", "cfdi_payment"):
        from chalicelib.documents.validators.cfdi import validate_cfdi

        return validate_cfdi(data, kind, context)
    if kind == "image":
        from chalicelib.documents.validators.image import validate_jpeg

        return validate_jpeg(data)
    if kind == "logo":
        from chalicelib.documents.validators.logo import validate_logo

        return validate_logo(data)
    from chalicelib.documents.validators.csv_file import validate_transactions_csv

    return validate_transactions_csv(data)


def validate_bytes(data: bytes, kind: str, context: ValidationContext | None = None) -> Verdict:
    """Validate a stored file as `kind`; the verdict's facts always carry size and SHA-256."""
    if kind not in KINDS:
        raise UnknownKind(kind)
    context = context or ValidationContext()
    base: dict[str, Any] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    cap = limits.MAX_FILE_BYTES[kind]
    if not data:
        return reject("file_empty", "El archivo está vacío.", base)
    if len(data) > cap:
        return reject(
            "file_too_large",
            f"El archivo pesa {len(data) / limits.MIB:.1f} MB; el máximo para este documento "
            f"es {cap / limits.MIB:.0f} MB.",
            base,
        )
    detected = magic.detect(data)
    expected = _ALTERNATIVE_TYPES.get(_EXPECTED_TYPE[kind], frozenset({_EXPECTED_TYPE[kind]}))
    if detected not in expected and not (_EXPECTED_TYPE[kind] == "text" and detected == "xml"):
        return _type_mismatch(kind, detected).with_facts(**base)
    try:
        verdict = _dispatch(data, kind, context)
    except Exception:
        # A validator bug must not turn into a poison message: the person gets a verdict.
        logger.exception("validator failed", extra={"kind": kind})
        verdict = reject(
            "file_unreadable",
            "No pudimos revisar el archivo. Vuelve a generarlo y súbelo de nuevo.",
        )
    return verdict.with_facts(**base)
