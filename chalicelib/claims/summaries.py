"""What the homes show of claims: the insured's current claims with the unread notifications,
and the operators' work queues counted per status."""

from __future__ import annotations

from typing import Final

from chalicelib.auth import Principal, require_role
from chalicelib.claims import machine, repository_counts
from chalicelib.claims.schemas import ClaimListQuery, InsuredClaimsOut, QueueCountOut
from chalicelib.claims.tracking import list_claims

HOME_CLAIMS: Final = 5
UNREAD_CAP: Final = 100
QUEUE_CAP: Final = 500
QUEUE_STATUSES: Final = ("registrado", "en_revision", "pendiente_documentos", "aprobado")


def insured_claims(principal: Principal) -> InsuredClaimsOut:
    """The insured's newest current claims (drafts and those in progress) and how many of
    their notifications are unread."""
    require_role(principal, "asegurado")
    current = list_claims(principal, ClaimListQuery(view="actuales", limit=HOME_CLAIMS))
    return InsuredClaimsOut(
        current_claims=current.items,
        more_claims=current.next_cursor is not None,
        unread_notifications=repository_counts.unread_count(principal.account_id, cap=UNREAD_CAP),
    )


def queue_counts(principal: Principal) -> list[QueueCountOut]:
    """Per insurer of the operator, how many claims wait in each status still to be worked
    (only for an operator with the `dictamen` duty; none otherwise)."""
    require_role(principal, "operador")
    if "dictamen" not in principal.duties:
        return []
    counts = []
    for insurer_id in principal.insurer_ids:
        for status in QUEUE_STATUSES:
            count = repository_counts.queue_count(insurer_id, status, cap=QUEUE_CAP + 1)
            counts.append(
                QueueCountOut(
                    insurer_id=insurer_id,
                    status=status,
                    status_label=machine.STATUS_LABELS[status],
                    count=min(count, QUEUE_CAP),
                    more=count > QUEUE_CAP,
                )
            )
    return counts
