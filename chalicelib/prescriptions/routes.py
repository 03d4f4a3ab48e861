"""Prescriptions routes: prescriptions, sick leaves, their certificates and seals."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.http import PUBLIC, Routes
from chalicelib.prescriptions import schemas as rx
from chalicelib.prescriptions import service as prescriptions
from chalicelib.schema import ListQuery

routes = Routes(__name__, tags=("incapacidades",), roles=("afiliado",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="servicios")


@routes.route("/v1/prescriptions", tags=("recetas",))
def list_prescriptions(principal: Principal, query: ListQuery) -> rx.PrescriptionList:
    """Recetas de mi núcleo familiar (informativas)"""
    return prescriptions.prescriptions(principal, query)


@routes.route("/v1/sick-leaves")
def list_sick_leaves(principal: Principal, query: ListQuery) -> rx.SickLeaveList:
    """Mis incapacidades selladas de los últimos meses"""
    return prescriptions.sick_leaves(principal, query)


@routes.route("/v1/sick-leaves/{sick_leave_id}/certificate", errors=(409,))
def sick_leave_certificate(principal: Principal, sick_leave_id: str) -> rx.FileLink:
    """Enlace temporal al certificado sellado (PDF)"""
    return prescriptions.certificate(principal, sick_leave_id)


@routes.route("/v1/verify/sick-leaves/{sick_leave_id}", roles=PUBLIC)
def verify_sick_leave(sick_leave_id: str, query: rx.VerifyQuery) -> rx.Verification:
    """Verificar un certificado de incapacidad (público)"""
    return prescriptions.verify(sick_leave_id, query.seal)


@operator_routes.route("/v1/operator/prescriptions", "POST", status=201, errors=(404,))
def issue_prescription(principal: Principal, body: rx.PrescriptionIn) -> rx.PrescriptionOut:
    """Emitir una receta"""
    return prescriptions.issue_prescription(principal, body)


@operator_routes.route("/v1/operator/sick-leaves", "POST", status=201, errors=(404,))
def issue_sick_leave(principal: Principal, body: rx.SickLeaveIn) -> rx.SickLeaveOut:
    """Emitir una incapacidad (y autorizarla y sellarla si se indica)"""
    return prescriptions.issue_sick_leave(principal, body)


@operator_routes.route("/v1/operator/sick-leaves/{sick_leave_id}/authorize", "POST", errors=(409,))
def authorize_sick_leave(principal: Principal, sick_leave_id: str) -> rx.SickLeaveOut:
    """Autorizar y sellar una incapacidad"""
    return prescriptions.authorize_sick_leave(principal, sick_leave_id)
