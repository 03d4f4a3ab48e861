"""Every limit of the document pipeline, in one place.

Upload slots, the validating function and the tests read these numbers; change them here.
"""

from __future__ import annotations

from typing import Final

KIB: Final = 1024
MIB: Final = 1024 * KIB

# Per owner (a claim, a bank account, a care order, an invoice, an operator's load).
MAX_FILES_PER_OWNER: Final = 50
MAX_BYTES_PER_OWNER: Final = 50 * MIB

# Per file, by validation kind. An XML invoice is a few KB; a bank statement a few hundred.
MAX_FILE_BYTES: Final[dict[str, int]] = {
    "pdf": 20 * MIB,
    "bank_statement": 10 * MIB,
    "cfdi_invoice": 2 * MIB,
    "cfdi_expense": 2 * MIB,
    "cfdi_payment": 2 * MIB,
    "image": 10 * MIB,
    "logo": 512 * KIB,
    "transactions_csv": 5 * MIB,
    # Read as a stream by the imports context (100,000 roster rows are ≈ 15 MB of CSV).
    "import_file": 50 * MIB,
}

# XML is refused above this many bytes before anything parses it.
MAX_XML_BYTES: Final = 2 * MIB

# PDF pages by kind: a statement has a few pages; a medical file can be long.
MAX_PDF_PAGES_BY_KIND: Final[dict[str, int]] = {"bank_statement": 30}
MAX_PDF_PAGES_DEFAULT: Final = 200

# Decoded bytes allowed for one PDF stream (FlateDecode and the other filters).
MAX_STREAM_BYTES: Final = 10 * MIB
# Page-tree entries pypdf may walk before giving up (well above any page cap).
MAX_PAGE_TREE_ENTRIES: Final = 10_000
# Text kept from a PDF for the rules that read it (a 30-page statement is far below).
MAX_PDF_TEXT_CHARS: Final = 500_000
# Fewer non-blank characters than this and a PDF has no usable text (a scan).
MIN_TEXT_CHARS: Final = 40

# Budget of one isolated validation (PDF and JPEG parse in a forked child process).
VALIDATION_TIMEOUT_SECONDS: Final = 2.5
# Address space the child may add to what it inherited from the parent.
VALIDATION_MEMORY_BYTES: Final = 256 * MIB

# Images: a 12-megapixel phone photo is 12e6 pixels; a pixel flood claims billions.
MAX_IMAGE_PIXELS: Final = 40_000_000
MAX_IMAGE_SIDE: Final = 20_000
# Quality of the re-encoded copy stored under derived/.
DERIVED_JPEG_QUALITY: Final = 85

# An insurer's logo (PNG or JPEG): refused above these from its header, before decoding (a
# 512 KB PNG can claim gigapixels); the copy shown is scaled down to fit LOGO_SHOWN_SIDE.
MAX_LOGO_PIXELS: Final = 4096 * 4096
MAX_LOGO_SIDE: Final = 4096
LOGO_SHOWN_SIDE: Final = 1024

# Operators' transaction files.
MAX_CSV_ROWS: Final = 10_000
MAX_CSV_LINE_CHARS: Final = 4_000
MAX_CSV_ERRORS_REPORTED: Final = 100

# A bank statement counts when its period or cut-off date is this many months old at most.
STATEMENT_MAX_AGE_MONTHS: Final = 3


def max_pdf_pages(kind: str) -> int:
    """Page cap for a PDF validated as `kind`."""
    return MAX_PDF_PAGES_BY_KIND.get(kind, MAX_PDF_PAGES_DEFAULT)
