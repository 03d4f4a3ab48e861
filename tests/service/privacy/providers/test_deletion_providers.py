"""A Mexican provider's account deletion: invoices in their fiscal period stay with the orders
they bill (and their CFDI files); bank accounts and their statements go; the operator's
invoice list still reads; past the period the same erase removes everything."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.personal_data import FISCAL, Retention
from chalicelib.providers import repository as providers_repository
from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.privacy.providers.helpers import invoiced_provider, run_approved_deletion
from tests.service.providers.world import OPERATOR_SEC, ProvidersWorld


def test_provider_deletion_keeps_invoices_in_period_and_erases_bank_accounts(
    world: ProvidersWorld, mailbox: Mailbox, moved_clock: Clock
) -> None:
    provider, order_id, invoice_id = invoiced_provider(world)
    assert providers.invoice(provider, invoice_id).status == "aceptada"
    assert providers_repository.bank_accounts(provider.account_id)

    done = run_approved_deletion(provider, moved_clock)

    assert providers_repository.bank_accounts(provider.account_id) == []
    assert providers_repository.get_invoice(invoice_id) is not None
    assert providers_repository.get_order(order_id) is not None
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
    assert providers_repository.get_order(order_id) is None


def test_a_provider_deletion_leaves_their_name_only_in_the_kept_cfdi(
    world: ProvidersWorld, mailbox: Mailbox, moved_clock: Clock
) -> None:
    from chalicelib.accounts import service as accounts
    from chalicelib.config import get_settings
    from tests.fixtures.personal_traces import find_traces, in_process_client

    provider, _, _ = invoiced_provider(world)
    profile = accounts.personal_data(provider.account_id).records
    run_approved_deletion(provider, moved_clock)
    mailbox.deliver()  # the last email is sent, then forgotten
    left = find_traces(
        in_process_client,
        prefix="portal-test-",
        pool_id=get_settings().user_pool_id,
        values=[profile["correo"], profile["nombre"]],
    )
    # The invoice's XML names its issuer, and its record the facts read from it: both are
    # the CFDI the tax law keeps (CFF art. 30), blocked until their date. Nothing else.
    assert {(t.store.split(":")[0], t.value) for t in left} == {
        ("dynamodb", profile["nombre"]),
        ("s3", profile["nombre"]),
    }, left
    assert all(t.where.startswith(("DOC#", "uploads/invoice/")) for t in left), left
