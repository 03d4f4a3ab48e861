"""File types by their first bytes, checked before any parser sees the file.

The declared content type and the name's extension are the uploader's word; these bytes are
the file's. A PDF must start with its header at byte 0 (readers accept it later in the first
kilobyte, which is what PDF/HTML and PDF/ZIP polyglots use), a JPEG with SOI + a marker, an
XML with `<` after an optional UTF-8 BOM and blanks.
"""

from __future__ import annotations

import re
from typing import Final

UTF8_BOM: Final = b"\xef\xbb\xbf"

# Signatures that must never ride inside or after an accepted file (polyglots).
FOREIGN_SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x7fELF", "ELF"),
    (b"%PDF-", "PDF"),
    (b"\x1f\x8b\x08", "gzip"),
    (b"MSCF\x00\x00\x00\x00", "CAB"),
)
_HTML_PATTERN: Final = re.compile(
    rb"<\s*(?:!doctype\s+html|html|script|body|iframe|svg|object|embed)\b", re.IGNORECASE
)
_PDF_HEADER: Final = re.compile(rb"%PDF-[12]\.\d")


def detect(data: bytes) -> str:
    """Best guess of what `data` is: pdf, jpeg, png, xml, zip, html, text or unknown."""
    head = data[:1024]
    if _PDF_HEADER.match(head):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith((b"MZ", b"\x7fELF")):
        return "executable"
    stripped = head.removeprefix(UTF8_BOM).lstrip()
    if _HTML_PATTERN.match(stripped):
        return "html"
    if stripped.startswith(b"<"):
        return "xml"
    if b"\x00" not in head:
        return "text"
    return "unknown"


def foreign_signature(data: bytes) -> str | None:
    """Name of an archive/executable/PDF/HTML signature found anywhere in `data`, if any."""
    for signature, name in FOREIGN_SIGNATURES:
        if signature in data:
            return name
    if data.startswith(b"MZ"):
        return "ejecutable"
    if _HTML_PATTERN.search(data):
        return "HTML"
    return None


def html_in(data: bytes) -> bool:
    return _HTML_PATTERN.search(data) is not None


TYPE_LABELS: Final[dict[str, str]] = {
    "pdf": "un PDF",
    "jpeg": "una imagen JPEG",
    "png": "una imagen PNG",
    "gif": "una imagen GIF",
    "zip": "un archivo comprimido",
    "executable": "un programa ejecutable",
    "html": "una página web (HTML)",
    "xml": "un XML",
    "text": "un archivo de texto",
    "unknown": "un tipo de archivo desconocido",
}
