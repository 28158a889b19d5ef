"""The command-line interface: thin wrappers over the library."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import importer
from .build import build as run_build
from .log import LogError, read_log, write_segments

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    help="Repository to act on (default: the current directory).",
)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wgtip")
def main() -> None:
    """The event-sourced dataset of the recommendations of the UN Working Group on Trafficking in Persons."""


@main.command()
@root_option
def build(root: Path) -> None:
    """Fold the event log into datapackage.json + data/*.csv, build/wgtip.sqlite and build/wgtip.duckdb."""
    try:
        built = run_build(root)
    except LogError as err:
        fail(str(err))
    click.echo(f"folded {built.events} events into version {built.version}")
    for table, n in built.tables.items():
        click.echo(f"  {table:<24} {n:>7} rows")
    click.echo(f"wrote {built.package.relative_to(root)}, {built.sqlite.relative_to(root)}, {built.duckdb.relative_to(root)}")


@main.command("import-source")
@root_option
@click.option("--recorded-at", required=True, help="Fixed recording time written into the events (ISO 8601 with zone, e.g. 2026-11-28T00:00:00Z).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Write the events under this directory instead of the repository's log.")
def import_source(root: Path, recorded_at: str, out: Path | None) -> None:
    """Turn the source document into events (a tool: the committed events are the truth)."""
    moment = dt.datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        fail("--recorded-at needs a time zone (for example 2026-11-28T00:00:00Z)")
    target = out or root
    try:
        if read_log(target):
            fail(f"{target / 'events'} already holds events; the importer only starts a new log (use --out)")
    except LogError as err:
        fail(str(err))
    events = importer.import_source(importer.read_source(root), moment)
    paths = write_segments(target, events)
    click.echo(f"wrote {len(events)} events in {len(paths)} segments under {target / 'events'}")


@main.command()
@root_option
@click.option("--check", is_flag=True, help="Only check that schema/ matches the event models; exit 1 if not.")
def schema(root: Path, check: bool) -> None:
    """Write the JSON Schema of every event type to schema/events/ (generated from the event models)."""
    from . import schemas

    if check:
        problems = schemas.drift(root)
        if problems:
            fail("schema files differ from the event models: " + ", ".join(problems) + " (run: wgtip schema)")
        click.echo("schema files match the event models")
        return
    for p in schemas.write(root):
        click.echo(f"wrote {p}")


@main.command()
@root_option
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on (127.0.0.1 only).")
def serve(root: Path, port: int) -> None:
    """Build if needed, then serve the SQLite database with Datasette on 127.0.0.1, read-only."""
    from .site.serve import serve as run_serve

    try:
        run_serve(root, port=port)
    except LogError as err:
        fail(str(err))


@main.command("check-append-only")
@root_option
@click.option("--base", default=None, metavar="REV", help="Check the commits since REV (BASE...HEAD, as CI does) instead of the staged changes.")
@click.option("--head", default="HEAD", show_default=True, metavar="REV", help="With --base: the revision whose log is checked.")
def check_append_only(root: Path, base: str | None, head: str) -> None:
    """Refuse any change to events/ other than new files, and check the resulting log (the pre-commit hook and the CI gate)."""
    from .appendonly import GitError, check

    try:
        problems, n = check(root, base, head)
    except GitError as err:
        fail(str(err))
    if problems:
        for p in problems[:-1]:
            click.echo(f"error: {p}", err=True)
        fail(problems[-1])
    click.echo(f"append-only: events/ only gains new files; the resulting log of {n} events checks out")


@main.command()
@root_option
def verify(root: Path) -> None:
    """Re-check the hash chain, every schema, every reference and the committed data package; name the first problem."""
    from .verify import VerifyError, verify as run_verify

    try:
        result = run_verify(root)
    except VerifyError as err:
        fail(str(err))
    click.echo(f"verified {result.events} events, chain head {result.head}")
    click.echo("  ok: " + ", ".join(result.checks))
