"""Settlement persistence of settlements (behind repository.py): the header of (provider,
period) that guards a settlement, its lease, its chunks of details written with the running
figures, its completion, and a provider's complete settlements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.settlement.repository_transactions import Page
from chalicelib.settlement.rules import Figures

if TYPE_CHECKING:
    from chalicelib.settlement.models import SettlementModel


@dataclass
class Header:
    folio: str
    insurer_id: str
    rut: str
    account_id: str | None
    period_end: str
    state: str  # en_proceso | completa
    next_chunk: int
    figures: Figures
    created_at: str
    settled_on: str | None = None
    paid_on: str | None = None
    lease_owner: str | None = None
    lease_until: str | None = None
    run_id: str | None = None


def _header_key(folio: str) -> tuple[str, str]:
    return f"SETTLEMENT#{folio}", "HEADER"


def _to_header(item: SettlementModel) -> Header:
    data = dict(item.data or {})
    return Header(
        folio=data["folio"],
        insurer_id=data["insurer_id"],
        rut=data["rut"],
        account_id=data.get("account_id"),
        period_end=data["period_end"],
        state=item.state or "en_proceso",
        next_chunk=int(item.next_chunk or 0),
        figures=Figures.from_dict(item.figures or {}),
        created_at=data["created_at"],
        settled_on=data.get("settled_on"),
        paid_on=data.get("paid_on"),
        lease_owner=item.lease_owner,
        lease_until=item.lease_until,
        run_id=data.get("run_id"),
    )


def _header_data(header: Header, **completion: str | None) -> dict[str, Any]:
    """What the header item keeps under `data`: the settlement's identity and when it was
    created, and once complete (`completion`) its dates and the run that settled it."""
    return {
        "folio": header.folio,
        "insurer_id": header.insurer_id,
        "rut": header.rut,
        "account_id": header.account_id,
        "period_end": header.period_end,
        "created_at": header.created_at,
    } | completion


def get_header(folio: str) -> Header | None:
    from chalicelib.settlement.models import SettlementModel

    item = SettlementModel.find(*_header_key(folio), consistent_read=True)
    return None if item is None else _to_header(item)


def _open_partition(insurer_id: str, rut: str) -> str:
    return f"OPEN#{insurer_id}#{rut}"


def open_settlements(insurer_id: str, rut: str, before: str) -> list[Header]:
    """A provider's settlements still in progress for periods ending before `before`: the
    ones a worker left unfinished (completing moves them out of this partition)."""
    from chalicelib.settlement.models import SettlementModel

    return [
        _to_header(item)
        for item in SettlementModel.by_provider.query(
            _open_partition(insurer_id, rut), SettlementModel.gsi1sk < before
        )
    ]


def create_header(header: Header) -> bool:
    """The guard of (provider, period): False when it already exists."""
    from chalicelib.settlement.models import SettlementModel

    pk, sk = _header_key(header.folio)
    item = SettlementModel(
        pk=pk,
        sk=sk,
        gsi1pk=_open_partition(header.insurer_id, header.rut),
        gsi1sk=f"{header.period_end}#{header.folio}",
        state="en_proceso",
        next_chunk=0,
        figures=Figures().values,
        data=_header_data(header),
    )
    return dynamo.try_write(item.save, condition=SettlementModel.pk.does_not_exist())


def take_lease(folio: str, owner: str, now: str, until: str) -> bool:
    """One worker per settlement at a time; an expired lease (a crashed worker) is taken over."""
    from chalicelib.settlement.models import SettlementModel

    item = SettlementModel(*_header_key(folio))
    return dynamo.try_write(
        item.update,
        actions=[
            SettlementModel.lease_owner.set(owner),
            SettlementModel.lease_until.set(until),
        ],
        condition=(SettlementModel.state == "en_proceso")
        & (
            SettlementModel.lease_until.does_not_exist()
            | (SettlementModel.lease_until < now)
            | (SettlementModel.lease_owner == owner)
        ),
    )


def release_lease(folio: str, owner: str) -> bool:
    """A worker that failed lets go at once, so the message's redelivery resumes the work
    instead of waiting out the lease; False when the lease was no longer its own."""
    from chalicelib.settlement.models import SettlementModel

    return dynamo.try_write(
        SettlementModel(*_header_key(folio)).update,
        actions=[SettlementModel.lease_owner.remove(), SettlementModel.lease_until.remove()],
        condition=(SettlementModel.state == "en_proceso") & (SettlementModel.lease_owner == owner),
    )


class LeaseLost(errors.Conflict):
    code = "settlement_in_progress"
    message = "Otra ejecución está liquidando a este prestador."


def write_chunk(
    header: Header,
    rows_by_type: dict[str, list[dict[str, Any]]],
    figures: Figures,
    owner: str,
    lease_until: str,
) -> None:
    """Write chunk `header.next_chunk` of details, then advance the header's running figures.

    The chunk items have fixed keys, so writing them again (a resumed worker) replaces them
    with the same rows; the header moves only from this chunk number and only for the
    lease's owner, so a chunk is never counted twice.
    """
    from chalicelib.settlement.models import SettlementModel

    pk, sk = _header_key(header.folio)
    chunk = header.next_chunk
    for credit_type, rows in rows_by_type.items():
        if rows:
            SettlementModel(pk=pk, sk=f"CHUNK#{credit_type}#{chunk:06d}", rows=rows).save()
    total = Figures.from_dict(header.figures.values).add(figures)
    if not dynamo.try_write(
        SettlementModel(pk, sk).update,
        actions=[
            SettlementModel.next_chunk.set(chunk + 1),
            SettlementModel.figures.set(total.values),
            SettlementModel.lease_until.set(lease_until),
        ],
        condition=(SettlementModel.next_chunk == chunk) & (SettlementModel.lease_owner == owner),
    ):
        raise LeaseLost()
    header.next_chunk = chunk + 1
    header.figures = total


def complete(header: Header, settled_on: str, paid_on: str, owner: str, run_id: str | None) -> bool:
    """The settlement is complete (every chunk is in): only now do providers see it."""
    from chalicelib.settlement.models import SettlementModel

    pk, sk = _header_key(header.folio)
    data = _header_data(header, settled_on=settled_on, paid_on=paid_on, run_id=run_id)
    if not dynamo.try_write(
        SettlementModel(pk, sk).update,
        actions=[
            SettlementModel.state.set("completa"),
            SettlementModel.data.set(data),
            SettlementModel.gsi1pk.set(f"PROV#{header.rut}"),
            SettlementModel.gsi1sk.set(f"{settled_on}#{header.folio}"),
            SettlementModel.lease_owner.remove(),
            SettlementModel.lease_until.remove(),
        ],
        condition=(SettlementModel.state == "en_proceso")
        & (SettlementModel.next_chunk == header.next_chunk)
        & (SettlementModel.lease_owner == owner),
    ):
        return False
    header.state = "completa"
    header.settled_on = settled_on
    header.paid_on = paid_on
    header.run_id = run_id
    return True


def chunks(folio: str, credit_type: str | None, limit: int, cursor: dict[str, Any] | None) -> Page:
    from chalicelib.settlement.models import SettlementModel

    prefix = f"CHUNK#{credit_type}#" if credit_type else "CHUNK#"
    result = SettlementModel.query(
        f"SETTLEMENT#{folio}",
        SettlementModel.sk.startswith(prefix),
        limit=limit,
        page_size=limit,
        last_evaluated_key=cursor,
    )
    return Page([list(item.rows or []) for item in result], result.last_evaluated_key)


def provider_settlements(rut: str, start: str, end: str) -> list[Header]:
    """Complete settlements of a provider settled on a day in [start, end] (bounded)."""
    from chalicelib.settlement.models import SettlementModel

    return [
        _to_header(item)
        for item in SettlementModel.by_provider.query(
            f"PROV#{rut}", SettlementModel.gsi1sk.between(start, end + "~")
        )
    ]
