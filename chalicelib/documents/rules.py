"""Upload-slot rules, pure: owner kinds, which validation kind a file gets, limits, keys.

The service asks these functions before it writes anything; nothing here talks to AWS, so
the unit tests can go through every rule. Numbers live in `limits.py`, the file-name rule in
`names.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

from chalicelib.documents import limits
from chalicelib.documents.names import CONTENT_TYPES, MAX_NAME_LENGTH, OwnerKind, check_name
from chalicelib.errors import ErrorDetail
from chalicelib.kernel.text import strip_accents

UPLOADS_PREFIX: Final = "uploads/"  # infrastructure/definition.py: only this prefix notifies
DERIVED_PREFIX: Final = "derived/"


class DocumentOwner(StrEnum):
    """What a document belongs to; the owning context registers its hooks under this name."""

    CLAIM = "claim"
    BANK_ACCOUNT = "bank_account"
    CARE_ORDER = "care_order"
    INVOICE = "invoice"
    TRANSACTIONS = "transactions"
    # One upload of an insurer's logo (its own id per upload; the insurer is the document's).
    INSURER_LOGO = "insurer_logo"
    # One import file of an insurer (its own id per import): the imports context reads it.
    IMPORT = "import"


# People upload PDF/XML/JPEG; operators upload transaction CSV files.
NAME_RULES: Final[dict[DocumentOwner, OwnerKind]] = {
    DocumentOwner.CLAIM: OwnerKind.PERSON,
    DocumentOwner.BANK_ACCOUNT: OwnerKind.PERSON,
    DocumentOwner.CARE_ORDER: OwnerKind.PERSON,
    DocumentOwner.INVOICE: OwnerKind.PERSON,
    DocumentOwner.TRANSACTIONS: OwnerKind.OPERATOR_TRANSACTIONS,
    DocumentOwner.INSURER_LOGO: OwnerKind.LOGO,
    DocumentOwner.IMPORT: OwnerKind.IMPORT,
}

# Document types whose validation kind is fixed, with the extension they must have.
FIXED_KINDS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "bank_statement": ("bank_statement", ("pdf",)),
    "cfdi_invoice": ("cfdi_invoice", ("xml",)),
    "cfdi_expense": ("cfdi_expense", ("xml",)),
    "cfdi_payment": ("cfdi_payment", ("xml",)),
    "transactions_csv": ("transactions_csv", ("csv",)),
    "insurer_logo": ("logo", ("png", "jpg", "jpeg")),
    "import_file": ("import_file", ("csv", "xlsx")),
}
_FIXED_LABELS: Final[dict[str, str]] = {
    "bank_statement": "El estado de cuenta debe ser un PDF.",
    "cfdi_invoice": "La factura debe ser el archivo XML del CFDI.",
    "cfdi_expense": "La factura debe ser el archivo XML del CFDI.",
    "cfdi_payment": "El complemento de pago debe ser el archivo XML del CFDI.",
    "transactions_csv": "El archivo de transacciones debe ser un CSV.",
    "insurer_logo": "El logotipo debe ser una imagen PNG o JPEG.",
    "import_file": "El archivo de importación debe ser CSV o Excel (.xlsx).",
}
# Owners whose files are all of one document type (a logo upload holds only the logo).
OWNER_DOC_TYPES: Final[dict[DocumentOwner, str]] = {
    DocumentOwner.INSURER_LOGO: "insurer_logo",
    DocumentOwner.IMPORT: "import_file",
}
# Any other document type (a medical report, a prescription, an ID) is judged by what the
# file is: a PDF, a photo, or, on a claim, the XML of an expense invoice.
KIND_BY_EXTENSION: Final[dict[str, str]] = {"pdf": "pdf", "jpg": "image", "jpeg": "image"}
XML_KIND_BY_OWNER: Final[dict[DocumentOwner, str]] = {DocumentOwner.CLAIM: "cfdi_expense"}

# The content type a validated file is served with (inline previews use it).
VALIDATED_CONTENT_TYPES: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "bank_statement": "application/pdf",
    "image": "image/jpeg",
    "logo": "image/png",  # or image/jpeg: the derived copy's own type is the one recorded
    "cfdi_invoice": "application/xml",
    "cfdi_expense": "application/xml",
    "cfdi_payment": "application/xml",
    "transactions_csv": "text/csv",
    "import_file": "application/octet-stream",
}
# Kinds the pipeline does not read: their owner streams the file itself (an import of
# 100,000 rows is never loaded whole), so the pipeline judges only their stored size.
STREAMED_KINDS: Final = frozenset({"import_file"})
INLINE_KINDS: Final = frozenset({"pdf", "bank_statement", "image", "logo"})

DOC_TYPE_PATTERN: Final = re.compile(r"^[a-z0-9_]{1,40}$")
_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_KEY_PATTERN: Final = re.compile(
    r"^uploads/(?P<owner_kind>[a-z_]+)/(?P<owner_id>[A-Za-z0-9-]{1,64})/"
    r"(?P<document_id>[A-Za-z0-9-]{1,64})/(?P<name>[^/]{1,100})$"
)


@dataclass(frozen=True)
class Declared:
    """What the owner states about a file, for the rules that compare the file with it."""

    clabe: str | None = None
    holder: str | None = None
    issuer_rfc: str | None = None
    receiver_rfc: str | None = None
    invoice_uuid: str | None = None
    # None: inferred from the invoice (an implocal retention means the cedular tax applies).
    jalisco_cedular: bool | None = None

    def as_dict(self) -> dict[str, str | bool]:
        return {name: value for name, value in vars(self).items() if value is not None}


class DescribedFile(Protocol):
    """What a request body says of a file it is about to upload."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def content_type(self) -> str: ...


@dataclass(frozen=True)
class FileSpec:
    """A file the browser is about to upload, as it declares it (plus the owner's facts)."""

    name: str
    size: int
    content_type: str
    doc_type: str
    declared: Declared | None = None

    @classmethod
    def of(cls, file: DescribedFile, doc_type: str, declared: Declared | None = None) -> FileSpec:
        """The spec of a file as a request body describes it."""
        return cls(file.name, file.size, file.content_type, doc_type, declared)


@dataclass(frozen=True)
class PlannedFile:
    """A file that passed the slot rules: what the server will sign and record."""

    spec: FileSpec
    kind: str  # validation kind (validation.KINDS)
    extension: str
    content_type: str  # chosen by the server from the extension, not the browser's word


@dataclass(frozen=True)
class KeyParts:
    owner_kind: str
    owner_id: str
    document_id: str
    name: str


class SlotProblem(Exception):
    """The files break a rule; `code` picks the status, `details` name each file."""

    def __init__(self, code: str, message: str, details: list[ErrorDetail]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    @classmethod
    def of_all_files(cls, code: str, message: str) -> SlotProblem:
        """A limit the files break together, told on the `files` field with the same code."""
        return cls(code, message, [ErrorDetail("files", code, message)])


def kind_for(owner: DocumentOwner, doc_type: str, extension: str) -> str | None:
    """Validation kind of a file of `doc_type` with `extension` on `owner`; None: not allowed."""
    only = OWNER_DOC_TYPES.get(owner)
    if (only is not None or doc_type in OWNER_DOC_TYPES.values()) and doc_type != only:
        return None  # a logo upload holds only a logo, and only a logo upload holds one
    fixed = FIXED_KINDS.get(doc_type)
    if fixed is not None:
        kind, extensions = fixed
        return kind if extension in extensions else None
    if owner is DocumentOwner.TRANSACTIONS:
        return None
    if extension == "xml":
        return XML_KIND_BY_OWNER.get(owner)
    return KIND_BY_EXTENSION.get(extension)


def _mib(size: int) -> str:
    return f"{size / limits.MIB:.1f}".rstrip("0").rstrip(".")


def plan_files(
    owner: DocumentOwner, files: list[FileSpec], *, existing_files: int, existing_bytes: int
) -> list[PlannedFile]:
    """Check every rule for `files` added to what the owner already holds.

    Raises `SlotProblem`: `file_name_invalid`/`file_type_not_allowed` (422, one detail per
    file), `file_too_large` (413), `too_many_files` (409) or `upload_too_large` (413).
    """
    if not files:
        raise SlotProblem(
            "validation_error",
            "Indica al menos un archivo.",
            [ErrorDetail("files", "too_short", "Indica al menos un archivo.")],
        )
    planned: list[PlannedFile] = []
    problems: list[ErrorDetail] = []
    too_large: list[ErrorDetail] = []
    for index, spec in enumerate(files):
        field = f"files.{index}"
        check = check_name(spec.name, NAME_RULES[owner])
        if not check.valid or check.extension is None:
            problems.append(ErrorDetail(f"{field}.name", check.code, check.message))
            continue
        if not DOC_TYPE_PATTERN.match(spec.doc_type):
            problems.append(
                ErrorDetail(
                    f"{field}.doc_type", "doc_type_invalid", "El tipo de documento no es válido."
                )
            )
            continue
        kind = kind_for(owner, spec.doc_type, check.extension)
        if kind is None:
            message = _FIXED_LABELS.get(
                spec.doc_type, f"No se aceptan archivos .{check.extension} para este documento."
            )
            problems.append(ErrorDetail(f"{field}.name", "file_type_not_allowed", message))
            continue
        cap = limits.MAX_FILE_BYTES[kind]
        if spec.size < 1:
            problems.append(ErrorDetail(f"{field}.size", "file_empty", "El archivo está vacío."))
            continue
        if spec.size > cap:
            too_large.append(
                ErrorDetail(
                    f"{field}.size",
                    "file_too_large",
                    f"«{spec.name}» pesa {_mib(spec.size)} MB; el máximo para este documento "
                    f"es {_mib(cap)} MB.",
                )
            )
            continue
        planned.append(PlannedFile(spec, kind, check.extension, CONTENT_TYPES[check.extension]))
    if problems:
        raise SlotProblem(problems[0].code, problems[0].message, problems + too_large)
    if too_large:
        raise SlotProblem("file_too_large", too_large[0].message, too_large)
    total_files = existing_files + len(files)
    if total_files > limits.MAX_FILES_PER_OWNER:
        room = max(0, limits.MAX_FILES_PER_OWNER - existing_files)
        message = (
            f"Se permiten como máximo {limits.MAX_FILES_PER_OWNER} archivos; ya hay "
            f"{existing_files} y quieres agregar {len(files)}. Puedes agregar {room} más."
        )
        raise SlotProblem.of_all_files("too_many_files", message)
    total_bytes = existing_bytes + sum(spec.size for spec in files)
    if total_bytes > limits.MAX_BYTES_PER_OWNER:
        room = max(0, limits.MAX_BYTES_PER_OWNER - existing_bytes)
        message = (
            f"Los archivos suman {_mib(total_bytes)} MB con los que ya subiste; el máximo es "
            f"{_mib(limits.MAX_BYTES_PER_OWNER)} MB. Quedan {_mib(room)} MB disponibles."
        )
        raise SlotProblem.of_all_files("upload_too_large", message)
    return planned


def check_id(value: str) -> bool:
    """Ids that go into S3 keys: letters, digits and hyphens (UUIDs, ULIDs)."""
    return bool(_ID_PATTERN.match(value))


def upload_key(owner_kind: str, owner_id: str, document_id: str, name: str) -> str:
    return f"{UPLOADS_PREFIX}{owner_kind}/{owner_id}/{document_id}/{name}"


DERIVED_EXTENSIONS: Final[dict[str, str]] = {"image/jpeg": "jpg", "image/png": "png"}


def derived_key(
    owner_kind: str, owner_id: str, document_id: str, name: str, content_type: str = "image/jpeg"
) -> str:
    """Where the clean copy of a file goes (never under uploads/, so it is not validated)."""
    stem = name.rsplit(".", 1)[0]
    extension = DERIVED_EXTENSIONS[content_type]
    return f"{DERIVED_PREFIX}{owner_kind}/{owner_id}/{document_id}/{stem}.{extension}"


def parse_upload_key(key: str) -> KeyParts | None:
    """The parts of a key the server generated; None for anything else."""
    found = _KEY_PATTERN.match(key)
    if found is None:
        return None
    return KeyParts(
        owner_kind=found["owner_kind"],
        owner_id=found["owner_id"],
        document_id=found["document_id"],
        name=found["name"],
    )


def attachment_filename(name: str) -> str:
    """A name safe inside `Content-Disposition: attachment; filename="…"` (ASCII, no quotes)."""
    folded = strip_accents(name).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", folded).strip("._") or "documento"
    return safe[:MAX_NAME_LENGTH]
