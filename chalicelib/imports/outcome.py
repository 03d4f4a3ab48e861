"""What a chunk of rows came to: counts, the row errors of the report, and the writes that
apply it. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from chalicelib.imports.readers import Row

COUNTS: Final = ("creados", "actualizados", "sin_cambios", "rechazados")
# A value or a message is cut to this many characters in the report.
MAX_VALUE_CHARS: Final = 100
MAX_MESSAGE_CHARS: Final = 300


class RowErrors:
    """The errors of one row, starting with those its reader found."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.items: list[list[object]] = [
            [row.number, column, value[:MAX_VALUE_CHARS], message[:MAX_MESSAGE_CHARS]]
            for column, value, message in row.problems
        ]

    def add(self, column: str, value: str, message: str) -> None:
        self.items.append(
            [self.row.number, column, value[:MAX_VALUE_CHARS], message[:MAX_MESSAGE_CHARS]]
        )

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class ChunkContext:
    """What a kind's handler knows of the import a chunk belongs to."""

    insurer_id: str
    apply: bool  # `aplicar`: the handler hands back the writes; `validar`: it only counts
    today: date  # Mexico City
    requested_by: str = ""  # the account that asked for the import (loaded_by of records)


@dataclass
class ChunkResult:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    errors: list[list[object]] = field(default_factory=list)  # [fila, columna, valor, mensaje]
    # The chunk's writes, made by the worker once the chunk's counts are kept (so a redo after
    # a crash between the writes and the checkpoint reports what the first pass did).
    writes: list[Callable[[], object]] = field(default_factory=list)

    def write(self, action: Callable[[], object]) -> None:
        self.writes.append(action)

    def count(self, outcome: str, rows: int = 1) -> None:
        self.counts[outcome] += rows

    def reject(self, errors: RowErrors) -> None:
        self.counts["rechazados"] += 1
        self.errors.extend(errors.items)
