"""A Mexican provider's account deletion: invoices in their fiscal period stay with the orders
they bill (and their CFDI files); bank accounts and their statements go; the operator's
invoice list still reads; past the period the same erase removes everything."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.personal_data import FISCAL, Retention
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DecisionIn
from chalicelib.providers import repository as providers_repository
from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.providers.test_providers import CLABE, RFC, _register_account, _statement
from tests.service.providers.world import OPERATOR_SEC, ProvidersWorld
from tests.unit.providers.cfdi import order_invoice


def test_provider_deletion_keeps_invoices_in_period_and_erases_bank_accounts(
    world: ProvidersWorld, mailbox: Mailbox, moved_clock: Clock
) -> None:
    provider = world.provider()
    _register_account(world, provider, CLABE, _statement())
    orders = world.load_orders(RFC, ("A-1001", "ANA SOFIA TORRES VEGA", "1000.00"))
    invoice_id = world.invoice(
        provider, [orders[0].id], order_invoice([("A-1001", "Ana Sofía Torres Vega", "1000.00")])
    )
    assert providers.invoice(provider, invoice_id).status == "aceptada"
    assert providers_repository.bank_accounts(provider.account_id)

    created = privacy.create_request(provider, DataRequestIn(type="deletion"))
    privacy.decide(OPERATOR_SEC, created.request_id, DecisionIn(decision="aprobar"), None)
    moved_clock.advance(hours=1)
    assert privacy.run_due()["deletions"] == 1
    done = privacy.my_request(provider, created.request_id)

    assert providers_repository.bank_accounts(provider.account_id) == []
    assert providers_repository.get_invoice(invoice_id) is not None
    assert providers_repository.get_order(orders[0].id) is not None
    today = moved_clock.now.date()
    kept = {r.what: r for r in done.retained}
    assert kept["Facturas CFDI con sus complementos y pagos"].count == 1
    assert all(r.until > today.isoformat() for r in done.retained)
    assert "Archivos XML de facturas y comprobantes fiscales (CFDI)" in kept
    # The operator's list reads the provider's invoice after the account is gone.
    page = providers.operator_invoices(OPERATOR_SEC, s.OperatorInvoicesQuery(insurer_id="sec"))
    assert [i.id for i in page.items] == [invoice_id]

    # Past the five years the same erase removes what was kept.
    later = Retention(today + timedelta(days=5 * 366), {FISCAL: 5})
    assert providers.erase_personal_data(provider.account_id, later) == []
    assert providers_repository.get_invoice(invoice_id) is None
    assert providers_repository.get_order(orders[0].id) is None
