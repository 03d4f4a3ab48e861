"""The export file: one ZIP with the person's records as JSON and their documents.

Pure apart from the bytes it is given: the service collects, this module packs.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

README = """Tus datos personales en Portal Médico

datos.json      Tus registros: cuenta, trámites, documentos y lo que corresponda a tu
                portal (órdenes, facturas, membresías, pagos, citas, recetas, incapacidades).
documentos/     Los archivos que subiste, con su nombre original precedido de su número.

Fechas y horas en UTC (ISO-8601). Importes como texto decimal con su moneda.
Solicitud: {request_id}. Generado: {generated_at}.
"""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ExportFile:
    document_id: str
    name: str
    content: bytes


def archive_name(document_id: str, name: str) -> str:
    """A path inside the ZIP that cannot escape its folder or collide with another file."""
    safe = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip("._") or "archivo"
    return f"documentos/{document_id}_{safe}"


def write_zip(
    target: IO[bytes],
    *,
    request_id: str,
    generated_at: str,
    data: dict[str, Any],
    files: Iterable[ExportFile],
) -> int:
    """Write the ZIP to `target`; answers how many documents went in."""
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "LEEME.txt", README.format(request_id=request_id, generated_at=generated_at)
        )
        archive.writestr(
            "datos.json",
            json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str),
        )
        for item in files:
            archive.writestr(archive_name(item.document_id, item.name), item.content)
            count += 1
    return count
