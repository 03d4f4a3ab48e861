"""Demo plans and a membership for the demo affiliate (API.md "Local stack only")."""

from __future__ import annotations

from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.payments import service as payments
from chalicelib.payments.repository import Plan
from chalicelib.payments.schemas import Enrolment
from infrastructure.local.demo import DemoLogin

DEMO_RFC = "HERM800315QX7"
PLANS = [
    Plan(
        "basico-individual",
        "Básico Individual",
        45000,
        ["Consultas de medicina general", "Urgencias", "Descuentos en laboratorio"],
        "Para una persona.",
        insurer_id="sec",  # the demo plans are SEC's: its operators handle their payments
    ),
    Plan(
        "familiar-total",
        "Familiar Total",
        135000,
        [
            "Consultas de medicina general y especialistas",
            "Urgencias",
            "Laboratorio e imagen",
            "Hasta 5 integrantes de la familia",
        ],
        "Para ti y tu familia.",
        insurer_id="sec",
    ),
]


def load() -> list[DemoLogin]:
    payments.load_plans(PLANS)
    account_id = accounts.account_id_for_email("afiliado@demo.mx")
    if account_id is None:
        raise RuntimeError("the demo accounts must be loaded before the demo payments")
    payments.enrol(
        Principal(account_id=account_id, role="afiliado"),
        Enrolment(
            plan_id="familiar-total",
            rfc=DEMO_RFC,
            full_name="MARIA GUADALUPE HERNANDEZ RUIZ",
            email="afiliado@demo.mx",
            phone="5512345678",
        ),
    )
    return [
        DemoLogin(
            "Pagos (sin sesión)",
            f"RFC {DEMO_RFC}",
            "—",
            "membresía Familiar Total de afiliado@demo.mx, en /pagos/",
        )
    ]
