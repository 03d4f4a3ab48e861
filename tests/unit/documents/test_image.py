"""JPEG validator: structure, pixel cap, polyglots, and the clean copy for derived/."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from chalicelib.documents import limits
from chalicelib.documents.validation import validate_bytes
from chalicelib.documents.validators.image import jpeg_end
from tests.unit.documents import builders


def test_a_photo_is_accepted_and_re_encoded_without_metadata() -> None:
    data = builders.make_jpeg()
    verdict = validate_bytes(data, "image")
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["width"] == 640
    assert verdict.facts["gps_removed"] is True
    assert verdict.derived_content_type == "image/jpeg"
    assert verdict.derived is not None
    clean = Image.open(io.BytesIO(verdict.derived))
    assert clean.format == "JPEG"
    assert clean.size == (480, 640)  # EXIF orientation 6 applied before EXIF was dropped
    assert dict(clean.getexif()) == {}
    assert "comment" not in clean.info
    assert "xmp" not in clean.info
    assert b"Telefono" not in verdict.derived
    assert "derived" not in verdict.as_dict()


def test_a_pixel_flood_is_refused_before_decoding() -> None:
    started = time.perf_counter()
    verdict = validate_bytes(builders.pixel_flood_jpeg(), "image")
    assert verdict.code == "image_too_large"
    assert time.perf_counter() - started < 3


def test_the_pixel_cap_is_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_IMAGE_PIXELS", 640 * 480)
    assert validate_bytes(builders.make_jpeg((640, 480)), "image").accepted
    assert validate_bytes(builders.make_jpeg((641, 480)), "image").code == "image_too_large"


def test_a_jpeg_zip_polyglot_is_refused() -> None:
    data = builders.jpeg_zip_polyglot()
    assert data.startswith(b"\xff\xd8\xff")
    assert validate_bytes(data, "image").code == "image_suspicious_content"


@pytest.mark.parametrize(
    "tail",
    [b"<html><body>x</body></html>", b"%PDF-1.7 ...", b"\x7fELF\x02\x01", b"MZ\x90\x00"],
)
def test_other_signatures_after_the_image_are_refused(tail: bytes) -> None:
    assert validate_bytes(builders.make_jpeg() + tail, "image").code == "image_suspicious_content"


def test_harmless_trailing_bytes_are_dropped() -> None:
    verdict = validate_bytes(builders.make_jpeg() + b"\x00\x00camera-padding", "image")
    assert verdict.accepted
    assert verdict.facts["trailing_bytes_dropped"] == 16


def test_a_truncated_jpeg_is_damaged() -> None:
    data = builders.make_jpeg()
    assert validate_bytes(data[: len(data) // 2], "image").code == "image_damaged"
    assert jpeg_end(data[: len(data) // 2]) is None


def test_the_end_marker_is_found_by_walking_segments() -> None:
    data = builders.make_jpeg()
    assert jpeg_end(data) == len(data)
    # An EXIF thumbnail can contain FF D9 before the real end: the walk skips segments.
    assert jpeg_end(data + b"\xff\xd9") == len(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        b"GIF89a" + b"\x00" * 32,
        b"%PDF-1.7\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_other_formats_are_refused_by_magic_bytes(data: bytes) -> None:
    assert validate_bytes(data, "image").code == "file_type_mismatch"
