"""A release's recorded hashes are compared in full: a rebuilt file whose SHA-256 differs from the
recorded one at any of its 64 hex digits, or a digest that differs at any digit, is refused.

The release is the last one of the committed log, read as JSON (not by the log reader). The
messages expected are written here, in the wording the README documents for
``release_with_wrong_hash``, from the recorded values and from SHA-256s computed here.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from conftest import ROOT

from wgtip.events import ReleasePublished
from wgtip.log import LogError, iter_log
from wgtip.release import ReleaseError, check, digest_of, file_sha256, layout_of, missing_files, published_versions, release_dois, until_release

HEX = "0123456789abcdef"


def last_release() -> dict:
    events = [json.loads(line) for p in sorted((ROOT / "events").rglob("*.jsonl")) for line in p.read_bytes().split(b"\n") if line]
    return max((e for e in events if e["type"] == "ReleasePublished"), key=lambda e: e["seq"])


RELEASE = last_release()
VERSION, SEQ, FILES = RELEASE["data"]["version"], RELEASE["seq"], RELEASE["data"]["files"]


def changed_at(sha: str, k: int) -> str:
    """The hash with its k-th hex digit replaced by another."""
    return sha[:k] + HEX[(HEX.index(sha[k]) + 1) % 16] + sha[k + 1 :]


def digest(files: list[dict]) -> str:
    """SHA256SUMS of the files (``<sha256>  <path>`` lines sorted by path), hashed."""
    return hashlib.sha256("".join(f"{f['sha256']}  {f['path']}\n" for f in sorted(files, key=lambda f: f["path"])).encode()).hexdigest()


def event_recording(files: list[dict], recorded_digest: str) -> ReleasePublished:
    return ReleasePublished.model_validate({**RELEASE, "data": {**RELEASE["data"], "files": files, "digest": recorded_digest}})


def rebuilt(files: list[dict]) -> dict[str, tuple[int, str]]:
    return {f["path"]: (f["bytes"], f["sha256"]) for f in files}


LAYOUT = layout_of(ReleasePublished.model_validate(RELEASE))
"""The release's columns: the same for every altered copy below (a hash is not a column)."""


def refusal(event: ReleasePublished, hashes: dict[str, tuple[int, str]]) -> str | None:
    try:
        check(event, hashes, LAYOUT)
    except ReleaseError as err:
        return str(err)
    return None


def test_the_release_as_recorded_passes():
    assert digest(FILES) == RELEASE["data"]["digest"]
    assert refusal(event_recording(FILES, RELEASE["data"]["digest"]), rebuilt(FILES)) is None


@pytest.mark.parametrize("index", range(len(FILES)), ids=[f["path"] for f in FILES])
def test_a_recorded_file_hash_differing_at_any_digit_is_refused(index):
    f = FILES[index]
    accepted = []
    for k in range(64):
        recorded = [dict(g, sha256=changed_at(g["sha256"], k)) if g is f else g for g in FILES]
        want = f"release {VERSION} (event {SEQ}): {f['path']} rebuilds with SHA-256 {f['sha256'][:16]}…, the release recorded {recorded[index]['sha256'][:16]}… ({f['bytes']} vs {f['bytes']} bytes)"
        # the digest recorded with it is the release's own: only the file's hash is wrong
        got = refusal(event_recording(recorded, RELEASE["data"]["digest"]), rebuilt(FILES))
        if got != want:
            accepted.append((k, got))
    assert not accepted, f"{f['path']}: a recorded SHA-256 differing only at these hex digits (from 0) was not refused as such: {accepted[:4]}"


@pytest.mark.parametrize("index", range(len(FILES)), ids=[f["path"] for f in FILES])
def test_a_rebuilt_file_differing_at_any_digit_is_refused(index):
    f = FILES[index]
    accepted = []
    for k in range(64):
        hashes = rebuilt(FILES)
        hashes[f["path"]] = (f["bytes"], changed_at(f["sha256"], k))
        want = f"release {VERSION} (event {SEQ}): {f['path']} rebuilds with SHA-256 {hashes[f['path']][1][:16]}…, the release recorded {f['sha256'][:16]}… ({f['bytes']} vs {f['bytes']} bytes)"
        if refusal(event_recording(FILES, RELEASE["data"]["digest"]), hashes) != want:
            accepted.append(k)
    assert not accepted, f"{f['path']}: a rebuilt SHA-256 differing only at these hex digits (from 0) was not refused: {accepted}"


def test_a_recorded_digest_differing_at_any_digit_is_refused():
    real = digest(FILES)
    accepted = []
    for k in range(64):
        recorded = changed_at(real, k)
        want = f"release {VERSION} (event {SEQ}): digest {real[:16]}… differs from the recorded {recorded[:16]}…"
        if refusal(event_recording(FILES, recorded), rebuilt(FILES)) != want:
            accepted.append(k)
    assert not accepted, f"a recorded digest differing only at these hex digits (from 0) was not refused: {accepted}"


def test_a_file_the_rebuild_lacks_is_refused():
    hashes = rebuilt(FILES)
    del hashes[FILES[-1]["path"]]
    assert refusal(event_recording(FILES, RELEASE["data"]["digest"]), hashes) == f"release {VERSION}: {FILES[-1]['path']} was not rebuilt"


def committed_rows(table: str) -> list[dict]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_release_is_rebuilt_with_its_recorded_columns_and_the_tables_that_hold_the_release_itself():
    """``layout_of`` (called here, not at import, so a changed layout_of is what the test sees): the
    columns each recorded file had, read from the event's JSON; the tables the release's hash cannot
    cover (those whose committed rows hold the release event itself: its seq or its version) with
    today's columns from the committed datapackage.json; and no table the release did not have."""
    layout = layout_of(ReleasePublished.model_validate(RELEASE))
    recorded = {f["path"].removeprefix("data/").removesuffix(".csv"): f["fields"] for f in FILES}
    assert {name: cols for name, cols in layout.items() if name in recorded} == recorded
    today = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    holding = {name for name in today if name not in recorded and any(row.get("seq") == str(SEQ) or row.get("event_seq") == str(SEQ) or row.get("version") == VERSION for row in committed_rows(name))}
    assert "events" in holding  # the log itself holds every event, the release's too
    assert {name: cols for name, cols in layout.items() if name not in recorded} == {name: today[name] for name in holding}
    assert set(today) - set(recorded) - holding, "today's build has a content table the release did not have (left out)"


EVENTS = [json.loads(line) for p in sorted((ROOT / "events").rglob("*.jsonl")) for line in p.read_bytes().split(b"\n") if line]
VERSIONS = [e["data"]["version"] for e in EVENTS if e["type"] == "ReleasePublished"]
LATEST_DAY = max(e["data"]["published_on"] for e in EVENTS if e["type"] == "ReleasePublished")
"""The latest release's day (ISO): a new release may not be dated before it."""


def test_the_digest_is_the_sha256sum_of_the_content_files_the_log_tables_left_out():
    """``digest_of`` over the release's recorded files (plus hashes for the log tables, which the digest
    must not cover) is the SHA-256 of their ``sha256sum`` lines, computed here and recorded in the event."""
    layout = layout_of(ReleasePublished.model_validate(RELEASE))
    hashes = rebuilt(FILES) | {f"data/{name}.csv": (1, "0" * 64) for name in layout if f"data/{name}.csv" not in rebuilt(FILES)}
    assert len(hashes) > len(FILES)
    assert digest_of(hashes, layout) == digest(FILES) == RELEASE["data"]["digest"]


def test_a_file_s_sha256_is_read_whole_across_blocks(tmp_path):
    data = bytes(range(256)) * (3 * 4096) + b"tail"  # three megabytes and four bytes: several blocks, the last short
    (tmp_path / "f").write_bytes(data)
    assert file_sha256(tmp_path / "f") == hashlib.sha256(data).hexdigest()


def test_the_log_up_to_a_release_ends_with_its_event_and_an_unknown_version_names_the_releases():
    for version in VERSIONS:
        seq = next(e["seq"] for e in EVENTS if e["type"] == "ReleasePublished" and e["data"]["version"] == version)
        got = [le.seq for le in until_release(iter_log(ROOT), version)]
        assert got == [e["seq"] for e in EVENTS if e["seq"] <= seq] == list(range(1, seq + 1))
    with pytest.raises(ReleaseError) as err:
        list(until_release(iter_log(ROOT), "9.9.9"))
    assert str(err.value) == f"no release 9.9.9 in the log (releases: {', '.join(VERSIONS)})"


def test_the_versions_and_dois_are_those_the_log_records_in_order():
    assert published_versions(ROOT) == VERSIONS and len(VERSIONS) >= 3
    dois: dict[str, str] = {}
    for e in EVENTS:
        if e["type"] == "ReleaseDoiRecorded":
            dois.setdefault(e["data"]["version"], e["data"]["doi"])
    assert release_dois(ROOT) == dois


def test_a_release_whose_recorded_file_this_software_no_longer_writes_is_refused():
    event = ReleasePublished.model_validate(RELEASE)
    layout = layout_of(event)
    missing_files(event, layout)  # today's software writes every file of the release
    gone = sorted(recorded for recorded in (Path(f["path"]).stem for f in FILES))[1:3]
    with pytest.raises(ReleaseError) as err:
        missing_files(event, {name: cols for name, cols in layout.items() if name not in gone})
    assert str(err.value) == f"release {VERSION}: this software no longer writes {', '.join(f['path'] for f in FILES if Path(f['path']).stem in gone)}"


def test_a_new_release_records_the_package_the_build_then_writes(tmp_path):
    """``make_release`` on a copy of the log: its event follows the log's last line (seq, prev, head),
    records each content file's bytes, SHA-256 and header as the build then writes them (hashed here
    with hashlib, the header read with csv), and their digest; the log tables (which hold the release
    itself) are not recorded. The build accepts the release it made."""
    import datetime as dt

    from conftest import copy_repo
    from helpers import last_line

    from wgtip.build import build
    from wgtip.release import make_release

    root = copy_repo(tmp_path / "repo")
    seq, line = last_line(root)
    head = hashlib.sha256(line).hexdigest()  # the chain hashes a line's committed bytes
    published = dt.date.fromisoformat(LATEST_DAY)
    at = dt.datetime(published.year, published.month, published.day, 9, 30, tzinfo=dt.UTC)
    path = make_release(root, "9.0.0", published, "notes of the test", at)
    [raw] = path.read_bytes().splitlines()
    event = json.loads(raw)
    assert (event["seq"], event["prev"], event["type"]) == (seq + 1, head, "ReleasePublished")
    assert (event["recorded_at"], event["occurred"]) == (f"{LATEST_DAY}T09:30:00Z", {"start": LATEST_DAY, "end": LATEST_DAY})
    data = event["data"]
    assert (data["version"], data["published_on"], data["notes"], data["log_head"]) == ("9.0.0", LATEST_DAY, "notes of the test", {"seq": seq, "sha256": head})
    build(root)
    written = sorted((root / "data").glob("*.csv"))  # the package, as the build writes it (data/ beside the log)
    holding = {"events", "releases", "release_files"}  # the log, and the releases with their files: each holds this release
    assert {p.stem for p in written} >= holding
    expected = []
    for p in written:
        if p.stem in holding:
            continue
        content = p.read_bytes()
        with open(p, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        expected.append({"path": f"data/{p.name}", "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(), "fields": header})
    assert data["files"] == expected
    assert data["digest"] == digest(expected)
    assert published_versions(root) == VERSIONS + ["9.0.0"]


def test_the_dois_recorded_for_releases_are_read_from_their_events(tmp_path):
    from conftest import copy_repo
    from helpers import append, next_event

    root = copy_repo(tmp_path / "repo")
    for version, doi in ((VERSIONS[0], "10.5281/zenodo.111"), (VERSIONS[-1], "10.5281/zenodo.333")):
        append(root, next_event(root, "ReleaseDoiRecorded", {"version": version, "doi": doi}))
    assert release_dois(root) == {VERSIONS[0]: "10.5281/zenodo.111", VERSIONS[-1]: "10.5281/zenodo.333"}
    assert published_versions(root) == VERSIONS


def test_reading_the_releases_refuses_an_escaped_line_as_the_log_reader_does(tmp_path):
    """published_versions decodes only the lines that could hold a release, and those holding a \\u
    escape (which could spell one), by the log's one decoder: such a line, refused, is named by file
    and line as the reader names it (the catalogue's escaped_type case: the escape spells another type)."""
    case = "escaped_type"
    import test_bad_input as bad
    from conftest import copy_repo

    root = copy_repo(tmp_path / "repo")
    bad.MAKERS[case](root)
    with pytest.raises(LogError) as err:
        published_versions(root)
    assert str(err.value) == bad.expected(case)


def test_a_log_without_the_release_says_it_has_none():
    with pytest.raises(ReleaseError) as err:
        list(until_release(iter([]), "1.0.0"))
    assert str(err.value) == "no release 1.0.0 in the log (releases: none)"


def test_releasing_a_version_the_log_already_has_is_refused_in_the_fold_s_words(tmp_path):
    import datetime as dt

    from conftest import copy_repo

    from wgtip.release import make_release

    root = copy_repo(tmp_path / "repo")
    before = sorted(p.name for p in (root / "events").rglob("*.jsonl"))
    with pytest.raises(ReleaseError) as err:
        make_release(root, VERSIONS[-1], dt.date.fromisoformat(LATEST_DAY), "again", dt.datetime.fromisoformat(f"{LATEST_DAY}T23:00:00+00:00"))
    # the draft's field and the fold's reason, after the version asked for
    prefix = f"cannot release {VERSIONS[-1]}: data.version: "
    assert str(err.value).startswith(prefix) and VERSIONS[-1] in str(err.value).removeprefix(prefix)
    assert sorted(p.name for p in (root / "events").rglob("*.jsonl")) == before


def test_a_fold_problem_in_the_log_itself_is_named_where_it_is_not_blamed_on_the_release(tmp_path):
    import datetime as dt

    import test_bad_input as bad
    from conftest import copy_repo

    from wgtip.release import make_release

    root = copy_repo(tmp_path / "repo")
    bad.MAKERS["unknown_meeting"](root)
    before = sorted(p.name for p in (root / "events").rglob("*.jsonl"))
    with pytest.raises(LogError) as err:
        make_release(root, "9.0.0", dt.date.fromisoformat(LATEST_DAY), "notes", dt.datetime.fromisoformat(f"{LATEST_DAY}T23:00:00+00:00"))
    assert str(err.value) == bad.expected("unknown_meeting")
    assert sorted(p.name for p in (root / "events").rglob("*.jsonl")) == before
