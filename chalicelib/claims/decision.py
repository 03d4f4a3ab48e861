"""The money of a claim's approval, pure: the amount the insurer approves, the deductible and
the coinsurance the insured bears, and the net the insurer pays.

The operator types the three as decimal strings in pesos ("9000.00", "9000"); they are kept as
whole centavos. None may be negative, the approved amount must be more than zero, and the
deductible plus the coinsurance may not exceed the approved amount (the net is never
negative). Every field that breaks a rule is reported at once, with a message for a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from chalicelib import errors
from chalicelib.errors import ErrorDetail

CURRENCY: Final = "MXN"
# Up to a thousand million pesos, two decimals at most; a leading minus is recognised only to
# say that the amount cannot be negative.
_AMOUNT: Final = re.compile(r"(-?)(\d{1,12})(?:\.(\d{1,2}))?")
FIELDS: Final = ("approved_amount", "deductible", "coinsurance")
_NAMES: Final = {
    "approved_amount": "el monto aprobado",
    "deductible": "el deducible",
    "coinsurance": "el coaseguro",
}
_MAX_CENTAVOS: Final = 1_000_000_000 * 100


@dataclass(frozen=True)
class Decision:
    """An approval's amounts, in centavos."""

    approved_cents: int
    deductible_cents: int
    coinsurance_cents: int

    @property
    def net_cents(self) -> int:
        return self.approved_cents - self.deductible_cents - self.coinsurance_cents


def pesos(centavos: int) -> str:
    """ "9000.00" for 900000 centavos (the API's decimal string)."""
    return f"{Decimal(centavos) / 100:.2f}"


def label(centavos: int) -> str:
    """ "$9,000.00" for emails and notifications."""
    return f"${Decimal(centavos) / 100:,.2f}"


def _centavos(field: str, text: str | None, problems: list[ErrorDetail]) -> int | None:
    name = _NAMES[field]
    if text is None or not text.strip():
        if field == "approved_amount":
            problems.append(
                ErrorDetail(field, "required", "Escribe el monto aprobado, p. ej. 15000.00.")
            )
            return None
        return 0  # no deductible or coinsurance given: none applies
    found = _AMOUNT.fullmatch(text.strip().replace(",", ""))
    if found is None:
        problems.append(
            ErrorDetail(
                field,
                "amount_invalid",
                f"Escribe {name} en pesos con hasta dos decimales, p. ej. 1500.00.",
            )
        )
        return None
    sign, whole, cents = found.groups()
    value = int(whole) * 100 + int((cents or "0").ljust(2, "0"))
    if sign and value:
        problems.append(
            ErrorDetail(field, "amount_negative", f"{name.capitalize()} no puede ser negativo.")
        )
        return None
    if value > _MAX_CENTAVOS:
        problems.append(
            ErrorDetail(field, "amount_too_large", f"{name.capitalize()} es demasiado grande.")
        )
        return None
    if field == "approved_amount" and value == 0:
        problems.append(
            ErrorDetail(field, "amount_zero", "El monto aprobado debe ser mayor que cero.")
        )
        return None
    return value


def decide(approved: str | None, deductible: str | None, coinsurance: str | None) -> Decision:
    """The approval's amounts, or InvalidInput naming every field to correct."""
    problems: list[ErrorDetail] = []
    values = [
        _centavos(field, text, problems)
        for field, text in zip(FIELDS, (approved, deductible, coinsurance), strict=True)
    ]
    approved_cents, deductible_cents, coinsurance_cents = values
    if (
        approved_cents is not None
        and deductible_cents is not None
        and coinsurance_cents is not None
        and deductible_cents + coinsurance_cents > approved_cents
    ):
        message = (
            f"El deducible más el coaseguro ({label(deductible_cents + coinsurance_cents)}) "
            f"no puede superar el monto aprobado ({label(approved_cents)})."
        )
        # One message, beside the last of the two amounts that add up to too much.
        problems.append(ErrorDetail("coinsurance", "exceeds_approved", message))
    if problems or approved_cents is None or deductible_cents is None or coinsurance_cents is None:
        raise errors.InvalidInput(
            problems[0].message if len(problems) == 1 else "Revisa los montos marcados.",
            code="validation_error",
            details=problems,
        )
    return Decision(approved_cents, deductible_cents, coinsurance_cents)


def not_allowed(given: dict[str, str | None]) -> errors.InvalidInput | None:
    """The refusal of amounts sent with a move other than an approval (None if none was)."""
    problems = [
        ErrorDetail(
            field, "amount_not_allowed", "Los montos solo se indican al aprobar el trámite."
        )
        for field in FIELDS
        if given.get(field) not in (None, "")
    ]
    if not problems:
        return None
    return errors.InvalidInput(problems[0].message, code="validation_error", details=problems)
