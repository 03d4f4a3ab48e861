"""The emails of an insurer's people carry its brand (moto in-process): an account of exactly
one insurer gets its name and colour in the header, anyone else the platform's."""

from __future__ import annotations

from typing import Any

from chalicelib.accounts import messages
from chalicelib.accounts.repository import Account
from chalicelib.auth import Principal
from chalicelib.insurers import service as insurers
from chalicelib.insurers.schemas import InsurerIn
from chalicelib.notifications.render import render

ADMIN = Principal("platform-admin-1", "plataforma")


def _account(*insurer_ids: str) -> Account:
    return Account(
        account_id="cuenta-1",
        role="asegurado",
        status="activa",
        email="ana@example.mx",
        full_name="ANA NÚÑEZ",
        created_at="2026-12-07T10:00:00+00:00",
        insurer_ids=list(insurer_ids),
    )


def test_an_account_of_one_insurer_gets_its_brand_in_account_emails(aws: dict[str, Any]) -> None:
    insurers.create(
        ADMIN,
        InsurerIn.model_validate(
            {
                "id": "marca",
                "legal_name": "ASEGURADORA CON MARCA",
                "rfc": "ACM050101AA4",
                "display_name": "Con <Marca>",
                "brand_color": "#AA3300",
            }
        ),
    )
    brand = {"insurer_name": "Con <Marca>", "insurer_color": "#AA3300"}
    assert messages.brand(_account("marca")) == brand
    assert messages.brand(_account("marca", "otra")) == {}  # several insurers: the platform's
    assert messages.brand(_account()) == {}
    assert messages.brand(_account("no-existe")) == {}

    email = messages.activation_email(_account("marca"), "token")
    html = render(email.template, email.values).html
    assert ">Con &lt;Marca&gt;<span" in html
    assert "border-bottom:6px solid #AA3300" in html
    notice = messages.notice(_account("marca"), "contraseña", "se cambió tu contraseña")
    assert notice.values["insurer_name"] == "Con <Marca>"
    plain = messages.activation_email(_account(), "token")
    assert ">Portal Médico<span" in render(plain.template, plain.values).html
