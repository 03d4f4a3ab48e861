"""Settlement persistence of runs (behind repository.py): a run and the providers it has
finished, counted from their items."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Run:
    run_id: str
    period_end: str
    insurer_ids: list[str]
    providers: int
    done: int
    settled: int
    created_at: str
    started_by: str


def mark_done(run_id: str, insurer_id: str, rut: str, *, settled: bool) -> None:
    """A provider of a run is finished; writing it again (a redelivery) changes nothing."""
    from chalicelib.settlement.models import SettlementModel

    SettlementModel(
        pk=f"RUN#{run_id}", sk=f"DONE#{insurer_id}#{rut}", state="settled" if settled else "idle"
    ).save()


def create_run(run: Run) -> None:
    from chalicelib.settlement.models import SettlementModel

    SettlementModel(
        pk=f"RUN#{run.run_id}",
        sk="RUN",
        providers=run.providers,
        data={
            "period_end": run.period_end,
            "insurer_ids": run.insurer_ids,
            "created_at": run.created_at,
            "started_by": run.started_by,
        },
    ).save(condition=SettlementModel.pk.does_not_exist())


def get_run(run_id: str) -> Run | None:
    """A run with its providers done, counted from their items (one Query, no counters)."""
    from chalicelib.settlement.models import SettlementModel

    item = SettlementModel.find(f"RUN#{run_id}", "RUN", consistent_read=True)
    if item is None:
        return None
    data = dict(item.data or {})
    done = settled = 0
    for marker in SettlementModel.query(
        f"RUN#{run_id}",
        SettlementModel.sk.startswith("DONE#"),
        consistent_read=True,
        attributes_to_get=["state"],
    ):
        done += 1
        settled += marker.state == "settled"
    return Run(
        run_id=run_id,
        period_end=data["period_end"],
        insurer_ids=list(data.get("insurer_ids") or []),
        providers=int(item.providers or 0),
        done=done,
        settled=settled,
        created_at=data["created_at"],
        started_by=data.get("started_by", ""),
    )
