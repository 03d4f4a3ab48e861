"""Sick-leave dates, the visibility window and the seal, without AWS."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.kernel.months import add_months
from chalicelib.prescriptions import rules, seal

CERTIFICATE: dict[str, str | int] = {
    "id": "3f2a" * 8,
    "nss": "01234567897",
    "patient_name": "MARÍA GUADALUPE HERNÁNDEZ",
    "kind": "enfermedad_general",
    "start_date": "2026-11-25",
    "end_date": "2026-11-27",
    "days": 3,
    "doctor": "DRA. LAURA MEDINA",
    "clinic": "UMF 20 Vallejo",
    "issued_at": "2026-11-25T17:00:00+00:00",
    "authorized_at": "2026-11-25T17:05:00+00:00",
}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 25), date(2026, 5, 25)),
        (date(2026, 8, 31), date(2026, 2, 28)),  # clamped to February's end
        (date(2028, 8, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 15), date(2025, 9, 15)),  # across the year
        (date(2026, 6, 30), date(2025, 12, 30)),
    ],
)
def test_six_months_before(day: date, expected: date) -> None:
    assert add_months(day, -6) == expected


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31)), st.integers(0, 24))
def test_months_before_lands_in_the_right_month(day: date, months: int) -> None:
    earlier = add_months(day, -months)
    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
    last = calendar.monthrange(earlier.year, earlier.month)[1]
    assert earlier.day == min(day.day, last)
    assert earlier <= day


def test_visible_since_uses_mexico_city_today() -> None:
    # 02:00 UTC on 1 December is still 30 November in Mexico City.
    assert rules.visible_since(datetime(2026, 12, 1, 2, 0, tzinfo=UTC), 6) == date(2026, 5, 30)


@given(st.dates(), st.integers(1, rules.MAX_DAYS))
def test_end_date_covers_exactly_the_days(start: date, days: int) -> None:
    try:
        end = rules.end_date(start, days)
    except OverflowError:
        return
    assert (end - start).days + 1 == days


def test_canonical_is_stable_and_versioned() -> None:
    shuffled = dict(reversed(list(CERTIFICATE.items())))
    assert seal.canonical(shuffled) == seal.canonical(CERTIFICATE)
    assert b'"v":1' in seal.canonical(CERTIFICATE)
    assert "MARÍA".encode() in seal.canonical(CERTIFICATE)
    with pytest.raises(ValueError, match="missing"):
        seal.canonical({k: v for k, v in CERTIFICATE.items() if k != "days"})


def test_canonical_ignores_fields_the_seal_does_not_cover() -> None:
    assert seal.canonical({**CERTIFICATE, "diagnosis": "x"}) == seal.canonical(CERTIFICATE)


def test_seal_verifies_offline_and_any_change_breaks_it() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    message = seal.canonical(CERTIFICATE)
    stamp = seal.encode(key.sign(message, ec.ECDSA(hashes.SHA256())))

    assert seal.verify_with(key.public_key(), message, stamp)
    for field, value in CERTIFICATE.items():
        changed = {**CERTIFICATE, field: value + 1 if isinstance(value, int) else f"{value} "}
        assert not seal.verify_with(key.public_key(), seal.canonical(changed), stamp), field
    other = ec.generate_private_key(ec.SECP256R1())
    assert not seal.verify_with(other.public_key(), message, stamp)


@pytest.mark.parametrize("bad", ["", "!!!", "AAAA", "a" * 95])
def test_malformed_seals_do_not_verify(bad: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    assert not seal.verify_with(key.public_key(), seal.canonical(CERTIFICATE), bad)


def test_certificate_pdf_renders_latin1_and_replaces_the_rest() -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from chalicelib.prescriptions.certificate import CertificateView, render

    pdf = render(
        CertificateView(
            certificate_id="abc",
            patient_name="JOSÉ NÚÑEZ 😀",
            nss="01234567897",
            kind="Enfermedad general",
            start_date="25/11/2026",
            end_date="27/11/2026",
            days=3,
            doctor="DRA. LAURA MEDINA",
            clinic="UMF 20 Vallejo",
            issued_at="25/11/2026 11:00",
            authorized_at="25/11/2026 11:05",
            seal="MEUCIQ" * 16,
            verify_url="http://127.0.0.1:8080/verificar.html?id=abc&seal=x",
            created=datetime(2026, 11, 25, tzinfo=UTC),
        )
    )
    assert pdf.startswith(b"%PDF")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "JOSÉ NÚÑEZ ?" in text
    assert "verificar.html?id=abc" in text
