"""Who is asking: the insured behind a request, and the claims a person may see."""

from __future__ import annotations

import re

from chalicelib import errors
from chalicelib.accounts import service as accounts
from chalicelib.accounts.service import InsuredContact
from chalicelib.auth import Principal, require_insurer, require_role
from chalicelib.claims import repository
from chalicelib.claims.repository import Claim

_DOCUMENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def insured(principal: Principal) -> InsuredContact:
    """The insured person asking, with their policy and addresses."""
    require_role(principal, "asegurado")
    contact = accounts.insured_contact(principal.account_id)
    if contact is None:
        raise errors.Unauthorized()
    return contact


def own_claim(principal: Principal, claim_id: str) -> Claim:
    """One of the insured's own claims."""
    require_role(principal, "asegurado")
    claim = repository.get(claim_id) if _DOCUMENT_ID.match(claim_id) else None
    if claim is None or claim.account_id != principal.account_id:
        raise errors.NotFound()
    return claim


def claim_for_operator(principal: Principal, claim_id: str) -> Claim:
    """A claim of the operator's insurer that has left the insured's draft."""
    require_role(principal, "operador")
    claim = repository.get(claim_id) if _DOCUMENT_ID.match(claim_id) else None
    if claim is None or claim.status == "borrador":
        raise errors.NotFound()  # a draft is still the insured's alone
    require_insurer(principal, claim.insurer_id)
    return claim
