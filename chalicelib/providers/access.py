"""Who is asking: the Mexican provider behind a request, and the care orders and invoices a
provider (its own) or an operator (its insurer's) may see."""

from __future__ import annotations

import re
from typing import Final

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


def own_order(principal: Principal, order_id: str) -> CareOrder:
    order = repository.get_order(order_id) if valid_id(order_id) else None
    if order is None:
        raise errors.NotFound()
    if principal.role == "operador":
        require_insurer(principal, order.insurer_id)
    elif order.provider_id != principal.account_id:
        raise errors.NotFound()
    return order


def own_invoice(principal: Principal, invoice_id: str) -> Invoice:
    invoice = repository.get_invoice(invoice_id) if valid_id(invoice_id) else None
    if invoice is None:
        raise errors.NotFound()
    if principal.role == "operador":
        require_insurer(principal, invoice.insurer_id)
    elif invoice.provider_id != principal.account_id:
        raise errors.NotFound()
    return invoice
