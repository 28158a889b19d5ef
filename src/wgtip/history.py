"""Reading the history the fold projects: releases, changes between them, a provision in a release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import WgtipError
from .folded import Kept, Records, fold_kept, keep_all
from .log import iter_log
from .release import unknown_release
from .tables import Row, by_name, columns


class DiffError(WgtipError):
    """A release or provision that the log does not have."""


def records(tables: dict[str, list[Row]], table: str) -> list[dict[str, Any]]:
    names = [c.name for c in columns(by_name()[table])]
    return [dict(zip(names, row, strict=True)) for row in tables[table]]


def released_changes(root: Path, also: tuple[str, ...] = ()) -> Kept:
    """The releases and the changes they published (those since the last release only counted),
    the log streamed; and every row of the tables ``also`` names."""
    return fold_kept(iter_log(root), {"releases": keep_all, "changes": lambda c: c["version"] is not None, **{t: keep_all for t in also}})


def diff_records(rows: Records, old: str, new: str) -> list[dict[str, Any]]:
    """Changes published after release ``old`` up to and including ``new``, one per row and field
    (``rows``: the releases and changes tables)."""
    order = {r["version"]: r["release_order"] for r in rows["releases"]}
    for v in (old, new):
        if v not in order:
            raise DiffError(str(unknown_release(v, list(order))))
    if order[old] >= order[new]:
        raise DiffError(f"{old} is not an earlier release than {new}")
    merged: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for c in rows["changes"]:
        if c["version"] is None or not order[old] < order[c["version"]] <= order[new]:
            continue
        key = (c["table_name"], c["row_id"], c["field"])
        added = merged.get((c["table_name"], c["row_id"], None))
        if added is not None and c["change"] == "changed":
            added.update(new_value=c["new_value"], event_seq=c["event_seq"], version=c["version"])
            continue
        if key in merged:
            merged[key].update(new_value=c["new_value"], event_seq=c["event_seq"], version=c["version"])
        else:
            merged[key] = {k: c[k] for k in ("version", "table_name", "row_id", "change", "field", "old_value", "new_value", "event_seq")}
    return [c for c in merged.values() if c["change"] != "changed" or c["old_value"] != c["new_value"]]


def diff_releases(root: Path, old: str, new: str) -> list[dict[str, Any]]:
    return diff_records(released_changes(root).rows, old, new)


def render_text(old: str, new: str, changes: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for c in changes:
        counts[c["change"]] = counts.get(c["change"], 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no changes"
    lines = [f"{old} → {new}: {summary}", ""]
    for c in changes:
        where = f"{c['table_name']} {c['row_id']}"
        if c["change"] == "changed":
            lines += [f"~ {where} {c['field']} (event {c['event_seq']}, {c['version']})", f"  - {c['old_value']}", f"  + {c['new_value']}"]
        elif c["change"] == "added":
            lines.append(f"+ {where} (event {c['event_seq']}, {c['version']}): {c['new_value']}")
        else:
            lines.append(f"- {where} (event {c['event_seq']}, {c['version']}): {c['old_value']}")
    return "\n".join(lines) + "\n"
