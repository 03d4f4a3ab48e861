"""Claims routes: the insured's policy, claims, forms, network and notifications, and the
operators' queue."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.claims import schemas as cl
from chalicelib.claims import service as claims
from chalicelib.documents import schemas as docs
from chalicelib.http import Routes, caller_ip
from chalicelib.schema import ListQuery

routes = Routes(__name__, tags=("trámites",), roles=("asegurado",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="dictamen")


@routes.route("/v1/policy")
def my_policy(principal: Principal) -> cl.PolicyOut:
    """Mi póliza: personas, coberturas y padecimientos registrados"""
    return claims.my_policy(principal)


@routes.route("/v1/catalog/claims")
def claim_catalog(principal: Principal, query: cl.CatalogQuery) -> cl.CatalogOut:
    """Tipos de trámite y documentos que pide cada etapa"""
    return claims.claim_catalog(principal, limit=query.limit, cursor=query.cursor)


@routes.route("/v1/hospitals")
def network_hospitals(principal: Principal, query: cl.HospitalQuery) -> cl.HospitalsOut:
    """Hospitales de la red de mi aseguradora"""
    return claims.list_hospitals(principal, query.q, limit=query.limit, cursor=query.cursor)


@routes.route("/v1/claims", "POST", status=201)
def create_claim(principal: Principal, body: cl.ClaimIn) -> cl.ClaimOut:
    """Paso 1: registrar un trámite (borrador)"""
    return claims.create_claim(principal, body)


@routes.route("/v1/claims")
def list_claims(principal: Principal, query: cl.ClaimListQuery) -> cl.ClaimListOut:
    """Mis trámites: actuales, en trámite (con filtros) o historial (con búsqueda)"""
    return claims.list_claims(principal, query)


@routes.route("/v1/claims/{claim_id}")
def read_claim(principal: Principal, claim_id: str) -> cl.ClaimOut:
    """Detalle de un trámite: estado, plazos, documentos e historial"""
    return claims.read_claim(principal, claim_id)


@routes.route("/v1/claims/{claim_id}/documents", "POST", status=201, errors=(409, 413))
def claim_document_slots(
    principal: Principal, claim_id: str, body: cl.ClaimFilesIn
) -> docs.SlotsOut:
    """Paso 2: espacios de carga para los documentos del trámite"""
    return claims.request_slots(principal, claim_id, body)


@routes.route("/v1/claims/{claim_id}/folio", "POST", errors=(409,))
def generate_folio(principal: Principal, claim_id: str) -> cl.FolioOut:
    """Generar folio (una sola vez; un reintento devuelve el mismo)"""
    return claims.generate_folio(principal, claim_id)


@routes.route("/v1/claims/{claim_id}/pending-response", "POST", errors=(409,))
def answer_pending(principal: Principal, claim_id: str, body: cl.PendingResponseIn) -> cl.ClaimOut:
    """Enviar los documentos pendientes con observaciones"""
    return claims.answer_pending(principal, claim_id, body)


@routes.route("/v1/forms")
def claim_forms(principal: Principal, query: cl.FormsQuery) -> cl.FormsOut:
    """Formatos para descargar por tipo de trámite y etapa"""
    return claims.list_forms(principal, query)


@routes.route("/v1/network")
def medical_network(principal: Principal) -> cl.NetworkOut:
    """Aviso y enlace de la red médica de mi aseguradora"""
    return claims.medical_network(principal)


@routes.route("/v1/contact", "POST", status=201)
def contact_us(principal: Principal, body: cl.ContactIn) -> cl.ContactOut:
    """Quejas, sugerencias y dudas"""
    return claims.contact(principal, body)


@routes.route("/v1/notifications")
def my_notifications(principal: Principal, query: ListQuery) -> cl.NotificationListOut:
    """Mis notificaciones"""
    return claims.my_notifications(principal, query)


@routes.route("/v1/notifications/{notification_id}/read", "POST")
def read_notification(principal: Principal, notification_id: str) -> cl.Done:
    """Marcar una notificación como leída"""
    return claims.mark_notification_read(principal, notification_id)


@operator_routes.route("/v1/operator/claims", errors=(404,))
def operator_claims(principal: Principal, query: cl.OperatorQueueQuery) -> cl.ClaimListOut:
    """Trámites de mi aseguradora por estado (lectura auditada)"""
    return claims.operator_queue(principal, query, caller_ip(routes.current_request))


@operator_routes.route("/v1/operator/claims/{claim_id}")
def operator_claim(principal: Principal, claim_id: str) -> cl.ClaimOut:
    """Un trámite con sus documentos (lectura auditada)"""
    return claims.operator_claim(principal, claim_id, caller_ip(routes.current_request))


@operator_routes.route(
    "/v1/operator/claims/{claim_id}/documents/{document_id}/download", errors=(409,)
)
def operator_claim_document(
    principal: Principal, claim_id: str, document_id: str, query: cl.OperatorDownloadQuery
) -> docs.DownloadOut:
    """Enlace a un documento del trámite (descarga auditada)"""
    return claims.operator_download(
        principal, claim_id, document_id, query.disposition, caller_ip(routes.current_request)
    )


@operator_routes.route("/v1/operator/claims/{claim_id}/transitions", "POST", errors=(409,))
def claim_transition(principal: Principal, claim_id: str, body: cl.TransitionIn) -> cl.ClaimOut:
    """Mover un trámite de estado con una nota"""
    return claims.transition(principal, claim_id, body, caller_ip(routes.current_request))
