"""An insurer's logo: a PNG or a JPEG that really decodes, within fixed time and memory.

In order, nothing decoded until the previous step passed:
1. Structure: a PNG's chunks with their CRCs up to IEND (`validators.png`), a JPEG's segments
   up to EOI (`validators.image.jpeg_end`). A file cut short is refused as damaged.
2. Size from the header: a PNG's IHDR (read here, before forking) or the JPEG's frame header
   (Pillow's `Image.open`, which reads no pixel); above `MAX_LOGO_PIXELS` or `MAX_LOGO_SIDE`
   it is refused (a 512 KB file can claim gigapixels: a decompression bomb).
3. Polyglots: a PDF, ZIP, executable or HTML signature in a PNG's chunks other than IDAT or
   after the image's end refuses it; other bytes after the end are dropped.
4. Decoding in a forked child (`isolation.run_isolated`: timeout and memory cap) with
   `Image.MAX_IMAGE_PIXELS` set to the cap as a second guard; a PNG's pixel data must hold
   every row its header announces (`png.complete_pixel_data`). What is stored for showing is a
   re-encoded copy in the same format, scaled to fit `LOGO_SHOWN_SIDE`, without metadata
   (EXIF, text chunks, colour profiles) and, for an animated PNG, only its first frame.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final, Literal

from chalicelib.documents import limits, magic
from chalicelib.documents.isolation import run_isolated
from chalicelib.documents.validators.image import jpeg_end
from chalicelib.documents.validators.png import PngLayout, complete_pixel_data, png_layout
from chalicelib.documents.verdict import Reason, Verdict

LogoFormat = Literal["PNG", "JPEG"]
CONTENT_TYPES: Final[dict[str, str]] = {"PNG": "image/png", "JPEG": "image/jpeg"}

DAMAGED: Final = Reason(
    "image_damaged",
    "El logotipo está dañado o incompleto. Expórtalo de nuevo como PNG o JPEG y súbelo otra vez.",
)
SUSPICIOUS: Final = Reason(
    "image_suspicious_content",
    "El logotipo trae otro archivo escondido; por seguridad no lo aceptamos. Expórtalo de nuevo "
    "como PNG o JPEG desde tu programa de diseño.",
)


def too_large(width: int = 0, height: int = 0) -> Reason:
    side = limits.MAX_LOGO_SIDE
    measured = f"mide {width} × {height} pixeles" if width and height else "es demasiado grande"
    return Reason(
        "image_too_large",
        f"El logotipo {measured}; el máximo es {side} × {side}. Redúcelo (por ejemplo, a "
        f"{limits.LOGO_SHOWN_SIDE} pixeles de ancho) y súbelo de nuevo.",
    )


def _over_cap(width: int, height: int) -> bool:
    return width * height > limits.MAX_LOGO_PIXELS or max(width, height) > limits.MAX_LOGO_SIDE


@dataclass(frozen=True)
class LogoInspection:
    reason: Reason | None = None
    width: int = 0
    height: int = 0
    derived: bytes | None = None


def _decode_in_child(
    data: bytes, image_format: LogoFormat, layout: PngLayout | None
) -> LogoInspection:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = limits.MAX_LOGO_PIXELS
    if layout is not None and not complete_pixel_data(layout):
        return LogoInspection(DAMAGED, layout.width, layout.height)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as probe:
                width, height = probe.size
                if _over_cap(width, height):
                    return LogoInspection(too_large(width, height), width, height)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()  # the first frame of an animated PNG
                shown = ImageOps.exif_transpose(image) if image_format == "JPEG" else image
                transparent = shown.mode in ("RGBA", "LA", "PA") or "transparency" in shown.info
                if image_format == "PNG" and transparent:
                    shown = shown.convert("RGBA")
                elif shown.mode not in ("RGB", "L"):
                    shown = shown.convert("RGB")
                shown.thumbnail((limits.LOGO_SHOWN_SIDE, limits.LOGO_SHOWN_SIDE))
                out = io.BytesIO()
                # Only what is passed here is written: no EXIF, text chunks or ICC profile.
                if image_format == "PNG":
                    shown.save(out, "PNG")
                else:
                    shown.save(out, "JPEG", quality=limits.DERIVED_JPEG_QUALITY, comment=b"")
        return LogoInspection(width=width, height=height, derived=out.getvalue())
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        return LogoInspection(reason=too_large())
    except Exception:  # any decoder error (truncated data, bad header, bad filter) is damage
        return LogoInspection(reason=DAMAGED)


def _rejected(reason: Reason, facts: dict[str, object] | None = None) -> Verdict:
    return Verdict(status="rechazado", reasons=(reason,), facts=dict(facts or {}))


def validate_logo(data: bytes) -> Verdict:
    """Judge a logo (its magic bytes already say PNG or JPEG)."""
    facts: dict[str, object] = {}
    image_format: LogoFormat
    hidden = b""
    layout: PngLayout | None = None
    if data.startswith(b"\x89PNG"):
        image_format = "PNG"
        layout = png_layout(data)
        if layout is None:
            return _rejected(DAMAGED)
        facts.update(width=layout.width, height=layout.height)
        if _over_cap(layout.width, layout.height):
            return _rejected(too_large(layout.width, layout.height), facts)
        end, hidden = layout.end, layout.ancillary
        if layout.animated:
            facts["animation_dropped"] = True
    else:
        image_format = "JPEG"
        found = jpeg_end(data)
        if found is None:
            return _rejected(DAMAGED)
        end = found
    trailing = data[end:]
    if magic.foreign_signature(hidden) is not None:
        return _rejected(SUSPICIOUS, facts)
    if trailing.strip(b"\x00\r\n\t "):
        if magic.foreign_signature(trailing) is not None:
            return _rejected(SUSPICIOUS, facts)
        facts["trailing_bytes_dropped"] = len(trailing)
    import PIL.Image  # noqa: F401  (loaded once, before forking, so children inherit it)

    result = run_isolated(_decode_in_child, data[:end], image_format, layout)
    if result.outcome != "ok" or not isinstance(result.value, LogoInspection):
        reason = too_large() if result.outcome in ("timeout", "memory") else DAMAGED
        return _rejected(reason, {**facts, "limit": result.outcome})
    inspection = result.value
    facts["format"] = image_format
    if inspection.width:
        facts.update(width=inspection.width, height=inspection.height)
    if inspection.reason is not None or inspection.derived is None:
        return _rejected(inspection.reason or DAMAGED, facts)
    return Verdict(
        status="aceptado",
        facts={**facts, "metadata_removed": True},
        derived=inspection.derived,
        derived_content_type=CONTENT_TYPES[image_format],
    )
