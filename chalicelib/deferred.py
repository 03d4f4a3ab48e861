"""Each context's service and schemas run their module code when first used, not when app.py
loads.

app.py registers every route of every context, and each routes module names its service and
its schemas (`from chalicelib.accounts import service as accounts`, `schemas as acc`): loaded
eagerly, every cold start of every function paid for all the services, their repositories,
every model and everything they import, while one request uses one of them.
`defer_services()` (called by app.py before it imports the routes) makes a service or schemas
module imported from then on a lazy one (the standard library's `importlib.util.LazyLoader`):
the import binds the name at once and runs the module on its first attribute access,
`accounts.login(...)` in a view, or the route's models read on its first call
(`chalicelib/route_models.py`).

The standard library's lazy module is not safe to load from two threads at once (Python
3.11): a process that serves requests from several threads (the local stack) calls
`load_deferred()` before it serves. A Lambda function handles one event at a time.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Sequence
from types import ModuleType

SERVICE_MODULE = re.compile(r"chalicelib\.[a-z_]+\.(?:service|schemas)")


class _DeferredServices(importlib.abc.MetaPathFinder):
    """Finds a service module like the path finder does, with a lazy loader around its own."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not SERVICE_MODULE.fullmatch(fullname):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def defer_services() -> None:
    """Service and schemas modules imported from now on run on first use (a second call does
    nothing)."""
    if not any(isinstance(finder, _DeferredServices) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DeferredServices())


def pending(value: object) -> bool:
    """Whether `value` is a lazy module whose code has not run yet (told from its type alone:
    reading any attribute of it would run it)."""
    kind = type(value)
    return (
        kind is not ModuleType
        and issubclass(kind, ModuleType)
        and kind.__module__ == importlib.util.__name__
    )


def load_deferred() -> list[str]:
    """Run every service or schemas module imported but not used yet; returns their names."""
    waiting = [name for name, module in list(sys.modules.items()) if pending(module)]
    for name in waiting:
        vars(sys.modules[name])  # reading any attribute (here its namespace) runs it
    return waiting
