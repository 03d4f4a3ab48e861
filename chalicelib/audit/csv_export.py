"""The audit records as the CSV an insurer's administrator downloads (pure: no I/O).

Subjects and details hold what people typed (a note, a file name): the table goes through
chalicelib/spreadsheets.py, whose writer keeps any text that starts like a formula as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from chalicelib import spreadsheets
from chalicelib.audit.actions import action_label
from chalicelib.audit.repository import AuditRecord

MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")

COLUMNS: Final = (
    spreadsheets.Column("Fecha y hora (Ciudad de México)", 20),
    spreadsheets.Column("Correo de quien actuó", 32),
    spreadsheets.Column("Nombre de quien actuó", 32),
    spreadsheets.Column("Cuenta de quien actuó", 38),
    spreadsheets.Column("Acción", 40),
    spreadsheets.Column("Clave de la acción", 24),
    spreadsheets.Column("Sujeto", 38),
    spreadsheets.Column("IP de origen", 16),
    spreadsheets.Column("Detalle", 60),
)


def local_time(instant: str) -> str:
    """An ISO instant as Mexico City's wall clock, `2026-03-05 10:30:00`."""
    moment = datetime.fromisoformat(instant).astimezone(MEXICO_CITY)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def csv_bytes(records: Sequence[AuditRecord], names: Mapping[str, tuple[str, str]]) -> bytes:
    """One line per record, newest first as given; `names` maps an actor's account id to its
    (e-mail, name)."""
    rows = []
    for record in records:
        email, name = names.get(record.actor_id, ("", ""))
        rows.append(
            [
                local_time(record.at),
                email,
                name,
                record.actor_id,
                action_label(record.action),
                record.action,
                record.subject,
                record.source_ip or "",
                json.dumps(record.detail, ensure_ascii=False, sort_keys=True)
                if record.detail
                else "",
            ]
        )
    return spreadsheets.csv_bytes(spreadsheets.Table("Auditoría", COLUMNS, rows))
