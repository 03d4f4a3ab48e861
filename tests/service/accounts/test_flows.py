"""Accounts on moto: registration, activation, log-in, TOTP, sessions, resets, changes."""

from __future__ import annotations

import pyotp
import pytest

from chalicelib import errors
from chalicelib.accounts import identity, repository
from chalicelib.accounts import service as accounts
from chalicelib.accounts.schemas import (
    AffiliateRegistration,
    EmailChange,
    InsuredRegistration,
    LoginResult,
    PasswordChange,
    ProfileUpdate,
    ProviderRegistration,
    Reactivation,
)
from chalicelib.auth import Principal
from tests.service.accounts.conftest import PASSWORD, Clock, Mailbox


def insured(email: str = "maria@example.mx", **changes: object) -> InsuredRegistration:
    data: dict[str, object] = {
        "full_name": "María Fernanda  López Hernández",
        "policy_number": "gmm-2026-0048213",
        "email": email,
        "accept_privacy_broker": True,
        "accept_privacy_insurer": True,
    }
    data.update(changes)
    return InsuredRegistration.model_validate(data)


def result_session_id(id_token: str) -> str:
    return identity.origin_jti(id_token)


def register_and_activate(mail: Mailbox, email: str = "maria@example.mx") -> str:
    accounts.register_insured(insured(email))
    accounts.activate(mail.last_link(email, "activar.html"), PASSWORD)
    account = repository.find_account("email", email)
    assert account is not None
    return account.account_id


def test_insured_registers_activates_and_logs_in(accounts_world: Mailbox) -> None:
    answer = accounts.register_insured(insured(secondary_email="copia@example.mx"))
    assert answer == accounts.ACCEPTED
    account = repository.find_account("email", "maria@example.mx")
    assert account is not None
    assert account.status == "pendiente"
    assert account.full_name == "MARIA FERNANDA LOPEZ HERNANDEZ"
    assert {p["notice"] for p in account.privacy} == {"broker", "insurer"}
    assert all(p["version"] and p["accepted_at"] for p in account.privacy)
    activation = accounts_world.to("maria@example.mx")[-1]
    # The activation link goes to the email only; the secondary gets its confirmation link.
    assert activation.destinations["ToAddresses"] == ["maria@example.mx"]
    assert account.secondary_email is None
    assert account.secondary_email_pending == "copia@example.mx"
    assert [m.subject for m in accounts_world.to("copia@example.mx")] == [
        "Confirma tu correo secundario en el Portal Médico"
    ]

    token = accounts_world.last_link("maria@example.mx", "activar.html")
    done = accounts.activate(token, PASSWORD)
    assert done.portal == "asegurados"
    result = accounts.login("MARIA@example.mx", PASSWORD)
    assert result.role == "asegurado"
    me = accounts.authenticate_token(result.id_token or "")
    assert accounts.profile(me).secondary_email is None
    accounts.confirm_email(accounts_world.last_link("copia@example.mx", "confirmar-correo.html"))
    confirmed = accounts.profile(me)
    assert (confirmed.secondary_email, confirmed.secondary_email_pending) == (
        "copia@example.mx",
        None,
    )
    assert result.id_token
    assert result.refresh_token
    principal = accounts.authenticate_token(result.id_token)
    assert principal == Principal(
        account.account_id, "asegurado", ("sec",), result_session_id(result.id_token)
    )
    assert accounts.profile(principal).policy_number == "GMM-2026-0048213"


def test_registration_answers_are_identical_whatever_happened(accounts_world: Mailbox) -> None:
    first = accounts.register_insured(insured())
    again = accounts.register_insured(insured())
    unknown = accounts.register_insured(insured("x@example.mx", policy_number="GMM-0000"))
    wrong_name = accounts.register_insured(insured("y@example.mx", full_name="Otra Persona"))
    assert first.model_dump_json() == again.model_dump_json() == unknown.model_dump_json()
    assert wrong_name.model_dump_json() == first.model_dump_json()
    assert "no coinciden" in accounts_world.to("x@example.mx")[-1].body
    assert "no coinciden" in accounts_world.to("y@example.mx")[-1].body


def test_policy_titular_registers_once(accounts_world: Mailbox) -> None:
    register_and_activate(accounts_world)
    accounts.register_insured(insured("otro@example.mx"))
    assert repository.find_account("email", "otro@example.mx") is None
    assert "ya tiene una cuenta" in accounts_world.to("otro@example.mx")[-1].body
    accounts.register_insured(insured())  # same email, active account
    assert "ya existe una cuenta" in accounts_world.to("maria@example.mx")[-1].body


def test_privacy_notices_must_be_accepted() -> None:
    with pytest.raises(ValueError, match="aviso de privacidad"):
        insured(accept_privacy_insurer=False)


def test_tokens_are_single_use_expiring_and_replaced(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    accounts.register_insured(insured())
    first = accounts_world.last_link("maria@example.mx", "activar.html")
    accounts.resend_activation("maria@example.mx")
    second = accounts_world.last_link("maria@example.mx", "activar.html")
    assert first != second
    with pytest.raises(repository.TokenRejected):
        accounts.activate(first, PASSWORD)  # replaced by the resend
    with pytest.raises(repository.TokenRejected):
        accounts.activate(second + "x", PASSWORD)  # tampered
    with pytest.raises(repository.TokenRejected):
        accounts.activate("no-such-token", PASSWORD)
    moved_clock.advance(hours=24, seconds=1)
    with pytest.raises(repository.TokenRejected):
        accounts.activate(second, PASSWORD)  # expired
    accounts.resend_activation("maria@example.mx")
    third = accounts_world.last_link("maria@example.mx", "activar.html")
    with pytest.raises(errors.InvalidInput):
        accounts.activate(third, "password123")  # common password: token not spent
    accounts.activate(third, PASSWORD)
    with pytest.raises(repository.TokenRejected):
        accounts.activate(third, PASSWORD)  # used


def test_mexican_and_chilean_providers(accounts_world: Mailbox) -> None:
    accounts.register_provider(
        ProviderRegistration.model_validate(
            {
                "country": "MX",
                "rfc": "RASJ750312H43",
                "full_name": "Jorge Ramírez",
                "email": "jorge@example.mx",
                "fiscal_regime": "626",
                "jalisco_cedular": True,
            }
        )
    )
    accounts.activate(accounts_world.last_link("jorge@example.mx", "activar.html"), PASSWORD)
    jorge = accounts.login("jorge@example.mx", PASSWORD)
    profile = accounts.profile(accounts.authenticate_token(jorge.id_token or ""))
    assert profile.rfc == "RASJ750312H43"
    assert profile.rfc_check_digit_warning is True
    assert profile.fiscal_regime == "626"
    assert profile.jalisco_cedular is True
    assert profile.full_name == "Jorge Ramírez"  # as written, accent kept

    accounts.register_provider(
        ProviderRegistration.model_validate(
            {
                "country": "CL",
                "rut": "76.123.456-0",
                "full_name": "Centro Médico Demo SpA",
                "email": "centro@example.cl",
            }
        )
    )
    accounts.activate(accounts_world.last_link("centro@example.cl", "activar.html"), PASSWORD)
    for written in ("76.123.456-0", "76123456-0", "761234560"):
        assert accounts.login(written, PASSWORD).role == "prestador"


def test_affiliate_registration_against_the_registry(accounts_world: Mailbox) -> None:
    body = AffiliateRegistration.model_validate(
        {
            "nss": "90000000001",
            "credential_serial": "s9000000000",
            "phone": "5512345678",
            "email": "afi@example.mx",
        }
    )
    accounts.register_affiliate(body)
    accounts.activate(accounts_world.last_link("afi@example.mx", "activar.html"), PASSWORD)
    assert accounts.login("90000000001", PASSWORD).role == "afiliado"

    accounts.register_affiliate(body.model_copy(update={"email": "otro@example.mx"}))
    assert "El número de afiliación ya se encuentra registrado" in (
        accounts_world.to("otro@example.mx")[-1].body
    )
    accounts.register_affiliate(
        body.model_copy(
            update={"nss": "12345678903", "credential_serial": "OTRA", "email": "z@example.mx"}
        )
    )
    assert "no coinciden" in accounts_world.to("z@example.mx")[-1].body


def test_affiliate_corrects_a_wrong_email(accounts_world: Mailbox) -> None:
    accounts.register_affiliate(
        AffiliateRegistration.model_validate(
            {
                "nss": "12345678903",
                "credential_serial": "SERIE-0001",
                "phone": "5512345678",
                "email": "equivocado@example.mx",
            }
        )
    )
    wrong = accounts_world.last_link("equivocado@example.mx", "activar.html")
    accounts.reactivate(
        Reactivation(nss="12345678903", credential_serial="serie-0001", email="bueno@example.mx")
    )
    with pytest.raises(repository.TokenRejected):
        accounts.activate(wrong, PASSWORD)
    accounts.activate(accounts_world.last_link("bueno@example.mx", "activar.html"), PASSWORD)
    assert accounts.login("bueno@example.mx", PASSWORD).role == "afiliado"
    assert repository.find_account("email", "equivocado@example.mx") is None


def test_throttle_after_five_failures_even_for_unknown_identifiers(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    register_and_activate(accounts_world)
    for identifier in ("maria@example.mx", "nadie@example.mx"):
        for _ in range(5):
            with pytest.raises(accounts.InvalidCredentials):
                accounts.login(identifier, "contraseña equivocada")
        with pytest.raises(errors.TooManyAttempts):
            accounts.login(identifier, PASSWORD if identifier.startswith("maria") else "x")
    moved_clock.advance(minutes=15)
    assert accounts.login("maria@example.mx", PASSWORD).role == "asegurado"


def test_completed_password_reset_clears_the_throttle_and_ends_sessions(
    accounts_world: Mailbox,
) -> None:
    register_and_activate(accounts_world)
    session = accounts.login("maria@example.mx", PASSWORD)
    for _ in range(5):
        with pytest.raises(accounts.InvalidCredentials):
            accounts.login("maria@example.mx", "otra cosa mala")
    with pytest.raises(errors.TooManyAttempts):
        accounts.login("maria@example.mx", PASSWORD)
    assert accounts.request_password_reset("maria@example.mx") == accounts.ACCEPTED
    assert accounts.request_password_reset("nadie@example.mx") == accounts.ACCEPTED
    token = accounts_world.last_link("maria@example.mx", "restablecer.html")
    accounts.confirm_password_reset(token, "otra frase nueva y larga")
    with pytest.raises(repository.TokenRejected):
        accounts.confirm_password_reset(token, "otra frase nueva y larga")
    assert accounts.login("maria@example.mx", "otra frase nueva y larga").role == "asegurado"
    with pytest.raises(accounts.InvalidRefresh):
        accounts.refresh(session.refresh_token or "")
    assert "contraseña de tu cuenta se cambió" in accounts_world.to("maria@example.mx")[-1].body


def test_reset_link_expires_after_thirty_minutes(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    register_and_activate(accounts_world)
    accounts.request_password_reset("maria@example.mx")
    token = accounts_world.last_link("maria@example.mx", "restablecer.html")
    moved_clock.advance(minutes=30, seconds=1)
    with pytest.raises(repository.TokenRejected):
        accounts.confirm_password_reset(token, "otra frase nueva y larga")


def test_refresh_and_logout(accounts_world: Mailbox) -> None:
    register_and_activate(accounts_world)
    session = accounts.login("maria@example.mx", PASSWORD)
    refreshed = accounts.refresh(session.refresh_token or "")
    assert accounts.authenticate_token(refreshed.id_token).role == "asegurado"
    accounts.logout(session.refresh_token or "")
    with pytest.raises(accounts.InvalidRefresh):
        accounts.refresh(session.refresh_token or "")


def test_profile_changes_password_change_and_email_change(accounts_world: Mailbox) -> None:
    account_id = register_and_activate(accounts_world)
    me = Principal(account_id, "asegurado", ("sec",))
    with pytest.raises(errors.InvalidInput) as no_password:
        accounts.update_profile(me, ProfileUpdate(current_password="no es", phone="55 1234 5678"))
    assert no_password.value.details[0].field == "current_password"
    assert accounts.profile(me).phone is None
    updated = accounts.update_profile(
        me,
        ProfileUpdate(
            current_password=PASSWORD, secondary_email="Copia@Example.mx", phone="55 1234 5678"
        ),
    )
    assert (updated.secondary_email, updated.secondary_email_pending) == (None, "copia@example.mx")
    assert updated.phone == "55 1234 5678"
    accounts.confirm_email(accounts_world.last_link("copia@example.mx", "confirmar-correo.html"))
    assert accounts.profile(me).secondary_email == "copia@example.mx"
    with pytest.raises(errors.InvalidInput):
        accounts.update_profile(
            me, ProfileUpdate(current_password=PASSWORD, secondary_email="maria@example.mx")
        )
    removed = accounts.update_profile(
        me, ProfileUpdate(current_password=PASSWORD, secondary_email="")
    )
    assert removed.secondary_email is None

    with pytest.raises(errors.InvalidInput) as wrong:
        accounts.change_password(
            me, PasswordChange(current_password="no es", new_password="nueva frase larga")
        )
    assert wrong.value.details[0].field == "current_password"
    accounts.change_password(
        me, PasswordChange(current_password=PASSWORD, new_password="nueva frase larga")
    )
    assert accounts.login("maria@example.mx", "nueva frase larga").role == "asegurado"

    with pytest.raises(errors.InvalidInput):
        accounts.request_email_change(
            me, EmailChange(email="nuevo@example.mx", current_password=PASSWORD)
        )  # the password changed: the old one no longer counts
    accounts.request_email_change(
        me, EmailChange(email="nuevo@example.mx", current_password="nueva frase larga")
    )
    token = accounts_world.last_link("nuevo@example.mx", "confirmar-correo.html")
    accounts.confirm_email_change(token)
    assert accounts.login("nuevo@example.mx", "nueva frase larga").role == "asegurado"
    with pytest.raises(accounts.InvalidCredentials):
        accounts.login("maria@example.mx", "nueva frase larga")
    notices = [m for m in accounts_world.sent() if "Aviso de seguridad" in m.subject]
    recipients = {a for m in notices for a in m.destinations["ToAddresses"]}
    assert {"maria@example.mx", "nuevo@example.mx"} <= recipients


def test_email_change_to_an_address_in_use_is_refused(accounts_world: Mailbox) -> None:
    account_id = register_and_activate(accounts_world)
    accounts.register_insured(
        insured(
            "prueba@example.mx", full_name="Asegurado Prueba 001", policy_number="GMM-2026-0090001"
        )
    )
    me = Principal(account_id, "asegurado", ("sec",))
    accounts.request_email_change(
        me, EmailChange(email="prueba@example.mx", current_password=PASSWORD)
    )
    token = accounts_world.last_link("prueba@example.mx", "confirmar-correo.html")
    with pytest.raises(repository.AlreadyExists):
        accounts.confirm_email_change(token)
    assert accounts.profile(me).email == "maria@example.mx"


def _new_operator_logs_in(accounts_world: Mailbox) -> LoginResult:
    """A new SEC operator, activated, at its first password log-in: the TOTP challenge."""
    accounts.create_operator("ops@example.mx", "Operadora", ["sec"])
    accounts.activate(accounts_world.last_link("ops@example.mx", "activar.html"), PASSWORD)
    return accounts.login("ops@example.mx", PASSWORD)


def test_operator_totp_enrolment_login_and_replay(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    challenge = _new_operator_logs_in(accounts_world)
    assert challenge.challenge == "totp"
    assert challenge.id_token is None
    assert challenge.enrollment is not None
    assert "<svg" in challenge.enrollment.qr_svg
    totp = pyotp.TOTP(challenge.enrollment.secret)
    with pytest.raises(accounts.InvalidCode):
        accounts.complete_totp(challenge.session or "", "000000")
    code = totp.at(moved_clock.now)
    tokens = accounts.complete_totp(challenge.session or "", code)
    principal = accounts.authenticate_token(tokens.id_token or "")
    assert principal.role == "operador"
    assert principal.insurer_ids == ("sec",)
    with pytest.raises(accounts.SessionExpired):
        accounts.complete_totp(challenge.session or "", code)  # session used

    again = accounts.login("ops@example.mx", PASSWORD)
    assert again.enrollment is None  # enrolled now
    with pytest.raises(accounts.CodeAlreadyUsed):
        accounts.complete_totp(again.session or "", code)  # same code: replay
    moved_clock.advance(seconds=30)
    assert accounts.complete_totp(again.session or "", totp.at(moved_clock.now)).role == "operador"


def test_totp_session_expires_and_five_wrong_codes_lock_the_account(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    challenge = _new_operator_logs_in(accounts_world)
    assert challenge.enrollment is not None
    for _ in range(5):
        with pytest.raises(accounts.InvalidCode):
            accounts.complete_totp(challenge.session or "", "123456")
    good = pyotp.TOTP(challenge.enrollment.secret).at(moved_clock.now)
    with pytest.raises(errors.TooManyAttempts):
        accounts.complete_totp(challenge.session or "", good)
    locked = [m for m in accounts_world.to("ops@example.mx") if "código" in m.subject]
    assert len(locked) == 1  # the owner is told once
    moved_clock.advance(minutes=15)
    again = accounts.login("ops@example.mx", PASSWORD)
    assert again.enrollment is not None  # never enrolled: a new secret
    good = pyotp.TOTP(again.enrollment.secret).at(moved_clock.now)
    assert accounts.complete_totp(again.session or "", good).role == "operador"
    later = accounts.login("ops@example.mx", PASSWORD)
    moved_clock.advance(minutes=5, seconds=1)
    with pytest.raises(accounts.SessionExpired):
        accounts.complete_totp(later.session or "", "123456")


def test_tokens_of_another_pool_or_tampered_are_refused(accounts_world: Mailbox) -> None:
    register_and_activate(accounts_world)
    token = accounts.login("maria@example.mx", PASSWORD).id_token or ""
    header, payload, signature = token.split(".")
    for bad in (
        "",
        "basura",
        f"{header}.{payload}.{signature[:-4]}AAAA",
        f"{header}.{payload[:-2]}xx.{signature}",
    ):
        with pytest.raises(errors.Unauthorized):
            accounts.authenticate_token(bad)
