"""Documents routes: reading, downloading and deleting one's own documents."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.documents import schemas as docs
from chalicelib.documents import service as documents
from chalicelib.http import PORTAL_ROLE, Routes

routes = Routes(__name__, tags=("documentos",), roles=PORTAL_ROLE)


@routes.route("/v1/documents/{document_id}")
def read_document(principal: Principal, document_id: str) -> docs.DocumentOut:
    """Un documento y su resultado de validación"""
    return documents.read_document(principal, document_id)


@routes.route("/v1/documents/{document_id}", "DELETE", errors=(409,))
def delete_document(principal: Principal, document_id: str) -> None:
    """Eliminar un documento (mientras el trámite lo permita)"""
    documents.delete_document(principal, document_id)


@routes.route("/v1/documents/{document_id}/download", errors=(409,))
def download_document(
    principal: Principal, document_id: str, query: docs.DownloadQuery
) -> docs.DownloadOut:
    """Enlace temporal para descargar o ver un documento"""
    return documents.download_own(principal, document_id, query.disposition)
