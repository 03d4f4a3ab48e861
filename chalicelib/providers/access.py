"""Who is asking: the Mexican provider behind a request, and the care orders and invoices a
provider (its own) or an operator (its insurer's) may see."""

from __future__ import annotations

import re
from typing import Final, Protocol, TypeVar

from chalicelib import errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal, require_insurer
from chalicelib.providers import repository
from chalicelib.providers.repository import CareOrder, Invoice

_ID: Final = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def valid_id(value: str) -> bool:
    return bool(_ID.match(value))


class NotAMexicanProvider(errors.Forbidden):
    code = "provider_only_mexico"
    message = "Esta sección es para prestadores registrados en México con su RFC."


def provider(principal: Principal) -> accounts.ProviderFacts:
    facts = accounts.provider_facts(principal.account_id)
    if facts is None:
        raise NotAMexicanProvider()
    return facts


class _ProviderRecord(Protocol):
    @property
    def provider_id(self) -> str: ...

    @property
    def insurer_id(self) -> str: ...


_Record = TypeVar("_Record", bound=_ProviderRecord)


def _visible(principal: Principal, record: _Record | None) -> _Record:
    """The record for an operator of its insurer or the provider who owns it; NotFound for
    anyone else, as for a record that does not exist."""
    if record is None:
        raise errors.NotFound()
    if principal.role == "operador":
        require_insurer(principal, record.insurer_id)
    elif record.provider_id != principal.account_id:
        raise errors.NotFound()
    return record


def own_order(principal: Principal, order_id: str) -> CareOrder:
    return _visible(principal, repository.get_order(order_id) if valid_id(order_id) else None)


def own_invoice(principal: Principal, invoice_id: str) -> Invoice:
    return _visible(principal, repository.get_invoice(invoice_id) if valid_id(invoice_id) else None)
