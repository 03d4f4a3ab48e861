"""The claim status machine (DESIGN.md §4.2), pure.

borrador → registrado (folio, by the insured) → en_revision → pendiente_documentos ⇄
en_revision → aprobado | rechazado; aprobado → pagado (reembolso, menores) or autorizado
(programación). Only operators move claims, except the folio and the insured's answer.
"""

from __future__ import annotations

from typing import Literal, get_args

from chalicelib import errors

Status = Literal[
    "borrador",
    "registrado",
    "en_revision",
    "pendiente_documentos",
    "aprobado",
    "rechazado",
    "pagado",
    "autorizado",
]
STATUSES: tuple[str, ...] = get_args(Status)
FINAL = frozenset({"rechazado", "pagado", "autorizado"})
IN_PROGRESS = ("registrado", "en_revision", "pendiente_documentos", "aprobado")

STATUS_LABELS: dict[str, str] = {
    "borrador": "Borrador",
    "registrado": "Registrado",
    "en_revision": "En revisión",
    "pendiente_documentos": "Pendiente de documentos",
    "aprobado": "Aprobado",
    "rechazado": "Rechazado",
    "pagado": "Pagado",
    "autorizado": "Autorizado",
}
STAGE_DESCRIPTIONS: dict[str, str] = {
    "borrador": "Aún no envías este trámite: sube tus documentos y genera el folio.",
    "registrado": "Recibimos tu trámite y tus documentos. Pronto un dictaminador lo revisará.",
    "en_revision": "Un dictaminador de tu aseguradora está revisando tu trámite.",
    "pendiente_documentos": "Necesitamos documentos adicionales para continuar. Revisa lo que "
    "se solicita y envíalo desde esta página.",
    "aprobado": "Tu trámite fue aprobado. Te avisaremos cuando se complete el pago o la "
    "autorización.",
    "rechazado": "Tu trámite no procede. Revisa la nota del dictaminador.",
    "pagado": "El pago de tu reembolso fue enviado a tu cuenta.",
    "autorizado": "Tu programación fue autorizada. Preséntate en el hospital con tu folio.",
}

_OPERATOR_MOVES: dict[str, frozenset[str]] = {
    "registrado": frozenset({"en_revision"}),
    "en_revision": frozenset({"pendiente_documentos", "aprobado", "rechazado"}),
    "aprobado": frozenset({"pagado", "autorizado"}),
}


class IllegalTransition(errors.Conflict):
    code = "illegal_transition"
    message = "El trámite no puede pasar a ese estado desde su estado actual."


def operator_targets(current: str, final_status: str) -> list[str]:
    """Where an operator may move a claim in `current` (its type ends in `final_status`)."""
    allowed = _OPERATOR_MOVES.get(current, frozenset())
    if current == "aprobado":
        allowed = allowed & {final_status}
    return sorted(allowed)


def check_operator_move(current: str, target: str, final_status: str) -> None:
    """Raise IllegalTransition unless an operator may move `current` → `target`."""
    if target not in operator_targets(current, final_status):
        raise IllegalTransition(
            f"Un trámite «{STATUS_LABELS.get(current, current)}» no puede pasar a "
            f"«{STATUS_LABELS.get(target, target)}»."
        )
