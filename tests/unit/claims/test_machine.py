"""The status machine: what operators may do from each status."""

from __future__ import annotations

import pytest

from chalicelib.claims.machine import (
    FINAL,
    STAGE_DESCRIPTIONS,
    STATUS_LABELS,
    STATUSES,
    IllegalTransition,
    check_operator_move,
    operator_targets,
)


def test_every_status_has_a_label_and_a_description() -> None:
    assert set(STATUS_LABELS) == set(STATUSES) == set(STAGE_DESCRIPTIONS)


def test_operator_moves() -> None:
    assert operator_targets("registrado", "pagado") == ["en_revision"]
    assert operator_targets("en_revision", "pagado") == [
        "aprobado",
        "pendiente_documentos",
        "rechazado",
    ]
    assert operator_targets("aprobado", "pagado") == ["pagado"]
    assert operator_targets("aprobado", "autorizado") == ["autorizado"]
    # The insured's moves are not an operator's.
    assert operator_targets("borrador", "pagado") == []
    assert operator_targets("pendiente_documentos", "pagado") == []
    for final in FINAL:
        assert operator_targets(final, "pagado") == []


@pytest.mark.parametrize(
    ("current", "target", "final_status"),
    [
        ("registrado", "aprobado", "pagado"),
        ("en_revision", "pagado", "pagado"),
        ("aprobado", "autorizado", "pagado"),  # a reimbursement is paid, not authorized
        ("rechazado", "en_revision", "pagado"),
        ("pagado", "aprobado", "pagado"),
        ("borrador", "registrado", "pagado"),
    ],
)
def test_illegal_moves(current: str, target: str, final_status: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_operator_move(current, target, final_status)
    assert refused.value.error_code == "illegal_transition"
