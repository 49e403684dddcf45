"""The two Teams icons, drawn by code so anyone can rebuild them byte for byte.

    python appPackage/icons.py        # rewrites appPackage/color.png and appPackage/outline.png

Teams wants `color.png` 192x192 in full colour and `outline.png` 32x32, white on transparent.
Both show the same glyph, a person on a contact card; the shapes are signed-distance tests,
supersampled 4x4 per pixel for smooth edges. The PNG writer needs only zlib, so the package
build has no image library to install (and the output does not change with one's version).
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BRAND = (0xFF, 0x7A, 0x59)  # the accent colour in manifest.json (#FF7A59)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4


def png(width: int, height: int, rows: list[bytes], *, alpha: bool) -> bytes:
    """A minimal valid PNG: 8-bit RGB or RGBA, no filtering, one IDAT chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    colour_type = 6 if alpha else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter byte 0 (None) on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _rounded_rect(x: float, y: float, cx: float, cy: float, hw: float, hh: float, r: float) -> bool:
    dx = max(abs(x - cx) - (hw - r), 0.0)
    dy = max(abs(y - cy) - (hh - r), 0.0)
    return dx * dx + dy * dy <= r * r


def glyph(x: float, y: float) -> bool:
    """A person (head and shoulders) in a unit square, (0, 0) top left."""
    head = math.hypot(x - 0.5, y - 0.34) <= 0.17
    # Shoulders: the top half of an ellipse, cut flat at the bottom.
    shoulders = y <= 0.86 and ((x - 0.5) / 0.32) ** 2 + ((y - 0.86) / 0.32) ** 2 <= 1.0
    return head or shoulders


def coverage(shape: Callable[[float, float], bool], px: int, py: int, size: int) -> float:
    """The share of a pixel's area inside `shape` (unit-square coordinates). Pixels whose
    corners and centre agree are taken as wholly in or out: our shapes have no detail finer
    than a pixel, and this skips 16 samples for all but the edge pixels."""
    probes = [
        shape((px + dx) / size, (py + dy) / size)
        for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5))
    ]
    if all(probes) or not any(probes):
        return float(probes[0])
    hits = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size
            y = (py + (sy + 0.5) / SAMPLES) / size
            hits += shape(x, y)
    return hits / (SAMPLES * SAMPLES)


def color_icon(size: int = 192) -> bytes:
    """Full colour: a white person on a brand-coloured rounded tile, on a white field."""

    def tile(x: float, y: float) -> bool:
        return _rounded_rect(x, y, 0.5, 0.5, 0.5, 0.5, 0.18)

    def person(x: float, y: float) -> bool:  # the glyph at 62% of the tile, centred
        return glyph((x - 0.19) / 0.62, (y - 0.19) / 0.62)

    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            t = coverage(tile, px, py, size)
            p = coverage(person, px, py, size)
            for c in range(3):
                base = WHITE[c] * (1 - t) + BRAND[c] * t
                row.append(round(base * (1 - p) + WHITE[c] * p))
        rows.append(bytes(row))
    return png(size, size, rows, alpha=False)


def outline_icon(size: int = 32) -> bytes:
    """White glyph on a transparent background, with a 2 px margin as Teams asks."""
    margin = 2 / size

    def person(x: float, y: float) -> bool:
        scale = 1 - 2 * margin
        return glyph((x - margin) / scale, (y - margin) / scale)

    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            row += bytes((*WHITE, round(255 * coverage(person, px, py, size))))
        rows.append(bytes(row))
    return png(size, size, rows, alpha=True)


def write_icons(directory: Path = HERE) -> dict[str, Path]:
    paths = {"color.png": directory / "color.png", "outline.png": directory / "outline.png"}
    paths["color.png"].write_bytes(color_icon())
    paths["outline.png"].write_bytes(outline_icon())
    return paths


if __name__ == "__main__":
    for path in write_icons().values():
        print(f"wrote {path}")
