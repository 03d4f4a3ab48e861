"""Point chalicelib, imported after this, at a local stack that a benchmark started: the same
environment the stack gives itself, plus the user pool, client and data key it created."""

from __future__ import annotations

import os


def use_local_stack(api_port: int, site_port: int, moto_port: int) -> None:
    from infrastructure.local.__main__ import configure_environment

    configure_environment("127.0.0.1", api_port, site_port, moto_port)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    from chalicelib.accounts.admin import discover_stack_ids

    discover_stack_ids()
