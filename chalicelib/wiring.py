"""The one place where contexts are joined at start-up: each document owner's hooks.

The documents context never imports the contexts that own documents. Each owner declares
its hooks (`document_hooks()` in its service) and `wire()` registers them with the documents
service. The documents service calls it before it first looks a hook up (`hooks_for`), so
app.py (the API, every Lambda handler and the local stack that runs them) loads no owner's
service before a request or an event needs one; the command-line tools that reach the
services (`python -m chalicelib.settlement`, `python -m chalicelib.accounts.admin`) and the
tests' AWS fixture call it at start. A second call does nothing.
"""

from __future__ import annotations

from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner

_wired = False


def wire() -> None:
    """Register every document owner's hooks (once); refuse an owner kind left without."""
    global _wired
    if _wired:
        return
    from chalicelib.claims import service as claims
    from chalicelib.imports import service as imports
    from chalicelib.insurers import service as insurers
    from chalicelib.providers import service as providers
    from chalicelib.settlement import service as settlement

    owners = (claims, imports, insurers, providers, settlement)
    for owned in (owner.document_hooks() for owner in owners):
        for kind, hooks in owned.items():
            if hooks.listener is not None:
                documents.register_verdict_listener(kind, hooks.listener)
            if hooks.guard is not None:
                documents.register_delete_guard(kind, hooks.guard)
            if hooks.check is not None:
                documents.register_verdict_check(kind, hooks.check)
    unwired = unwired_owners()
    if unwired:
        raise RuntimeError(f"document owners without a listener or a guard: {unwired}")
    _wired = True


def unwired_owners() -> list[DocumentOwner]:
    """The owner kinds nobody answers for: no verdict listener and no delete guard."""
    return [
        kind
        for kind in DocumentOwner
        if str(kind) not in documents._listeners and str(kind) not in documents._guards
    ]
