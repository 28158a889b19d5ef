"""A cold `./dev serve`: from a fresh clone to the first page, and to every release served.

    .venv/bin/python bench/serve.py [--ref HEAD] [--ref main] [--rounds 2] [--no-uv-cache] [--label NAME]

Each round clones this repository at each ``--ref`` (its committed files only: no .venv, no build/) into
a temporary directory, runs ``./dev serve --port N`` there as a newcomer would, and times from the
command's start: each line it writes to stderr (set-up, build, Datasette's start, each release served),
the first ``200`` of the home page (polled every 0.1 s), and the moment ``/-/databases.json`` lists
the database of every release the site's metadata names. The refs alternate in order between rounds
(the machine is shared). uv's cache is the user's, as for a second clone on the same machine, unless
``--no-uv-cache`` (an empty cache: every package is fetched again). The machine's load average is
recorded before and after. Writes bench/results/serve-cold-<label>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MILESTONES = {
    # what a line of ./dev serve's stderr marks (the first line that matches), old wording and new
    "set-up done": r"^set up \.venv in|^wgtip serve: |^building ",
    "current build started": r"^wgtip serve: building build/|^building .*build from the log",
    "Datasette starting": r"^wgtip serve: starting Datasette",
    "Datasette listening": r"Uvicorn running on",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, b""
    except (urllib.error.URLError, OSError):
        return 0, b""


def every_release_served(base: str) -> bool:
    status, body = get(base + "/-/metadata.json")
    if status != 200:
        return False
    releases = set(json.loads(body).get("plugins", {}).get("wgtip", {}).get("releases", {}))
    status, body = get(base + "/-/databases.json")
    return status == 200 and releases <= {d["name"] for d in json.loads(body)}


def one_run(ref: str, env: dict[str, str], timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", ref], check=True)
        commit = subprocess.run(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        load = os.getloadavg()[0]
        start = time.monotonic()
        proc = subprocess.Popen(["./dev", "serve", "--port", str(port)], cwd=clone, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        lines: list[tuple[float, str]] = []

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append((round(time.monotonic() - start, 2), line.rstrip("\n")))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        first_page = all_served = None
        try:
            while time.monotonic() - start < timeout and proc.poll() is None:
                if first_page is None and get(base + "/")[0] == 200:
                    first_page = round(time.monotonic() - start, 2)
                if first_page is not None and every_release_served(base):
                    all_served = round(time.monotonic() - start, 2)
                    break
                time.sleep(0.1)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the child building releases, if any
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            reader.join(timeout=5)
        marks = {}
        for name, pattern in MILESTONES.items():
            marks[name] = next((t for t, line in lines if re.search(pattern, line)), None)
        marks["first page (home 200)"] = first_page
        served = [(t, m.group(1)) for t, line in lines if (m := re.search(r"serving release (\S+) at", line))]
        for t, version in served:
            marks[f"release {version} served"] = t
        marks["every release served"] = all_served
        return {"ref": ref, "commit": commit, "load_average_1min_at_start": round(load, 2), "seconds": marks, "stderr": [f"{t:7.2f} {line}" for t, line in lines if not line.startswith("INFO:")]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", action="append", help="what to clone (repeatable; default HEAD)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-uv-cache", action="store_true")
    ap.add_argument("--label", default="head")
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    refs = a.ref or ["HEAD"]
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    cache = tempfile.TemporaryDirectory() if a.no_uv_cache else None
    if cache is not None:
        env.update(UV_CACHE_DIR=cache.name, PIP_NO_CACHE_DIR="1")
    load_before = os.getloadavg()
    runs = []
    for i in range(a.rounds):
        for ref in refs if i % 2 == 0 else list(reversed(refs)):
            runs.append(one_run(ref, env, a.timeout))
            print(json.dumps({k: runs[-1][k] for k in ("ref", "seconds")}), flush=True)
    load_after = os.getloadavg()
    if cache is not None:
        cache.cleanup()
    medians = {}
    for ref in refs:
        mine = [r["seconds"] for r in runs if r["ref"] == ref]
        keys = [k for k in mine[0] if all(m.get(k) is not None for m in mine)]
        medians[ref] = {k: round(statistics.median(m[k] for m in mine), 2) for k in keys}
    result = {
        "label": a.label,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "rounds": a.rounds,
        "uv_cache": not a.no_uv_cache,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "median_seconds": medians,
        "runs": runs,
    }
    out = ROOT / "bench/results" / f"serve-cold-{a.label}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    md = [
        f"# A cold `./dev serve`: {a.label}\n",
        f"A fresh clone of each ref, then `./dev serve --port N`; seconds from the command's start (median of {a.rounds} "
        f"round(s), refs alternating). Python {platform.python_version()}, {os.cpu_count()} cores, uv cache "
        f"{'the user' + chr(39) + 's (warm)' if not a.no_uv_cache else 'empty (every package fetched)'}; load average "
        f"{', '.join(f'{x:.2f}' for x in load_before)} before, {', '.join(f'{x:.2f}' for x in load_after)} after.\n",
        f"Command: `python bench/serve.py {' '.join(f'--ref {r}' for r in refs)} --rounds {a.rounds}{' --no-uv-cache' if a.no_uv_cache else ''} --label {a.label}`\n",
        "| milestone | " + " | ".join(f"{r} ({next(x['commit'] for x in runs if x['ref'] == r)})" for r in refs) + " |",
        "|---|" + "---:|" * len(refs),
    ]
    names = list(dict.fromkeys(k for r in refs for k in medians[r]))
    for name in names:
        md.append(f"| {name} | " + " | ".join(f"{medians[r][name]:.1f}" if name in medians[r] else "" for r in refs) + " |")
    md.append("\nEach run (1-minute load average at its start; first page; every release served):\n")
    for r in runs:
        md.append(f"- {r['ref']}: load {r['load_average_1min_at_start']:.2f}; {r['seconds']['first page (home 200)']} s; {r['seconds']['every release served']} s")
    md.append("\nThe old wording has no line for the set-up's end: there \"set-up done\" is the first line after it (the build's start).")
    md.append("\nWhat the last round's `./dev serve` wrote to stderr (Datasette's request lines left out), seconds from its start:\n")
    for ref in refs:
        last = [r for r in runs if r["ref"] == ref][-1]
        md += [f"{ref}:\n", "```", *last["stderr"], "```\n"]
    out.with_suffix(".md").write_text("\n".join(md))
    print(out.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
