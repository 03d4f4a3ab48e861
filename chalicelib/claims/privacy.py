"""Privacy rights (ARCO) for claims: what the export carries (claims with their history, the
policy as the person sees it, in-app notifications and contact messages), what a deletion
erases at once and what it blocks while the law requires it.

A claim with a folio is part of the insured's clinical file (NOM-004-SSA3-2012: five years
from its last act) and an accounting record (CFF art. 30: five years): it is kept without
names, condition, CLABE or notes, with its documents (the medical report and studies among
them), readable only through the operators' audited paths, and purged with its documents
when the period that runs from its last act ends. A later act (an operator moves the claim)
moves that day: `latest_activity` tells the purge.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.claims import repository, repository_privacy
from chalicelib.claims.access import insured
from chalicelib.documents import service as documents
from chalicelib.documents.service import DocumentOwner
from chalicelib.personal_data import (
    CLINICAL,
    ERASED,
    PersonalData,
    Retained,
    Retention,
    purge_each,
)
from chalicelib.policies import service as policies


def personal_data(account_id: str) -> PersonalData:
    """The person's claims with their history, and the claims that own their files."""
    claims = repository.all_for_account(account_id)
    return PersonalData(
        "tramites",
        [{k: v for k, v in asdict(c).items() if k != "version"} for c in claims],
        document_owners=tuple((str(DocumentOwner.CLAIM), c.claim_id) for c in claims),
        last_activity={CLINICAL: max((c.updated_at for c in claims), default="")},
    )


def inbox_personal_data(account_id: str) -> PersonalData:
    """The person's in-app notifications and contact messages."""
    return PersonalData("avisos_y_mensajes", repository_privacy.inbox_of(account_id))


def policy_personal_data(account_id: str) -> PersonalData:
    """The policy as the titular sees it: its people, coverages, validity and conditions."""
    try:
        person = insured(Principal(account_id, "asegurado"))
    except errors.DomainError:
        return PersonalData("poliza", {})
    policy = policies.get_policy(person.insurer_id, person.policy_number)
    if policy is None:
        return PersonalData("poliza", {})
    record: dict[str, Any] = {
        "numero": policy.policy_number,
        "aseguradora": policy.insurer_id,
        "coberturas": list(policy.coverages),
        "personas": [
            {
                "id": m.id,
                "nombre": m.full_name,
                "parentesco": m.relationship,
                "certificado": m.certificado,
                "coberturas": list(m.coverages),
                "vigente_desde": m.valid_from,
                "vigente_hasta": m.valid_to,
                "estado": m.status,
            }
            for m in policy.members
        ],
        "padecimientos": [
            {
                "id": c.condition_id,
                "persona": c.member_id,
                "descripcion": c.description,
                "registrado": c.registered_on,
            }
            for c in policies.conditions_of(person.insurer_id, person.policy_number)
        ],
    }
    return PersonalData("poliza", record)


def erase_personal_data(account_id: str, retention: Retention | None = None) -> list[Retained]:
    """Delete the person's notifications, contact messages and claims without a folio (or past
    their period); block the claims with a folio (no names, condition, CLABE or notes) with
    their documents while their clinical file is in its period."""
    claims = repository.all_for_account(account_id)
    repository_privacy.erase_inbox(account_id)
    kept = [
        c
        for c in claims
        if c.folio and (retention is None or retention.keeps(CLINICAL, c.updated_at))
    ]
    kept_ids = {c.claim_id for c in kept}
    for claim in claims:
        if claim.folio:
            repository_privacy.forget_folio_owner(claim.folio, ERASED)
        if claim.claim_id in kept_ids:
            repository.erase_personal_fields(claim)
        elif retention is not None:
            repository.delete_claim(claim)
    if not kept:
        return []
    return [
        Retained(
            what=(
                "Tus trámites con folio y sus documentos (expediente clínico y comprobantes): "
                "folio, tipo, estados y fechas, sin nombres, padecimiento, CLABE ni notas"
            ),
            category=CLINICAL,
            count=len(kept),
            last_activity=max(c.updated_at for c in kept),
            ids=tuple(c.claim_id for c in kept),
            document_owners=tuple((str(DocumentOwner.CLAIM), c.claim_id) for c in kept),
        )
    ]


def latest_activity(claim_ids: list[str]) -> str | None:
    """The last act on kept claims (an operator may still move one): their period runs
    from it."""
    found = [c.updated_at for c in (repository.get(i) for i in claim_ids) if c is not None]
    return max(found) if found else None


def _purge(claim: repository.Claim) -> None:
    documents.purge_owner(str(DocumentOwner.CLAIM), claim.claim_id)
    repository.delete_claim(claim)


def purge_retained(claim_ids: list[str]) -> int:
    """Delete the claims a deletion kept, with every document and stored version, once their
    period ended (by id: the account is gone by then). Repeatable."""
    return purge_each(claim_ids, repository.get, _purge)
