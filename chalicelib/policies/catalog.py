"""The claim-type catalogue as data: a default file and, per insurer, its overrides.

`data/catalog.default.json` holds every key and is what a new insurer starts from; the
insurer's record (the insurers context: its `catalog` overrides and `service_levels`) replaces
whole top-level keys (its network notice, its documents, …) and its service-level targets.
Pure: the default file bundled with the code and the overrides the caller passes, no AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
# The top-level keys an insurer may replace.
OVERRIDABLE = ("types", "documents", "forms", "network", "service_level_hours")
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


def default_raw() -> dict[str, Any]:
    """The default catalogue as the file holds it (a fresh copy)."""
    copy: dict[str, Any] = json.loads(json.dumps(_default_raw()))
    return copy


@lru_cache(maxsize=1)
def _default_raw() -> dict[str, Any]:
    return _read("catalog.default.json")


def overrides_key(overrides: dict[str, Any]) -> str:
    """The overrides as one canonical text (what `catalog_for` caches on)."""
    return json.dumps(overrides, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=64)
def catalog_for(insurer_id: str, overrides: str = "{}") -> Catalog:
    """The insurer's catalogue: its own top-level keys (`overrides_key` of them) over the
    default's; `service_level_hours` names only the claim types whose target it changes."""
    own = {k: v for k, v in json.loads(overrides).items() if k in OVERRIDABLE}
    raw = {**_default_raw(), **own}
    if "service_level_hours" in own:
        raw["service_level_hours"] = {
            **_default_raw()["service_level_hours"],
            **own["service_level_hours"],
        }
    return build_catalog(insurer_id, raw)


def build_catalog(insurer_id: str, raw: dict[str, Any]) -> Catalog:
    """A catalogue from its data; raises KeyError, TypeError or ValueError on a malformed one
    (a claim type without a service-level target included)."""
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
    missing = [t for t in types if t not in raw["service_level_hours"]]
    if missing:
        raise ValueError(f"claim types without a service-level target: {missing}")
    return Catalog(
        insurer_id=insurer_id,
        types=types,
        documents=documents,
        service_level_hours={k: int(v) for k, v in raw["service_level_hours"].items()},
        forms=forms,
        network_notice=str(network.get("notice", "")),
        network_url=str(network.get("url", "")),
    )
