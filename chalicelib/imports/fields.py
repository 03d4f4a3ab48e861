"""Column checks the import kinds share: each adds its Spanish error to the row and answers
the normalised value ("" when it is wrong), so a row reports every bad column. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date
from typing import Final, TypeVar

from chalicelib.imports.outcome import ChunkResult, RowErrors
from chalicelib.imports.readers import Row

POLICY: Final = re.compile(r"^[A-Z0-9][A-Z0-9/_-]{0,29}$")
CERTIFICATE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
CODE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def policy_number(errors: RowErrors, value: str) -> str:
    """A policy number without spaces, in capitals (as the registration form looks it up)."""
    number = "".join(value.split()).upper()
    if not POLICY.match(number):
        errors.add(
            "poliza", value, "Falta la póliza o no es válida (letras, números y guiones; hasta 30)."
        )
        return ""
    return number


def certificate(errors: RowErrors, value: str) -> str:
    if not CERTIFICATE.match(value):
        errors.add(
            "certificado",
            value,
            "Falta el certificado o no es válido (letras, números y guiones; hasta 20).",
        )
        return ""
    return value


def code(errors: RowErrors, column: str, value: str, what: str) -> str:
    """A key of the insurer's own catalogue (a hospital's, a clinic's, a condition's)."""
    if not CODE.match(value.strip()):
        errors.add(
            column,
            value,
            f"Falta la clave {what} o no es válida (letras, números, puntos y guiones; hasta 30).",
        )
        return ""
    return value.strip()


def text(
    errors: RowErrors, column: str, value: str, *, what: str, limit: int, required: bool = True
) -> str:
    """One line of text, its spaces folded, at most `limit` characters."""
    folded = " ".join(value.split())
    if (required and not folded) or len(folded) > limit or _CONTROL.search(value):
        errors.add(column, value, f"Falta {what} o es demasiado largo (máx. {limit}).")
        return ""
    return folded


def day(errors: RowErrors, column: str, value: str, *, not_after: date | None = None) -> str:
    """A date written AAAA-MM-DD (not after `not_after`, when given)."""
    if not value:
        errors.add(column, value, "Falta la fecha (AAAA-MM-DD).")
        return ""
    try:
        if not _DATE.match(value):
            raise ValueError
        found = date.fromisoformat(value)
    except ValueError:
        errors.add(column, value, "La fecha debe tener la forma AAAA-MM-DD (p. ej. 2026-01-31).")
        return ""
    if not_after is not None and found > not_after:
        errors.add(column, value, "La fecha no puede ser futura.")
        return ""
    return found.isoformat()


def choice(errors: RowErrors, column: str, value: str, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    chosen = value.strip().lower()
    if chosen not in options:
        errors.add(column, value, f"Debe ser {' o '.join(options)}.")
        return ""
    return chosen


def upsert(
    result: ChunkResult,
    candidates: Iterable[tuple[K, V]],
    stored: Mapping[K, V],
    same: Callable[[V, V], bool] = lambda before, after: before == after,
) -> dict[K, V]:
    """Count each valid row against what is stored and the chunk's earlier rows: a row equal
    to it is `sin_cambios`, a new key `creados`, a different value `actualizados`. The values
    to write, by key (the last row of a key wins)."""
    state = dict(stored)
    changed: dict[K, V] = {}
    for key, value in candidates:
        before = state.get(key)
        if before is not None and same(before, value):
            result.count("sin_cambios")
            continue
        result.count("creados" if before is None else "actualizados")
        state[key] = value
        changed[key] = value
    return changed


def parsed_rows(
    result: ChunkResult, rows: list[Row], parse: Callable[[Row], tuple[V | None, RowErrors]]
) -> list[tuple[Row, V]]:
    """Each row parsed; a row with errors is rejected (its errors kept for the report)."""
    found: list[tuple[Row, V]] = []
    for row in rows:
        value, errors = parse(row)
        if value is None:
            result.reject(errors)
        else:
            found.append((row, value))
    return found
