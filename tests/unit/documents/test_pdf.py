"""PDF validator: ordinary, scanned, encrypted, damaged and hostile files."""

from __future__ import annotations

import time

import pytest

from chalicelib.documents import limits
from chalicelib.documents.isolation import run_isolated
from chalicelib.documents.validation import validate_bytes
from tests.unit.documents import builders


def test_an_ordinary_one_page_pdf_is_accepted_with_its_facts() -> None:
    data = builders.make_pdf()
    verdict = validate_bytes(data, "pdf")
    assert verdict.accepted, verdict.reasons
    assert verdict.code == "ok"
    assert verdict.facts["pages"] == 1
    assert verdict.facts["size"] == len(data)
    assert len(verdict.facts["sha256"]) == 64


def test_a_scan_without_text_is_fine_for_a_medical_document() -> None:
    assert validate_bytes(builders.scanned_pdf(), "pdf").accepted


def test_compressed_content_streams_are_decoded() -> None:
    assert validate_bytes(builders.make_pdf(compress=True), "pdf").accepted


def test_encrypted_pdf_is_rejected_as_password_protected() -> None:
    verdict = validate_bytes(builders.encrypted_pdf(), "pdf")
    assert verdict.code == "pdf_encrypted"
    assert "protegido con contraseña" in verdict.reasons[0].message


def test_owner_password_only_opens_without_a_password_and_is_accepted() -> None:
    verdict = validate_bytes(builders.encrypted_pdf(user_password=""), "pdf")
    assert verdict.accepted
    assert verdict.facts["owner_password_only"] is True


@pytest.mark.parametrize(
    "data",
    [
        builders.make_pdf()[:300],  # cut in transit: no %%EOF
        builders.make_pdf()[:320] + b"\n%%EOF\n",  # cut, with an end marker glued on
        builders.make_pdf().replace(b"/Pages 2 0 R", b"/Pagex 2 0 R"),  # no page tree
    ],
    ids=["truncated", "truncated-with-eof", "no-page-tree"],
)
def test_damaged_or_truncated_pdf_is_rejected_as_damaged(data: bytes) -> None:
    verdict = validate_bytes(data, "pdf")
    assert verdict.code == "pdf_damaged"
    assert "dañado" in verdict.reasons[0].message


def test_page_cap_is_200_for_documents_and_30_for_statements() -> None:
    assert validate_bytes(builders.many_pages_pdf(200), "pdf").accepted
    verdict = validate_bytes(builders.many_pages_pdf(201), "pdf")
    assert verdict.code == "pdf_too_many_pages"
    assert "201 páginas" in verdict.reasons[0].message
    assert validate_bytes(builders.many_pages_pdf(31), "bank_statement").code == (
        "pdf_too_many_pages"
    )


def test_a_2000_page_pdf_is_refused_quickly() -> None:
    started = time.perf_counter()
    verdict = validate_bytes(builders.many_pages_pdf(2000), "pdf")
    assert verdict.code == "pdf_too_many_pages"
    assert time.perf_counter() - started < 3


def test_flate_decode_bomb_stops_at_the_stream_cap() -> None:
    started = time.perf_counter()
    verdict = validate_bytes(builders.flate_bomb_pdf(), "pdf")
    assert verdict.code == "pdf_too_complex"
    assert time.perf_counter() - started < 3


def test_a_stream_just_under_the_cap_is_accepted() -> None:
    data = builders.flate_bomb_pdf(decoded_bytes=limits.MAX_STREAM_BYTES - limits.MIB)
    assert validate_bytes(data, "pdf").accepted


def test_reference_loop_in_the_page_tree_is_rejected() -> None:
    verdict = validate_bytes(builders.page_tree_loop_pdf(), "pdf")
    assert verdict.code == "pdf_damaged"


def test_self_drawing_xobject_does_not_hang_text_extraction() -> None:
    started = time.perf_counter()
    verdict = validate_bytes(builders.xobject_loop_pdf(), "bank_statement")
    assert not verdict.accepted
    assert time.perf_counter() - started < 3


def test_pdf_with_html_in_its_head_is_refused() -> None:
    assert validate_bytes(builders.html_polyglot_pdf(), "pdf").code == "pdf_suspicious_content"


def test_pdf_with_an_archive_after_its_end_is_refused() -> None:
    assert validate_bytes(builders.zip_tail_pdf(), "pdf").code == "pdf_suspicious_content"


@pytest.mark.parametrize(
    ("data", "detected"),
    [
        (b"<html><body>%PDF-1.7</body></html>", "html"),
        (b"\xff\xd8\xff\xe0 not a pdf", "jpeg"),
        (b"PK\x03\x04" + b"\x00" * 40, "zip"),
        (b"MZ\x90\x00 program", "executable"),
        (b"  %PDF-1.7 header not at byte 0\n%%EOF", "text"),
    ],
)
def test_wrong_magic_bytes_are_refused_before_parsing(data: bytes, detected: str) -> None:
    verdict = validate_bytes(data, "pdf")
    assert verdict.code == "file_type_mismatch"
    assert verdict.facts["detected_type"] == detected


def test_empty_and_oversized_files_are_refused() -> None:
    assert validate_bytes(b"", "pdf").code == "file_empty"
    too_big = b"%PDF-1.7\n" + b"0" * limits.MAX_FILE_BYTES["pdf"]
    assert validate_bytes(too_big, "pdf").code == "file_too_large"


def _sleep_forever() -> None:
    while True:
        time.sleep(0.05)


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * limits.MIB))


def test_isolation_kills_a_child_that_overruns_its_time() -> None:
    result = run_isolated(_sleep_forever, timeout_seconds=0.3)
    assert result.outcome == "timeout"
    assert result.elapsed_seconds < 2


def test_isolation_caps_the_memory_of_the_child() -> None:
    assert run_isolated(_allocate, 1000, memory_bytes=128 * limits.MIB).outcome == "memory"
    result = run_isolated(_allocate, 16, memory_bytes=128 * limits.MIB)
    assert (result.outcome, result.value) == ("ok", 16 * limits.MIB)


def _die() -> None:
    import os

    os._exit(3)


def test_isolation_reports_a_child_that_dies_without_answering() -> None:
    assert run_isolated(_die).outcome == "crashed"


def test_a_validator_bug_becomes_a_verdict_not_an_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib.documents.validators import pdf

    def broken(data: bytes, kind: str = "pdf") -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr(pdf, "validate_pdf", broken)
    verdict = validate_bytes(builders.make_pdf(), "pdf")
    assert verdict.code == "file_unreadable"
    assert verdict.facts["sha256"]


def test_an_unknown_kind_is_a_programming_error() -> None:
    from chalicelib.documents.validation import UnknownKind

    with pytest.raises(UnknownKind):
        validate_bytes(b"%PDF-1.7", "spreadsheet")
