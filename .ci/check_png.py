#!/usr/bin/env python3
"""Checks that each PNG given exists, decodes, and is not blank (one flat colour).

Standard library only: CI starts from a fresh machine."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, height, colour, depth = 8, b"", 0, 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    return width, height, raw


def main():
    ok = True
    for path in sys.argv[1:]:
        try:
            width, height, raw = pixels(path)
        except Exception as e:  # noqa: BLE001 - report any failure to decode
            print(f"{path}: cannot read: {e}")
            ok = False
            continue
        # Distinct byte values across the image: a blank frame has one or two.
        distinct = len(set(raw[:: max(1, len(raw) // 200000)]))
        print(f"{path}: {width}x{height}, {distinct} distinct byte values")
        if width < 640 or height < 480 or distinct < 16:
            print(f"{path}: looks blank or too small")
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
