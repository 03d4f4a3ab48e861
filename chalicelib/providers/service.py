"""Providers (Mexico): the only door into this context.

A provider registers a bank account (CLABE + bank statement validated by the documents
pipeline), sees its care orders with their payment detail (what the insurer pays, what is
withheld by regime, what to invoice), uploads the CFDI that invoices some of them, and after
the insurer records the payment, the payment complement; the statement shows where each
order stands. Operators load digital care orders and record payments.

Hooks registered with the documents context at import (app.py imports this module, so the
validating function has them): the verdict check on invoice files (the order-matching rules,
before the pipeline reserves the CFDI UUID) and the verdict listeners of bank statements,
invoices, complements and traditional orders' PDFs. Listeners are idempotent: every state
change is conditional on the state it leaves.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from chalicelib import aws, clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal, require_insurer
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import ReasonOut
from chalicelib.documents.service import Declared, Document, DocumentOwner, FileSpec, Owner
from chalicelib.errors import ErrorDetail
from chalicelib.notifications import service as notifications
from chalicelib.observability import logger
from chalicelib.personal_data import FISCAL, PersonalData, Retained, Retention
from chalicelib.policies import service as policies
from chalicelib.providers import repository
from chalicelib.providers import schemas as s
from chalicelib.providers.matching import OrderToMatch, match_complement, match_invoice
from chalicelib.providers.money import format_amount, label, parse_amount
from chalicelib.providers.payment_detail import (
    TAX_LABELS,
    PaymentDetail,
    UnknownRegime,
    explain,
    invoice_figures,
    payment_detail,
)
from chalicelib.providers.repository import BankAccount, CareOrder, Invoice
from chalicelib.providers.statement import Row, totals
from chalicelib.spreadsheets import XLSX_CONTENT_TYPE

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

# A bank account belongs to the provider, not to an insurer; documents need some insurer id,
# and no operator works for this one, so only the provider reads the statement.
NO_INSURER: Final = "sin-aseguradora"
EXPORT_LIFETIME: Final = timedelta(minutes=5)
EXPORTS_PREFIX: Final = "exports/"
FORMAT_NAME: Final = "orden-de-atencion.pdf"
TRADITIONAL_PARTS: Final = ("carta", "estado_cuenta", "constancia_fiscal")


_ID: Final = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _valid_id(value: str) -> bool:
    return bool(_ID.match(value))


class NotAMexicanProvider(errors.Forbidden):
    code = "provider_only_mexico"
    message = "Esta sección es para prestadores registrados en México con su RFC."


def _provider(principal: Principal) -> accounts.ProviderFacts:
    facts = accounts.provider_facts(principal.account_id)
    if facts is None:
        raise NotAMexicanProvider()
    return facts


def _link(page: str) -> str:
    return f"{get_settings().site_url}/prestadores/{page}"


def _reasons(items: list[dict[str, str]]) -> list[ReasonOut]:
    return [ReasonOut(code=r["code"], message=r["message"]) for r in items]


def _money(centavos: int) -> s.MoneyOut:
    return s.MoneyOut(amount=format_amount(centavos))


def _amount(value: s.MoneyIn, field: str) -> int:
    try:
        return parse_amount(value.amount)
    except ValueError:
        message = "Escribe la cantidad en pesos con hasta dos decimales, p. ej. 1500.00."
        raise errors.InvalidInput(
            message, code="amount_invalid", details=[ErrorDetail(field, "amount_invalid", message)]
        ) from None


# --- bank account ------------------------------------------------------------------------------


def _mask(clabe: str) -> str:
    return f"{'•' * 14}{clabe[-4:]}"


def _bank_out(account: BankAccount | None) -> s.BankAccountOut | None:
    if account is None:
        return None
    return s.BankAccountOut(
        id=account.bank_account_id,
        clabe=account.clabe,
        bank=account.bank,
        status=account.status,
        reasons=_reasons(account.reasons),
        created_at=account.created_at,
        decided_at=account.decided_at,
        document_id=account.document_id,
    )


def _current(accounts_: list[BankAccount]) -> tuple[BankAccount | None, BankAccount | None]:
    """The active account, and the latest one not active (validating or rejected) after it."""
    active = next((a for a in reversed(accounts_) if a.status == "activa"), None)
    later = [
        a
        for a in accounts_
        if a.status in {"en_validacion", "rechazada"}
        and (active is None or a.created_at > active.created_at)
    ]
    return active, (later[-1] if later else None)


def bank_account(principal: Principal) -> s.BankAccountsOut:
    """The provider's active bank account and the one being validated (or rejected)."""
    provider = _provider(principal)
    active, pending = _current(repository.bank_accounts(provider.account_id))
    status = "sin_registrar"
    if active is not None:
        status = "activa"
    elif pending is not None:
        status = pending.status
    return s.BankAccountsOut(
        active=_bank_out(active),
        pending=_bank_out(pending),
        status=status,  # type: ignore[arg-type]  # one of the four, by construction
    )


def _check_clabe(raw: str) -> tuple[str, str]:
    from clabe import get_bank_name, validate_clabe

    clabe = "".join(raw.split())

    def invalid(code: str, message: str) -> errors.InvalidInput:
        return errors.InvalidInput(
            message, code=code, details=[ErrorDetail("clabe", code, message)]
        )

    if not (len(clabe) == 18 and clabe.isdigit()):
        raise invalid("clabe_invalid", "La CLABE tiene 18 dígitos, sin espacios ni guiones.")
    if not validate_clabe(clabe):
        raise invalid(
            "clabe_check_digit",
            "La CLABE no es válida: su dígito verificador no coincide. Revísala en tu estado "
            "de cuenta.",
        )
    try:
        bank = get_bank_name(clabe)
    except ValueError:
        raise invalid(
            "clabe_bank_unknown", "Los tres primeros dígitos de la CLABE no son de un banco."
        ) from None
    return clabe, bank


def register_bank_account(principal: Principal, body: s.BankAccountIn) -> s.BankAccountAccepted:
    """A new CLABE with its bank statement; it is active once the statement is validated."""
    provider = _provider(principal)
    clabe, bank = _check_clabe(body.clabe)
    active, pending = _current(repository.bank_accounts(provider.account_id))
    if active is not None and active.clabe == clabe:
        raise errors.Conflict(
            "Esa CLABE ya es tu cuenta activa.", code="bank_account_already_active"
        )
    account_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.BANK_ACCOUNT, account_id, provider.account_id, NO_INSURER)
    spec = FileSpec(
        name=body.statement.name,
        size=body.statement.size,
        content_type=body.statement.content_type,
        doc_type="bank_statement",
        declared=Declared(clabe=clabe, holder=provider.full_name),
    )
    [slot] = documents.create_slots(owner, [spec], principal.account_id)
    repository.create_bank_account(
        BankAccount(
            bank_account_id=account_id,
            provider_id=provider.account_id,
            clabe=clabe,
            bank=bank,
            status="en_validacion",
            created_at=clock.iso(clock.now()),
            document_id=slot.document_id,
        ),
        replaces_pending=pending.bank_account_id
        if pending is not None and pending.status == "en_validacion"
        else None,
    )
    return s.BankAccountAccepted(status="en_validacion", slot=slot)


def _on_bank_statement(document: Document) -> None:
    accounts_ = repository.bank_accounts(document.account_id)
    account = next((a for a in accounts_ if a.bank_account_id == document.owner_id), None)
    if account is None or account.status != "en_validacion":
        return  # replaced by a newer one, or already decided (a redelivered verdict)
    if account.document_id != document.document_id:
        return
    provider = accounts.provider_facts(document.account_id)
    accepted = document.status == "aceptado"
    active, _ = _current(accounts_)

    def stage(transaction: TransactWrite) -> list[str]:
        if provider is None:
            return []
        values = {
            "name": provider.full_name,
            "bank": account.bank,
            "clabe": _mask(account.clabe),
            "link": _link("cuenta-bancaria.html"),
        }
        if accepted:
            template = "bank_account_active"
        else:
            template = "bank_account_rejected"
            values["reasons"] = "\n".join(f"• {r['message']}" for r in document.reasons)
            values["keeps"] = (
                f"Tu cuenta activa ({active.bank}, CLABE {_mask(active.clabe)}) sigue "
                "recibiendo tus pagos."
                if active is not None
                else "Mientras no tengas una cuenta activa no podemos depositarte pagos."
            )
        return [notifications.stage_email(transaction, list(provider.addresses), template, values)]

    emails = repository.decide_bank_account(
        account,
        accepted=accepted,
        reasons=list(document.reasons),
        now=clock.iso(clock.now()),
        previous_active=active.bank_account_id if accepted and active is not None else None,
        stage_emails=stage,
    )
    if emails:
        notifications.dispatch(emails)
    logger.info(
        "bank account decided", extra={"bank_account_id": account.bank_account_id, "ok": accepted}
    )


# --- care orders and their payment detail --------------------------------------------------------


def _detail(order: CareOrder) -> PaymentDetail:
    return payment_detail(
        order.amount,
        order.coinsurance,
        regime=order.regime,
        jalisco_cedular=order.jalisco_cedular,
        iva_taxed=order.iva_taxed,
    )


def _retention_out(detail: PaymentDetail) -> s.RetentionOut:
    from chalicelib.providers.payment_detail import percent

    return s.RetentionOut(
        lines=[
            s.RetentionLineOut(
                tax=line.tax,  # type: ignore[arg-type]  # isr | iva | cedular, from the table
                rate=f"{line.rate:f}",
                amount=_money(line.amount),
                label=f"{TAX_LABELS[line.tax]} {percent(line.rate)}",
            )
            for line in detail.lines
        ],
        total=_money(detail.retention_total),
        regime=detail.regime,
        jalisco_cedular=detail.jalisco_cedular,
        iva="gravado" if detail.iva_transferred else "exento",
        iva_transferred=_money(detail.iva_transferred),
        table_version=detail.table_version,
        table_valid_from=detail.table_valid_from,
        explanation=explain(detail),
    )


def _order_out(order: CareOrder) -> s.CareOrderOut:
    detail = _detail(order)
    format_out = None
    if order.kind == "tradicional":
        format_out = s.FormatOut(
            status=order.format_status or "pendiente",  # type: ignore[arg-type]
            reasons=_reasons(order.format_reasons),
            document_ids=order.format_document_ids,
            merged=bool(order.format_key),
        )
    return s.CareOrderOut(
        id=order.order_id,
        kind=order.kind,  # type: ignore[arg-type]  # digital | tradicional, by construction
        insurer_id=order.insurer_id,
        account_number=order.account_number,
        patient_name=order.patient_name,
        service=order.service,  # type: ignore[arg-type]
        date=order.service_date,
        amount=_money(detail.amount),
        coinsurance=_money(detail.coinsurance),
        retention=_retention_out(detail),
        amount_to_invoice=_money(detail.to_invoice),
        status=order.status,  # type: ignore[arg-type]
        invoice_id=order.invoice_id,
        paid=_money(order.paid) if order.paid is not None else None,
        insured_signed=order.insured_signed,
        doctor_signed=order.doctor_signed,
        created_at=order.created_at,
        format=format_out,
    )


def _check_regime(provider: accounts.ProviderFacts) -> None:
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


def load_digital_orders(principal: Principal, body: s.OperatorOrdersIn) -> s.CareOrdersOut:
    """An operator loads digital care orders of its insurer for a provider (all or none)."""
    require_insurer(principal, body.insurer_id)
    provider_id = accounts.provider_account_id_for_rfc(body.provider_rfc)
    provider = accounts.provider_facts(provider_id) if provider_id else None
    if provider is None:
        raise errors.NotFound(
            f"No hay un prestador activo registrado con el RFC {body.provider_rfc.upper()}.",
            code="provider_not_found",
        )
    _check_regime(provider)
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
        amount = _amount(item.amount, f"orders.{index}.amount")
        coinsurance = _amount(item.coinsurance, f"orders.{index}.coinsurance")
        if amount == 0:
            raise errors.InvalidInput(
                "El monto del detalle de pago debe ser mayor que cero.",
                code="amount_invalid",
                details=[
                    ErrorDetail(f"orders.{index}.amount", "amount_invalid", "Debe ser mayor que 0.")
                ],
            )
        orders.append(
            CareOrder(
                order_id=str(uuid.uuid4()),
                provider_id=provider.account_id,
                insurer_id=body.insurer_id,
                kind="digital",
                account_number=item.account_number,
                patient_name=" ".join(item.patient_name.upper().split()),
                service=item.service,
                service_date=item.date.isoformat(),
                amount=amount,
                coinsurance=coinsurance,
                iva_taxed=item.iva_taxed,
                regime=provider.fiscal_regime,
                jalisco_cedular=provider.jalisco_cedular,
                insured_signed=item.insured_signature,
                doctor_signed=item.doctor_signature,
                status="registrada",
                loaded_by=principal.account_id,
                created_at=now,
            )
        )
    repository.create_orders(orders)
    logger.info("care orders loaded", extra={"count": len(orders), "insurer": body.insurer_id})
    return s.CareOrdersOut(items=[_order_out(order) for order in orders])


def operator_orders(principal: Principal, query: s.OperatorOrdersQuery) -> s.CareOrderPage:
    """An insurer's care orders, newest first (operators of that insurer)."""
    require_insurer(principal, query.insurer_id)
    page = repository.orders_of_insurer(query.insurer_id, limit=query.limit, cursor=query.cursor)
    return s.CareOrderPage(items=[_order_out(o) for o in page.items], next_cursor=page.next_cursor)


def care_orders(principal: Principal, query: s.CareOrdersQuery) -> s.CareOrderPage:
    """The provider's care orders, newest first, optionally in one state."""
    provider = _provider(principal)
    page = repository.orders_of_provider(
        provider.account_id, limit=query.limit, cursor=query.cursor, status=query.status
    )
    return s.CareOrderPage(items=[_order_out(o) for o in page.items], next_cursor=page.next_cursor)


def _own_order(principal: Principal, order_id: str) -> CareOrder:
    order = repository.get_order(order_id) if _valid_id(order_id) else None
    if order is None:
        raise errors.NotFound()
    if principal.role == "operador":
        require_insurer(principal, order.insurer_id)
    elif order.provider_id != principal.account_id:
        raise errors.NotFound()
    return order


def care_order(principal: Principal, order_id: str) -> s.CareOrderOut:
    """One care order with its payment detail (its provider, or an operator of its insurer)."""
    return _order_out(_own_order(principal, order_id))


def register_traditional_order(
    principal: Principal, body: s.TraditionalOrderIn
) -> s.TraditionalOrderOut:
    """A traditional order with its PDF(s): one merged PDF, or the three we merge."""
    provider = _provider(principal)
    _check_regime(provider)
    if policies.get_insurer(body.insurer_id) is None:
        raise errors.InvalidInput(
            "Elige una aseguradora de la lista.",
            code="insurer_unknown",
            details=[ErrorDetail("insurer_id", "insurer_unknown", "Aseguradora desconocida.")],
        )
    if len(body.files) == 1:
        doc_types = ["orden"]
    elif len(body.files) == 3:
        given = [f.doc_type for f in body.files]
        doc_types = list(TRADITIONAL_PARTS) if all(t is None for t in given) else given  # type: ignore[assignment]
        if sorted(doc_types) != sorted(TRADITIONAL_PARTS):
            raise errors.InvalidInput(
                "Sube la carta, el estado de cuenta y la constancia de situación fiscal, una vez "
                "cada una.",
                code="order_files_invalid",
            )
    else:
        raise errors.InvalidInput(
            "Sube un solo PDF con la carta, el estado de cuenta y la constancia de situación "
            "fiscal unidos, o los tres PDF por separado y nosotros los unimos.",
            code="order_files_invalid",
        )
    amount = _amount(body.amount, "amount")
    coinsurance = _amount(body.coinsurance, "coinsurance")
    order_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.CARE_ORDER, order_id, provider.account_id, body.insurer_id)
    specs = [
        FileSpec(name=f.name, size=f.size, content_type=f.content_type, doc_type=doc_type)
        for f, doc_type in zip(body.files, doc_types, strict=True)
    ]
    for spec in specs:
        if not spec.name.lower().endswith(".pdf"):
            raise errors.InvalidInput(
                f"«{spec.name}» debe ser un PDF.", code="file_type_not_allowed"
            )
    slots = documents.create_slots(owner, specs, principal.account_id)
    order = CareOrder(
        order_id=order_id,
        provider_id=provider.account_id,
        insurer_id=body.insurer_id,
        kind="tradicional",
        account_number=body.account_number,
        patient_name=" ".join(body.patient_name.upper().split()),
        service=body.service,
        service_date=body.date.isoformat(),
        amount=amount,
        coinsurance=coinsurance,
        iva_taxed=False,
        regime=provider.fiscal_regime,
        jalisco_cedular=provider.jalisco_cedular,
        insured_signed=False,
        doctor_signed=False,
        status="registrada",
        loaded_by=principal.account_id,
        created_at=clock.iso(clock.now()),
        format_document_ids=[slot.document_id for slot in slots],
        format_status="pendiente",
    )
    repository.create_orders([order])
    return s.TraditionalOrderOut(order=_order_out(order), slots=slots)


def _read_object(document: Document) -> bytes:
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": document.object_key}
    if document.version_id and document.version_id != "null":
        params["VersionId"] = document.version_id
    body = aws.s3().get_object(**params)["Body"]
    try:
        return bytes(body.read())
    finally:
        body.close()


def _on_order_document(document: Document) -> None:
    """Once every PDF of a traditional order is judged: merge them, or say which failed."""
    from chalicelib.providers.merge import merge_pdfs

    order = repository.get_order(document.owner_id)
    if order is None or order.format_status != "pendiente":
        return
    found = {
        d.document_id: d for d in documents.documents_of(DocumentOwner.CARE_ORDER, order.order_id)
    }
    parts = [found.get(document_id) for document_id in order.format_document_ids]
    rejected = [p for p in parts if p is not None and p.status == "rechazado"]
    if rejected:
        reasons = [
            {"code": r["code"], "message": f"«{p.name}»: {r['message']}"}
            for p in rejected
            for r in p.reasons
        ]
        repository.set_order_format(order.order_id, "rechazado", reasons, None)
        return
    if any(p is None or p.status != "aceptado" for p in parts):
        return  # the others are still being validated
    ready = [p for p in parts if p is not None]
    if len(ready) == 1:
        repository.set_order_format(order.order_id, "aceptado", [], ready[0].object_key)
        return
    merged = merge_pdfs([_read_object(p) for p in ready])
    key = f"derived/care_order/{order.order_id}/{FORMAT_NAME}"
    aws.s3().put_object(
        Bucket=get_settings().documents_bucket, Key=key, Body=merged, ContentType="application/pdf"
    )
    repository.set_order_format(order.order_id, "aceptado", [], key)
    logger.info("order format merged", extra={"order_id": order.order_id, "parts": len(ready)})


def order_format(principal: Principal, order_id: str) -> s.ExportOut:
    """A short link to a traditional order's order-format PDF (merged by us when needed)."""
    order = _own_order(principal, order_id)
    if order.kind != "tradicional" or not order.format_key:
        raise errors.Conflict(
            "El formato de la orden aún no está listo.", code="order_format_not_ready"
        )
    return _presigned(order.format_key, f"orden-{order.account_number}.pdf", "application/pdf")


# --- invoices ---------------------------------------------------------------------------------


def _insurer_rfc(insurer_id: str) -> str:
    insurer = policies.get_insurer(insurer_id)
    if insurer is None:
        raise errors.NotFound()
    return insurer.rfc


def _invoice_out(invoice: Invoice) -> s.InvoiceOut:
    payment = None
    if invoice.payment:
        payment = s.PaymentOut(
            amount=_money(int(invoice.payment["amount"])),
            paid_on=str(invoice.payment["paid_on"]),
            sat_status=str(invoice.payment["sat_status"]),
            recorded_at=str(invoice.payment["recorded_at"]),
        )
    complement = None
    if invoice.complement_document_id and invoice.complement_status:
        complement = s.ComplementOut(
            status=invoice.complement_status,  # type: ignore[arg-type]
            reasons=_reasons(invoice.complement_reasons),
            uuid=invoice.complement_uuid,
            document_id=invoice.complement_document_id,
        )
    return s.InvoiceOut(
        id=invoice.invoice_id,
        status=invoice.status,  # type: ignore[arg-type]
        reasons=_reasons(invoice.reasons),
        uuid=invoice.uuid,
        subtotal=_money(invoice.subtotal),
        total=_money(invoice.total),
        care_order_ids=invoice.care_order_ids,
        insurer_id=invoice.insurer_id,
        document_id=invoice.document_id,
        created_at=invoice.created_at,
        decided_at=invoice.decided_at,
        payment=payment,
        complement=complement,
    )


def create_invoice(principal: Principal, body: s.InvoiceIn) -> s.InvoiceCreated:
    """Take some of the provider's orders for one invoice and sign the XML's upload."""
    provider = _provider(principal)
    ids = list(dict.fromkeys(body.care_order_ids))
    orders = repository.get_orders(ids)
    if len(orders) != len(ids) or any(o.provider_id != provider.account_id for o in orders):
        raise errors.NotFound("No encontramos alguna de las órdenes elegidas.")
    if any(o.status != "registrada" or o.invoice_id for o in orders):
        raise repository.OrdersNotAvailable()
    if any(o.kind == "tradicional" and o.format_status != "aceptado" for o in orders):
        raise errors.Conflict(
            "Alguna orden tradicional aún no tiene su formato validado; espera el resultado "
            "de sus PDF antes de facturarla.",
            code="care_order_format_pending",
        )
    insurers = {o.insurer_id for o in orders}
    if len(insurers) != 1:
        raise errors.InvalidInput(
            "Una factura solo puede incluir órdenes de una misma aseguradora.",
            code="invoice_mixed_insurers",
        )
    insurer_id = insurers.pop()
    figures = invoice_figures(_detail(o) for o in orders)
    invoice_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.INVOICE, invoice_id, provider.account_id, insurer_id)
    spec = FileSpec(
        name=body.file.name,
        size=body.file.size,
        content_type=body.file.content_type,
        doc_type="cfdi_invoice",
        declared=Declared(
            issuer_rfc=provider.rfc,
            receiver_rfc=_insurer_rfc(insurer_id),
            jalisco_cedular=orders[0].jalisco_cedular,
        ),
    )
    [slot] = documents.create_slots(owner, [spec], principal.account_id)
    repository.create_invoice(
        Invoice(
            invoice_id=invoice_id,
            provider_id=provider.account_id,
            insurer_id=insurer_id,
            care_order_ids=ids,
            status="en_validacion",
            document_id=slot.document_id,
            subtotal=figures.subtotal,
            total=figures.total,
            created_at=clock.iso(clock.now()),
        )
    )
    return s.InvoiceCreated(invoice_id=invoice_id, slot=slot)


def _own_invoice(principal: Principal, invoice_id: str) -> Invoice:
    invoice = repository.get_invoice(invoice_id) if _valid_id(invoice_id) else None
    if invoice is None:
        raise errors.NotFound()
    if principal.role == "operador":
        require_insurer(principal, invoice.insurer_id)
    elif invoice.provider_id != principal.account_id:
        raise errors.NotFound()
    return invoice


def invoice(principal: Principal, invoice_id: str) -> s.InvoiceOut:
    """One invoice with its verdict, payment and complement."""
    return _invoice_out(_own_invoice(principal, invoice_id))


def invoices(principal: Principal, query: s.InvoicesQuery) -> s.InvoicePage:
    """The provider's invoices, newest first."""
    provider = _provider(principal)
    page = repository.invoices_of_provider(
        provider.account_id, limit=query.limit, cursor=query.cursor, status=query.status
    )
    return s.InvoicePage(items=[_invoice_out(i) for i in page.items], next_cursor=page.next_cursor)


def operator_invoices(principal: Principal, query: s.OperatorInvoicesQuery) -> s.InvoicePage:
    """An insurer's invoices, newest first, optionally in one state (operators)."""
    require_insurer(principal, query.insurer_id)
    page = repository.invoices_of_insurer(
        query.insurer_id, limit=query.limit, cursor=query.cursor, status=query.status
    )
    return s.InvoicePage(items=[_invoice_out(i) for i in page.items], next_cursor=page.next_cursor)


def _check_invoice_document(document: Document, facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The order-matching rules on a CFDI the pipeline accepted (before its UUID is reserved)."""
    invoice = repository.get_invoice(document.owner_id)
    if invoice is None:
        return [("invoice_unknown", "No encontramos la factura de este archivo.")]
    if document.doc_type == "cfdi_payment":
        if invoice.payment is None or invoice.uuid is None:
            return [
                (
                    "complement_not_expected",
                    "La factura aún no tiene un pago registrado; el complemento se sube después "
                    "del pago.",
                )
            ]
        return match_complement(facts, invoice.uuid, invoice.total, int(invoice.payment["amount"]))
    orders = repository.get_orders(invoice.care_order_ids)
    if len(orders) != len(invoice.care_order_ids):
        return [("invoice_orders_missing", "Alguna de las órdenes de esta factura ya no existe.")]
    matches = [OrderToMatch(o.account_number, o.patient_name, _detail(o)) for o in orders]
    return match_invoice(facts, matches, orders[0].regime)


def _on_invoice_document(document: Document) -> None:
    invoice = repository.get_invoice(document.owner_id)
    if invoice is None:
        return
    accepted = document.status == "aceptado"
    cfdi_uuid = document.facts.get("uuid") if accepted else None
    if document.doc_type == "cfdi_invoice" and document.document_id == invoice.document_id:
        repository.decide_invoice(
            invoice,
            accepted=accepted,
            reasons=list(document.reasons),
            uuid=str(cfdi_uuid) if cfdi_uuid else None,
            now=clock.iso(clock.now()),
        )
    elif (
        document.doc_type == "cfdi_payment"
        and document.document_id == invoice.complement_document_id
    ):
        repository.decide_complement(
            invoice,
            document.document_id,
            accepted=accepted,
            reasons=list(document.reasons),
            uuid=str(cfdi_uuid) if cfdi_uuid else None,
        )


def record_payment(principal: Principal, invoice_id: str, body: s.PaymentIn) -> s.InvoiceOut:
    """An operator records the payment of an accepted invoice (SAT says it is still valid)."""
    from chalicelib.providers.sat import CfdiQuery, status_checker

    invoice = _own_invoice(principal, invoice_id)
    if principal.role != "operador":
        raise errors.NotFound()
    if invoice.status != "aceptada" or invoice.uuid is None:
        raise errors.Conflict(
            "Solo se paga una factura aceptada que aún no se ha pagado.",
            code="invoice_not_payable",
        )
    amount = _amount(body.amount, "amount")
    if amount != invoice.total:
        message = f"El pago debe ser por el total de la factura: {label(invoice.total)}."
        raise errors.InvalidInput(
            message,
            code="payment_amount_mismatch",
            details=[ErrorDetail("amount.amount", "payment_amount_mismatch", message)],
        )
    provider = accounts.provider_facts(invoice.provider_id)
    if provider is None:
        raise errors.Conflict("La cuenta del prestador no está activa.", code="provider_inactive")
    insurer = policies.get_insurer(invoice.insurer_id)
    insurer_rfc = insurer.rfc if insurer else ""
    sat = status_checker().status(
        CfdiQuery(invoice.uuid, provider.rfc, insurer_rfc, format_amount(invoice.total))
    )
    if sat != "vigente":
        messages = {
            "cancelado": "El SAT reporta la factura como cancelada; no se puede pagar.",
            "no_encontrado": "El SAT no encuentra la factura; no se puede pagar todavía.",
            "sin_respuesta": "El servicio de verificación del SAT no respondió. Intenta más tarde.",
        }
        raise errors.Conflict(messages[sat], code=f"invoice_sat_{sat}")
    orders = repository.get_orders(invoice.care_order_ids)
    paid_per_order = {o.order_id: _detail(o).to_invoice for o in orders}
    payment = {
        "amount": amount,
        "paid_on": body.paid_on.isoformat(),
        "sat_status": sat,
        "recorded_by": principal.account_id,
        "recorded_at": clock.iso(clock.now()),
    }

    def stage(transaction: TransactWrite) -> list[str]:
        values = {
            "name": provider.full_name,
            "insurer": insurer.name if insurer else "La aseguradora",
            "uuid": invoice.uuid or "",
            "amount": label(amount),
            "paid_on": body.paid_on.strftime("%d/%m/%Y"),
            "link": _link(f"factura.html#id={invoice.invoice_id}"),
        }
        return [
            notifications.stage_email(
                transaction, list(provider.addresses), "payment_complement_requested", values
            )
        ]

    emails = repository.record_payment(invoice, payment, paid_per_order, stage)
    notifications.dispatch(emails)
    return _invoice_out(_own_invoice(principal, invoice_id))


def request_complement(
    principal: Principal, invoice_id: str, body: s.ComplementIn
) -> s.ComplementCreated:
    """Sign the upload of the payment complement of a paid invoice."""
    provider = _provider(principal)
    invoice = _own_invoice(principal, invoice_id)
    if invoice.status != "pagada" or invoice.uuid is None:
        raise errors.Conflict(
            "El complemento de pago se sube cuando la factura ya fue pagada y aún no tiene "
            "un complemento aceptado.",
            code="complement_not_expected",
        )
    owner = Owner(
        DocumentOwner.INVOICE, invoice.invoice_id, provider.account_id, invoice.insurer_id
    )
    spec = FileSpec(
        name=body.file.name,
        size=body.file.size,
        content_type=body.file.content_type,
        doc_type="cfdi_payment",
        declared=Declared(
            issuer_rfc=provider.rfc,
            receiver_rfc=_insurer_rfc(invoice.insurer_id),
            invoice_uuid=invoice.uuid,
        ),
    )
    [slot] = documents.create_slots(owner, [spec], principal.account_id)
    repository.attach_complement(invoice.invoice_id, slot.document_id)
    return s.ComplementCreated(slot=slot)


# --- statement ----------------------------------------------------------------------------------


def _rows(provider_id: str) -> list[Row]:
    rows = []
    for order in repository.all_orders_of_provider(provider_id):
        detail = _detail(order)
        rows.append(
            Row(
                order_id=order.order_id,
                account_number=order.account_number,
                patient_name=order.patient_name,
                service=order.service,
                date=order.service_date,
                status=order.status,
                amount=detail.amount,
                retention=detail.retention_total,
                to_invoice=detail.to_invoice,
                paid=order.paid or 0,
                invoice_id=order.invoice_id,
            )
        )
    return rows


def _presigned(key: str, filename: str, content_type: str) -> s.ExportOut:
    url = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().documents_bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=int(EXPORT_LIFETIME.total_seconds()),
    )
    return s.ExportOut(url=url, expires_at=clock.iso(clock.now() + EXPORT_LIFETIME))


def statement(principal: Principal, query: s.StatementQuery) -> s.StatementAnswer:
    """Every order with its state and amounts, and the totals; or the same as Excel."""
    from chalicelib.providers.excel import statement_workbook

    provider = _provider(principal)
    rows = _rows(provider.account_id)
    found = totals(rows)
    generated_at = clock.iso(clock.now())
    if query.format == "xlsx":
        data = statement_workbook(provider.full_name, generated_at, rows, found)
        key = f"{EXPORTS_PREFIX}providers/{provider.account_id}/{uuid.uuid4()}.xlsx"
        aws.s3().put_object(
            Bucket=get_settings().documents_bucket,
            Key=key,
            Body=data,
            ContentType=XLSX_CONTENT_TYPE,
        )
        return s.StatementAnswer(_presigned(key, "estado-de-cuenta.xlsx", XLSX_CONTENT_TYPE))
    return s.StatementAnswer(
        s.StatementOut(
            items=[
                s.StatementRowOut(
                    order_id=row.order_id,
                    account_number=row.account_number,
                    patient_name=row.patient_name,
                    service=row.service,  # type: ignore[arg-type]
                    date=row.date,
                    status=row.status,  # type: ignore[arg-type]
                    amount=_money(row.amount),
                    retention=_money(row.retention),
                    amount_to_invoice=_money(row.to_invoice),
                    paid=_money(row.paid),
                    invoice_id=row.invoice_id,
                    complement_due=row.complement_due,
                )
                for row in rows
            ],
            totals=s.StatementTotalsOut(
                orders=found.orders,
                amount=_money(found.amount),
                retention=_money(found.retention),
                amount_to_invoice=_money(found.to_invoice),
                paid=_money(found.paid),
                pending_payment=_money(found.pending_payment),
                complements_due=found.complements_due,
            ),
            generated_at=generated_at,
        )
    )


# --- hooks ---------------------------------------------------------------------------------------


def document_hooks() -> dict[DocumentOwner, documents.DocumentHooks]:
    """What the documents pipeline asks this context (chalicelib/wiring.py registers it)."""
    return {
        DocumentOwner.INVOICE: documents.DocumentHooks(
            listener=_on_invoice_document, check=_check_invoice_document
        ),
        DocumentOwner.BANK_ACCOUNT: documents.DocumentHooks(listener=_on_bank_statement),
        DocumentOwner.CARE_ORDER: documents.DocumentHooks(listener=_on_order_document),
    }


# --- privacy rights (ARCO) ------------------------------------------------------------------


def _all_invoices(provider_id: str) -> list[Invoice]:
    found: list[Invoice] = []
    cursor: str | None = None
    while True:
        page = repository.invoices_of_provider(provider_id, limit=100, cursor=cursor)
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found


def personal_data(account_id: str) -> PersonalData:
    """The provider's bank accounts, care orders and invoices, and what owns their files."""
    from dataclasses import asdict

    banks = repository.bank_accounts(account_id)
    orders = list(repository.all_orders_of_provider(account_id))
    invoices = _all_invoices(account_id)
    dates = [o.created_at for o in orders] + [i.created_at for i in invoices]
    return PersonalData(
        "prestador",
        {
            "cuentas_bancarias": [asdict(b) for b in banks],
            "ordenes_de_atencion": [asdict(o) for o in orders],
            "facturas": [asdict(i) for i in invoices],
        },
        document_owners=(
            *((str(DocumentOwner.BANK_ACCOUNT), b.bank_account_id) for b in banks),
            *((str(DocumentOwner.CARE_ORDER), o.order_id) for o in orders),
            *((str(DocumentOwner.INVOICE), i.invoice_id) for i in invoices),
        ),
        last_activity={FISCAL: max(dates, default="")},
    )


def _invoice_last(invoice: Invoice) -> str:
    """The invoice's last fiscal act: issued, decided, paid or its payment complement."""
    payment = invoice.payment or {}
    dates = [invoice.created_at, invoice.decided_at, payment.get("paid_on")]
    dates.append(payment.get("recorded_at"))
    return max(str(d) for d in dates if d)


def erase_personal_data(account_id: str, retention: Retention) -> list[Retained]:
    """Invoices (with their complements and payments) still in their fiscal period (CFF
    art. 30) stay with the orders they bill; the rest goes, bank accounts included (no law
    keeps them once the provider leaves). Repeatable. What is kept names its ids (`invoice:`,
    `order:`) for `purge_retained`."""
    kept_invoices: list[str] = []
    invoice_ids: list[str] = []
    kept_orders: set[str] = set()
    for invoice in _all_invoices(account_id):
        last = _invoice_last(invoice)
        if retention.keeps(FISCAL, last):
            kept_invoices.append(last)
            invoice_ids.append(f"invoice:{invoice.invoice_id}")
            kept_orders.update(invoice.care_order_ids)
        else:
            repository.delete_invoice(invoice)
    order_dates: list[str] = []
    order_ids: list[str] = []
    for order in list(repository.all_orders_of_provider(account_id)):
        if order.order_id in kept_orders or retention.keeps(FISCAL, order.created_at):
            order_dates.append(order.created_at)
            order_ids.append(f"order:{order.order_id}")
        else:
            repository.delete_order(order)
    for bank in repository.bank_accounts(account_id):
        repository.delete_bank_account(bank)
    kept: list[Retained] = []
    if kept_invoices:
        kept.append(
            Retained(
                what="Facturas CFDI con sus complementos y pagos",
                category=FISCAL,
                count=len(kept_invoices),
                last_activity=max(kept_invoices),
                ids=tuple(invoice_ids),
            )
        )
    if order_dates:
        kept.append(
            Retained(
                what="Órdenes de atención que respaldan esas facturas o aún en su plazo fiscal",
                category=FISCAL,
                count=len(order_dates),
                last_activity=max([*order_dates, *kept_invoices] if kept_orders else order_dates),
                ids=tuple(order_ids),
            )
        )
    return kept


def purge_retained(ids: list[str]) -> int:
    """Delete the invoices and orders a deletion kept, once their period ended (the account
    is anonymised by then, so they come by id). Repeatable: a gone record is skipped."""
    purged = 0
    for kept_id in ids:
        kind, _, record_id = kept_id.partition(":")
        if kind == "invoice" and (invoice := repository.get_invoice(record_id)) is not None:
            repository.delete_invoice(invoice)
            purged += 1
        elif kind == "order" and (order := repository.get_order(record_id)) is not None:
            repository.delete_order(order)
            purged += 1
    return purged
