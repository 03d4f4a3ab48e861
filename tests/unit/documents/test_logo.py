"""Insurer logos: PNG or JPEG that really decode, refused from the header above the pixel cap,
refused when cut short, disguised or carrying another file; the copy shown is re-encoded."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from PIL import Image, PngImagePlugin

from chalicelib.documents import limits
from chalicelib.documents.validation import validate_bytes
from chalicelib.documents.validators.png import png_layout


def make_png(size: tuple[int, int] = (64, 32), mode: str = "RGBA", **save: object) -> bytes:
    colour = {"RGBA": (10, 120, 200, 128), "RGB": (10, 120, 200), "P": (10, 120, 200), "L": 90}
    image = Image.new(mode, size, colour[mode])
    out = io.BytesIO()
    image.save(out, "PNG", **save)
    return out.getvalue()


def make_jpeg(size: tuple[int, int] = (64, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", quality=90)
    return out.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims `width` × `height` RGB pixels (a bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # Rows of zeros compress to almost nothing: the whole image would inflate to gigabytes.
    stream = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 3)
    idat = stream.compress(row * 16) + stream.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_tiny_png_is_accepted_and_kept_transparent_without_its_text() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Diseno Interno")
    data = make_png(pnginfo=info)
    assert b"Diseno Interno" in data
    verdict = validate_bytes(data, "logo")
    assert verdict.accepted, verdict.reasons
    assert (verdict.facts["width"], verdict.facts["height"]) == (64, 32)
    assert verdict.derived_content_type == "image/png"
    assert verdict.derived is not None
    shown = Image.open(io.BytesIO(verdict.derived))
    assert (shown.format, shown.mode, shown.size) == ("PNG", "RGBA", (64, 32))
    assert shown.getpixel((0, 0)) == (10, 120, 200, 128)
    assert b"Diseno Interno" not in verdict.derived


def test_a_tiny_jpeg_is_accepted_as_a_jpeg() -> None:
    verdict = validate_bytes(make_jpeg(), "logo")
    assert verdict.accepted, verdict.reasons
    assert verdict.derived_content_type == "image/jpeg"
    assert verdict.derived is not None
    assert Image.open(io.BytesIO(verdict.derived)).format == "JPEG"


def test_a_palette_png_and_a_grey_png_are_accepted() -> None:
    assert validate_bytes(make_png(mode="P"), "logo").accepted
    assert validate_bytes(make_png(mode="L"), "logo").accepted


def test_a_large_logo_is_shown_scaled_down() -> None:
    verdict = validate_bytes(make_png((3000, 600), mode="RGB"), "logo")
    assert verdict.accepted, verdict.reasons
    assert verdict.derived is not None
    assert Image.open(io.BytesIO(verdict.derived)).size == (limits.LOGO_SHOWN_SIDE, 205)


def test_a_png_bomb_is_refused_from_its_header_before_decoding() -> None:
    data = png_claiming(50_000, 50_000)
    assert len(data) < 4_000
    layout = png_layout(data)
    assert layout is not None
    assert (layout.width, layout.height) == (50_000, 50_000)
    started = time.perf_counter()
    verdict = validate_bytes(data, "logo")
    assert verdict.code == "image_too_large"
    assert "50000 × 50000" in verdict.reasons[0].message
    assert "limit" not in verdict.facts  # refused before the child process was started
    assert time.perf_counter() - started < 0.5


def test_the_pixel_cap_is_a_bound() -> None:
    side = limits.MAX_LOGO_SIDE
    assert validate_bytes(png_claiming(side, 1), "logo").code != "image_too_large"
    assert validate_bytes(png_claiming(side + 1, 1), "logo").code == "image_too_large"


def test_a_jpeg_claiming_too_many_pixels_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LOGO_PIXELS", 64 * 32)
    assert validate_bytes(make_jpeg((64, 32)), "logo").accepted
    assert validate_bytes(make_jpeg((65, 32)), "logo").code == "image_too_large"


@pytest.mark.parametrize("cut", [20, 60, -13, -1])
def test_a_truncated_png_is_refused_as_damaged(cut: int) -> None:
    data = make_png((200, 200), mode="RGB")
    verdict = validate_bytes(data[:cut], "logo")
    assert verdict.code == "image_damaged"
    assert "dañado o incompleto" in verdict.reasons[0].message


def test_a_png_whose_pixel_data_ends_early_is_refused_as_damaged() -> None:
    good = make_png((200, 200), mode="RGB")
    header = good[8 : 8 + 25]
    idat = zlib.compress(b"\x00" * 601 * 10)  # 10 rows of the 200 the header announces
    data = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    assert png_layout(data) is not None  # well-formed chunks, too little data inside
    assert validate_bytes(data, "logo").code == "image_damaged"


def test_a_png_with_a_wrong_checksum_is_refused() -> None:
    data = bytearray(make_png())
    data[40] ^= 0xFF  # inside IDAT
    assert validate_bytes(bytes(data), "logo").code == "image_damaged"


def test_a_gif_renamed_png_is_refused_by_its_bytes() -> None:
    out = io.BytesIO()
    Image.new("P", (16, 16)).save(out, "GIF")
    verdict = validate_bytes(out.getvalue(), "logo")
    assert verdict.code == "file_type_mismatch"
    assert verdict.reasons[0].message.startswith(
        "El contenido del archivo no corresponde a una imagen PNG o JPEG: parece una imagen GIF"
    )


def test_a_pdf_behind_png_magic_is_refused() -> None:
    data = b"\x89PNG\r\n\x1a\n%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    assert validate_bytes(data, "logo").code == "image_damaged"


def test_a_pdf_inside_a_chunk_of_a_valid_png_is_refused() -> None:
    good = make_png()
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    data = good[:33] + chunk(b"prVt", pdf) + good[33:]
    assert png_layout(data) is not None
    assert validate_bytes(data, "logo").code == "image_suspicious_content"


@pytest.mark.parametrize("tail", [b"PK\x03\x04rest-of-zip", b"<script>alert(1)</script>"])
def test_another_file_after_the_end_is_refused(tail: bytes) -> None:
    assert validate_bytes(make_png() + tail, "logo").code == "image_suspicious_content"
    assert validate_bytes(make_jpeg() + tail, "logo").code == "image_suspicious_content"


def test_harmless_bytes_after_the_end_are_dropped() -> None:
    verdict = validate_bytes(make_png() + b"padding", "logo")
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["trailing_bytes_dropped"] == 7


def test_a_logo_above_512_kb_is_refused_by_size() -> None:
    data = make_png() + b"\x00" * limits.MAX_FILE_BYTES["logo"]
    assert validate_bytes(data, "logo").code == "file_too_large"


def test_the_largest_logo_decodes_within_the_time_budget() -> None:
    side = limits.MAX_LOGO_SIDE
    data = make_png((side, side), mode="RGB")
    assert len(data) <= limits.MAX_FILE_BYTES["logo"]
    started = time.perf_counter()
    verdict = validate_bytes(data, "logo")
    assert verdict.accepted, (verdict.reasons, verdict.facts)
    assert time.perf_counter() - started < limits.VALIDATION_TIMEOUT_SECONDS


def crafted_png(width: int, height: int, *, colour_type: int, depth: int, interlace: int) -> bytes:
    """A PNG written by hand (Pillow writes no interlaced PNG): blank rows, exact size."""
    from chalicelib.documents.validators.png import PngLayout

    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace)
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    size = PngLayout(width, height, 0, b"", False, b"", depth * channels, interlace == 1)
    idat = zlib.compress(b"\x00" * size.raw_size())
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@pytest.mark.parametrize(
    ("colour_type", "depth", "interlace"),
    [(2, 8, 1), (6, 8, 1), (0, 16, 0), (2, 16, 1), (4, 8, 0), (0, 1, 1)],
)
def test_interlaced_and_sixteen_bit_pngs_are_read_exactly(
    colour_type: int, depth: int, interlace: int
) -> None:
    data = crafted_png(13, 7, colour_type=colour_type, depth=depth, interlace=interlace)
    verdict = validate_bytes(data, "logo")
    assert verdict.accepted, verdict.reasons
    layout = png_layout(data)
    assert layout is not None
    short = zlib.compress(zlib.decompress(layout.pixel_data)[:-1])
    cut = data[:33] + chunk(b"IDAT", short) + chunk(b"IEND", b"")
    assert validate_bytes(cut, "logo").code == "image_damaged"
