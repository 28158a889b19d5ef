"""Citations that the tools people cite with can read, and identifiers set in one place.

Each format of ``wgtip cite`` is read back by an independent tool: BibTeX by
pybtex (the author must come back as one organisation, not a person whose last
name is "contributors"), RIS by rispy, CSL-JSON by the CSL data schema
(tests/schemas/csl-data.json, from the citation-style-language/schema
repository), CITATION.cff by cffconvert 2.0 (in a venv of its own: see
tests/tools/). A copy of the repository with identifiers.toml filled in checks
that every output follows the setting, and that a DOI recorded after a release
reaches that release's citations and nothing it published.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, copy_repo

from wgtip import citation as cit
from wgtip.metadata import AUTHOR, Identifiers

CSL_SCHEMA = json.loads((ROOT / "tests/schemas/csl-data.json").read_text(encoding="utf-8"))
CFFCONVERT = ROOT / ".venv/tools/cffconvert/bin/cffconvert"
RELEASES = [json.loads(line)["data"] for p in sorted((ROOT / "events").rglob("*.jsonl")) for line in p.read_bytes().splitlines() if b'"ReleasePublished"' in line]
LATEST = RELEASES[-1]
DOI_DATE = LATEST["published_on"]
"""A day a DOI of the latest release may be minted: not before it was published."""

SET = Identifiers(homepage="https://wgtip.example.org/", repository="https://git.example.org/wgtip/wgtip", datasette="https://data.wgtip.example.org/", concept_doi="10.5281/zenodo.1000")
"""Identifiers for the copies: example.org addresses (reserved for examples) and a DOI no one was given."""
VERSION_DOI = "10.5281/zenodo.1001"


def wgtip(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", *args], capture_output=True, text=True, cwd=cwd)


def facts() -> cit.ProvisionFacts:
    """A provision's facts as printed in the source (the first meeting's paragraph 5 (a), line 39)."""
    d = dt.date
    return cit.ProvisionFacts(
        "wgtip-m1-p5-a",
        1,
        d(2009, 4, 14),
        d(2009, 4, 15),
        "维也纳",
        5,
        "a",
        None,
        "adopted",
        None,
        None,
        None,
        "贩运人口问题工作组前八次会议通过的建议",
        d(2019, 8, 7),
        "zh",
        "CTOC/COP/WG.4/2019/4",
        39,
    )


VERSIONS = {
    "release": cit.DatasetVersion(LATEST["version"], dt.date.fromisoformat(LATEST["published_on"]), LATEST["digest"]),
    "release with its DOI": cit.DatasetVersion(LATEST["version"], dt.date.fromisoformat(LATEST["published_on"]), LATEST["digest"], VERSION_DOI),
    "unreleased build": cit.DatasetVersion("1.1.0+unreleased.2", None),
}
IDS = {"none assigned": Identifiers(), "all set": SET, "a homepage only": Identifiers(homepage=SET.homepage)}
CASES = [(v, i, f) for v in VERSIONS for i in IDS for f in (False, True)]


def case(v: str, i: str, f: bool) -> tuple[cit.DatasetVersion, Identifiers, cit.ProvisionFacts | None]:
    return VERSIONS[v], IDS[i], facts() if f else None


@pytest.mark.parametrize("v, i, f", CASES)
def test_pybtex_reads_the_author_as_one_organisation(v, i, f):
    from pybtex.database import parse_string

    version, ids, pf = case(v, i, f)
    entry = next(iter(parse_string(cit.bibtex(version, ids, pf, dt.date(2026, 12, 7)), "bibtex").entries.values()))
    [author] = entry.persons["author"]
    assert author.first_names == author.middle_names == author.prelast_names == [] and author.last_names == ["{" + AUTHOR + "}"]
    assert entry.type == "dataset" and entry.fields["version"] == version.version
    assert ("doi" in entry.fields) == bool(version.doi or ids.concept_doi)
    assert entry.fields.get("url") == ids.url
    if version.digest:
        assert f"sha256:{version.digest}" in entry.fields["note"]
    if not (version.doi or ids.concept_doi or ids.url):
        assert "No DOI or URL has been assigned yet." in entry.fields["note"]


def test_a_bibtex_author_without_double_braces_would_be_a_person():
    """The check above can fail: pybtex splits the name in single braces into a "von" part and a last name."""
    from pybtex.database import parse_string

    entry = next(iter(parse_string("@dataset{x, author = {wgtip contributors}, title = {t}}", "bibtex").entries.values()))
    [author] = entry.persons["author"]
    assert author.prelast_names == ["wgtip"] and author.last_names == ["contributors"]


@pytest.mark.parametrize("v, i, f", CASES)
def test_csl_json_validates_against_the_csl_data_schema(v, i, f):
    version, ids, pf = case(v, i, f)
    items = json.loads(cit.render("csl-json", version, ids, pf, dt.date(2026, 12, 7)))
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(items)
    [item] = items
    assert item["type"] == "dataset" and item["author"] == [{"literal": AUTHOR}] and item["version"] == version.version
    assert item.get("DOI") == (version.doi or ids.concept_doi)
    assert item.get("URL") == ids.url
    # an address alone needs the day it was read; a DOI does not
    assert ("accessed" in item) == bool(ids.url and not (version.doi or ids.concept_doi))


def test_the_csl_schema_check_can_fail():
    version, ids, _ = case("release", "none assigned", False)
    [item] = cit.csl_json(version, ids)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(CSL_SCHEMA).validate([{**item, "author": AUTHOR}])  # a name, not a list of names


@pytest.mark.parametrize("v, i, f", CASES)
def test_rispy_reads_the_ris_record(v, i, f):
    import rispy

    version, ids, pf = case(v, i, f)
    [record] = rispy.loads(cit.ris(version, ids, pf, dt.date(2026, 12, 7)))
    assert record["type_of_reference"] == "DATA"
    assert record["authors"] == [AUTHOR]
    assert record["title"] == (f"{cit.metadata.TITLE}: {pf.provision_id}" if pf else cit.metadata.TITLE)
    assert record["edition"] == version.version
    assert record.get("doi") == (version.doi or ids.concept_doi)
    assert record.get("urls") == ([ids.url] if ids.url else None)
    if version.published_on:
        assert record["year"] == str(version.published_on.year) and record["date"] == version.published_on.strftime("%Y/%m/%d")


def test_text_citations_say_where_or_that_nothing_is_assigned():
    release = VERSIONS["release"]
    assert cit.dataset_text(release, Identifiers()).endswith(f"No DOI or URL has been assigned yet. Data sha256:{release.digest}.")
    assert f"{SET.homepage} (accessed 2026-12-07). No DOI has been assigned yet." in cit.dataset_text(release, Identifiers(homepage=SET.homepage), dt.date(2026, 12, 7))
    assert "https://doi.org/10.5281/zenodo.1000 (the DOI of all versions; none is recorded yet for version" in cit.dataset_text(release, SET)
    with_doi = cit.dataset_text(VERSIONS["release with its DOI"], SET, dt.date(2026, 12, 7))
    assert f"https://doi.org/{VERSION_DOI}." in with_doi and "accessed" not in with_doi


def cffconvert(path: Path) -> subprocess.CompletedProcess:
    if not CFFCONVERT.exists():
        pytest.fail("cffconvert is not installed: run ./dev test (it installs tests/tools/cffconvert.lock in .venv/tools/cffconvert)")
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True)


def test_cffconvert_validates_the_committed_citation_file():
    result = cffconvert(ROOT / "CITATION.cff")
    assert result.returncode == 0 and "valid" in result.stdout.lower(), result.stdout + result.stderr


def test_cffconvert_refuses_a_citation_file_without_authors(tmp_path):
    """The check above can fail."""
    bad = tmp_path / "CITATION.cff"
    bad.write_text("\n".join(line for line in (ROOT / "CITATION.cff").read_text(encoding="utf-8").split("\n") if "authors:" not in line and "- name:" not in line))
    assert cffconvert(bad).returncode != 0


# --- the identifiers, set in one place, followed everywhere ------------------------------------


def set_identifiers(root: Path, ids: Identifiers) -> None:
    lines = [f'{k} = "{v or ""}"' for k, v in ids.as_dict().items()]
    (root / "identifiers.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def identified(tmp_path_factory) -> Path:
    """A built copy of the repository with every identifier set, its generated files written anew."""
    root = copy_repo(tmp_path_factory.mktemp("identified"))
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    set_identifiers(root, SET)
    for args in (["docs"], ["build"]):
        result = wgtip(*args, "--root", str(root))
        assert result.returncode == 0, result.stderr
    return root


def test_every_output_follows_the_identifiers_setting(identified):
    root = identified
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["url"] == SET.homepage and cff["repository-code"] == SET.repository and cff["doi"] == SET.concept_doi
    assert {(i["type"], i["value"]) for i in cff["identifiers"]} >= {("doi", SET.concept_doi), ("url", SET.datasette)}
    assert "No DOI or URL" not in cff["message"]
    assert cffconvert(root / "CITATION.cff").returncode == 0
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["access_right"] == "open" and zenodo["creators"] == [{"name": AUTHOR}] and "," not in AUTHOR
    assert {(r["identifier"], r["relation"]) for r in zenodo["related_identifiers"]} == {(SET.repository, "isSupplementTo"), (SET.homepage, "isDocumentedBy"), (SET.datasette, "isSourceOf")}
    urls = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls == {"Homepage": SET.homepage, "Repository": SET.repository, "Datasette": SET.datasette, "DOI": "https://doi.org/" + SET.concept_doi}
    assert json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["homepage"] == SET.homepage
    from wgtip.site.metadata import datasette_metadata

    assert datasette_metadata(root)["about_url"] == SET.homepage
    text = wgtip("cite", "--root", str(root)).stdout
    assert f"https://doi.org/{SET.concept_doi} (the DOI of all versions; none is recorded yet for version {LATEST['version']})." in text
    for fmt in ("bibtex", "ris", "csl-json"):
        out = wgtip("cite", "wgtip-m1-p5-a", "--format", fmt, "--root", str(root)).stdout
        assert SET.concept_doi in out and SET.homepage in out, fmt
    assert wgtip("docs", "--check", "--root", str(root)).returncode == 0


def test_without_identifiers_nothing_names_an_address_or_a_doi():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert not {"url", "repository-code", "doi"} & set(cff) and "No DOI or URL has been assigned yet." in cff["message"]
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert "related_identifiers" not in zenodo and zenodo["access_right"] == "open"
    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"] == {}
    assert "homepage" not in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert "No DOI or URL has been assigned yet." in wgtip("cite").stdout


def test_a_recorded_doi_reaches_that_releases_citations_and_nothing_it_published(identified, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(identified, root, ignore=shutil.ignore_patterns("build"))
    provisions = (root / "data/provisions.csv").read_bytes()
    built_version = json.loads((root / "datapackage.json").read_text())["version"]
    version = LATEST["version"]
    result = wgtip("record-doi", version, VERSION_DOI, "--date", DOI_DATE, "--recorded-at", f"{DOI_DATE}T23:00:00Z", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert wgtip("docs", "--root", str(root)).returncode == 0 and wgtip("build", "--root", str(root)).returncode == 0
    # the release's content, citation column included, is as it was: a DOI is a later fact
    assert (root / "data/provisions.csv").read_bytes() == provisions
    assert json.loads((root / "datapackage.json").read_text())["version"] == built_version  # a DOI changes no data
    assert f"https://doi.org/{VERSION_DOI}." in wgtip("cite", "--release", version, "--root", str(root)).stdout
    bib = wgtip("cite", "wgtip-m1-p5-a", "--release", version, "--format", "bibtex", "--root", str(root)).stdout
    assert f"doi = {{{VERSION_DOI}}}" in bib
    earlier = RELEASES[0]["version"]
    assert VERSION_DOI not in wgtip("cite", "--release", earlier, "--root", str(root)).stdout
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["doi"] == VERSION_DOI and ("doi", VERSION_DOI) in {(i["type"], i["value"]) for i in cff["identifiers"]}
    rebuilt = wgtip("build", "--release", version, "--root", str(root))
    assert rebuilt.returncode == 0, rebuilt.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["9.9.9", VERSION_DOI], "cannot record the DOI: data.version: no release 9.9.9 before this event"),
        ([LATEST["version"], "zenodo.1001"], "DOI: 'zenodo.1001' is not a DOI (10.NNNN/suffix"),
        ([LATEST["version"], VERSION_DOI, "--date", "2020-01-01"], f"occurred.start: 2020-01-01 is before release {LATEST['version']} was published"),
    ],
)
def test_a_doi_that_cannot_be_recorded_is_refused_and_nothing_is_written(repo, args, message):
    before = sorted(p.name for p in (repo / "events").rglob("*.jsonl"))
    date = [] if "--date" in args else ["--date", DOI_DATE]
    result = wgtip("record-doi", *args, *date, "--recorded-at", f"{DOI_DATE}T23:00:00Z", "--root", str(repo))
    assert result.returncode == 1 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert sorted(p.name for p in (repo / "events").rglob("*.jsonl")) == before


def test_a_release_has_one_doi(repo):
    version = LATEST["version"]
    record = ["--date", DOI_DATE, "--recorded-at", f"{DOI_DATE}T23:00:00Z", "--root", str(repo)]
    assert wgtip("record-doi", version, VERSION_DOI, *record).returncode == 0
    second = wgtip("record-doi", version, "10.5281/zenodo.2002", *record)
    assert second.returncode == 1 and f"release {version} already has the DOI {VERSION_DOI}" in second.stderr
    again = wgtip("record-doi", RELEASES[0]["version"], VERSION_DOI.upper(), *record)
    assert again.returncode == 1 and f"is already the DOI of release {version}" in again.stderr


def test_identifiers_that_are_not_addresses_or_dois_are_refused(repo):
    (repo / "identifiers.toml").write_text('homepage = "wgtip.example.org"\n')
    result = wgtip("cite", "--root", str(repo))
    assert result.returncode == 1 and result.stderr == "error: identifiers.toml: homepage: 'wgtip.example.org' is not an https:// address\n"
    (repo / "identifiers.toml").write_text('concept_doi = "https://doi.org/10.5281/zenodo.1"\n')
    assert "concept_doi: 'https://doi.org/10.5281/zenodo.1' is not a DOI" in wgtip("cite", "--root", str(repo)).stderr
    (repo / "identifiers.toml").write_text('homepage_url = ""\n')
    assert "identifiers.toml: homepage_url: unknown key" in wgtip("cite", "--root", str(repo)).stderr
