"""Reading an import file row by row, with bounded memory: CSV (UTF-8, comma or semicolon)
or XLSX (first sheet). Pure: the caller hands a binary stream (CSV) or a seekable file on
disk (XLSX, which a zip needs); nothing here talks to AWS.

A file is refused as a whole (`FileRefused`, with a code and a Spanish message) when it is
not what the kind expects: not UTF-8, a header other than the kind's, a formula, an XLSX
whose parts would decompress past the caps below. Everything else is a row's business.

XLSX: openpyxl's read-only mode still loads the shared strings eagerly (a 469 KiB file with
140 MB of shared strings took 18 s and +133 MB), so the zip's declared sizes are checked
against fixed caps before openpyxl opens it; Python's zip reader stops at the declared size,
so a part that lies about it cannot decompress further. Cells are read as the text they
show: a number formatted `0000` keeps its four digits, a date is `YYYY-MM-DD`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Final

from chalicelib.imports.kinds import Kind

KIB: Final = 1024
MIB: Final = 1024 * KIB
# The longest line a CSV may have (a roster row is ~150 characters).
MAX_LINE_CHARS: Final = 8_000
# Rows an import may hold (the header excluded).
MAX_ROWS: Final = 500_000
# What an XLSX's parts may decompress to, as its zip directory declares them.
MAX_SHARED_STRINGS_BYTES: Final = 16 * MIB
MAX_SHEET_BYTES: Final = 200 * MIB
MAX_XLSX_TOTAL_BYTES: Final = 260 * MIB
MAX_XLSX_ENTRIES: Final = 200
# Columns read from an XLSX row (a template has at most 16).
MAX_XLSX_COLUMNS: Final = 64

UTF8_BOM: Final = b"\xef\xbb\xbf"
NOT_UTF8: Final = (
    "El archivo no está en UTF-8. En Excel, guárdalo como CSV UTF-8 (delimitado por comas) "
    "y súbelo de nuevo."
)


class FileRefused(Exception):
    """The whole file is refused: `code` and a Spanish `message` for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Row:
    """A data row: its spreadsheet number (the header is row 1), its values in the kind's
    column order (missing optional ones empty) and problems found while reading a cell."""

    number: int
    values: tuple[str, ...]
    problems: tuple[tuple[str, str, str], ...] = field(default=())  # (column, value, message)

    def get(self, kind: Kind, column: str) -> str:
        return self.values[kind.columns.index(column)]


def file_type(name: str) -> str:
    """`csv` or `xlsx`, from the file's name (the slot already refused anything else)."""
    return "xlsx" if name.lower().endswith(".xlsx") else "csv"


def check_header(kind: Kind, names: list[str]) -> None:
    """The header must be the kind's, in order; optional trailing columns may be missing."""
    cleaned = [name.strip().lower() for name in names]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if kind.accepts_header(cleaned):
        return
    expected = ",".join(kind.headers)
    if len(cleaned) > len(kind.columns):
        extra = ", ".join(cleaned[len(kind.columns) :][:5])
        raise FileRefused(
            "too_many_columns",
            f"El archivo tiene {len(cleaned)} columnas y la plantilla {len(kind.columns)}; "
            f"sobran: {extra}. Usa la plantilla de {kind.label.lower()}: {expected}.",
        )
    for position, name in enumerate(kind.columns, start=1):
        found = cleaned[position - 1] if position <= len(cleaned) else ""
        if found != name:
            shown = f"«{found}»" if found else "nada"
            raise FileRefused(
                "header_mismatch",
                f"La columna {position} del encabezado debe ser «{name}» y dice {shown}. "
                f"El encabezado es exactamente: {expected}.",
            )
    raise FileRefused("header_mismatch", f"El encabezado es exactamente: {expected}.")


def _is_blank(values: list[str]) -> bool:
    return not any(value.strip() for value in values)


def _row(kind: Kind, number: int, values: list[str], problems: list[tuple[str, str, str]]) -> Row:
    width = len(kind.columns)
    extra = [value for value in values[width:] if value.strip()]
    if extra:
        problems.append(
            ("", extra[0][:200], f"La fila tiene más columnas que el encabezado ({width}).")
        )
    padded = [value.strip() for value in values[:width]] + [""] * max(0, width - len(values))
    return Row(number, tuple(padded), tuple(problems))


# --- CSV ---------------------------------------------------------------------------------------


class _Raw(io.RawIOBase):
    """A stream with `read(n)` (an S3 body) as an io raw stream, so io can buffer it."""

    def __init__(self, source: IO[bytes] | Any) -> None:
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def csv_rows(kind: Kind, stream: IO[bytes] | Any) -> Iterator[Row]:
    """The data rows of a CSV file, after its header is checked; blank lines skipped."""
    text = io.TextIOWrapper(
        io.BufferedReader(_Raw(stream), buffer_size=64 * KIB),
        encoding="utf-8-sig",
        errors="strict",
        newline="",
    )
    try:
        first = text.readline(MAX_LINE_CHARS + 1)
        if not first.strip():
            raise FileRefused("file_empty", "El archivo está vacío o su primera línea está vacía.")
        if len(first) > MAX_LINE_CHARS and not first.endswith("\n"):
            raise FileRefused("not_a_csv", "La primera línea es demasiado larga: no es un CSV.")
        if "\x00" in first:
            raise FileRefused("not_a_csv", "El archivo no es un CSV de texto.")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter))
        check_header(kind, header)
        reader = csv.reader(text, delimiter=delimiter)
        number = 1
        for values in reader:
            number = reader.line_num + 1
            if _is_blank(values):
                continue
            if number - 1 > MAX_ROWS:
                raise FileRefused(
                    "too_many_rows", f"El archivo tiene más de {MAX_ROWS:,} filas; divídelo."
                )
            yield _row(kind, number, values, [])
    except UnicodeDecodeError:
        raise FileRefused("not_utf8", NOT_UTF8) from None
    except csv.Error as exc:
        raise FileRefused("not_a_csv", f"El CSV no se puede leer: {exc}.") from None


# --- XLSX --------------------------------------------------------------------------------------


def check_xlsx_parts(path: str | IO[bytes]) -> None:
    """Refuse an XLSX whose zip directory declares parts larger than the caps (before any
    XML is parsed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("not_an_xlsx", "El archivo no es un libro de Excel (.xlsx).") from None
    if len(entries) > MAX_XLSX_ENTRIES:
        raise FileRefused("xlsx_too_complex", "El libro tiene demasiadas partes internas.")
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise FileRefused("not_an_xlsx", "El archivo no es un libro de Excel (.xlsx).")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.filename == "xl/sharedStrings.xml" and entry.file_size > MAX_SHARED_STRINGS_BYTES:
            raise FileRefused(
                "xlsx_too_large",
                "El libro tiene demasiado texto para importarse "
                f"({entry.file_size // MIB} MB sin comprimir; el máximo es "
                f"{MAX_SHARED_STRINGS_BYTES // MIB} MB). Guárdalo como CSV UTF-8.",
            )
        if entry.filename.startswith("xl/worksheets/") and entry.file_size > MAX_SHEET_BYTES:
            raise FileRefused(
                "xlsx_too_large",
                f"Una hoja del libro ocupa {entry.file_size // MIB} MB sin comprimir; el máximo "
                f"es {MAX_SHEET_BYTES // MIB} MB. Divide el archivo o guárdalo como CSV UTF-8.",
            )
    if total > MAX_XLSX_TOTAL_BYTES:
        raise FileRefused(
            "xlsx_too_large",
            f"El libro ocupa {total // MIB} MB sin comprimir; el máximo es "
            f"{MAX_XLSX_TOTAL_BYTES // MIB} MB.",
        )


def _number_text(value: int | float, number_format: str) -> str:
    fmt = (number_format or "General").split(";")[0]
    if fmt and set(fmt) == {"0"}:
        return str(int(value)).zfill(len(fmt))
    if fmt.startswith("0.") and set(fmt[2:]) == {"0"}:
        return f"{Decimal(str(value)):.{len(fmt) - 2}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_text(cell: Any) -> tuple[str, bool]:
    """What the cell shows, and whether it was a number (leading zeros would be lost)."""
    value = cell.value
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("VERDADERO" if value else "FALSO"), False
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(sep=" ")
        ), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, (int, float)):
        number_format = getattr(cell, "number_format", "General") or "General"
        keeps_zeros = set(number_format.split(";")[0]) == {"0"} and len(number_format) > 1
        return _number_text(value, number_format), not keeps_zeros
    return str(value), False


def xlsx_rows(kind: Kind, path: str) -> Iterator[Row]:
    """The data rows of the workbook's first sheet, after the caps and its header are checked.

    A formula anywhere refuses the file; a number in an identifier column (whose leading
    zeros a spreadsheet drops) is a problem of its row."""
    check_xlsx_parts(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception:
        raise FileRefused("not_an_xlsx", "No pudimos abrir el libro de Excel.") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_XLSX_COLUMNS)
        header_cells = next(rows, ())
        _no_formula(header_cells, 1)
        check_header(kind, [cell_text(cell)[0] for cell in header_cells])
        identifiers = [column in kind.identifiers for column in kind.columns]
        for number, cells in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise FileRefused(
                    "too_many_rows", f"El archivo tiene más de {MAX_ROWS:,} filas; divídelo."
                )
            _no_formula(cells, number)
            values: list[str] = []
            problems: list[tuple[str, str, str]] = []
            for index, cell in enumerate(cells):
                text, numeric = cell_text(cell)
                values.append(text)
                if numeric and index < len(identifiers) and identifiers[index]:
                    problems.append(
                        (
                            kind.columns[index],
                            text,
                            "El identificador llegó como número y pudo perder sus ceros a la "
                            "izquierda: da a la columna formato de texto y escríbelo completo.",
                        )
                    )
            if _is_blank(values):
                continue
            yield _row(kind, number, values, problems)
    finally:
        workbook.close()


def _no_formula(cells: Any, number: int) -> None:
    for cell in cells:
        if getattr(cell, "data_type", None) == "f":
            raise FileRefused(
                "xlsx_formula",
                f"La celda {getattr(cell, 'coordinate', '')} (fila {number}) tiene una fórmula. "
                "Copia y pega solo los valores, o guarda el archivo como CSV UTF-8.",
            )
