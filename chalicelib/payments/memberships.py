"""Plans and memberships: the plans on offer, enrolment with its welcome email, the
affiliate's memberships with their payments and the virtual membership card.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Final

from chalicelib import aws, clock, errors, paging
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.insurers import service as insurers
from chalicelib.kernel import formats
from chalicelib.notifications.mime import Attachment
from chalicelib.notifications.service import Email
from chalicelib.payments import documents, money, periods, references
from chalicelib.payments import repository as repo
from chalicelib.payments.common import as_money, dispatch, local_today, site_link
from chalicelib.payments.repository import ConditionFailed, Membership, Plan
from chalicelib.payments.schemas import (
    CardOut,
    Enrolment,
    MembershipCreated,
    MembershipOut,
    MembershipsOut,
    PaymentOut,
    PlanOut,
    PlansOut,
)

CARD_URL_TTL = timedelta(minutes=5)
MEMBERSHIPS_READ: Final = 50  # memberships read per Query of "my memberships"
# Said in the welcome email when the plan's insurer gave no contact channels.
PLATFORM_CONTACT: Final = (
    "Correo: ayuda@portal-medico.mx\nTeléfono: 800 123 4567 (lunes a sábado, 8 a 20 h)"
)


class MembershipNotFound(errors.NotFound):
    # One answer for an unknown id and for someone else's membership: ids cannot be probed.
    message = "No encontramos esa membresía."


class PlanNotFound(errors.NotFound):
    code = "plan_not_found"
    message = "El plan elegido no existe. Elige uno de la lista."


# --- plans ------------------------------------------------------------------------------------


def _plan_out(plan: Plan) -> PlanOut:
    return PlanOut(
        id=plan.plan_id,
        name=plan.name,
        monthly_fee=as_money(plan.monthly_fee_cents),
        coverage=plan.coverage,
        description=plan.description,
    )


def list_plans(limit: int | None = None, cursor: str | None = None) -> PlansOut:
    """The plans on offer, cheapest first (a page of `limit`: a short list, cut in memory)."""
    plans = sorted(repo.list_plans(), key=lambda p: (p.monthly_fee_cents, p.name))
    items = [_plan_out(plan) for plan in plans]
    if limit is None:
        return PlansOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return PlansOut(items=page, next_cursor=next_cursor)


def load_plans(plans: list[Plan]) -> None:
    """Create or replace plans (demo data and operations scripts)."""
    for plan in plans:
        repo.put_plan(plan)


# --- memberships ------------------------------------------------------------------------------


def enrol(principal: Principal, body: Enrolment) -> MembershipCreated:
    """A membership for the signed-in affiliate, with a welcome email linking the card."""
    plan = repo.get_plan(body.plan_id)
    if plan is None:
        raise PlanNotFound()
    membership_id = str(uuid.uuid4())
    for _ in range(5):
        membership = Membership(
            membership_id=membership_id,
            account_id=principal.account_id,
            plan_id=plan.plan_id,
            plan_name=plan.name,
            monthly_fee_cents=plan.monthly_fee_cents,
            member_number=references.new_member_number(),
            rfc=body.rfc,
            full_name=" ".join(body.full_name.upper().split()),
            email=body.email,
            phone=body.phone,
            created_at=clock.iso(clock.now()),
            insurer_id=plan.insurer_id,
        )
        welcome = Email(
            [membership.email],
            "membership_welcome",
            {
                "name": membership.full_name,
                "plan": plan.name,
                "fee": money.display(plan.monthly_fee_cents),
                "coverage": "; ".join(plan.coverage),
                "member_number": membership.member_number,
                "card_link": site_link(f"afiliados/membresia.html#id={membership_id}"),
                "pay_link": site_link("pagos/"),
                "card_file": card_file_name(membership),
                "contact": contact_lines(plan.insurer_id),
                **insurers.email_brand(plan.insurer_id),
            },
            # The virtual card travels with it: the member has it before their first log-in.
            attachments=(
                Attachment(
                    card_file_name(membership),
                    "application/pdf",
                    documents.card_pdf(_card(membership)),
                ),
            ),
        )
        try:
            dispatch(repo.create_membership(membership, [welcome]))
        except ConditionFailed:
            continue  # the member number was taken: draw another
        return MembershipCreated(
            id=membership_id, member_number=membership.member_number, status=periods.PENDING
        )
    raise errors.Conflict("No pudimos crear la membresía. Intenta de nuevo.")


def existing_membership(membership_id: str) -> Membership:
    """The membership, or 404 (also for ids that cannot be ours, before any read)."""
    try:
        uuid.UUID(membership_id)
    except ValueError:
        raise MembershipNotFound() from None
    found = repo.get_membership(membership_id)
    if found is None:
        raise MembershipNotFound()
    return found


def _owned(principal: Principal, membership_id: str) -> Membership:
    membership = existing_membership(membership_id)
    if membership.account_id != principal.account_id:
        raise MembershipNotFound()
    return membership


def _membership_out(membership: Membership) -> MembershipOut:
    today = local_today()
    due = periods.months_due(membership.paid_through, today)
    plan = repo.get_plan(membership.plan_id) or Plan(
        membership.plan_id, membership.plan_name, membership.monthly_fee_cents, []
    )
    payments = [
        PaymentOut(
            id=p.payment_id,
            channel=p.channel,
            amount=as_money(p.amount_cents),
            months=p.months,
            paid_at=p.paid_at,
            paid_through=p.paid_through,
            reference=p.reference,
        )
        for p in repo.payments_of(membership.membership_id)
    ]
    return MembershipOut(
        id=membership.membership_id,
        member_number=membership.member_number,
        plan=_plan_out(plan),
        full_name=membership.full_name,
        email=membership.email,
        status=periods.status(membership.paid_through, today),  # type: ignore[arg-type]
        paid_through=membership.paid_through,
        months_due=due,
        amount_due=as_money(due * membership.monthly_fee_cents),
        payments=payments,
    )


def my_memberships(
    principal: Principal, limit: int = 50, cursor: str | None = None
) -> MembershipsOut:
    """The signed-in affiliate's memberships, newest first, `limit` at a time."""

    def read(
        key: dict[str, Any] | None, _wanted: int
    ) -> tuple[list[Membership], dict[str, Any] | None]:
        # Always the same number from a key: a cursor counts positions inside one read.
        return repo.memberships_page(principal.account_id, MEMBERSHIPS_READ, key)

    found, next_cursor = paging.page_through(read, limit, cursor)
    return MembershipsOut(items=[_membership_out(m) for m in found], next_cursor=next_cursor)


def membership(principal: Principal, membership_id: str) -> MembershipOut:
    """One of the signed-in affiliate's memberships, with its payments."""
    return _membership_out(_owned(principal, membership_id))


def card_file_name(membership: Membership) -> str:
    """The card's file name, on the download and on the welcome email's attachment."""
    return f"credencial-{membership.member_number}.pdf"


def contact_lines(insurer_id: str | None) -> str:
    """The plan's insurer's contact channels as lines of text (its tenant settings), or the
    platform's when the insurer gave none."""
    from chalicelib.insurers import service as insurers

    found = insurers.get_insurer(insurer_id) if insurer_id else None
    contact = dict(found.contact) if found else {}
    labels = (
        ("phone", "Teléfono"),
        ("email", "Correo"),
        ("whatsapp", "WhatsApp"),
        ("hours", "Horario de atención"),
    )
    lines = [f"{label}: {contact[key]}" for key, label in labels if contact.get(key)]
    return "\n".join(lines) or PLATFORM_CONTACT


def _card(found: Membership) -> documents.CardData:
    valid = formats.day(found.paid_through) if found.paid_through else "Pendiente del primer pago"
    return documents.CardData(
        plan_name=found.plan_name,
        member_number=found.member_number,
        full_name=found.full_name,
        valid_through=valid,
        qr_text=f"PORTAL MEDICO|AFILIADO {found.member_number}|{found.plan_name}|VIGENCIA {valid}",
    )


def card(principal: Principal, membership_id: str) -> CardOut:
    """A short-lived link to the virtual membership card (PDF, made now so it is current)."""
    found = _owned(principal, membership_id)
    pdf = documents.card_pdf(_card(found))
    settings = get_settings()
    key = f"derived/cards/{found.membership_id}/{uuid.uuid4()}.pdf"
    aws.s3().put_object(
        Bucket=settings.documents_bucket, Key=key, Body=pdf, ContentType="application/pdf"
    )
    url = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings.documents_bucket,
            "Key": key,
            "ResponseContentDisposition": (f'attachment; filename="{card_file_name(found)}"'),
        },
        ExpiresIn=int(CARD_URL_TTL.total_seconds()),
    )
    return CardOut(url=url, expires_at=clock.now() + CARD_URL_TTL)
