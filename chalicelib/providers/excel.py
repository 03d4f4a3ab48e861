"""The account statement as an Excel workbook, built by the platform's one spreadsheet writer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib import spreadsheets
from chalicelib.providers.money import to_pesos
from chalicelib.providers.statement import STATUS_LABELS, Row, Totals

SERVICE_LABELS = {"consulta": "Consulta", "honorarios_quirurgicos": "Honorarios quirúrgicos"}
MONEY_FORMAT = '"$"#,##0.00'
COLUMNS = (
    spreadsheets.Column("Cuenta", 14),
    spreadsheets.Column("Paciente", 32),
    spreadsheets.Column("Servicio", 22),
    spreadsheets.Column("Fecha", 12),
    spreadsheets.Column("Estado", 36),
    spreadsheets.Column("Monto (detalle de pago)", 20, MONEY_FORMAT),
    spreadsheets.Column("Retenciones", 14, MONEY_FORMAT),
    spreadsheets.Column("Monto a facturar", 18, MONEY_FORMAT),
    spreadsheets.Column("Pagado", 14, MONEY_FORMAT),
    spreadsheets.Column("Factura", 38),
)


def statement_workbook(
    provider_name: str, generated_at: str, rows: list[Row], totals: Totals
) -> bytes:
    """One sheet: a title, a header, one row per order and a totals row (amounts as numbers)."""
    lines: list[list[Any]] = [
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
        for row in rows
    ]
    return spreadsheets.xlsx_bytes(
        spreadsheets.Table(
            title="Estado de cuenta",
            preamble=[[f"Estado de cuenta de {provider_name}"], [f"Generado: {generated_at}"], []],
            columns=COLUMNS,
            rows=lines,
            totals=[
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
            ],
        )
    )


def _number(centavos: int) -> Decimal:
    # Decimal, not float: openpyxl writes it as the exact decimal number.
    return to_pesos(centavos)
