"""Demo care orders (API.md "Local stack only"): three digital orders of insurer SEC for
prestador@demo.mx, in `registrada`, ready to invoice. Loaded by operador@demo.mx through the
providers service, as an operator would."""

from __future__ import annotations

import datetime

from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers
from infrastructure.local.demo import DemoLogin

PROVIDER_RFC = "RASJ750312H42"
ORDERS = (
    ("SEC-2026-000101", "ANA SOFIA TORRES VEGA", "consulta", "1000.00", "200.00"),
    ("SEC-2026-000102", "LUIS TORRES VEGA", "consulta", "850.00", "150.00"),
    (
        "SEC-2026-000103",
        "MARIA FERNANDA LOPEZ HERNANDEZ",
        "honorarios_quirurgicos",
        "12500.00",
        "0.00",
    ),
)


def load() -> list[DemoLogin]:
    operator_id = accounts.account_id_for_email("operador@demo.mx")
    if operator_id is None:
        raise RuntimeError("the demo operator must be loaded before the demo care orders")
    today = datetime.date.today()
    providers.load_digital_orders(
        Principal(operator_id, "operador", ("sec",)),
        s.OperatorOrdersIn(
            insurer_id="sec",
            provider_rfc=PROVIDER_RFC,
            orders=[
                s.DigitalOrderIn(
                    account_number=number,
                    patient_name=patient,
                    service=service,  # type: ignore[arg-type]
                    date=today - datetime.timedelta(days=3 + index),
                    amount=s.MoneyIn(amount=amount),
                    coinsurance=s.MoneyIn(amount=coinsurance),
                    insured_signature=True,
                    doctor_signature=True,
                )
                for index, (number, patient, service, amount, coinsurance) in enumerate(ORDERS)
            ],
        ),
    )
    return []
