"""Settlement persistence for the operators' checks of a run (behind repository.py): the
providers a run finished, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.settlement.repository_transactions import Page


@dataclass(frozen=True)
class RunMarker:
    insurer_id: str
    rut: str
    settled: bool


def run_markers(run_id: str, limit: int, cursor: dict[str, Any] | None) -> Page:
    """The providers a run has finished (settled or not), in key order (a Query on the run)."""
    from chalicelib.settlement.models import SettlementModel

    result = SettlementModel.query(
        f"RUN#{run_id}",
        SettlementModel.sk.startswith("DONE#"),
        limit=limit,
        page_size=limit,
        last_evaluated_key=cursor,
        attributes_to_get=["pk", "sk", "state"],
    )
    markers = []
    for item in result:
        _, insurer_id, rut = item.sk.split("#", 2)
        markers.append(RunMarker(insurer_id, rut, item.state == "settled"))
    return Page(markers, result.last_evaluated_key)
