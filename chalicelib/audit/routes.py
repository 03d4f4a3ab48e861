"""Audit routes: the insurer's audit record, for its operators."""

from __future__ import annotations

from chalicelib.audit import schemas as audit_schemas
from chalicelib.audit import service as audit
from chalicelib.auth import Principal
from chalicelib.http import Routes

routes = Routes(__name__, tags=("operadores",), roles=("operador",), duty="administracion")


@routes.route("/v1/operator/audit", errors=(404,))
def operator_audit(
    principal: Principal, query: audit_schemas.AuditQuery
) -> audit_schemas.AuditListOut:
    """Registro de auditoría de mi aseguradora"""
    return audit.records(principal, query)
