"""An invoice's payment and its payment complement: an operator records the payment of an
accepted invoice once the SAT says it is still valid (the provider is asked for the
complement by email), and the provider uploads the complement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.service import Declared, DocumentOwner, FileSpec, Owner
from chalicelib.errors import ErrorDetail
from chalicelib.insurers import service as insurers
from chalicelib.kernel import formats
from chalicelib.notifications import service as notifications
from chalicelib.policies import service as policies
from chalicelib.providers import access, presentation, repository
from chalicelib.providers import schemas as s
from chalicelib.providers.invoices import insurer_rfc
from chalicelib.providers.money import label

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite


def record_payment(principal: Principal, invoice_id: str, body: s.PaymentIn) -> s.InvoiceOut:
    """An operator records the payment of an accepted invoice (SAT says it is still valid)."""
    from chalicelib.providers.sat_checks import require_payable

    invoice = access.own_invoice(principal, invoice_id)
    if principal.role != "operador":
        raise errors.NotFound()
    if invoice.status != "aceptada" or invoice.uuid is None:
        raise errors.Conflict(
            "Solo se paga una factura aceptada que aún no se ha pagado.",
            code="invoice_not_payable",
        )
    amount = presentation.amount_in(body.amount, "amount")
    if amount != invoice.total:
        message = f"El pago debe ser por el total de la factura: {label(invoice.total)}."
        raise errors.InvalidInput(
            message,
            code="payment_amount_mismatch",
            details=[ErrorDetail("amount.amount", "payment_amount_mismatch", message)],
        )
    provider = accounts.provider_facts(invoice.provider_id)
    if provider is None:
        raise errors.Conflict("La cuenta del prestador no está activa.", code="provider_inactive")
    insurer = policies.get_insurer(invoice.insurer_id)
    sat = require_payable(invoice).state
    orders = repository.get_orders(invoice.care_order_ids)
    paid_per_order = {o.order_id: presentation.detail_of(o).to_invoice for o in orders}
    payment = {
        "amount": amount,
        "paid_on": body.paid_on.isoformat(),
        "sat_status": sat,
        "recorded_by": principal.account_id,
        "recorded_at": clock.iso(clock.now()),
    }

    def stage(transaction: TransactWrite) -> list[str]:
        values = {
            "name": provider.full_name,
            "insurer": insurer.name if insurer else "La aseguradora",
            "uuid": invoice.uuid or "",
            "amount": label(amount),
            "paid_on": formats.day(body.paid_on),
            "link": presentation.link(f"factura.html#id={invoice.invoice_id}"),
            **insurers.email_brand(invoice.insurer_id),
        }
        return [
            notifications.stage_email(
                transaction, list(provider.addresses), "payment_complement_requested", values
            )
        ]

    emails = repository.record_payment(invoice, payment, paid_per_order, stage)
    notifications.dispatch(emails)
    return presentation.invoice_out(access.own_invoice(principal, invoice_id))


def recheck_sat_status(principal: Principal, invoice_id: str) -> s.InvoiceOut:
    """An operator asks SAT again about an accepted invoice, now."""
    from chalicelib.providers.sat_checks import CHECKED_STATES, ask

    invoice = access.own_invoice(principal, invoice_id)
    if principal.role != "operador":
        raise errors.NotFound()
    if invoice.status not in CHECKED_STATES or invoice.uuid is None:
        raise errors.Conflict(
            "Solo se consulta en el SAT una factura aceptada.", code="invoice_not_checkable"
        )
    ask(invoice)
    return presentation.invoice_out(access.own_invoice(principal, invoice_id))


def request_complement(
    principal: Principal, invoice_id: str, body: s.ComplementIn
) -> s.ComplementCreated:
    """Sign the upload of the payment complement of a paid invoice."""
    provider = access.provider(principal)
    invoice = access.own_invoice(principal, invoice_id)
    if invoice.status != "pagada" or invoice.uuid is None:
        raise errors.Conflict(
            "El complemento de pago se sube cuando la factura ya fue pagada y aún no tiene "
            "un complemento aceptado.",
            code="complement_not_expected",
        )
    owner = Owner(
        DocumentOwner.INVOICE, invoice.invoice_id, provider.account_id, invoice.insurer_id
    )
    spec = FileSpec.of(
        body.file,
        "cfdi_payment",
        Declared(
            issuer_rfc=provider.rfc,
            receiver_rfc=insurer_rfc(invoice.insurer_id),
            invoice_uuid=invoice.uuid,
        ),
    )
    [slot] = documents.create_slots(owner, [spec], principal.account_id)
    repository.attach_complement(invoice.invoice_id, slot.document_id)
    return s.ComplementCreated(slot=slot)
