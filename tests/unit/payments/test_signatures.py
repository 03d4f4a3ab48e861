"""Webhook signatures: valid, tampered body, wrong secret, stale timestamp, malformed header."""

from __future__ import annotations

import pytest

from chalicelib.payments import signatures

SECRET = "whsec_test"
BODY = b'{"event_id":"evt_1","amount":{"amount":"450.00","currency":"MXN"}}'
NOW = 1_790_000_000


def test_a_valid_signature_is_accepted() -> None:
    header = signatures.sign(SECRET, NOW, BODY)
    assert signatures.verify(SECRET, header, BODY, NOW) == NOW


def test_a_tampered_body_is_refused() -> None:
    header = signatures.sign(SECRET, NOW, BODY)
    with pytest.raises(signatures.BadSignature):
        signatures.verify(SECRET, header, BODY.replace(b"450.00", b"45.00"), NOW)


def test_a_wrong_secret_is_refused() -> None:
    header = signatures.sign("whsec_other", NOW, BODY)
    with pytest.raises(signatures.BadSignature):
        signatures.verify(SECRET, header, BODY, NOW)


@pytest.mark.parametrize("age", [301, -301, 3600])
def test_a_timestamp_outside_five_minutes_is_refused(age: int) -> None:
    header = signatures.sign(SECRET, NOW - age, BODY)
    with pytest.raises(signatures.BadSignature):
        signatures.verify(SECRET, header, BODY, NOW)


@pytest.mark.parametrize("age", [0, 299, -299])
def test_a_timestamp_inside_the_window_is_accepted(age: int) -> None:
    header = signatures.sign(SECRET, NOW - age, BODY)
    assert signatures.verify(SECRET, header, BODY, NOW) == NOW - age


def test_the_timestamp_is_part_of_what_is_signed() -> None:
    """Replaying an old signature with a fresh timestamp does not pass."""
    old = signatures.sign(SECRET, NOW - 3600, BODY)
    replayed = old.replace(f"t={NOW - 3600}", f"t={NOW}")
    with pytest.raises(signatures.BadSignature):
        signatures.verify(SECRET, replayed, BODY, NOW)


@pytest.mark.parametrize(
    "header",
    [None, "", "garbage", f"v1={'0' * 64}", f"t=abc,v1={'0' * 64}", f"t={NOW}", f"t={NOW},v1=ñ"],
)
def test_malformed_headers_are_refused(header: str | None) -> None:
    with pytest.raises(signatures.BadSignature):
        signatures.verify(SECRET, header, BODY, NOW)


def test_no_configured_secret_refuses_everything() -> None:
    with pytest.raises(signatures.BadSignature):
        signatures.verify("", signatures.sign("", NOW, BODY), BODY, NOW)


def test_a_second_v1_during_secret_rotation_is_accepted() -> None:
    good = signatures.sign(SECRET, NOW, BODY).partition(",")[2]
    header = f"t={NOW},v1={'0' * 64},{good}"
    assert signatures.verify(SECRET, header, BODY, NOW) == NOW
