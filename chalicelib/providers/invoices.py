"""Invoices (CFDI) of care orders: the provider takes some of its orders for one invoice and
uploads its XML; the order-matching rules judge the CFDI the pipeline accepted, and its
verdict validates or frees the orders. Providers and operators list and read them."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib import clock, errors
from chalicelib.auth import Principal, require_insurer
from chalicelib.documents import service as documents
from chalicelib.documents.service import Declared, Document, DocumentOwner, FileSpec, Owner
from chalicelib.policies import service as policies
from chalicelib.providers import access, presentation, repository
from chalicelib.providers import schemas as s
from chalicelib.providers.matching import OrderToMatch, match_complement, match_invoice
from chalicelib.providers.payment_detail import invoice_figures
from chalicelib.providers.repository import Invoice


def insurer_rfc(insurer_id: str) -> str:
    insurer = policies.get_insurer(insurer_id)
    if insurer is None:
        raise errors.NotFound()
    return insurer.rfc


def create_invoice(principal: Principal, body: s.InvoiceIn) -> s.InvoiceCreated:
    """Take some of the provider's orders for one invoice and sign the XML's upload."""
    provider = access.provider(principal)
    ids = list(dict.fromkeys(body.care_order_ids))
    orders = repository.get_orders(ids)
    if len(orders) != len(ids) or any(o.provider_id != provider.account_id for o in orders):
        raise errors.NotFound("No encontramos alguna de las órdenes elegidas.")
    if any(o.status != "registrada" or o.invoice_id for o in orders):
        raise repository.OrdersNotAvailable()
    if any(o.kind == "tradicional" and o.format_status != "aceptado" for o in orders):
        raise errors.Conflict(
            "Alguna orden tradicional aún no tiene su formato validado; espera el resultado "
            "de sus PDF antes de facturarla.",
            code="care_order_format_pending",
        )
    insurers = {o.insurer_id for o in orders}
    if len(insurers) != 1:
        raise errors.InvalidInput(
            "Una factura solo puede incluir órdenes de una misma aseguradora.",
            code="invoice_mixed_insurers",
        )
    insurer_id = insurers.pop()
    figures = invoice_figures(presentation.detail_of(o) for o in orders)
    invoice_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.INVOICE, invoice_id, provider.account_id, insurer_id)
    spec = FileSpec.of(
        body.file,
        "cfdi_invoice",
        Declared(
            issuer_rfc=provider.rfc,
            receiver_rfc=insurer_rfc(insurer_id),
            jalisco_cedular=orders[0].jalisco_cedular,
        ),
    )
    [slot] = documents.create_slots(owner, [spec], principal.account_id)
    repository.create_invoice(
        Invoice(
            invoice_id=invoice_id,
            provider_id=provider.account_id,
            insurer_id=insurer_id,
            care_order_ids=ids,
            status="en_validacion",
            document_id=slot.document_id,
            subtotal=figures.subtotal,
            total=figures.total,
            created_at=clock.iso(clock.now()),
        )
    )
    return s.InvoiceCreated(invoice_id=invoice_id, slot=slot)


def invoice(principal: Principal, invoice_id: str) -> s.InvoiceOut:
    """One invoice with its verdict, payment and complement."""
    return presentation.invoice_out(access.own_invoice(principal, invoice_id))


def invoices(principal: Principal, query: s.InvoicesQuery) -> s.InvoicePage:
    """The provider's invoices, newest first."""
    provider = access.provider(principal)
    page = repository.invoices_of_provider(
        provider.account_id, limit=query.limit, cursor=query.cursor, status=query.status
    )
    return s.InvoicePage(
        items=[presentation.invoice_out(i) for i in page.items], next_cursor=page.next_cursor
    )


def operator_invoices(principal: Principal, query: s.OperatorInvoicesQuery) -> s.InvoicePage:
    """An insurer's invoices, newest first, optionally in one state (operators)."""
    require_insurer(principal, query.insurer_id)
    page = repository.invoices_of_insurer(
        query.insurer_id, limit=query.limit, cursor=query.cursor, status=query.status
    )
    return s.InvoicePage(
        items=[presentation.invoice_out(i) for i in page.items], next_cursor=page.next_cursor
    )


def check_invoice_document(document: Document, facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The order-matching rules on a CFDI the pipeline accepted (before its UUID is reserved)."""
    invoice = repository.get_invoice(document.owner_id)
    if invoice is None:
        return [("invoice_unknown", "No encontramos la factura de este archivo.")]
    if document.doc_type == "cfdi_payment":
        if invoice.payment is None or invoice.uuid is None:
            return [
                (
                    "complement_not_expected",
                    "La factura aún no tiene un pago registrado; el complemento se sube después "
                    "del pago.",
                )
            ]
        return match_complement(facts, invoice.uuid, invoice.total, int(invoice.payment["amount"]))
    orders = repository.get_orders(invoice.care_order_ids)
    if len(orders) != len(invoice.care_order_ids):
        return [("invoice_orders_missing", "Alguna de las órdenes de esta factura ya no existe.")]
    matches = [
        OrderToMatch(o.account_number, o.patient_name, presentation.detail_of(o)) for o in orders
    ]
    return match_invoice(facts, matches, orders[0].regime)


def on_invoice_document(document: Document) -> None:
    invoice = repository.get_invoice(document.owner_id)
    if invoice is None:
        return
    accepted = document.status == "aceptado"
    cfdi_uuid = document.facts.get("uuid") if accepted else None
    if document.doc_type == "cfdi_invoice" and document.document_id == invoice.document_id:
        authenticity = document.facts.get("authenticity") or {}
        repository.decide_invoice(
            invoice,
            accepted=accepted,
            reasons=list(document.reasons),
            uuid=str(cfdi_uuid) if cfdi_uuid else None,
            now=clock.iso(clock.now()),
            seal_tail=str(authenticity.get("seal_tail") or "") or None,
        )
        if accepted:  # again for a repeated verdict: one more check is harmless
            from chalicelib.providers import sat_checks

            sat_checks.enqueue(invoice.invoice_id)
    elif (
        document.doc_type == "cfdi_payment"
        and document.document_id == invoice.complement_document_id
    ):
        authenticity = document.facts.get("authenticity") or {}
        repository.decide_complement(
            invoice,
            document.document_id,
            accepted=accepted,
            reasons=list(document.reasons),
            uuid=str(cfdi_uuid) if cfdi_uuid else None,
            seal_tail=str(authenticity.get("seal_tail") or "") or None,
        )
        if accepted:
            from chalicelib.providers import sat_checks

            sat_checks.enqueue(invoice.invoice_id, complement=True)
