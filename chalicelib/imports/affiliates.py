"""The `afiliados` kind: the affiliate registry (who is affiliated, their family, their clinic).

Key: NSS (the registry's own key; an NSS the registry keeps for another insurer is an error
of its row). The NSS is checked with its check digit (`check_nss`); the people who share a
credential serial are a family nucleus (they book for each other); `clinica` is the clave
of a clinic the insurer imported (`clinicas`), which must exist. A person keeps their
registry id across imports. Each chunk reads its records and clinics in one batch each and
writes the changed records in one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from typing import Final

from chalicelib.accounts.identifiers import check_nss
from chalicelib.appointments import service as appointments
from chalicelib.imports import fields
from chalicelib.imports.kinds import AFILIADOS
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row
from chalicelib.registry import service as registry
from chalicelib.registry.service import AffiliateRecord

_SERIAL: Final = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,29}$")


@dataclass(frozen=True)
class AffiliateRow:
    nss: str
    serial: str
    name: str
    clinic: str


def parse(row: Row) -> tuple[AffiliateRow | None, RowErrors]:
    """A row as a registry record, or its errors (every column checked)."""
    errors = RowErrors(row)
    value = {column: row.get(AFILIADOS, column) for column in AFILIADOS.columns}
    nss = ""
    try:
        nss = check_nss(value["nss"])
    except ValueError as exc:
        errors.add("nss", value["nss"], str(exc))
    serial = registry.normalize_serial(value["serie_credencial"])
    if not _SERIAL.match(serial):
        errors.add(
            "serie_credencial",
            value["serie_credencial"],
            "Falta la serie de la credencial o no es válida (letras, números y guiones; hasta 30).",
        )
    found = AffiliateRow(
        nss=nss,
        serial=serial,
        name=fields.text(errors, "nombre", value["nombre"], what="el nombre", limit=120).upper(),
        clinic=fields.code(errors, "clinica", value["clinica"].upper(), "de la clínica"),
    )
    return (None, errors) if errors else (found, errors)


def _same(before: AffiliateRecord, after: AffiliateRecord) -> bool:
    return replace(after, member_id=before.member_id) == before


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's registry rows against the stored registry and the insurer's
    clinics and, to apply, write the new and changed records."""
    result = ChunkResult()
    parsed = fields.parsed_rows(result, rows, parse)
    stored = registry.affiliates_by_nss([found.nss for _, found in parsed])
    clinics = appointments.clinics_by_code(
        context.insurer_id, sorted({found.clinic for _, found in parsed})
    )
    candidates: list[tuple[str, AffiliateRecord]] = []
    for row, found in parsed:
        errors = RowErrors(row)
        before = stored.get(found.nss)
        if before is not None and before.insurer_id not in ("", context.insurer_id):
            errors.add("nss", found.nss, "Ese NSS está registrado con otra aseguradora.")
        clinic = clinics.get(found.clinic)
        if clinic is None:
            errors.add(
                "clinica",
                found.clinic,
                f"No existe la clínica {found.clinic}: carga antes el archivo de clínicas.",
            )
        if errors or clinic is None:
            result.reject(errors)
            continue
        record = AffiliateRecord(
            member_id=before.member_id if before else str(uuid.uuid4()),
            nss=found.nss,
            credential_serial=found.serial,
            full_name=found.name,
            insurer_id=context.insurer_id,
            clinic_id=clinic.clinic_id,
        )
        candidates.append((found.nss, record))
    changed = fields.upsert(result, candidates, stored, _same)
    if context.apply and changed:
        to_save = list(changed.values())
        result.write(lambda: registry.load(to_save))
    return result
