"""Data requests persistence: the only module that touches the data_requests models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.privacy.models import DataRequestModel


class RequestAlreadyOpen(errors.Conflict):
    code = "data_request_open"
    message = "Ya tienes una solicitud de este tipo en curso. Espera a que termine para pedir otra."


class StaleRequest(errors.Conflict):
    code = "data_request_changed"
    message = "La solicitud cambió mientras la atendías. Vuelve a cargarla."


@dataclass
class DataRequest:
    request_id: str
    account_id: str
    role: str
    insurer_id: str
    request_type: str
    status: str
    created_at: str
    updated_at: str
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    due_at: str | None = None
    completed_at: str | None = None
    export_key: str | None = None
    export_size: int | None = None
    export_files: int | None = None
    retained: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0
    work_due: str | None = None  # set while a schedule or consumer still has work to do


# Ids per purge item: an item stays far below DynamoDB's 400 KB with ids of ~40 characters.
PURGE_CHUNK = 1000


@dataclass(frozen=True)
class Purge:
    """Records kept by a deletion, to delete by id (through `context`) from `until` on."""

    request_id: str
    entry: int
    context: str
    ids: list[str]
    until: str
    chunk: int = 0
    chunks: int = 1
    category: str = ""


def purges_for(
    request_id: str, entry: int, context: str, ids: list[str], until: str, category: str = ""
) -> list[Purge]:
    """One entry's ids split into items small enough for DynamoDB."""
    parts = [ids[i : i + PURGE_CHUNK] for i in range(0, len(ids), PURGE_CHUNK)]
    return [
        Purge(request_id, entry, context, part, until, chunk, len(parts), category)
        for chunk, part in enumerate(parts)
    ]


def _purge_model(purge: Purge) -> Any:
    from chalicelib.privacy.models import PurgeModel

    return PurgeModel(
        *_purge_key(purge.request_id, purge.entry, purge.chunk),
        gsi3pk="PURGE",
        gsi3sk=f"{purge.until}#{purge.request_id}#{purge.entry:03d}#{purge.chunk:04d}",
        **dynamo.attributes_of(purge, category=purge.category or None),
    )


def _purge_key(request_id: str, entry: int, chunk: int) -> tuple[str, str]:
    return f"PURGE#{request_id}#{entry:03d}#{chunk:04d}", "PURGE"


def _request_key(request_id: str) -> tuple[str, str]:
    return f"REQUEST#{request_id}", "REQUEST"


def _guard_key(account_id: str, request_type: str) -> tuple[str, str]:
    return f"OPEN#{account_id}#{request_type}", "OPEN"


def _to_request(item: DataRequestModel) -> DataRequest:
    return dynamo.record_from(
        DataRequest,
        item,
        export_size=int(item.export_size) if item.export_size is not None else None,
        export_files=int(item.export_files) if item.export_files is not None else None,
        retained=list(item.retained or []),
        history=list(item.history or []),
        version=int(item.version),
        work_due=item.gsi3sk.split("#", 1)[0] if item.gsi3sk else None,
    )


def _to_model(request: DataRequest) -> DataRequestModel:
    from chalicelib.privacy.models import DataRequestModel

    pk, sk = _request_key(request.request_id)
    working = request.work_due is not None
    return DataRequestModel(
        pk,
        sk,
        # work_due is kept in gsi3sk, while there is work to do.
        **dynamo.attributes_of(
            request,
            omit=("work_due",),
            retained=request.retained or None,
            history=request.history or None,
        ),
        gsi1pk=f"ACCOUNT#{request.account_id}",
        gsi1sk=f"{request.created_at}#{request.request_id}",
        gsi2pk=f"INSURER#{request.insurer_id}#{request.status}",
        gsi2sk=f"{request.created_at}#{request.request_id}",
        gsi3pk=f"WORK#{request.request_type}" if working else None,
        gsi3sk=f"{request.work_due}#{request.request_id}" if working else None,
    )


def create(request: DataRequest) -> None:
    """The request and its open guard together: a second open request of the type fails."""
    from chalicelib.privacy.models import DataRequestModel, OpenGuardModel

    def build(transaction: TransactWrite) -> None:
        guard = OpenGuardModel(
            *_guard_key(request.account_id, request.request_type), request_id=request.request_id
        )
        transaction.save(guard, condition=OpenGuardModel.pk.does_not_exist())
        transaction.save(_to_model(request), condition=DataRequestModel.pk.does_not_exist())

    dynamo.transact(build, conflict=RequestAlreadyOpen())


def save(
    request: DataRequest,
    *,
    release_guard: bool,
    emails: list[Email],
    purges: list[Purge] | None = None,
) -> list[str]:
    """Write the request if nobody changed it since it was read (its version); the open
    guard goes when the request closes; the emails and the due purges of what a deletion
    kept are written in the same transaction."""
    from chalicelib.privacy.models import DataRequestModel, OpenGuardModel

    expected = request.version
    request.version = expected + 1
    staged: list[str] = []

    def build(transaction: TransactWrite) -> None:
        nonlocal staged
        transaction.save(_to_model(request), condition=DataRequestModel.version == expected)
        if release_guard:
            transaction.delete(
                OpenGuardModel(*_guard_key(request.account_id, request.request_type)),
                condition=OpenGuardModel.request_id == request.request_id,
            )
        for purge in purges or []:
            transaction.save(_purge_model(purge))
        staged = notifications.stage_emails(transaction, emails)

    try:
        dynamo.transact(build, conflict=StaleRequest())
    except StaleRequest:
        request.version = expected
        raise
    return staged


def get(request_id: str) -> DataRequest | None:
    from chalicelib.privacy.models import DataRequestModel

    item = DataRequestModel.find(*_request_key(request_id), consistent_read=True)
    if item is None:
        return None
    return _to_request(item)


def of_account(
    account_id: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[DataRequest], str | None]:
    """A person's requests, newest first (a Query on gsi1)."""
    from chalicelib.privacy.models import DataRequestModel

    items, last_key = dynamo.newest_first(
        DataRequestModel.by_person, f"ACCOUNT#{account_id}", _to_request, limit=limit, cursor=cursor
    )
    return items, dynamo.encode_cursor(last_key)


def of_insurer(
    insurer_id: str, status: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[DataRequest], str | None]:
    """An insurer's requests in one status, oldest first (a Query on gsi2)."""
    from chalicelib.privacy.models import DataRequestModel

    results = DataRequestModel.by_insurer.query(
        f"INSURER#{insurer_id}#{status}", limit=limit, last_evaluated_key=cursor
    )
    items = [_to_request(item) for item in results]
    return items, dynamo.encode_cursor(results.last_evaluated_key)


def due_work(request_type: str, until: str, limit: int) -> list[DataRequest]:
    """Requests of a type whose work is due by `until` (a Query on the sparse gsi3)."""
    from chalicelib.privacy.models import DataRequestModel

    return [
        _to_request(item)
        for item in DataRequestModel.by_work.query(
            f"WORK#{request_type}",
            DataRequestModel.gsi3sk <= f"{until}#~",
            limit=limit,
        )
    ]


def due_purges(today: str, limit: int) -> list[Purge]:
    """Kept records whose period ended by `today` (a Query on the sparse gsi3)."""
    from chalicelib.privacy.models import PurgeModel

    return [
        Purge(
            request_id=item.request_id,
            entry=int(item.entry),
            context=item.context,
            ids=list(item.ids),
            until=item.until,
            chunk=int(item.chunk),
            chunks=int(item.chunks),
            category=item.category or "",
        )
        for item in PurgeModel.by_due.query("PURGE", PurgeModel.gsi3sk <= f"{today}#~", limit=limit)
    ]


def postpone_purge(purge: Purge, until: str) -> None:
    """The kept records' period now ends later (a new act): the item waits for that day."""
    from dataclasses import replace

    _purge_model(replace(purge, until=until)).save()


def other_chunks_left(purge: Purge) -> bool:
    """Whether another part of the same entry still waits (then that part marks it)."""
    from chalicelib.privacy.models import PurgeModel

    for chunk in range(purge.chunks):
        if chunk == purge.chunk:
            continue
        try:
            PurgeModel.get(*_purge_key(purge.request_id, purge.entry, chunk), consistent_read=True)
        except PurgeModel.DoesNotExist:
            continue
        return True
    return False


def drop_purge(purge: Purge) -> None:
    from chalicelib.privacy.models import PurgeModel

    PurgeModel(*_purge_key(purge.request_id, purge.entry, purge.chunk)).delete()
