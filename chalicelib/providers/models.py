"""PynamoDB models of the care_orders and invoices tables (only the repository modules import this).

care_orders holds three item types:
`ORDER#<id>/ORDER` (a care order; gsi1 under its provider, gsi2 under its insurer),
`ACCOUNT#<insurer>#<number>/ACCOUNT` (the guard that keeps an insurer's account number on
one order only) and `PROVIDER#<id>/BANK#<id>` (a provider's bank accounts: the active one,
the one being validated, the rejected and replaced ones).

invoices holds `INVOICE#<id>/INVOICE` (an invoice with its verdict, payment and payment
complement; gsi1 under its provider, gsi2 under its insurer).

Money attributes are integer centavos.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Gsi2, Item


class CareOrderModel(Item):
    Meta = table_meta("care_orders")

    order_id = UnicodeAttribute()
    provider_id = UnicodeAttribute()
    insurer_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # digital | tradicional
    account_number = UnicodeAttribute()
    patient_name = UnicodeAttribute()
    service = UnicodeAttribute()  # consulta | honorarios_quirurgicos
    service_date = UnicodeAttribute()
    amount = NumberAttribute()
    coinsurance = NumberAttribute()
    iva_taxed = BooleanAttribute()
    regime = UnicodeAttribute()
    jalisco_cedular = BooleanAttribute()
    insured_signed = BooleanAttribute()
    doctor_signed = BooleanAttribute()
    status = UnicodeAttribute()
    invoice_id = UnicodeAttribute(null=True)
    paid = NumberAttribute(null=True)
    format_document_ids = ListAttribute[str](null=True)  # traditional: the uploaded PDFs
    format_key = UnicodeAttribute(null=True)  # traditional: the merged order-format PDF
    format_status = UnicodeAttribute(null=True)  # pendiente | aceptado | rechazado
    format_reasons = JSONAttribute(null=True)
    loaded_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()

    by_provider = Gsi1["CareOrderModel"]()
    by_insurer = Gsi2["CareOrderModel"]()


class AccountNumberModel(Item):
    Meta = table_meta("care_orders")

    order_id = UnicodeAttribute()


class BankAccountModel(Item):
    Meta = table_meta("care_orders")

    bank_account_id = UnicodeAttribute()
    provider_id = UnicodeAttribute()
    clabe = UnicodeAttribute()
    bank = UnicodeAttribute()
    status = UnicodeAttribute()  # en_validacion | activa | rechazada | reemplazada
    reasons = JSONAttribute(null=True)
    document_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)


class InvoiceModel(Item):
    Meta = table_meta("invoices")

    invoice_id = UnicodeAttribute()
    provider_id = UnicodeAttribute()
    insurer_id = UnicodeAttribute()
    care_order_ids = ListAttribute[str]()
    status = UnicodeAttribute()
    reasons = JSONAttribute(null=True)
    document_id = UnicodeAttribute()
    uuid = UnicodeAttribute(null=True)
    subtotal = NumberAttribute()  # expected, from the orders' payment detail
    total = NumberAttribute()
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    payment = JSONAttribute(null=True)  # {amount, paid_on, sat_status, recorded_by, recorded_at}
    complement_document_id = UnicodeAttribute(null=True)
    complement_status = UnicodeAttribute(null=True)  # pendiente | aceptado | rechazado
    complement_reasons = JSONAttribute(null=True)
    complement_uuid = UnicodeAttribute(null=True)
    seal_tail = UnicodeAttribute(null=True)  # last 8 characters of the CFDI's Sello (SAT's fe)
    sat_status = JSONAttribute(null=True)  # the last answer of SAT's status service (sat.py)
    complement_seal_tail = UnicodeAttribute(null=True)
    complement_sat_status = JSONAttribute(null=True)  # the same, about the payment complement
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()

    by_provider = Gsi1["InvoiceModel"]()
    by_insurer = Gsi2["InvoiceModel"]()
