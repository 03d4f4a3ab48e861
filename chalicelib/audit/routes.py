"""Audit routes: the insurer's audit record, for its administrators."""

from __future__ import annotations

from chalicelib.audit import schemas as audit_schemas
from chalicelib.audit import service as audit
from chalicelib.auth import Principal
from chalicelib.http import Routes, caller_ip

routes = Routes(__name__, tags=("operadores",), roles=("operador",), duty="administracion")


@routes.route("/v1/operator/audit", errors=(400, 404))
def operator_audit(
    principal: Principal, query: audit_schemas.AuditQuery
) -> audit_schemas.AuditListOut:
    """Registro de auditoría de mi aseguradora (por persona, acción, sujeto y fechas)"""
    return audit.records(principal, query)


@routes.route("/v1/operator/audit/export", errors=(400, 404))
def operator_audit_export(
    principal: Principal, query: audit_schemas.AuditExportQuery
) -> audit_schemas.AuditExportOut:
    """Exportar a CSV el registro de auditoría filtrado (la exportación queda registrada)"""
    return audit.export(principal, query, caller_ip(routes.current_request))


@routes.route("/v1/operator/audit/actions", errors=(404,))
def operator_audit_actions(
    principal: Principal, query: audit_schemas.AuditActionsQuery
) -> audit_schemas.AuditActionsOut:
    """Acciones que registra la auditoría, con su nombre en español"""
    return audit.actions(principal, query)
