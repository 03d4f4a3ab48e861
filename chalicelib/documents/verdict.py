"""The result of validating one file: status, reasons (code + Spanish message) and facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

ACCEPTED: Final = "aceptado"
REJECTED: Final = "rechazado"
Status = Literal["aceptado", "rechazado"]


@dataclass(frozen=True)
class Reason:
    code: str
    message: str  # Spanish, for a patient or a doctor

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Verdict:
    status: Status
    reasons: tuple[Reason, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    # A copy to store under derived/ (the JPEG re-encoded without metadata), never in JSON.
    derived: bytes | None = field(default=None, repr=False)
    derived_content_type: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED

    @property
    def code(self) -> str:
        """`ok` when accepted, else the first reason's code."""
        return "ok" if self.accepted or not self.reasons else self.reasons[0].code

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "code": self.code,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "facts": self.facts,
        }

    def with_facts(self, **facts: Any) -> Verdict:
        return Verdict(
            status=self.status,
            reasons=self.reasons,
            facts={**self.facts, **facts},
            derived=self.derived,
            derived_content_type=self.derived_content_type,
        )


def accept(facts: dict[str, Any] | None = None, **extra: Any) -> Verdict:
    return Verdict(status=ACCEPTED, facts=dict(facts or {}), **extra)


def reject(code: str, message: str, facts: dict[str, Any] | None = None) -> Verdict:
    return Verdict(status=REJECTED, reasons=(Reason(code, message),), facts=dict(facts or {}))


def judge(reasons: Iterable[Reason], facts: dict[str, Any]) -> Verdict:
    """Accepted when there is no reason against, rejected with every reason otherwise."""
    found = tuple(reasons)
    return Verdict(status=REJECTED if found else ACCEPTED, reasons=found, facts=facts)
