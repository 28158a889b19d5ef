"""The commands that need a few rows of the log (cite, diff, correct, anomalies, docs, annotate,
the append-only check) stream it through the build's fold and keep only those rows: they give
what a fold of the whole log in memory gives, name problems in the same order (file, line,
field), and a release is read only up to its event."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT
from helpers import append, append_raw, next_event

from wgtip.folded import fold_kept, fold_log, keep_all
from wgtip.history import records
from wgtip.log import iter_log
from wgtip.release import published_versions
from wgtip.tables import TABLES, name_of

VERSIONS = published_versions(ROOT)


def wgtip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", *args], capture_output=True, text=True, cwd=ROOT)


def test_kept_rows_are_the_folds_rows_that_pass_the_filter():
    """Against the fold of the whole log in memory (``fold_log``): every table kept whole, and one
    filtered, give the same rows; every table's count is its number of rows."""
    _, tables, version = fold_log(ROOT)
    keep = {name_of(m): keep_all for m in TABLES}
    keep["provisions"] = lambda p: p["meeting"] == 4 and p["level"] != "paragraph"
    kept = fold_kept(iter_log(ROOT), keep)
    for model in TABLES:
        name = name_of(model)
        want = records(tables, name)
        assert kept.counts[name] == len(want), name
        if name == "provisions":
            want = [p for p in want if p["meeting"] == 4 and p["level"] != "paragraph"]
            assert 0 < len(want) < len(tables[name])
        assert kept.rows[name] == want, name
    assert kept.dataset.version == version


def test_nothing_is_kept_unless_asked():
    kept = fold_kept(iter_log(ROOT), {"meetings": lambda m: m["meeting"] == 3})
    assert list(kept.rows) == ["meetings"] and [m["meeting"] for m in kept.rows["meetings"]] == [3]
    assert kept.head is not None and kept.counts["events"] == kept.head.seq


def test_kept_rows_hold_only_the_columns_asked_for():
    """``columns`` (what annotate uses to keep every provision without its citation and joined
    texts): each kept row is the fold's row cut to those columns, in that order; a column the
    table lacks is refused by name."""
    _, tables, _ = fold_log(ROOT)
    only = ("position", "provision_id", "current_text")
    kept = fold_kept(iter_log(ROOT), {"provisions": keep_all, "meetings": keep_all}, columns={"provisions": only})
    assert kept.rows["provisions"] == [{c: p[c] for c in only} for p in records(tables, "provisions")]
    assert all(list(p) == list(only) for p in kept.rows["provisions"])
    assert kept.rows["meetings"] == records(tables, "meetings")  # not named: every column
    with pytest.raises(ValueError, match="provisions: no column nope to keep"):
        fold_kept(iter_log(ROOT), {"provisions": keep_all}, columns={"provisions": ("provision_id", "nope")})


def test_cite_reads_the_log_only_up_to_the_release(repo):
    """A broken event after the last release stops a command that needs the whole log, not a
    citation of a release (the fold up to it): it cites exactly what it cites without that event."""
    last = subprocess.run([sys.executable, "-m", "wgtip", "cite", "wgtip-m4-p46-j-vi", "--root", str(ROOT)], capture_output=True, text=True).stdout
    first = wgtip("cite", "wgtip-m4-p46-j-vi", "--release", VERSIONS[0]).stdout
    seq = sum(1 for _ in iter_log(repo)) + 1
    append_raw(repo, f"{seq:09d}-broken.jsonl", b'{"seq":%d,"type":"MeetingHeld"}\n' % seq)
    assert wgtip("cite", "wgtip-m4-p46-j-vi", "--root", str(repo)).stdout == last
    assert wgtip("cite", "wgtip-m4-p46-j-vi", "--release", VERSIONS[0], "--root", str(repo)).stdout == first
    whole = wgtip("anomalies", "--root", str(repo))
    assert whole.returncode == 1 and f"{seq:09d}-broken.jsonl:1" in whole.stderr, whole.stderr


def test_cite_an_unknown_release_names_the_releases():
    result = wgtip("cite", "--release", "9.9.9")
    assert result.returncode == 1
    assert result.stderr == f"error: no release 9.9.9 in the log (releases: {', '.join(VERSIONS)})\n"


COMMANDS = {
    "anomalies": ["anomalies"],
    "diff": ["diff", VERSIONS[0], VERSIONS[-1]],
    "docs": ["docs", "--check"],
    "annotate": ["annotate", "--recorded-at", "2030-01-01T00:00:00Z"],
    "correct": ["correct", "wgtip-m1-p1", "--find", "缔约国", "--replace", "各国", "--reason", "r", "--by", "b", "--date", "2026-12-01", "--recorded-at", "2026-12-01T00:00:00Z"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_problem_of_the_log_later_on_is_named_before_an_earlier_reference(repo, command):
    """Streamed, the fold meets a reference it refuses before the rest of the log is read; the
    problem named is still the one a read of the whole log first names: the log's own."""
    args = [*COMMANDS[command], "--root", str(repo)]
    ev = next_event(repo, "RecommendationsAdopted", {"meeting": 99, "paragraph": 1, "provisions": [{"provision_id": "wgtip-m99-p1", "paragraph": 1, "label": "1.", "text": "缔约国应：", "line": 10}]})
    append(repo, ev)
    alone = wgtip(*args)
    assert alone.returncode == 1 and alone.stderr.startswith(f"error: events/0000/{ev['seq']:09d}-test.jsonl:1: data.meeting: "), alone.stderr
    append_raw(repo, f"{ev['seq'] + 1:09d}-broken.jsonl", b"not json\n")
    both = wgtip(*args)
    assert both.returncode == 1 and both.stderr.startswith(f"error: events/0000/{ev['seq'] + 1:09d}-broken.jsonl:1: (line): not valid JSON"), both.stderr
    assert not (repo / "events/0000" / f"{ev['seq'] + 2:09d}-correction-wgtip-m1-p1.jsonl").exists()


def test_a_run_of_events_too_big_for_one_segment_is_written_as_several(tmp_path, monkeypatch):
    """``wgtip annotate`` on a 10^5-event log wrote one 80 MB segment of theme annotations, which
    the reader then refused (over 64 MiB). Written events are split where a file would pass the
    limit, and read back as they were written."""
    import wgtip.log as log
    from wgtip.log import read_log, write_segments

    events = [le.event for le in read_log(ROOT)[:30]]
    chained = log.chain(events)  # what write_segments writes: each event with its prev, and its line
    limit = sum(len(line) + 1 for _, line in chained[:7])
    monkeypatch.setattr(log, "MAX_SEGMENT_BYTES", limit)
    paths = write_segments(tmp_path, [("one-slug", e) for e in events])
    assert len(paths) > 30 // 7 and all(p.stat().st_size <= limit for p in paths)
    assert b"".join(p.read_bytes() for p in paths) == b"".join(line + b"\n" for _, line in chained)
    assert [le.event for le in read_log(tmp_path)] == [ev for ev, _ in chained]


def test_segments_written_before_a_failure_are_removed(tmp_path, monkeypatch):
    """``write_segments`` writes events as they are made (annotate's, a rule at a time); when making
    them fails half-way, the segments already written go: the log is as it was before."""
    import wgtip.log as log
    from wgtip.log import read_log, write_segments

    events = [le.event for le in read_log(ROOT)[:30]]
    monkeypatch.setattr(log, "MAX_SEGMENT_BYTES", sum(len(line) + 1 for _, line in log.chain(events)[:5]))
    on_disk_at_failure: list = []

    def made_then_failed():
        yield from (("one-slug", e) for e in events)
        on_disk_at_failure.extend(tmp_path.rglob("*.jsonl"))
        raise RuntimeError("a rule failed")

    with pytest.raises(RuntimeError, match="a rule failed"):
        write_segments(tmp_path, made_then_failed())
    assert len(on_disk_at_failure) > 1  # they had been written
    assert list(tmp_path.rglob("*.jsonl")) == []
