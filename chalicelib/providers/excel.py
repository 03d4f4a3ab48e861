"""The account statement as an Excel workbook. openpyxl is imported here only."""

from __future__ import annotations

import io
from decimal import Decimal

from chalicelib.providers.money import to_pesos
from chalicelib.providers.statement import STATUS_LABELS, Row, Totals

SERVICE_LABELS = {"consulta": "Consulta", "honorarios_quirurgicos": "Honorarios quirúrgicos"}
MONEY_FORMAT = '"$"#,##0.00'


def statement_workbook(
    provider_name: str, generated_at: str, rows: list[Row], totals: Totals
) -> bytes:
    """One sheet: a title, a header, one row per order and a totals row (amounts as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Estado de cuenta"
    sheet.append([f"Estado de cuenta de {provider_name}"])
    sheet.append([f"Generado: {generated_at}"])
    sheet.append([])
    header = [
        "Cuenta",
        "Paciente",
        "Servicio",
        "Fecha",
        "Estado",
        "Monto (detalle de pago)",
        "Retenciones",
        "Monto a facturar",
        "Pagado",
        "Factura",
    ]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.account_number,
                row.patient_name,
                SERVICE_LABELS.get(row.service, row.service),
                row.date,
                STATUS_LABELS.get(row.status, row.status),
                _number(row.amount),
                _number(row.retention),
                _number(row.to_invoice),
                _number(row.paid),
                row.invoice_id or "",
            ]
        )
    sheet.append(
        [
            "Totales",
            f"{totals.orders} órdenes",
            "",
            "",
            f"{totals.complements_due} complementos pendientes",
            _number(totals.amount),
            _number(totals.retention),
            _number(totals.to_invoice),
            _number(totals.paid),
            "",
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=5, min_col=6, max_col=9):
        for cell in line:
            cell.number_format = MONEY_FORMAT
    for column, width in zip("ABCDEFGHIJ", (14, 32, 22, 12, 36, 20, 14, 18, 14, 38), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(centavos: int) -> Decimal:
    # Decimal, not float: openpyxl writes it as the exact decimal number.
    return to_pesos(centavos)
