"""Claims routes: the insured's policy, claims, forms, network and notifications, and the
operators' queue."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.claims import schemas as cl
from chalicelib.claims import service as claims
from chalicelib.documents import schemas as docs
from chalicelib.http import Routes, caller_ip

routes = Routes(__name__, tags=("trámites",), roles=("asegurado",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",))


@routes.route("/v1/policy", summary="Mi póliza: personas, coberturas y padecimientos registrados")
def my_policy(principal: Principal) -> cl.PolicyOut:
    return claims.my_policy(principal)


@routes.route("/v1/catalog/claims", summary="Tipos de trámite y documentos que pide cada etapa")
def claim_catalog(principal: Principal, query: cl.CatalogQuery) -> cl.CatalogOut:
    return claims.claim_catalog(principal, limit=query.limit, cursor=query.cursor)


@routes.route("/v1/hospitals", summary="Hospitales de la red de mi aseguradora")
def network_hospitals(principal: Principal, query: cl.HospitalQuery) -> cl.HospitalsOut:
    return claims.list_hospitals(principal, query.q, limit=query.limit, cursor=query.cursor)


@routes.route("/v1/claims", "POST", summary="Paso 1: registrar un trámite (borrador)", status=201)
def create_claim(principal: Principal, body: cl.ClaimIn) -> cl.ClaimOut:
    return claims.create_claim(principal, body)


@routes.route(
    "/v1/claims",
    summary="Mis trámites: actuales, en trámite (con filtros) o historial (con búsqueda)",
)
def list_claims(principal: Principal, query: cl.ClaimListQuery) -> cl.ClaimListOut:
    return claims.list_claims(principal, query)


@routes.route(
    "/v1/claims/{claim_id}", summary="Detalle de un trámite: estado, plazos, documentos e historial"
)
def read_claim(principal: Principal, claim_id: str) -> cl.ClaimOut:
    return claims.read_claim(principal, claim_id)


@routes.route(
    "/v1/claims/{claim_id}/documents",
    "POST",
    summary="Paso 2: espacios de carga para los documentos del trámite",
    status=201,
    errors=(409, 413),
)
def claim_document_slots(
    principal: Principal, claim_id: str, body: cl.ClaimFilesIn
) -> docs.SlotsOut:
    return claims.request_slots(principal, claim_id, body)


@routes.route(
    "/v1/claims/{claim_id}/folio",
    "POST",
    summary="Generar folio (una sola vez; un reintento devuelve el mismo)",
    errors=(409,),
)
def generate_folio(principal: Principal, claim_id: str) -> cl.FolioOut:
    return claims.generate_folio(principal, claim_id)


@routes.route(
    "/v1/claims/{claim_id}/pending-response",
    "POST",
    summary="Enviar los documentos pendientes con observaciones",
    errors=(409,),
)
def answer_pending(principal: Principal, claim_id: str, body: cl.PendingResponseIn) -> cl.ClaimOut:
    return claims.answer_pending(principal, claim_id, body)


@routes.route("/v1/forms", summary="Formatos para descargar por tipo de trámite y etapa")
def claim_forms(principal: Principal, query: cl.FormsQuery) -> cl.FormsOut:
    return claims.list_forms(principal, query)


@routes.route("/v1/network", summary="Aviso y enlace de la red médica de mi aseguradora")
def medical_network(principal: Principal) -> cl.NetworkOut:
    return claims.medical_network(principal)


@routes.route("/v1/contact", "POST", summary="Quejas, sugerencias y dudas", status=201)
def contact_us(principal: Principal, body: cl.ContactIn) -> cl.ContactOut:
    return claims.contact(principal, body)


@routes.route("/v1/notifications", summary="Mis notificaciones")
def my_notifications(principal: Principal, query: cl.PageQuery) -> cl.NotificationListOut:
    return claims.my_notifications(principal, query)


@routes.route(
    "/v1/notifications/{notification_id}/read", "POST", summary="Marcar una notificación como leída"
)
def read_notification(principal: Principal, notification_id: str) -> cl.Done:
    return claims.mark_notification_read(principal, notification_id)


@operator_routes.route(
    "/v1/operator/claims",
    summary="Trámites de mi aseguradora por estado (lectura auditada)",
    errors=(404,),
)
def operator_claims(principal: Principal, query: cl.OperatorQueueQuery) -> cl.ClaimListOut:
    return claims.operator_queue(principal, query, caller_ip(routes.current_request))


@operator_routes.route(
    "/v1/operator/claims/{claim_id}", summary="Un trámite con sus documentos (lectura auditada)"
)
def operator_claim(principal: Principal, claim_id: str) -> cl.ClaimOut:
    return claims.operator_claim(principal, claim_id, caller_ip(routes.current_request))


@operator_routes.route(
    "/v1/operator/claims/{claim_id}/documents/{document_id}/download",
    summary="Enlace a un documento del trámite (descarga auditada)",
    errors=(409,),
)
def operator_claim_document(
    principal: Principal, claim_id: str, document_id: str, query: cl.OperatorDownloadQuery
) -> docs.DownloadOut:
    return claims.operator_download(
        principal, claim_id, document_id, query.disposition, caller_ip(routes.current_request)
    )


@operator_routes.route(
    "/v1/operator/claims/{claim_id}/transitions",
    "POST",
    summary="Mover un trámite de estado con una nota",
    errors=(409,),
)
def claim_transition(principal: Principal, claim_id: str, body: cl.TransitionIn) -> cl.ClaimOut:
    return claims.transition(principal, claim_id, body, caller_ip(routes.current_request))
