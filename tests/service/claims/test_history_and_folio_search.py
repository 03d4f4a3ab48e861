"""The insured's history holds finished claims only; an operator finds a claim by its folio."""

from __future__ import annotations

import pytest

from chalicelib import errors
from chalicelib.claims import service as claims
from chalicelib.claims.schemas import ClaimListQuery, OperatorQueueQuery, TransitionIn
from tests.service.claims.conftest import ClaimsWorld


def _registered(world: ClaimsWorld) -> tuple[str, str]:
    claim = world.complete_reimbursement()
    return claim.id, claims.generate_folio(world.ana, claim.id).folio


def _reject(world: ClaimsWorld, claim_id: str) -> None:
    for target in ("en_revision", "rechazado"):
        claims.transition(
            world.operator, claim_id, TransitionIn(to=target, note="No procede."), None
        )


def test_the_history_lists_only_finished_claims_and_an_operator_finds_one_by_folio(
    world: ClaimsWorld,
) -> None:
    current_id, current_folio = _registered(world)
    finished_id, _ = _registered(world)
    _reject(world, finished_id)

    history = claims.list_claims(world.ana, ClaimListQuery(view="historial"))
    assert [c.id for c in history.items] == [finished_id]
    assert history.items[0].status == "rechazado"
    # The current one stays among the current claims and "en trámite".
    current = claims.list_claims(world.ana, ClaimListQuery(view="actuales"))
    assert current_id in {c.id for c in current.items}
    assert finished_id not in {c.id for c in current.items}
    # A status filter of the history must be a finished one.
    with pytest.raises(errors.InvalidInput) as bad:
        claims.list_claims(world.ana, ClaimListQuery(view="historial", status="en_revision"))
    assert bad.value.details[0].code == "status_not_finished"
    only_rejected = claims.list_claims(
        world.ana, ClaimListQuery(view="historial", status="rechazado")
    )
    assert [c.id for c in only_rejected.items] == [finished_id]
    # A folio search still finds one's own claim, whatever its state.
    found = claims.list_claims(world.ana, ClaimListQuery(view="historial", folio=current_folio))
    assert [c.id for c in found.items] == [current_id]

    # An operator finds a claim of its insurer by folio, whatever its status.
    claim_id = finished_id
    folio = history.items[0].folio
    assert folio is not None
    found = claims.operator_queue(world.operator, OperatorQueueQuery(folio=folio.lower()), None)
    assert [(c.id, c.status) for c in found.items] == [(claim_id, "rechazado")]
    # Another insurer's operator gets nothing, as for a folio that does not exist.
    assert (
        claims.operator_queue(world.operator_adn, OperatorQueueQuery(folio=folio), None).items == []
    )
    typo = folio[:-1] + str((int(folio[-1]) + 1) % 10)
    with pytest.raises(errors.InvalidInput) as bad:
        claims.operator_queue(world.operator, OperatorQueueQuery(folio=typo), None)
    assert bad.value.details[0].field == "folio"
    # Not an operator: refused.
    with pytest.raises(errors.Forbidden):
        claims.operator_queue(world.ana, OperatorQueueQuery(folio=folio), None)
