"""JPEG: magic bytes, structure up to the end-of-image marker, full decode under a pixel cap.

Bytes after EOI are refused when they carry an archive, executable, PDF or HTML signature (a
JPEG+ZIP polyglot) and dropped otherwise. Pillow verifies and fully decodes the image in a
forked child (`chalicelib.documents.isolation`) with the pixel cap checked from the header
before any pixel is decoded (a pixel flood claims billions of pixels in a few bytes). What is
stored for viewing is a re-encoded copy, upright, without EXIF (GPS), XMP or comments.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from chalicelib.documents import limits, magic
from chalicelib.documents.isolation import run_isolated
from chalicelib.documents.verdict import Reason, Verdict

_GPS_IFD: Final = 0x8825
# Markers without a length field: TEM and RST0..RST7.
_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})

DAMAGED: Final = Reason(
    "image_damaged",
    "La imagen está dañada o incompleta. Toma la foto de nuevo o súbela otra vez.",
)
TOO_LARGE: Final = Reason(
    "image_too_large",
    "La imagen tiene demasiados pixeles para revisarla. Súbela con una resolución menor "
    "(por ejemplo, 12 megapixeles).",
)
SUSPICIOUS: Final = Reason(
    "image_suspicious_content",
    "La imagen trae otro archivo escondido al final; por seguridad no la aceptamos. Toma la "
    "foto de nuevo o expórtala como JPEG.",
)


def jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker of the first image, walking segments; None if broken."""
    if not data.startswith(b"\xff\xd8"):
        return None
    position = 2
    size = len(data)
    while position < size:
        if data[position] != 0xFF:
            return None
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            return None
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position
        if marker in _STANDALONE:
            continue
        if position + 2 > size:
            return None
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2:
            return None
        position += length
        if marker == 0xDA:
            # Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or RSTn inside a scan.
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    return None
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
    return None


@dataclass(frozen=True)
class ImageInspection:
    reason: Reason | None = None
    width: int = 0
    height: int = 0
    had_exif: bool = False
    had_gps: bool = False
    derived: bytes | None = None


def _decode_in_child(data: bytes) -> ImageInspection:
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = limits.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as probe:
                width, height = probe.size
                if width * height > limits.MAX_IMAGE_PIXELS or max(width, height) > (
                    limits.MAX_IMAGE_SIDE
                ):
                    return ImageInspection(reason=TOO_LARGE, width=width, height=height)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                exif = image.getexif()
                had_gps = bool(exif.get_ifd(_GPS_IFD))
                image.load()
                upright = ImageOps.exif_transpose(image)
                if upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                # Only what is passed here is written: no exif, xmp or icc; comment overridden.
                upright.save(out, "JPEG", quality=limits.DERIVED_JPEG_QUALITY, comment=b"")
        return ImageInspection(
            width=width,
            height=height,
            had_exif=bool(exif),
            had_gps=had_gps,
            derived=out.getvalue(),
        )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ImageInspection(reason=TOO_LARGE)
    except MemoryError:
        return ImageInspection(reason=TOO_LARGE)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return ImageInspection(reason=DAMAGED)
    except Exception:  # a decoder error of any other type still means "damaged"
        return ImageInspection(reason=DAMAGED)


def validate_jpeg(data: bytes) -> Verdict:
    end = jpeg_end(data)
    if end is None:
        return Verdict(status="rechazado", reasons=(DAMAGED,))
    facts: dict[str, object] = {}
    trailing = data[end:]
    if trailing.strip(b"\x00\r\n\t "):
        if magic.foreign_signature(trailing) is not None:
            return Verdict(status="rechazado", reasons=(SUSPICIOUS,), facts=facts)
        facts["trailing_bytes_dropped"] = len(trailing)
    import PIL.Image  # noqa: F401  (loaded once, before forking, so children inherit it)

    result = run_isolated(_decode_in_child, data[:end])
    if result.outcome != "ok" or not isinstance(result.value, ImageInspection):
        reason = TOO_LARGE if result.outcome in ("timeout", "memory") else DAMAGED
        return Verdict(status="rechazado", reasons=(reason,), facts={"limit": result.outcome})
    inspection = result.value
    facts.update(
        {
            "width": inspection.width,
            "height": inspection.height,
            "pixels": inspection.width * inspection.height,
        }
    )
    if inspection.reason is not None:
        return Verdict(status="rechazado", reasons=(inspection.reason,), facts=facts)
    facts.update({"metadata_removed": inspection.had_exif, "gps_removed": inspection.had_gps})
    return Verdict(
        status="aceptado",
        facts=facts,
        derived=inspection.derived,
        derived_content_type="image/jpeg",
    )
