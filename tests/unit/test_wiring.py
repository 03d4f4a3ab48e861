"""Every document owner kind is answered for once the contexts are wired: a kind left without
its listener or its guard (a new kind, a hook dropped from an owner's `document_hooks()`)
fails here, and `wire()` itself refuses to start without them."""

from __future__ import annotations

import pytest

from chalicelib import wiring
from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner

# owner kind → the hooks its context registers (a kind without a guard keeps its documents)
EXPECTED = {
    DocumentOwner.CLAIM: {"guard", "check"},  # the check: expense invoices to the insured
    DocumentOwner.BANK_ACCOUNT: {"listener"},
    DocumentOwner.CARE_ORDER: {"listener"},
    DocumentOwner.INVOICE: {"listener", "check"},
    DocumentOwner.TRANSACTIONS: {"listener", "guard"},
    DocumentOwner.INSURER_LOGO: {"listener"},
    DocumentOwner.IMPORT: {"listener"},
}


def registered(kind: DocumentOwner) -> set[str]:
    found = {
        "listener": documents._listeners,
        "guard": documents._guards,
        "check": documents._checks,
    }
    return {name for name, hooks in found.items() if str(kind) in hooks}


def test_every_owner_kind_has_its_listener_or_guard_once_wired() -> None:
    wiring.wire()
    assert set(EXPECTED) == set(DocumentOwner)
    for kind in DocumentOwner:
        assert registered(kind) & {"listener", "guard"}, kind
        assert registered(kind) == EXPECTED[kind], kind
    assert wiring.unwired_owners() == []


def test_transaction_files_belong_to_settlement() -> None:
    from chalicelib.settlement import service as settlement
    from chalicelib.settlement import transaction_files

    wiring.wire()
    kind = str(DocumentOwner.TRANSACTIONS)
    assert documents._listeners[kind] is settlement.on_transaction_file_verdict
    assert documents._guards[kind] is transaction_files.may_delete


def test_wiring_again_changes_nothing() -> None:
    wiring.wire()
    before = (dict(documents._listeners), dict(documents._guards), dict(documents._checks))
    wiring.wire()
    assert (documents._listeners, documents._guards, documents._checks) == before


def test_an_owner_kind_left_without_hooks_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    wiring.wire()
    # Copies, so that what this test registers never reaches another test.
    for registry in ("_listeners", "_guards", "_checks"):
        monkeypatch.setattr(documents, registry, dict(getattr(documents, registry)))
    del documents._listeners[str(DocumentOwner.CARE_ORDER)]
    assert wiring.unwired_owners() == [DocumentOwner.CARE_ORDER]
    monkeypatch.setattr(wiring, "_wired", False)
    monkeypatch.setattr(
        "chalicelib.providers.service.document_hooks",
        lambda: {DocumentOwner.INVOICE: documents.DocumentHooks(listener=lambda document: None)},
    )
    with pytest.raises(RuntimeError, match="care_order"):
        wiring.wire()
