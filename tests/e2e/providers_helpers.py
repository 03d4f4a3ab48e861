"""Helpers of the provider e2e tests: unique providers, operator sessions, CFDI and PDFs."""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests
from stdnum.mx import rfc as mx_rfc

from tests.fixtures.operators import bearer as bearer
from tests.fixtures.operators import operator_log_in, operator_tokens, password_log_in
from tests.fixtures.stack import LocalStack
from tests.unit.documents.builders import statement_pdf
from tests.unit.providers.cfdi import cfdi_payment, order_invoice

__all__ = ["cfdi_payment", "order_invoice"]


def unique_rfc() -> str:
    """A persona física RFC nobody registered yet, with a correct homoclave check digit."""
    letters = "XA" + "".join(random.choices("BCDFGHJKLMNPRSTVWZ", k=2))  # noqa: S311
    born = date(1970, 1, 1) + timedelta(days=random.randrange(12000))  # noqa: S311
    stem = f"{letters}{born:%y%m%d}" + "".join(
        random.choices(string.ascii_uppercase + string.digits, k=2)  # noqa: S311
    )
    return stem + mx_rfc.calc_check_digit(stem)


def unique_uuid() -> str:
    return str(uuid.uuid4()).upper()


def recent_statement(clabe: str, holder: str) -> bytes:
    """A bank statement whose period ended a few days ago (valid for 3 months)."""
    end = datetime.now(UTC).date() - timedelta(days=5)
    start = end - timedelta(days=30)
    return statement_pdf(
        clabe=clabe, holder=holder, period=f"Periodo: del {start:%d/%m/%Y} al {end:%d/%m/%Y}"
    )


def operator_session(stack: LocalStack, email: str = "operador@demo.mx") -> dict[str, Any]:
    """A new log-in of the operator (tokens)."""
    return operator_log_in(stack, email)


def open_session(page: Any, stack: LocalStack, tokens: dict[str, Any], role: str) -> None:
    """Sign `page` in with tokens got over HTTP, as the log-in page would store them."""
    page.goto(f"{stack.site_url}/")
    page.evaluate(
        """([tokens, role]) => {
            sessionStorage.setItem("portal.session", JSON.stringify({
              role, refreshToken: tokens.refresh_token, expiresAt: Date.now() + 3600000 }));
            sessionStorage.setItem("portal.id_token", tokens.id_token);
        }""",
        [tokens, role],
    )


def provider_login(stack: LocalStack, identifier: str, password: str) -> dict[str, str]:
    return bearer(password_log_in(stack, identifier, password))


_operator_sessions: dict[tuple[str, str], dict[str, Any]] = {}


def shared_operator_session(stack: LocalStack, email: str = "operador@demo.mx") -> dict[str, Any]:
    """The operator's session shared by the tests of this process."""
    return operator_tokens(stack, email)


def provider_sign_up(name: str) -> dict[str, Any]:
    """The sign-up of a new Mexican provider (regime 612) with an RFC and an email nobody
    registered yet."""
    return {
        "country": "MX",
        "rfc": unique_rfc(),
        "full_name": name,
        "email": f"medico-{uuid.uuid4().hex[:8]}@example.mx",
        "fiscal_regime": "612",
        "jalisco_cedular": False,
    }


def care_orders(rfc: str, account_numbers: list[str], amount: str = "1000.00") -> dict[str, Any]:
    """SEC's signed consultations of Ana Sofía Torres Vega on 20 November 2026, one per
    account number, for the provider `rfc` to bill."""
    return {
        "insurer_id": "sec",
        "provider_rfc": rfc,
        "orders": [
            {
                "account_number": number,
                "patient_name": "ANA SOFIA TORRES VEGA",
                "service": "consulta",
                "date": "2026-11-20",
                "amount": {"amount": amount, "currency": "MXN"},
                "insured_signature": True,
                "doctor_signature": True,
            }
            for number in account_numbers
        ],
    }


def register_provider(stack: LocalStack, name: str, password: str) -> tuple[str, str]:
    """A new Mexican provider (regime 612), activated through the emailed link: (RFC, email)."""
    from tests.e2e.test_account_journeys import activation_link

    sign_up = provider_sign_up(name)
    rfc, email = sign_up["rfc"], sign_up["email"]
    answer = requests.post(f"{stack.api_url}/v1/accounts/providers", json=sign_up, timeout=10)
    assert answer.status_code == 202, answer.text
    token = activation_link(stack, email).rsplit("#token=", 1)[1]
    activated = requests.post(
        f"{stack.api_url}/v1/accounts/activate",
        json={"token": token, "password": password},
        timeout=10,
    )
    assert activated.status_code == 200, activated.text
    return rfc, email


def registered_provider(stack: LocalStack, name: str, password: str) -> tuple[str, dict[str, str]]:
    """A new Mexican provider, signed in: (RFC, headers)."""
    rfc, email = register_provider(stack, name, password)
    return rfc, provider_login(stack, email, password)
