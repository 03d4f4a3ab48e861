"""The export (SQS consumer): gather the person's records and files from every context, pack
them in a ZIP under `exports/`, mark the request ready and email the person."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from chalicelib import aws, clock
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.privacy import export, repository, rules, sources
from chalicelib.privacy.requests import (
    available_until,
    export_prefix,
    link,
    move,
    valid_id,
    when,
)


def _files(docs: list[Any]) -> Iterator[export.ExportFile]:
    for document in docs:
        content = documents.stored_content(document)
        if content is not None:  # a document deleted long ago may have no copy left
            yield export.ExportFile(document.document_id, document.name, content)


def handle_export_message(body: str) -> None:
    """Build the export a message names, once (a repeated message finds it built)."""
    request = repository.get(body.strip()) if valid_id(body.strip()) else None
    if request is None or request.request_type != rules.EXPORT:
        return
    if request.status not in {"pendiente", "en_proceso"}:
        return
    person = accounts.contact(Principal(request.account_id, request.role))
    sections = sources.collect(request.account_id, request.role)
    owners = [owner for section in sections for owner in section.document_owners]
    docs = documents.personal_files(request.account_id, owners, include_deleted=True)
    generated_at = clock.iso(clock.now())
    data: dict[str, Any] = {
        "solicitud": request.request_id,
        "generado": generated_at,
        **{section.section: section.records for section in sections},
        "documentos": [
            {**documents.to_out(d).model_dump(mode="json"), "eliminado": d.deleted_at} for d in docs
        ],
        "correos": notifications.emails_about(person.addresses),
    }
    key = f"{export_prefix(request.request_id)}mis-datos.zip"
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as target:
        count = export.write_zip(
            target,
            request_id=request.request_id,
            generated_at=generated_at,
            data=data,
            files=_files(docs),
        )
        size = target.tell()
        target.seek(0)
        aws.s3().upload_fileobj(
            target,
            get_settings().documents_bucket,
            key,
            ExtraArgs={"ContentType": "application/zip"},
        )
    if request.status == "pendiente":
        move(request, "en_proceso", "sistema")
    move(request, "lista", "sistema")
    request.completed_at = clock.iso(clock.now())
    request.export_key, request.export_size, request.export_files = key, size, count
    request.work_due = None
    until = available_until(request)
    email = Email(
        person.addresses,
        "data_export_ready",
        {
            "name": person.full_name,
            "link": link(),
            "available_until": when(clock.iso(until)) if until else "",
        },
    )
    try:
        ids = repository.save(request, release_guard=True, emails=[email])
    except repository.StaleRequest:
        return  # another delivery finished it first; its email went
    notifications.dispatch(ids)
    logger.info("export ready", extra={"request_id": request.request_id, "files": count})
