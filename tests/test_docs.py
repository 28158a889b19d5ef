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
