"""Who is calling: the principal the authorizer passes to routes, and one-line checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import errors

# The people of the portals: each reaches only its own records, operators their insurers'.
PORTAL_ROLES = ("asegurado", "prestador", "afiliado", "operador")
# Platform administrators run the tenants (insurers) and never read an insurer's records.
ROLES = (*PORTAL_ROLES, "plataforma")


# Roles whose log-in needs a second factor (TOTP) before any of their tokens is accepted.
STAFF_ROLES = ("operador", "plataforma")

# What an insurer's staff member may do; an operator holds one or more of them, and every
# operator route names the one it needs.
DUTIES = ("dictamen", "finanzas", "servicios", "administracion")
DUTY_LABELS = {
    "dictamen": "dictamen de trámites",
    "finanzas": "finanzas (facturas, pagos y liquidaciones)",
    "servicios": "servicios médicos (clínicas, agendas, recetas e incapacidades)",
    "administracion": "administración (personal, configuración, importaciones y auditoría)",
}


@dataclass(frozen=True)
class Principal:
    """Who is calling, as our own records say (never as a token's claims say)."""

    account_id: str
    role: str
    insurer_ids: tuple[str, ...] = ()
    session_id: str | None = None
    duties: tuple[str, ...] = ()  # an operator's duties (DUTIES)

    def as_context(self) -> dict[str, str]:
        """What the authorizer hands API Gateway (string values only)."""
        return {
            "role": self.role,
            "insurers": ",".join(self.insurer_ids),
            "session": self.session_id or "",
            "duties": ",".join(self.duties),
        }


def principal_from_context(context: dict[str, Any] | None) -> Principal:
    """The principal from API Gateway's request context (set by the authorizer)."""
    authorizer = (context or {}).get("authorizer") or {}
    if authorizer.get("ended"):
        raise errors.SessionEnded(str(authorizer["ended"]))
    account_id = authorizer.get("principalId")
    role = authorizer.get("role")
    if not account_id or role not in ROLES:
        raise errors.Unauthorized()
    insurers = tuple(i for i in str(authorizer.get("insurers", "")).split(",") if i)
    duties = tuple(d for d in str(authorizer.get("duties", "")).split(",") if d in DUTIES)
    return Principal(
        account_id=str(account_id),
        role=str(role),
        insurer_ids=insurers,
        session_id=str(authorizer.get("session") or "") or None,
        duties=duties,
    )


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles:
        raise errors.Forbidden()


# What a route asks of an operator: one duty, or any one of several (a route whose work
# belongs to different duties, such as imports, whose kind names the duty: the route admits
# an operator holding any of them and the service checks the one the request needs).
DutyNeed = str | tuple[str, ...]


def duties_of(need: DutyNeed) -> tuple[str, ...]:
    return (need,) if isinstance(need, str) else need


def require_duty(principal: Principal, need: DutyNeed) -> None:
    """An operator holding none of the duties a route needs is refused (403); other roles the
    route admits are not staff and have no duties."""
    wanted = duties_of(need)
    if principal.role == "operador" and not set(wanted) & set(principal.duties):
        labels = " ni la de ".join(DUTY_LABELS[duty] for duty in wanted)
        raise errors.Forbidden(
            f"Tu cuenta de operador no tiene la función de {labels}. "
            "Pídesela al administrador de tu aseguradora."
        )


def require_owner(principal: Principal, owner_account_id: str) -> None:
    """Another user's record answers 404, so ids cannot be probed."""
    if principal.account_id != owner_account_id:
        raise errors.NotFound()


def require_insurer(principal: Principal, insurer_id: str) -> None:
    """An operator reaches only the insurers it works for; others answer 404."""
    if insurer_id not in principal.insurer_ids:
        raise errors.NotFound()


def operator_insurer(principal: Principal, insurer_id: str | None) -> str:
    """The insurer an operator acts for when creating or listing: the one named (if it is
    theirs, else 404) or their only one (an operator of several must name it)."""
    if insurer_id is not None:
        require_insurer(principal, insurer_id)
        return insurer_id
    if len(principal.insurer_ids) != 1:
        raise errors.InvalidInput(
            "Indica para qué aseguradora es (insurer_id).", code="insurer_required"
        )
    return principal.insurer_ids[0]


def viewed_insurer(principal: Principal, insurer_id: str | None) -> str:
    """The insurer whose records an operator reads: the one named (if it is theirs, else 404)
    or their first. Anyone but an operator: 403; an operator of no insurer: 404."""
    require_role(principal, "operador")
    if not principal.insurer_ids:
        raise errors.NotFound()
    insurer_id = insurer_id or principal.insurer_ids[0]
    require_insurer(principal, insurer_id)
    return insurer_id
