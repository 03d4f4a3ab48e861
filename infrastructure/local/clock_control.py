"""The local stack's moved clock: run the platform some days ahead of this machine's clock
and run a schedule at once, so a person can watch what only happens with time (an approved
deletion's purge five years later, an export's link expiring).

The site server answers `GET /__local/clock` (the platform's time and the offset) and
`POST /__local/clock` with `{"days": N}` (N days ahead of the real clock; 0 goes back to
it) or `{"to": "YYYY-MM-DD"}` (that day, at this moment's time of day), `"run"`: the
scheduled handlers of `app.py` to run once right after (default `["run_data_requests"]`;
`[]` runs none), and `"back": true` to return to the real clock once they ran. Every part
of the platform reads `chalicelib.clock`, so the API, the pump's consumers and schedules
all see the moved time; sessions past their end answer 401 (log in again).
`python -m infrastructure.local.clock` does the same from a terminal.
"""

from __future__ import annotations

import sys
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib import clock
from infrastructure.local.pump import LambdaContext, scheduled_event

_lock = threading.Lock()
_running = threading.Lock()  # one moved run at a time
_offset = timedelta(0)
DEFAULT_RUN = ("run_data_requests",)


def status() -> dict[str, Any]:
    return {
        "now": clock.iso(clock.now()),
        "offset_days": round(_offset.total_seconds() / 86400, 4),
    }


def move(*, days: float | None = None, to: str | None = None) -> dict[str, Any]:
    """Set the offset: `days` ahead of the real clock, or so that today is `to`."""
    global _offset
    if (days is None) == (to is None):
        raise ValueError("Indica 'days' o 'to', uno de los dos.")
    real = datetime.now(UTC)
    if to is not None:
        offset = timedelta(days=(date.fromisoformat(to) - real.date()).days)
    else:
        offset = timedelta(days=float(days or 0))
    if offset < timedelta(0):
        raise ValueError("El reloj local solo avanza: usa 0 días para volver a la hora real.")
    with _lock:
        _offset = offset
        if offset:
            clock.set_clock(lambda: datetime.now(UTC) + offset)
        else:
            clock.set_clock(None)
    return status()


def run(names: list[str]) -> dict[str, Any]:
    """Run `app.py`'s scheduled handlers once, in this process, as EventBridge would."""
    if not names:
        return {}
    app_module = sys.modules.get("app")
    if app_module is None:
        raise RuntimeError("the app is not loaded in this process")
    results: dict[str, Any] = {}
    for name in names:
        handler = getattr(app_module, name, None)
        if handler is None:
            raise ValueError(f"No hay una tarea programada llamada {name!r}.")
        results[name] = handler(scheduled_event(name, "us-east-1"), LambdaContext(name))
    return results


def handle(body: dict[str, Any]) -> dict[str, Any]:
    """The POST /__local/clock body: move the clock, run the schedules and, with
    `"back": true`, return to the real clock right after (a glimpse of the future that
    leaves the stack's other work on today's time)."""
    names = body.get("run", list(DEFAULT_RUN))
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("'run' es una lista de nombres de tareas programadas.")
    with _running:
        moved = move(days=body.get("days"), to=body.get("to"))
        try:
            ran = run(names)
        finally:
            if body.get("back"):
                move(days=0)
    return {**moved, "ran": ran, "back": bool(body.get("back"))}
