"""The `polizas` kind: one row per insured person, upserted into the insurer's policies.

Key: (insurer, poliza, certificado); the certificate is the person's id on the policy. A
policy has exactly one titular: a titular row for a policy that already has another
titular, or a family row for a policy without one (stored, or earlier in the chunk), is an
error of that row. A person leaves with `estatus=baja`; rows absent from a file change
nothing. Each chunk reads its policies in one batch and writes the changed ones in one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from chalicelib.accounts.identifiers import check_rfc
from chalicelib.imports.kinds import POLIZAS
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row
from chalicelib.policies import service as policies
from chalicelib.policies.service import Member, Policy

RELATIONSHIPS: Final = ("titular", "conyuge", "hijo", "hija", "padre", "madre", "otro")
COVERAGES: Final = ("gmm_mayores", "gmm_menores")
STATUSES: Final = ("vigente", "baja")
_POLICY: Final = re.compile(r"^[A-Z0-9][A-Z0-9/_-]{0,29}$")
_CERTIFICATE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class RosterRow:
    poliza: str
    member: Member


def group_key(row: Row) -> str:
    """Rows of one policy stay in one chunk when they come together."""
    return "".join(row.get(POLIZAS, "poliza").split()).upper()


def _date(errors: RowErrors, column: str, value: str) -> str:
    if not value:
        errors.add(column, value, "Falta la fecha (AAAA-MM-DD).")
        return ""
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        errors.add(column, value, "La fecha debe tener la forma AAAA-MM-DD (p. ej. 2026-01-31).")
        return ""


def parse(row: Row, today: date) -> tuple[RosterRow | None, RowErrors]:
    """A row as a policy member, or its errors (every column checked)."""
    errors = RowErrors(row)
    value = {column: row.get(POLIZAS, column) for column in POLIZAS.columns}
    poliza = "".join(value["poliza"].split()).upper()
    if not _POLICY.match(poliza):
        errors.add(
            "poliza",
            value["poliza"],
            "Falta la póliza o no es válida (letras, números y guiones; hasta 30).",
        )
    certificado = value["certificado"]
    if not _CERTIFICATE.match(certificado):
        errors.add(
            "certificado",
            certificado,
            "Falta el certificado o no es válido (letras, números y guiones; hasta 20).",
        )
    if value["parentesco"].lower() not in RELATIONSHIPS:
        errors.add(
            "parentesco",
            value["parentesco"],
            f"El parentesco debe ser: {', '.join(RELATIONSHIPS)}.",
        )
    nombre = " ".join(value["nombre"].split())
    if not nombre or len(nombre) > 120 or _CONTROL.search(value["nombre"]):
        errors.add("nombre", value["nombre"], "Falta el nombre o es demasiado largo (máx. 120).")
    birth = _date(errors, "fecha_nacimiento", value["fecha_nacimiento"])
    if birth and birth > today.isoformat():
        errors.add("fecha_nacimiento", birth, "La fecha de nacimiento no puede ser futura.")
    rfc = ""
    if value["rfc"]:
        try:
            rfc = check_rfc(value["rfc"]).rfc
        except ValueError as exc:
            errors.add("rfc", value["rfc"], str(exc))
    coverages = tuple(dict.fromkeys(c.strip().lower() for c in value["coberturas"].split("|")))
    if not value["coberturas"] or any(c not in COVERAGES for c in coverages):
        errors.add(
            "coberturas",
            value["coberturas"],
            f"Las coberturas son {' o '.join(COVERAGES)}, separadas por | "
            "(p. ej. gmm_mayores|gmm_menores).",
        )
    start = _date(errors, "vigencia_inicio", value["vigencia_inicio"])
    end = _date(errors, "vigencia_fin", value["vigencia_fin"])
    if start and end and end < start:
        errors.add("vigencia_fin", end, "La vigencia termina antes de empezar.")
    status = value["estatus"].lower()
    if status not in STATUSES:
        errors.add("estatus", value["estatus"], "El estatus debe ser vigente o baja.")
    if errors:
        return None, errors
    member = Member(
        id=certificado,
        full_name=nombre,
        relationship=value["parentesco"].lower(),
        certificado=certificado,
        birth_date=birth,
        rfc=rfc,
        coverages=coverages,
        valid_from=start,
        valid_to=end,
        status=status,
    )
    return RosterRow(poliza, member), errors


def _merge(policy: Policy, member: Member) -> Policy:
    members = [m for m in policy.members if m.id != member.id]
    position = next((i for i, m in enumerate(policy.members) if m.id == member.id), len(members))
    members.insert(position, member)
    titular = next((m for m in members if m.relationship == "titular"), None)
    coverages = sorted({c for m in members for c in m.coverages} | set(policy.coverages))
    return replace(
        policy,
        members=members,
        titular_name=titular.full_name if titular else policy.titular_name,
        coverages=coverages,
    )


def _titular_problem(policy: Policy, member: Member) -> str | None:
    others = [m for m in policy.members if m.id != member.id and m.relationship == "titular"]
    if member.relationship == "titular" and others:
        return (
            f"La póliza {policy.policy_number} ya tiene titular (certificado "
            f"{others[0].id}): cada póliza tiene un solo titular."
        )
    if member.relationship != "titular" and not others:
        return (
            f"La póliza {policy.policy_number} no tiene titular: incluye la fila del titular "
            "antes que las de su familia."
        )
    return None


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's rows against the stored policies and, to apply, write the changes."""
    insurer_id = context.insurer_id
    result = ChunkResult()
    parsed = []
    for row in rows:
        found, errors = parse(row, context.today)
        if found is None:
            result.reject(errors)
        else:
            parsed.append((row, found))
    state = policies.policies_by_number(insurer_id, [found.poliza for _, found in parsed])
    changed: set[str] = set()
    for row, found in parsed:
        policy = state.get(found.poliza) or Policy(insurer_id, found.poliza, "", [], [])
        problem = _titular_problem(policy, found.member)
        if problem:
            errors = RowErrors(row)
            errors.add("parentesco", found.member.relationship, problem)
            result.reject(errors)
            continue
        before = next((m for m in policy.members if m.id == found.member.id), None)
        if before == found.member:
            result.count("sin_cambios")
            continue
        result.count("creados" if before is None else "actualizados")
        state[found.poliza] = _merge(policy, found.member)
        changed.add(found.poliza)
    if context.apply and changed:
        to_save = [state[number] for number in sorted(changed)]
        result.write(lambda: policies.save_policies(to_save))
    return result
