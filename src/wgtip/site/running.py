"""What a running site knows that changes while it runs: the releases it is still building, and its metadata.

`wgtip serve` starts Datasette as soon as the current build is ready. A release whose artefacts or site copy
are not built yet is built then in a child process (``python -m wgtip.site.serve --releases ROOT``, which holds
the checkout's outputs lock as any build does), and served as its own immutable database as soon as its site
copy is ready (``start``). Until then the release is *pending*: its URLs answer 503 "being built" (never a 404
that says it does not exist), and the home page says so beside it. A release the child could not build is
*failed*: its URLs say so, and the server's log says why.

Whatever depends on the releases' files (the home page, the JSON-LD of the downloads) is kept only once
nothing is pending (``settled``): pending releases are only ever served, never added, so what is kept then is final.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ..paths import RELEASES_DIR
from .databases import SITE_DIR
from .metadata import permission_metadata

ROOT_ENV = "WGTIP_ROOT"
"""Where the plugins find the repository: an environment variable, so that the metadata (which
Datasette publishes at /-/metadata.json) does not reveal the server's paths and does not depend on them."""

PENDING: dict[str, str] = {}
"""Database name -> version of each release being built."""
FAILED: dict[str, str] = {}
"""Database name -> version of each release the child process stopped before serving."""

_started = False
_stopping = False
_task: asyncio.Task | None = None
_child: asyncio.subprocess.Process | None = None
_metadata: dict[str, dict[str, Any]] = {}


def settled() -> bool:
    """Whether no release is still being built: what depends on the releases' files will not change again."""
    return not PENDING


def metadata() -> dict[str, Any]:
    """build/site/metadata.json, read once and again after each release is added: ``{"full": ..., "tables": ...}``
    (the permission blocks alone, wgtip_metadata says why). Empty for a Datasette `wgtip serve` did not start."""
    if ROOT_ENV not in os.environ:
        return {"full": {}, "tables": {}}
    path = str(Path(os.environ[ROOT_ENV]) / "build" / SITE_DIR / "metadata.json")
    if path not in _metadata:
        full = json.loads(Path(path).read_text(encoding="utf-8"))
        _metadata[path] = {"full": full, "tables": permission_metadata(full)}
    return _metadata[path]


def status(database: str | None) -> str | None:
    """``"pending"`` or ``"failed"`` for a release not served (yet), else None."""
    if database in PENDING:
        return "pending"
    if database in FAILED:
        return "failed"
    return None


def waiting_for(path: str) -> tuple[str, str] | None:
    """The release a path of the site asks for that is not served (yet), as (version, status): its database's
    pages (``/wgtip-1-0-0``, ``/wgtip-1-0-0.json``, ``/wgtip-1-0-0/provisions/…``) and its downloads
    (``/-/downloads/releases/1.0.0/…``); None for any other path."""
    first = path.lstrip("/").split("/", 1)[0]
    name = re.sub(r"\.[a-z0-9]+$", "", first)
    if status(name):
        return {**FAILED, **PENDING}[name], str(status(name))
    found = re.match(rf"^/-/downloads/{RELEASES_DIR}/([^/]+)/", path)
    if found:
        for name, version in {**FAILED, **PENDING}.items():
            if version == found.group(1):
                return version, str(status(name))
    return None


def message(version: str, state: str) -> str:
    """What a page of a release not served says."""
    if state == "pending":
        return f"Release {version} is being built: this server started moments ago and serves each release as soon as it is ready. Try again in a few seconds."
    return f"Release {version} could not be built when this server started, so it is not served; the server's log says why."


def _say(text: str) -> None:
    print(f"wgtip serve: {text}", file=sys.stderr, flush=True)


def start(datasette: Any) -> None:
    """Build and serve, in the background, every release the metadata names that Datasette does not serve yet.
    Called on the server's first event (its lifespan start or first request), in the server's own event loop:
    Datasette's startup hook runs in another loop, which is closed before the server starts."""
    global _started, _task
    if _started:
        return
    _started = True
    config = datasette.plugin_config("wgtip") or {}
    missing = {name: version for name, version in config.get("releases", {}).items() if name not in datasette.databases}
    if not missing or "root" not in config:
        return
    PENDING.update(missing)
    _task = asyncio.get_running_loop().create_task(_build(datasette, Path(config["root"]), list(config["releases"])))


async def stop() -> None:
    """End the child process (the server is shutting down)."""
    global _stopping
    _stopping = True
    if _child is not None and _child.returncode is None:
        _child.terminate()
        await _child.wait()


async def _build(datasette: Any, root: Path, order: list[str]) -> None:
    global _child
    began = time.monotonic()
    try:
        _child = await asyncio.create_subprocess_exec(sys.executable, "-m", "wgtip.site.serve", "--releases", str(root), stdout=asyncio.subprocess.PIPE)
        assert _child.stdout is not None
        async for line in _child.stdout:
            name = json.loads(line)["ready"]
            await _add(datasette, name, order)
            _say(f"serving release {PENDING.pop(name)} at /{name} ({time.monotonic() - began:.1f} s after the server started)")
        code = await _child.wait()
        if PENDING:
            raise RuntimeError(f"the process building them exited with code {code}")
        _say(f"every release is served ({time.monotonic() - began:.1f} s after the server started)")
    except Exception as err:  # the releases left are not served: their pages say so, rather than being built forever
        if _stopping:  # ended by stop(): not a failure
            return
        FAILED.update(PENDING)
        _say(f"error: release{'s' if len(PENDING) > 1 else ''} {', '.join(PENDING.values())} not served: {err}")
        PENDING.clear()


async def _add(datasette: Any, name: str, order: list[str]) -> None:
    from datasette.database import Database

    # opened as `datasette --immutable` opens a file, by its path relative to the root (the server's working directory)
    db = Database(datasette, path=f"build/{SITE_DIR}/{name}.sqlite", is_mutable=False)
    db.name = name
    # Datasette counts the rows of its immutable databases once, with no time limit, before serving them; a count
    # made later (by a page) under the page's limit would be kept even if it had timed out
    await db.table_counts(limit=60 * 60 * 1000)
    _metadata.clear()  # the child wrote the release's metadata before saying it was ready
    datasette.add_database(db, name=name)
    # in the order a server that started with every release ready has: the current build, then the releases newest first
    rank = {n: i for i, n in enumerate(order)}
    datasette.databases = OrderedDict(sorted(datasette.databases.items(), key=lambda item: rank.get(item[0], -1)))
