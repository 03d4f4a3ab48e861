"""How this context shows and reads what it keeps: amounts in and out, verdict reasons, a care
order with its payment detail, an invoice with its payment and complement, the links a provider
follows (the site's pages, short-lived download links)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from chalicelib import aws, clock, errors
from chalicelib.config import get_settings
from chalicelib.documents.schemas import ReasonOut
from chalicelib.errors import ErrorDetail
from chalicelib.providers import schemas as s
from chalicelib.providers.money import format_amount, parse_amount
from chalicelib.providers.payment_detail import TAX_LABELS, PaymentDetail, explain, payment_detail
from chalicelib.providers.repository import CareOrder, Invoice

EXPORT_LIFETIME: Final = timedelta(minutes=5)


def link(page: str) -> str:
    return f"{get_settings().site_url}/prestadores/{page}"


def reasons(items: list[dict[str, str]]) -> list[ReasonOut]:
    return [ReasonOut(code=r["code"], message=r["message"]) for r in items]


def money(centavos: int) -> s.MoneyOut:
    return s.MoneyOut(amount=format_amount(centavos))


def amount_in(value: s.MoneyIn, field: str) -> int:
    try:
        return parse_amount(value.amount)
    except ValueError:
        message = "Escribe la cantidad en pesos con hasta dos decimales, p. ej. 1500.00."
        raise errors.InvalidInput(
            message, code="amount_invalid", details=[ErrorDetail(field, "amount_invalid", message)]
        ) from None


def detail_of(order: CareOrder) -> PaymentDetail:
    return payment_detail(
        order.amount,
        order.coinsurance,
        regime=order.regime,
        jalisco_cedular=order.jalisco_cedular,
        iva_taxed=order.iva_taxed,
    )


def retention_out(detail: PaymentDetail) -> s.RetentionOut:
    from chalicelib.providers.payment_detail import percent

    return s.RetentionOut(
        lines=[
            s.RetentionLineOut(
                tax=line.tax,  # type: ignore[arg-type]  # isr | iva | cedular, from the table
                rate=f"{line.rate:f}",
                amount=money(line.amount),
                label=f"{TAX_LABELS[line.tax]} {percent(line.rate)}",
            )
            for line in detail.lines
        ],
        total=money(detail.retention_total),
        regime=detail.regime,
        jalisco_cedular=detail.jalisco_cedular,
        iva="gravado" if detail.iva_transferred else "exento",
        iva_transferred=money(detail.iva_transferred),
        table_version=detail.table_version,
        table_valid_from=detail.table_valid_from,
        explanation=explain(detail),
    )


def order_out(order: CareOrder) -> s.CareOrderOut:
    detail = detail_of(order)
    format_out = None
    if order.kind == "tradicional":
        format_out = s.FormatOut(
            status=order.format_status or "pendiente",  # type: ignore[arg-type]
            reasons=reasons(order.format_reasons),
            document_ids=order.format_document_ids,
            merged=bool(order.format_key),
        )
    return s.CareOrderOut(
        id=order.order_id,
        kind=order.kind,  # type: ignore[arg-type]  # digital | tradicional, by construction
        insurer_id=order.insurer_id,
        account_number=order.account_number,
        patient_name=order.patient_name,
        service=order.service,  # type: ignore[arg-type]
        date=order.service_date,
        amount=money(detail.amount),
        coinsurance=money(detail.coinsurance),
        retention=retention_out(detail),
        amount_to_invoice=money(detail.to_invoice),
        status=order.status,  # type: ignore[arg-type]
        invoice_id=order.invoice_id,
        paid=money(order.paid) if order.paid is not None else None,
        insured_signed=order.insured_signed,
        doctor_signed=order.doctor_signed,
        created_at=order.created_at,
        format=format_out,
    )


def sat_status_out(stored: dict[str, Any] | None) -> s.SatStatusOut | None:
    from chalicelib.providers.sat import STATE_LABELS, SatAnswer

    if not stored:
        return None
    answer = SatAnswer.from_dict(stored)
    return s.SatStatusOut(
        status=answer.state,
        label=STATE_LABELS[answer.state],
        checked_at=answer.checked_at,
        issuer_listed=answer.issuer_listed,
        cancellable=answer.cancellable,
        cancellation_status=answer.cancellation_status,
    )


def invoice_out(invoice: Invoice) -> s.InvoiceOut:
    payment = None
    if invoice.payment:
        payment = s.PaymentOut(
            amount=money(int(invoice.payment["amount"])),
            paid_on=str(invoice.payment["paid_on"]),
            sat_status=str(invoice.payment["sat_status"]),
            recorded_at=str(invoice.payment["recorded_at"]),
        )
    complement = None
    if invoice.complement_document_id and invoice.complement_status:
        complement = s.ComplementOut(
            status=invoice.complement_status,  # type: ignore[arg-type]
            reasons=reasons(invoice.complement_reasons),
            uuid=invoice.complement_uuid,
            document_id=invoice.complement_document_id,
            sat=sat_status_out(invoice.complement_sat_status),
        )
    return s.InvoiceOut(
        id=invoice.invoice_id,
        status=invoice.status,  # type: ignore[arg-type]
        reasons=reasons(invoice.reasons),
        uuid=invoice.uuid,
        subtotal=money(invoice.subtotal),
        total=money(invoice.total),
        care_order_ids=invoice.care_order_ids,
        insurer_id=invoice.insurer_id,
        document_id=invoice.document_id,
        created_at=invoice.created_at,
        decided_at=invoice.decided_at,
        payment=payment,
        complement=complement,
        sat=sat_status_out(invoice.sat_status),
    )


def presigned(key: str, filename: str, content_type: str) -> s.ExportOut:
    url = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().documents_bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=int(EXPORT_LIFETIME.total_seconds()),
    )
    return s.ExportOut(url=url, expires_at=clock.iso(clock.now() + EXPORT_LIFETIME))
