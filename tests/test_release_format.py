"""A release in format 2 is a standalone data package (issue 33 item 1; the checkpoints of issue 35 item 1).

A freshly built release of the format is opened as its users open it: frictionless opens the zip and
validates every table (the categories' enum constraints included), the npm reader reads the unzipped
package, `sha256sum -c` checks it, the README's verification commands run as printed, cffconvert
validates its CITATION.cff, DuckDB and pandas read its Parquet files, and `wgtip verify
--checkpoints` takes its checkpoints file. The release used is the log's own latest release of
format 2; while the log has none, a copy of the log adopts the format and publishes the next minor
release (the log's events since its last release are what it publishes).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo
from test_citation_formats import cffconvert
from test_package_readers import JS

from wgtip.paths import release_artefacts
from wgtip.release import release_formats

W = str(ROOT / ".venv/bin/wgtip")


def wgtip(*args: str, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([W, *args, "--root", str(root)], capture_output=True, text=True, timeout=900)


def next_minor(version: str) -> str:
    major, minor, _ = map(int, version.split("."))
    return f"{major}.{minor + 1}.0"


@pytest.fixture(scope="module")
def standalone(tmp_path_factory) -> tuple[Path, str]:
    """A repository copy with its latest format-2 release built: (root, version)."""
    root = copy_repo(tmp_path_factory.mktemp("format2"))
    formats = release_formats(root)
    ours = [v for v, f in formats.items() if f == 2]
    if ours:
        version = ours[-1]
    else:
        version = next_minor(list(formats)[-1])
        for args in (
            ["adopt-release-format", "2", "--notes", "standalone zips", "--date", "2026-12-07", "--recorded-at", "2026-12-07T20:00:00Z"],
            ["release", version, "--date", "2026-12-07", "--notes", "a test release", "--recorded-at", "2026-12-07T20:00:01Z"],
        ):
            result = wgtip(*args, root=root)
            assert result.returncode == 0, result.stderr
    for args in (["build", "--release", version], ["build"]):
        result = wgtip(*args, root=root)
        assert result.returncode == 0, result.stderr
    return root, version


def artefact(standalone, key: str) -> Path:
    root, version = standalone
    return root / "build/releases" / version / release_artefacts(version, 2)[key]


@pytest.fixture(scope="module")
def unzipped(standalone, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(artefact(standalone, "zip")) as z:
        z.extractall(target)
    return target


def release_event(root: Path, version: str) -> dict:
    for path in sorted((root / "events").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            e = json.loads(line)
            if e["type"] == "ReleasePublished" and e["data"]["version"] == version:
                return e
    raise AssertionError(f"no release {version}")


def csv_rows(data: bytes) -> int:
    return sum(1 for _ in csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_frictionless_opens_the_zip_with_every_table(standalone):
    from frictionless import Package

    zipped = artefact(standalone, "zip")
    package = Package(str(zipped))
    with zipfile.ZipFile(zipped) as z:
        names = set(z.namelist())
        expected = {n[len("data/") : -len(".csv")]: csv_rows(z.read(n)) for n in names if n.startswith("data/") and n.endswith(".csv")}
    assert "datapackage.json" in names and not any(n.startswith("wgtip-") for n in names), "the descriptor is at the zip's root"
    assert {r.name: len(r.read_rows()) for r in package.resources} == expected
    assert len(expected) >= 17


def test_frictionless_validates_every_table_of_the_zip(standalone):
    from frictionless import validate

    report = validate(str(artefact(standalone, "zip")))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:5]
    with zipfile.ZipFile(artefact(standalone, "zip")) as z:
        tables = sorted(json.loads(z.read("datapackage.json"))["resources"], key=lambda r: r["name"])
    assert sorted(t.name for t in report.tasks) == [r["name"] for r in tables]


def test_a_code_outside_its_categories_fails_validation(unzipped, tmp_path):
    """The enum constraint beside the categories is what frictionless checks: a theme not in the vocabulary fails."""
    from frictionless import validate

    copy = tmp_path / "pkg"
    shutil.copytree(unzipped, copy)
    themes = copy / "data/provision_themes.csv"
    text = themes.read_text(encoding="utf-8")
    first_theme = next(csv.DictReader(io.StringIO(text)))["theme"]
    themes.write_text(text.replace(f",{first_theme},", ",no_such_theme,", 1), encoding="utf-8")
    desc = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for r in desc["resources"]:
        r.pop("hash", None), r.pop("bytes", None)
    (copy / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    failed = {t.name: {tuple(e) for e in t.flatten(["fieldName", "type"])} for t in report.tasks if not t.valid}
    assert failed == {"provision_themes": {("theme", "constraint-error")}}


def test_the_categories_are_the_vocabularies_of_the_log(unzipped):
    desc = json.loads((unzipped / "datapackage.json").read_text(encoding="utf-8"))
    with open(unzipped / "data/vocabulary_terms.csv", newline="", encoding="utf-8") as f:
        terms = list(csv.DictReader(f))
    fields = {(r["name"], f["name"]): f for r in desc["resources"] for f in r["schema"]["fields"]}
    for table, column, vocabulary in [
        ("provision_themes", "theme", "theme"),
        ("provision_addressees", "addressee", "addressee"),
        ("provision_addressees", "role", "addressee_role"),
        ("provision_strength", "strength", "strength"),
        ("provision_references", "kind", "reference_kind"),
    ]:
        mine = sorted((t for t in terms if t["vocabulary"] == vocabulary), key=lambda t: int(t["position"]))
        assert fields[(table, column)]["categories"] == [{"value": t["code"], "label": t["label"]} for t in mine], (table, column)
    for column in ("level", "adoption"):
        assert fields[("provisions", column)]["categories"], column


def test_the_zip_holds_what_a_reader_needs_and_its_sums_check(standalone, unzipped):
    root, version = standalone
    for name in ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "checkpoints.json", "SHA256SUMS", "datapackage.json"):
        assert (unzipped / name).is_file(), name
    desc = json.loads((unzipped / "datapackage.json").read_text(encoding="utf-8"))
    for source in desc["sources"]:  # the sources resolve, to the file the log registered
        assert hashlib.sha256((unzipped / source["path"]).read_bytes()).hexdigest() == source["sha256"]
        assert (unzipped / source["path"]).read_bytes() == (ROOT / source["path"]).read_bytes()
    assert desc["version"] == version and desc["created"] == f"{release_event(root, version)['data']['published_on']}T00:00:00Z"
    listed = sorted(line.split("  ", 1)[1] for line in (unzipped / "SHA256SUMS").read_text().splitlines())
    on_disk = sorted(p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert listed == on_disk
    result = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=unzipped, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readmes_verification_commands_give_the_releases_digest(standalone, unzipped):
    root, version = standalone
    readme = (unzipped / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^    (\S.*)$", readme, flags=re.M)  # the indented command lines, as printed
    assert any(c.startswith("sha256sum -c") for c in commands)
    outputs = {c: subprocess.run(["bash", "-c", c], cwd=unzipped, capture_output=True, text=True) for c in commands}
    assert all(r.returncode == 0 for r in outputs.values()), {c: r.stderr for c, r in outputs.items()}
    digest = release_event(root, version)["data"]["digest"]
    pipeline = next(c for c in commands if c.endswith("| sha256sum"))
    assert outputs[pipeline].stdout.split()[0] == digest
    assert f"sha256:{digest}" in readme and f"version {version}" in readme


def test_the_changelog_entry_is_the_repositorys_section_for_the_release(standalone, unzipped):
    root, version = standalone
    assert wgtip("docs", root=root).returncode == 0
    repo = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    section = re.search(rf"^## {re.escape(version)} — .*?(?=^## |\Z)", repo, flags=re.S | re.M).group(0)
    mine = (unzipped / "CHANGELOG.md").read_text(encoding="utf-8")
    assert mine.rstrip("\n").endswith(section.rstrip("\n"))


def test_cffconvert_validates_the_releases_citation_file(unzipped, standalone):
    result = cffconvert(unzipped / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr
    cff = (unzipped / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{standalone[1]}"' in cff


def test_the_npm_reader_reads_the_unzipped_release(unzipped):
    if not (JS / "node_modules/datapackage").is_dir():
        pytest.fail("the npm datapackage reader is not installed: run ./dev test (it runs npm ci in js/)")
    result = subprocess.run([shutil.which("node"), str(JS / "read-package.js"), str(unzipped / "datapackage.json")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["valid"] and read["errors"] == []
    desc = json.loads((unzipped / "datapackage.json").read_text(encoding="utf-8"))
    assert read["tables"] == {r["name"]: {"rows": csv_rows((unzipped / r["path"]).read_bytes())} for r in desc["resources"]}


def test_the_parquet_artefact_has_every_table_with_the_csvs_rows(standalone, unzipped, tmp_path):
    import duckdb
    import pandas as pd

    with zipfile.ZipFile(artefact(standalone, "parquet")) as z:
        z.extractall(tmp_path)
    desc = json.loads((unzipped / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for r in desc["resources"]:
        parquet = tmp_path / f"{r['name']}.parquet"
        n = csv_rows((unzipped / r["path"]).read_bytes())
        assert con.execute("select count(*) from read_parquet(?)", [str(parquet)]).fetchone()[0] == n, r["name"]
        assert len(pd.read_parquet(parquet)) == n and list(pd.read_parquet(parquet).columns) == [f["name"] for f in r["schema"]["fields"]]


def test_the_checkpoints_artefact_is_the_zips_and_verify_takes_it(standalone, unzipped):
    root, version = standalone
    published = artefact(standalone, "checkpoints")
    assert published.read_bytes() == (unzipped / "checkpoints.json").read_bytes()
    assert [c["version"] for c in json.loads(published.read_text())["checkpoints"]][-1] == version
    result = wgtip("verify", "--checkpoints", str(published), root=root)
    assert result.returncode == 0, result.stderr


def test_the_artefacts_sums_list_every_artefact_and_check(standalone):
    root, version = standalone
    folder = root / "build/releases" / version
    names = release_artefacts(version, 2)
    assert sorted(p.name for p in folder.iterdir()) == sorted(names.values())
    result = subprocess.run(["sha256sum", "--strict", "-c", names["sums"]], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_format_2_release_rebuilds_to_the_same_bytes(standalone):
    root, version = standalone
    before = {k: artefact(standalone, k).read_bytes() for k in ("zip", "parquet", "checkpoints", "sqlite")}
    result = wgtip("build", "--release", version, root=root)
    assert result.returncode == 0, result.stderr
    assert {k: artefact(standalone, k).read_bytes() for k in before} == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["1"], "FORMAT: 1 is not a release format one can adopt"),
        (["3"], "FORMAT: 3 is not a release format one can adopt"),
    ],
)
def test_a_format_that_cannot_be_adopted_is_refused(repo, args, message):
    before = sorted(p.name for p in (repo / "events").rglob("*.jsonl"))
    result = wgtip("adopt-release-format", *args, "--notes", "x", "--date", "2026-12-07", "--recorded-at", "2026-12-07T00:00:00Z", root=repo)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert sorted(p.name for p in (repo / "events").rglob("*.jsonl")) == before


def cut_before_adoption(root: Path) -> None:
    """The copy's log without its first ReleaseFormatAdopted event and what follows it (if it has one)."""
    segments = sorted((root / "events").rglob("*.jsonl"))
    cut = next((p for p in segments if b'"ReleaseFormatAdopted"' in p.read_bytes()), None)
    for p in segments:
        if cut is not None and p.name >= cut.name:
            p.unlink()


def test_a_format_is_adopted_once_and_applies_to_the_releases_after_it(repo):
    cut_before_adoption(repo)
    args = ["--notes", "standalone zips", "--date", "2026-12-07", "--recorded-at", "2026-12-07T00:00:00Z"]
    formats = release_formats(repo)
    assert set(formats.values()) == {1}
    assert wgtip("build", root=repo).returncode == 0
    before = json.loads((repo / "datapackage.json").read_text())["version"]
    assert wgtip("adopt-release-format", "2", *args, root=repo).returncode == 0
    again = wgtip("adopt-release-format", "2", *args, root=repo)
    assert again.returncode == 1 and "format 2 is not newer than the format in use (2)" in again.stderr
    assert release_formats(repo) == formats  # no release yet: those before keep theirs
    # adopting a format changes no data: the build's version is what it was
    assert wgtip("build", root=repo).returncode == 0
    assert json.loads((repo / "datapackage.json").read_text())["version"] == before
    version = next_minor(list(formats)[-1])
    assert wgtip("release", version, "--date", "2026-12-07", "--notes", "n", "--recorded-at", "2026-12-07T00:00:01Z", root=repo).returncode == 0
    assert release_formats(repo) == {**formats, version: 2}
