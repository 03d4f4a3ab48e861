"""Memberships and payments persistence: the only modules that touch their PynamoDB models.

They return the context's own domain objects. Everything that must happen once (a payment
applied, a reminder sent, an exception recorded) is one conditional transaction, with the email
that goes with it staged in the same transaction (outbox).

The service reaches every function here; each part lives in its own module: `repository_records`
(the domain objects and `ConditionFailed`), `repository_memberships` (plans, memberships, their
payments and reminders, anonymising and deleting), `repository_references` (payment references,
their expiry and the anonymous routes' request counters) and `repository_confirmations`
(confirmations received, applying a payment, exceptions for operators).
"""

from __future__ import annotations

from chalicelib.payments.repository_confirmations import (
    OPEN_EXCEPTIONS,
    UNATTRIBUTED,
    apply_payment,
    get_event,
    open_exceptions,
    record_event,
)
from chalicelib.payments.repository_memberships import (
    PLANS,
    anonymise_membership,
    create_membership,
    delete_membership,
    get_membership,
    get_plan,
    list_plans,
    mark_reminded,
    membership_id_for_number,
    memberships_due_on,
    memberships_for_rfc,
    memberships_of,
    memberships_page,
    payments_of,
    put_plan,
)
from chalicelib.payments.repository_records import (
    ConditionFailed,
    Membership,
    Payment,
    PaymentEvent,
    PaymentException,
    Plan,
    Reference,
)
from chalicelib.payments.repository_references import (
    count_request,
    create_reference,
    expire_reference,
    get_reference,
    open_reference,
    references_expiring_on,
)

__all__ = [
    "OPEN_EXCEPTIONS",
    "PLANS",
    "UNATTRIBUTED",
    "ConditionFailed",
    "Membership",
    "Payment",
    "PaymentEvent",
    "PaymentException",
    "Plan",
    "Reference",
    "anonymise_membership",
    "apply_payment",
    "count_request",
    "create_membership",
    "create_reference",
    "delete_membership",
    "expire_reference",
    "get_event",
    "get_membership",
    "get_plan",
    "get_reference",
    "list_plans",
    "mark_reminded",
    "membership_id_for_number",
    "memberships_due_on",
    "memberships_for_rfc",
    "memberships_of",
    "memberships_page",
    "open_exceptions",
    "open_reference",
    "payments_of",
    "put_plan",
    "record_event",
    "references_expiring_on",
]
