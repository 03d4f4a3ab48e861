"""The `padecimientos` kind: the pre-existing conditions an insurer registered for a person.

Key: (insurer, poliza, certificado, clave). The person must be on the policy already (a
roster import, or earlier in the same file's `polizas`): a row for an unknown policy or
certificate is an error of its row. Each chunk reads its policies and conditions in one
batch each and writes the changed conditions in one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.imports import fields
from chalicelib.imports.kinds import PADECIMIENTOS
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row
from chalicelib.policies import service as policies
from chalicelib.policies.service import Condition, Policy


@dataclass(frozen=True)
class ConditionRow:
    poliza: str
    certificado: str
    clave: str
    description: str
    registered_on: str


def parse(row: Row, today: date) -> tuple[ConditionRow | None, RowErrors]:
    """A row as a condition of a person, or its errors (every column checked)."""
    errors = RowErrors(row)
    value = {column: row.get(PADECIMIENTOS, column) for column in PADECIMIENTOS.columns}
    found = ConditionRow(
        poliza=fields.policy_number(errors, value["poliza"]),
        certificado=fields.certificate(errors, value["certificado"]),
        clave=fields.code(errors, "clave", value["clave"].upper(), "del padecimiento"),
        description=fields.text(
            errors, "descripcion", value["descripcion"], what="la descripción", limit=200
        ),
        registered_on=fields.day(
            errors, "fecha_registro", value["fecha_registro"], not_after=today
        ),
    )
    return (None, errors) if errors else (found, errors)


def _member_id(policy: Policy | None, certificado: str) -> str | None:
    for member in policy.members if policy else []:
        if certificado in (member.certificado, member.id):
            return member.id
    return None


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's conditions against the stored policies and, to apply, write them."""
    result = ChunkResult()
    parsed = fields.parsed_rows(result, rows, lambda row: parse(row, context.today))
    stored_policies = policies.policies_by_number(
        context.insurer_id, [found.poliza for _, found in parsed]
    )
    candidates: list[tuple[tuple[str, str, str], Condition]] = []
    for row, found in parsed:
        member_id = _member_id(stored_policies.get(found.poliza), found.certificado)
        if member_id is None:
            errors = RowErrors(row)
            errors.add(
                "certificado",
                found.certificado,
                f"No hay una persona con el certificado {found.certificado} en la póliza "
                f"{found.poliza}: carga antes el padrón de pólizas.",
            )
            result.reject(errors)
            continue
        condition = Condition(
            found.clave, found.poliza, member_id, found.description, found.registered_on
        )
        candidates.append(((found.poliza, member_id, found.clave), condition))
    stored = policies.conditions_by_key(context.insurer_id, [key for key, _ in candidates])
    changed = fields.upsert(result, candidates, stored)
    if context.apply and changed:
        to_save = list(changed.values())
        result.write(lambda: policies.load_conditions(context.insurer_id, to_save))
    return result
