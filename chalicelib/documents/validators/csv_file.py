"""Operators' transaction files (CSV): encoding, header, row cap, errors per line.

The format (columns, kinds, encoding, delimiter) is the settlement context's, asked through
its service: one file carries both kinds of transaction (`bono`, `tarjeta`); the header names
every column and each row fills the ones of its kind. CLP has no minor unit, so amounts are
whole pesos. The file is accepted only when every row is valid; the verdict lists the errors
by line (up to `MAX_CSV_ERRORS_REPORTED`) so the operator can fix them all at once.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from chalicelib.documents import limits
from chalicelib.documents.verdict import Verdict, reject

if TYPE_CHECKING:
    from chalicelib.settlement.transaction_csv import TransactionsCsvFormat

_WHOLE_PESOS: Final = re.compile(r"^\d{1,12}$")


def _error(line: int, column: str | None, code: str, message: str) -> dict[str, Any]:
    return {"line": line, "column": column, "code": code, "message": message}


def _check_date(value: str) -> bool:
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _row_errors(
    line: int, row: dict[str, str], csv_format: TransactionsCsvFormat
) -> list[dict[str, Any]]:
    from stdnum.cl import rut

    errors: list[dict[str, Any]] = []
    kind = csv_format.kind_of(row)
    if kind not in csv_format.kinds:
        return [_error(line, "tipo", "invalid_kind", "El tipo debe ser «bono» o «tarjeta».")]
    if not row.get("id_transaccion", "").strip():
        errors.append(_error(line, "id_transaccion", "required", "Falta el id de la transacción."))
    if not rut.is_valid(row.get("rut_prestador", "")):
        errors.append(
            _error(line, "rut_prestador", "invalid_rut", "El RUT del prestador no es válido.")
        )
    if not _check_date(row.get("fecha", "").strip()):
        errors.append(
            _error(line, "fecha", "invalid_date", "La fecha debe tener el formato AAAA-MM-DD.")
        )
    amounts: dict[str, int] = {}
    for column in csv_format.amount_columns(kind):
        value = row.get(column, "").strip()
        if not _WHOLE_PESOS.match(value):
            errors.append(
                _error(
                    line,
                    column,
                    "invalid_amount",
                    f"«{column}» debe ser un número entero de pesos, sin puntos ni signos.",
                )
            )
        else:
            amounts[column] = int(value)
    if kind == "bono" and len(amounts) == len(csv_format.bono_columns):
        parts = amounts["aporte_financiador"] + amounts["aporte_seguro"] + amounts["copago"]
        if parts != amounts["valor_total"]:
            errors.append(
                _error(
                    line,
                    "valor_total",
                    "amounts_mismatch",
                    f"El valor total ({amounts['valor_total']}) no es la suma del aporte "
                    f"financiador, el aporte del seguro y el copago ({parts}).",
                )
            )
    if kind == "tarjeta":
        if amounts.get("cuotas") == 0:
            errors.append(
                _error(line, "cuotas", "invalid_installments", "Las cuotas deben ser 1 o más.")
            )
        if not row.get("respuesta_emisor", "").strip():
            errors.append(
                _error(line, "respuesta_emisor", "required", "Falta la respuesta del emisor.")
            )
    return errors


def validate_transactions_csv(data: bytes) -> Verdict:
    from chalicelib.settlement import service as settlement

    csv_format = settlement.transactions_csv_format()
    try:
        text = csv_format.decode(data)
    except UnicodeDecodeError:
        return reject(
            "csv_encoding",
            "El archivo no está en UTF-8. En Excel, guárdalo como «CSV UTF-8 (delimitado por "
            "comas)».",
        )
    if "\x00" in text:
        return reject("csv_encoding", "El archivo no es un CSV de texto.")
    delimiter = csv_format.delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = csv_format.column_names(next(reader))
    except StopIteration:
        return reject("csv_empty", "El archivo no tiene encabezado ni filas.")
    except csv.Error:
        return reject("csv_malformed", "La primera línea del archivo no se puede leer como CSV.")
    missing = [column for column in csv_format.header if column not in header]
    if missing:
        return reject(
            "csv_header",
            f"Al encabezado le faltan las columnas: {', '.join(missing)}. El encabezado debe "
            f"ser: {','.join(csv_format.header)}.",
            {"header": header},
        )
    errors: list[dict[str, Any]] = []
    error_count = 0
    rows = 0
    try:
        for fields in reader:
            line = reader.line_num
            if csv_format.is_blank(fields):
                continue
            rows += 1
            if rows > limits.MAX_CSV_ROWS:
                return reject(
                    "csv_too_many_rows",
                    f"El archivo tiene más de {limits.MAX_CSV_ROWS} filas; divídelo en varios "
                    "archivos.",
                    {"rows": rows},
                )
            if len(fields) != len(header) or any(
                len(field) > limits.MAX_CSV_LINE_CHARS for field in fields
            ):
                found = _error(
                    line,
                    None,
                    "wrong_columns",
                    f"La fila tiene {len(fields)} columnas; el encabezado tiene {len(header)}.",
                )
                row_errors = [found]
            else:
                row_errors = _row_errors(line, dict(zip(header, fields, strict=True)), csv_format)
            error_count += len(row_errors)
            errors.extend(row_errors[: max(0, limits.MAX_CSV_ERRORS_REPORTED - len(errors))])
    except csv.Error as error:
        return reject(
            "csv_malformed",
            f"El archivo no se puede leer como CSV a partir de la línea {reader.line_num} "
            f"(revisa las comillas): {error}.",
        )
    facts: dict[str, Any] = {"rows": rows, "delimiter": delimiter, "errors": errors}
    if rows == 0:
        return reject("csv_empty", "El archivo no tiene filas de transacciones.", facts)
    if error_count:
        facts["error_count"] = error_count
        return reject(
            "csv_row_errors",
            f"Hay {error_count} errores en las filas del archivo (la primera, en la línea "
            f"{errors[0]['line']}). Corrígelos y vuelve a subirlo.",
            facts,
        )
    return Verdict(status="aceptado", facts=facts)
