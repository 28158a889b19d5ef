"""The command-line interface: thin wrappers over the library.

A user's error is a ``WgtipError`` (``errors.py``), raised where it is found: click shows it as
``error: <the line>`` and exits 1.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from . import importer
from .build import build as run_build
from .errors import WgtipError
from .log import EVENTS_DIR, LogError, has_log, iter_log, write_segments


def find_root(start: Path) -> Path:
    """The dataset's repository: ``start`` or the nearest folder above it that has ``events/`` (as
    git finds ``.git``); ``start`` itself if none has, where the log reader then says there is no log."""
    for folder in (start, *start.parents):
        if (folder / EVENTS_DIR).exists() or (folder / EVENTS_DIR).is_symlink():
            return folder
    return start


def _root(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    if value is None:
        return find_root(Path.cwd())
    if not value.exists():
        raise WgtipError(f"--root {value}: no such folder")
    if not value.is_dir():
        raise WgtipError(f"--root {value}: is a file, not a folder")
    return value


root_option = click.option(
    "--root",
    type=click.Path(path_type=Path),
    default=None,
    callback=_root,
    metavar="DIRECTORY",
    help="Repository to act on (default: the current folder, or the nearest folder above it that has events/).",
)


def version_text(root: Path) -> str:
    """``wgtip --version``: the package's version and the version of the data in ``root``, or why there is none."""
    from importlib.metadata import version

    package = f"wgtip {version('wgtip')}"
    descriptor = root / "datapackage.json"
    if descriptor.is_file():
        try:
            return f"{package}, data {json.loads(descriptor.read_bytes())['version']}"
        except (ValueError, KeyError, TypeError):
            return f"{package}, data unknown ({descriptor} has no version)"
    if not (root / "events").is_dir():
        return f"{package}, no data here ({root.resolve()} has neither datapackage.json nor events/)"
    try:
        released = [e.event.data.version for e in iter_log(root) if e.event.type == "ReleasePublished"]
    except LogError as err:
        return f"{package}, data not built, and the log does not read: {err}"
    last = f"the log's last release is {released[-1]}" if released else "the log has no release yet"
    return f"{package}, data not built ({last}; run ./dev wgtip build)"


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text(Path(".")))
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version, help="Show the package's version and the version of the data in the current directory, and exit.")
def main() -> None:
    """The event-sourced dataset of the recommendations of the UN Working Group on Trafficking in Persons."""


@main.command()
@root_option
@click.option(
    "--release",
    "release",
    metavar="VERSION",
    default=None,
    help="Rebuild this release from the log into build/releases/VERSION/ (zip, SQLite, DuckDB, SHA256SUMS), checked against its recorded hashes.",
)
def build(root: Path, release: str | None) -> None:
    """Fold the event log into datapackage.json + data/*.csv, build/wgtip.sqlite and build/wgtip.duckdb."""
    built = run_build(root, release=release)
    click.echo(f"folded {built.events} events into version {built.version}")
    for table, n in built.tables.items():
        click.echo(f"  {table:<24} {n:>7} rows")
    click.echo("wrote " + ", ".join(str(p.relative_to(root)) for p in built.outputs))


@main.command("import-source")
@root_option
@click.option("--recorded-at", required=True, help="Fixed recording time written into the events (ISO 8601 with zone, e.g. 2026-11-28T00:00:00Z).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Write the events under this directory instead of the repository's log.")
def import_source(root: Path, recorded_at: str, out: Path | None) -> None:
    """Turn the source document into events (a tool: the committed events are the truth)."""
    moment = _moment(recorded_at)
    target = out or root
    if has_log(target):
        raise WgtipError(f"{target / 'events'} already holds events; the importer only starts a new log (use --out)")
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
            raise WgtipError("schema files differ from the event models: " + ", ".join(problems) + " (run: wgtip schema)")
        click.echo("schema files match the event models")
        return
    for p in schemas.write(root):
        click.echo(f"wrote {p}")


@main.command()
@root_option
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; keep 127.0.0.1 except inside a container (the Dockerfile uses 0.0.0.0).")
@click.option("--prepare-only", is_flag=True, help="Only build what the site serves (data, release artefacts) and write its metadata, then exit (for container images).")
def serve(root: Path, port: int, host: str, prepare_only: bool) -> None:
    """Build if needed, then serve the SQLite database with Datasette (immutable, read-only) and this dataset's plugins."""
    from .site.serve import prepare
    from .site.serve import serve as run_serve

    if not (root / "events").is_dir():
        raise WgtipError(f"{root / 'events'} not found: run in the repository or name it with --root")
    if prepare_only:
        click.echo(f"wrote {prepare(root.resolve())}")
        return
    run_serve(root, host=host, port=port)


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise WgtipError(f"{text!r} needs a time zone (for example 2026-11-28T00:00:00Z)")
    return moment


@main.command()
@root_option
@click.argument("version")
@click.option("--date", "published_on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Release date (YYYY-MM-DD).")
@click.option("--notes", required=True, help="Release notes.")
@click.option("--recorded-at", required=True, help="Fixed recording time written into the event (ISO 8601 with zone).")
def release(root: Path, version: str, published_on: dt.datetime, notes: str, recorded_at: str) -> None:
    """Append a ReleasePublished event that fixes the data as it is now by its content hashes."""
    from .release import make_release

    path = make_release(root, version, published_on.date(), notes, _moment(recorded_at))
    click.echo(f"wrote {path.relative_to(root)}; now run: wgtip build && wgtip build --release {version}")


@main.command()
@root_option
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Readable text or JSON.")
def diff(root: Path, old: str, new: str, fmt: str) -> None:
    """What changed between two releases (added, changed, removed rows, with old and new values)."""
    from .history import diff_releases, render_text

    changes = diff_releases(root, old, new)
    if fmt == "json":
        click.echo(json.dumps(changes, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(old, new, changes), nl=False)


@main.command()
@root_option
@click.argument("provision_id", required=False)
@click.option("--release", "version", metavar="VERSION", default=None, help="Cite this release (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "bibtex", "ris", "csl-json"]), default="text", show_default=True, help="Citation format.")
@click.option("--accessed", type=click.DateTime(["%Y-%m-%d"]), default=None, help="The day you read the data (YYYY-MM-DD), given where a citation names an address but no DOI (default: today).")
def cite(root: Path, provision_id: str | None, version: str | None, fmt: str, accessed: dt.datetime | None) -> None:
    """How to cite the dataset, or one provision, in a release: its version, content digest and DOI or address (or that none is assigned)."""
    from .cite import citation

    day = accessed.date() if accessed else dt.datetime.now(dt.UTC).date()
    click.echo(citation(root, provision_id, version, fmt, day), nl=False)


@main.command("record-doi")
@root_option
@click.argument("version")
@click.argument("doi")
@click.option("--date", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The day the DOI was minted (YYYY-MM-DD).")
@click.option("--recorded-at", required=True, help="Fixed recording time written into the event (ISO 8601 with zone).")
def record_doi(root: Path, version: str, doi: str, on: dt.datetime, recorded_at: str) -> None:
    """Append a ReleaseDoiRecorded event: the DOI minted for a published release (10.NNNN/suffix); its citations carry it from then on."""
    from .dois import append_doi

    path = append_doi(root, version, doi, on.date(), _moment(recorded_at))
    click.echo(f"wrote {path.relative_to(root)}; now run: wgtip docs && wgtip build")


@main.command("adopt-release-format")
@root_option
@click.argument("release_format", metavar="FORMAT", type=int)
@click.option("--notes", required=True, help="What the new format changes for a reader of the releases.")
@click.option("--date", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The day the format was adopted (YYYY-MM-DD).")
@click.option("--recorded-at", required=True, help="Fixed recording time written into the event (ISO 8601 with zone).")
def adopt_release_format(root: Path, release_format: int, notes: str, on: dt.datetime, recorded_at: str) -> None:
    """Append a ReleaseFormatAdopted event: the releases published after it are laid out in FORMAT (docs/releases.md); those before keep theirs."""
    from .release_formats import adopt

    path = adopt(root, release_format, notes, on.date(), _moment(recorded_at))
    click.echo(f"wrote {path.relative_to(root)}; the next release (wgtip release) is published in format {release_format}")


@main.command("record-quality")
@root_option
@click.option("--date", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The day of the measurement (YYYY-MM-DD).")
@click.option("--recorded-at", required=True, help="Fixed recording time written into the event (ISO 8601 with zone).")
def record_quality(root: Path, on: dt.datetime, recorded_at: str) -> None:
    """Measure the annotations against the blind gold set (review/gold/adjudicated.json) and append an AnnotationQualityMeasured event: each kind's counts, precision and recall, and the gold file's SHA-256, which the data package, the data dictionary and the site then state."""  # noqa: E501 (the command's help, one paragraph)
    from .annotate.measured import append_quality

    path = append_quality(root, on.date(), _moment(recorded_at))
    click.echo(f"wrote {path.relative_to(root)}; now run: wgtip docs && wgtip build")


@main.command()
@root_option
@click.option("--check", is_flag=True, help="Only check that the generated files match the log and the models; exit 1 if not.")
def docs(root: Path, check: bool) -> None:
    """Write CHANGELOG.md, CITATION.cff, .zenodo.json and the reference pages under docs/, generated from the log and the code."""
    from .generated import generated_files
    from .reference import reference_pages

    files = {**generated_files(root), **reference_pages(root, main)}
    stale = [p for p, data in files.items() if not (root / p).is_file() or (root / p).read_bytes() != data]
    if check:
        if stale:
            raise WgtipError("out of date: " + ", ".join(stale) + " (run: wgtip docs)")
        click.echo("generated files match the log")
        return
    for p in stale:
        (root / p).parent.mkdir(parents=True, exist_ok=True)
        (root / p).write_bytes(files[p])
        click.echo(f"wrote {p}")


@main.command()
@root_option
@click.option("--rule", default=None, help="Only this rule.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Tab-separated lines (provision, rule, character, evidence, context, suggestion, line, reason) or JSON.",
)
def anomalies(root: Path, rule: str | None, fmt: str) -> None:
    """List places in the current texts that look like slips (reported, never fixed silently), with a context to correct them by."""
    from dataclasses import asdict

    from .anomalies import RULES, find_anomalies
    from .folded import fold_kept

    if rule and rule not in RULES:
        raise WgtipError(f"unknown rule {rule!r} (rules: {', '.join(RULES)})")
    # only the provisions a rule flags are kept: a big log's texts would not fit in memory
    kept = fold_kept(iter_log(root), {"provisions": lambda p: bool(find_anomalies([p]))})
    found = [a for a in find_anomalies(kept.rows["provisions"]) if rule in (None, a.rule)]
    if fmt == "json":
        click.echo(json.dumps([asdict(a) for a in found], ensure_ascii=False, indent=2))
    else:
        for a in found:
            fields = (a.provision_id, a.rule, a.character, a.evidence, a.context, a.suggestion or "", a.line, a.reason)
            click.echo("\t".join(map(str, fields)))
    click.echo(f"{len(found)} anomalies", err=True)


@main.command()
@root_option
@click.argument("provision_id")
@click.option("--find", "old", required=True, help="The exact text to replace (must occur once in the current text).")
@click.option("--replace", "new", required=True, help="What it should read.")
@click.option("--reason", required=True, help="Why: the slip and the evidence.")
@click.option("--by", "corrected_by", required=True, help="Who (or which rule) makes the correction.")
@click.option("--date", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Date of the correction (YYYY-MM-DD).")
@click.option("--recorded-at", required=True, help="Fixed recording time written into the event (ISO 8601 with zone).")
def correct(root: Path, provision_id: str, old: str, new: str, reason: str, corrected_by: str, on: dt.datetime, recorded_at: str) -> None:
    """Append a TextCorrected event: one slip in one provision's current text."""
    from .corrections import append_correction

    path = append_correction(root, provision_id, old, new, reason, corrected_by, on.date(), _moment(recorded_at))
    click.echo(f"wrote {path.relative_to(root)}")


@main.command()
@root_option
@click.option("--recorded-at", required=True, help="Fixed recording time written into the events (ISO 8601 with zone).")
def annotate(root: Path, recorded_at: str) -> None:
    """Run the annotation rules on the current texts and append what changed as events (vocabularies, ProvisionsAnnotated)."""
    from .annotate.record import annotation_stream

    new, last = annotation_stream(iter_log(root), _moment(recorded_at))
    made = 0

    def counted() -> Iterator[tuple[str, Any]]:
        nonlocal made
        for event in new:
            made += 1
            yield event

    # written as they are made (one rule's annotations in memory at a time), none if making them fails
    paths = write_segments(root, counted(), prev=last.hash if last else None)
    if not paths:
        click.echo("annotations are up to date: nothing to append")
        return
    click.echo(f"wrote {made} events in {len(paths)} segments: " + ", ".join(str(p.relative_to(root)) for p in paths))


@main.command("check-append-only")
@root_option
@click.option(
    "--base",
    "bases",
    multiple=True,
    metavar="REV",
    help=(
        "A published revision (repeatable): it must be an ancestor of --head, and every segment it holds must be in --head byte for byte (CI: the previous head of the branch, a pull request's "
        "target). Without --base and --release-tags: the staged changes (the pre-commit hook)."
    ),
)
@click.option("--release-tags", is_flag=True, help="Also check against every release tag (vX.Y.Z) of the repository.")
@click.option("--head", default="HEAD", show_default=True, metavar="REV", help="With --base or --release-tags: the revision whose log is checked.")
def check_append_only(root: Path, bases: tuple[str, ...], release_tags: bool, head: str) -> None:
    """Refuse any change to events/ other than new files, and any history that drops what was published; check the resulting log (the pre-commit hook and the CI gate)."""
    from .appendonly import check
    from .appendonly import release_tags as tags_of

    tags = tuple(tags_of(root)) if release_tags else ()
    problems, n = check(root, bases + tags, head, staged=not (bases or release_tags))
    if problems:
        for p in problems[:-1]:
            click.echo(f"error: {p}", err=True)
        raise WgtipError(problems[-1])
    kept = "" if not release_tags else f" (and keeps every release tag: {', '.join(tags)})" if tags else " (no release tag here)"
    click.echo(f"append-only: events/ only gains new files; the resulting log of {n} events checks out{kept}")


@main.command()
@root_option
@click.option(
    "--checkpoints",
    "checkpoints",
    multiple=True,
    metavar="FILE|URL",
    help="Published checkpoints (a release's checkpoints.json, or its http(s) address; repeatable): the local log must hold every published chain head at its seq.",
)
def verify(root: Path, checkpoints: tuple[str, ...]) -> None:
    """Re-check the hash chain, every schema, every reference, every release, the committed data package and build/; name the first problem."""
    from .verify import verify as run_verify

    result = run_verify(root, checkpoints)
    click.echo(f"verified {result.events} events, chain head {result.head}")
    click.echo(f"  {len(result.releases)} releases rebuilt as recorded: {', '.join(result.releases) or 'none'}")
    click.echo("  ok: " + ", ".join(result.checks))
    for note in result.not_checked:
        click.echo(f"  not checked: {note}")


@main.command()
@root_option
@click.option("--release", "version", metavar="VERSION", default=None, help="Only the releases up to this one (what release VERSION publishes).")
@click.option("--tag-message", "tag_version", metavar="VERSION", default=None, help="Print instead the message of release VERSION's signed tag (its checkpoint).")
def checkpoints(root: Path, version: str | None, tag_version: str | None) -> None:
    """Print the checkpoints of the log's releases (checkpoints.json): each release's chain head and digest, to publish outside the log."""
    from . import checkpoints as cp

    if tag_version:
        click.echo(cp.tag_message(cp.log_checkpoints(root, until=tag_version)[-1]), nl=False)
        return
    click.echo(cp.file_bytes(cp.log_checkpoints(root, until=version)).decode(), nl=False)
