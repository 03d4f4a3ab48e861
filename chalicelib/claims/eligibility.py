"""Which claims a policy allows, pure: the rules a new claim is checked against before its
draft is written.

Each rule refuses with `errors.InvalidInput` naming the field and a code, in the order the
form asks (person, coverage, claim type and subtype, condition, hospital, payout account,
consent): the first broken rule is the one reported. The registered conditions and the
network hospitals come in as functions because only some claims need them, and they are read
only then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from chalicelib import errors
from chalicelib.claims.schemas import ClaimIn
from chalicelib.errors import ErrorDetail
from chalicelib.policies.catalog import Catalog, ClaimType
from chalicelib.policies.repository import Condition, Hospital, Member, Policy

CLABE_DIGITS = 18


@dataclass(frozen=True)
class Eligible:
    """What the checks found for a claim they allow."""

    member: Member
    claim_type: ClaimType
    condition_description: str | None
    hospital_name: str | None
    payout_clabe: str | None


def invalid(field: str, code: str, message: str) -> errors.InvalidInput:
    """A refusal of one field, with its code and a message for the person."""
    return errors.InvalidInput(
        message, code="validation_error", details=[ErrorDetail(field, code, message)]
    )


def member_on_policy(policy: Policy, member_id: str, today: date | None = None) -> Member:
    """The policy's member the claim is for; on `today`, they must be `vigente` and within
    their validity (a person `baja` keeps their claims but starts no new one)."""
    member = next((m for m in policy.members if m.id == member_id), None)
    if member is None:
        raise invalid("member_id", "not_on_policy", "Esa persona no está en tu póliza.")
    if today is not None and not member.active_on(today):
        message = inactive_message(member, today)
        raise errors.InvalidInput(
            message,
            code="member_inactive",
            details=[ErrorDetail("member_id", "member_inactive", message)],
        )
    return member


def inactive_message(member: Member, today: date) -> str:
    """Why this person can no longer start a claim, in plain Spanish."""
    if member.status == "baja":
        return (
            f"{member.full_name} está dado de baja en la póliza: ya no puede iniciar trámites. "
            "Sus trámites anteriores siguen disponibles."
        )
    if member.valid_from and today.isoformat() < member.valid_from:
        return (
            f"La cobertura de {member.full_name} empieza el {member.valid_from}: podrá iniciar "
            "trámites a partir de esa fecha."
        )
    return (
        f"La vigencia de {member.full_name} en la póliza terminó el {member.valid_to}: ya no "
        "puede iniciar trámites. Sus trámites anteriores siguen disponibles."
    )


def check_coverage(policy: Policy, coverage: str) -> None:
    """The chosen coverage is one of the policy's."""
    if coverage not in policy.coverages:
        raise invalid("coverage", "coverage_not_in_policy", "Tu póliza no tiene esa cobertura.")


def claim_type_for(catalog: Catalog, body: ClaimIn) -> ClaimType:
    """The insurer's claim type, for the chosen coverage, with a subtype exactly when it has
    subtypes."""
    claim_type = catalog.types.get(body.type)
    if claim_type is None:
        raise invalid("type", "type_not_available", "Tu aseguradora no ofrece ese tipo de trámite.")
    if body.coverage not in claim_type.coverages:
        raise invalid(
            "type",
            "type_needs_coverage",
            f"El trámite de {claim_type.label.lower()} no corresponde a la cobertura elegida.",
        )
    if claim_type.subtypes and body.subtype not in claim_type.subtypes:
        raise invalid("subtype", "subtype_required", "Elige qué se va a programar.")
    if not claim_type.subtypes and body.subtype is not None:
        raise invalid("subtype", "subtype_not_allowed", "Este trámite no tiene subtipo.")
    return claim_type


def condition_for(
    body: ClaimIn, member: Member, conditions: Callable[[], Iterable[Condition]]
) -> str | None:
    """The description of the registered condition a `complemento` continues (None when the
    condition is still pending); an initial claim names none."""
    if body.stage != "complemento":
        if body.condition_id or body.condition_pending:
            raise invalid(
                "condition_id",
                "condition_not_allowed",
                "El padecimiento se elige solo en un complemento; en un trámite inicial se "
                "registra con el informe médico.",
            )
        return None
    if body.condition_id and body.condition_pending:
        raise invalid(
            "condition_id",
            "condition_ambiguous",
            "Elige un padecimiento registrado o «padecimiento pendiente», no ambos.",
        )
    if body.condition_id:
        condition = next(
            (
                c
                for c in conditions()
                if c.condition_id == body.condition_id and c.member_id == member.id
            ),
            None,
        )
        if condition is None:
            raise invalid(
                "condition_id",
                "condition_not_found",
                "Ese padecimiento no está registrado para esta persona.",
            )
        return condition.description
    if not body.condition_pending:
        raise invalid(
            "condition_id",
            "condition_required",
            "Un complemento necesita el padecimiento registrado o «padecimiento pendiente».",
        )
    return None


def hospital_for(
    claim_type: ClaimType, hospital_id: str | None, hospitals: Callable[[], Iterable[Hospital]]
) -> str | None:
    """The name of the network hospital a claim type that needs one is for."""
    if not claim_type.needs_hospital:
        if hospital_id:
            raise invalid("hospital_id", "hospital_not_allowed", "Este trámite no lleva hospital.")
        return None
    hospital = next((h for h in hospitals() if h.hospital_id == hospital_id), None)
    if hospital is None:
        raise invalid(
            "hospital_id", "hospital_required", "Elige un hospital de la red de tu aseguradora."
        )
    return hospital.name


def payout_clabe(claim_type: ClaimType, written: str | None) -> str | None:
    """The CLABE a claim type that pays out is paid to, without the spaces it was written
    with; its check digit must hold."""
    if not claim_type.pays_out:
        if written:
            raise invalid(
                "payout_clabe", "clabe_not_allowed", "Este trámite no lleva cuenta de pago."
            )
        return None
    from clabe import validate_clabe

    clabe = "".join((written or "").split())
    if not clabe:
        raise invalid(
            "payout_clabe",
            "clabe_required",
            "Escribe la CLABE de 18 dígitos de la cuenta donde recibirás el pago.",
        )
    if not (clabe.isdigit() and len(clabe) == CLABE_DIGITS and validate_clabe(clabe)):
        raise invalid(
            "payout_clabe",
            "clabe_invalid",
            "La CLABE no es válida: revisa sus 18 dígitos (el último es de verificación).",
        )
    return clabe


def require_consent(consent: bool) -> None:
    """The person agreed to the use of their personal and health data."""
    if consent is not True:
        raise invalid(
            "consent",
            "consent_required",
            "Para registrar el trámite necesitamos tu consentimiento para usar tus datos "
            "personales y de salud.",
        )


def check_claim(
    body: ClaimIn,
    policy: Policy,
    catalog: Catalog,
    *,
    conditions: Callable[[], Iterable[Condition]],
    hospitals: Callable[[], Iterable[Hospital]],
    today: date | None = None,
) -> Eligible:
    """Every rule a new claim must meet, in the form's order; the first broken one refuses."""
    member = member_on_policy(policy, body.member_id, today)
    check_coverage(policy, body.coverage)
    claim_type = claim_type_for(catalog, body)
    condition_description = condition_for(body, member, conditions)
    hospital_name = hospital_for(claim_type, body.hospital_id, hospitals)
    clabe = payout_clabe(claim_type, body.payout_clabe)
    require_consent(body.consent)
    return Eligible(member, claim_type, condition_description, hospital_name, clabe)
