"""The fold's state and the dataset's own history, one rule at a time (issue 38 item 3: the mutation run
over the projection found these rules reached by no selected test, or reached without their outcome checked).

Each expectation is the rule as docs/data-model.md and the events' schema state it, written out here for a
small state built by hand: what a release publishes of a row added, changed or removed since the last one,
which release formats and DOIs a log may record, and where a fold error is located.
"""

from __future__ import annotations

import datetime as dt

import pytest

from wgtip import events as ev
from wgtip.log import LogError, LoggedEvent
from wgtip.projection import history
from wgtip.projection import state as state_module
from wgtip.projection.state import WRITTEN_ONLY, ChangeRecord, FoldError, Record, State, record_added, record_changed, record_removed
from wgtip.tables import Provision, columns

DAY = dt.date(2026, 12, 1)


def pending(state: State) -> dict[tuple, tuple]:
    """The pending changes as plain tuples: (table, row, field) -> (change, old, new, seq)."""
    return {k: (c.change, c.old_value, c.new_value, c.event_seq) for k, c in state.pending.items()}


def test_a_row_added_and_removed_before_a_release_leaves_no_change():
    state = State()
    state.seq = 1
    record_added(state, "footnotes", "f1", "one")
    record_added(state, "footnotes", "f2", "two")
    state.seq = 2
    record_removed(state, "footnotes", "f1", "one")
    # f1 was never in a release: nothing about it is published; f2's addition stays
    assert pending(state) == {("footnotes", "f2", None): ("added", None, "two", 1)}


def test_a_released_row_removed_is_published_as_removed_with_its_value_and_no_earlier_change():
    state = State()
    state.seq = 5
    record_changed(state, "meetings", "1", "heading", "old heading", "new heading")
    record_changed(state, "meetings", "2", "heading", "a", "b")
    state.seq = 6
    record_removed(state, "meetings", "1", "new heading")
    # the change of row 1 is superseded by its removal (keyed by the empty field); row 2's change stays
    assert pending(state) == {
        ("meetings", "2", "heading"): ("changed", "a", "b", 5),
        ("meetings", "1", ""): ("removed", "new heading", None, 6),
    }
    removed = state.pending[("meetings", "1", "")]
    assert (removed.table_name, removed.row_id, removed.field) == ("meetings", "1", None)


def test_removing_a_row_added_since_the_release_also_drops_its_later_changes():
    state = State()
    state.seq = 3
    state.pending[("meetings", "7", None)] = ChangeRecord(table_name="meetings", row_id="7", change="added", field=None, old_value=None, new_value="x", event_seq=3)
    state.pending[("meetings", "7", "venue")] = ChangeRecord(table_name="meetings", row_id="7", change="changed", field="venue", old_value="a", new_value="b", event_seq=3)
    state.pending[("meetings", "8", "venue")] = ChangeRecord(table_name="meetings", row_id="8", change="changed", field="venue", old_value="c", new_value="d", event_seq=3)
    state.pending[("footnotes", "7", "text")] = ChangeRecord(table_name="footnotes", row_id="7", change="changed", field="text", old_value="e", new_value="f", event_seq=3)
    record_removed(state, "meetings", "7", "x")
    # only meeting 7's entries go: the same row id in another table and another row of the table stay
    assert sorted(state.pending) == [("footnotes", "7", "text"), ("meetings", "8", "venue")]


def test_the_texts_of_an_unknown_provision():
    state = State()
    assert state.texts.get("nope") is None
    assert state.texts.get("nope", "default") == "default"
    with pytest.raises(KeyError, match="nope"):
        state.texts["nope"]


def test_a_record_reads_a_missing_field_as_its_default():
    rec = ChangeRecord(table_name="t")
    assert rec.get("table_name") == "t"
    assert rec.get("no_such_field") is None
    assert rec.get("no_such_field", 42) == 42


def envelope(cls: type[ev.Envelope], seq: int, data: ev.Strict, start: dt.date = DAY) -> ev.Envelope:
    type_ = cls.model_fields["type"].annotation.__args__[0]
    return cls.model_construct(seq=seq, type=type_, schema_version=1, occurred=ev.Occurrence(start=start, end=start), recorded_at=None, source=None, prev=None, data=data)


def test_a_fold_error_is_located_to_the_file_and_line_of_its_event():
    err = FoldError(12, "data.version", "something is wrong")
    assert (err.seq, err.field, err.message) == (12, "data.version", "something is wrong")
    assert str(err) == "event 12: data.version: something is wrong"
    e = envelope(ev.ReleaseFormatAdopted, 12, ev.ReleaseFormatAdoptedData.model_construct(format=2, notes="n"))
    located = err.at(LoggedEvent(e, "0" * 64, "events/2026/x.jsonl", 40, "{}"))
    assert isinstance(located, LogError)
    assert (located.path, located.line, located.field) == ("events/2026/x.jsonl", 40, "data.version")
    assert located.message == "something is wrong (ReleaseFormatAdopted, seq 12)"


def adopt(state: State, seq: int, fmt: int) -> None:
    history._release_format_adopted(state, envelope(ev.ReleaseFormatAdopted, seq, ev.ReleaseFormatAdoptedData.model_construct(format=fmt, notes="n")))


def test_a_release_format_is_adopted_once_and_never_taken_back():
    newest = max(ev.RELEASE_FORMATS)
    assert set(ev.RELEASE_FORMATS) == set(range(1, newest + 1)), "the formats are numbered 1, 2, ... without gaps"
    state = State()
    assert state.release_format == 1  # before any ReleaseFormatAdopted event
    adopt(state, 1, newest)
    assert state.release_format == newest
    for fmt in range(2, newest + 1):  # the format in use, or an older one
        with pytest.raises(FoldError) as caught:
            adopt(state, 2, fmt)
        assert (caught.value.seq, caught.value.field) == (2, "data.format")
        assert f"format {fmt} is not newer than the format in use ({newest})" in caught.value.message
    with pytest.raises(FoldError) as caught:
        adopt(state, 3, newest + 1)
    assert (caught.value.seq, caught.value.field) == (3, "data.format")
    assert f"release format {newest + 1} is newer than this software knows ({newest})" in caught.value.message
    assert state.release_format == newest


def released(*versions: tuple[str, dt.date]) -> State:
    state = State()
    state.releases = [dict(version=v, published_on=d) for v, d in versions]
    return state


def record_doi(state: State, seq: int, version: str, doi: str, start: dt.date = DAY) -> None:
    history._release_doi_recorded(state, envelope(ev.ReleaseDoiRecorded, seq, ev.ReleaseDoiRecordedData.model_construct(version=version, doi=doi), start))


def doi_error(state: State, seq: int, version: str, doi: str, start: dt.date = DAY) -> FoldError:
    with pytest.raises(FoldError) as caught:
        record_doi(state, seq, version, doi, start)
    assert caught.value.seq == seq
    return caught.value


def test_a_doi_is_recorded_for_a_release_before_it_one_per_release():
    state = released(("1.0.0", dt.date(2026, 1, 5)), ("1.1.0", dt.date(2026, 3, 1)))
    record_doi(state, 10, "1.0.0", "10.5281/zenodo.1")
    assert state.dois == {"1.0.0": ("10.5281/zenodo.1", 10)}

    err = doi_error(state, 11, "2.0.0", "10.5281/zenodo.2")
    assert err.field == "data.version"
    assert "no release 2.0.0 before this event (releases: 1.0.0, 1.1.0)" in err.message

    err = doi_error(State(), 11, "1.0.0", "10.5281/zenodo.2")
    assert "(releases: none)" in err.message

    err = doi_error(state, 12, "1.1.0", "10.5281/zenodo.3", start=dt.date(2026, 2, 28))
    assert err.field == "occurred.start"
    assert "2026-02-28 is before release 1.1.0 was published (2026-03-01)" in err.message
    record_doi(state, 13, "1.1.0", "10.5281/zenodo.3", start=dt.date(2026, 3, 1))  # the day it was published
    assert state.dois["1.1.0"] == ("10.5281/zenodo.3", 13)

    err = doi_error(state, 14, "1.0.0", "10.5281/zenodo.4")
    assert err.field == "data.version"
    assert "release 1.0.0 already has the DOI 10.5281/zenodo.1 (event 10)" in err.message


def test_a_doi_names_one_release_whatever_its_case():
    state = released(("1.0.0", dt.date(2026, 1, 5)), ("1.1.0", dt.date(2026, 3, 1)))
    record_doi(state, 10, "1.0.0", "10.5281/Zenodo.ABC")
    err = doi_error(state, 11, "1.1.0", "10.5281/zenodo.abc")  # DOIs are case-insensitive (DOI Handbook 2.4)
    assert err.field == "data.doi"
    assert "10.5281/zenodo.abc is already the DOI of release 1.0.0" in err.message
    assert "1.1.0" not in state.dois


HEAD = "a" * 64


def publish(state: State, seq: int, version: str, on: dt.date = DAY, head_seq: int | None = None, head: str = HEAD, prev: str = HEAD) -> None:
    data = ev.ReleasePublishedData.model_construct(
        version=version, published_on=on, notes="n", log_head=ev.LogHead.model_construct(seq=seq - 1 if head_seq is None else head_seq, sha256=head), files=(), digest="d" * 64
    )
    e = envelope(ev.ReleasePublished, seq, data).model_copy(update={"prev": prev})
    history._release_published(state, e)


def publish_error(state: State, seq: int, version: str, **kw) -> FoldError:
    with pytest.raises(FoldError) as caught:
        publish(state, seq, version, **kw)
    assert caught.value.seq == seq
    return caught.value


def test_a_release_names_the_event_just_before_it():
    for kw in (dict(head_seq=8), dict(head_seq=10), dict(head="b" * 64), dict(prev="b" * 64)):
        err = publish_error(State(), 10, "1.0.0", **kw)
        assert err.field == "data.log_head"
        assert "must name the event just before the release (seq 9, the hash in prev)" in err.message
    state = State()
    publish(state, 10, "1.0.0")
    assert [(r["version"], r["release_order"], r["previous_version"], r["log_head_seq"], r["event_seq"]) for r in state.releases] == [("1.0.0", 1, None, 9, 10)]


def test_a_release_comes_after_the_last_in_version_and_date_and_changes_something():
    state = State()
    state.seq = 1
    record_added(state, "meetings", "1", "first")
    publish(state, 10, "1.0.0", on=dt.date(2026, 3, 1))
    assert state.pending == {} and [c.version for c in state.changes] == ["1.0.0"]

    err = publish_error(state, 11, "1.0.0")
    assert (err.field, err.message) == ("data.version", "version 1.0.0 was already released")
    for older in ("0.9.9", "0.10.0"):
        err = publish_error(state, 11, older)
        assert err.field == "data.version"
        assert f"{older} does not come after the previous release 1.0.0" in err.message
    err = publish_error(state, 11, "1.0.1")
    assert err.field == "data.version"
    assert "release 1.0.1 changes nothing since 1.0.0" in err.message

    state.seq = 11
    record_changed(state, "meetings", "1", "heading", "first", "second")
    err = publish_error(state, 12, "1.0.1", on=dt.date(2026, 2, 28))
    assert err.field == "data.published_on"
    assert "2026-02-28 is before the previous release's date 2026-03-01" in err.message
    publish(state, 12, "1.0.1", on=dt.date(2026, 3, 1))  # a correction only: a patch, the same day will do
    assert [r["previous_version"] for r in state.releases] == [None, "1.0.0"]


@pytest.mark.parametrize(("added", "words"), [(1, "adds 1 record:"), (2, "adds 2 records:")])
def test_a_release_that_adds_records_needs_a_minor_version(added, words):
    state = State()
    state.seq = 1
    record_added(state, "meetings", "1", "first")
    publish(state, 10, "1.0.0")
    state.seq = 11
    for i in range(added):
        record_added(state, "meetings", str(i + 2), "another")
    err = publish_error(state, 12, "1.0.1")
    assert err.field == "data.version"
    assert f"release 1.0.1 {words} that needs a minor version (new records), not a patch" in err.message
    state.provisions_added, state.pending = 1, {}
    err = publish_error(state, 12, "1.0.1")  # a provision added counts as a record added
    assert "adds 1 record:" in err.message
    publish(state, 12, "1.1.0")
    assert state.provisions_added == 0


def test_a_fold_error_carries_its_located_message_as_its_argument():
    err = FoldError(3, "data.doi", "taken")
    assert err.args == ("event 3: data.doi: taken",)  # what repr and a logged traceback show


def test_a_record_type_is_a_slotted_record_compared_by_identity():
    # the fold's record types are made when the module is imported: made afresh here, so a mutant of record_type shows
    cls = state_module.record_type("Pair", ["left", "right"], "Two values.")
    a, b = cls(left=1), cls(left=1)
    assert (cls.__name__, cls.__doc__, cls.__slots__) == ("Pair", "Two values.", ("left", "right"))
    assert issubclass(cls, Record)
    assert (a["left"], a.right, a.get("right", "x"), dict(a)) == (1, None, None, {"left": 1, "right": None})
    assert a != b and a == a  # records are compared by identity: two provisions never merge
    assert not hasattr(a, "__dict__")
    with pytest.raises(AttributeError):
        a.other = 2


def test_a_provision_row_puts_each_column_in_its_place():
    # the table's columns in order, independently of how the row maker is written: each field holds its own name
    # and each written-only value is marked, so the row must read the column names in order
    names = [c.name for c in columns(Provision)]
    held = [n for n in names if n not in WRITTEN_ONLY]
    record = state_module.ProvisionRecord(**{n: n for n in held})
    row = state_module._provision_row_maker()(record, *(f"written {n}" for n in WRITTEN_ONLY))
    assert row == tuple(f"written {n}" if n in WRITTEN_ONLY else n for n in names)
    assert set(WRITTEN_ONLY) < set(names)


def test_a_text_at_an_event_is_the_one_that_event_made():
    state = State()
    state.provisions["p"] = state_module.ProvisionRecord(provision_id="p", text="printed", event_seq=2)
    assert [state.texts.at("p", s) for s in (2, 3)] == ["printed", "printed"]
    revisions = state.texts.editable("p")
    revisions[-1]["valid_to_seq"] = 5
    revisions.append(state_module.TextRevision(text="corrected", valid_from_seq=5, valid_to_seq=None, reason="r", corrected_by="b"))
    assert [state.texts.at("p", s) for s in (2, 4, 5, 6)] == ["printed", "printed", "corrected", "corrected"]


def test_a_correction_names_a_provision_that_exists():
    data = ev.TextCorrectedData.model_construct(provision_id="p9", old_text="a", new_text="b", reason="r", corrected_by="c")
    with pytest.raises(FoldError) as caught:
        history._text_corrected(State(), envelope(ev.TextCorrected, 4, data))
    assert (caught.value.seq, caught.value.field, caught.value.message) == (4, "data.provision_id", "provision 'p9' does not exist")


def test_each_release_is_in_the_format_in_use_when_it_was_published():
    state = State()
    state.seq = 1
    record_added(state, "meetings", "1", "first")
    publish(state, 2, "1.0.0")
    adopt(state, 3, 2)
    record_added(state, "meetings", "2", "second")
    publish(state, 4, "1.1.0")
    assert state.release_formats == {"1.0.0": 1, "1.1.0": 2}


def test_a_correction_starts_from_the_current_text_changes_it_and_changes_what_a_reader_sees():
    state = State()
    state.provisions["p"] = state_module.ProvisionRecord(provision_id="p", text="printed", event_seq=2)

    def corrected(seq: int, old: str, new: str) -> ev.Envelope:
        return envelope(ev.TextCorrected, seq, ev.TextCorrectedData.model_construct(provision_id="p", old_text=old, new_text=new, reason="r", corrected_by="c"))

    for seq, old, new, field, words in (
        (4, "other", "x", "data.old_text", "does not match the current text of 'p' (stale correction?)"),
        (4, "printed", "printed", "data.new_text", "is the same as the current text: nothing to correct"),
        (4, "printed", "print\u200bed", "data.new_text", ": a correction changes what a reader sees"),
    ):
        with pytest.raises(FoldError) as caught:
            history._text_corrected(state, corrected(seq, old, new))
        assert (caught.value.seq, caught.value.field) == (seq, field)
        assert words in caught.value.message, caught.value.message
    state.seq = 5
    history._text_corrected(state, corrected(5, "printed", "reprinted"))
    assert state.texts.spans(state.provisions["p"]) == [("printed", 2, 5, None, None), ("reprinted", 5, None, "r", "c")]
