"""One order-format PDF from the three a traditional order needs (letter, statement, tax
certificate), so the doctor never has to join PDFs by hand. pypdf is imported here only."""

from __future__ import annotations

import io
from collections.abc import Sequence


def merge_pdfs(parts: Sequence[bytes]) -> bytes:
    """The pages of every part, in order, as one PDF."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
