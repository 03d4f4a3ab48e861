"""Structured logs and metrics (Powertools), shared by routes and event handlers, and the
time each request spends inside AWS calls.

`POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE` come from the function's
configuration and are read when this module is imported.

AWS time: every botocore client of the process (boto3's in chalicelib/aws.py, and each
PynamoDB connection, which builds its own botocore session) reports each call's span, from
`before-call` (request built) to `after-call`/`after-call-error` (response parsed, retries
included), to the request that is being served. The route wrapper in chalicelib/http.py
opens the tally and logs it with the handler's duration, so the logs split a request's time
into the project's own and the AWS services' (on the local stack: moto's).
"""

from __future__ import annotations

import contextvars
import threading
import time
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()


@dataclass
class AwsTally:
    """AWS calls made while serving one request, and the milliseconds spent in them."""

    calls: int = 0
    seconds: float = 0.0

    @property
    def ms(self) -> float:
        return round(self.seconds * 1000, 2)


_tally: contextvars.ContextVar[AwsTally | None] = contextvars.ContextVar("aws_tally", default=None)
_STARTED = "portal_aws_started"
_installed = False
_install_lock = threading.Lock()


def start_aws_tally() -> tuple[AwsTally, contextvars.Token[AwsTally | None]]:
    """A fresh tally for the request about to be served (one per thread or Lambda call)."""
    tally = AwsTally()
    return tally, _tally.set(tally)


def end_aws_tally(token: contextvars.Token[AwsTally | None]) -> None:
    _tally.reset(token)


def _call_started(context: dict[str, Any] | None = None, **_: Any) -> None:
    if context is not None and _tally.get() is not None:
        context[_STARTED] = time.perf_counter()


def _call_finished(context: dict[str, Any] | None = None, **_: Any) -> None:
    tally = _tally.get()
    started = context.pop(_STARTED, None) if context is not None else None
    if tally is not None and started is not None:
        tally.calls += 1
        tally.seconds += time.perf_counter() - started


def install_aws_timing() -> None:
    """Time the AWS calls of every botocore session created from now on (idempotent).

    botocore registers `BUILTIN_HANDLERS` on each new session: the one place that reaches
    boto3's clients and PynamoDB's per-table connections alike (moto's mock hooks in the
    same way). Called by chalicelib/aws.py and chalicelib/dynamo.py before they create
    clients, so the API's import path never loads botocore for it.
    """
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        from botocore.handlers import BUILTIN_HANDLERS

        BUILTIN_HANDLERS.extend(
            [
                ("before-call", _call_started),
                ("after-call", _call_finished),
                ("after-call-error", _call_finished),
            ]
        )
        _installed = True
