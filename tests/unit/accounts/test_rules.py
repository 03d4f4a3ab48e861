"""Pure rules of the accounts context: identifiers, passwords, throttling, tokens, emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import errors
from chalicelib.accounts import throttle
from chalicelib.accounts.identifiers import (
    check_nss,
    check_rfc,
    check_rut,
    classify_identifier,
    format_rut,
)
from chalicelib.accounts.passwords import password_problem, refuse_weak_password
from chalicelib.accounts.tokens import new_token, token_hash
from chalicelib.notifications.render import render

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_rfc_format_and_date_are_required() -> None:
    assert check_rfc("rasj750312h42").rfc == "RASJ750312H42"
    with pytest.raises(ValueError, match="no es válido"):
        check_rfc("RASJ751312H42")  # month 13
    with pytest.raises(ValueError, match="no es válido"):
        check_rfc("R4SJ750312H42")
    with pytest.raises(ValueError, match="homoclave"):
        check_rfc("RASJ750312")


def test_rfc_check_digit_is_only_a_warning() -> None:
    good = check_rfc("RASJ750312H42")
    assert good.check_digit_ok
    wrong_digit = check_rfc("RASJ750312H43")
    assert wrong_digit.rfc == "RASJ750312H43"
    assert not wrong_digit.check_digit_ok


def test_rut_in_any_usual_format() -> None:
    for written in ("76.123.456-0", "76123456-0", "761234560", " 76.123.456-0 "):
        assert check_rut(written) == "761234560"
    assert format_rut("761234560") == "76.123.456-0"
    with pytest.raises(ValueError, match="RUT"):
        check_rut("76.123.456-1")


def test_nss_needs_eleven_digits_and_its_check_digit() -> None:
    assert check_nss("0123 456 7897") == "01234567897"
    with pytest.raises(ValueError, match="11 dígitos"):
        check_nss("1234567890")
    with pytest.raises(ValueError, match="último dígito"):
        check_nss("01234567898")


def test_log_in_identifiers_are_classified_and_normalised() -> None:
    assert classify_identifier(" Ana@Example.MX ") == ("email", "ana@example.mx")
    assert classify_identifier("012-3456-7897") == ("nss", "01234567897")
    assert classify_identifier("76.123.456-0") == ("rut", "761234560")
    assert classify_identifier("nada") is None


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("corta", "al menos 8"),
        ("x" * 129, "como máximo 128"),
        ("password123", "muy común"),
        ("Contraseña123", "muy común"),
        ("12345678", "muy común"),
    ],
)
def test_passwords_refused(password: str, problem: str) -> None:
    message = password_problem(password)
    assert message is not None
    assert problem in message


@pytest.mark.parametrize("password", ["una frase larga", "abcdefgh1!", "x" * 128, "ñandú azul 7"])
def test_passwords_accepted_without_composition_rules(password: str) -> None:
    assert password_problem(password) is None


def test_a_weak_password_is_refused_on_the_field_it_was_written_in() -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        refuse_weak_password("new_password", "corta")
    (detail,) = raised.value.details
    assert (detail.field, detail.code) == ("new_password", "password_rejected")
    assert detail.message == password_problem("corta") == raised.value.error_message
    refuse_weak_password("password", "una frase larga")  # accepted: nothing raised


@pytest.mark.parametrize(
    ("left", "minutes"),
    [
        (timedelta(seconds=1), 1),
        (timedelta(seconds=60), 1),
        (timedelta(seconds=61), 2),
        (timedelta(minutes=14, seconds=59), 15),
        (timedelta(0), 1),
    ],
)
def test_minutes_left_round_up_and_never_say_zero(left: timedelta, minutes: int) -> None:
    assert throttle.minutes_left(T0 + left, T0) == minutes


def test_locked_message_is_singular_for_one_minute() -> None:
    assert "espera 1 minuto antes" in throttle.locked_message(T0 + timedelta(seconds=30), T0, "")
    assert "espera 3 minutos antes" in throttle.locked_message(T0 + timedelta(minutes=3), T0, "")


def test_tokens_are_long_random_and_stored_only_as_hash() -> None:
    tokens = {new_token()[0] for _ in range(100)}
    assert len(tokens) == 100
    token, hashed = new_token()
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert hashed == token_hash(token)
    assert token not in hashed
    assert len(hashed) == 64


def test_email_templates_render_text_and_escaped_html() -> None:
    email = render(
        "activation",
        {"name": "Ana <b>", "portal": "Asegurados", "link": "http://x/activar.html#token=a&b"},
    )
    assert email.subject == "Activa tu cuenta del Portal Médico"
    assert "Ana <b>" in email.text
    assert "http://x/activar.html#token=a&b" in email.text
    assert "Ana &lt;b&gt;" in email.html
    assert 'href="http://x/activar.html#token=a&amp;b"' in email.html
    assert "Ana <b>" not in email.html


def test_every_template_renders_with_its_values() -> None:
    values = {
        "name": "Ana",
        "portal": "Asegurados",
        "link": "http://x",
        "detail": "d",
        "document": "doc",
        "change": "c",
        "change_sentence": "s",
        "when": "hoy",
    }
    for name in (
        "activation",
        "already_registered",
        "not_found",
        "password_reset",
        "email_change",
        "security_notice",
    ):
        email = render(name, values)
        assert email.subject
        assert email.text.strip()
        assert "<html" in email.html
        assert "$" not in email.text
        assert "$" not in email.html
