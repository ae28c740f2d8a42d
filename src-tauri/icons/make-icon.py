#!/usr/bin/env python3
"""Draws icons/icon.png (256x256 RGBA): an orange domain-event sticky with a
folded corner and three gust lines. Standard library only; run it again to
regenerate the icon."""
import struct
import zlib
from pathlib import Path

SIZE = 256
ORANGE = (255, 153, 51, 255)
FOLD = (204, 112, 20, 255)
INK = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def pixel(x, y):
    margin, radius, fold = 20, 28, 56
    left, top, right, bottom = margin, margin, SIZE - margin, SIZE - margin
    if not (left <= x < right and top <= y < bottom):
        return CLEAR
    # Rounded corners, except the folded one at the bottom right: outside the
    # corner's quarter circle is transparent.
    for cx, cy, dx, dy in ((left + radius, top + radius, -1, -1), (right - radius, top + radius, 1, -1),
                           (left + radius, bottom - radius, -1, 1)):
        if (x - cx) * dx > 0 and (y - cy) * dy > 0 and (x - cx) ** 2 + (y - cy) ** 2 > radius**2:
            return CLEAR
    if x + y > right + bottom - fold:
        return CLEAR if x + y > right + bottom - fold / 2 else FOLD
    # Three gusts of wind: horizontal bars of different lengths.
    for row, (start, end) in enumerate(((64, 190), (84, 176), (64, 150))):
        mid = 88 + row * 40
        if abs(y - mid) <= 7 and start <= x <= end:
            return INK
    return ORANGE


def png(width, height, rgba_rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rgba_rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
Path(__file__).with_name("icon.png").write_bytes(png(SIZE, SIZE, rows))
