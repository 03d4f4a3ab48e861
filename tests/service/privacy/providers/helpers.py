"""The provider the deletion tests erase: a bank account and one accepted invoice for one
order, then the deletion it asks for, approved and run."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DataRequestOut, DecisionIn
from tests.fixtures.clock import Clock
from tests.service.providers.test_providers import CLABE, RFC, _register_account, _statement
from tests.service.providers.world import OPERATOR_SEC, ProvidersWorld
from tests.unit.providers.cfdi import order_invoice


def invoiced_provider(world: ProvidersWorld) -> tuple[Principal, str, str]:
    """A provider with a bank account and its invoice for one order: (provider, order id,
    invoice id)."""
    provider = world.provider()
    _register_account(world, provider, CLABE, _statement())
    orders = world.load_orders(RFC, ("A-1001", "ANA SOFIA TORRES VEGA", "1000.00"))
    invoice_id = world.invoice(
        provider, [orders[0].id], order_invoice([("A-1001", "Ana Sofía Torres Vega", "1000.00")])
    )
    return provider, orders[0].id, invoice_id


def run_approved_deletion(provider: Principal, moved_clock: Clock) -> DataRequestOut:
    """The provider's deletion request, approved by the operator and run by the schedule an
    hour later: the request as the provider then reads it."""
    created = privacy.create_request(provider, DataRequestIn(type="deletion"))
    privacy.decide(OPERATOR_SEC, created.request_id, DecisionIn(decision="aprobar"), None)
    moved_clock.advance(hours=1)
    assert privacy.run_due()["deletions"] == 1
    return privacy.my_request(provider, created.request_id)
