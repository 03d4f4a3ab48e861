"""What each audited action is called on the insurer's audit page: one line per action.

A context that records a new action (`audit.record(..., "staff.invited", ...)`) adds its
label here; the list and the CSV export answer the label beside the action's name, and the
page's action filter offers exactly these. tests/unit/audit/test_actions.py fails when a
literal action recorded anywhere in chalicelib/ has no label.
"""

from __future__ import annotations

from typing import Final

ACTION_LABELS: Final[dict[str, str]] = {
    # Claims (duty dictamen): the work queue, a claim, its documents and its transitions.
    "claims.queue": "Consultó la bandeja de trámites",
    "claim.read": "Consultó un trámite",
    "document.download": "Descargó un documento de un trámite",
    "claim.transition": "Cambió el estado de un trámite",
    # Personal-data requests (ARCO).
    "data_requests.list": "Consultó las solicitudes de datos personales",
    "data_request.read": "Consultó una solicitud de datos personales",
    "data_request.decision": "Decidió una solicitud de eliminación de datos",
    # The insurer's staff.
    "staff.invited": "Invitó a un miembro del personal",
    "staff.duties_changed": "Cambió las funciones de un miembro del personal",
    "staff.disabled": "Desactivó a un miembro del personal",
    "staff.enabled": "Reactivó a un miembro del personal",
    "staff.totp_reset": "Restableció el segundo factor (TOTP) de un miembro del personal",
    "staff.activated": "Activó su cuenta de personal",
    "staff.totp_enrolled": "Configuró su segundo factor (TOTP)",
    "access.denied": "Intentó entrar a una sección sin tener la función",
    # The insurer itself (platform administrators and the insurer's administrators).
    "insurer.created": "Dio de alta la aseguradora",
    "insurer.updated": "Cambió la configuración de la aseguradora",
    "insurer.admin_invited": "Invitó a un administrador de la aseguradora",
    # The insurer's data files.
    "import.requested": "Solicitó una importación de datos",
    "import.applied": "Aplicó una importación de datos",
    # This log.
    "audit.export": "Exportó el registro de auditoría",
}


def action_label(action: str) -> str:
    """The action's Spanish label; an action nobody labelled yet shows its own name."""
    return ACTION_LABELS.get(action, action)
