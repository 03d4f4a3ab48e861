"""Privacy routes (ARCO): a person's data requests and the operators' decisions."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.http import PORTAL_ROLE, Routes, caller_ip
from chalicelib.privacy import schemas as arco
from chalicelib.privacy import service as privacy
from chalicelib.schema import ListQuery

routes = Routes(__name__, tags=("cuenta",), roles=PORTAL_ROLE)
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="administracion")


@routes.route("/v1/me/data-requests", "POST", status=202, errors=(409,))
def create_data_request(principal: Principal, body: arco.DataRequestIn) -> arco.DataRequestCreated:
    """Pedir la descarga de mis datos o la eliminación de mi cuenta"""
    return privacy.create_request(principal, body)


@routes.route("/v1/me/data-requests")
def list_data_requests(principal: Principal, query: ListQuery) -> arco.DataRequestListOut:
    """Mis solicitudes de datos personales"""
    return privacy.my_requests(principal, query)


@routes.route("/v1/me/data-requests/{request_id}")
def read_data_request(principal: Principal, request_id: str) -> arco.DataRequestOut:
    """Una solicitud de datos personales (con enlace al archivo cuando está listo)"""
    return privacy.my_request(principal, request_id)


@operator_routes.route("/v1/operator/data-requests", errors=(404,))
def operator_data_requests(
    principal: Principal, query: arco.OperatorQuery
) -> arco.OperatorDataRequestListOut:
    """Solicitudes de datos personales de mi aseguradora (lectura auditada)"""
    return privacy.operator_requests(principal, query, caller_ip(routes.current_request))


@operator_routes.route("/v1/operator/data-requests/{request_id}")
def operator_data_request(principal: Principal, request_id: str) -> arco.OperatorDataRequestOut:
    """Una solicitud de datos personales (lectura auditada)"""
    return privacy.operator_request(principal, request_id, caller_ip(routes.current_request))


@operator_routes.route("/v1/operator/data-requests/{request_id}/decision", "POST", errors=(409,))
def decide_data_request(
    principal: Principal, request_id: str, body: arco.DecisionIn
) -> arco.OperatorDataRequestOut:
    """Aprobar o rechazar una solicitud de eliminación de cuenta"""
    return privacy.decide(principal, request_id, body, caller_ip(routes.current_request))
