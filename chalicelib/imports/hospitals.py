"""The `hospitales` kind: the hospitals of the insurer's network.

Key: (insurer, clave); the clave is the hospital's id the claims forms choose. Each chunk
reads its hospitals in one batch and writes the changed ones in one.
"""

from __future__ import annotations

from chalicelib.imports import fields
from chalicelib.imports.kinds import HOSPITALES
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row
from chalicelib.policies import service as policies
from chalicelib.policies.service import Hospital


def parse(row: Row) -> tuple[Hospital | None, RowErrors]:
    """A row as a network hospital, or its errors (every column checked)."""
    errors = RowErrors(row)
    value = {column: row.get(HOSPITALES, column) for column in HOSPITALES.columns}
    found = Hospital(
        hospital_id=fields.code(errors, "clave", value["clave"], "del hospital"),
        name=fields.text(errors, "nombre", value["nombre"], what="el nombre", limit=120),
        city=fields.text(errors, "ciudad", value["ciudad"], what="la ciudad", limit=80),
        state=fields.text(errors, "estado", value["estado"], what="el estado", limit=80),
        address=fields.text(
            errors, "direccion", value["direccion"], what="la dirección", limit=200
        ),
    )
    return (None, errors) if errors else (found, errors)


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's hospitals and, to apply, write the new and changed ones."""
    result = ChunkResult()
    parsed = fields.parsed_rows(result, rows, parse)
    candidates = [(found.hospital_id, found) for _, found in parsed]
    stored = policies.hospitals_by_id(context.insurer_id, [key for key, _ in candidates])
    changed = fields.upsert(result, candidates, stored)
    if context.apply and changed:
        to_save = list(changed.values())
        result.write(lambda: policies.load_hospitals(context.insurer_id, to_save))
    return result
