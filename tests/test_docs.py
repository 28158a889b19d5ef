"""The generated reference under docs/ is current and complete, and the documents link to what exists.

The reference pages are generated from the code and the log (``wgtip docs``), so
they cover everything by construction; the tests here check that construction
against independent readings: the CLI's own ``--help``, SQLAlchemy's metadata
of the table models, the event classes, the raw lines of the log.
"""

from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from wgtip.cli import main
from wgtip.events import EVENT_TYPES

README = ROOT / "README.md"


def generated() -> dict[str, bytes]:
    from wgtip.generated import generated_files
    from wgtip.reference import reference_pages

    return {**generated_files(ROOT), **reference_pages(ROOT, main)}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {path: data.decode() for path, data in generated().items()}


def test_generated_docs_are_current(pages):
    """CHANGELOG.md, CITATION.cff, .zenodo.json and every generated page under docs/ are what `wgtip docs` writes now."""
    stale = [path for path, text in pages.items() if (ROOT / path).read_text(encoding="utf-8") != text]
    assert stale == [], "out of date: run ./dev wgtip docs"


def test_docs_check_fails_on_a_stale_page(tmp_path):
    """`wgtip docs --check` (what CI and the pre-commit hook run) notices an edited page and names it."""
    from conftest import copy_repo

    root = copy_repo(tmp_path / "repo")
    runner = CliRunner()
    assert runner.invoke(main, ["docs", "--root", str(root)]).exit_code == 0
    assert runner.invoke(main, ["docs", "--root", str(root), "--check"]).exit_code == 0
    page = root / "docs/commands.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## `wgtip build`", "## `wgtip bild`"), encoding="utf-8")
    result = runner.invoke(main, ["docs", "--root", str(root), "--check"])
    assert result.exit_code == 1 and "docs/commands.md" in result.stderr


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start:end]


def _words(text: str) -> str:
    return " ".join(text.replace("\\|", "|").split())


@pytest.mark.parametrize("name", sorted(main.commands))
def test_the_commands_page_has_every_option_that_help_prints(pages, name):
    """Each command's section holds every option flag and help text of what `wgtip NAME --help` prints."""
    section = _words(_section(pages["docs/commands.md"], f"## `wgtip {name}`"))
    helped = CliRunner().invoke(main, [name, "--help"], terminal_width=1000)
    assert helped.exit_code == 0
    flags = {flag for line in helped.output.splitlines() if line.startswith("  -") for flag in re.findall(r"(?<![\w-])--?[a-z][a-z-]*", line.split("  ")[1])}
    missing = [flag for flag in flags if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", section)]
    assert flags and missing == [], (name, missing)
    command = main.commands[name]
    assert _words(command.help or "") in section
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            assert _words(param.help) in section, (name, param.name)
        if isinstance(param, click.Argument):
            assert param.human_readable_name in section, (name, param.name)


def test_the_commands_page_has_the_group_options(pages):
    section = _section(pages["docs/commands.md"], "## `wgtip`")
    assert "`--version`" in section and "`-h, --help`" in section


def test_the_data_dictionary_has_every_table_and_column_of_the_models(pages):
    """Independently of tables.py's helpers: SQLAlchemy's metadata of the SQLModel tables."""
    from sqlmodel import SQLModel

    import wgtip.tables  # noqa: F401  (registers the models)

    text = pages["docs/data-dictionary.md"]
    assert SQLModel.metadata.tables
    for table in SQLModel.metadata.tables.values():
        section = _section(text, next(line for line in text.splitlines() if line.startswith(f"## `{table.name}` ")))
        for column in table.columns:
            assert f"| `{column.name}` |" in section, (table.name, column.name)


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda c: c.__name__)
def test_the_event_page_has_every_event_type_and_field(pages, cls):
    text = pages["docs/events.md"]
    section = _section(text, next(line for line in text.splitlines() if line.startswith(f"## `{cls.__name__}` ")))
    for field in cls.model_fields["data"].annotation.model_fields:
        assert f"| `data.{field}` |" in section


def test_the_vocabularies_page_has_every_term_the_log_defines(pages):
    """From the raw lines of the log (not its reader): the last definition of each vocabulary."""
    defined: dict[str, dict] = {}
    for path in sorted((ROOT / "events").rglob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            event = json.loads(line)
            if event["type"] == "VocabularyDefined":
                defined[event["data"]["vocabulary"]] = event["data"]
    assert defined
    text = pages["docs/vocabularies.md"]
    for vocabulary, data in defined.items():
        section = _section(text, f"## `{vocabulary}` — {data['title']} / {data['title_zh']}")
        for term in data["terms"]:
            assert f"| `{term['code']}` | {term['label']} | {term['label_zh']} | {term['description']} |" in section


def test_the_rules_page_has_every_rule_and_theme_keyword(pages):
    from wgtip.annotate.ruleset import rules
    from wgtip.annotate.themes import CUES

    text = pages["docs/annotation-rules.md"]
    for rule in rules():
        assert f"| `{rule.kind}` | `{rule.name}` | {rule.version} |" in text
        assert f"## `{rule.kind}` (`{rule.name}`)" in text
    for theme, pattern in CUES.items():
        assert f"| `{theme}` | `{pattern.replace('|', chr(92) + '|')}` |" in text


def test_the_site_reference_has_every_canned_query_setting_and_header(pages):
    from wgtip.site import safety
    from wgtip.site.queries import QUERIES

    text = pages["docs/site-reference.md"]
    for name, query in QUERIES.items():
        assert f"### `{name}`: {query['title']}" in text and query["sql"] in text
    for key, value in safety.SETTINGS.items():
        assert f"| `{key}` | `{value}` |" in text
    for header, _ in safety.SECURITY_HEADERS:
        assert f"| `{header.decode()}` |" in text
    assert f"{safety.MAX_VALUE_BYTES:,} bytes" in text and f"{safety.SQL_TIME_LIMIT_MS:,} ms" in text


# --- the documents -----------------------------------------------------------------------------------

DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(doc):
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        if not (doc.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert broken == []


def test_the_readme_links_every_page_under_docs():
    readme = README.read_text(encoding="utf-8")
    assert [p.name for p in sorted((ROOT / "docs").glob("*.md")) if f"](docs/{p.name})" not in readme] == []


def test_the_readme_is_short():
    """A newcomer reads it in five minutes; reference material belongs in docs/."""
    assert README.stat().st_size <= 12 * 1024


def test_every_table_and_column_is_described_in_english_and_chinese():
    """The metadata is bilingual (the text of the recommendations stays as printed, in Chinese only)."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for r in desc["resources"]:
        assert cjk.search(r["title_zh"]) and cjk.search(r["description_zh"]), r["name"]
        assert not cjk.fullmatch(r["description"][:1] or "x")
        for f in r["schema"]["fields"]:
            assert cjk.search(f["description_zh"]), (r["name"], f["name"])
            assert f["description"] and f["description"] != f["description_zh"], (r["name"], f["name"])


def test_the_changelog_says_what_the_log_and_the_source_say():
    """The pair of the drift check above (which holds CHANGELOG.md to what the generator writes): each
    release's heading, notes, digest and log head from its event (read as JSON, the head's hash computed
    here), the first release's additions counted in the source document, the patch's changes from the
    TextCorrected events before it."""
    import hashlib
    import json

    import printed

    lines = {json.loads(raw)["seq"]: raw for p in (ROOT / "events").rglob("*.jsonl") for raw in p.read_bytes().split(b"\n") if raw}
    releases = [json.loads(lines[s]) for s in sorted(lines) if json.loads(lines[s])["type"] == "ReleasePublished"]
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    unreleased = max(lines) > releases[-1]["seq"]  # events recorded since the last release come first, unreleased
    assert headings == ["## Unreleased"] * unreleased + [f"## {r['data']['version']} — {r['data']['published_on']}" for r in reversed(releases)]
    sections = dict(zip(headings, text.split("\n## ")[1:], strict=True))
    for r in releases:
        section = sections[f"## {r['data']['version']} — {r['data']['published_on']}"]
        head = r["seq"] - 1
        assert r["data"]["notes"] in section
        assert f"Data digest: `sha256:{r['data']['digest']}`; log head: event {head} (`{hashlib.sha256(lines[head]).hexdigest()}`)." in section
    first = sections[f"## {releases[0]['data']['version']} — {releases[0]['data']['published_on']}"]
    footnotes = sum(1 for line in printed.source_lines() if line and line[0] in printed.SUPERSCRIPTS)
    for table, n in (("footnotes", footnotes), ("meetings", len(printed.headings())), ("provisions", len(printed.printed())), ("source_documents", 1)):
        assert f"- {table}: {n} added" in first, table
    patch = sections[f"## {releases[1]['data']['version']} — {releases[1]['data']['published_on']}"]
    corrections = [c for c in printed.recorded_corrections(ROOT) if releases[0]["seq"] < c["seq"] < releases[1]["seq"]]
    assert f"- provisions: {len(corrections)} changed" in patch and corrections
    for c in corrections:
        d = c["data"]
        assert f"  - `{d['provision_id']}` current_text: “{d['old_text']}” → “{d['new_text']}” (event {c['seq']})" in patch
