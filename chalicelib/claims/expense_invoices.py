"""An expense invoice (CFDI) attached to a claim must be addressed to the policy's titular or to
the person the claim is for: by RFC when the roster has that person's RFC, else by name (case,
accents and repeated spaces ignored). Run by the documents pipeline on a CFDI it accepted,
before its UUID is reserved, so an invoice of someone else neither counts nor holds its UUID."""

from __future__ import annotations

from typing import Any, Final

from chalicelib.claims import repository
from chalicelib.documents.service import Document
from chalicelib.kernel.text import name_key
from chalicelib.policies import service as policies

NOT_INSURED: Final = "cfdi_receiver_not_insured"


def _addressed_to(person_rfc: str, person_name: str, rfc: str, name: str) -> bool:
    if person_rfc:
        return person_rfc.strip().upper() == rfc
    return bool(person_name) and name_key(person_name) == name_key(name)


def check_expense_invoice(document: Document, facts: dict[str, Any]) -> list[tuple[str, str]]:
    """`cfdi_receiver_not_insured` unless the titular or the affected person receives it."""
    if document.kind != "cfdi_expense":
        return []
    claim = repository.get(document.owner_id)
    policy = policies.get_policy(claim.insurer_id, claim.policy_number) if claim else None
    if claim is None or policy is None:
        return []
    rfc = str(facts.get("receiver_rfc") or "").upper()
    name = str(facts.get("receiver_name") or "")
    people = [
        (member.rfc, member.full_name)
        for member in policy.members
        if member.id == claim.member_id or member.relationship == "titular"
    ]
    if not any(member.relationship == "titular" for member in policy.members):
        people.append(("", policy.titular_name))
    if any(_addressed_to(person_rfc, person_name, rfc, name) for person_rfc, person_name in people):
        return []
    return [
        (
            NOT_INSURED,
            f"La factura está a nombre de {name or 'otra persona'} (RFC {rfc or 'sin RFC'}). "
            "Para este trámite debe estar a nombre del titular de la póliza o de la persona "
            "afectada; pide al emisor una factura a su nombre.",
        )
    ]
