"""Every kind besides the roster through the import pipeline on moto: `validar` writes nothing
but counts what applying would do, `aplicar` upserts by natural key, the same file again is
all `sin_cambios`, and a chunk's records are read in batches (no Query per row)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import botocore.client
import pytest

from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.imports import kinds, repository, service, worker
from chalicelib.policies import service as policies
from chalicelib.providers import repository as orders_repository
from chalicelib.providers import service as providers
from chalicelib.registry import service as registry
from chalicelib.registry.service import AffiliateRecord
from chalicelib.settlement import repository as settlement_repository
from chalicelib.settlement import service as settlement
from tests.service.imports.conftest import ImportsWorld, roster_csv, roster_line

# Tables an import may Query: the upload (documents), its own report (imports) and the
# accounts (one per provider of a chunk), never the records a row names.
_QUERY_ALLOWED = ("documents", "imports", "accounts")


def kind_csv(kind: kinds.Kind, rows: list[dict[str, str]]) -> bytes:
    """A CSV of the kind with these rows (columns left out take the template's example)."""
    example = dict(zip(kind.columns, kind.example, strict=False))
    lines = [",".join(kind.columns)]
    for row in rows:
        lines.append(",".join(row.get(c, example.get(c, "")) for c in kind.columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def summary(world: ImportsWorld, import_id: str) -> tuple[int, int, int, int]:
    out = service.get_import(world.admin, import_id)
    assert out.status == "terminada", out
    s = out.summary
    return s.creados, s.actualizados, s.sin_cambios, s.rechazados


def report(import_id: str) -> set[tuple[int, str]]:
    return {(int(row[0]), str(row[1])) for row in repository.errors_of(import_id)}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every AWS call made meanwhile, as (operation, table or "")."""
    made: list[tuple[str, str]] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation: str, params: dict[str, Any]) -> Any:
        made.append((operation, str(params.get("TableName", ""))))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return made


def no_query_per_row(made: list[tuple[str, str]], providers_allowed: int = 0) -> None:
    queries = [table for operation, table in made if operation in ("Query", "Scan")]
    assert not [t for t in queries if not t.endswith(_QUERY_ALLOWED)], queries
    assert len([t for t in queries if t.endswith("accounts")]) <= providers_allowed
    assert not [op for op, _ in made if op == "Scan"]


HOSPITALS = [
    {"clave": "H-1", "nombre": "HOSPITAL UNO", "ciudad": "León"},
    {"clave": "H-2", "nombre": "HOSPITAL DOS", "ciudad": "Puebla"},
    {"clave": "", "nombre": "SIN CLAVE"},
]


def test_hospitals_validate_apply_and_reimport(
    world: ImportsWorld, calls: list[tuple[str, str]]
) -> None:
    validated = world.import_file(kind_csv(kinds.HOSPITALES, HOSPITALS), kind="hospitales")
    assert summary(world, validated) == (2, 0, 0, 1)
    assert report(validated) == {(4, "clave")}
    assert policies.hospitals("sec") == []

    calls.clear()
    applied = world.import_file(
        kind_csv(kinds.HOSPITALES, HOSPITALS), kind="hospitales", mode="aplicar"
    )
    assert summary(world, applied) == (2, 0, 0, 1)
    no_query_per_row(calls)
    assert [(h.hospital_id, h.city) for h in policies.hospitals("sec")] == [
        ("H-2", "Puebla"),
        ("H-1", "León"),
    ]
    # Again, with one hospital moved: the other is unchanged.
    moved = [HOSPITALS[0] | {"ciudad": "Silao"}, HOSPITALS[1]]
    changed = world.import_file(
        kind_csv(kinds.HOSPITALES, moved), kind="hospitales", mode="aplicar"
    )
    assert summary(world, changed) == (0, 1, 1, 0)
    assert policies.hospitals_by_id("sec", ["H-1"])["H-1"].city == "Silao"
    assert policies.hospitals("adn") == []


def test_conditions_need_the_person_on_the_policy(
    world: ImportsWorld, calls: list[tuple[str, str]]
) -> None:
    world.import_file(
        roster_csv(
            [
                roster_line("GMM-100", "0001", "titular", "ANA TORRES VEGA"),
                roster_line("GMM-100", "0002", "hijo", "LUIS TORRES VEGA"),
            ]
        ),
        mode="aplicar",
    )
    rows = [
        {"poliza": "GMM-100", "certificado": "0001", "clave": "E11"},
        {"poliza": " gmm-100", "certificado": "0002", "clave": "S82", "descripcion": "Fractura"},
        {"poliza": "GMM-100", "certificado": "0009", "clave": "E11"},
        {"poliza": "GMM-999", "certificado": "0001", "clave": "E11"},
    ]
    data = kind_csv(kinds.PADECIMIENTOS, rows)
    validated = world.import_file(data, kind="padecimientos")
    assert summary(world, validated) == (2, 0, 0, 2)
    assert report(validated) == {(4, "certificado"), (5, "certificado")}
    assert policies.conditions_of("sec", "GMM-100") == []

    calls.clear()
    applied = world.import_file(data, kind="padecimientos", mode="aplicar")
    assert summary(world, applied) == (2, 0, 0, 2)
    no_query_per_row(calls)
    found = {
        (c.member_id, c.condition_id, c.description)
        for c in policies.conditions_of("sec", "GMM-100")
    }
    assert found == {("0001", "E11", "Diabetes mellitus tipo 2"), ("0002", "S82", "Fractura")}
    again = world.import_file(data, kind="padecimientos", mode="aplicar")
    assert summary(world, again) == (0, 0, 2, 2)


CLINICS = [
    {"clave": "UMF-020", "nombre": "UMF 20 Vallejo"},
    {"clave": "UMF-007", "nombre": "UMF 7 Tlalpan", "zona_horaria": "America/Tijuana"},
]
AFFILIATES = [
    {"nss": "01234567897", "serie_credencial": "S-1", "nombre": "Ana Ruiz", "clinica": "UMF-020"},
    {"nss": "12345678903", "serie_credencial": "s-1", "nombre": "Jose Ruiz", "clinica": "umf-020"},
    {"nss": "90000000001", "serie_credencial": "S-2", "nombre": "Otra", "clinica": "UMF-099"},
]


def test_clinics_then_the_registry_that_names_them(
    world: ImportsWorld, calls: list[tuple[str, str]]
) -> None:
    validated = world.import_file(kind_csv(kinds.CLINICAS, CLINICS), kind="clinicas")
    assert summary(world, validated) == (2, 0, 0, 0)
    assert appointments.clinics_by_code("sec", ["UMF-020", "UMF-007"]) == {}
    clinics = world.import_file(kind_csv(kinds.CLINICAS, CLINICS), kind="clinicas", mode="aplicar")
    assert summary(world, clinics) == (2, 0, 0, 0)
    stored = appointments.clinics_by_code("sec", ["UMF-020", "UMF-007"])
    assert stored["UMF-007"].time_zone == "America/Tijuana"
    assert stored["UMF-020"].clinic_id == appointments.clinic_id_for("sec", "UMF-020")
    assert appointments.clinics_by_code("adn", ["UMF-020"]) == {}
    renamed = [CLINICS[0], CLINICS[1] | {"nombre": "UMF 7 Tlalpan Centro"}]
    again = world.import_file(kind_csv(kinds.CLINICAS, renamed), kind="clinicas", mode="aplicar")
    assert summary(world, again) == (0, 1, 1, 0)
    assert appointments.clinics_by_code("sec", ["UMF-007"])["UMF-007"] == replace(
        stored["UMF-007"], name="UMF 7 Tlalpan Centro"
    )

    # Someone else's affiliate: the registry is keyed by NSS alone.
    registry.load([AffiliateRecord("m-adn", "90000000001", "S-9", "AJENA", "adn")])
    calls.clear()
    applied = world.import_file(
        kind_csv(kinds.AFILIADOS, AFFILIATES), kind="afiliados", mode="aplicar"
    )
    assert summary(world, applied) == (2, 0, 0, 1)
    no_query_per_row(calls)
    assert report(applied) == {(4, "nss"), (4, "clinica")}
    family = registry.family("S-1")
    assert {(r.full_name, r.clinic_id, r.insurer_id) for r in family} == {
        ("ANA RUIZ", stored["UMF-020"].clinic_id, "sec"),
        ("JOSE RUIZ", stored["UMF-020"].clinic_id, "sec"),
    }
    ana = registry.find_affiliate("01234567897")
    assert ana is not None
    moved = [AFFILIATES[0] | {"clinica": "UMF-007"}, AFFILIATES[1]]
    changed = world.import_file(kind_csv(kinds.AFILIADOS, moved), kind="afiliados", mode="aplicar")
    assert summary(world, changed) == (0, 1, 1, 0)
    after = registry.find_affiliate("01234567897")
    assert after == replace(ana, clinic_id=stored["UMF-007"].clinic_id)  # same registry id
    assert registry.find_affiliate("90000000001").insurer_id == "adn"  # type: ignore[union-attr]


PROVIDER_RFC = "RASJ750312H42"
ORDERS = [
    {"numero_cuenta": "CTA-1", "paciente": "Ana Ruiz", "importe": "1500.00"},
    {"numero_cuenta": "CTA-2", "paciente": "Jose Ruiz", "importe": "800.50", "iva": "si"},
    {"numero_cuenta": "CTA-3", "rfc_prestador": "MAAJ800101AB1"},
    {"numero_cuenta": "CTA-1", "paciente": "Repetida"},
]


@pytest.fixture
def provider(world: ImportsWorld) -> str:
    return accounts.seed_active_account(
        "prestador",
        "prestador@example.mx",
        "JORGE RAMIREZ SOTO",
        "una frase larga segura",
        insurer_ids=["sec"],
        details={
            "country": "MX",
            "rfc": PROVIDER_RFC,
            "fiscal_regime": "612",
            "jalisco_cedular": False,
            "rfc_check_digit_ok": True,
        },
    )


def test_orders_are_registered_once_and_change_only_before_invoicing(
    world: ImportsWorld, provider: str, calls: list[tuple[str, str]]
) -> None:
    data = kind_csv(kinds.ORDENES, ORDERS)
    validated = world.import_file(data, kind="ordenes", name="ordenes.csv")
    assert summary(world, validated) == (2, 0, 0, 2)
    assert report(validated) == {(4, "rfc_prestador"), (5, "numero_cuenta")}
    assert providers.orders_by_account("sec", ["CTA-1", "CTA-2"]) == {}

    calls.clear()
    applied = world.import_file(data, kind="ordenes", name="ordenes.csv", mode="aplicar")
    assert summary(world, applied) == (2, 0, 0, 2)
    no_query_per_row(calls, providers_allowed=2)
    stored = providers.orders_by_account("sec", ["CTA-1", "CTA-2"])
    first = stored["CTA-1"]
    assert (first.provider_id, first.amount, first.patient_name) == (provider, 150000, "ANA RUIZ")
    assert (first.kind, first.status, first.loaded_by) == (
        "digital",
        "registrada",
        world.admin.account_id,
    )
    assert stored["CTA-2"].iva_taxed is True

    again = world.import_file(data, kind="ordenes", name="ordenes.csv", mode="aplicar")
    assert summary(world, again) == (0, 0, 2, 2)
    fixed = [ORDERS[0] | {"importe": "1600.00"}, ORDERS[1] | {"importe": "900.00"}]
    invoiced = replace(stored["CTA-2"], status="factura_validada", invoice_id="inv-1")
    orders_repository.replace_orders([invoiced])
    changed = world.import_file(
        kind_csv(kinds.ORDENES, fixed), kind="ordenes", name="ordenes.csv", mode="aplicar"
    )
    assert summary(world, changed) == (0, 1, 0, 1)
    assert report(changed) == {(3, "numero_cuenta")}
    after = providers.orders_by_account("sec", ["CTA-1", "CTA-2"])
    assert after["CTA-1"] == replace(first, amount=160000)  # same order, new amount
    assert after["CTA-2"].amount == 80050


TRANSACTIONS = [
    {"id_transaccion": "B-1", "rut_prestador": "76.123.456-0"},
    {
        "tipo": "tarjeta",
        "id_transaccion": "T-1",
        "valor_total": "",
        "aporte_financiador": "",
        "aporte_seguro": "",
        "copago": "",
        "monto": "100000",
        "cuotas": "3",
        "comision_emisor": "1500",
        "respuesta_emisor": "aprobada",
    },
    {"id_transaccion": "B-2", "rut_prestador": "11.111.111-1"},
    {"id_transaccion": "B-3", "copago": "1"},
]


def test_transactions_are_stored_once_and_never_changed(
    world: ImportsWorld, calls: list[tuple[str, str]]
) -> None:
    accounts.seed_active_account(
        "prestador",
        "prestador.cl@example.cl",
        "CENTRO MEDICO PRUEBA SPA",
        "una frase larga segura",
        details={"country": "CL", "rut": "761234560"},
    )
    data = kind_csv(kinds.TRANSACCIONES, TRANSACTIONS)
    validated = world.import_file(data, kind="transacciones", name="tx.csv")
    assert summary(world, validated) == (2, 0, 0, 2)
    assert report(validated) == {(4, "rut_prestador"), (5, "valor_total")}
    assert settlement.transactions_by_id("sec", ["B-1", "T-1"]) == {}

    calls.clear()
    applied = world.import_file(data, kind="transacciones", name="tx.csv", mode="aplicar")
    assert summary(world, applied) == (2, 0, 0, 2)
    no_query_per_row(calls, providers_allowed=2)
    stored = settlement.transactions_by_id("sec", ["B-1", "T-1"])
    assert (stored["B-1"].total_value, stored["T-1"].card_amount) == (45000, 100000)
    assert settlement_repository.active_marker("sec", "761234560") is not None

    again = world.import_file(data, kind="transacciones", name="tx.csv", mode="aplicar")
    assert summary(world, again) == (0, 0, 2, 2)
    other = [TRANSACTIONS[0] | {"aporte_seguro": "14000", "copago": "11000"}]
    refused = world.import_file(
        kind_csv(kinds.TRANSACCIONES, other), kind="transacciones", name="tx.csv", mode="aplicar"
    )
    assert summary(world, refused) == (0, 0, 0, 1)
    assert report(refused) == {(2, "id_transaccion")}
    assert settlement.transactions_by_id("sec", ["B-1"]) == {"B-1": stored["B-1"]}


def test_a_redo_after_a_crash_before_the_checkpoint_counts_what_the_first_pass_did(
    world: ImportsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = kind_csv(kinds.HOSPITALES, HOSPITALS)
    created = world.request(data, kind="hospitales", mode="aplicar", name="red.csv")
    world.upload(created, data)
    checkpoint = repository.checkpoint

    def dies(*args: Any, **kwargs: Any) -> bool:
        raise RuntimeError("the worker died after writing the chunk")

    monkeypatch.setattr(repository, "checkpoint", dies)
    (body,) = world.messages()
    with pytest.raises(RuntimeError):
        service.handle_message(body)
    assert len(policies.hospitals("sec")) == 2  # written, not checkpointed
    monkeypatch.setattr(repository, "checkpoint", checkpoint)
    service.handle_message(body)  # SQS delivers the message again
    assert summary(world, created.import_id) == (2, 0, 0, 1)
    assert report(created.import_id) == {(4, "clave")}
    assert worker.HANDLERS.keys() == kinds.KINDS.keys()
