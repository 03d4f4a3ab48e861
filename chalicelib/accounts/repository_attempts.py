"""Attempt throttling persistence (part of the accounts repository, see `repository`): the
atomic count of attempts per window that `throttle` describes.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib import dynamo
from chalicelib.accounts.repository_records import Locked
from chalicelib.accounts.throttle import WINDOW
from chalicelib.clock import iso


def _throttle_key(key: str) -> tuple[str, str]:
    return f"THROTTLE#{key}", "LOGIN"


def reserve_attempt(key: str, now: datetime, limit: int) -> int:
    """Take one attempt of the current window, atomically, before the attempt is evaluated:
    the number taken so far (1…limit), or `Locked` when all of them are. However many
    requests race, no more than `limit` are ever evaluated within a window."""
    from chalicelib.accounts.models import ThrottleModel

    pk, sk = _throttle_key(key)
    cutoff = iso(now - WINDOW)
    for _ in range(2):
        item = ThrottleModel(pk, sk)
        if dynamo.try_write(
            item.update,
            actions=[ThrottleModel.failures.add(1)],
            condition=(ThrottleModel.window_started > cutoff) & (ThrottleModel.failures < limit),
        ):
            return int(item.failures)
        # No window, or an ended one: start a new window with this attempt.
        if dynamo.try_write(
            ThrottleModel(
                pk,
                sk,
                failures=1,
                window_started=iso(now),
                expires_at_epoch=int((now + WINDOW).timestamp()) + 3600,
            ).save,
            condition=ThrottleModel.pk.does_not_exist() | (ThrottleModel.window_started <= cutoff),
        ):
            return 1
    current = ThrottleModel.find(pk, sk)
    started = now if current is None else datetime.fromisoformat(current.window_started)
    raise Locked(started + WINDOW)


def clear_attempts(key: str) -> None:
    from chalicelib.accounts.models import ThrottleModel

    ThrottleModel(*_throttle_key(key)).delete()


def clear_every_attempt(keys: list[str]) -> None:
    """Delete the throttle items of these keys (an ARCO deletion: a key may carry an email
    or an NSS). Repeatable: a missing item is no error."""
    for key in keys:
        clear_attempts(key)
