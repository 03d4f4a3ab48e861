"""Imports: an insurer's staff bring rosters, conditions, network, registry, clinics, orders
and transactions from CSV or Excel files, validated row by row and upserted by natural key.

The file travels the documents pipeline: `request_import` asks the documents context for an
upload slot (owner kind `import`, one per import); once the upload is judged (by its stored
size; the pipeline does not read import files), `on_file_verdict` records the object version
and queues the import. The worker (`worker.run`, from the `imports` queue) surveys the file,
then reads it chunk by chunk within a time budget and continues in further messages; at the
end it writes the error report, ends the import, emails the requester and audits it.

Duties: each kind names the one it needs (`kinds.Kind.duty`); the routes admit operators and
this service checks the kind's duty. Scope: an operator reaches only its insurers' imports.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Any, Final

from chalicelib import clock, dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.audit import service as audit
from chalicelib.auth import Principal, operator_insurer, require_insurer
from chalicelib.documents import service as documents
from chalicelib.documents.service import Document, DocumentHooks, DocumentOwner, FileSpec, Owner
from chalicelib.downloads import link_to, store
from chalicelib.imports import kinds, readers, repository, worker
from chalicelib.imports.repository import ImportRecord
from chalicelib.imports.schemas import (
    ImportApplied,
    ImportCreated,
    ImportOut,
    ImportRequest,
    ImportScope,
    ImportsPage,
    ImportsQuery,
    ProgressOut,
    ReasonOut,
    ReportLink,
    SummaryOut,
)
from chalicelib.notifications import service as notifications
from chalicelib.observability import logger

DOC_TYPE: Final = "import_file"
REPORT_NAME: Final = "errores.csv"
REPORT_COLUMNS: Final = ("fila", "columna", "valor", "mensaje")
STATUS_LABELS: Final = {"terminada": "terminó", "rechazada": "fue rechazada"}


def _reachable(principal: Principal, import_id: str, route: str) -> ImportRecord:
    """The import, if it belongs to one of the operator's insurers (else 404) and the
    operator holds its kind's duty (else 403)."""
    record = repository.get(import_id) if import_id else None
    if record is None:
        raise errors.NotFound()
    require_insurer(principal, record.insurer_id)
    audit.require_duty_logged(principal, kinds.KINDS[record.kind].duty, route)
    return record


def _report_key(record: ImportRecord) -> str:
    return f"imports/{record.insurer_id}/{record.import_id}/{REPORT_NAME}"


def to_out(record: ImportRecord) -> ImportOut:
    report = None
    if record.report_key:
        link = link_to(
            record.report_key, f"errores-{record.import_id[:8]}.csv", "text/csv; charset=utf-8"
        )
        report = ReportLink(url=link.url, expires_at=link.expires_at)
    return ImportOut(
        id=record.import_id,
        kind=record.kind,  # type: ignore[arg-type]
        mode=record.mode,  # type: ignore[arg-type]
        status=record.status,  # type: ignore[arg-type]
        insurer_id=record.insurer_id,
        file_name=record.file_name,
        progress=ProgressOut(rows_read=record.rows_read, rows_total=record.rows_total),
        summary=SummaryOut(**record.counts),
        errors=report,
        reasons=[ReasonOut(**r) for r in record.reasons] if record.reasons else None,
        source_import_id=record.source_import_id,
        created_at=record.created_at,
        finished_at=record.finished_at,
    )


# --- routes -------------------------------------------------------------------------------------


def request_import(principal: Principal, body: ImportRequest) -> ImportCreated:
    """A new import of one file: its record and the upload slot for the file."""
    kind = kinds.kind(body.kind)
    audit.require_duty_logged(principal, kind.duty, "POST /v1/operator/imports")
    insurer_id = operator_insurer(principal, body.insurer_id)
    requester = accounts.contact(principal)
    import_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.IMPORT, import_id, principal.account_id, insurer_id)
    slot = documents.create_slots(owner, [FileSpec.of(body.file, DOC_TYPE)], principal.account_id)[
        0
    ]
    document = documents.documents_of(DocumentOwner.IMPORT, import_id)[0]
    now = clock.iso(clock.now())
    record = ImportRecord(
        import_id=import_id,
        insurer_id=insurer_id,
        kind=kind.name,
        mode=body.mode,
        status="pendiente",
        file_name=document.name,
        file_type=readers.file_type(document.name),
        document_id=document.document_id,
        object_key=document.object_key,
        requested_by=principal.account_id,
        requester_email=requester.email,
        requester_name=requester.full_name,
        created_at=now,
        updated_at=now,
    )
    repository.create(record)
    audit.record(
        principal.account_id,
        insurer_id,
        "import.requested",
        import_id,
        detail={"kind": kind.name, "mode": body.mode, "file": document.name},
    )
    return ImportCreated(import_id=import_id, slot=slot)


def apply_import(principal: Principal, import_id: str, body: ImportScope) -> ImportApplied:
    """A new `aplicar` import over the same stored file version as a finished `validar` one."""
    source = _reachable(principal, import_id, "POST /v1/operator/imports/{import_id}/apply")
    if body.insurer_id is not None and body.insurer_id != source.insurer_id:
        raise errors.NotFound()
    if source.mode != "validar" or source.status != "terminada":
        raise errors.Conflict(
            "Solo se aplica una importación de validación que terminó.", code="import_not_ready"
        )
    requester = accounts.contact(principal)
    now = clock.iso(clock.now())
    record = replace(
        source,
        import_id=str(uuid.uuid4()),
        mode="aplicar",
        status="pendiente",
        requested_by=principal.account_id,
        requester_email=requester.email,
        requester_name=requester.full_name,
        source_import_id=source.import_id,
        position=0,
        rows_read=0,
        rows_total=None,
        counts={},
        errors_reported=0,
        reasons=[],
        report_key=None,
        created_at=now,
        updated_at=now,
        finished_at=None,
    )
    repository.create(record)
    audit.record(
        principal.account_id,
        record.insurer_id,
        "import.requested",
        record.import_id,
        detail={"kind": record.kind, "mode": "aplicar", "source": source.import_id},
    )
    worker.send(record.import_id, 0)
    return ImportApplied(import_id=record.import_id)


def imports(principal: Principal, query: ImportsQuery) -> ImportsPage:
    """The insurer's imports, newest first (those of kinds whose duty the operator holds)."""
    insurer_id = operator_insurer(principal, query.insurer_id)
    allowed = frozenset(k.name for k in kinds.KINDS.values() if k.duty in principal.duties)
    if not allowed:
        audit.require_duty_logged(principal, "administracion", "GET /v1/operator/imports")
    found, cursor = repository.of_insurer(insurer_id, allowed, query.limit, query.cursor)
    return ImportsPage(items=[to_out(record) for record in found], next_cursor=cursor)


def get_import(principal: Principal, import_id: str) -> ImportOut:
    return to_out(_reachable(principal, import_id, "GET /v1/operator/imports/{import_id}"))


def import_held_file(
    principal: Principal,
    kind_name: str,
    name: str,
    data: bytes,
    *,
    insurer_id: str | None = None,
    mode: str = "aplicar",
) -> ImportOut:
    """Import a file this process holds (the local stack's demo data): the file is stored in
    the documents bucket (under `imports/`, where no upload notification fires), the import
    is recorded with that object version and the worker reads it, here rather than from the
    queue. Duties, scope, the worker, the report, the email and the audit are an upload's."""
    from chalicelib import aws
    from chalicelib.config import get_settings

    kind = kinds.kind(kind_name)
    audit.require_duty_logged(principal, kind.duty, "POST /v1/operator/imports")
    insurer = operator_insurer(principal, insurer_id)
    requester = accounts.contact(principal)
    import_id = str(uuid.uuid4())
    key = f"imports/{insurer}/{import_id}/{name}"
    stored = aws.s3().put_object(Bucket=get_settings().documents_bucket, Key=key, Body=data)
    now = clock.iso(clock.now())
    repository.create(
        ImportRecord(
            import_id=import_id,
            insurer_id=insurer,
            kind=kind.name,
            mode=mode,
            status="pendiente",
            file_name=name,
            file_type=readers.file_type(name),
            document_id="",
            object_key=key,
            requested_by=principal.account_id,
            requester_email=requester.email,
            requester_name=requester.full_name,
            created_at=now,
            updated_at=now,
            version_id=stored.get("VersionId") or "null",
        )
    )
    audit.record(
        principal.account_id,
        insurer,
        "import.requested",
        import_id,
        detail={"kind": kind.name, "mode": mode, "file": name},
    )
    handle_message(json.dumps({"import_id": import_id, "position": 0}), 3600.0)
    record = repository.get(import_id, consistent=True)
    if record is None:  # pragma: no cover - just created
        raise errors.NotFound()
    return to_out(record)


# --- the pipeline and the worker ----------------------------------------------------------------


def on_file_verdict(document: Document) -> None:
    """The upload was judged: refused by its size, or queued for the worker (idempotent)."""
    record = repository.get(document.owner_id, consistent=True)
    if record is None or record.status != "pendiente":
        return
    if document.status != "aceptado":
        _refuse(record, [(r["code"], r["message"]) for r in document.reasons])
        return
    if record.version_id != document.version_id:
        repository.set_version(record.import_id, document.version_id)
    worker.send(record.import_id, 0)


def document_hooks() -> dict[DocumentOwner, DocumentHooks]:
    # No guard: the file is the import's evidence and nobody deletes it through the
    # documents routes.
    return {DocumentOwner.IMPORT: DocumentHooks(listener=on_file_verdict)}


def handle_message(body: str, budget_seconds: float | None = None) -> None:
    """One message of the `imports` queue: `{import_id, position}`."""
    from chalicelib.config import get_settings

    message: Any = json.loads(body)
    worker.run(
        str(message["import_id"]),
        int(message.get("position", 0)),
        budget_seconds=(
            get_settings().import_time_budget_seconds if budget_seconds is None else budget_seconds
        ),
        finish=_finish,
        refuse=lambda record, refused: _refuse(record, [(refused.code, refused.message)]),
    )


def _email(record: ImportRecord, status: str) -> notifications.Email:
    kind = kinds.KINDS[record.kind]
    counts = record.counts
    return notifications.Email(
        [record.requester_email],
        "import_finished",
        {
            "name": record.requester_name,
            "kind": kind.label,
            "file": record.file_name,
            "mode": "validación" if record.mode == "validar" else "aplicación",
            "status": STATUS_LABELS[status],
            "summary": (
                f"{counts.get('creados', 0)} nuevos, {counts.get('actualizados', 0)} "
                f"actualizados, {counts.get('sin_cambios', 0)} sin cambios y "
                f"{counts.get('rechazados', 0)} rechazados"
            ),
        },
    )


def _end(
    record: ImportRecord,
    status: str,
    reasons: list[dict[str, str]],
    report_key: str | None,
    expected_position: int | None,
) -> bool:
    """End the import and stage its email in one transaction; False when it had ended."""
    now = clock.iso(clock.now())

    def build(transaction: Any) -> list[str]:
        repository.finish(
            transaction,
            record.import_id,
            expected_status=record.status,
            expected_position=expected_position,
            status=status,
            reasons=reasons,
            report_key=report_key,
            now=now,
        )
        return notifications.stage_emails(transaction, [_email(record, status)])

    try:
        email_ids = dynamo.transact(build, conflict=errors.Conflict())
    except errors.Conflict:
        logger.info("import already ended", extra={"import_id": record.import_id})
        return False
    notifications.dispatch(email_ids)
    return True


def _refuse(record: ImportRecord, reasons: list[tuple[str, str]]) -> None:
    """The whole file is refused: nothing of it was applied."""
    found = [{"code": code, "message": message} for code, message in reasons]
    if _end(record, "rechazada", found, None, None):
        logger.info("import refused", extra={"import_id": record.import_id, "code": reasons[0][0]})


def _finish(record: ImportRecord) -> None:
    """Every row was read: the error report, then the end, the email and the audit."""
    from chalicelib.spreadsheets import CSV_CONTENT_TYPE, Column, Table, csv_bytes

    report_key = None
    if record.errors_reported:
        table = Table(
            title="Errores",
            columns=[Column(title, 20) for title in REPORT_COLUMNS],
            rows=list(repository.errors_of(record.import_id)),
        )
        report_key = _report_key(record)
        store(report_key, csv_bytes(table), CSV_CONTENT_TYPE)
    if not _end(record, "terminada", [], report_key, record.position):
        return
    if record.mode == "aplicar":
        audit.record(
            record.requested_by,
            record.insurer_id,
            "import.applied",
            record.import_id,
            detail={"kind": record.kind, **record.counts},
        )
    logger.info("import finished", extra={"import_id": record.import_id, **record.counts})
