"""Insurers routes: platform administrators run the tenants, each insurer's administrators
its own presentation and service levels, and anyone reads what the log-in pages show."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.auth import Principal
from chalicelib.http import PUBLIC, Routes
from chalicelib.insurers import schemas as ins
from chalicelib.insurers import service as insurers

routes = Routes(__name__, tags=("plataforma",), roles=("plataforma",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="administracion")
public_routes = routes.group(tags=("aseguradoras",), roles=PUBLIC)


@routes.route("/v1/platform/insurers", "POST", status=201, errors=(409,))
def create_insurer(principal: Principal, body: ins.InsurerIn) -> ins.InsurerOut:
    """Dar de alta una aseguradora"""
    return insurers.create(principal, body)


@routes.route("/v1/platform/insurers")
def list_insurers(principal: Principal, query: ins.InsurersQuery) -> ins.InsurerListOut:
    """Aseguradoras de la plataforma"""
    return insurers.list_insurers(query)


@routes.route("/v1/platform/insurers/{insurer_id}")
def read_insurer(principal: Principal, insurer_id: str) -> ins.InsurerOut:
    """Una aseguradora y su configuración (con su versión)"""
    return insurers.read(insurer_id)


@routes.route("/v1/platform/insurers/{insurer_id}", "PATCH", errors=(409,))
def update_insurer(principal: Principal, insurer_id: str, body: ins.InsurerPatch) -> ins.InsurerOut:
    """Cambiar datos o configuración de una aseguradora (sobre la versión indicada)"""
    return insurers.update(principal, insurer_id, body)


@routes.route("/v1/platform/insurers/{insurer_id}/versions")
def insurer_versions(
    principal: Principal, insurer_id: str, query: ins.InsurersQuery
) -> ins.InsurerVersionListOut:
    """Historial de cambios de una aseguradora (la más reciente primero)"""
    return insurers.versions_of(insurer_id, query)


@routes.route("/v1/platform/insurers/{insurer_id}/admins", "POST", status=202, errors=(409,))
def invite_insurer_admin(
    principal: Principal, insurer_id: str, body: ins.AdminInvitationIn
) -> ins.InvitationOut:
    """Invitar al primer administrador de una aseguradora"""
    return insurers.invite_admin(principal, insurer_id, body)


@routes.route("/v1/platform/insurers/{insurer_id}/logo", "POST", status=201, errors=(404, 413))
def request_logo_upload(principal: Principal, insurer_id: str, body: ins.LogoIn) -> ins.LogoSlotOut:
    """Subir el logotipo de una aseguradora (PNG o JPEG, hasta 512 KB; se revisa antes)"""
    return insurers.request_logo_upload(principal, insurer_id, body)


@routes.route("/v1/platform/insurers/{insurer_id}/logo/{document_id}", errors=(404,))
def logo_upload(principal: Principal, insurer_id: str, document_id: str) -> ins.LogoUploadOut:
    """Resultado de la revisión de un logotipo subido"""
    return insurers.logo_upload(insurer_id, document_id)


@operator_routes.route("/v1/operator/insurer", errors=(404,))
def read_own_insurer(principal: Principal, query: ins.OwnInsurerQuery) -> ins.InsurerOut:
    """Datos y configuración de mi aseguradora"""
    return insurers.read_own(principal, query.insurer_id)


@operator_routes.route("/v1/operator/insurer", "PATCH", errors=(404, 409))
def update_own_insurer(
    principal: Principal, body: ins.OperatorInsurerPatch, query: ins.OwnInsurerQuery
) -> ins.InsurerOut:
    """Cambiar nombre visible, color, contacto, aviso de privacidad o niveles de servicio"""
    return insurers.update_own(principal, body, query.insurer_id)


@public_routes.route("/v1/insurers/{insurer_id}/public")
def public_insurer(insurer_id: str) -> ins.InsurerPublicOut:
    """Lo que las páginas de acceso y ayuda muestran de una aseguradora"""
    return insurers.public(insurer_id)


@public_routes.route("/v1/insurers/{insurer_id}/logo", status=302, errors=(404,))
def public_insurer_logo(insurer_id: str) -> Response:
    """Logotipo vigente de una aseguradora (redirige a la imagen; dirección estable para correos)"""
    return insurers.public_logo(insurer_id)
