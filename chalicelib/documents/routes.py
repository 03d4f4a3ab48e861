"""Documents routes: reading, downloading and deleting one's own documents."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.documents import schemas as docs
from chalicelib.documents import service as documents
from chalicelib.http import ANY_ROLE, Routes

routes = Routes(__name__)


@routes.route(
    "/v1/documents/{document_id}",
    summary="Un documento y su resultado de validación",
    response=docs.DocumentOut,
    roles=ANY_ROLE,
    errors=(404,),
    tags=("documentos",),
)
def read_document(principal: Principal, document_id: str) -> docs.DocumentOut:
    return documents.read_document(principal, document_id)


@routes.route(
    "/v1/documents/{document_id}",
    "DELETE",
    summary="Eliminar un documento (mientras el trámite lo permita)",
    status=204,
    roles=ANY_ROLE,
    errors=(404, 409),
    tags=("documentos",),
)
def delete_document(principal: Principal, document_id: str) -> None:
    documents.delete_document(principal, document_id)


@routes.route(
    "/v1/documents/{document_id}/download",
    summary="Enlace temporal para descargar o ver un documento",
    query=docs.DownloadQuery,
    response=docs.DownloadOut,
    roles=ANY_ROLE,
    errors=(404, 409, 422),
    tags=("documentos",),
)
def download_document(
    principal: Principal, document_id: str, query: docs.DownloadQuery
) -> docs.DownloadOut:
    return documents.download_own(principal, document_id, query.disposition)
