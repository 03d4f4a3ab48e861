"""Each kind's row parser: the template's example row is valid, and a row bad in every column
reports every column (Spanish messages, the file's row number), with nothing stored."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.appointments import service as appointments
from chalicelib.imports import affiliates, clinics, conditions, hospitals, orders, transactions
from chalicelib.imports.kinds import (
    AFILIADOS,
    CLINICAS,
    HOSPITALES,
    ORDENES,
    PADECIMIENTOS,
    TRANSACCIONES,
    Kind,
)
from chalicelib.imports.outcome import RowErrors
from chalicelib.imports.readers import Row

TODAY = date(2026, 11, 25)


def _row(kind: Kind, **values: str) -> Row:
    example = dict(zip(kind.columns, kind.example, strict=False))
    cells = {column: example.get(column, "") for column in kind.columns} | values
    return Row(7, tuple(cells[column] for column in kind.columns))


def _columns(errors: RowErrors) -> set[str]:
    assert {item[0] for item in errors.items} == {7}
    assert all(isinstance(item[3], str) and item[3] for item in errors.items)
    return {str(item[1]) for item in errors.items}


def test_a_condition_row_and_one_bad_in_every_column() -> None:
    found, errors = conditions.parse(_row(PADECIMIENTOS, clave="e11.9 "), TODAY)
    assert not errors
    assert found == conditions.ConditionRow(
        "SEC-000123", "0001", "E11.9", "Diabetes mellitus tipo 2", "2024-03-01"
    )
    bad = _row(
        PADECIMIENTOS,
        poliza="",
        certificado="0 1",
        clave="#",
        descripcion="x" * 201,
        fecha_registro="2026-12-01",
    )
    found, errors = conditions.parse(bad, TODAY)
    assert found is None
    assert _columns(errors) == set(PADECIMIENTOS.columns)
    future = conditions.parse(_row(PADECIMIENTOS, fecha_registro="2026-12-01"), TODAY)[1]
    assert future.items[0][3] == "La fecha no puede ser futura."


def test_a_hospital_row_and_one_bad_in_every_column() -> None:
    found, errors = hospitals.parse(_row(HOSPITALES, nombre="  Hospital   Ángeles  "))
    assert not errors
    assert found is not None
    assert (found.hospital_id, found.name) == ("H-0042", "Hospital Ángeles")
    bad = _row(HOSPITALES, clave="", nombre="", ciudad="x" * 81, estado="", direccion="a\x00b")
    found, errors = hospitals.parse(bad)
    assert found is None
    assert _columns(errors) == set(HOSPITALES.columns)


def test_a_clinic_row_gets_the_id_of_its_code_and_one_bad_in_every_column() -> None:
    found, errors = clinics.parse(_row(CLINICAS, clave="umf-020"), "sec")
    assert not errors
    assert found is not None
    assert found.code == "UMF-020"
    assert found.clinic_id == appointments.clinic_id_for("sec", "UMF-020")
    assert found.clinic_id != appointments.clinic_id_for("adn", "UMF-020")
    bad = _row(CLINICAS, clave="", nombre="U", direccion="x" * 201, zona_horaria="Marte/Olimpo")
    found, errors = clinics.parse(bad, "sec")
    assert found is None
    assert _columns(errors) == set(CLINICAS.columns)
    messages = {str(item[1]): str(item[3]) for item in errors.items}
    assert "zona horaria" in messages["zona_horaria"]


def test_an_affiliate_row_and_one_bad_in_every_column() -> None:
    found, errors = affiliates.parse(_row(AFILIADOS, nss="0123 4567 897", clinica="umf-020"))
    assert not errors
    assert found == affiliates.AffiliateRow(
        "01234567897", "A0012345", "JUAN PÉREZ GARCÍA", "UMF-020"
    )
    bad = _row(AFILIADOS, nss="01234567890", serie_credencial="", nombre="", clinica="")
    found, errors = affiliates.parse(bad)
    assert found is None
    assert _columns(errors) == set(AFILIADOS.columns)
    messages = {str(item[1]): str(item[3]) for item in errors.items}
    assert "último dígito" in messages["nss"]
    short = affiliates.parse(_row(AFILIADOS, nss="1234567890"))[1]
    assert short.items[0][3] == "El número de seguridad social debe tener 11 dígitos."


def test_an_order_row_and_one_bad_in_every_column() -> None:
    found, errors = orders.parse(_row(ORDENES, numero_cuenta="cta-1", iva="SÍ"))
    assert not errors
    assert found is not None
    assert found.rfc == "RASJ750312H42"
    assert found.order.account_number == "CTA-1"
    assert found.order.iva_taxed is True
    assert found.order.amount.amount == "1500.00"
    bad = _row(
        ORDENES,
        numero_cuenta="#",
        rfc_prestador="XXXX",
        paciente="",
        servicio="cirugia",
        fecha="02/03/2026",
        importe="1,500",
        coaseguro="-1",
        iva="quizá",
        firma_asegurado="no",
        firma_medico="talvez",
    )
    found, errors = orders.parse(bad)
    assert found is None
    assert _columns(errors) == set(ORDENES.columns)
    messages = {str(item[1]): str(item[3]) for item in errors.items}
    assert messages["firma_asegurado"] == (
        "La orden digital debe estar firmada por el asegurado y el médico."
    )
    assert messages["firma_medico"] == "Escribe si o no."


def test_a_bono_and_a_card_row_and_bad_ones_name_each_wrong_column() -> None:
    found, errors = transactions.parse(_row(TRANSACCIONES, lugar="Santiago"))
    assert not errors
    assert found is not None
    assert (found.kind, found.transaction_id, found.total_value) == ("bono", "000123456", 45000)
    card = _row(
        TRANSACCIONES,
        tipo="tarjeta",
        valor_total="",
        aporte_financiador="",
        aporte_seguro="",
        copago="",
        monto="100000",
        cuotas="3",
        comision_emisor="1500",
        respuesta_emisor="aprobada",
    )
    found, errors = transactions.parse(card)
    assert not errors
    assert found is not None
    assert (found.kind, found.card_amount, found.installments) == ("tarjeta", 100000, 3)

    bad = _row(
        TRANSACCIONES,
        id_transaccion="",
        rut_prestador="76123456-7",
        fecha="2026-02-30",
        valor_total="45.000",
        aporte_financiador="x",
        aporte_seguro="15000",
        copago="-1",
    )
    found, errors = transactions.parse(bad)
    assert found is None
    assert _columns(errors) == {
        "id_transaccion",
        "rut_prestador",
        "fecha",
        "valor_total",
        "aporte_financiador",
        "copago",
    }
    mismatch = transactions.parse(_row(TRANSACCIONES, copago="1"))[1]
    assert _columns(mismatch) == {"valor_total"}
    assert "suma" in str(mismatch.items[0][3])
    kind = transactions.parse(_row(TRANSACCIONES, tipo="cheque"))[1]
    assert _columns(kind) == {"tipo"}


@pytest.mark.parametrize(
    "parse",
    [
        lambda row: conditions.parse(row, TODAY),
        hospitals.parse,
        lambda row: clinics.parse(row, "sec"),
        affiliates.parse,
        orders.parse,
        transactions.parse,
    ],
)
def test_a_problem_the_reader_found_rejects_the_row(parse: object) -> None:
    row = Row(9, ("",) * 16, problems=(("extra", "x", "La fila tiene más columnas."),))
    found, errors = parse(row)  # type: ignore[operator]
    assert found is None
    assert ["extra", "x", "La fila tiene más columnas."] in [item[1:] for item in errors.items]
