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
