"""Loading the operators' data: transactions (a JSON batch or an accepted CSV file), sick-leave
(LME) records and the platform's invoices to providers.

Transactions are stored once each (a repeated id is accepted again) and mark their provider
as active, so the next run settles it. The documents pipeline hands this module the accepted
transactions CSVs (`document_hooks`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from chalicelib import aws, clock, errors
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.settlement import rules
from chalicelib.settlement.schemas import LoadOut, RejectedOut
from chalicelib.settlement.transaction_csv import TRANSACTIONS_CSV, TransactionsCsvFormat

if TYPE_CHECKING:
    from chalicelib.documents.service import DocumentHooks, DocumentOwner


def _operator_insurer(principal: Principal) -> str:
    if not principal.insurer_ids:
        raise errors.Forbidden("Tu cuenta de operador no tiene aseguradoras asignadas.")
    return principal.insurer_ids[0]


def load_transactions(insurer_id: str, items: Iterable[Any]) -> LoadOut:
    """Validate each item; store the valid ones once (a repeated id is accepted again)."""
    from chalicelib.accounts import service as accounts

    valid, rejected = rules.validate_items(items)
    known: dict[str, bool] = {}
    to_store: list[rules.Transaction] = []
    for index, transaction in valid:
        rut = transaction.provider_rut
        if rut not in known:
            known[rut] = accounts.provider_account_for_rut(rut) is not None
        if not known[rut]:
            rejected.append(
                rules.Rejected(
                    index, "unknown_provider", "No hay un prestador registrado con ese RUT."
                )
            )
            continue
        to_store.append(transaction)
    accepted = len(to_store)
    store_transactions(insurer_id, to_store)
    rejected.sort(key=lambda r: r.index)
    logger.info(
        "transactions loaded",
        extra={"insurer_id": insurer_id, "accepted": accepted, "rejected": len(rejected)},
    )
    return LoadOut(
        accepted=accepted,
        rejected=[RejectedOut(index=r.index, code=r.code, message=r.message) for r in rejected],
    )


def store_transactions(insurer_id: str, transactions: list[rules.Transaction]) -> int:
    """Store valid transactions once each (a conditional put each: a stored one may carry its
    settlement's folio) and mark their providers active; how many were new."""
    from chalicelib.settlement import repository

    loaded_at = clock.iso(clock.now())
    stored = [t for t in transactions if repository.put_transaction(insurer_id, t, loaded_at)]
    # The marker goes after the transactions: a run that clears it re-checks the index.
    for rut in sorted({t.provider_rut for t in stored if t.payable}):
        repository.mark_active(insurer_id, rut, uuid.uuid4().hex)
    return len(stored)


def check_transaction(item: Any) -> rules.Transaction | rules.Rejected:
    """One item (a row of a file) judged by the loading rules: the transaction or why not."""
    valid, rejected = rules.validate_items([item])
    return valid[0][1] if valid else rejected[0]


def transactions_by_id(insurer_id: str, transaction_ids: list[str]) -> dict[str, rules.Transaction]:
    """An insurer's stored transactions among these ids (batched reads)."""
    from chalicelib.settlement import repository

    return repository.get_transactions(insurer_id, transaction_ids)


def load_transactions_by_operator(principal: Principal, items: list[dict[str, Any]]) -> LoadOut:
    """An operator's JSON batch (≤ 1,000), under the operator's first insurer."""
    return load_transactions(_operator_insurer(principal), items)


def transactions_csv_format() -> TransactionsCsvFormat:
    """The operators' transactions CSV format: this context loads it, documents judges uploads
    by it."""
    return TRANSACTIONS_CSV


def load_csv(insurer_id: str, data: bytes) -> LoadOut:
    """The rows of an accepted transactions CSV (the documents pipeline validated it)."""
    import csv
    import io

    csv_format = TRANSACTIONS_CSV
    text = csv_format.decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=csv_format.delimiter_of(text))
    reader.fieldnames = csv_format.column_names(reader.fieldnames or [])
    rows = [csv_format.row_to_item(row) for row in reader if not csv_format.is_blank(row.values())]
    result = LoadOut(accepted=0, rejected=[])
    for start in range(0, len(rows), 1000):
        part = load_transactions(insurer_id, rows[start : start + 1000])
        result.accepted += part.accepted
        result.rejected += [
            RejectedOut(index=r.index + start, code=r.code, message=r.message)
            for r in part.rejected
        ]
    return result


def on_transaction_file_verdict(document: Any) -> None:
    """Verdict listener of the documents pipeline: load an accepted CSV's rows.

    Called at least once per verdict; loading is idempotent on the transaction ids.
    """
    if document.status != "aceptado":
        return
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": document.object_key}
    if document.version_id:
        params["VersionId"] = document.version_id
    body = aws.s3().get_object(**params)["Body"].read()
    result = load_csv(document.insurer_id, body)
    logger.info(
        "transaction file loaded",
        extra={
            "document_id": document.document_id,
            "accepted": result.accepted,
            "rejected": len(result.rejected),
        },
    )


@dataclass(frozen=True)
class _RecordSpec:
    table: str
    prefix: str


def _load_records(
    insurer_id: str,
    items: list[dict[str, Any]],
    parse: Callable[[dict[str, Any]], tuple[str, str, str, dict[str, Any]]],
    spec: _RecordSpec,
) -> LoadOut:
    from chalicelib.accounts import service as accounts
    from chalicelib.settlement import repository

    rejected: list[RejectedOut] = []
    accepted = 0
    for index, item in enumerate(items):
        try:
            record_id, rut, sort_date, data = parse(item)
        except (ValueError, TypeError, KeyError) as problem:
            rejected.append(RejectedOut(index=index, code="invalid_item", message=str(problem)))
            continue
        if accounts.provider_account_for_rut(rut) is None:
            rejected.append(
                RejectedOut(
                    index=index,
                    code="unknown_provider",
                    message="No hay un prestador registrado con ese RUT.",
                )
            )
            continue
        repository.put_record(
            spec.table,
            f"{spec.prefix}#{insurer_id}#{record_id}",
            spec.prefix,
            f"{spec.prefix}#{rut}",
            f"{sort_date}#{record_id}",
            {**data, "insurer_id": insurer_id},
        )
        accepted += 1
    return LoadOut(accepted=accepted, rejected=rejected)


def _rut_of(item: dict[str, Any]) -> str:
    from stdnum.cl import rut as cl_rut

    value = item.get("provider_rut")
    if not isinstance(value, str) or not cl_rut.is_valid(value):
        raise ValueError("El RUT del prestador no es válido.")
    return str(cl_rut.compact(value))


def _id_of(item: dict[str, Any], name: str) -> str:
    value = str(item.get(name, "")).strip()
    if not value or len(value) > 64 or "#" in value:
        raise ValueError(f"«{name}» falta o no es válido.")
    return value


def _date_of(item: dict[str, Any], name: str) -> str:
    try:
        return date.fromisoformat(str(item.get(name, ""))).isoformat()
    except ValueError:
        raise ValueError(f"«{name}» debe tener el formato AAAA-MM-DD.") from None


def _parse_lme(item: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    record_id = _id_of(item, "id")
    rut = _rut_of(item)
    issued_on = _date_of(item, "issued_on")
    validation = item.get("validation_type")
    if validation not in (0, 1, 2, "0", "1", "2"):
        raise ValueError("El tipo de validación debe ser 0, 1 o 2.")
    professional = " ".join(str(item.get("professional", "")).split())[:120]
    place = " ".join(str(item.get("place", "")).split())[:120]
    if not professional or not place:
        raise ValueError("Faltan el profesional o el lugar de atención.")
    data = {
        "id": record_id,
        "rut": rut,
        "issued_on": issued_on,
        "validation_type": int(validation),
        "professional": professional,
        "place": place,
    }
    return record_id, rut, issued_on, data


INVOICE_TYPES: Final = ("mensualidad", "transacciones_lme", "comision")


def _parse_invoice(item: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    folio = _id_of(item, "folio")
    rut = _rut_of(item)
    kind = item.get("type")
    if kind not in INVOICE_TYPES:
        raise ValueError("El tipo debe ser mensualidad, transacciones_lme o comision.")
    amounts = {}
    for name in ("total", "balance"):
        value = rules._amount(item, name)
        if value is None:
            raise ValueError(f"«{name}» debe ser un número entero de pesos.")
        amounts[name] = value
    if amounts["balance"] > amounts["total"]:
        raise ValueError("El saldo no puede superar el total.")
    data = {
        "folio": folio,
        "rut": rut,
        "type": kind,
        "issued_on": _date_of(item, "issued_on"),
        "due_on": _date_of(item, "due_on"),
        **amounts,
    }
    return folio, rut, data["issued_on"], data


def load_lme(principal: Principal, items: list[dict[str, Any]]) -> LoadOut:
    """Sick-leave (LME) records of providers."""
    return _load_records(
        _operator_insurer(principal), items, _parse_lme, _RecordSpec("transactions", "LME")
    )


def load_platform_invoices(principal: Principal, items: list[dict[str, Any]]) -> LoadOut:
    """The platform's invoices to providers."""
    return _load_records(
        _operator_insurer(principal), items, _parse_invoice, _RecordSpec("settlements", "PINV")
    )


def document_hooks() -> dict[DocumentOwner, DocumentHooks]:
    """What the documents pipeline asks this context about operators' transaction files
    (chalicelib/wiring.py registers it)."""
    from chalicelib.documents import service as documents
    from chalicelib.settlement import transaction_files

    return {
        documents.DocumentOwner.TRANSACTIONS: documents.DocumentHooks(
            listener=on_transaction_file_verdict, guard=transaction_files.may_delete
        )
    }
