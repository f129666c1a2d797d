"""One streaming pass over a file's bytes: SHA-256, UTF-8 validity, blank-line positions.

Bounded memory (1 MiB chunks); the hashing and decoding run in C.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

_CHUNK = 1 << 20
_BLANK = re.compile(rb"\n(?=\r?\n)")


@dataclass
class FileScan:
    sha256: str
    size: int
    utf8_error: str | None = None  # where the bytes stop being UTF-8, for the provider
    blank_lines: list[int] = field(default_factory=list)  # physical line numbers (1-based) of empty lines


def scan_file(path: Path) -> FileScan:
    """One read of the file: its SHA-256, size, blank lines and first UTF-8 error."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    lines_before = 0  # newlines seen in earlier chunks
    carry = b""  # last byte of the previous chunk, so a blank line across a boundary is seen
    blank_lines: list[int] = []
    utf8_error: str | None = None
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if utf8_error is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = lines_before + chunk.count(b"\n", 0, exc.start) + 1
                    utf8_error = f"byte {size + exc.start + 1} (line {line})"
            window = carry + chunk
            for match in _BLANK.finditer(window):
                # the blank line starts right after this newline
                blank_lines.append(lines_before - carry.count(b"\n") + window.count(b"\n", 0, match.end()) + 1)
            lines_before += chunk.count(b"\n")
            carry = chunk[-1:]
            size += len(chunk)
    if utf8_error is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = f"byte {size} (the file ends inside a character)"
    return FileScan(sha256=digest.hexdigest(), size=size, utf8_error=utf8_error, blank_lines=blank_lines)
