"""The streamed fold (folded.py) gives what the whole fold gives (fold.fold_versioned, which folds the
log in memory and makes every table at once): each table's rows, in the batches a sink receives,
their counts, the dataset version and the last event; a release's layout leaves tables out; the
rows a command keeps, and the columns it asks for; and the order in which problems are named.

The log is the committed one, read by the log reader; a problem of the fold is made by a copied log
with an adoption at a meeting not yet held."""

from __future__ import annotations

import functools
import itertools

import pytest
from conftest import ROOT, copy_repo
from helpers import append, next_event

from wgtip import folded as folded_module
from wgtip.fold import fold_versioned
from wgtip.folded import batched, fold_checked, fold_kept, fold_log, fold_tables, keep_all
from wgtip.log import LogError, read_log
from wgtip.tables import TABLES, current_layout, name_of


@pytest.fixture(scope="module")
def whole():
    events = read_log(ROOT)
    tables, version = fold_versioned(events)
    return events, tables, version


class Sink:
    def __init__(self, name: str, columns: list[str], sinks: dict):
        self.name, self.columns, self.batches = name, columns, []
        sinks[name] = self

    def write(self, rows):
        self.batches.append(list(rows))

    def close(self):
        return sum(map(len, self.batches)), f"closed {self.name}"


def test_batches_are_consecutive_slices_of_the_given_size():
    assert list(batched(iter(range(12)), 5)) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert list(batched([], 5)) == []
    assert list(batched(range(3))) == [[0, 1, 2]]


def test_the_streamed_fold_gives_every_table_the_whole_fold_gives(whole, monkeypatch):
    events, tables, version = whole
    # batches of 7 rows, so each table of more than 7 rows comes in several
    monkeypatch.setattr(folded_module, "batched", functools.partial(batched, size=7))
    sinks, heads, states = {}, [], []
    layout = current_layout()

    def layout_after(head):
        heads.append(head)
        return layout

    got = fold_tables(iter(events), layout_after, lambda model, cols: Sink(name_of(model), cols, sinks), states.append)
    assert heads == [events[-1]] and got.head is events[-1]
    assert [s.seq for s in states] == [events[-1].seq]  # the state once every event is applied
    assert list(sinks) == [name_of(m) for m in TABLES]
    for name, sink in sinks.items():
        assert sink.columns == layout[name]
        assert [r for b in sink.batches for r in b] == [tuple(r) for r in tables[name]], name
        assert all(len(b) == 7 for b in sink.batches[:-1]) and 0 < len(sink.batches[-1]) <= 7 if tables[name] else sink.batches == []
        assert got.counts[name] == len(tables[name])
        assert got.stats[name] == (len(tables[name]), f"closed {name}")
    assert got.version == version.version and got.dataset == version
    assert got.source_documents == [tuple(r) for r in tables["source_documents"]]
    assert got.layout == layout
    assert got.csv_hashes() == {f"data/{name}.csv": (len(tables[name]), f"closed {name}") for name in sinks}


def test_a_table_the_release_s_layout_leaves_out_is_folded_but_written_nowhere(whole):
    events, tables, version = whole
    layout = current_layout()
    names = [name_of(m) for m in TABLES]
    dropped = names[3]  # neither the events table (written first) nor the last
    release = {name: cols for name, cols in layout.items() if name != dropped}
    sinks = {}
    got = fold_tables(iter(events), lambda head: release, lambda model, cols: Sink(name_of(model), cols, sinks))
    assert list(sinks) == [n for n in names if n != dropped]
    assert dropped not in got.counts and dropped not in got.stats
    for name in sinks:
        assert got.counts[name] == len(tables[name])
    assert got.layout == release


def test_a_command_keeps_the_rows_and_columns_it_asks_for_and_every_count(whole):
    events, tables, version = whole
    fields = {name_of(m): current_layout()[name_of(m)] for m in TABLES}
    provisions = [dict(zip(fields["provisions"], r, strict=True)) for r in tables["provisions"]]
    states = []
    kept = fold_kept(iter(events), {"provisions": lambda r: r["meeting"] == 4, "meetings": keep_all}, on_state=states.append, columns={"provisions": ["provision_id", "text"]})
    assert kept.rows["provisions"] == [{"provision_id": p["provision_id"], "text": p["text"]} for p in provisions if p["meeting"] == 4]
    assert kept.rows["provisions"] and len(kept.rows["provisions"]) < len(provisions)
    assert kept.rows["meetings"] == [dict(zip(fields["meetings"], r, strict=True)) for r in tables["meetings"]]
    assert set(kept.rows) == {"provisions", "meetings"}
    assert kept.counts == {name: len(rows) for name, rows in tables.items()}
    assert kept.dataset == version and kept.head is events[-1]
    assert [s.seq for s in states] == [events[-1].seq]


def test_a_column_to_keep_that_the_table_lacks_is_refused_by_name(whole):
    events = whole[0]
    with pytest.raises(ValueError) as err:
        fold_kept(iter(events), {"provisions": keep_all}, columns={"provisions": ["provision_id", "nope", "nada"]})
    assert str(err.value) == "provisions: no column nope, nada to keep"


def test_fold_log_is_the_log_and_its_whole_fold(whole):
    events, tables, version = whole
    got_events, got_tables, got_version = fold_log(ROOT)
    assert [e.seq for e in got_events] == [e.seq for e in events]
    assert got_tables == tables and got_version == version.version


def unknown_meeting(tmp_path):
    """A copied log ending with an adoption at the ninth meeting, which the log never holds."""
    root = copy_repo(tmp_path / "repo")
    d = {"meeting": 9, "paragraph": 3, "provisions": [{"provision_id": "wgtip-m9-p3", "paragraph": 3, "label": "3.", "text": "缔约国应：", "line": 10}]}
    ev = next_event(root, "RecommendationsAdopted", d)
    ev["source"] = dict(ev["source"], section="九", paragraph="3", line=10)
    path = append(root, ev)
    return root, path.relative_to(root).as_posix()


def test_a_fold_problem_names_the_file_and_line_of_its_event(tmp_path):
    root, rel = unknown_meeting(tmp_path)
    for fold in (lambda: fold_log(root), lambda: fold_kept(iter(read_log(root)), {})):
        with pytest.raises(LogError) as err:
            fold()
        assert (err.value.path, err.value.line) == (rel, 1)
        assert "meeting" in str(err.value)


def test_a_problem_of_the_log_read_after_a_fold_problem_is_named_first(whole):
    """fold_checked: the fold stops at a reference it refuses; the rest of the log is read all the same,
    and a malformed line there is the error raised (as reading the whole log first would find it)."""
    events = whole[0]
    log_problem = LogError("events/0000/x.jsonl", 7, "seq", "a problem of the log itself")
    fold_problem = LogError("events/0000/y.jsonl", 1, "meeting", "a problem of the fold")
    read = []

    def log():
        for le in events[:5]:
            read.append(le.seq)
            yield le
        raise log_problem

    def fold_refusing_the_second(evs):
        next(evs), next(evs)
        raise fold_problem

    with pytest.raises(LogError) as err:
        fold_checked(log(), fold_refusing_the_second)
    assert err.value is log_problem and read == [e.seq for e in events[:5]]

    # without a problem in the rest of the log, the fold's own is raised, once the rest is read
    read.clear()
    with pytest.raises(LogError) as err:
        fold_checked(iter(itertools.chain(events[:5])), fold_refusing_the_second)
    assert err.value is fold_problem

    # a problem of the log the fold itself read is raised as it is
    def fold_reading_all(evs):
        return list(evs)

    read.clear()
    with pytest.raises(LogError) as err:
        fold_checked(log(), fold_reading_all)
    assert err.value is log_problem


def test_the_dataset_version_is_the_last_release_or_says_how_many_events_follow_it(whole):
    """Read from the log's JSON: the fold up to a release is that release (its version, date and
    digest); the whole log is the last release with the count of the events after it (a DOI recorded
    for a release changes no data, so it is not counted)."""
    import datetime as dt
    import json

    from wgtip.release import until_release

    events, _, version = whole
    lines = [json.loads(line) for p in sorted((ROOT / "events").rglob("*.jsonl")) for line in p.read_bytes().split(b"\n") if line]
    releases = [e for e in lines if e["type"] == "ReleasePublished"]
    assert len(releases) >= 3
    for release in releases:
        data = release["data"]
        _, at_release = fold_versioned(list(until_release(iter(events), data["version"])))
        assert (at_release.version, at_release.published_on, at_release.digest) == (data["version"], dt.date.fromisoformat(data["published_on"]), data["digest"])
    after = [e for e in lines if e["seq"] > releases[-1]["seq"] and e["type"] != "ReleaseDoiRecorded"]
    last = releases[-1]["data"]["version"]
    assert version.version == (f"{last}+unreleased.{len(after)}" if after else last)


def test_folding_no_event_writes_empty_tables_and_names_no_last_event():
    heads, sinks = [], {}
    got = fold_tables(iter([]), lambda head: heads.append(head) or current_layout(), lambda model, cols: Sink(name_of(model), cols, sinks))
    assert heads == [None] and got.head is None
    assert set(got.counts.values()) == {0} and list(got.counts) == [name_of(m) for m in TABLES]


@pytest.mark.parametrize("dropped", [name_of(m) for m in TABLES][1:])
def test_leaving_any_table_out_changes_no_other(whole, dropped):
    """Each table a release's layout leaves out is folded all the same (its rows read and dropped):
    every other table is what the whole fold makes."""
    events, tables, _ = whole
    release = {name: cols for name, cols in current_layout().items() if name != dropped}
    sinks = {}
    fold_tables(iter(events), lambda head: release, lambda model, cols: Sink(name_of(model), cols, sinks))
    assert dropped not in sinks
    for name, sink in sinks.items():
        assert [r for b in sink.batches for r in b] == [tuple(r) for r in tables[name]], name
