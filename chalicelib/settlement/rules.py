"""Settlement rules without I/O: what a valid transaction is, and what a settlement adds up to.

A settlement's figures are sums of per-transaction figures (`Figures`), so a chunk's subtotal,
a settlement's total and a report's amount are all the same addition and always reconcile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from stdnum.cl import rut as cl_rut

from chalicelib.settlement.calendar import local_instant
from chalicelib.settlement.money import platform_commission

KINDS: Final = ("bono", "tarjeta")
CREDIT_TYPES: Final = ("seguros", "tarjetas")
CREDIT_OF_KIND: Final = {"bono": "seguros", "tarjeta": "tarjetas"}
# Issuer answers that mean the card payment went through; any other answer is stored but
# never paid.
APPROVED_ANSWERS: Final = frozenset({"aprobada", "aprobado", "approved", "00"})
MAX_AMOUNT: Final = 10**12
_WHOLE_PESOS: Final = re.compile(r"^\d{1,12}$")
_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TEXT_LIMIT: Final = 120

FIGURES: Final = (
    "total_value",  # valor total (bonos)
    "payer_contribution",  # aporte financiador
    "insurer_contribution",  # aporte seguro
    "copay",  # copago beneficiario
    "card_amount",  # monto financiado (tarjetas)
    "issuer_commission",  # comisión emisor
    "platform_commission",  # comisión plataforma
    "transaction_cost",  # costo
    "card_net",  # monto pagado (tarjetas)
    "insurer_credit",  # crédito seguros
    "card_credit",  # crédito tarjetas
    "total",  # total de la liquidación
    "count",
)


@dataclass(frozen=True)
class Transaction:
    """One validated transaction, amounts in whole pesos."""

    transaction_id: str
    kind: str
    provider_rut: str
    occurred_at: datetime  # aware, UTC
    total_value: int = 0
    payer_contribution: int = 0
    insurer_contribution: int = 0
    copay: int = 0
    insurer: str = ""
    place: str = ""
    payer: str = ""
    card_amount: int = 0
    installments: int = 0
    issuer_commission: int = 0
    transaction_cost: int = 0
    issuer_answer: str = ""

    @property
    def payable(self) -> bool:
        return self.kind == "bono" or self.issuer_answer.strip().lower() in APPROVED_ANSWERS

    @property
    def credit_type(self) -> str:
        return CREDIT_OF_KIND[self.kind]


@dataclass(frozen=True)
class Rejected:
    index: int
    code: str
    message: str


def _amount(item: Mapping[str, Any], name: str) -> int | None:
    value = item.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < MAX_AMOUNT else None
    if isinstance(value, str) and _WHOLE_PESOS.match(value.strip()):
        return int(value.strip())
    return None


def _text(item: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = item.get(name, "")
    if not isinstance(value, str) or len(value) > _TEXT_LIMIT:
        return None
    value = " ".join(value.split())
    if required and not value:
        return None
    return value


class _Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _need_amount(item: Mapping[str, Any], name: str) -> int:
    value = _amount(item, name)
    if value is None:
        raise _Invalid("invalid_amount", f"«{name}» debe ser un número entero de pesos.")
    return value


def _need_text(item: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = _text(item, name, required=required)
    if value is None:
        raise _Invalid("invalid_text", f"«{name}» falta o es demasiado largo.")
    return value


def parse_transaction(item: Any) -> Transaction:
    """A transaction from one loaded item (API JSON or a CSV row); raises `_Invalid`."""
    if not isinstance(item, Mapping):
        raise _Invalid("invalid_item", "Cada transacción debe ser un objeto JSON.")
    kind = str(item.get("kind", "")).strip().lower()
    if kind not in KINDS:
        raise _Invalid("invalid_kind", "El tipo debe ser «bono» o «tarjeta».")
    transaction_id = str(item.get("id", "")).strip()
    if not _ID.match(transaction_id):
        raise _Invalid("invalid_id", "El id de la transacción falta o no es válido.")
    raw_rut = item.get("provider_rut")
    if not isinstance(raw_rut, str) or not cl_rut.is_valid(raw_rut):
        raise _Invalid("invalid_rut", "El RUT del prestador no es válido.")
    try:
        occurred_at = local_instant(str(item.get("occurred_at", "")))
    except ValueError:
        raise _Invalid("invalid_date", "La fecha debe tener el formato AAAA-MM-DD.") from None
    common: dict[str, Any] = {
        "transaction_id": transaction_id,
        "kind": kind,
        "provider_rut": str(cl_rut.compact(raw_rut)),
        "occurred_at": occurred_at,
    }
    if kind == "bono":
        values: dict[str, Any] = {
            name: _need_amount(item, name)
            for name in ("total_value", "payer_contribution", "insurer_contribution", "copay")
        }
        parts = values["payer_contribution"] + values["insurer_contribution"] + values["copay"]
        if parts != values["total_value"]:
            raise _Invalid(
                "amounts_mismatch",
                "El valor total no es la suma del aporte financiador, el aporte del seguro y "
                "el copago.",
            )
        return Transaction(
            **common,
            **values,
            insurer=_need_text(item, "insurer"),
            place=_need_text(item, "place"),
            payer=_need_text(item, "payer"),
        )
    card: dict[str, Any] = {
        name: _need_amount(item, name)
        for name in ("card_amount", "installments", "issuer_commission")
    }
    cost = _amount(item, "transaction_cost") if "transaction_cost" in item else 0
    if cost is None:
        raise _Invalid("invalid_amount", "«transaction_cost» debe ser un número entero de pesos.")
    if card["installments"] < 1:
        raise _Invalid("invalid_installments", "Las cuotas deben ser 1 o más.")
    if (
        card["issuer_commission"] + cost + platform_commission(card["card_amount"])
        > card["card_amount"]
    ):
        raise _Invalid(
            "amounts_mismatch", "Las comisiones y el costo superan el monto de la transacción."
        )
    return Transaction(
        **common,
        **card,
        transaction_cost=cost,
        issuer_answer=_need_text(item, "issuer_answer", required=True),
        place=_need_text(item, "place"),
    )


def validate_items(items: Iterable[Any]) -> tuple[list[tuple[int, Transaction]], list[Rejected]]:
    """Each item judged on its own: the valid ones, and the rejected ones by index and code."""
    accepted: list[tuple[int, Transaction]] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            transaction = parse_transaction(item)
        except _Invalid as problem:
            rejected.append(Rejected(index, problem.code, problem.message))
            continue
        if transaction.transaction_id in seen:
            rejected.append(Rejected(index, "duplicate_in_batch", "El id se repite en esta carga."))
            continue
        seen.add(transaction.transaction_id)
        accepted.append((index, transaction))
    return accepted, rejected


# --- figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    """Sums of a set of transactions; every settlement total is one of these."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, other: Figures) -> Figures:
        for name in FIGURES:
            self.values[name] += other.values.get(name, 0)
        return self

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    @classmethod
    def of(cls, transactions: Iterable[Transaction]) -> Figures:
        """The sums of `figures_of` over `transactions`, without a dict per transaction (the
        run adds up every transaction of a week; a test checks both ways agree)."""
        total_value = payer = insurer = copay = 0
        card_amount = issuer = platform = cost = 0
        count = 0
        for t in transactions:
            count += 1
            if t.kind == "bono":
                total_value += t.total_value
                payer += t.payer_contribution
                insurer += t.insurer_contribution
                copay += t.copay
            else:
                card_amount += t.card_amount
                issuer += t.issuer_commission
                platform += platform_commission(t.card_amount)
                cost += t.transaction_cost
        card_net = card_amount - issuer - platform - cost
        return cls(
            {
                "total_value": total_value,
                "payer_contribution": payer,
                "insurer_contribution": insurer,
                "copay": copay,
                "card_amount": card_amount,
                "issuer_commission": issuer,
                "platform_commission": platform,
                "transaction_cost": cost,
                "card_net": card_net,
                "insurer_credit": insurer,
                "card_credit": card_net,
                "total": insurer + card_net,
                "count": count,
            }
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figures:
        return cls({name: int(data.get(name, 0)) for name in FIGURES})


def figures_of(transaction: Transaction) -> Figures:
    """What one transaction adds to its settlement."""
    values = dict.fromkeys(FIGURES, 0)
    values["count"] = 1
    if transaction.kind == "bono":
        values["total_value"] = transaction.total_value
        values["payer_contribution"] = transaction.payer_contribution
        values["insurer_contribution"] = transaction.insurer_contribution
        values["copay"] = transaction.copay
        values["insurer_credit"] = transaction.insurer_contribution
    else:
        commission = platform_commission(transaction.card_amount)
        net = (
            transaction.card_amount
            - transaction.issuer_commission
            - commission
            - transaction.transaction_cost
        )
        values["card_amount"] = transaction.card_amount
        values["issuer_commission"] = transaction.issuer_commission
        values["platform_commission"] = commission
        values["transaction_cost"] = transaction.transaction_cost
        values["card_net"] = net
        values["card_credit"] = net
    values["total"] = values["insurer_credit"] + values["card_credit"]
    return Figures(values)
