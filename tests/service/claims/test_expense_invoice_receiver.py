"""An expense invoice of a claim is addressed to the titular or to the affected person: by RFC
when the roster has it, else by name (case and accents ignored)."""

from __future__ import annotations

import uuid

from chalicelib.claims import service as claims
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer, Member, Policy
from tests.service.claims.conftest import TITULAR, ClaimsWorld
from tests.unit.documents import builders


def _expense(rfc: str, name: str) -> bytes:
    return builders.cfdi_expense(
        uuid=str(uuid.uuid4()).upper(), receiver_rfc=rfc, receiver_name=name
    )


def _verdicts(world: ClaimsWorld, member: str, *invoices: bytes) -> list[tuple[str, list[str]]]:
    claim = world.new_claim(member_id=world.members[member])
    world.upload(claim.id, [(f"factura{i}.xml", "cfdi_expense", x) for i, x in enumerate(invoices)])
    documents = claims.read_claim(world.ana, claim.id).documents
    by_name = {d.name: (d.status, [r.code for r in d.reasons]) for d in documents}
    return [by_name[f"factura{i}.xml"] for i in range(len(invoices))]


def test_the_affected_person_or_the_titular_by_name_and_nobody_else(world: ClaimsWorld) -> None:
    verdicts = _verdicts(
        world,
        "hijo",
        _expense("TOVL100101AB1", "luis  torres vegá"),
        _expense("TOVA800101AB1", TITULAR),
        _expense("PEPE800101AB1", "PEDRO PEREZ"),
    )
    assert verdicts[:2] == [("aceptado", []), ("aceptado", [])]
    assert verdicts[2] == ("rechazado", ["cfdi_receiver_not_insured"])


def test_the_rfc_decides_when_the_roster_has_it(world: ClaimsWorld) -> None:
    policy = policies.get_policy("sec", "GMM-2026-0000001")
    assert policy is not None
    members = [
        Member(m.id, m.full_name, m.relationship, rfc="MERC800101AB1")
        if m.relationship == "conyuge"
        else m
        for m in policy.members
    ]
    policies.load_roster(
        Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"),
        [Policy("sec", policy.policy_number, policy.titular_name, members, policy.coverages)],
    )
    verdicts = _verdicts(
        world,
        "conyuge",
        _expense("XAXX010101000", "CARLOS MENDEZ RUIZ"),
        _expense("MERC800101AB1", "C. MENDEZ"),
    )
    assert verdicts == [("rechazado", ["cfdi_receiver_not_insured"]), ("aceptado", [])]
