"""The README documents every command, option, table and event type (so the docs cannot fall behind the code)."""

from __future__ import annotations

import click
import pytest

from conftest import ROOT
from wgtip.cli import main
from wgtip.events import EVENT_TYPES
from wgtip.tables import TABLES, name_of

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_readme_mentions_every_command(name):
    assert f"`wgtip {name}" in README, f"README does not document `wgtip {name}`"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_readme_mentions_every_option(name):
    command = main.commands[name]
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("root", "help"):
            assert any(opt in README for opt in param.opts), f"README does not mention {param.opts[0]} of wgtip {name}"


@pytest.mark.parametrize("table", [name_of(t) for t in TABLES])
def test_readme_mentions_every_table(table):
    assert f"`{table}`" in README


@pytest.mark.parametrize("event", [cls.__name__ for cls in EVENT_TYPES])
def test_readme_mentions_every_event_type(event):
    assert f"`{event}`" in README


def test_generated_docs_are_current():
    """CHANGELOG.md, CITATION.cff, .zenodo.json, docs/data-dictionary.md and docs/events.md follow the log and the models."""
    from wgtip.generated import generated_files

    for path, data in generated_files(ROOT).items():
        assert (ROOT / path).read_bytes() == data, f"{path} is out of date: run wgtip docs"


def test_every_table_and_column_is_described_in_english_and_chinese():
    """The metadata is bilingual (the text of the recommendations stays as printed, in Chinese only)."""
    import json
    import re

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
    assert headings == [f"## {r['data']['version']} — {r['data']['published_on']}" for r in reversed(releases)]
    sections = dict(zip(headings, text.split("\n## ")[1:]))
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
