"""Memberships and payments: plans, enrolment, the virtual card, payment references, card
payments, signed confirmations applied exactly once, expiry and reminders. The only door
into the payments context."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from chalicelib import aws, clock, errors, json_body, paging
from chalicelib.auth import Principal, operator_insurer
from chalicelib.config import get_settings
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.payments import (
    documents,
    gateway,
    instructions,
    money,
    periods,
    references,
    signatures,
)
from chalicelib.payments import repository as repo
from chalicelib.payments.repository import (
    ConditionFailed,
    Membership,
    Payment,
    PaymentEvent,
    PaymentException,
    Plan,
    Reference,
)
from chalicelib.payments.schemas import (
    CardOut,
    CardPaymentOut,
    CardPaymentRequest,
    DueItem,
    Enrolment,
    ExceptionsQuery,
    LookupOut,
    MembershipCreated,
    MembershipOut,
    MembershipsOut,
    Money,
    PaymentExceptionOut,
    PaymentExceptionsOut,
    PaymentOut,
    PlanOut,
    PlansOut,
    ReferenceOut,
    ReferenceRequest,
    Simulation,
    SimulationOut,
    WebhookAnswer,
    WebhookEvent,
)
from chalicelib.personal_data import ERASED, FISCAL, PersonalData, Retained, Retention

MEXICO_CITY = ZoneInfo("America/Mexico_City")
CARD_URL_TTL = timedelta(minutes=5)
REMIND_DAYS_BEFORE = 5
MEMBERSHIPS_READ: Final = 50  # memberships read per Query of "my memberships"
# Anonymous routes: requests per 15-minute window (WAF limits per IP on AWS as well).
LIMIT_WINDOW = timedelta(minutes=15)
LIMITS = {"lookup-ip": 30, "lookup-rfc": 10, "pay-ip": 30}
LOOKUP_MESSAGE = (
    "Si tienes una membresía con este RFC, aquí ves lo que debes. Si no aparece nada, no "
    "tienes pagos pendientes."
)
EXCEPTION_LABELS = {
    "unknown_reference": "Referencia desconocida",
    "amount_mismatch": "El monto pagado no coincide",
    "expired": "Pagada después del vencimiento",
    "already_paid": "Referencia ya pagada con otro pago",
}
_APPLY_ATTEMPTS = 5
MONTH_NAMES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


class BadSignature(errors.Unauthorized):
    code = "bad_signature"
    message = "La firma de la notificación no es válida."


class MembershipNotFound(errors.NotFound):
    # One answer for an unknown id and for someone else's membership: ids cannot be probed.
    message = "No encontramos esa membresía."


class PlanNotFound(errors.NotFound):
    code = "plan_not_found"
    message = "El plan elegido no existe. Elige uno de la lista."


def _today() -> date:
    return clock.now().astimezone(MEXICO_CITY).date()


def _money(cents: int) -> Money:
    return Money(amount=money.to_decimal_string(cents), currency="MXN")


def _long_date(day: date) -> str:
    return f"{day.day} de {MONTH_NAMES[day.month - 1]} de {day.year}"


def _site(page: str) -> str:
    return f"{get_settings().site_url}/{page}"


def _limit(scope: str, key: str) -> None:
    now = clock.now()
    start = datetime.fromtimestamp(
        now.timestamp() // LIMIT_WINDOW.total_seconds() * LIMIT_WINDOW.total_seconds(), UTC
    )
    if repo.count_request(scope, key, start) > LIMITS[scope]:
        raise errors.TooManyAttempts(
            "Hiciste muchas consultas seguidas. Espera unos minutos y vuelve a intentarlo."
        )


# --- plans ------------------------------------------------------------------------------------


def _plan_out(plan: Plan) -> PlanOut:
    return PlanOut(
        id=plan.plan_id,
        name=plan.name,
        monthly_fee=_money(plan.monthly_fee_cents),
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


def _send(ids: list[str]) -> None:
    notifications.dispatch(ids)


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
                "card_link": _site(f"afiliados/membresia.html#id={membership_id}"),
                "pay_link": _site("pagos/"),
            },
        )
        try:
            _send(repo.create_membership(membership, [welcome]))
        except ConditionFailed:
            continue  # the member number was taken: draw another
        return MembershipCreated(
            id=membership_id, member_number=membership.member_number, status=periods.PENDING
        )
    raise errors.Conflict("No pudimos crear la membresía. Intenta de nuevo.")


def _existing(membership_id: str) -> Membership:
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
    membership = _existing(membership_id)
    if membership.account_id != principal.account_id:
        raise MembershipNotFound()
    return membership


def _membership_out(membership: Membership) -> MembershipOut:
    today = _today()
    due = periods.months_due(membership.paid_through, today)
    plan = repo.get_plan(membership.plan_id) or Plan(
        membership.plan_id, membership.plan_name, membership.monthly_fee_cents, []
    )
    payments = [
        PaymentOut(
            id=p.payment_id,
            channel=p.channel,
            amount=_money(p.amount_cents),
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
        amount_due=_money(due * membership.monthly_fee_cents),
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


def card(principal: Principal, membership_id: str) -> CardOut:
    """A short-lived link to the virtual membership card (PDF, made now so it is current)."""
    found = _owned(principal, membership_id)
    valid = (
        found.paid_through.strftime("%d/%m/%Y")
        if found.paid_through
        else "Pendiente del primer pago"
    )
    pdf = documents.card_pdf(
        documents.CardData(
            plan_name=found.plan_name,
            member_number=found.member_number,
            full_name=found.full_name,
            valid_through=valid,
            qr_text=(
                f"PORTAL MEDICO|AFILIADO {found.member_number}|{found.plan_name}|VIGENCIA {valid}"
            ),
        )
    )
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
            "ResponseContentDisposition": (
                f'attachment; filename="credencial-{found.member_number}.pdf"'
            ),
        },
        ExpiresIn=int(CARD_URL_TTL.total_seconds()),
    )
    return CardOut(url=url, expires_at=clock.now() + CARD_URL_TTL)


# --- the public payment page ------------------------------------------------------------------


def mask_name(full_name: str) -> str:
    """`MARIA GUADALUPE HERNANDEZ` → `MA*** GU*** HE***`: enough to recognise, not to learn."""
    return " ".join(word[:2] + "***" for word in full_name.split())


def lookup(rfc: str, source_ip: str) -> LookupOut:
    """What is due for the memberships of an RFC, with masked personal data. An unknown RFC
    gets the same answer as a known one with nothing to show."""
    _limit("lookup-ip", source_ip)
    _limit("lookup-rfc", rfc)
    today = _today()
    items = []
    for found in repo.memberships_for_rfc(rfc):
        due = periods.months_due(found.paid_through, today)
        items.append(
            DueItem(
                membership_id=found.membership_id,
                member_name=mask_name(found.full_name),
                plan=found.plan_name,
                status=periods.status(found.paid_through, today),
                paid_through=found.paid_through,
                months_due=due,
                monthly_fee=_money(found.monthly_fee_cents),
                amount_due=_money(due * found.monthly_fee_cents),
            )
        )
    return LookupOut(items=items, message=LOOKUP_MESSAGE)


def _reference_out(reference: Reference) -> ReferenceOut:
    amount = money.display(reference.amount_cents)
    expires_local = reference.expires_at.astimezone(MEXICO_CITY)
    expires_on = f"{_long_date(expires_local.date())} a las {expires_local:%H:%M} h"
    return ReferenceOut(
        reference=reference.reference,
        reference_display=references.grouped(reference.reference),
        method=reference.method,  # type: ignore[arg-type]
        months=reference.months,
        amount=_money(reference.amount_cents),
        expires_at=reference.expires_at,
        status=reference.status,
        barcode_svg=documents.barcode_svg(reference.reference),
        instructions=instructions.for_method(reference.method, amount, expires_on),
    )


def _valid_reference(number: str | None, now: datetime) -> Reference | None:
    if number is None:
        return None
    found = repo.get_reference(number)
    if found is None or found.status != "vigente" or found.expires_at <= now:
        return None
    return found


def create_reference(membership_id: str, body: ReferenceRequest, source_ip: str) -> ReferenceOut:
    """A store or bank reference for a membership and a number of months; asking again while
    one is valid gives that one."""
    _limit("pay-ip", source_ip)
    found = _existing(membership_id)
    settings = get_settings()
    days = (
        settings.store_reference_days if body.method == "tienda" else settings.bank_reference_days
    )
    for _ in range(5):
        now = clock.now()
        current = repo.open_reference(membership_id, body.method, body.months)
        valid = _valid_reference(current, now)
        if valid is not None:
            return _reference_out(valid)
        reference = Reference(
            reference=references.build(body.method, found.member_number, body.months),
            membership_id=membership_id,
            member_number=found.member_number,
            method=body.method,
            months=body.months,
            amount_cents=found.monthly_fee_cents * body.months,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        try:
            repo.create_reference(reference, replaces=current)
        except ConditionFailed:
            continue  # another request opened one first (or the number exists): look again
        return _reference_out(reference)
    raise errors.Conflict("No pudimos generar la referencia. Intenta de nuevo.")


# --- applying payments ------------------------------------------------------------------------


def _receipt(found: Membership, payment: Payment) -> Email:
    channels = {"tienda": "tienda de conveniencia", "banco": "banco", "tarjeta": "tarjeta"}
    return Email(
        [found.email],
        "payment_receipt",
        {
            "name": found.full_name,
            "amount": money.display(payment.amount_cents),
            "months": f"{payment.months} {'mes' if payment.months == 1 else 'meses'}",
            "channel": channels.get(payment.channel, payment.channel),
            "reference": payment.reference or payment.payment_id,
            "member_number": found.member_number,
            "plan": found.plan_name,
            "paid_through": _long_date(payment.paid_through),
            "paid_at": payment.paid_at.astimezone(MEXICO_CITY).strftime("%d/%m/%Y %H:%M"),
            "link": _site(f"afiliados/membresia.html#id={found.membership_id}"),
        },
    )


def _apply(
    event_id: str,
    membership_id: str,
    *,
    channel: str,
    amount_cents: int,
    months: int,
    paid_at: datetime,
    reference: str | None,
    details: dict[str, object],
) -> tuple[str, Payment | None]:
    """Apply a payment exactly once; returns ("aplicado", payment) or ("duplicado", None).

    A concurrent payment to the same membership moves its version: read again and retry.
    Raises ConditionFailed when the reference was paid by another event."""
    for _ in range(_APPLY_ATTEMPTS):
        found = repo.get_membership(membership_id)
        if found is None:
            raise errors.NotFound()
        payment = Payment(
            payment_id=event_id,
            membership_id=membership_id,
            channel=channel,
            amount_cents=amount_cents,
            months=months,
            paid_at=paid_at,
            paid_through=periods.extend(
                found.paid_through, months, paid_at.astimezone(MEXICO_CITY).date()
            ),
            reference=reference,
        )
        event = PaymentEvent(event_id, "aplicado", clock.now(), dict(details))
        try:
            _send(repo.apply_payment(event, found, payment, [_receipt(found, payment)]))
        except ConditionFailed:
            if repo.get_event(event_id) is not None:
                return "duplicado", None
            if reference is not None:
                paid = repo.get_reference(reference)
                if paid is not None and paid.status == "pagada":
                    raise
            continue
        logger.info(
            "payment applied",
            extra={"event_id": event_id, "membership_id": membership_id, "channel": channel},
        )
        return "aplicado", payment
    raise errors.Conflict("El pago no se pudo aplicar por ahora; se reintentará.")


def _insurer_of(event: WebhookEvent, membership_id: str | None) -> tuple[str | None, str]:
    """The membership a confirmation is for and its insurer, so the exception is listed to
    that insurer's operators only. An unknown reference still names a member number when its
    check digits are right."""
    if membership_id is None:
        parsed = references.parse(event.reference)
        if parsed is not None:
            membership_id = repo.membership_id_for_number(parsed.member_number)
    found = repo.get_membership(membership_id) if membership_id else None
    return membership_id, found.insurer_id if found is not None else ""


def _exception(event: WebhookEvent, reason: str, membership_id: str | None) -> str:
    now = clock.now()
    membership_id, insurer_id = _insurer_of(event, membership_id)
    recorded = repo.record_event(
        PaymentEvent(event.event_id, "excepcion", now, {"reason": reason}),
        PaymentException(
            event_id=event.event_id,
            reason=reason,
            reference=event.reference,
            amount_cents=money.to_cents(event.amount.amount),
            channel=event.channel,
            paid_at=clock.iso(event.paid_at),
            received_at=clock.iso(now),
            membership_id=membership_id,
            insurer_id=insurer_id,
        ),
    )
    logger.warning("payment not applied", extra={"event_id": event.event_id, "reason": reason})
    return "excepcion" if recorded else "duplicado"


def _handle(event: WebhookEvent) -> str:
    if repo.get_event(event.event_id) is not None:
        return "duplicado"
    number = references.normalize(event.reference)
    parsed = references.parse(number)
    found = repo.get_reference(number) if parsed is not None else None
    if found is None:
        return _exception(event, "unknown_reference", None)
    if money.to_cents(event.amount.amount) != found.amount_cents:
        return _exception(event, "amount_mismatch", found.membership_id)
    if event.paid_at > found.expires_at:
        return _exception(event, "expired", found.membership_id)
    if found.status == "pagada":
        return _exception(event, "already_paid", found.membership_id)
    try:
        outcome, _ = _apply(
            event.event_id,
            found.membership_id,
            channel=found.method,
            amount_cents=found.amount_cents,
            months=found.months,
            paid_at=event.paid_at,
            reference=found.reference,
            details={"reference": found.reference, "channel": event.channel},
        )
    except ConditionFailed:
        return _exception(event, "already_paid", found.membership_id)
    return outcome


def receive_webhook(raw_body: bytes | str, signature_header: str | None) -> WebhookAnswer:
    """A signed confirmation from the payment network: applied once per event id and once
    per reference; anything not applicable is recorded for operators and still answered 200
    so the network stops retrying."""
    raw = raw_body.encode() if isinstance(raw_body, str) else raw_body
    try:
        signatures.verify(
            get_settings().payments_webhook_secret,
            signature_header,
            raw,
            int(clock.now().timestamp()),
        )
    except signatures.BadSignature as exc:
        logger.warning("webhook refused", extra={"reason": str(exc)})
        raise BadSignature() from None
    event = WebhookEvent.model_validate(json_body.load(raw))
    return WebhookAnswer(received=True, outcome=_handle(event))  # type: ignore[arg-type]


def simulate_payment(principal: Principal, body: Simulation) -> SimulationOut:
    """Local stack only: sign a confirmation for a reference, as the network would, and send
    it through the same verification as the webhook route."""
    settings = get_settings()
    if not settings.payments_simulator:
        raise errors.NotFound()
    number = references.normalize(body.reference)
    found = repo.get_reference(number)
    cents = found.amount_cents if found is not None else 0
    if body.amount is not None:
        cents = money.to_cents(body.amount)
    parsed = references.parse(number)
    event = WebhookEvent(
        event_id=f"sim_{uuid.uuid4().hex}",
        type="payment.succeeded",
        reference=number,
        amount=_money(cents),
        paid_at=clock.now().replace(microsecond=0),
        channel=parsed.method if parsed is not None else "tienda",
    )
    raw = event.model_dump_json().encode()
    signature = signatures.sign(settings.payments_webhook_secret, int(clock.now().timestamp()), raw)
    logger.info("payment simulated", extra={"operator": principal.account_id})
    return SimulationOut(signature=signature, body=event, answer=receive_webhook(raw, signature))


# --- card payments ----------------------------------------------------------------------------


def pay_by_card(membership_id: str, body: CardPaymentRequest, source_ip: str) -> CardPaymentOut:
    """Charge a card token through the gateway and apply the payment once. A token is single
    use: sending it again answers what happened the first time."""
    _limit("pay-ip", source_ip)
    found = _existing(membership_id)
    # The token itself is never stored or logged: only its hash names the payment.
    event_id = "card_" + hashlib.sha256(body.card_token.encode()).hexdigest()[:32]
    previous = repo.get_event(event_id)
    if previous is not None:
        return _card_answer(event_id, previous.outcome, previous.details.get("decline_code"))
    amount_cents = found.monthly_fee_cents * body.months
    charge = gateway.gateway_for("sandbox").charge(
        token=body.card_token,
        amount_cents=amount_cents,
        currency=money.CURRENCY,
        idempotency_key=event_id,
    )
    if charge.status != gateway.APPROVED:
        repo.record_event(
            PaymentEvent(
                event_id,
                "rechazado",
                clock.now(),
                {"decline_code": charge.decline_code, "charge_id": charge.charge_id},
            )
        )
        return _card_answer(event_id, "rechazado", charge.decline_code)
    _outcome, payment = _apply(
        event_id,
        membership_id,
        channel="tarjeta",
        amount_cents=amount_cents,
        months=body.months,
        paid_at=clock.now(),
        reference=None,
        details={"charge_id": charge.charge_id},
    )
    return _card_answer(event_id, "aplicado", None, payment.paid_through if payment else None)


_DECLINES = {
    "card_declined": "El banco rechazó la tarjeta. Intenta con otra o paga en tienda o banco.",
    "insufficient_funds": "La tarjeta no tiene fondos suficientes. Intenta con otra tarjeta.",
    "invalid_token": "No pudimos leer los datos de la tarjeta. Vuelve a capturarlos.",
}


def _card_answer(
    event_id: str, outcome: str, decline_code: object, paid_through: date | None = None
) -> CardPaymentOut:
    if outcome == "aplicado":
        return CardPaymentOut(
            payment_id=event_id,
            status="aprobado",
            message="¡Pago aprobado! Te enviamos el recibo por correo.",
            paid_through=paid_through,
        )
    code = str(decline_code or "card_declined")
    return CardPaymentOut(
        payment_id=event_id,
        status="rechazado",
        message=_DECLINES.get(code, _DECLINES["card_declined"]),
        decline_code=code,
    )


# --- operators --------------------------------------------------------------------------------


def payment_exceptions(principal: Principal, query: ExceptionsQuery) -> PaymentExceptionsOut:
    """Confirmations that were not applied to the memberships of the operator's insurer,
    newest first, for its operators to resolve."""
    from chalicelib.dynamo import decode_cursor, encode_cursor

    insurer_id = operator_insurer(principal, query.insurer_id)
    items, last = repo.open_exceptions(insurer_id, query.limit, decode_cursor(query.cursor))
    return PaymentExceptionsOut(
        items=[
            PaymentExceptionOut(
                event_id=e.event_id,
                reason=e.reason,
                reason_label=EXCEPTION_LABELS.get(e.reason, e.reason),
                reference=e.reference,
                amount=_money(e.amount_cents),
                channel=e.channel,
                paid_at=e.paid_at,
                received_at=e.received_at,
            )
            for e in items
        ],
        next_cursor=encode_cursor(last),
    )


# --- scheduled --------------------------------------------------------------------------------

EXPIRY_LOOKBACK_DAYS = 7


def expire_references() -> int:
    """Mark as vencida the references past their expiry (a Query per expiry day)."""
    now = clock.now()
    expired = 0
    for back in range(EXPIRY_LOOKBACK_DAYS, -1, -1):
        day = (now - timedelta(days=back)).date()
        for number in repo.references_expiring_on(day, now):
            expired += repo.expire_reference(number)
    return expired


def remind_due() -> int:
    """Email, once per period, the members whose dues run out in REMIND_DAYS_BEFORE days."""
    day = _today() + timedelta(days=REMIND_DAYS_BEFORE)
    sent = 0
    for found in repo.memberships_due_on(day):
        email = Email(
            [found.email],
            "membership_due_reminder",
            {
                "name": found.full_name,
                "plan": found.plan_name,
                "member_number": found.member_number,
                "paid_through": _long_date(day),
                "fee": money.display(found.monthly_fee_cents),
                "pay_link": _site("pagos/"),
            },
        )
        ids = repo.mark_reminded(found, [email])
        if ids is not None:
            _send(ids)
            sent += 1
    return sent


# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """The person's memberships with their payments."""
    from dataclasses import asdict

    records = []
    last = ""
    for item in repo.memberships_of(account_id):
        paid = repo.payments_of(item.membership_id)
        last = max([last, item.created_at, *(clock.iso(p.paid_at) for p in paid)])
        records.append({**asdict(item), "pagos": [asdict(p) for p in paid]})
    return PersonalData("membresias", records, last_activity={FISCAL: last})


def erase_personal_data(account_id: str, retention: Retention) -> list[Retained]:
    """Memberships whose payments back receipts still in their fiscal period (CFF art. 30)
    stay without name, email or phone; the others go with their payments. Repeatable."""
    kept: list[str] = []
    kept_ids: list[str] = []
    for item in repo.memberships_of(account_id):
        paid = repo.payments_of(item.membership_id)
        last = max([item.created_at, *(clock.iso(p.paid_at) for p in paid)])
        if paid and retention.keeps(FISCAL, last):
            repo.anonymise_membership(item, ERASED)
            kept.append(last)
            kept_ids.append(item.membership_id)
        else:
            repo.delete_membership(item)
    if not kept:
        return []
    return [
        Retained(
            what="Membresías y pagos de cuotas con sus comprobantes (RFC y número de socio; "
            "sin nombre ni datos de contacto)",
            category=FISCAL,
            count=len(kept),
            last_activity=max(kept),
            ids=tuple(kept_ids),
        )
    ]


def purge_retained(membership_ids: list[str]) -> int:
    """Delete the memberships (with their payments) a deletion kept, once their fiscal
    period ended (by id: the account is anonymised by then). Repeatable."""
    purged = 0
    for membership_id in membership_ids:
        found = repo.get_membership(membership_id)
        if found is not None:
            repo.delete_membership(found)
            purged += 1
    return purged
