"""The roster (`polizas`) through the whole import pipeline on moto: validate, apply, report,
idempotency, continuations over the same object version, and what `baja` means for claims."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests

from chalicelib import errors
from chalicelib.audit import repository as audit_repository
from chalicelib.claims import service as claims
from chalicelib.claims.schemas import ClaimIn
from chalicelib.imports import repository, service, worker
from chalicelib.imports.schemas import ImportScope
from chalicelib.policies import service as policies
from tests.service.imports.conftest import ImportsWorld, roster_csv, roster_line

FAMILY = [
    roster_line("GMM-100", "0001", "titular", "ANA TORRES VEGA"),
    roster_line("GMM-100", "0002", "hijo", "LUIS TORRES VEGA", fecha_nacimiento="2010-02-03"),
    roster_line("GMM-100", "0003", "conyuge", "CARLOS MENDEZ RUIZ"),
    roster_line("GMM-200", "0001", "titular", "PEDRO PEREZ", coberturas="gmm_mayores|gmm_menores"),
]
BAD = [
    roster_line("GMM-300", "0001", "titular", "MALA FECHA", vigencia_inicio="2026-13-01"),
    roster_line("GMM-300", "0002", "sobrino", "MAL PARENTESCO", rfc="XXXX"),
]


def _report(record_id: str) -> list[list[str]]:
    out = service.to_out(repository.get(record_id))  # type: ignore[arg-type]
    assert out.errors is not None
    body = requests.get(out.errors.url, timeout=5).content
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def luis_leaves() -> bytes:
    """A file of one row: LUIS TORRES VEGA (GMM-100, certificado 0002) is `baja`."""
    return roster_csv(
        [
            roster_line(
                "GMM-100",
                "0002",
                "hijo",
                "LUIS TORRES VEGA",
                estatus="baja",
                fecha_nacimiento="2010-02-03",
            )
        ]
    )


def test_validar_says_what_applying_would_do_and_changes_nothing(world: ImportsWorld) -> None:
    import_id = world.import_file(roster_csv(FAMILY + BAD))
    out = service.get_import(world.admin, import_id)
    assert out.status == "terminada"
    assert out.progress.rows_read == 6
    assert out.progress.rows_total == 6
    assert out.summary.model_dump() == {
        "creados": 4,
        "actualizados": 0,
        "sin_cambios": 0,
        "rechazados": 2,
    }
    assert policies.get_policy("sec", "GMM-100") is None
    report = _report(import_id)
    assert report[0] == ["fila", "columna", "valor", "mensaje"]
    cells = {(row[0], row[1]) for row in report[1:]}
    # Header is row 1: the bad rows are the file's rows 6 and 7.
    assert ("6", "vigencia_inicio") in cells
    assert ("7", "parentesco") in cells
    assert ("7", "rfc") in cells
    assert all(row[0] in {"6", "7"} for row in report[1:])


def test_apply_a_validated_import_then_reimporting_changes_nothing(world: ImportsWorld) -> None:
    validated = world.import_file(roster_csv(FAMILY + BAD))
    applied = service.apply_import(world.admin, validated, ImportScope())
    world.run()
    out = service.get_import(world.admin, applied.import_id)
    assert out.mode == "aplicar"
    assert out.status == "terminada"
    assert out.source_import_id == validated
    assert (out.summary.creados, out.summary.rechazados) == (4, 2)
    policy = policies.get_policy("sec", "GMM-100")
    assert policy is not None
    assert policy.titular_name == "ANA TORRES VEGA"
    assert [m.id for m in policy.members] == ["0001", "0002", "0003"]
    assert policies.get_policy("sec", "GMM-200").coverages == ["gmm_mayores", "gmm_menores"]  # type: ignore[union-attr]

    again = world.import_file(roster_csv(FAMILY), mode="aplicar")
    summary = service.get_import(world.admin, again).summary
    assert (summary.creados, summary.actualizados, summary.sin_cambios) == (0, 0, 4)
    assert policies.get_policy("sec", "GMM-100") == policy

    changed = world.import_file(
        luis_leaves(),
        mode="aplicar",
    )
    assert service.get_import(world.admin, changed).summary.actualizados == 1
    actions = [
        r.action
        for r in audit_repository.query("sec", since="2000", until="2100", limit=50, cursor=None)[0]
    ]
    assert actions.count("import.applied") == 3
    assert "import.requested" in actions


def test_a_validated_import_is_applied_once_it_ended_and_only_by_its_insurer(
    world: ImportsWorld,
) -> None:
    created = world.request(roster_csv(FAMILY))
    with pytest.raises(errors.Conflict):  # not uploaded yet
        service.apply_import(world.admin, created.import_id, ImportScope())
    with pytest.raises(errors.NotFound):
        service.get_import(world.other_insurer, created.import_id)
    with pytest.raises(errors.Forbidden):  # rosters need administracion
        service.get_import(world.finance, created.import_id)
    with pytest.raises(errors.Forbidden):
        world.request(roster_csv(FAMILY), who=world.finance)


def test_continuations_read_every_row_once_from_the_same_version(
    world: ImportsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "CHUNK_ROWS", 3)
    lines = [roster_line(f"P-{n:03d}", "0001", "titular", f"PERSONA {n}") for n in range(20)]
    original = roster_csv(lines + BAD)
    created = world.request(original, mode="aplicar")
    world.upload(created, original)
    # Someone uploads another file over the same key: the import reads the version judged.
    world.s3.put_object(
        Bucket="portal-test-documents",
        Key=created.slot.upload.fields["key"],
        Body=roster_csv([roster_line("OTRA", "1")]),
    )
    first = world.messages()
    assert len(first) == 1
    handled = 0
    pending = first
    while pending:
        for body in pending:
            service.handle_message(body, budget_seconds=0)
            service.handle_message(body, budget_seconds=0)  # a duplicate delivery changes nothing
            handled += 1
        pending = world.messages()
    assert handled >= 7  # 22 rows in chunks of 3, one per message
    out = service.get_import(world.admin, created.import_id)
    assert out.status == "terminada"
    assert out.progress.rows_read == 22
    assert (out.summary.creados, out.summary.rechazados, out.summary.sin_cambios) == (20, 2, 0)
    assert policies.get_policy("sec", "OTRA") is None
    assert len(_report(created.import_id)) == 1 + 3  # header, 1 error in row 22, 2 in row 23


def test_a_file_refused_whole_changes_nothing(world: ImportsWorld) -> None:
    latin = roster_csv([roster_line("GMM-1", "1", nombre="JOSÉ PÉREZ")]).decode("utf-8-sig")
    refused = world.import_file(latin.encode("latin-1"), mode="aplicar")
    out = service.get_import(world.admin, refused)
    assert out.status == "rechazada"
    assert out.reasons
    assert out.reasons[0].code == "not_utf8"
    assert "CSV UTF-8" in out.reasons[0].message
    assert policies.get_policy("sec", "GMM-1") is None

    extra = (",".join([*roster_line("GMM-1", "1").split(","), "x"])).encode()
    wrong = world.import_file(roster_csv([]).rstrip(b"\n") + b",sobra\n" + extra, mode="aplicar")
    assert service.get_import(world.admin, wrong).reasons[0].code == "too_many_columns"  # type: ignore[index]


def test_semicolons_and_no_bom(world: ImportsWorld) -> None:
    data = roster_csv(FAMILY, bom=False).decode().replace(",", ";").encode()
    import_id = world.import_file(data, mode="aplicar")
    assert service.get_import(world.admin, import_id).summary.creados == 4


def test_one_titular_per_policy_and_family_needs_one(world: ImportsWorld) -> None:
    import_id = world.import_file(
        roster_csv(
            [
                roster_line("GMM-9", "0002", "hija", "SIN TITULAR AUN"),
                roster_line("GMM-9", "0001", "titular", "TITULAR"),
                roster_line("GMM-9", "0003", "titular", "OTRO TITULAR"),
            ]
        ),
        mode="aplicar",
    )
    out = service.get_import(world.admin, import_id)
    assert (out.summary.creados, out.summary.rechazados) == (1, 2)
    messages = {row[0]: row[3] for row in _report(import_id)[1:]}
    assert "no tiene titular" in messages["2"]
    assert "ya tiene titular" in messages["4"]


def test_a_person_baja_keeps_history_but_starts_no_claim(world: ImportsWorld) -> None:
    from chalicelib.accounts import service as accounts
    from chalicelib.auth import Principal

    world.import_file(roster_csv(FAMILY), mode="aplicar")
    ana = accounts.seed_active_account(
        "asegurado",
        "ana-roster@example.mx",
        "ANA TORRES VEGA",
        "una frase larga segura",
        insurer_ids=["sec"],
        details={"policy_number": "GMM-100", "insurer_id": "sec"},
    )
    insured = Principal(ana, "asegurado", ("sec",))
    body = {
        "member_id": "0002",
        "coverage": "gmm_mayores",
        "type": "reembolso",
        "stage": "inicial",
        "payout_clabe": "002010077777777771",
        "consent": True,
    }
    first = claims.create_claim(insured, ClaimIn(**body))

    world.import_file(
        luis_leaves(),
        mode="aplicar",
    )
    with pytest.raises(errors.InvalidInput) as refused:
        claims.create_claim(insured, ClaimIn(**body))
    assert refused.value.error_code == "member_inactive"
    assert "baja" in refused.value.error_message
    assert refused.value.details[0].field == "member_id"
    assert claims.read_claim(insured, first.id).id == first.id
    # Out of validity is refused too; the titular is still fine.
    world.import_file(
        roster_csv(
            [
                roster_line(
                    "GMM-100", "0003", "conyuge", "CARLOS MENDEZ RUIZ", vigencia_fin="2026-06-30"
                )
            ]
        ),
        mode="aplicar",
    )
    with pytest.raises(errors.InvalidInput):
        claims.create_claim(insured, ClaimIn(**{**body, "member_id": "0003"}))
    assert claims.create_claim(insured, ClaimIn(**{**body, "member_id": "0001"})).id


def test_lost_continuation_is_sent_again_once_stalled(
    world: ImportsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "CHUNK_ROWS", 2)
    data = roster_csv([roster_line(f"S-{n}", "1") for n in range(6)])
    created = world.request(data, mode="aplicar")
    world.upload(created, data)
    (start,) = world.messages()
    service.handle_message(start, budget_seconds=0)
    world.messages()  # the continuation is lost
    world.clock.advance(minutes=5)
    service.handle_message(start, budget_seconds=0)  # the stale first message comes back
    (again,) = world.messages()
    assert json.loads(again)["position"] == 2
    world.run(budget=600)
    service.handle_message(again, budget_seconds=600)  # stale now: ignored
    assert service.get_import(world.admin, created.import_id).summary.creados == 6
