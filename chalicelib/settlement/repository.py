"""Settlement persistence: the only module that touches the settlement models.

Every list is a Query on a key or an index; every claim is a conditional write. It returns
the context's own objects (rules.Transaction, Header, Chunk, …) and turns failed conditions
into `False` answers or domain errors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.settlement.rules import Figures, Transaction

if TYPE_CHECKING:
    from chalicelib.settlement.models import SettlementModel, TransactionModel

ACTIVE_SHARDS = 16


# --- domain objects --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Page:
    items: list[Any]
    last_key: dict[str, Any] | None


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


@dataclass(frozen=True)
class ActiveProvider:
    insurer_id: str
    rut: str
    token: str


@dataclass
class StoredTransaction:
    transaction: Transaction
    insurer_id: str
    folio: str | None
    extra: dict[str, Any] = field(default_factory=dict)


# --- transactions ----------------------------------------------------------------------------


def _tx_key(insurer_id: str, transaction_id: str) -> str:
    return f"TX#{insurer_id}#{transaction_id}"


def unsettled_partition(insurer_id: str, rut: str) -> str:
    return f"UNSETTLED#{insurer_id}#{rut}"


def _claimed_partition(folio: str, chunk: int) -> str:
    return f"FOLIO#{folio}#{chunk}"


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def transaction_to_data(transaction: Transaction) -> dict[str, Any]:
    data = {k: v for k, v in transaction.__dict__.items() if v not in ("", 0) or k == "kind"}
    data["occurred_at"] = _instant(transaction.occurred_at)
    return data


def transaction_from_data(data: dict[str, Any]) -> Transaction:
    values = dict(data)
    values["occurred_at"] = datetime.fromisoformat(
        str(values["occurred_at"]).replace("Z", "+00:00")
    )
    return Transaction(**values)


def _shard(rut: str) -> int:
    return int(hashlib.sha256(rut.encode()).hexdigest()[:4], 16) % ACTIVE_SHARDS


def _transaction_item(insurer_id: str, transaction: Transaction, loaded_at: str) -> Any:
    from chalicelib.settlement.models import TransactionModel

    when = _instant(transaction.occurred_at)
    item = TransactionModel(
        pk=_tx_key(insurer_id, transaction.transaction_id),
        sk="TX",
        gsi1pk=f"PROV#{transaction.provider_rut}",
        gsi1sk=f"{when}#{transaction.transaction_id}",
        insurer_id=insurer_id,
        data=transaction_to_data(transaction),
        loaded_at=loaded_at,
    )
    if transaction.payable:
        item.gsi2pk = unsettled_partition(insurer_id, transaction.provider_rut)
        item.gsi2sk = f"{when}#{transaction.transaction_id}"
    return item


def put_transaction(insurer_id: str, transaction: Transaction, loaded_at: str) -> bool:
    """Store a new transaction; False when its id was already loaded (idempotent loads).

    One conditional PutItem per transaction, not a DynamoDB transaction: nothing else must
    change with it, and single-item writes cost half a transactional one.
    """
    from chalicelib.settlement.models import TransactionModel

    try:
        _transaction_item(insurer_id, transaction, loaded_at).save(
            condition=TransactionModel.pk.does_not_exist()
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def mark_active(insurer_id: str, rut: str, token: str) -> None:
    """Record that a provider has unsettled activity (after its transactions are stored)."""
    from chalicelib.settlement.models import TransactionModel

    TransactionModel(pk=f"ACTIVE#{_shard(rut)}", sk=f"{insurer_id}#{rut}", token=token).save()


def active_providers(insurer_ids: list[str] | None) -> Iterator[ActiveProvider]:
    """Providers with unsettled activity: sixteen Queries, never a Scan."""
    from chalicelib.settlement.models import TransactionModel

    for shard in range(ACTIVE_SHARDS):
        prefixes = [f"{i}#" for i in insurer_ids] if insurer_ids is not None else [None]
        for prefix in prefixes:
            condition = TransactionModel.sk.startswith(prefix) if prefix else None
            for item in TransactionModel.query(f"ACTIVE#{shard}", condition):
                insurer_id, _, rut = item.sk.partition("#")
                yield ActiveProvider(insurer_id, rut, item.token or "")


def clear_active(provider: ActiveProvider) -> bool:
    """Forget the marker unless a load touched it since it was read."""
    from chalicelib.settlement.models import TransactionModel

    item = TransactionModel(
        pk=f"ACTIVE#{_shard(provider.rut)}", sk=f"{provider.insurer_id}#{provider.rut}"
    )
    try:
        item.delete(condition=TransactionModel.token == provider.token)
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def active_marker(insurer_id: str, rut: str) -> ActiveProvider | None:
    from chalicelib.settlement.models import TransactionModel

    try:
        item = TransactionModel.get(f"ACTIVE#{_shard(rut)}", f"{insurer_id}#{rut}")
    except TransactionModel.DoesNotExist:
        return None
    return ActiveProvider(insurer_id, rut, item.token or "")


def unsettled_page(insurer_id: str, rut: str, limit: int, start: dict[str, Any] | None) -> Page:
    """One page of a provider's unsettled transactions, oldest first (the sparse index)."""
    from chalicelib.settlement.models import TransactionModel

    result = TransactionModel.unsettled.query(
        unsettled_partition(insurer_id, rut),
        limit=limit,
        page_size=limit,
        last_evaluated_key=start,
    )
    items = [_stored(item) for item in result]
    return Page(items, result.last_evaluated_key)


def _stored(item: TransactionModel) -> StoredTransaction:
    return StoredTransaction(
        transaction=transaction_from_data(dict(item.data or {})),
        insurer_id=item.insurer_id or "",
        folio=item.folio,
    )


def claim(stored: StoredTransaction, folio: str, chunk: int) -> bool:
    """Mark one transaction with the settlement's folio (a conditional write); False if
    another settlement took it first. It leaves the unsettled index for the chunk's
    partition, which is how a worker that stopped before writing the chunk is recovered."""
    from chalicelib.settlement.models import TransactionModel

    transaction = stored.transaction
    item = TransactionModel(_tx_key(stored.insurer_id, transaction.transaction_id), "TX")
    try:
        item.update(
            actions=[
                TransactionModel.folio.set(folio),
                TransactionModel.gsi2pk.set(_claimed_partition(folio, chunk)),
                TransactionModel.gsi2sk.set(transaction.transaction_id),
            ],
            condition=TransactionModel.folio.does_not_exist() & TransactionModel.pk.exists(),
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def claimed_for_chunk(folio: str, chunk: int) -> list[StoredTransaction]:
    """What a settlement claimed for a chunk it had not written yet (a resumed run)."""
    from chalicelib.settlement.models import TransactionModel

    return [_stored(i) for i in TransactionModel.unsettled.query(_claimed_partition(folio, chunk))]


def provider_transactions(
    rut: str, start: str, end: str, limit: int, cursor: dict[str, Any] | None
) -> Page:
    """A provider's transactions whose instant is in [start, end), oldest first."""
    from chalicelib.settlement.models import TransactionModel

    result = TransactionModel.by_provider.query(
        f"PROV#{rut}",
        TransactionModel.gsi1sk.between(start, end),
        limit=limit,
        page_size=limit,
        last_evaluated_key=cursor,
    )
    return Page([_stored(item) for item in result], result.last_evaluated_key)


# --- settlements -----------------------------------------------------------------------------


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


def get_header(folio: str) -> Header | None:
    from chalicelib.settlement.models import SettlementModel

    try:
        return _to_header(SettlementModel.get(*_header_key(folio), consistent_read=True))
    except SettlementModel.DoesNotExist:
        return None


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
        data={
            "folio": header.folio,
            "insurer_id": header.insurer_id,
            "rut": header.rut,
            "account_id": header.account_id,
            "period_end": header.period_end,
            "created_at": header.created_at,
        },
    )
    try:
        item.save(condition=SettlementModel.pk.does_not_exist())
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def take_lease(folio: str, owner: str, now: str, until: str) -> bool:
    """One worker per settlement at a time; an expired lease (a crashed worker) is taken over."""
    from chalicelib.settlement.models import SettlementModel

    item = SettlementModel(*_header_key(folio))
    try:
        item.update(
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
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def release_lease(folio: str, owner: str) -> bool:
    """A worker that failed lets go at once, so the message's redelivery resumes the work
    instead of waiting out the lease; False when the lease was no longer its own."""
    from chalicelib.settlement.models import SettlementModel

    try:
        SettlementModel(*_header_key(folio)).update(
            actions=[SettlementModel.lease_owner.remove(), SettlementModel.lease_until.remove()],
            condition=(SettlementModel.state == "en_proceso")
            & (SettlementModel.lease_owner == owner),
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


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
    try:
        SettlementModel(pk, sk).update(
            actions=[
                SettlementModel.next_chunk.set(chunk + 1),
                SettlementModel.figures.set(total.values),
                SettlementModel.lease_until.set(lease_until),
            ],
            condition=(SettlementModel.next_chunk == chunk)
            & (SettlementModel.lease_owner == owner),
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            raise LeaseLost() from None
        raise
    header.next_chunk = chunk + 1
    header.figures = total


def complete(header: Header, settled_on: str, paid_on: str, owner: str, run_id: str | None) -> bool:
    """The settlement is complete (every chunk is in): only now do providers see it."""
    from chalicelib.settlement.models import SettlementModel

    pk, sk = _header_key(header.folio)
    data = {
        "folio": header.folio,
        "insurer_id": header.insurer_id,
        "rut": header.rut,
        "account_id": header.account_id,
        "period_end": header.period_end,
        "created_at": header.created_at,
        "settled_on": settled_on,
        "paid_on": paid_on,
        "run_id": run_id,
    }
    try:
        SettlementModel(pk, sk).update(
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
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
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


# --- runs ------------------------------------------------------------------------------------


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

    try:
        item = SettlementModel.get(f"RUN#{run_id}", "RUN", consistent_read=True)
    except SettlementModel.DoesNotExist:
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


# --- sick leaves, platform invoices, bank accounts --------------------------------------------


def put_record(
    table: str, pk: str, sk: str, gsi1pk: str, gsi1sk: str, data: dict[str, Any]
) -> bool:
    """An operator-loaded record (LME, platform invoice): new ids only (idempotent)."""
    from chalicelib.settlement.models import SettlementModel, TransactionModel

    model: Any = TransactionModel if table == "transactions" else SettlementModel
    item = model(pk=pk, sk=sk, gsi1pk=gsi1pk, gsi1sk=gsi1sk, data=data)
    try:
        item.save(condition=model.pk.does_not_exist())
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def records(table: str, gsi1pk: str, start: str, end: str) -> list[dict[str, Any]]:
    from chalicelib.settlement.models import SettlementModel, TransactionModel

    model: Any = TransactionModel if table == "transactions" else SettlementModel
    return [
        dict(item.data or {})
        for item in model.by_provider.query(gsi1pk, model.gsi1sk.between(start, end + "~"))
    ]


def put_bank_account(rut: str, data: dict[str, Any]) -> None:
    from chalicelib.settlement.models import SettlementModel

    SettlementModel(pk=f"PROVIDER#{rut}", sk="BANK", data=data).save()


def bank_account(rut: str) -> dict[str, Any] | None:
    from chalicelib.settlement.models import SettlementModel

    try:
        return dict(SettlementModel.get(f"PROVIDER#{rut}", "BANK").data or {})
    except SettlementModel.DoesNotExist:
        return None
