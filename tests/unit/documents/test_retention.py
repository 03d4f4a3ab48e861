"""The retention table as DESIGN.md §4.3 states it, read from its data file, and the lines it
withholds from one concept (half-up per line)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.documents.retention import _TABLE_PATH as TABLE_PATH
from chalicelib.documents.retention import (
    RetentionLine,
    RetentionRule,
    RetentionTable,
    default_table,
    retention_lines,
)


def raw_table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    return data


def test_the_data_file_reads_as_the_design_states_it() -> None:
    table = RetentionTable.from_dict(raw_table())
    assert table == default_table()
    assert table.version == 1
    assert table.valid_from == "2022-01-01"
    assert "LISR art. 106" in table.source
    assert table.rules == (
        RetentionRule("612", False, Decimal("0.10"), None),
        RetentionRule("612", True, Decimal("0.10"), Decimal("0.03")),
        RetentionRule("626", False, Decimal("0.0125"), None),
        RetentionRule("626", True, Decimal("0.025"), Decimal("0.03")),
    )
    assert table.iva_taxed_rate == Decimal("0.16")
    assert table.iva_withholding_rates == (Decimal("0.106666"), Decimal("0.106667"))
    assert raw_table()["iva"]["default"] == "exento"


def test_a_table_of_another_insurer_is_read_field_by_field() -> None:
    raw = {
        "source": "convenio de prueba",
        "valid_from": "2027-01-01",
        "version": "3",
        "rules": [
            {"regime": "612", "jalisco_cedular": 1, "isr_rate": "0.11", "cedular_rate": "0.02"},
            {"regime": "626", "jalisco_cedular": 0, "isr_rate": "0.01", "cedular_rate": None},
        ],
        "iva": {"taxed_rate": "0.08", "withholding_rates": ["0.05", "0.06", "0.07"]},
    }
    table = RetentionTable.from_dict(raw)
    assert table == RetentionTable(
        source="convenio de prueba",
        valid_from="2027-01-01",
        version=3,
        rules=(
            RetentionRule("612", True, Decimal("0.11"), Decimal("0.02")),
            RetentionRule("626", False, Decimal("0.01"), None),
        ),
        iva_taxed_rate=Decimal("0.08"),
        iva_withholding_rates=(Decimal("0.05"), Decimal("0.06"), Decimal("0.07")),
    )
    assert type(table.version) is int
    assert table.rules[0].jalisco_cedular is True
    assert table.rules[1].jalisco_cedular is False


@pytest.mark.parametrize(
    ("regime", "cedular", "isr", "local"),
    [
        ("612", False, "0.10", None),
        ("612", True, "0.10", "0.03"),
        ("626", False, "0.0125", None),
        ("626", True, "0.025", "0.03"),
    ],
)
def test_each_regime_and_cedular_variant_has_its_rule(
    regime: str, cedular: bool, isr: str, local: str | None
) -> None:
    rule = default_table().rule_for(regime, cedular)
    assert rule is not None
    assert (rule.regime, rule.jalisco_cedular) == (regime, cedular)
    assert rule.isr_rate == Decimal(isr)
    assert rule.cedular_rate == (Decimal(local) if local else None)


def test_a_regime_outside_the_table_has_no_rule() -> None:
    assert default_table().rule_for("601", False) is None
    assert default_table().rule_for("612 ", False) is None


def test_an_exempt_service_withholds_isr_only_and_taxed_is_never_the_default() -> None:
    rule = default_table().rule_for("612", False)
    assert rule is not None
    assert retention_lines(Decimal("1000.00"), rule) == [
        RetentionLine("isr", Decimal("0.10"), Decimal("100.00"))
    ]


def test_a_taxed_service_withholds_two_thirds_of_the_iva_with_the_tables_last_rate() -> None:
    rule = default_table().rule_for("626", True)
    assert rule is not None
    assert retention_lines(Decimal("1000.00"), rule, iva_taxed=True) == [
        RetentionLine("isr", Decimal("0.025"), Decimal("25.00")),
        RetentionLine("iva", Decimal("0.106667"), Decimal("106.67")),
        RetentionLine("cedular", Decimal("0.03"), Decimal("30.00")),
    ]


def test_a_given_table_is_the_one_used_for_the_iva_withholding() -> None:
    raw = raw_table()
    raw["iva"]["withholding_rates"] = ["0.01", "0.02", "0.04"]
    table = RetentionTable.from_dict(raw)
    rule = table.rule_for("612", False)
    assert rule is not None
    lines = retention_lines(Decimal("100.00"), rule, iva_taxed=True, table=table)
    assert lines[1] == RetentionLine("iva", Decimal("0.04"), Decimal("4.00"))


def test_each_line_is_rounded_half_up_to_the_centavo_on_its_own() -> None:
    rule = default_table().rule_for("612", True)
    assert rule is not None
    # 0.15 × 10% = 0.015 → 0.02 and 0.15 × 3% = 0.0045 → 0.00; half-even would give 0.02 too,
    # so 0.25 × 10% = 0.025 → 0.03 tells them apart.
    assert [line.amount for line in retention_lines(Decimal("0.15"), rule)] == [
        Decimal("0.02"),
        Decimal("0.00"),
    ]
    assert retention_lines(Decimal("0.25"), rule)[0].amount == Decimal("0.03")
