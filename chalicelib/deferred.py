"""Each context's service runs its module code when it is first used, not when app.py loads.

app.py registers every route of every context, and each routes module names its service
(`from chalicelib.accounts import service as accounts`): loaded eagerly, every cold start of
every function paid for all the services, their repositories and everything they import,
while one request uses one of them. `defer_services()` (called by app.py before it imports
the routes) makes a service module imported from then on a lazy one (the standard library's
`importlib.util.LazyLoader`): the import binds the name at once and runs the module on its
first attribute access, `accounts.login(...)` in a view. A route's schemas still load with
it, since its declaration reads them.

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

SERVICE_MODULE = re.compile(r"chalicelib\.[a-z_]+\.service")


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
    """Service modules imported from now on run on first use (a second call does nothing)."""
    if not any(isinstance(finder, _DeferredServices) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DeferredServices())


def load_deferred() -> list[str]:
    """Run every service module imported but not used yet; returns their names."""
    pending = [
        name
        for name, module in list(sys.modules.items())
        if SERVICE_MODULE.fullmatch(name) and type(module) is not ModuleType
    ]
    for name in pending:
        vars(sys.modules[name])  # reading any attribute (here its namespace) runs it
    return pending
