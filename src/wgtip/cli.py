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
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; keep 127.0.0.1 except inside a container (the Dockerfile uses 0.0.0.0).")
def serve(root: Path, port: int, host: str) -> None:
    """Build if needed, then serve the SQLite database with Datasette (immutable, read-only) and this dataset's plugins."""
    from .site.serve import ServeError
    from .site.serve import serve as run_serve

    if not (root / "events").is_dir():
        fail(f"{root / 'events'} not found: run in the repository or name it with --root")
    try:
        run_serve(root, host=host, port=port)
    except (LogError, ServeError) as err:
        fail(str(err))
