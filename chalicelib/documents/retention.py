"""The retention table (data in `retention_table.json`).

Each care order is one concept; each tax is rounded half-up to the centavo per concept and the
invoice's totals are sums of the rounded lines (the kernel's `round_to_centavo`). The table is
per insurer in the end (dated, versioned); this module loads the default one and lets callers
pass their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from chalicelib.kernel.money import round_to_centavo

_TABLE_PATH: Final = Path(__file__).with_name("retention_table.json")


@dataclass(frozen=True)
class RetentionRule:
    regime: str
    jalisco_cedular: bool
    isr_rate: Decimal
    cedular_rate: Decimal | None


@dataclass(frozen=True)
class RetentionTable:
    source: str
    valid_from: str
    version: int
    rules: tuple[RetentionRule, ...]
    iva_taxed_rate: Decimal
    iva_withholding_rates: tuple[Decimal, ...]

    def rule_for(self, regime: str, jalisco_cedular: bool) -> RetentionRule | None:
        for rule in self.rules:
            if rule.regime == regime and rule.jalisco_cedular == jalisco_cedular:
                return rule
        return None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RetentionTable:
        return cls(
            source=raw["source"],
            valid_from=raw["valid_from"],
            version=int(raw["version"]),
            rules=tuple(
                RetentionRule(
                    regime=rule["regime"],
                    jalisco_cedular=bool(rule["jalisco_cedular"]),
                    isr_rate=Decimal(rule["isr_rate"]),
                    cedular_rate=(
                        Decimal(rule["cedular_rate"]) if rule["cedular_rate"] is not None else None
                    ),
                )
                for rule in raw["rules"]
            ),
            iva_taxed_rate=Decimal(raw["iva"]["taxed_rate"]),
            iva_withholding_rates=tuple(Decimal(r) for r in raw["iva"]["withholding_rates"]),
        )


@lru_cache(maxsize=1)
def default_table() -> RetentionTable:
    return RetentionTable.from_dict(json.loads(_TABLE_PATH.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class RetentionLine:
    tax: str  # "isr", "iva", "cedular"
    rate: Decimal
    amount: Decimal


def retention_lines(
    base: Decimal,
    rule: RetentionRule,
    *,
    iva_taxed: bool = False,
    table: RetentionTable | None = None,
) -> list[RetentionLine]:
    """What is withheld from one concept of `base` pesos under `rule`, rounded per line."""
    lines = [RetentionLine("isr", rule.isr_rate, round_to_centavo(base * rule.isr_rate))]
    if iva_taxed:
        withholding = (table or default_table()).iva_withholding_rates[-1]
        lines.append(RetentionLine("iva", withholding, round_to_centavo(base * withholding)))
    if rule.cedular_rate is not None:
        lines.append(
            RetentionLine("cedular", rule.cedular_rate, round_to_centavo(base * rule.cedular_rate))
        )
    return lines
