"""Settlement persistence of transactions (behind repository.py): storing loaded transactions
once, the markers of providers with unsettled activity, the sparse index of unsettled
transactions a run pages through, the conditional claim of each, and a provider's
transactions by instant (the vouchers report)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo
from chalicelib.settlement.rules import Transaction

if TYPE_CHECKING:
    from chalicelib.settlement.models import TransactionModel

ACTIVE_SHARDS = 16


@dataclass(frozen=True)
class Page:
    items: list[Any]
    last_key: dict[str, Any] | None


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

    return dynamo.try_write(
        _transaction_item(insurer_id, transaction, loaded_at).save,
        condition=TransactionModel.pk.does_not_exist(),
    )


def get_transactions(insurer_id: str, transaction_ids: list[str]) -> dict[str, Transaction]:
    """An insurer's stored transactions among these ids, read in batches (BatchGetItem)."""
    from chalicelib.settlement.models import TransactionModel

    keys = [(_tx_key(insurer_id, t), "TX") for t in dict.fromkeys(transaction_ids)]
    found = (transaction_from_data(item.data) for item in TransactionModel.batch_get(keys))
    return {transaction.transaction_id: transaction for transaction in found}


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
    return dynamo.try_write(item.delete, condition=TransactionModel.token == provider.token)


def active_marker(insurer_id: str, rut: str) -> ActiveProvider | None:
    from chalicelib.settlement.models import TransactionModel

    item = TransactionModel.find(f"ACTIVE#{_shard(rut)}", f"{insurer_id}#{rut}")
    if item is None:
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
    return dynamo.try_write(
        item.update,
        actions=[
            TransactionModel.folio.set(folio),
            TransactionModel.gsi2pk.set(_claimed_partition(folio, chunk)),
            TransactionModel.gsi2sk.set(transaction.transaction_id),
        ],
        condition=TransactionModel.folio.does_not_exist() & TransactionModel.pk.exists(),
    )


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
