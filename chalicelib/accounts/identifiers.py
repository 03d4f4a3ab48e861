"""Identifiers and names: validation and normalisation (pure).

RFC and RUT use python-stdnum; the NSS carries a Luhn check digit (stdnum's `luhn`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from stdnum import luhn
from stdnum.cl import rut as cl_rut
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.mx import rfc as mx_rfc

IdentifierKind = Literal["email", "nss", "rut"]


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class RfcCheck:
    rfc: str
    check_digit_ok: bool


def check_rfc(value: str) -> RfcCheck:
    """Format and date always; the homoclave check digit only as a warning (≈1.5% of real
    RFCs fail it). Raises ValueError with a Spanish message."""
    compact = mx_rfc.compact(value or "")
    try:
        mx_rfc.validate(compact, validate_check_digits=False)
    except StdnumError:
        raise ValueError(
            "El RFC no es válido: revisa las letras iniciales, la fecha (AAMMDD) y la homoclave."
        ) from None
    if len(compact) == 10:
        raise ValueError("Escribe el RFC completo, con homoclave (13 caracteres).")
    try:
        mx_rfc.validate(compact, validate_check_digits=True)
        ok = True
    except StdnumError:
        ok = False
    return RfcCheck(rfc=compact, check_digit_ok=ok)


def check_rut(value: str) -> str:
    """The RUT in compact form (digits and check character). Raises ValueError."""
    try:
        return str(cl_rut.validate(value or ""))
    except StdnumError:
        raise ValueError(
            "El RUT no es válido: revisa los dígitos y el dígito verificador."
        ) from None


def format_rut(compact: str) -> str:
    return str(cl_rut.format(compact))


def check_nss(value: str) -> str:
    """The 11-digit NSS with its check digit. Raises ValueError."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{11}", digits):
        raise ValueError("El número de seguridad social debe tener 11 dígitos.")
    if not luhn.is_valid(digits):
        raise ValueError("El número de seguridad social no es válido: revisa el último dígito.")
    return digits


def classify_identifier(identifier: str) -> tuple[IdentifierKind, str] | None:
    """What a log-in identifier is (email, NSS or RUT in any usual format), normalised."""
    value = identifier.strip()
    if "@" in value:
        return "email", normalize_email(value)
    digits = re.sub(r"[\s-]", "", value)
    if re.fullmatch(r"\d{11}", digits):
        try:
            return "nss", check_nss(digits)
        except ValueError:
            pass
    try:
        return "rut", check_rut(value)
    except ValueError:
        pass
    return None
