"""`python -m chalicelib.documents`: JSON out, exit 0 accepted / 1 rejected / 2 usage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.documents.__main__ import main
from infrastructure.local.cfdi_authority import session_authority
from tests.unit.documents import builders

ROOT = Path(__file__).resolve().parents[3]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


def _validate(
    path: Path, kind: str, capsys: pytest.CaptureFixture[str], **options: str
) -> tuple[int, dict[str, object]]:
    """`validate PATH --kind KIND`, each keyword as its option (`issuer_rfc` → `--issuer-rfc`)."""
    argv = ["validate", str(path), "--kind", kind]
    for name, value in options.items():
        argv += [f"--{name.replace('_', '-')}", value]
    return _run(argv, capsys)


def test_validate_prints_the_verdict_and_exits_0_when_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "estado.pdf"
    path.write_bytes(builders.statement_pdf())
    code, body = _validate(
        path,
        "bank_statement",
        capsys,
        clabe=builders.STATEMENT_CLABE,
        holder="Jorge Alberto Ramírez Soto",
        today="2026-06-15",
    )
    assert code == 0
    assert body["status"] == "aceptado"
    assert body["code"] == "ok"
    assert body["reasons"] == []
    assert set(body) == {"status", "code", "reasons", "facts"}


def test_validate_exits_1_with_the_first_reason_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "protegido.pdf"
    path.write_bytes(builders.encrypted_pdf())
    code, body = _validate(path, "pdf", capsys)
    assert code == 1
    assert body["status"] == "rechazado"
    assert body["code"] == "pdf_encrypted"
    assert body["reasons"][0]["code"] == "pdf_encrypted"  # type: ignore[index]


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "missing-file.pdf", "--kind", "pdf"],
        ["validate", "x.pdf", "--kind", "spreadsheet"],
        ["validate", "x.pdf"],
        ["validate", "x.pdf", "--kind", "pdf", "--today", "15/06/2026"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code: int | str | None = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2


def test_check_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, body = _run(["check-name", "receta.pdf"], capsys)
    assert (code, body["valid"], body["code"]) == (0, True, "ok")
    code, body = _run(["check-name", "receta médica.pdf"], capsys)
    assert (code, body["valid"], body["code"]) == (1, False, "file_name_invalid")
    assert "un espacio" in str(body["message"])
    code, body = _run(["check-name", "--owner", "operator_transactions", "carga.csv"], capsys)
    assert code == 0


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    path = tmp_path / "informe.pdf"
    path.write_bytes(builders.make_pdf())
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.documents", "validate", str(path), "--kind", "pdf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "aceptado"


def test_importing_the_package_loads_no_heavy_parser() -> None:
    code = (
        "import sys, chalicelib.documents, chalicelib.documents.validation, "
        "chalicelib.documents.names, chalicelib.documents.limits\n"
        "print(sorted(m for m in ('pypdf', 'lxml', 'PIL', 'clabe') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_validate_a_fee_invoice_and_a_payment_complement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoice = tmp_path / "factura.xml"
    invoice.write_bytes(builders.cfdi_invoice(regime="626", cedular=True))
    code, body = _validate(
        invoice,
        "cfdi_invoice",
        capsys,
        issuer_rfc=builders.ISSUER_RFC,
        receiver_rfc=builders.RECEIVER_RFC,
    )
    assert code == 0, body
    assert body["facts"]["uuid"] == builders.INVOICE_UUID  # type: ignore[index]
    code, body = _validate(invoice, "cfdi_invoice", capsys, receiver_rfc="ADN050101AA4")
    assert (code, body["code"]) == (1, "cfdi_receiver_mismatch")
    payment = tmp_path / "pago.xml"
    payment.write_bytes(builders.cfdi_payment())
    code, body = _validate(
        payment, "cfdi_payment", capsys, invoice_uuid="11111111-2222-4333-8444-555555555555"
    )
    assert (code, body["code"]) == (1, "payment_uuid_mismatch")


def test_trusted_ca_adds_authorities_for_the_run_and_may_repeat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from infrastructure.local.cfdi_authority import TestAuthority

    other = TestAuthority(*[session_authority().signer_key] * 2, name="OTRA AUTORIDAD DE PRUEBAS")
    invoice = tmp_path / "factura.xml"
    invoice.write_bytes(other.seal(builders.cfdi_invoice(sealed=False)))
    assert main(["validate", str(invoice), "--kind", "cfdi_invoice"]) == 1
    assert json.loads(capsys.readouterr().out)["code"] == "cfdi_certificate_untrusted"
    (tmp_path / "a.pem").write_bytes(session_authority().pem())
    (tmp_path / "b.pem").write_bytes(other.pem())
    argv = ["validate", str(invoice), "--kind", "cfdi_invoice"]
    argv += ["--trusted-ca", str(tmp_path / "a.pem"), "--trusted-ca", str(tmp_path / "b.pem")]
    assert main(argv) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert main([*argv[:4], "--trusted-ca", str(tmp_path / "missing.pem")]) == 2
