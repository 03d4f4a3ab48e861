from __future__ import annotations

from typing import Any

import pytest

from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner
from tests.service.documents.world import DocumentsWorld


@pytest.fixture
def world(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> DocumentsWorld:
    """moto with every resource; a claims owner that listens and lets documents go."""
    found = DocumentsWorld()
    monkeypatch.setitem(documents._listeners, str(DocumentOwner.CLAIM), found.listen)
    monkeypatch.setitem(documents._guards, str(DocumentOwner.CLAIM), lambda document: None)
    return found
