"""Helpers of the settlement e2e tests: log-ins (operators' TOTP steps are single use), dates
in Santiago, and loading transactions over HTTP."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import requests

from tests.fixtures.operators import password_log_in
from tests.fixtures.stack import LocalStack
from tests.fixtures.totp import next_code

DEMO_PASSWORD = "Demo-Portal-2026"
DEMO_TOTP = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
RUT = "76.123.456-0"


def today() -> date:
    return datetime.now(ZoneInfo("America/Santiago")).date()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def totp_codes() -> list[str]:
    """The current step's code, then the next one's (a step is used once per account)."""
    return [next_code()]


def headers(stack: LocalStack, identifier: str) -> dict[str, str]:
    result = password_log_in(stack, identifier, DEMO_PASSWORD, timeout=30)
    if result.get("challenge") == "totp":
        for code in totp_codes():
            second = requests.post(
                f"{stack.api_url}/v1/auth/totp",
                json={"session": result["session"], "code": code},
                timeout=30,
            )
            if second.status_code == 200:
                result = second.json()
                break
        else:
            raise AssertionError(f"no TOTP code accepted: {second.text}")
    return {"Authorization": f"Bearer {result['id_token']}"}


def bono(transaction_id: str, when: date, insurer: int) -> dict[str, Any]:
    return {
        "kind": "bono",
        "id": transaction_id,
        "provider_rut": RUT,
        "occurred_at": f"{when.isoformat()}T11:00:00",
        "total_value": str(20000 + insurer),
        "payer_contribution": "15000",
        "insurer_contribution": str(insurer),
        "copay": "5000",
        "insurer": "SEGUROS EJEMPLO DEL CENTRO",
        "place": "Providencia",
        "payer": "Fonasa",
    }


def card(transaction_id: str, when: date, amount: int) -> dict[str, Any]:
    return {
        "kind": "tarjeta",
        "id": transaction_id,
        "provider_rut": RUT,
        "occurred_at": f"{when.isoformat()}T12:00:00",
        "card_amount": str(amount),
        "installments": "3",
        "issuer_commission": str(amount // 100),
        "transaction_cost": "150",
        "issuer_answer": "aprobada",
    }
