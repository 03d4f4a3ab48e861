"""Attempt throttling: how many attempts a window allows and what the person is told.

The counting itself is atomic in DynamoDB (`repository.reserve_attempt`): an attempt takes
its place in the window before it is evaluated, so concurrent guesses cannot slip past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Passwords: per account, across every identifier it logs in with (email, NSS, RUT).
MAX_PASSWORD_ATTEMPTS = 5
# TOTP codes: per account, across every pending log-in.
MAX_TOTP_ATTEMPTS = 5
WINDOW = timedelta(minutes=15)


def minutes_left(until: datetime, now: datetime) -> int:
    """Whole minutes (at least 1) until the window ends, rounded up."""
    seconds = (until - now).total_seconds()
    return max(1, int(-(-seconds // 60)))


def locked_message(until: datetime, now: datetime, what: str) -> str:
    minutes = minutes_left(until, now)
    return (
        f"Demasiados intentos fallidos. Por seguridad, espera {minutes} "
        f"minuto{'s' if minutes != 1 else ''} antes de volver a intentarlo {what}."
    )
