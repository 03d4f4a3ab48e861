"""Upload-slot rules: names, types per owner kind, counts and sizes, keys. No AWS."""

from __future__ import annotations

import pytest

from chalicelib.documents import limits, rules
from chalicelib.documents.rules import DocumentOwner, FileSpec, SlotProblem, plan_files
from chalicelib.documents.s3_events import NotAnS3Notification, created_objects

MIB = limits.MIB


def spec(name: str = "informe.pdf", size: int = 1000, doc_type: str = "informe_medico") -> FileSpec:
    return FileSpec(name=name, size=size, content_type="", doc_type=doc_type)


def plan(owner: DocumentOwner, *files: FileSpec, existing: tuple[int, int] = (0, 0)) -> list[str]:
    planned = plan_files(owner, list(files), existing_files=existing[0], existing_bytes=existing[1])
    return [item.kind for item in planned]


def problem(
    owner: DocumentOwner, *files: FileSpec, existing: tuple[int, int] = (0, 0)
) -> SlotProblem:
    with pytest.raises(SlotProblem) as caught:
        plan(owner, *files, existing=existing)
    return caught.value


# --- validation kinds per owner ----------------------------------------------------------------


def test_people_files_get_their_kind_by_type_and_extension() -> None:
    assert plan(
        DocumentOwner.CLAIM,
        spec("informe.pdf"),
        spec("receta.JPG", doc_type="receta"),
        spec("foto.jpeg", doc_type="receta"),
        spec("factura.xml", doc_type="factura"),
        spec("estado.pdf", doc_type="bank_statement"),
    ) == ["pdf", "image", "image", "cfdi_expense", "bank_statement"]


def test_invoice_owner_takes_cfdi_kinds_and_refuses_a_loose_xml() -> None:
    assert plan(
        DocumentOwner.INVOICE,
        spec("F-1.xml", doc_type="cfdi_invoice"),
        spec("P-1.xml", doc_type="cfdi_payment"),
    ) == ["cfdi_invoice", "cfdi_payment"]
    found = problem(DocumentOwner.INVOICE, spec("F-1.xml", doc_type="factura"))
    assert found.code == "file_type_not_allowed"


def test_a_fixed_type_must_have_its_extension() -> None:
    found = problem(DocumentOwner.BANK_ACCOUNT, spec("estado.jpg", doc_type="bank_statement"))
    assert found.code == "file_type_not_allowed"
    assert found.message == "El estado de cuenta debe ser un PDF."
    assert found.details[0].field == "files.0.name"


def test_operators_upload_csv_only_and_people_never_do() -> None:
    assert plan(DocumentOwner.TRANSACTIONS, spec("carga.csv", doc_type="transactions_csv")) == [
        "transactions_csv"
    ]
    assert problem(
        DocumentOwner.TRANSACTIONS, spec("carga.pdf", doc_type="transactions_csv")
    ).code == ("file_type_not_allowed")
    assert problem(DocumentOwner.CLAIM, spec("carga.csv", doc_type="transactions_csv")).code == (
        "file_type_not_allowed"
    )
    assert problem(DocumentOwner.TRANSACTIONS, spec("carga.csv", doc_type="otro")).code == (
        "file_type_not_allowed"
    )


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("informe médico.pdf", "un espacio"),
        ("informé.pdf", "«é»"),
        ("factura$1.pdf", "«$»"),
        ("recibo.final.pdf", "2 puntos"),
        ("a" * 101 + ".pdf", "máximo es 100"),
    ],
)
def test_a_bad_name_is_refused_with_a_message_that_names_the_problem(
    name: str, fragment: str
) -> None:
    found = problem(DocumentOwner.CLAIM, spec(name))
    assert found.code == "file_name_invalid"
    assert fragment in found.message


def test_every_bad_file_is_reported_by_its_position() -> None:
    found = problem(
        DocumentOwner.CLAIM, spec("bien.pdf"), spec("mal nombre.pdf"), spec("virus.exe")
    )
    assert [(d.field, d.code) for d in found.details] == [
        ("files.1.name", "file_name_invalid"),
        ("files.2.name", "file_type_not_allowed"),
    ]


# --- sizes and counts ---------------------------------------------------------------------------


def test_per_file_caps_depend_on_the_kind() -> None:
    assert plan(DocumentOwner.CLAIM, spec("a.pdf", size=20 * MIB)) == ["pdf"]
    found = problem(DocumentOwner.CLAIM, spec("a.xml", size=2 * MIB + 1, doc_type="factura"))
    assert found.code == "file_too_large"
    assert "máximo para este documento es 2 MB" in found.message
    assert problem(
        DocumentOwner.BANK_ACCOUNT, spec("e.pdf", 10 * MIB + 1, "bank_statement")
    ).code == ("file_too_large")
    assert problem(DocumentOwner.CLAIM, spec("a.pdf", size=0)).code == "file_empty"


def test_fifty_files_per_owner_counting_those_already_there() -> None:
    assert len(plan(DocumentOwner.CLAIM, *[spec(f"f{i}.pdf") for i in range(50)])) == 50
    assert len(plan(DocumentOwner.CLAIM, spec("uno.pdf"), existing=(49, 0))) == 1
    found = problem(DocumentOwner.CLAIM, spec("a.pdf"), spec("b.pdf"), existing=(49, 0))
    assert found.code == "too_many_files"
    assert "Puedes agregar 1 más" in found.message


def test_fifty_megabytes_per_owner_counting_those_already_there() -> None:
    assert plan(DocumentOwner.CLAIM, spec("a.pdf", 10 * MIB), existing=(3, 40 * MIB)) == ["pdf"]
    found = problem(DocumentOwner.CLAIM, spec("a.pdf", 10 * MIB + 1), existing=(3, 40 * MIB))
    assert found.code == "upload_too_large"
    three = [spec(f"f{i}.pdf", 17 * MIB) for i in range(3)]
    assert problem(DocumentOwner.CLAIM, *three).code == "upload_too_large"


def test_no_files_is_refused() -> None:
    assert problem(DocumentOwner.CLAIM).code == "validation_error"


# --- keys and names in headers ------------------------------------------------------------------


def test_keys_round_trip_and_foreign_keys_are_not_recognised() -> None:
    key = rules.upload_key("claim", "c-1", "d-1", "informe.pdf")
    assert key == "uploads/claim/c-1/d-1/informe.pdf"
    parts = rules.parse_upload_key(key)
    assert parts is not None
    assert (parts.owner_kind, parts.owner_id, parts.document_id, parts.name) == (
        "claim", "c-1", "d-1", "informe.pdf",
    )  # fmt: skip
    for foreign in ("derived/claim/c-1/d-1/x.jpg", "uploads/claim/c-1/x.pdf", "uploads/../x"):
        assert rules.parse_upload_key(foreign) is None
    assert rules.derived_key("claim", "c-1", "d-1", "foto.jpeg") == "derived/claim/c-1/d-1/foto.jpg"


def test_attachment_names_are_ascii_without_quotes() -> None:
    assert rules.attachment_filename('in"forme médico.pdf') == "in_forme_medico.pdf"
    assert rules.attachment_filename("...") == "documento"


# --- S3 notifications -------------------------------------------------------------------------


def test_notifications_decode_keys_and_skip_the_test_event() -> None:
    body = (
        '{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Post","s3":{"bucket":'
        '{"name":"b"},"object":{"key":"uploads%2Fclaim%2Fc%2Fd%2Fa+b%2Bc.pdf","size":5,'
        '"eTag":"abc","versionId":"v1"}}}]}'
    )
    [created] = created_objects(body)
    assert created.key == "uploads/claim/c/d/a b+c.pdf"
    assert (created.size, created.etag, created.version_id) == (5, "abc", "v1")
    assert created_objects('{"Service":"Amazon S3","Event":"s3:TestEvent"}') == []
    for poison in ("no json", "[]", '{"Records": [{"eventSource": "aws:sqs"}]}'):
        with pytest.raises(NotAnS3Notification):
            created_objects(poison)
