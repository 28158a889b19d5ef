"""Reading and checking the append-only event log under ``events/``.

Layout: ``events/<block>/<first seq>-<slug>.jsonl``. Each file is an immutable
segment holding consecutive events, one JSON object per line, UTF-8, ``\\n``
line ends. ``<block>`` is ``first seq // 100000`` on four digits, so a log of
a million events spreads over ten directories of reviewable files.

Each event names the SHA-256 of its predecessor's line (the bytes as
committed, without the line end) in ``prev``: a hash chain that breaks if any
past line is edited. Hashing committed bytes costs far less than
canonicalising JSON, which matters at a million events.

Nothing else lives under ``events/``: a file outside that layout (another
name, a block folder that does not match the first seq, a segment at the
root, a folder inside a block) is refused, and so is a log with no events at
all (a build of nothing would empty the dataset).

Every event is written one way only: compact JSON as ``orjson`` writes it (no
spaces between tokens, characters as themselves, escapes only where JSON
requires them), so the bytes the chain hashes are the bytes every reader
decodes, and a byte scan (``"type":"ReleasePublished"``) sees what the decoder
sees. No string, key or value, holds a control character, escaped or raw.

Every problem is reported as one line naming the file, the line, the field
and what is wrong (``LogError``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from pydantic import ValidationError

from .characters import CONTROL, printable
from .errors import WgtipError
from .events import BY_NAME, CURRENT_SCHEMA_VERSION, EVENT_ADAPTER, EVENT_TYPES, Envelope, json_schema
from .upcast import upcast

BLOCK = 100_000
MAX_LINE_BYTES = 1 << 20
"""Largest event line accepted (1 MiB). The largest event of the source is
under 20 KB; a line far beyond that is a mistake (a pasted document, a
runaway generator), and refusing it keeps memory use bounded."""
MAX_SEGMENT_BYTES = 64 << 20
"""Largest segment file accepted (64 MiB), checked before the file is read."""
_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F or b == 0xC2))  # deleted by translate: leaves only control bytes (and 0xC2, the lead byte of C1 controls)
EVENTS_DIR = "events"
BLOCK_NAME = re.compile(r"^[0-9]{4}$")
SEGMENT_NAME = re.compile(r"^([0-9]{9})-[a-z0-9]+(?:[.-][a-z0-9]+)*\.jsonl$")
"""A segment's name: its first event's seq in nine digits, then a slug (lower-case letters, digits, '-' and '.')."""
LAYOUT = "events/<block>/<first seq>-<slug>.jsonl"


class LogError(WgtipError):
    """A problem in the event log, located to a file, a line and a field."""

    def __init__(self, path: str, line: int | None, field: str, message: str):
        # a file name or a field name comes from the input: shown escaped, never raw
        self.path, self.line, self.field = printable(path), line, printable(field)
        super().__init__(f"{self.where}: {field}: {message}")
        self.message = message  # type: ignore[misc]  # click declares it Final; after click's own: the problem alone; ``str`` names where too

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """An event as read from the log, with where it was read and its hash."""

    event: Envelope
    hash: str
    path: str
    line: int
    data_json: str

    @property
    def seq(self) -> int:
        return self.event.seq


def segment_path(first_seq: int, slug: str) -> str:
    """Repository-relative path of a new segment starting at ``first_seq``."""
    return f"{EVENTS_DIR}/{first_seq // BLOCK:04d}/{first_seq:09d}-{slug}.jsonl"


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def encode_event(event: Envelope) -> bytes:
    """The committed form of an event: compact JSON, fields in model order, UTF-8, no line end."""
    return orjson.dumps(event.model_dump(mode="json", exclude_none=False))


def has_log(root: Path) -> bool:
    """Whether ``root`` has an ``events/`` folder holding anything (a log to read, or to refuse)."""
    base = root / EVENTS_DIR
    return base.is_dir() and not base.is_symlink() and any(base.iterdir())


def segment_files(root: Path) -> list[Path]:
    """Every segment file of the log, in path order (which is seq order: names are zero-padded).

    Refuses a log that is not there (no ``events/``, a file in its place, an empty folder) and
    anything under ``events/`` outside the layout ``events/<block>/<first seq>-<slug>.jsonl``, where
    the block is the first seq // 100000 in four digits. The first seq a name claims is checked
    against the segment's first event when it is read (``read_segment``)."""
    base = root / EVENTS_DIR
    if base.is_symlink() or (base.exists() and not base.is_dir()):
        raise LogError(f"{EVENTS_DIR}", None, "(folder)", "is not a folder: the log is a folder of segment files")
    if not base.is_dir():
        raise LogError(f"{EVENTS_DIR}/", None, "(folder)", "missing: this is not a dataset folder (run wgtip in the dataset's repository, or name it with --root)")
    found: list[Path] = []
    for block in sorted(base.iterdir()):
        rel = f"{EVENTS_DIR}/{block.name}"
        if block.is_symlink() or not block.is_dir():
            if block.suffix == ".jsonl" and not block.is_symlink():
                raise LogError(rel, None, "(file)", f"not in a block folder: a segment is {LAYOUT}, the block being its first seq // 100000 in four digits")
            raise LogError(rel, None, "(file)", f"not a block folder: events/ holds only folders of segments ({LAYOUT})")
        if not BLOCK_NAME.match(block.name):
            raise LogError(rel + "/", None, "(folder)", f"not a block folder: blocks are named by four digits ({LAYOUT})")
        for path in sorted(block.iterdir()):
            seg = f"{rel}/{path.name}"
            if path.is_dir() and not path.is_symlink():
                raise LogError(seg + "/", None, "(folder)", f"a folder inside a block: a block holds only segment files ({LAYOUT})")
            if path.suffix != ".jsonl":
                raise LogError(seg, None, "(file)", "not a segment: event files end in .jsonl")
            m = SEGMENT_NAME.match(path.name)
            if not m:
                raise LogError(seg, None, "(file)", "not a segment name: a segment is named <first seq, nine digits>-<slug>.jsonl, the slug in lower-case letters, digits, '-' and '.'")
            first = int(m.group(1))
            if first // BLOCK != int(block.name):
                raise LogError(seg, None, "(file)", f"in block folder {block.name}, but a segment whose first seq is {first} belongs in {EVENTS_DIR}/{first // BLOCK:04d}/")
            found.append(path)
    if not found:
        raise LogError(f"{EVENTS_DIR}/", None, "(folder)", "holds no events: a build of nothing would empty the dataset")
    return found


def _describe_validation_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    # the discriminated union puts the type name first; it is not a field
    if loc and loc[0] in BY_NAME:
        loc = loc[1:]
    field = ".".join(loc) or "(event)"
    msg = err["msg"]
    if err["type"] == "missing":
        msg = "required field is missing"
    elif err["type"] == "value_error":
        msg = str(err["ctx"]["error"])  # our own checks' messages, said once
    elif err["type"] == "extra_forbidden":
        msg = "unknown field (not in the schema of this event type)"
    elif "input" in err and err["type"] not in ("model_type",):
        shown = repr(err["input"])
        if len(shown) > 60:
            shown = shown[:57] + "..."
        msg = f"{msg} (got {shown})"
    return field, msg


class _DuplicateKey(Exception):
    pass


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen = dict(pairs)
    if len(seen) != len(pairs):
        keys = [k for k, _ in pairs]
        raise _DuplicateKey(next(k for k in keys if keys.count(k) > 1))
    return seen


def _check_duplicate_keys(raw: bytes, path: str, lineno: int) -> None:
    """orjson and pydantic silently keep the last of two equal keys; other JSON readers keep the
    first. An event must mean the same to every reader. (Only for a line that is not compact:
    a compact line round-trips through orjson, which a line with a repeated key cannot.)"""
    try:
        json.loads(raw, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKey as dup:
        raise LogError(path, lineno, "(line)", f"duplicate key {dup.args[0]!r} in one JSON object (readers disagree on which value counts)") from None
    except ValueError:
        pass  # not JSON at all: reported with orjson's message


def _json_error(raw: bytes, exc: orjson.JSONDecodeError) -> str:
    rest = raw.decode("utf-8", "replace")[exc.pos : exc.pos + 9].lstrip("-")  # pos counts characters
    if rest.startswith(("NaN", "Infinity")):
        return f"not valid JSON: NaN and Infinity are not JSON numbers (at character {exc.pos + 1})"
    return f"not valid JSON: {exc}"


def _depth_of(schema: dict, defs: dict) -> int:
    """How deep a value of this JSON Schema nests (an object or array is one level more than its deepest member)."""
    if "$ref" in schema:
        return _depth_of(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if schema.get("type") == "object" or "properties" in schema:
        return 1 + max((_depth_of(s, defs) for s in schema.get("properties", {}).values()), default=0)
    if schema.get("type") == "array":
        return 1 + max((_depth_of(s, defs) for s in [schema.get("items", {}), *schema.get("prefixItems", [])]), default=0)
    return max((_depth_of(s, defs) for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, [])), default=0)


@functools.cache
def max_depth() -> int:
    """The deepest nesting any event type's schema allows (computed from the models, on the slow path only)."""
    return max(_depth_of(schema, schema.get("$defs", {})) for schema in map(json_schema, EVENT_TYPES))


def _nesting(obj: object) -> int:
    """How deep a decoded JSON value nests, without recursion (a hostile line may nest a thousand levels)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return deepest


def _refuse_deep(obj: object, path: str, lineno: int) -> None:
    depth = _nesting(obj)
    if depth > max_depth():
        raise LogError(path, lineno, "(line)", f"nested {depth} levels deep; no event type nests deeper than {max_depth()}")


def _first_control(obj: object) -> tuple[str, str, bool] | None:
    """The first string (a key or a value) holding a control character: (its field, the string, whether it is a key)."""
    stack: list[tuple[object, str]] = [(obj, "")]
    while stack:
        value, where = stack.pop(0)
        if isinstance(value, str):
            if CONTROL.search(value):
                return where or "(line)", value, False
        elif isinstance(value, dict):
            for key, item in value.items():
                field = f"{where}.{key}" if where else key
                if CONTROL.search(key):
                    return field, key, True
                stack.append((item, field))
        elif isinstance(value, list):
            stack.extend((item, f"{where}.{i}") for i, item in enumerate(value))
    return None


def _refuse_controls(obj: object, path: str, lineno: int) -> None:
    """No string holds a control character, even written as a JSON escape (``\u0000``, ``\u001b``):
    no field of the schema allows one, and a NUL or a terminal escape reaches the CSV, the
    databases and the terminal. (Raw control bytes are refused before the line is parsed.)"""
    found = _first_control(obj)
    if found:
        field, text, is_key = found
        control = CONTROL.search(text)
        assert control is not None  # _first_control found this text by this pattern
        ch = text[control.start()]
        what = "a field name" if is_key else "the string"
        raise LogError(path, lineno, field, f"{what} holds the control character U+{ord(ch):04X} (written as a JSON escape); no field allows control characters")


def _not_compact(raw: bytes, compact: bytes) -> str:
    """Where a line differs from its compact form, in characters, with a few characters of each."""
    text, want = raw.decode("utf-8"), compact.decode("utf-8")
    at = next((i for i, (a, b) in enumerate(zip(text, want, strict=False)) if a != b), min(len(text), len(want)))
    return (
        f"not written as compact JSON at character {at + 1} ({text[at : at + 10]!r} where compact JSON has {want[at : at + 10]!r}): "
        "an event is written one way only (no spaces between tokens, no needless escapes), so that every reader sees the same bytes; write events with wgtip"
    )


def parse_line(raw: bytes, path: str, lineno: int) -> Envelope:
    """Parse and validate one event line; raise LogError naming the field.

    The one decoder of the log: every command reads events through it (``read_segment``)."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc) or "recursion" in str(exc).lower():
            raise LogError(path, lineno, "(line)", f"nested more than 1024 levels deep; no event type nests deeper than {max_depth()}") from None
        raise LogError(path, lineno, "(line)", _json_error(raw, exc)) from None
    try:
        compact = orjson.dumps(obj)
    except TypeError:  # orjson writes at most 255 levels
        compact = None
    if compact != raw:
        _refuse_deep(obj, path, lineno)  # before json.loads, which would overflow Python's stack
        _check_duplicate_keys(raw, path, lineno)
        raise LogError(path, lineno, "(line)", _not_compact(raw, compact))  # type: ignore[arg-type]
    if b"\\" in raw:  # only an escape can hide a control character: raw ones are refused before
        _refuse_controls(obj, path, lineno)
    try:
        # strict: JSON true is not the integer 1 and "8" is not the meeting 8 (dates are ISO strings in JSON all the same)
        event = EVENT_ADAPTER.validate_json(raw, strict=True)
        if event.schema_version == CURRENT_SCHEMA_VERSION[event.type]:
            return event
        # an older (or newer) schema version: upcast or refuse, on the slow path
    except ValidationError:
        pass  # diagnose below, on the slow path
    if not isinstance(obj, dict):
        raise LogError(path, lineno, "(line)", f"an event must be a JSON object, got {type(obj).__name__}")
    _refuse_deep(obj, path, lineno)
    etype = obj.get("type")
    if "type" not in obj:
        raise LogError(path, lineno, "type", "required field is missing")
    if not isinstance(etype, str) or etype not in BY_NAME:
        known = ", ".join(BY_NAME)
        raise LogError(path, lineno, "type", f"unknown event type {etype!r} (known: {known})")
    version = obj.get("schema_version")
    current = CURRENT_SCHEMA_VERSION[etype]
    if isinstance(version, int) and not isinstance(version, bool) and version > current:
        raise LogError(path, lineno, "schema_version", f"{etype} schema version {version} is newer than this software knows ({current}); upgrade wgtip")
    if isinstance(version, int) and not isinstance(version, bool) and 1 <= version < current:
        obj = upcast(obj)
    try:
        # JSON mode, as on the fast path: strict about types, yet dates are ISO strings
        return BY_NAME[etype].model_validate_json(orjson.dumps(obj), strict=True)
    except ValidationError as exc:
        field, msg = _describe_validation_error(exc)
        raise LogError(path, lineno, field, msg) from None


def read_segment(path: Path, rel: str) -> Iterator[LoggedEvent]:
    """Read one segment file: bytes-level checks first, then each line."""
    if path.is_symlink():
        raise LogError(rel, None, "(file)", "is a symbolic link: segments are regular files")
    size = path.stat().st_size
    if size > MAX_SEGMENT_BYTES:
        raise LogError(rel, None, "(file)", f"{size} bytes is larger than the {MAX_SEGMENT_BYTES} bytes a segment may hold; split it into several segments")
    raw = path.read_bytes()
    if not raw:
        raise LogError(rel, None, "(file)", "empty file: a segment holds at least one event")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LogError(rel, 1, "(file)", "starts with a UTF-8 byte-order mark; save without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        lineno = raw.count(b"\n", 0, exc.start) + 1
        raise LogError(rel, lineno, "(encoding)", f"not valid UTF-8 at byte {exc.start} (0x{raw[exc.start]:02x}); event files are UTF-8") from None
    if not raw.endswith(b"\n"):
        raise LogError(rel, raw.count(b"\n") + 1, "(file)", "last line does not end with a newline (\\n)")
    # the common case (no control character) is decided on the bytes in one C pass: a regex over
    # the decoded text runs at tens of MB/s, which is seconds per million events
    controls = raw.translate(None, _NOT_CONTROL)
    bad = _FORBIDDEN.search(text) if len(controls) != controls.count(b"\n") else None
    if bad:
        lineno = text.count("\n", 0, bad.start()) + 1
        ch = bad.group()
        if ch == "\r":
            raise LogError(rel, lineno, "(line)", "carriage return (\\r) found: event lines end with \\n only")
        raise LogError(rel, lineno, "(line)", f"control character U+{ord(ch):04X} in the raw line")
    previous: int | None = None
    named = int(path.name[:9])  # segment_files checked the name
    for lineno, line in enumerate(raw[:-1].split(b"\n"), 1):
        if not line.strip():
            raise LogError(rel, lineno, "(line)", "blank line: every line of a segment is one event")
        if len(line) > MAX_LINE_BYTES:
            raise LogError(rel, lineno, "(line)", f"{len(line)} bytes is longer than the {MAX_LINE_BYTES} bytes an event line may hold")
        event = parse_line(line, rel, lineno)
        if previous is None and event.seq != named:
            raise LogError(rel, lineno, "seq", f"the segment's name says its first event is seq {named}, but it is seq {event.seq}: a segment is named by its first event's seq")
        # a segment is a run of consecutive events: lines swapped or moved inside a file are caught here
        if previous is not None and event.seq != previous + 1:
            raise LogError(rel, lineno, "seq", f"sequence number {event.seq} follows {previous} on the line before: a segment holds consecutive events")
        previous = event.seq
        # pydantic's own serializer (compact, UTF-8, fields in model order) gives the same text as
        # orjson over model_dump(mode="json") at a fraction of the cost; test_build pins the bytes
        data_json = event.data.model_dump_json()
        yield LoggedEvent(event, line_hash(line), rel, lineno, data_json)


def read_log(root: Path) -> list[LoggedEvent]:
    """Read every segment and return the events in sequence order, checking
    that the sequence is 1..N without gaps or repeats and that the hash chain holds."""
    events: list[LoggedEvent] = []
    for path in segment_files(root):
        rel = path.relative_to(root).as_posix()
        events.extend(read_segment(path, rel))
    return check_sequence(events)


def iter_log(root: Path) -> Iterator[LoggedEvent]:
    """The events in sequence order, streamed: memory does not grow with the log.

    Segments are read in path order, which is sequence order when they are
    named by their first sequence number (``segment_path``). The sequence
    and the hash chain are checked on the way. At the first event that does
    not follow, the whole log is read again by ``read_log`` (which sorts), so
    a log whose files are merely in an unusual order still folds, and a real
    problem is worded exactly as ``read_log`` words it. Problems are found in
    log order: a consumer may meet a problem of event N before a malformed
    line after it."""
    prev: LoggedEvent | None = None
    expected = 1
    for path in segment_files(root):
        rel = path.relative_to(root).as_posix()
        for le in read_segment(path, rel):
            if le.seq != expected or le.event.prev != (prev.hash if prev else None):
                yield from read_log(root)[expected - 1 :]
                return
            yield le
            prev, expected = le, expected + 1


def check_sequence(events: Iterable[LoggedEvent]) -> list[LoggedEvent]:
    ordered = sorted(events, key=lambda e: (e.seq, e.path, e.line))
    prev: LoggedEvent | None = None
    for expected, ev in enumerate(ordered, 1):
        if prev is not None and ev.seq == prev.seq:
            raise LogError(ev.path, ev.line, "seq", f"sequence number {ev.seq} repeats {prev.path}:{prev.line}")
        if ev.seq != expected:
            raise LogError(ev.path, ev.line, "seq", f"sequence number {ev.seq} is out of sequence: expected {expected} (events {expected}..{ev.seq - 1} are missing)")
        want = prev.hash if prev else None
        if ev.event.prev != want:
            if prev is None:
                raise LogError(ev.path, ev.line, "prev", "the first event must have prev null")
            raise LogError(
                ev.path,
                ev.line,
                "prev",
                f"hash chain broken: the SHA-256 of event {prev.seq} ({prev.path}:{prev.line}) is {prev.hash[:12]}…, this event records {str(ev.event.prev)[:12]}… (was event {prev.seq} edited after "
                f"this one was written?)",
            )
        prev = ev
    return ordered


def chain(events: Iterable[Envelope], prev: str | None = None) -> list[tuple[Envelope, bytes]]:
    """Fill in each event's ``prev`` and return it with its committed bytes."""
    out = []
    for ev in events:
        ev = ev.model_copy(update={"prev": prev})
        line = encode_event(ev)
        out.append((ev, line))
        prev = line_hash(line)
    return out


def write_segments(root: Path, slugged: Iterable[tuple[str, Envelope]], prev: str | None = None) -> list[Path]:
    """Write events as new segment files, one per run of events sharing a slug, a run split where
    its file would pass ``MAX_SEGMENT_BYTES`` (which the reader refuses).

    The events are chained and written as they come, so a command that makes many (annotate) holds
    one segment's lines, not all of its events. If making or writing them fails, the files written
    so far are removed: the log is as it was. Refuses to overwrite any existing file: the log is
    append-only."""
    written: list[Path] = []
    run: list[bytes] = []  # the lines of the segment being made
    slug_of_run, first_seq, size = "", 0, 0

    def flush() -> None:
        path = root / segment_path(first_seq, slug_of_run)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as fh:  # "x": never overwrite a committed segment
            written.append(path)
            fh.write(b"".join(line + b"\n" for line in run))
        run.clear()

    try:
        for slug, ev in slugged:
            [(ev, line)] = chain([ev], prev)
            # what every reader refuses is never written (a control character in a text, a nesting too deep)
            parse_line(line, segment_path(ev.seq, slug), 1)
            prev = line_hash(line)
            if run and (slug != slug_of_run or size + len(line) + 1 > MAX_SEGMENT_BYTES):
                flush()
            if not run:
                slug_of_run, first_seq, size = slug, ev.seq, 0
            run.append(line)
            size += len(line) + 1
        if run:
            flush()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
