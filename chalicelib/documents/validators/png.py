"""PNG structure, pure: the signature, then chunks (length, type, data, CRC) from IHDR to IEND.

Walked before any decoder sees the file, so a file whose header claims more pixels than the
cap is refused without inflating a byte, and a chunk with a wrong CRC, a chunk cut short or a
missing IEND (a truncated download) is refused as damaged. The data of every chunk other than
IDAT (text, colour profile, private chunks) is handed back for the polyglot check: that is
where a second file (a PDF, a ZIP, HTML) rides inside an otherwise valid PNG.

`complete_pixel_data` inflates IDAT as a stream, keeping nothing, and says whether it holds
every row the header announces: Pillow fills a short image with blank rows without a word.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Final

SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_IHDR_LENGTH: Final = 13
# The PNG specification's own bound on a chunk's length.
_MAX_CHUNK_LENGTH: Final = 2**31 - 1
# Far above any real image's chunk count (a 512 KB logo cannot hold more than ~43 000 anyway).
MAX_CHUNKS: Final = 10_000
# Samples per pixel by colour type (grey, RGB, palette, grey + alpha, RGBA).
_CHANNELS: Final[dict[int, int]] = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: (first column, first row, column step, row step).
_ADAM7: Final = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)
_INFLATE_STEP: Final = 1024 * 1024


@dataclass(frozen=True)
class PngLayout:
    """What the chunks say: the size from IHDR, where IEND ends, what rides outside IDAT."""

    width: int
    height: int
    end: int  # offset just past IEND's CRC
    ancillary: bytes  # data of every chunk but IHDR, IDAT and IEND, joined
    animated: bool  # an APNG (acTL): only its first frame is ever shown
    pixel_data: bytes = b""  # the IDAT chunks' data, joined (a zlib stream)
    bits_per_pixel: int = 0
    interlaced: bool = False

    def raw_size(self) -> int:
        """Bytes the pixel data inflates to: per row a filter byte and the row's samples."""

        def rows(width: int, height: int) -> int:
            return height * (1 + (width * self.bits_per_pixel + 7) // 8) if width else 0

        if not self.interlaced:
            return rows(self.width, self.height)
        return sum(
            rows(
                (self.width - column + step_x - 1) // step_x,
                (self.height - row + step_y - 1) // step_y,
            )
            for column, row, step_x, step_y in _ADAM7
            if self.width > column and self.height > row
        )


def complete_pixel_data(layout: PngLayout) -> bool:
    """Whether the IDAT stream inflates to every row the header announces (more is ignored,
    as decoders do; nothing beyond that is inflated)."""
    expected = layout.raw_size()
    stream = zlib.decompressobj()
    pending = layout.pixel_data
    found = 0
    try:
        while pending and found < expected:
            found += len(stream.decompress(pending, _INFLATE_STEP))
            pending = stream.unconsumed_tail
    except zlib.error:
        return False
    return found >= expected


def png_layout(data: bytes) -> PngLayout | None:
    """The layout of a well-formed PNG; None for anything broken or cut short."""
    if not data.startswith(SIGNATURE):
        return None
    position = len(SIGNATURE)
    size = len(data)
    width = height = bits_per_pixel = 0
    interlaced = animated = False
    ancillary: list[bytes] = []
    pixel_data: list[bytes] = []
    for index in range(MAX_CHUNKS):
        if position + 12 > size:
            return None
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if length > _MAX_CHUNK_LENGTH or end > size or not kind.isalpha() or not kind.isascii():
            return None
        body = data[position + 8 : position + 8 + length]
        crc = int.from_bytes(data[end - 4 : end], "big")
        if zlib.crc32(kind + body) != crc:
            return None
        if index == 0:
            if kind != b"IHDR" or length != _IHDR_LENGTH:
                return None
            width = int.from_bytes(body[0:4], "big")
            height = int.from_bytes(body[4:8], "big")
            bit_depth, colour_type, interlace = body[8], body[9], body[12]
            if width == 0 or height == 0 or colour_type not in _CHANNELS or interlace > 1:
                return None
            bits_per_pixel = bit_depth * _CHANNELS[colour_type]
            interlaced = interlace == 1
        elif kind == b"IHDR":
            return None
        elif kind == b"IDAT":
            pixel_data.append(body)
        elif kind == b"IEND":
            if not pixel_data:
                return None
            return PngLayout(
                width,
                height,
                end,
                b"".join(ancillary),
                animated,
                b"".join(pixel_data),
                bits_per_pixel,
                interlaced,
            )
        else:
            animated = animated or kind == b"acTL"
            ancillary.append(body)
        position = end
    return None
