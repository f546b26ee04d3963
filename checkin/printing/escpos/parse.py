"""Reading ESC/POS bytes back: the text a printer would print, its images and QR codes.

Used by the tests (the slip decodes, under the code page it selects, to the expected text)
and handy when a desk asks "what did we send?". It understands the commands this package
emits and skips the arguments of the common others; an unknown command is an error, so a
change in what we emit cannot slip past the tests unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escpos.capabilities import get_profile
from escpos.codepages import CodePages
from PIL import Image, ImageOps


@dataclass
class Parsed:
    """What a printer would do with the bytes, in order."""

    lines: list[str] = field(default_factory=list)  # text lines, decoded
    images: list[Image.Image] = field(default_factory=list)
    qr: list[str] = field(default_factory=list)  # native QR payloads
    codepages: list[str] = field(default_factory=list)  # every ESC t selection, by name
    cuts: int = 0
    events: list[tuple[str, object]] = field(
        default_factory=list
    )  # ("text", str) | ("image", i) | ("qr", s) | ("cut", n)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class ParseError(ValueError):
    pass


# Commands with a fixed number of argument bytes after the command bytes.
_ESC_ARGS = {
    b"@": 0,
    b"!": 1,
    b"E": 1,
    b"-": 1,
    b"a": 1,
    b"d": 1,
    b"2": 0,
    b"3": 1,
    b"M": 1,
    b"G": 1,
    b"{": 1,
    b"V": 1,
    b"J": 1,
    b"p": 3,
    b"c": 2,
}
_GS_ARGS = {b"!": 1, b"B": 1, b"b": 1, b"H": 1, b"h": 1, b"w": 1, b"f": 1, b"L": 2, b"W": 2}


def parse(data: bytes, profile: str = "default") -> Parsed:
    pages = {int(v): k for k, v in get_profile(profile).get_code_pages().items()}
    out = Parsed()
    codec = "cp437"
    line = bytearray()
    i = 0

    def flush() -> None:
        text = line.decode(codec, errors="replace")
        out.lines.append(text)
        out.events.append(("text", text))
        line.clear()

    while i < len(data):
        b = data[i : i + 1]
        if b == b"\n":
            flush()
            i += 1
        elif b == b"\x1b":
            cmd = data[i + 1 : i + 2]
            if cmd == b"t":
                n = data[i + 2]
                name = pages.get(n, f"#{n}")
                out.codepages.append(name)
                codec = CodePages.data.get(name, {}).get("python_encode", "cp437")
                i += 3
            elif cmd == b"d":
                if line:
                    flush()
                out.lines.extend([""] * data[i + 2])
                i += 3
            elif cmd in _ESC_ARGS:
                i += 2 + _ESC_ARGS[cmd]
            else:
                raise ParseError(f"unknown ESC {cmd!r} at {i}")
        elif b == b"\x1d":
            cmd = data[i + 1 : i + 2]
            if cmd == b"v" and data[i + 2 : i + 3] == b"0":
                xl, xh, yl, yh = data[i + 4 : i + 8]
                width_bytes, height = xl + 256 * xh, yl + 256 * yh
                raw = data[i + 8 : i + 8 + width_bytes * height]
                # In ESC/POS a set bit is a black dot; in Pillow it is white.
                image = ImageOps.invert(
                    Image.frombytes("1", (width_bytes * 8, height), bytes(raw)).convert("L")
                )
                out.images.append(image)
                out.events.append(("image", len(out.images) - 1))
                i += 8 + width_bytes * height
            elif cmd == b"(" and data[i + 2 : i + 3] == b"k":
                size = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + size]
                if body[:3] == b"1P0":
                    payload = body[3:].decode("latin-1")
                    out.qr.append(payload)
                    out.events.append(("qr", payload))
                i += 5 + size
            elif cmd == b"V":
                mode = data[i + 2]
                out.cuts += 1
                out.events.append(("cut", mode))
                i += 4 if mode in (65, 66) else 3
            elif cmd in _GS_ARGS:
                i += 2 + _GS_ARGS[cmd]
            else:
                raise ParseError(f"unknown GS {cmd!r} at {i}")
        elif b == b"\x10" and data[i + 1 : i + 2] == b"\x04":
            i += 3  # a status question, not printed
        elif data[i] < 0x20 and b not in (b"\r", b"\t"):
            raise ParseError(f"unexpected control byte {data[i]:#x} at {i}")
        else:
            line += b
            i += 1
    if line:
        flush()
    return out
