"""The reports as files: a CSV or XLSX written to the documents bucket, handed out through a
presigned link that expires in minutes (chalicelib/downloads.py; the layout lives in
exports.py)."""

from __future__ import annotations

from typing import Any, Final

from chalicelib import clock, downloads, errors
from chalicelib.auth import Principal
from chalicelib.downloads import EXPORT_LIFETIME as EXPORT_LIFETIME  # the facade names it
from chalicelib.downloads import EXPORTS_PREFIX as EXPORTS_PREFIX  # the facade names it
from chalicelib.settlement.provider_views import provider_of
from chalicelib.settlement.reports import period_rows, voucher_rows
from chalicelib.settlement.schemas import ExportOut, PeriodQuery, VouchersQuery

MAX_EXPORT_ROWS: Final = 20_000


def period_export(principal: Principal, query: PeriodQuery) -> ExportOut:
    report = period_rows(principal, query)
    columns = [("Año", "int"), ("Mes", "int"), ("Monto (CLP)", "clp"), ("Liquidaciones", "int")]
    rows = [[r.year, r.month, int(r.amount.amount), r.settlements] for r in report.items]
    totals = ["Total", "", int(report.total.amount), sum(r.settlements for r in report.items)]
    return _export(principal, "reporte-periodo", query.format, columns, rows, totals)


def vouchers_export(principal: Principal, query: VouchersQuery) -> ExportOut:
    from chalicelib.settlement import exports

    provider = provider_of(principal)
    rows: list[list[Any]] = []
    cursor: str | None = None
    while True:
        found, cursor = voucher_rows(provider.rut, query, 1000, cursor)
        rows += [
            [
                v.folio,
                v.issued_on,
                v.status,
                v.settlement or "",
                v.payer,
                int(v.total_value.amount),
                int(v.payer_contribution.amount),
                int(v.insurer_contribution.amount),
                int(v.copay.amount),
                v.insurer,
                v.place,
            ]
            for v in found
        ]
        if len(rows) > MAX_EXPORT_ROWS:
            raise errors.PayloadTooLarge(
                f"El reporte tiene más de {MAX_EXPORT_ROWS} bonos; acota las fechas.",
                code="export_too_large",
            )
        if cursor is None:
            break
    columns = exports.VOUCHER_COLUMNS
    totals = ["Total", "", "", "", ""] + [sum(r[i] for r in rows) for i in range(5, 9)] + ["", ""]
    return _export(principal, "bonos-emitidos", query.format, columns, rows, totals)


def _export(
    principal: Principal,
    name: str,
    file_format: str,
    columns: list[tuple[str, str]],
    rows: list[list[Any]],
    totals: list[Any],
) -> ExportOut:
    from chalicelib.settlement import exports

    if file_format == "xlsx":
        body = exports.xlsx(name, columns, rows, totals)
        content_type = exports.XLSX_TYPE
    else:
        body = exports.csv_bytes(columns, rows, totals)
        content_type = exports.CSV_TYPE
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    link = downloads.store_for_download(
        principal.account_id, f"{name}-{stamp}.{file_format}", body, content_type
    )
    return ExportOut(url=link.url, expires_at=link.expires_at, rows=len(rows))
