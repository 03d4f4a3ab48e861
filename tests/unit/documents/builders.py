"""Files built in code for the document tests and the bench: ordinary and hostile.

Everything is generated here (no downloads, no binary fixtures to trust): PDFs are written
by hand object by object (so hostile structures are easy to express), CFDI XML is assembled
from templates, JPEGs come from Pillow.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence

# ---------------------------------------------------------------- PDF


def assemble_pdf(objects: dict[int, bytes], *, root: int = 1, version: str = "1.7") -> bytes:
    """Write numbered objects, a correct xref table and the trailer."""
    out = io.BytesIO()
    out.write(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        if number in offsets:
            out.write(f"{offsets[number]:010d} 00000 n \n".encode())
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def stream(data: bytes, *, compress: bool = False, extra: bytes = b"") -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_content(lines: Sequence[str]) -> bytes:
    parts = [b"BT /F1 10 Tf 14 TL 50 800 Td"]
    parts.extend(b"(" + _escape(line) + b") '" for line in lines)
    parts.append(b"ET")
    return b"\n".join(parts)


def make_pdf(
    pages: Sequence[Sequence[str]] = (("Informe médico",),),
    *,
    compress: bool = False,
) -> bytes:
    """A PDF with one page per entry, each showing its lines of text (Helvetica, WinAnsi)."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids = []
    for index, lines in enumerate(pages):
        page_number, content_number = 4 + 2 * index, 5 + 2 * index
        kids.append(f"{page_number} 0 R".encode())
        objects[page_number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_number
        )
        objects[content_number] = stream(text_content(lines), compress=compress)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return assemble_pdf(objects)


def scanned_pdf() -> bytes:
    """A page that only paints (no text at all), like a scan without OCR."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R >>",
        4: stream(b"0.5 g 0 0 612 842 re f"),
    }
    return assemble_pdf(objects)


def many_pages_pdf(count: int) -> bytes:
    """`count` pages sharing one content stream: a small file with a huge page count."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        3: stream(b"0 0 10 10 re f"),
    }
    for i in range(count):
        objects[first_page + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 3 0 R >>"
        )
    return assemble_pdf(objects)


def flate_bomb_pdf(decoded_bytes: int = 200 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates to `decoded_bytes` (~1000:1)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    body = b"".join(compressor.compress(chunk) for _ in range(decoded_bytes // len(chunk)))
    body += compressor.flush()
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R >>",
        4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    }
    return assemble_pdf(objects)


def page_tree_loop_pdf() -> bytes:
    """The page tree's /Kids contains the tree itself: a reference loop."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] >>",
    }
    return assemble_pdf(objects)


def xobject_loop_pdf() -> bytes:
    """A form XObject that draws itself: text extraction would recurse forever."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            b"/Resources << /XObject << /X1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        4: stream(b"/X1 Do"),
        5: stream(
            b"/X1 Do",
            extra=b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] "
            b"/Resources << /XObject << /X1 5 0 R >> >>",
        ),
    }
    return assemble_pdf(objects)


def encrypted_pdf(user_password: str = "secreto", owner_password: str = "dueno") -> bytes:  # noqa: S107
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(make_pdf()))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def html_polyglot_pdf() -> bytes:
    """A PDF whose first kilobyte also reads as a web page (comment line with a script)."""
    pdf = make_pdf()
    header_end = pdf.index(b"\n") + 1
    return pdf[:header_end] + b"%<html><script>alert(1)</script>\n" + pdf[header_end:]


def zip_tail_pdf() -> bytes:
    """A PDF followed by a ZIP archive after %%EOF."""
    return make_pdf() + b"PK\x03\x04" + b"\x00" * 26 + b"payload.exe"


STATEMENT_CLABE = "002180700845632136"  # Banamex, valid check digit
OTHER_CLABE = "012180012345678909"  # BBVA, valid check digit


def statement_pdf(
    *,
    clabe: str = STATEMENT_CLABE,
    holder: str = "JORGE ALBERTO RAMÍREZ SOTO",
    period: str = "Periodo: del 01/05/2026 al 31/05/2026",
    extra_pages: int = 0,
) -> bytes:
    lines = [
        "BANCO NACIONAL DE MEXICO S.A.",
        "ESTADO DE CUENTA",
        f"Titular: {holder}",
        period,
        f"CLABE interbancaria: {clabe}",
        "Saldo anterior 10,234.50  Depósitos 5,000.00  Retiros 1,200.00",
        "03/05/2026 PAGO TARJETA 1,200.00",
    ]
    pages = [lines] + [["Movimientos (continuación)", "15/05/2026 DEPOSITO 5,000.00"]] * (
        extra_pages
    )
    return make_pdf(pages)
