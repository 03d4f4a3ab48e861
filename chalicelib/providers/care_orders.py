"""Care orders and their payment detail: operators load their insurer's digital orders for a
provider (all or none); providers and operators list them and read one."""

from __future__ import annotations

import uuid

from chalicelib import clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal, require_insurer
from chalicelib.errors import ErrorDetail
from chalicelib.observability import logger
from chalicelib.providers import access, presentation, repository
from chalicelib.providers import schemas as s
from chalicelib.providers.payment_detail import UnknownRegime, payment_detail
from chalicelib.providers.repository import CareOrder


def check_regime(provider: accounts.ProviderFacts) -> None:
    try:
        payment_detail(
            0, 0, regime=provider.fiscal_regime, jalisco_cedular=provider.jalisco_cedular
        )
    except UnknownRegime:
        raise errors.InvalidInput(
            f"El régimen fiscal {provider.fiscal_regime} del prestador no tiene retenciones "
            "definidas para honorarios médicos (612 o 626).",
            code="regime_unknown",
        ) from None


def new_order(
    principal: Principal,
    provider: accounts.ProviderFacts,
    insurer_id: str,
    item: s.DigitalOrderIn | s.TraditionalOrderIn,
    *,
    order_id: str,
    kind: str,
    amount: int,
    coinsurance: int,
    created_at: str,
    iva_taxed: bool = False,
    insured_signed: bool = False,
    doctor_signed: bool = False,
    format_document_ids: list[str] | None = None,
    format_status: str | None = None,
) -> CareOrder:
    """A registered care order of `provider` loaded by `principal`, from what a digital and a
    traditional order's form both give (the patient's name upper-cased, spaces folded)."""
    return CareOrder(
        order_id=order_id,
        provider_id=provider.account_id,
        insurer_id=insurer_id,
        kind=kind,
        account_number=item.account_number,
        patient_name=" ".join(item.patient_name.upper().split()),
        service=item.service,
        service_date=item.date.isoformat(),
        amount=amount,
        coinsurance=coinsurance,
        iva_taxed=iva_taxed,
        regime=provider.fiscal_regime,
        jalisco_cedular=provider.jalisco_cedular,
        insured_signed=insured_signed,
        doctor_signed=doctor_signed,
        status="registrada",
        loaded_by=principal.account_id,
        created_at=created_at,
        format_document_ids=format_document_ids or [],
        format_status=format_status,
    )


def provider_for_orders(rfc: str) -> accounts.ProviderFacts:
    """The active provider of this RFC, whose regime has retentions for medical fees."""
    provider_id = accounts.provider_account_id_for_rfc(rfc)
    provider = accounts.provider_facts(provider_id) if provider_id else None
    if provider is None:
        raise errors.NotFound(
            f"No hay un prestador activo registrado con el RFC {rfc.upper()}.",
            code="provider_not_found",
        )
    check_regime(provider)
    return provider


def imported_order(
    loaded_by: str,
    provider: accounts.ProviderFacts,
    insurer_id: str,
    item: s.DigitalOrderIn,
    *,
    order_id: str,
    created_at: str,
) -> CareOrder:
    """A digital order of a file an operator imported (the amounts checked as the JSON
    load checks them)."""
    amount = presentation.amount_in(item.amount, "amount")
    coinsurance = presentation.amount_in(item.coinsurance, "coinsurance")
    if amount == 0:
        raise errors.InvalidInput(
            "El monto del detalle de pago debe ser mayor que cero.", code="amount_invalid"
        )
    return new_order(
        Principal(loaded_by, "operador", (insurer_id,)),
        provider,
        insurer_id,
        item,
        order_id=order_id,
        kind="digital",
        amount=amount,
        coinsurance=coinsurance,
        created_at=created_at,
        iva_taxed=item.iva_taxed,
        insured_signed=item.insured_signature,
        doctor_signed=item.doctor_signature,
    )


def orders_by_account(insurer_id: str, account_numbers: list[str]) -> dict[str, CareOrder]:
    """An insurer's care orders among these account numbers (batched reads)."""
    return repository.orders_by_account(insurer_id, account_numbers)


def import_orders(created: list[CareOrder], changed: list[CareOrder]) -> list[str]:
    """Store the new orders with their account-number guards (50 at a time, all or none;
    a group another load raced is stored one by one) and replace the changed ones (still
    `registrada`, in batches). The account numbers another load took first."""
    taken: list[str] = []
    for start in range(0, len(created), 50):
        group = created[start : start + 50]
        try:
            repository.create_orders(group)
        except errors.Conflict:
            for order in group:
                try:
                    repository.create_orders([order])
                except errors.Conflict:
                    taken.append(order.account_number)
    if changed:
        repository.replace_orders(changed)
    return taken


def load_digital_orders(principal: Principal, body: s.OperatorOrdersIn) -> s.CareOrdersOut:
    """An operator loads digital care orders of its insurer for a provider (all or none)."""
    require_insurer(principal, body.insurer_id)
    provider = provider_for_orders(body.provider_rfc)
    numbers = [order.account_number for order in body.orders]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        raise errors.InvalidInput(
            f"El número de cuenta {repeated[0]} está repetido en la carga.",
            code="account_number_repeated",
        )
    now = clock.iso(clock.now())
    orders = []
    for index, item in enumerate(body.orders):
        amount = presentation.amount_in(item.amount, f"orders.{index}.amount")
        coinsurance = presentation.amount_in(item.coinsurance, f"orders.{index}.coinsurance")
        if amount == 0:
            raise errors.InvalidInput(
                "El monto del detalle de pago debe ser mayor que cero.",
                code="amount_invalid",
                details=[
                    ErrorDetail(f"orders.{index}.amount", "amount_invalid", "Debe ser mayor que 0.")
                ],
            )
        orders.append(
            new_order(
                principal,
                provider,
                body.insurer_id,
                item,
                order_id=str(uuid.uuid4()),
                kind="digital",
                amount=amount,
                coinsurance=coinsurance,
                created_at=now,
                iva_taxed=item.iva_taxed,
                insured_signed=item.insured_signature,
                doctor_signed=item.doctor_signature,
            )
        )
    repository.create_orders(orders)
    logger.info("care orders loaded", extra={"count": len(orders), "insurer": body.insurer_id})
    return s.CareOrdersOut(items=[presentation.order_out(order) for order in orders])


def _page_out(page: repository.Page) -> s.CareOrderPage:
    return s.CareOrderPage(
        items=[presentation.order_out(o) for o in page.items], next_cursor=page.next_cursor
    )


def operator_orders(principal: Principal, query: s.OperatorOrdersQuery) -> s.CareOrderPage:
    """An insurer's care orders, newest first (operators of that insurer)."""
    require_insurer(principal, query.insurer_id)
    page = repository.orders_of_insurer(query.insurer_id, limit=query.limit, cursor=query.cursor)
    return _page_out(page)


def care_orders(principal: Principal, query: s.CareOrdersQuery) -> s.CareOrderPage:
    """The provider's care orders, newest first, optionally in one state."""
    provider = access.provider(principal)
    page = repository.orders_of_provider(
        provider.account_id, limit=query.limit, cursor=query.cursor, status=query.status
    )
    return _page_out(page)


def care_order(principal: Principal, order_id: str) -> s.CareOrderOut:
    """One care order with its payment detail (its provider, or an operator of its insurer)."""
    return presentation.order_out(access.own_order(principal, order_id))
