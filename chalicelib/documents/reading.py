"""Reading and downloading: a document's owner reads it here; an operator of its insurer only
through the owner's operator route. Anyone else gets 404, so ids cannot be probed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from chalicelib import aws, clock, errors
from chalicelib.auth import Principal, require_insurer
from chalicelib.config import get_settings
from chalicelib.documents import rules
from chalicelib.documents.repository import Document
from chalicelib.documents.schemas import DocumentOut, DownloadOut, ReasonOut

DOWNLOAD_LIFETIME: Final = timedelta(minutes=5)
# A public image (an insurer's logo) is loaded by the page that asked for its link.
IMAGE_LINK_LIFETIME: Final = timedelta(hours=1)


class DocumentPending(errors.Conflict):
    code = "document_pending"
    message = "El documento aún se está revisando. Intenta de nuevo en unos segundos."


class DocumentNotAccepted(errors.Conflict):
    code = "document_not_accepted"
    message = "Solo se pueden ver en el navegador los documentos aceptados. Descárgalo."


class InlineNotAvailable(errors.InvalidInput):
    code = "inline_not_available"
    message = "Este tipo de archivo no se puede ver en el navegador. Descárgalo."


def readable(
    principal: Principal, document_id: str, *, insurer_operators: bool = False
) -> Document:
    from chalicelib.documents import repository

    document = repository.get(document_id) if rules.check_id(document_id) else None
    if document is None:
        raise errors.NotFound()
    if principal.account_id == document.account_id:
        return document
    if insurer_operators and principal.role == "operador":
        require_insurer(principal, document.insurer_id)
        return document
    raise errors.NotFound()


def to_out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.document_id,
        name=document.name,
        doc_type=document.doc_type,
        size=document.stored_size if document.stored_size is not None else document.size,
        status=document.status,  # type: ignore[arg-type]  # one of the three, by construction
        reasons=[ReasonOut(**reason) for reason in document.reasons],
        facts=document.facts,
        content_type=document.validated_content_type,
        created_at=document.created_at,
        validated_at=document.validated_at,
    )


def read_document(principal: Principal, document_id: str) -> DocumentOut:
    """A document of the caller's own (GET /v1/documents/{id})."""
    return to_out(readable(principal, document_id))


def download_own(principal: Principal, document_id: str, disposition: str) -> DownloadOut:
    """A link to a document of the caller's own (GET /v1/documents/{id}/download)."""
    return _download(readable(principal, document_id), disposition)


def download(principal: Principal, document_id: str, disposition: str) -> DownloadOut:
    """A link for the owner or an operator of the document's insurer: only for operator
    routes, which decide what the operator may see and audit the read."""
    return _download(readable(principal, document_id, insurer_operators=True), disposition)


def _download(document: Document, disposition: str) -> DownloadOut:
    """A short presigned GET; `inline` only for accepted PDFs and JPEGs."""
    if document.status == "pendiente":
        raise DocumentPending()
    accepted = document.status == "aceptado"
    if disposition == "inline":
        if not accepted:
            raise DocumentNotAccepted()
        if document.kind not in rules.INLINE_KINDS:
            raise InlineNotAvailable()
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket}
    name = document.name
    if accepted and document.derived_key:
        # The clean copy (no EXIF/GPS) is what anyone gets of an accepted photo.
        params["Key"] = document.derived_key
        name = document.derived_key.rsplit("/", 1)[-1]
    else:
        params["Key"] = document.object_key
        if document.version_id:
            params["VersionId"] = document.version_id  # the version that was validated
    content_type = (
        document.validated_content_type
        if accepted and document.validated_content_type
        else "application/octet-stream"
    )
    params["ResponseContentType"] = content_type
    params["ResponseContentDisposition"] = (
        f'{disposition}; filename="{rules.attachment_filename(name)}"'
    )
    url = aws.s3().generate_presigned_url(
        "get_object", Params=params, ExpiresIn=int(DOWNLOAD_LIFETIME.total_seconds())
    )
    return DownloadOut(url=url, expires_at=clock.iso(clock.now() + DOWNLOAD_LIFETIME))


def owned_document(owner_kind: str, document_id: str) -> Document | None:
    """A document of an owner of `owner_kind` (not deleted), for the owner's own routes,
    which check that it is theirs; None for any other id."""
    from chalicelib.documents import repository

    document = repository.get(document_id) if rules.check_id(document_id) else None
    if document is None or document.owner_kind != str(owner_kind):
        return None
    return document


def image_link(document: Document, lifetime: timedelta = IMAGE_LINK_LIFETIME) -> str | None:
    """A presigned GET of an accepted image's clean copy (the bucket stays private); None
    while there is none. Only for images meant to be public, such as an insurer's logo."""
    if document.status != "aceptado" or not document.derived_key or document.deleted_at:
        return None
    name = document.derived_key.rsplit("/", 1)[-1]
    url: str = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().documents_bucket,
            "Key": document.derived_key,
            "ResponseContentType": document.validated_content_type or "image/png",
            "ResponseContentDisposition": f'inline; filename="{rules.attachment_filename(name)}"',
        },
        ExpiresIn=int(lifetime.total_seconds()),
    )
    return url
