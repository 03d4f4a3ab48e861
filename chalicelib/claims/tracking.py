"""Tracking: one of the insured's claims, and their lists (current, in progress, history
with search by folio)."""

from __future__ import annotations

from typing import Final

from chalicelib import dynamo
from chalicelib.auth import Principal, require_role
from chalicelib.claims import access, folios, machine, presentation, repository
from chalicelib.claims.eligibility import invalid
from chalicelib.claims.schemas import ClaimListOut, ClaimListQuery, ClaimOut
from chalicelib.documents import service as documents
from chalicelib.documents.service import DocumentOwner
from chalicelib.policies import service as policies

_ACTUAL_LIMIT: Final = 5


def read_claim(principal: Principal, claim_id: str) -> ClaimOut:
    """One of the insured's claims with its documents, history and deadlines."""
    claim = access.own_claim(principal, claim_id)
    return presentation.claim_out(
        claim,
        policies.catalog(claim.insurer_id),
        documents.documents_of(DocumentOwner.CLAIM, claim.claim_id),
    )


def claim_by_folio(folio: str) -> repository.Claim | None:
    """The claim a folio names (a GetItem on the folio's own item), whoever owns it: the
    caller checks ownership. A folio that cannot be one (typo, check digit) is a 422."""
    if folios.parse_folio(folio) is None:
        raise invalid(
            "folio",
            "folio_invalid",
            "Ese folio no es válido: revisa que esté completo y bien escrito "
            "(por ejemplo RE-SEC-2026-000123-47).",
        )
    owner = repository.folio_owner(folios.normalize(folio))
    return repository.get(owner.claim_id) if owner else None


# --- tracking -------------------------------------------------------------------------------------


def list_claims(principal: Principal, query: ClaimListQuery) -> ClaimListOut:
    """The insured's claims: `actuales`, `en_tramite` (filters) or `historial` (finished ones,
    search by folio)."""
    require_role(principal, "asegurado")
    if query.folio:
        if query.view != "historial":
            raise invalid(
                "folio", "folio_only_in_history", "La búsqueda por folio es del historial."
            )
        claim = claim_by_folio(query.folio)
        if claim is None or claim.account_id != principal.account_id:
            return ClaimListOut(items=[], next_cursor=None)
        return ClaimListOut(items=[presentation.summary(claim)], next_cursor=None)
    cursor = dynamo.decode_cursor(query.cursor)
    if query.view == "actuales":
        statuses: tuple[str, ...] | None = ("borrador", *machine.IN_PROGRESS)
        limit = min(query.limit, _ACTUAL_LIMIT) if query.cursor is None else query.limit
    elif query.view == "en_tramite":
        statuses = (query.status,) if query.status else machine.IN_PROGRESS
        if query.status and query.status not in machine.IN_PROGRESS:
            raise invalid(
                "status", "status_not_in_progress", "Ese estado no es de un trámite en curso."
            )
        limit = query.limit
    else:
        # The history holds finished claims only; the current ones are on the home and in
        # "En trámite" (a folio search, above, finds one's claim whatever its state).
        statuses = (query.status,) if query.status else tuple(sorted(machine.FINAL))
        if query.status and query.status not in machine.FINAL:
            raise invalid(
                "status", "status_not_finished", "Ese estado no es de un trámite terminado."
            )
        limit = query.limit
    claims, next_cursor = repository.for_account(
        principal.account_id,
        statuses=statuses,
        claim_type=query.type,
        member_id=query.member_id,
        with_folio=query.view == "historial",
        limit=limit,
        cursor=cursor,
    )
    if query.view == "actuales":
        next_cursor = next_cursor if len(claims) >= limit else None
    return ClaimListOut(items=[presentation.summary(c) for c in claims], next_cursor=next_cursor)
