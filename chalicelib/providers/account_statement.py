"""The provider's account statement: every care order with its state and amounts, and the
totals (the rules in `statement`), as JSON or as an Excel download."""

from __future__ import annotations

import uuid
from typing import Final

from chalicelib import aws, clock
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.providers import access, presentation, repository
from chalicelib.providers import schemas as s
from chalicelib.providers.statement import Row, totals
from chalicelib.spreadsheets import XLSX_CONTENT_TYPE

EXPORTS_PREFIX: Final = "exports/"


def _rows(provider_id: str) -> list[Row]:
    rows = []
    # One read per invoice (an invoice covers several orders), only for its fiscal UUID.
    uuids: dict[str, str | None] = {}
    for order in repository.all_orders_of_provider(provider_id):
        if order.invoice_id and order.invoice_id not in uuids:
            invoice = repository.get_invoice(order.invoice_id)
            uuids[order.invoice_id] = invoice.uuid if invoice else None
        detail = presentation.detail_of(order)
        rows.append(
            Row(
                order_id=order.order_id,
                account_number=order.account_number,
                patient_name=order.patient_name,
                service=order.service,
                date=order.service_date,
                status=order.status,
                amount=detail.amount,
                retention=detail.retention_total,
                to_invoice=detail.to_invoice,
                paid=order.paid or 0,
                invoice_id=order.invoice_id,
                invoice_uuid=uuids.get(order.invoice_id) if order.invoice_id else None,
            )
        )
    return rows


def statement(principal: Principal, query: s.StatementQuery) -> s.StatementAnswer:
    """Every order with its state and amounts, and the totals; or the same as Excel."""
    from chalicelib.providers.excel import statement_workbook

    provider = access.provider(principal)
    rows = _rows(provider.account_id)
    found = totals(rows)
    generated_at = clock.iso(clock.now())
    if query.format == "xlsx":
        data = statement_workbook(provider.full_name, generated_at, rows, found)
        key = f"{EXPORTS_PREFIX}providers/{provider.account_id}/{uuid.uuid4()}.xlsx"
        aws.s3().put_object(
            Bucket=get_settings().documents_bucket,
            Key=key,
            Body=data,
            ContentType=XLSX_CONTENT_TYPE,
        )
        return s.StatementAnswer(
            presentation.presigned(key, "estado-de-cuenta.xlsx", XLSX_CONTENT_TYPE)
        )
    return s.StatementAnswer(
        s.StatementOut(
            items=[
                s.StatementRowOut(
                    order_id=row.order_id,
                    account_number=row.account_number,
                    patient_name=row.patient_name,
                    service=row.service,  # type: ignore[arg-type]
                    date=row.date,
                    status=row.status,  # type: ignore[arg-type]
                    amount=presentation.money(row.amount),
                    retention=presentation.money(row.retention),
                    amount_to_invoice=presentation.money(row.to_invoice),
                    paid=presentation.money(row.paid),
                    invoice_id=row.invoice_id,
                    complement_due=row.complement_due,
                )
                for row in rows
            ],
            totals=s.StatementTotalsOut(
                orders=found.orders,
                amount=presentation.money(found.amount),
                retention=presentation.money(found.retention),
                amount_to_invoice=presentation.money(found.to_invoice),
                paid=presentation.money(found.paid),
                pending_payment=presentation.money(found.pending_payment),
                complements_due=found.complements_due,
            ),
            generated_at=generated_at,
        )
    )
