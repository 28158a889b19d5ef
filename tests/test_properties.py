"""Property tests (hypothesis) on random small logs built from the real event models.

The logs (``generated_logs.structured_logs``) have what the committed log lacks: several source
documents whose lines interleave, sub-items under items under chapeaux, corrections of
corrections and corrections restoring the printed text, proposals endorsed by a meeting of
another document, footnotes.

- a random valid log always folds into the tables its events describe, worked out independently
  of the fold (``generated_logs.expected_*``): every provision's columns and document order, the
  meetings' counts, footnotes, text revisions, changes, and the package's CSV spelling of them;
- the fold is deterministic (same rows, same package bytes);
- how the events are split into segment files, and the slugs of their names, do not matter: only the sequence;
- a random corruption of a valid log (a byte flipped, a line dropped, two lines swapped, a line duplicated)
  is always detected by read_log, except where nothing can detect it from the log alone (an edit or the loss
  of the very last event): there the head of the chain changes, which a release (and verify) records.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from generated_logs import STRUCTURES, GeneratedLog, expected_changes, expected_footnotes, expected_meetings, expected_provisions, expected_texts, structure, structured_logs
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from wgtip.events import EVENT_ADAPTER
from wgtip.fold import fold_versioned
from wgtip.log import LogError, chain, iter_log, line_hash, read_log
from wgtip.tables import Event as EventTable
from wgtip.tables import columns, current_layout, name_of
from wgtip.writers.package import package_files

DOC, SHA = "wgtip-test-doc", "ab" * 32
TEXT = st.text(alphabet="缔约国应当加强合作打击贩运人口，。", min_size=1, max_size=12)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def envelope(seq: int, type_: str, day: dt.date, data: dict, paragraph: int | None = None) -> dict:
    return {
        "seq": seq,
        "type": type_,
        "schema_version": 1,
        "occurred": {"start": day.isoformat(), "end": day.isoformat()},
        "recorded_at": "2026-11-28T00:00:00Z",
        "source": {"document": DOC, "language": "zh", "sha256": SHA, "section": "一", "paragraph": None if paragraph is None else str(paragraph), "line": seq},
        "prev": None,
        "data": data,
    }


def write_log(root: Path, lines: list[bytes], cuts: set[int], names: list[str]) -> None:
    """The lines as segments split before each index in cuts, slugged by names, in the documented
    layout (events/<first seq // 100000>/<first seq>-<slug>.jsonl, which the reader enforces)."""
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(lines)), len(lines)]
    for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        path = root / "events" / f"{(a + 1) // 100_000:04d}" / f"{a + 1:09d}-{names[i % len(names)]}-{i}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(line + b"\n" for line in lines[a:b]))


def layouts(n_lines: int):
    return st.tuples(
        st.sets(st.integers(1, max(1, n_lines - 1)), max_size=n_lines),
        st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=3, max_size=8), min_size=1, max_size=6),
    )


def fold_dir(lines: list[bytes], cuts: set[int], names: list[str]):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_log(root, lines, cuts, names)
        events = read_log(root)
        return events, *fold_versioned(events)


def without_location(tables: dict) -> dict:
    """Every table, with the events table's file and line (where on disk, not what) left out."""
    names = [c.name for c in columns(EventTable)]
    keep = [i for i, n in enumerate(names) if n not in ("file", "file_line")]
    out = dict(tables)
    out[name_of(EventTable)] = [tuple(row[i] for i in keep) for row in tables[name_of(EventTable)]]
    return out


@SETTINGS
@given(st.data())
def test_a_random_valid_log_folds(data):
    log = data.draw(structured_logs())
    cuts, names = data.draw(layouts(len(log.lines)))
    events, tables, _ = fold_dir(log.lines, cuts, names)
    assert [e.seq for e in events] == list(range(1, len(log.lines) + 1))
    assert len(tables["meetings"]) == len(log.meetings)
    assert len(tables["provisions"]) == len(log.provisions)


WHY = {
    "position": "document order is by source document, then line (not the log's order, not the lines alone)",
    "current_text": "current_text is the printed text with every correction applied in order, a correction of a correction included",
    "standalone_text": "standalone_text is the current texts of every chapeau above the provision, outermost first, then its own",
    "meeting": "an endorsed proposal belongs to the endorsing meeting; a pending one to the proposing meeting",
    "meeting_start_date": "the meeting dates are those of the meeting in column meeting (the endorsing one for an endorsed proposal)",
    "parent_id": "an endorsed item's parent is the endorsing meeting's chapeau, which may stand in another document",
    "is_chapeau": "a chapeau is a provision some other provision names as parent",
    "corrections": "corrections counts every TextCorrected event of the provision",
    "adoption": "adoption: adopted, recommended_to_conference, proposed, or proposed_and_endorsed once endorsed",
}


def records(tables: dict, name: str) -> list[dict]:
    cols = [c.name for c in columns(name_of_model(name))]
    return [dict(zip(cols, row, strict=True)) for row in tables[name]]


def provision_differences(got: list[dict], want: dict[str, dict]) -> list[str]:
    """Each column of each provision where the fold and the events disagree, with the rule it breaks."""
    found = {p["provision_id"]: p for p in got}
    out = []
    if sorted(found) != sorted(want):
        out.append(f"provisions: the fold has {sorted(found)}, the events record {sorted(want)}")
    for pid, row in want.items():
        for column, value in row.items():
            if pid in found and found[pid][column] != value:
                out.append(f"{pid}.{column}: the fold gives {found[pid][column]!r}, the events say {value!r} ({WHY.get(column, 'as recorded')})")
    return out


def check_fold(log: GeneratedLog, tables: dict) -> None:
    """The fold's tables against the generator's own account of the log (see generated_logs)."""
    want = expected_provisions(log)
    problems = provision_differences(records(tables, "provisions"), want)
    assert not problems, "\n".join(problems[:12])
    assert [p["provision_id"] for p in records(tables, "provisions")] == list(want), f"provisions are not written in document order ({WHY['position']})"
    assert records(tables, "meetings") == expected_meetings(log), (
        "meetings: provisions_decided counts the provisions a meeting's decision made recommendations, provisions_proposed those proposed at it"
    )
    assert records(tables, "footnotes") == expected_footnotes(log), "footnotes come in their provision's document order, then by offset and number"
    assert records(tables, "provision_texts") == expected_texts(log), "provision_texts: the printed text, then one revision per correction, each valid until the next"
    assert [tuple(r) for r in tables["changes"]] == expected_changes(log), (
        "changes (none released): one added row per document, meeting, footnote and provision (its current text), in (event, table, row) order"
    )


@SETTINGS
@given(structured_logs())
def test_a_random_log_folds_into_what_its_events_say(log):
    """The fold, on the structures the committed log lacks, against an independent computation."""
    with tempfile.TemporaryDirectory() as tmp:
        events = read_log(log.write(Path(tmp)))
    check_fold(log, fold_versioned(events)[0])


def csv_spelling(value) -> str:
    """How a Frictionless CSV spells a value (written here, not by the writers): empty for null, true/false, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@SETTINGS
@given(structured_logs())
def test_the_package_spells_what_the_events_say(log):
    """The package's provisions.csv and footnotes.csv, read back with the csv module, against the independent
    computation spelled as Frictionless reads it: the CSV writer's output, not only the fold's rows."""
    import csv
    import io

    with tempfile.TemporaryDirectory() as tmp:
        tables, version = fold_versioned(read_log(log.write(Path(tmp))))
    files = package_files(tables, version.version, layout=current_layout())
    for name, want in (("provisions", list(expected_provisions(log).values())), ("footnotes", expected_footnotes(log))):
        data = files[f"data/{name}.csv"]
        assert b"\r" not in data, f"{name}.csv: lines end with \\n"
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        assert len(rows) == len(want), f"{name}.csv has {len(rows)} rows, the events make {len(want)}"
        wrong = [f"{name}.csv row {i}: {k} is {r[k]!r}, the events make it {csv_spelling(w[k])!r}" for i, (r, w) in enumerate(zip(rows, want, strict=True), 1) for k in w if r[k] != csv_spelling(w[k])]
        assert not wrong, "\n".join(wrong[:10])


@pytest.mark.parametrize("wanted", STRUCTURES)
def test_the_generated_logs_have_the_structure_the_committed_log_lacks(wanted):
    """Guard against a generator that silently stopped producing a structure (the properties would then prove less).
    Searched for, the first log found kept (no shrinking); each turns up within a few dozen logs."""
    found = settings(max_examples=200, deadline=None, database=None, phases=[Phase.generate])
    assert wanted in structure(find(structured_logs(), lambda log: wanted in structure(log), settings=found))


@SETTINGS
@given(st.data())
def test_the_fold_is_deterministic(data):
    lines = data.draw(structured_logs(max_steps=12)).lines
    events, tables, version = fold_dir(lines, set(), ["one"])
    again, version2 = fold_versioned(events)
    assert again == tables
    layout = current_layout()
    assert package_files(again, version2.version, layout=layout) == package_files(tables, version.version, layout=layout)


@SETTINGS
@given(st.data())
def test_only_the_sequence_matters_not_the_files(data):
    lines = data.draw(structured_logs(max_steps=12)).lines
    (cuts1, names1), (cuts2, names2) = data.draw(layouts(len(lines))), data.draw(layouts(len(lines)))
    _, tables1, v1 = fold_dir(lines, cuts1, names1)
    _, tables2, v2 = fold_dir(lines, cuts2, names2)
    assert without_location(tables1) == without_location(tables2)
    assert v1 == v2


def corrupt(data, lines: list[bytes]) -> tuple[str, bytes, bool]:
    """One random corruption of the log written as one segment; and whether it touches only the last event."""
    raw = b"".join(line + b"\n" for line in lines)
    last_starts = len(raw) - len(lines[-1]) - 1
    kind = data.draw(st.sampled_from(["flip", "drop", "swap", "duplicate"]))
    if kind == "flip":
        at = data.draw(st.integers(0, len(raw) - 1))
        bit = data.draw(st.integers(1, 255))
        out = raw[:at] + bytes([raw[at] ^ bit]) + raw[at + 1 :]
        return kind, out, last_starts <= at < len(raw) - 1
    i = data.draw(st.integers(0, len(lines) - 1))
    changed = list(lines)
    if kind == "drop":
        del changed[i]
        only_last = i == len(lines) - 1
    elif kind == "duplicate":
        changed.insert(data.draw(st.integers(0, len(lines))), lines[i])
        only_last = False
    else:
        j = data.draw(st.integers(0, len(lines) - 1).filter(lambda j: j != i))
        changed[i], changed[j] = changed[j], changed[i]
        only_last = False
    return kind, b"".join(line + b"\n" for line in changed), only_last


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_corrupted_log_is_always_detected(data):
    lines = data.draw(structured_logs(max_steps=12)).lines
    assert len(lines) >= 2  # the registration and at least one more
    kind, raw, only_last = corrupt(data, lines)
    head = read_log_of(b"".join(line + b"\n" for line in lines))[-1].hash
    # the streaming reader (as the build reads the log) names the same first problem as the sorting one,
    # the bytes cut into a few segments (whose order their names, not their contents, decide)
    ends = [i + 1 for i, byte in enumerate(raw) if byte == 0x0A and i + 1 < len(raw)]
    cuts = sorted(data.draw(st.sets(st.sampled_from(ends), max_size=2))) if ends else []
    assert outcome(raw, cuts, streamed=True) == outcome(raw, cuts), "the streaming reader and the sorting reader disagree"
    try:
        events = read_log_of(raw)
    except LogError:
        return  # detected, with a located message
    # not detected by the log alone: only possible for the last event, and then its head hash differs
    assert only_last, f"{kind} went undetected"
    assert not events or events[-1].hash != head


def outcome(raw: bytes, cuts: list[int], streamed: bool = False) -> str | list[tuple[int, str]]:
    """The problem a reader names, or the events it reads (their sequence numbers and hashes)."""
    try:
        return [(e.seq, e.hash) for e in read_log_of(raw, cuts, streamed)]
    except LogError as err:
        return str(err)


def read_log_of(raw: bytes, cuts: list[int] = (), streamed: bool = False):
    """The events of a log whose bytes are ``raw``, cut into segments at the byte offsets ``cuts``."""
    with tempfile.TemporaryDirectory() as tmp:
        bounds = [0, *cuts, len(raw)]
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False), 1):
            path = Path(tmp) / "events" / "0000" / f"{i:09d}-log.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw[a:b])
        return list(iter_log(Path(tmp))) if streamed else read_log(Path(tmp))


@pytest.mark.parametrize("kind", ["flip", "drop", "swap", "duplicate"])
def test_every_kind_of_corruption_is_generated(kind):
    """Guard against a generator that silently stopped producing a kind (the property would then prove less).
    Searched for (hypothesis.find), not counted in a fixed number of examples: the kinds are not drawn
    equally often, and a count that misses one now and then by chance would make the guard flaky."""

    @st.composite
    def corruptions(draw):
        class Data:
            pass

        data = Data()
        data.draw = draw
        return corrupt(data, draw(structured_logs(max_steps=12)).lines)[0]

    found = settings(max_examples=200, deadline=None, database=None, phases=[Phase.generate])  # the first found: no shrinking
    assert find(corruptions(), lambda k: k == kind, settings=found) == kind


@st.composite
def logs_with_releases(draw) -> list[bytes]:
    """A random log of adoptions, corrections and releases (minor versions; the fold checks only
    their order and log head, not their file hashes, which ``verify`` checks)."""
    day = dt.date(2009, 4, 14)
    events = [
        envelope(
            1,
            "SourceDocumentRegistered",
            day,
            {
                "document": DOC,
                "path": "sources/test.txt",
                "sha256": SHA,
                "language": "zh",
                "original_language": "en",
                "body": "测试",
                "title": "测试",
                "subtitle": "测试",
                "distributed_on": day.isoformat(),
            },
        ),
        envelope(2, "MeetingHeld", day, {"meeting": 1, "heading": "第1次会议", "start_date": day.isoformat(), "end_date": day.isoformat(), "venue": "维也纳"}),
    ]
    texts: dict[str, str] = {}
    releases, paragraph, dirty = 0, 0, True
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["adopt", "adopt", "correct", "correct", "release"]))
        seq = len(events) + 1
        if kind == "adopt" or (kind == "correct" and not texts):
            paragraph += 1
            pid = f"t-m1-p{paragraph}"
            provisions = [{"provision_id": f"{pid}{x}", "paragraph": paragraph, "label": f"{paragraph}.", "text": draw(TEXT), "line": seq} for x in [""]]
            provisions += [
                {"provision_id": f"{pid}-{x}", "parent_id": pid, "paragraph": paragraph, "item": x, "label": f"({x})", "text": draw(TEXT), "line": seq} for x in "ab"[: draw(st.integers(0, 2))]
            ]
            texts.update({p["provision_id"]: p["text"] for p in provisions})
            events.append(envelope(seq, "RecommendationsAdopted", day, {"meeting": 1, "paragraph": paragraph, "provisions": provisions}, paragraph))
        elif kind == "correct":
            pid = draw(st.sampled_from(sorted(texts)))
            old, new = texts[pid], texts[pid] + draw(st.sampled_from("正误"))
            texts[pid] = new
            events.append(envelope(seq, "TextCorrected", day, {"provision_id": pid, "old_text": old, "new_text": new, "reason": "测试", "corrected_by": "test"}))
        elif dirty:  # a release that would change nothing is refused by the fold
            releases += 1
            head = line_hash(chain(EVENT_ADAPTER.validate_python(e) for e in events)[-1][1])
            events.append(
                envelope(
                    seq,
                    "ReleasePublished",
                    day,
                    {
                        "version": f"1.{releases - 1}.0",
                        "published_on": day.isoformat(),
                        "notes": "测试",
                        "log_head": {"seq": seq - 1, "sha256": head},
                        "digest": "cd" * 32,
                        "files": [{"path": "data/provisions.csv", "bytes": 0, "sha256": "ef" * 32, "fields": ["provision_id"]}],
                    },
                )
            )
        dirty = kind != "release"
        day += dt.timedelta(days=1)
    return [line for _, line in chain(EVENT_ADAPTER.validate_python(e) for e in events)]


@SETTINGS
@given(st.data())
def test_the_changes_of_a_release_are_the_difference_from_the_release_before(data):
    """``changes`` against an independent computation: fold the log up to each release and compare
    the provisions' texts with those at the release before (added rows, then changed texts)."""
    lines = data.draw(logs_with_releases())
    with tempfile.TemporaryDirectory() as tmp:
        write_log(Path(tmp), lines, set(), ["log"])
        events = read_log(Path(tmp))
    tables = fold_versioned(events)[0]
    cols = [c.name for c in columns(name_of_model("changes"))]
    changes = [dict(zip(cols, row, strict=True)) for row in tables["changes"]]
    release_seqs = [e.event.seq for e in events if e.event.type == "ReleasePublished"]
    versions = [e.event.data.version for e in events if e.event.type == "ReleasePublished"]

    def texts_at(seq: int) -> dict[str, str]:
        if seq == 0:
            return {}
        t = fold_versioned(events[:seq])[0]
        pcols = [c.name for c in columns(name_of_model("provisions"))]
        return {r[pcols.index("provision_id")]: r[pcols.index("current_text")] for r in t["provisions"]}

    bounds = [0, *release_seqs, len(events)]
    for i, version in enumerate([*versions, None]):
        before, after = texts_at(bounds[i]), texts_at(bounds[i + 1])
        want = {(pid, "added", None, None, t) for pid, t in after.items() if pid not in before}
        want |= {(pid, "changed", "current_text", before[pid], t) for pid, t in after.items() if pid in before and before[pid] != t}
        got = {(c["row_id"], c["change"], c["field"], c["old_value"], c["new_value"]) for c in changes if c["version"] == version and c["table_name"] == "provisions"}
        assert got == want, f"release {version}"
    assert [c["change_id"] for c in changes] == list(range(1, len(changes) + 1))
    order = [(c["version"] is None, versions.index(c["version"]) if c["version"] else 0, c["event_seq"], c["table_name"], c["row_id"], c["field"] or "") for c in changes]
    assert order == sorted(order)


def name_of_model(name: str):
    from wgtip.tables import TABLES

    return next(m for m in TABLES if name_of(m) == name)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["doc-a", "doc-b", "doc-c"]), st.integers(min_value=1, max_value=30)), max_size=60))
def test_document_order_is_one_stable_sort_by_document_and_line(keys):
    """The fold orders provisions by document, then each document's run by line (cheaper in
    memory): the same order as Python's one stable sort by (document, line), ties in log order."""
    from wgtip.projection.recommendations import in_document_order
    from wgtip.projection.state import ProvisionRecord

    records = [ProvisionRecord(provision_id=f"p{i}", source_document=d, source_line=n) for i, (d, n) in enumerate(keys)]
    expected = sorted(records, key=lambda r: (r.source_document, r.source_line))
    assert [r.provision_id for r in in_document_order(records)] == [r.provision_id for r in expected]
