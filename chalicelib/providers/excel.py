"""The account statement as an Excel workbook, built by the platform's one spreadsheet writer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from chalicelib import spreadsheets
from chalicelib.kernel import formats
from chalicelib.providers.money import to_pesos
from chalicelib.providers.statement import STATUS_LABELS, Row, Totals

SERVICE_LABELS = {"consulta": "Consulta", "honorarios_quirurgicos": "Honorarios quirúrgicos"}
MONEY_FORMAT = '"$"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"
# The statement is of Mexican providers: its time is Mexico City's.
MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")
COLUMNS = (
    spreadsheets.Column("Cuenta", 14),
    spreadsheets.Column("Paciente", 32),
    spreadsheets.Column("Servicio", 22),
    spreadsheets.Column("Fecha", 12, DATE_FORMAT),
    spreadsheets.Column("Estado", 36),
    spreadsheets.Column("Monto (detalle de pago)", 20, MONEY_FORMAT),
    spreadsheets.Column("Retenciones", 14, MONEY_FORMAT),
    spreadsheets.Column("Monto a facturar", 18, MONEY_FORMAT),
    spreadsheets.Column("Pagado", 14, MONEY_FORMAT),
    spreadsheets.Column("Factura (folio fiscal UUID)", 40, spreadsheets.TEXT_FORMAT),
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
            date.fromisoformat(row.date),
            STATUS_LABELS.get(row.status, row.status),
            _number(row.amount),
            _number(row.retention),
            _number(row.to_invoice),
            _number(row.paid),
            row.invoice_uuid or ("En validación" if row.invoice_id else ""),
        ]
        for row in rows
    ]
    return spreadsheets.xlsx_bytes(
        spreadsheets.Table(
            title="Estado de cuenta",
            preamble=[
                [f"Estado de cuenta de {provider_name}"],
                [f"Generado: {local_moment(generated_at)}"],
                [],
            ],
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


def local_moment(instant: str) -> str:
    """`2026-11-25T17:05:00+00:00` → `25 nov 2026, 11:05 h (hora del centro de México)`; an
    instant without offset is UTC."""
    return f"{formats.moment(instant, MEXICO_CITY)} (hora del centro de México)"


def _number(centavos: int) -> Decimal:
    # Decimal, not float: openpyxl writes it as the exact decimal number.
    return to_pesos(centavos)
