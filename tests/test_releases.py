"""Releases: rebuilt byte for byte from the log, corrections beside the printed text, history, citation."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SOURCE, copy_repo
from helpers import append, append_raw, next_event

from wgtip.build import build
from wgtip.log import segment_files
from wgtip.paths import release_artefacts
from wgtip.release import release_formats

RELEASES = [json.loads(line)["data"] for p in segment_files(ROOT) for line in p.read_bytes().splitlines() if b'"ReleasePublished"' in line]
FORMATS = release_formats(ROOT)
"""The release format of each release, as the log says (``ReleaseFormatAdopted``)."""
LATEST_DATE = RELEASES[-1]["published_on"]
"""A date a new release may have: not before the latest's."""
LATEST_SEQ = [json.loads(line)["seq"] for p in segment_files(ROOT) for line in p.read_bytes().splitlines() if b'"ReleasePublished"' in line][-1]
HEAD_SEQ = max(json.loads(line)["seq"] for p in segment_files(ROOT) for line in p.read_bytes().splitlines())
"""The log's last event: the latest release, or an event recorded since (then the committed package is 'unreleased')."""
_MAJOR, _MINOR, _PATCH = (int(x) for x in RELEASES[-1]["version"].split("."))
NEXT_PATCH, NEXT_MINOR = f"{_MAJOR}.{_MINOR}.{_PATCH + 1}", f"{_MAJOR}.{_MINOR + 1}.0"


def wgtip(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", *args], capture_output=True, text=True, cwd=cwd)


def zip_files(path: Path) -> dict[str, bytes]:
    """A release zip's files by path in its package: under the zip's one folder (release format 1), or at its root (format 2)."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        top = names[0].split("/", 1)[0] + "/"
        folder = top if all(n.startswith(top) for n in names) else ""
        return {name[len(folder) :]: zf.read(name) for name in names}


def csv_dicts(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_log_has_a_first_release_and_a_patch_with_corrections():
    assert [r["version"] for r in RELEASES][:2] == ["1.0.0", "1.0.1"]


@pytest.mark.parametrize("version", [r["version"] for r in RELEASES])
def test_every_release_rebuilds_to_its_recorded_hashes(released, version):
    recorded = next(r for r in RELEASES if r["version"] == version)
    names = release_artefacts(version)
    files = zip_files(released / "build/releases" / version / names["zip"])
    assert json.loads(files["datapackage.json"])["version"] == version
    lines = []
    for f in recorded["files"]:
        data = files[f["path"]]
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f["path"]
        lines.append(f"{f['sha256']}  {f['path']}\n")
    assert hashlib.sha256("".join(sorted(lines, key=lambda line: line.split("  ")[1])).encode()).hexdigest() == recorded["digest"]


@pytest.mark.parametrize("version", [r["version"] for r in RELEASES])
def test_every_release_holds_the_source_with_the_corrections_made_before_it(released, version):
    """The pair of the hash comparison above (which holds a release to what the program once wrote):
    the release's provisions against the source document, read by its layout, with the TextCorrected
    events recorded before the release applied here."""
    import printed

    seq = next(json.loads(line)["seq"] for p in segment_files(ROOT) for line in p.read_bytes().splitlines() if b'"ReleasePublished"' in line and json.loads(line)["data"]["version"] == version)
    lines = printed.printed()
    current = printed.current_texts(lines, [c for c in printed.recorded_corrections(ROOT) if c["seq"] < seq])
    standalone = printed.standalone_texts(lines, current)
    rows = {int(p["source_line"]): p for p in csv_dicts(zip_files(released / "build/releases" / version / release_artefacts(version)["zip"])["data/provisions.csv"])}
    assert sorted(rows) == sorted(lines), "one provision per labelled line of the source"
    wrong = [
        f"line {n}: {version} has {(rows[n]['label'], rows[n]['text'], rows[n]['current_text'], rows[n]['standalone_text'])}"
        for n, x in lines.items()
        if (rows[n]["label"], rows[n]["text"], rows[n]["current_text"], rows[n]["standalone_text"]) != (x.label, x.text, current[n], standalone[n])
    ]
    assert not wrong, "\n".join(wrong[:5])
    assert sum(current[n] != x.text for n, x in lines.items()) == (0 if version == "1.0.0" else 4)


# The bytes each release's `wgtip build --release X` made when it was published (sha256sum of
# build/releases/X/*: 1.0.0 to 1.1.0 as built at main dce32d9, before release format 2; 1.2.0 as
# built at its publication, in format 2). Published bytes never change, so a
# change of the code must leave these as they are. A DuckDB file is never byte-identical (it
# stores a random database id: docs in ../shared/NOTES.md), so neither is SHA256SUMS, which lists
# it; the DuckDB file is compared by its tables instead (and a format-2 release's Parquet files, which
# DuckDB writes, by their rows: tests/test_release_format.py).
PUBLISHED = {
    "1.0.0": {"zip": "1e4965dbe8dc06e613c6f87bc3c66fb9403c066740796b93b98106507bac096e", "sqlite": "2adb511ffcdf5a4c92f8a031dde34c95febc30e439c5492d5e7a03ff1346f11c"},
    "1.0.1": {"zip": "01af1f9033816dab32d61c1475830466b084ebfbbd1191bd14a5ef29dc28dc28", "sqlite": "60716f2548692caa39b58e9ced8459cad8c318b0900d13c28d3ef9756282e2d0"},
    "1.1.0": {"zip": "9323558ee9a566b77ee1765464fadc2208be6b19af695008b91fc62d264a7fe6", "sqlite": "efc2696b1ec6e2e8bee6e2704ba2d0bd338655123ae568e6a7b87e8d9cc1c42c"},
    # the first release in format 2, as built when it was published
    "1.2.0": {
        "zip": "4852b52e04572c36c2cbbba176a2914c8a5a1a94e5b0228285998d86514f1e10",
        "sqlite": "b7f4ea5e991af0bc8489265eee8a76600d099bcfb94abf12ce5fa55e4b77387b",
        "checkpoints": "614f40de3b5dce22e3b6ec0aa1c8aebc7f092557074c4175bb70f5e3b61a14b3",
    },
}


@pytest.mark.parametrize("version", sorted(PUBLISHED))
def test_published_releases_rebuild_to_the_bytes_they_were_published_with(released, version):
    import duckdb

    folder = released / "build/releases" / version
    names = release_artefacts(version, 2)
    for kind in PUBLISHED[version]:
        assert hashlib.sha256((folder / names[kind]).read_bytes()).hexdigest() == PUBLISHED[version][kind], kind
    lite = sqlite3.connect(folder / names["sqlite"])
    duck = duckdb.connect(str(folder / names["duckdb"]), read_only=True)
    try:
        tables = [r[0] for r in duck.execute("select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1").fetchall()]
        assert tables and set(tables) <= {r[0] for r in lite.execute("select name from sqlite_master where type = 'table'")}
        for t in tables:
            assert duck.execute(f'select count(*) from "{t}"').fetchone() == lite.execute(f'select count(*) from "{t}"').fetchone(), t
    finally:
        duck.close()
        lite.close()


def test_sha256sums_verifies_with_sha256sum(released):
    for r in RELEASES:
        result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=released / "build/releases" / r["version"], capture_output=True, text=True)
        listed = len(release_artefacts(r["version"], FORMATS[r["version"]])) - 1  # every artefact but SHA256SUMS itself
        assert result.returncode == 0 and result.stdout.count(": OK") == listed, result.stdout + result.stderr


def test_the_zip_is_byte_identical_across_builds(released, tmp_path):
    other = copy_repo(tmp_path / "other")
    version = RELEASES[-1]["version"]
    build(other, release=version)
    name = release_artefacts(version)["zip"]
    assert (other / "build/releases" / version / name).read_bytes() == (released / "build/releases" / version / name).read_bytes()
    with zipfile.ZipFile(other / "build/releases" / version / name) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.filename for i in zf.infolist()] == sorted(i.filename for i in zf.infolist())


def test_the_streamed_zip_is_the_zip_of_the_package_in_memory(released, tmp_path):
    """The zip is written from the files on disk; made independently, from the same files' bytes with
    ZipFile.writestr (how it was made before it was streamed), it has the same bytes."""
    version = RELEASES[-1]["version"]
    built = released / "build/releases" / version / release_artefacts(version)["zip"]
    folder = f"wgtip-recommendations-{version}/" if FORMATS[version] == 1 else ""  # format 2: the package at the zip's root
    expected = tmp_path / "expected.zip"
    with zipfile.ZipFile(expected, "w") as zf:
        for rel, data in sorted(zip_files(built).items()):
            info = zipfile.ZipInfo(f"{folder}{rel}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr, info.create_system = 0o644 << 16, 3
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    assert {f["path"] for f in RELEASES[-1]["files"]} | {"datapackage.json", "data/events.csv"} <= set(zip_files(built))
    assert built.read_bytes() == expected.read_bytes()


def test_a_release_is_rebuilt_from_the_log_up_to_it_only(repo):
    """A release is the fold of the log up to its event: rebuilding it reads no further, so a
    broken event after it stops the current build but not the release's."""
    first = RELEASES[0]["version"]
    seq = LATEST_SEQ + 1
    append_raw(repo, f"{seq:09d}-broken.jsonl", b'{"seq":%d,"type":"MeetingHeld"}\n' % seq)
    current = wgtip("build", "--root", str(repo))
    assert current.returncode == 1 and f"{seq:09d}-broken.jsonl:1" in current.stderr, current.stderr
    result = wgtip("build", "--release", first, "--root", str(repo))
    assert result.returncode == 0, result.stderr
    files = zip_files(repo / "build/releases" / first / release_artefacts(first)["zip"])
    for f in RELEASES[0]["files"]:
        assert hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"], f["path"]


def test_the_site_lists_the_releases_without_reading_the_whole_log(repo):
    """``published_versions`` parses only the lines naming the release type: the versions are those
    of a full read of the log, and a broken line elsewhere does not stop the listing."""
    from wgtip.log import read_log
    from wgtip.release import published_versions, releases

    assert published_versions(repo) == [r.data.version for r in releases(read_log(repo))] == [r["version"] for r in RELEASES]
    append_raw(repo, f"{LATEST_SEQ + 1:09d}-broken.jsonl", b"not json\n")
    assert published_versions(repo) == [r["version"] for r in RELEASES]


def up_to_latest_release(root: Path) -> Path:
    """Cut a copy's log after the latest release (its segments hold whole runs of events), as it was when released."""
    for path in segment_files(root):
        if json.loads(path.read_bytes().splitlines()[0])["seq"] > LATEST_SEQ:
            path.unlink()
    return root


def test_the_committed_package_is_the_latest_release_and_the_changes_recorded_since(released):
    """With a release at the head of the log, the repository's package is that release's package. With events
    recorded since, its version says so ('+unreleased.N', N events), and each table differs from the release's
    by exactly the unreleased rows of changes (rows added, removed, and fields changed), but for the log's own
    record (events, changes, releases) and the citations, which name the version."""
    latest = RELEASES[-1]["version"]
    files = zip_files(released / "build/releases" / latest / release_artefacts(latest)["zip"])
    package = json.loads((ROOT / "datapackage.json").read_text())
    if HEAD_SEQ == LATEST_SEQ:
        for rel, data in files.items():
            if rel.startswith(("data/", "sources/")) or (rel == "datapackage.json" and FORMATS[latest] >= 2):
                # a format-1 release keeps the v1 descriptor it was published with; its README, CITATION.cff… are its own
                assert (ROOT / rel).read_bytes() == data, rel
        assert package["version"] == latest
        return
    assert package["version"] == f"{latest}+unreleased.{HEAD_SEQ - LATEST_SEQ}"
    pending = [c for c in csv_dicts((ROOT / "data/changes.csv").read_bytes()) if not c["version"]]
    assert pending
    checked = set()
    for resource in package["resources"]:
        if resource["name"] in {"events", "changes", "releases", "release_files"}:
            continue
        key = resource["schema"]["primaryKey"]
        rows = lambda data: {"/".join(r[k] for k in key): r for r in csv_dicts(data)}  # noqa: E731, B023 (called within this iteration)
        # a table added since the release (annotation_reviews) has no rows in it
        old = rows(files[resource["path"]]) if resource["path"] in files else {}
        new = rows((ROOT / resource["path"]).read_bytes())
        mine = [c for c in pending if c["table_name"] == resource["name"]]
        assert old.keys() - new.keys() == {c["row_id"] for c in mine if c["change"] == "removed"}, resource["name"]
        assert new.keys() - old.keys() == {c["row_id"] for c in mine if c["change"] == "added"}, resource["name"]
        # a column added since the release (provision_themes.reviewed_by) is empty in it
        changed = {(k, f) for k in old.keys() & new.keys() for f in new[k] if f not in {"citation", "event_seq"} and old[k].get(f, "") != new[k][f]}
        assert changed == {(c["row_id"], c["field"]) for c in mine if c["change"] == "changed"}, resource["name"]
        checked |= {c["change_id"] for c in mine}
    assert checked == {c["change_id"] for c in pending}


def _rewrite_last_release(root: Path, mutate) -> None:
    path = segment_files(root)[-1]
    event = json.loads(path.read_bytes())
    assert event["type"] == "ReleasePublished"
    mutate(event["data"])
    path.write_bytes(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")


def test_a_release_whose_hash_does_not_match_stops_the_build(repo):
    """The recorded hash of one file differs from what the file rebuilds to in its last hex digit only;
    the message is written here from the committed file (the latest release's package), hashed here."""
    version = RELEASES[-1]["version"]
    up_to_latest_release(repo)  # the log as it was when released: its last segment is the release
    path = RELEASES[-1]["files"][2]["path"]
    data = (ROOT / path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    wrong = sha[:-1] + ("1" if sha[-1] == "0" else "0")
    _rewrite_last_release(repo, lambda d: d["files"][2].update(sha256=wrong))
    for args in (["build", "--release", version], ["build"]):
        result = wgtip(*args, "--root", str(repo))
        assert (result.returncode, result.stderr) == (
            1,
            f"error: release {version} (event {LATEST_SEQ}): {path} rebuilds with SHA-256 {sha[:16]}…, the release recorded {wrong[:16]}… ({len(data)} vs {len(data)} bytes)\n",
        )
    assert not (repo / "build/releases" / version).exists()


def test_unknown_release_is_a_clear_error(repo):
    result = wgtip("build", "--release", "9.9.9", "--root", str(repo))
    assert result.returncode == 1 and "no release 9.9.9 in the log (releases: 1.0.0, 1.0.1" in result.stderr


def source_line(n: int) -> str:
    return SOURCE.read_text(encoding="utf-8").split("\n")[n - 1]


def test_a_correction_leaves_the_printed_text_intact(released):
    con = sqlite3.connect(released / "build/wgtip.sqlite")
    text, current, line, n = con.execute("select text, current_text, source_line, corrections from provisions where provision_id = 'wgtip-m1-p6'").fetchone()
    assert "理解 and 解释" in text and text in source_line(line)
    assert current == text.replace("理解 and 解释", "理解和解释") and n == 1
    revisions = con.execute("select revision, text, reason from provision_texts where provision_id = 'wgtip-m1-p6' order by revision").fetchall()
    assert [r[1] for r in revisions] == [text, current] and revisions[0][2] is None and "and" in revisions[1][2]


AS_OF = """
select t.provision_id, t.text from provision_texts t, releases r
where r.version = :version and t.valid_from_seq <= r.event_seq and (t.valid_to_seq is null or t.valid_to_seq > r.event_seq)
"""


@pytest.mark.parametrize("version", ["1.0.0", "1.0.1"])
def test_as_of_queries_agree_with_the_release_packages(released, version):
    con = sqlite3.connect(released / "build/wgtip.sqlite")
    as_of = dict(con.execute(AS_OF, {"version": version}).fetchall())
    package = zip_files(released / "build/releases" / version / release_artefacts(version)["zip"])
    expected = {p["provision_id"]: p["current_text"] for p in csv_dicts(package["data/provisions.csv"])}
    assert as_of == expected
    assert ("理解和解释" in as_of["wgtip-m1-p6"]) == (version == "1.0.1")


def test_changes_between_releases_equal_the_difference_of_their_packages(released):
    old, new = (zip_files(released / "build/releases" / v / release_artefacts(v)["zip"]) for v in ("1.0.0", "1.0.1"))
    before = {p["provision_id"]: p["current_text"] for p in csv_dicts(old["data/provisions.csv"])}
    after = {p["provision_id"]: p["current_text"] for p in csv_dicts(new["data/provisions.csv"])}
    expected = {(k, before[k], after[k]) for k in after if before.get(k) != after[k]}
    con = sqlite3.connect(released / "build/wgtip.sqlite")
    rows = set(con.execute("select row_id, old_value, new_value from changes where version = '1.0.1' and table_name = 'provisions' and field = 'current_text'").fetchall())
    assert rows == expected and len(rows) == 4
    result = wgtip("diff", "1.0.0", "1.0.1", "--format", "json", "--root", str(released))
    assert {(c["row_id"], c["old_value"], c["new_value"]) for c in json.loads(result.stdout)} == expected
    text = wgtip("diff", "1.0.0", "1.0.1", "--root", str(released)).stdout
    assert text.startswith("1.0.0 → 1.0.1: 4 changed") and "+ " in text


def test_citation_files_agree_with_the_data_package():
    """The citation files cite the latest release; the package is that release, or says it is past it."""
    import yaml

    package = json.loads((ROOT / "datapackage.json").read_text())
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    zenodo = json.loads((ROOT / ".zenodo.json").read_text())
    latest = RELEASES[-1]
    assert cff["version"] == zenodo["version"] == latest["version"]
    assert package["version"] == latest["version"] + ("" if HEAD_SEQ == LATEST_SEQ else f"+unreleased.{HEAD_SEQ - LATEST_SEQ}")
    assert str(cff["date-released"]) == zenodo["publication_date"] == latest["published_on"]
    assert cff["title"] == zenodo["title"] == package["title"]
    assert cff["type"] == "dataset" and zenodo["upload_type"] == "dataset" and cff["cff-version"] == "1.2.0"
    assert cff["license"] == package["licenses"][0]["name"] and zenodo["license"] == package["licenses"][0]["name"].lower()
    assert latest["digest"] in cff["identifiers"][0]["value"]
    assert wgtip("docs", "--check").returncode == 0


def test_cite_one_provision_in_any_release():
    for r in RELEASES:
        text = wgtip("cite", "wgtip-m4-p46-j-vi", "--release", r["version"]).stdout
        assert f"version {r['version']} ({r['published_on']})" in text and f"sha256:{r['digest']}" in text
        assert "fourth meeting" in text and "46 (j) (vi)" in text and "proposed at the third meeting, 19 October 2010" in text
        assert "贩运人口问题工作组前八次会议通过的建议" in text
    csl = json.loads(wgtip("cite", "wgtip-m1-p5-a", "--format", "csl-json").stdout)
    assert csl[0]["type"] == "dataset" and csl[0]["version"] == RELEASES[-1]["version"] and "5 (a)" in csl[0]["note"]
    bib = wgtip("cite", "--format", "bibtex").stdout
    assert bib.startswith("@dataset{") and f"version = {{{RELEASES[-1]['version']}}}" in bib
    assert wgtip("cite", "wgtip-m99-p1").returncode == 1


def test_the_citation_column_matches_cite_without_the_hash(released):
    """In the latest release's own database (the committed one may be past it, and then cites its unreleased version)."""
    latest = RELEASES[-1]["version"]
    con = sqlite3.connect(released / "build/releases" / latest / release_artefacts(latest)["sqlite"])
    column = con.execute("select citation from provisions where provision_id = 'wgtip-m4-p46-j-vi'").fetchone()[0]
    cited = wgtip("cite", "wgtip-m4-p46-j-vi").stdout.strip()
    assert cited == column[:-1] + f", data sha256:{RELEASES[-1]['digest']}. No DOI or URL has been assigned yet."


@pytest.mark.parametrize(
    "version, data, message",
    [
        (NEXT_PATCH, None, f"release {NEXT_PATCH} changes nothing since {RELEASES[-1]['version']}"),
        ("1.0.0", None, "1.0.0 was already released"),
    ],
)
def test_release_rules(repo, version, data, message):
    up_to_latest_release(repo)
    result = wgtip("release", version, "--date", LATEST_DATE, "--notes", "x", "--recorded-at", f"{LATEST_DATE}T23:00:00Z", "--root", str(repo))
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_a_patch_release_cannot_add_records(repo):
    up_to_latest_release(repo)
    ev = next_event(repo, "RecommendationsAdopted", {"meeting": 8, "paragraph": 3, "provisions": [{"provision_id": "wgtip-m8-p3", "paragraph": 3, "label": "3.", "text": "缔约国应：", "line": 10}]})
    ev["source"] = dict(ev["source"], section="八", paragraph="3", line=10)
    append(repo, ev)
    result = wgtip("release", NEXT_PATCH, "--date", LATEST_DATE, "--notes", "x", "--recorded-at", f"{LATEST_DATE}T23:00:00Z", "--root", str(repo))
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"error: cannot release {NEXT_PATCH}: data.version: release {NEXT_PATCH} adds 1 record: that needs a minor version (new records), not a patch\n"
    result = wgtip("release", NEXT_MINOR, "--date", LATEST_DATE, "--notes", "x", "--recorded-at", f"{LATEST_DATE}T23:00:00Z", "--root", str(repo))
    assert result.returncode == 0, result.stderr
    assert wgtip("build", "--release", NEXT_MINOR, "--root", str(repo)).returncode == 0
    assert wgtip("build", "--root", str(repo)).returncode == 0
    assert json.loads((repo / "datapackage.json").read_text())["version"] == NEXT_MINOR


def test_meetings_past_the_twelfth_are_cited_with_english_ordinal_suffixes():
    """The Working Group keeps meeting: its 21st, 22nd, 23rd and 111th meetings are spelled as English
    spells them (an independent list, not the function's own rule)."""
    from wgtip.citation import ordinal

    spelled = {1: "first", 12: "twelfth", 13: "13th", 21: "21st", 22: "22nd", 23: "23rd", 24: "24th", 101: "101st", 111: "111th", 112: "112th", 113: "113th", 121: "121st"}
    assert {n: ordinal(n) for n in spelled} == spelled
