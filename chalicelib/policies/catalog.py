"""The claim-type catalogue as data: a default file and, per insurer, a file of overrides.

`data/catalog.default.json` holds every key; `data/catalog.<insurer_id>.json` replaces whole
top-level keys (its service-level targets, its network notice, …) for that insurer. Pure:
reading files bundled with the code, no AWS.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
_INSURER_ID = re.compile(r"^[a-z0-9_-]{1,40}$")
STAGES = ("inicial", "complemento")


@dataclass(frozen=True)
class DocumentKind:
    doc_type: str
    name: str
    required: bool
    formats: tuple[str, ...]


@dataclass(frozen=True)
class ClaimType:
    type: str
    label: str
    coverages: tuple[str, ...]
    subtypes: tuple[str, ...]
    needs_hospital: bool
    pays_out: bool
    final_status: str


@dataclass(frozen=True)
class Form:
    name: str
    key: str


@dataclass(frozen=True)
class Catalog:
    insurer_id: str
    types: dict[str, ClaimType]
    documents: dict[tuple[str, str], tuple[DocumentKind, ...]]
    service_level_hours: dict[str, int]
    forms: dict[tuple[str, str], tuple[Form, ...]]
    network_notice: str
    network_url: str

    def kinds(self, claim_type: str, stage: str) -> tuple[DocumentKind, ...]:
        return self.documents.get((claim_type, stage), ())

    def kind(self, claim_type: str, stage: str, doc_type: str) -> DocumentKind | None:
        return next((k for k in self.kinds(claim_type, stage) if k.doc_type == doc_type), None)


def _read(name: str) -> dict[str, Any]:
    path = DATA / name
    if not path.is_file():
        return {}
    value = json.loads(path.read_text(encoding="utf-8"))
    return value if isinstance(value, dict) else {}


@lru_cache(maxsize=32)
def catalog_for(insurer_id: str) -> Catalog:
    """The insurer's catalogue: its own keys over the default's."""
    raw = _read("catalog.default.json")
    if _INSURER_ID.match(insurer_id):
        raw = {**raw, **_read(f"catalog.{insurer_id}.json")}
    types = {
        t["type"]: ClaimType(
            type=t["type"],
            label=t["label"],
            coverages=tuple(t["coverages"]),
            subtypes=tuple(t.get("subtypes", ())),
            needs_hospital=bool(t.get("needs_hospital")),
            pays_out=bool(t.get("pays_out")),
            final_status=t["final_status"],
        )
        for t in raw["types"]
    }
    documents = {
        (claim_type, stage): tuple(
            DocumentKind(d["doc_type"], d["name"], bool(d["required"]), tuple(d["formats"]))
            for d in kinds
        )
        for claim_type, stages in raw["documents"].items()
        for stage, kinds in stages.items()
    }
    forms = {
        (claim_type, stage): tuple(Form(f["name"], f["key"]) for f in items)
        for claim_type, stages in raw.get("forms", {}).items()
        for stage, items in stages.items()
    }
    network = raw.get("network", {})
    return Catalog(
        insurer_id=insurer_id,
        types=types,
        documents=documents,
        service_level_hours={k: int(v) for k, v in raw["service_level_hours"].items()},
        forms=forms,
        network_notice=str(network.get("notice", "")),
        network_url=str(network.get("url", "")),
    )
