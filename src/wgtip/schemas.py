"""The published JSON Schemas of the events, generated from the models in events.py.

The models are the source of truth; ``wgtip schema`` writes the files and
``wgtip schema --check`` (and a test) fails when a file differs from what the
models generate.
"""

from __future__ import annotations

import json
from pathlib import Path

from .events import EVENT_TYPES, json_schema, schema_path


def schema_files() -> dict[str, bytes]:
    return {schema_path(cls): (json.dumps(json_schema(cls), ensure_ascii=False, indent=2) + "\n").encode() for cls in EVENT_TYPES}


def drift(root: Path) -> list[str]:
    """Paths whose committed schema differs from the generated one (or is missing, or is stale)."""
    expected = schema_files()
    problems = [p for p, data in expected.items() if not (root / p).is_file() or (root / p).read_bytes() != data]
    on_disk = {p.relative_to(root).as_posix() for p in (root / "schema" / "events").glob("*.json")}
    problems += sorted(on_disk - expected.keys())
    return sorted(problems)


def write(root: Path) -> list[str]:
    written = []
    for p, data in schema_files().items():
        path = root / p
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            written.append(p)
    return written
