"""The `clinicas` kind: the insurer's clinics (UMF) where its affiliates book general
medicine, judged by the same rules as a clinic created on the page (`ClinicIn`).

Key: (insurer, clave); the clinic's id is derived from them (`appointments.clinic_id_for`),
so the same clave is the same clinic on every import and the registry's rows name it. Each
chunk reads its clinics in one batch and writes the changed ones in one.
"""

from __future__ import annotations

from typing import Final

from pydantic import ValidationError

from chalicelib.answers import validation_details
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import ClinicIn
from chalicelib.appointments.service import Clinic
from chalicelib.imports import fields
from chalicelib.imports.kinds import CLINICAS
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row

_COLUMN_OF: Final = {"name": "nombre", "address": "direccion", "time_zone": "zona_horaria"}


def parse(row: Row, insurer_id: str) -> tuple[Clinic | None, RowErrors]:
    """A row as a clinic of the insurer, or its errors (every column checked)."""
    errors = RowErrors(row)
    value = {column: row.get(CLINICAS, column) for column in CLINICAS.columns}
    code = fields.code(errors, "clave", value["clave"].upper(), "de la clínica")
    body = None
    try:
        body = ClinicIn.model_validate(
            {
                "name": " ".join(value["nombre"].split()),
                "address": " ".join(value["direccion"].split()),
                "time_zone": value["zona_horaria"] or "America/Mexico_City",
            }
        )
    except ValidationError as exc:
        for detail in validation_details(exc):
            column = _COLUMN_OF.get(detail.field, "nombre")
            errors.add(column, value[column], detail.message)
    if errors or body is None:
        return None, errors
    clinic = Clinic(
        clinic_id=appointments.clinic_id_for(insurer_id, code),
        name=body.name,
        address=body.address,
        time_zone=body.time_zone,
        insurer_id=insurer_id,
        code=code,
    )
    return clinic, errors


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's clinics and, to apply, write the new and changed ones."""
    result = ChunkResult()
    parsed = fields.parsed_rows(result, rows, lambda row: parse(row, context.insurer_id))
    candidates = [(found.code, found) for _, found in parsed]
    stored = appointments.clinics_by_code(context.insurer_id, [key for key, _ in candidates])
    changed = fields.upsert(result, candidates, stored)
    if context.apply and changed:
        to_save = list(changed.values())
        result.write(lambda: appointments.save_imported_clinics(to_save, context.requested_by))
    return result
