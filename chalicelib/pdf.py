"""One-page printable documents (the sick-leave certificate, the membership card), drawn
in millimetres from the page's top-left corner, like a form.

pydyf writes the PDF objects (a small, pure-Python writer, no dependencies); this module
adds what the two documents use (the module is imported by their printing functions only,
never on the API's import path): filled rectangles, text in the standard fonts Helvetica,
Helvetica-Bold and Courier (no font files: every PDF reader has them), lines wrapped to a
width, and a QR code as a grey-scale image (readers and scanners that look for an image
find one). Text is written in Windows-1252, which has every letter of Spanish; anything
outside it is printed as "?" rather than failing the print.

A cell is a box of a given height whose text is centred on its middle line with 1 mm of
padding, so that a row of cells lines up however big each one's font is.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import pydyf  # type: ignore[import-untyped]
import segno

from chalicelib.pdf_fonts import HELVETICA, HELVETICA_BOLD

Font = Literal["Helvetica", "Helvetica-Bold", "Courier"]
Align = Literal["L", "C", "J"]
Color = tuple[int, int, int]

POINTS_PER_MM = 72 / 25.4
PADDING_MM = 1.0
LETTER_MM = (215.9, 279.4)
_FONT_KEYS: dict[Font, str] = {"Helvetica": "F1", "Helvetica-Bold": "F2", "Courier": "F3"}
_WIDTHS: dict[Font, tuple[int, ...] | None] = {
    "Helvetica": HELVETICA,
    "Helvetica-Bold": HELVETICA_BOLD,
    "Courier": None,
}
BLACK: Color = (0, 0, 0)


def encode(text: str) -> bytes:
    """The text in the fonts' encoding (Windows-1252); what it lacks becomes "?"."""
    return text.encode("cp1252", "replace")


def text_width(text: str, font: Font, size: float) -> float:
    """The width of `text` in millimetres at `size` points."""
    widths = _WIDTHS[font]
    units = sum(600 if widths is None else widths[max(b, 32) - 32] for b in encode(text))
    return units * size / 1000 / POINTS_PER_MM


def wrap(text: str, font: Font, size: float, width: float) -> list[str]:
    """The lines of `text` that fit `width` mm: broken between words, and inside a word (a
    seal, a link) only when the word alone is wider than the line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            while text_width(word, font, size) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


@dataclass
class _Style:
    font: Font = "Helvetica"
    size: float = 10
    color: Color = BLACK


class Page:
    """One page; `Document.page` makes it."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.stream = pydyf.Stream(compress=True)
        self.images: dict[str, pydyf.Stream] = {}
        self.style = _Style()

    def _pt(self, x: float, y: float) -> tuple[float, float]:
        """Millimetres from the top-left corner → points from the bottom-left (PDF's)."""
        return round(x * POINTS_PER_MM, 3), round((self.height - y) * POINTS_PER_MM, 3)

    def set_font(self, font: Font, size: float, color: Color | None = None) -> None:
        self.style = _Style(font, size, self.style.color if color is None else color)

    def fill_rect(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        left, bottom = self._pt(x, y + height)
        self.stream.push_state()
        self.stream.set_color_rgb(*(c / 255 for c in color))
        self.stream.rectangle(
            left, bottom, round(width * POINTS_PER_MM, 3), round(height * POINTS_PER_MM, 3)
        )
        self.stream.fill()
        self.stream.pop_state()

    def cell(
        self, x: float, y: float, width: float, height: float, text: str, align: Align = "L"
    ) -> None:
        """One line of text in the box (x, y, width, height), in the current font; "J"
        stretches the spaces between words to fill the width."""
        style = self.style
        size_mm = style.size / POINTS_PER_MM
        free = width - 2 * PADDING_MM - text_width(text, style.font, style.size)
        left = x + (PADDING_MM + free / 2 if align == "C" else PADDING_MM)
        baseline = y + height / 2 + 0.3 * size_mm
        self.stream.push_state()
        self.stream.set_color_rgb(*(c / 255 for c in style.color))
        self.stream.begin_text()
        self.stream.set_font_size(_FONT_KEYS[style.font], style.size)
        if align == "J" and text.count(" ") and free > 0:
            word_space = free / text.count(" ") * POINTS_PER_MM
            self.stream.stream.append(f"{word_space:.3f} Tw".encode())
        self.stream.set_text_matrix(1, 0, 0, 1, *self._pt(left, baseline))
        self.stream.stream.append(pydyf.String(encode(text)).data + b" Tj")
        self.stream.end_text()
        self.stream.pop_state()

    def paragraph(
        self, x: float, y: float, width: float, line_height: float, text: str, align: Align = "L"
    ) -> float:
        """`text` wrapped to `width` (less the padding), one cell per line (justified, "J",
        but for the last); returns the y below its last line."""
        style = self.style
        lines = wrap(text, style.font, style.size, width - 2 * PADDING_MM)
        for number, line in enumerate(lines, start=1):
            last = number == len(lines)
            self.cell(x, y, width, line_height, line, "L" if align == "J" and last else align)
            y += line_height
        return y

    def qr(self, x: float, y: float, size: float, data: str, *, border: int) -> None:
        """A QR code of `data` (error correction M) as a size × size mm image."""
        matrix = segno.make(data, error="m").matrix_iter(scale=6, border=border)
        rows = [bytes(0 if dark else 255 for dark in row) for row in matrix]
        pixels = b"".join(rows)
        name = f"Im{len(self.images) + 1}"
        self.images[name] = pydyf.Stream(
            [zlib.compress(pixels)],
            extra={
                "Type": "/XObject",
                "Subtype": "/Image",
                "Width": len(rows[0]),
                "Height": len(rows),
                "ColorSpace": "/DeviceGray",
                "BitsPerComponent": 8,
                "Filter": "/FlateDecode",
            },
        )
        left, bottom = self._pt(x, y + size)
        side = round(size * POINTS_PER_MM, 3)
        self.stream.push_state()
        self.stream.set_matrix(side, 0, 0, side, left, bottom)
        self.stream.draw_x_object(name)
        self.stream.pop_state()


class Document:
    """A PDF of one or more pages, with its title, author and creation date."""

    def __init__(self, title: str, *, author: str | None = None, created: datetime | None = None):
        self.title = title
        self.author = author
        self.created = created
        self.pages: list[Page] = []

    def page(self, width: float, height: float) -> Page:
        page = Page(width, height)
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        pdf = pydyf.PDF()
        fonts = pydyf.Dictionary(
            {
                key: pydyf.Dictionary(
                    {
                        "Type": "/Font",
                        "Subtype": "/Type1",
                        "BaseFont": f"/{font}",
                        "Encoding": "/WinAnsiEncoding",
                    }
                )
                for font, key in _FONT_KEYS.items()
            }
        )
        for page in self.pages:
            size = [round(v * POINTS_PER_MM, 3) for v in (page.width, page.height)]
            pdf.add_object(page.stream)
            images = pydyf.Dictionary()
            for name, image in page.images.items():
                pdf.add_object(image)
                images[name] = image.reference
            pdf.add_page(
                pydyf.Dictionary(
                    {
                        "Type": "/Page",
                        "Parent": pdf.pages.reference,
                        "MediaBox": pydyf.Array([0, 0, *size]),
                        "Contents": page.stream.reference,
                        "Resources": pydyf.Dictionary({"Font": fonts, "XObject": images}),
                    }
                )
            )
        pdf.info["Title"] = pydyf.String(self.title)
        if self.author:
            pdf.info["Author"] = pydyf.String(self.author)
        created = (self.created or datetime.now(UTC)).astimezone(UTC)
        pdf.info["CreationDate"] = pydyf.String(created.strftime("D:%Y%m%d%H%M%SZ"))
        output = io.BytesIO()
        pdf.write(output, version=b"1.4", identifier=False)
        return output.getvalue()
