"""The operators' transactions CSV: its columns and how a row becomes a transaction item.

Settlement owns this format: it loads the rows (`service.load_csv`), and the documents
pipeline asks it for the format (`service.transactions_csv_format()`) when it judges an
uploaded file. One file carries both kinds of transaction (`bono`, `tarjeta`); the header
names every required column and each row fills the ones of its kind. CLP has no minor unit,
so amounts are whole pesos. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from chalicelib.settlement.rules import KINDS

_UTF8_BOM: Final = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class TransactionsCsvFormat:
    kinds: tuple[str, ...] = KINDS
    common_columns: tuple[str, ...] = ("tipo", "id_transaccion", "rut_prestador", "fecha")
    bono_columns: tuple[str, ...] = ("valor_total", "aporte_financiador", "aporte_seguro", "copago")
    tarjeta_columns: tuple[str, ...] = ("monto", "cuotas", "comision_emisor", "respuesta_emisor")
    # Columns a file may add after the required ones.
    optional_columns: tuple[str, ...] = ("lugar", "aseguradora", "financiador", "costo")

    @property
    def header(self) -> tuple[str, ...]:
        """The columns every file's header holds, in this order when written."""
        return self.common_columns + self.bono_columns + self.tarjeta_columns

    def amount_columns(self, kind: str) -> tuple[str, ...]:
        """The kind's columns that hold a whole number (pesos, or the count of `cuotas`)."""
        if kind == "bono":
            return self.bono_columns
        return tuple(c for c in self.tarjeta_columns if c != "respuesta_emisor")

    def decode(self, data: bytes) -> str:
        """The file's text: UTF-8, with or without Excel's byte-order mark.

        Raises UnicodeDecodeError."""
        return data.removeprefix(_UTF8_BOM).decode("utf-8")

    def delimiter_of(self, text: str) -> str:
        """`;` when the first line has more semicolons than commas (Excel in Spanish)."""
        first_line = text.split("\n", 1)[0]
        return ";" if first_line.count(";") > first_line.count(",") else ","

    def column_names(self, header: Iterable[str]) -> list[str]:
        """The header's names as the format spells them (surrounding spaces and case ignored)."""
        return [name.strip().lower() for name in header]

    def is_blank(self, fields: Iterable[str | None]) -> bool:
        """A row with nothing in it is skipped, not an error."""
        return not any((field or "").strip() for field in fields)

    def kind_of(self, row: Mapping[str, str]) -> str:
        return row.get("tipo", "").strip().lower()

    def row_to_item(self, row: Mapping[str, str]) -> dict[str, Any]:
        """A row (column name → text) as the item `rules.parse_transaction` reads."""
        kind = self.kind_of(row)
        item: dict[str, Any] = {
            "kind": kind,
            "id": row.get("id_transaccion", "").strip(),
            "provider_rut": row.get("rut_prestador", "").strip(),
            "occurred_at": row.get("fecha", "").strip(),
            "place": row.get("lugar", "").strip(),
        }
        if kind == "bono":
            item.update(
                total_value=row.get("valor_total", "").strip(),
                payer_contribution=row.get("aporte_financiador", "").strip(),
                insurer_contribution=row.get("aporte_seguro", "").strip(),
                copay=row.get("copago", "").strip(),
                insurer=row.get("aseguradora", "").strip(),
                payer=row.get("financiador", "").strip(),
            )
        else:
            item.update(
                card_amount=row.get("monto", "").strip(),
                installments=row.get("cuotas", "").strip(),
                issuer_commission=row.get("comision_emisor", "").strip(),
                transaction_cost=row.get("costo", "").strip() or "0",
                issuer_answer=row.get("respuesta_emisor", "").strip(),
            )
        return item


TRANSACTIONS_CSV: Final = TransactionsCsvFormat()
