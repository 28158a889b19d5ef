"""HTTP Range requests on the site's downloads (RFC 9110, section 14), so that DuckDB's httpfs, a browser or
any HTTP client can read part of a database file without fetching all of it.

One range per request is answered with 206 Partial Content: ``bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` (the
last n bytes); an end past the file is cut to the file. A range that starts at or past the end of the file, a
suffix of zero bytes or a range whose end is before its start gets 416 with ``Content-Range: bytes */<size>``.
A request naming several ranges gets the whole file (200), as RFC 9110 lets a server ignore Range: a
multipart answer of many overlapping ranges is how a few hundred bytes of request once made web servers
hold gigabytes. A Range header in another unit, or not of this syntax, is ignored likewise.

Whatever the range, the file is streamed from disk in ``CHUNK``-byte pieces: no answer is held in memory.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024
_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as Content-Range writes it

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The one range asked for selects no byte of the file: the answer is 416."""


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range a Range header asks of a file of ``size`` bytes; None to send the whole file (no
    header, another unit, several ranges, or a header not of the byte-range syntax). Raises Unsatisfiable."""
    if not header:
        return None
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes" or not specs:
        return None
    parts = specs.split(",")
    if len(parts) != 1:
        return None
    m = _SPEC.match(parts[0])
    if m is None or m.group(1) == m.group(2) == "":
        return None
    first, last = m.group(1), m.group(2)
    if first == "":  # a suffix: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - n), size - 1)
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size or (last != "" and int(last) < start):
        raise Unsatisfiable
    return ByteRange(start, end)


Send = Callable[[dict], Awaitable[None]]


class RangedFileDownload:
    """A file as a download that honours one byte range (Datasette calls ``asgi_send`` with the ASGI send)."""

    def __init__(self, path: Path, filename: str, content_type: str, range_header: str | None, method: str = "GET") -> None:
        self.path, self.filename, self.content_type = path, filename, content_type
        self.range_header, self.method = range_header, method

    async def asgi_send(self, send: Send) -> None:
        import aiofiles  # Datasette's own dependency, for its file downloads

        size = self.path.stat().st_size
        headers = [
            (b"content-type", self.content_type.encode()),
            (b"content-disposition", f'attachment; filename="{self.filename}"'.encode()),
            (b"accept-ranges", b"bytes"),
        ]
        try:
            wanted = requested_range(self.range_header, size)
        except Unsatisfiable:
            await send(
                {
                    "type": "http.response.start",
                    "status": 416,
                    "headers": [(b"content-range", f"bytes */{size}".encode()), (b"content-type", b"text/plain; charset=utf-8"), (b"accept-ranges", b"bytes")],
                }
            )
            body = f"416 Range Not Satisfiable: the file has {size} bytes (bytes 0-{size - 1})\n".encode()
            await send({"type": "http.response.body", "body": b"" if self.method == "HEAD" else body})
            return
        if wanted is None:
            status, start, length = 200, 0, size
        else:
            status, start, length = 206, wanted.start, wanted.length
            headers.append((b"content-range", f"bytes {wanted.start}-{wanted.end}/{size}".encode()))
        headers.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if self.method == "HEAD" or length == 0:
            await send({"type": "http.response.body", "body": b""})
            return
        async with aiofiles.open(self.path, mode="rb") as fh:
            await fh.seek(start)
            left = length
            while left > 0:
                chunk = await fh.read(min(CHUNK, left))
                if not chunk:  # the file shrank under us: end the body rather than hang
                    break
                left -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
            if left > 0:
                await send({"type": "http.response.body", "body": b""})
