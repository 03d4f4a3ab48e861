"""Demo data for the local stack.

Each context that has demo data adds the dotted path of its loader to `LOADERS`. A loader
runs after the resources exist and the app's configuration is set, creates its records
through the context's own services, and returns the log-ins it made for `make run` to print.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    portal: str
    identifier: str
    password: str
    note: str = ""


DEMO_PASSWORD = "Demo-Portal-2026"  # noqa: S105 - documented local-only demo password

# "package.module:function" of each context's demo loader, in the order they must run.
LOADERS: tuple[str, ...] = (
    "infrastructure.local.demo_accounts:load",
    "infrastructure.local.demo_imports:load",
    "infrastructure.local.demo_payments:load",
    "infrastructure.local.demo_settlement:load",
    "infrastructure.local.demo_affiliates:load",
    "infrastructure.local.demo_claims:load",
    "infrastructure.local.demo_providers:load",
)


def load_demo_data(loaders: tuple[str, ...] = LOADERS) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    for path in loaders:
        module_name, _, function_name = path.partition(":")
        loader = getattr(importlib.import_module(module_name), function_name)
        logins.extend(loader())
    return logins
