"""docs/commands.md: every command of the CLI, its arguments, options and help, read from the click command tree.

The group is passed in by the ``docs`` command (this module does not import
the CLI), and the text is what ``--help`` prints, so the page is current by
construction.
"""

from __future__ import annotations

from pathlib import Path

import click


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _dev_usage(root: Path) -> list[str]:
    """The usage the ``./dev`` script prints (its header comment), when the repository has it."""
    dev = root / "dev"
    if not dev.is_file():
        return []
    lines = dev.read_text(encoding="utf-8").splitlines()[1:]
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line[2:] if line.startswith("# ") else line[1:])
    return header


def page(group: click.Group, root: Path) -> str:
    top = click.Context(group, info_name="wgtip", **group.context_settings)
    out = [
        "# Commands",
        "",
        "Generated from the command tree of `src/wgtip/cli.py` by `wgtip docs`; do not edit. Each section is what `./dev wgtip COMMAND --help` prints.",
        "",
        "Run every command from the repository as `./dev wgtip COMMAND …`: `./dev` creates `.venv` from the hashed "
        "`requirements.lock` when it is missing or out of date, then runs the `wgtip` it installed "
        "(after `./dev setup`, `.venv/bin/wgtip` is the same program). "
        "A command acts on the repository in the current directory (or the nearest one above it that has `events/`, "
        "as git finds `.git`), or on the one named with `--root`; "
        "a user error prints one line starting with `error: ` and exits with status 1.",
        "",
    ]
    dev = _dev_usage(root)
    if dev:
        out += ["## `./dev`", "", "```", *dev, "```", ""]
    out += ["## `wgtip`", "", (group.help or "").strip(), "", "```", f"Usage: ./dev wgtip {' '.join(group.collect_usage_pieces(top))}", "```", ""]
    out += _params(group, top)
    for name in group.list_commands(top):
        cmd = group.get_command(top, name)
        assert cmd is not None
        ctx = click.Context(cmd, info_name=name, parent=top)
        out += [f"## `wgtip {name}`", "", (cmd.help or "").strip(), "", "```", f"Usage: ./dev wgtip {name} {' '.join(cmd.collect_usage_pieces(ctx))}", "```", ""]
        out += _params(cmd, ctx)
    return "\n".join(out)


def _params(cmd: click.Command, ctx: click.Context) -> list[str]:
    rows = []
    for p in cmd.get_params(ctx):
        if isinstance(p, click.Argument):
            rows.append(f"| `{p.make_metavar(ctx)}` | argument{'' if p.required else ', optional'} |")
            continue
        record = p.get_help_record(ctx)
        if record:
            rows.append(f"| `{_cell(record[0])}` | {_cell(record[1])} |")
    if not rows:
        return []
    return ["| argument or option | what it does |", "|---|---|", *rows, ""]
