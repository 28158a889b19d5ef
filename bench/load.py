"""Datasette under load: this project's served site vs a plain Datasette on the same SQLite file.

    .venv/bin/python bench/load.py                           # the repository's own build, 20 s per server
    .venv/bin/python bench/load.py --root bench/work/e100000 --seconds 20 --clients 32

Starts, one after the other (never both at once: they would share the two
cores), ``wgtip serve --root ROOT`` (the project's configuration: settings,
metadata and plugins as they exist on this branch) and a plain
``datasette serve --immutable ROOT/build/wgtip.sqlite``. Against each, many
concurrent clients (asyncio + httpx) request for a bounded time a fixed,
seeded mix of pages:
- table: the provisions table page, and a page filtered by meeting;
- row: a provision's row page (ids sampled from the database);
- search: full-text search when the build has an FTS index (the site's
  ``provisions?_search=``; plain Datasette searches the same FTS5 table
  directly), else a ``text__contains`` filter (a scan) on both.
It reports throughput, p50/p95/p99 latency per page kind and the errors
(any status other than 200, or a failed request), and the ratio
project/plain, to bench/results/load-<label>.json and .md. Zero errors are
expected of this project's site: the command exits non-zero if it had any
(the plain Datasette's errors are reported, not a failure).

The load generator runs on the same machine as the server, so absolute
numbers understate a real server's; the ratio is the point.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from datasette.utils import detect_fts

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_BIN = Path(sys.executable).parent
SEARCH_TERMS = ["儿童", "培训", "受害人", "合作", "缔约国", "技术援助"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_built(root: Path) -> Path:
    db = root / "build" / "wgtip.sqlite"
    if not db.is_file():
        subprocess.run([str(VENV_BIN / "wgtip"), "build", "--root", str(root)], check=True, stdout=subprocess.DEVNULL)
    return db


def search_paths(db: Path) -> tuple[str, str, str]:
    """How each server is asked to search: (project path, plain path, description), with {q} for the term.

    The project's site answers ``/wgtip/provisions?_search=`` from its derived
    FTS5 table ``provisions_search`` (its plugin maps the search and escapes
    Chinese terms); a plain Datasette can only search that FTS table itself.
    Without any index, both run the same ``text__contains`` scan."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if detect_fts(con, "provisions"):
            return "/wgtip/provisions?_search={q}", "/wgtip/provisions?_search={q}", "full-text (_search on provisions)"
        if detect_fts(con, "provisions_search"):
            return ("/wgtip/provisions?_search={q}", "/wgtip/provisions_search?_search={q}",
                    "full-text: the project's provisions?_search= vs plain Datasette's provisions_search?_search= (same FTS5 table)")
    finally:
        con.close()
    return "/wgtip/provisions?text__contains={q}", "/wgtip/provisions?text__contains={q}", "a text__contains scan (no FTS index in this build)"


def url_mix(db: Path, seed: int, search: str) -> list[tuple[str, str]]:
    """(kind, path) pairs, the same seeded mix for both servers (only the search path differs)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [r[0] for r in con.execute("SELECT provision_id FROM provisions ORDER BY provision_id")]
    meetings = [r[0] for r in con.execute("SELECT meeting FROM meetings ORDER BY meeting")]
    con.close()
    rng = random.Random(seed)
    mix: list[tuple[str, str]] = []
    for _ in range(200):
        mix.append(("table", "/wgtip/provisions" if rng.random() < 0.5 else f"/wgtip/provisions?meeting={rng.choice(meetings)}"))
        mix.append(("row", f"/wgtip/provisions/{quote(rng.choice(ids))}"))
        mix.append(("search", search.format(q=quote(rng.choice(SEARCH_TERMS)))))
    rng.shuffle(mix)
    return mix


def start(cmd: list[str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"error: {' '.join(cmd)} exited: {proc.stderr.read().decode(errors='replace')[-1500:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(proc)
    raise SystemExit(f"error: {' '.join(cmd)} did not answer within 120 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the server and nothing else
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


async def hammer(base: str, mix: list[tuple[str, str]], clients: int, seconds: float) -> dict:
    samples: dict[str, list[float]] = {}
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        async def worker(k: int) -> None:
            i = k * 7
            while time.monotonic() < deadline:
                kind, path = mix[i % len(mix)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    if not ok:
                        errors.append(f"{r.status_code} {path}")
                except httpx.HTTPError as exc:
                    ok = False
                    errors.append(f"{type(exc).__name__} {path}")
                if ok:
                    samples.setdefault(kind, []).append(time.perf_counter() - t0)

        t0 = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.monotonic() - t0
    return summarise(samples, errors, elapsed)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000 if xs else float("nan")


def summarise(samples: dict[str, list[float]], errors: list[str], elapsed: float) -> dict:
    every = [x for xs in samples.values() for x in xs]
    out = {
        "seconds": round(elapsed, 1), "requests": len(every) + len(errors), "errors": len(errors), "error_examples": errors[:5],
        "throughput_rps": round(len(every) / elapsed, 1),
        "all": {"p50_ms": round(pct(every, 50), 1), "p95_ms": round(pct(every, 95), 1), "p99_ms": round(pct(every, 99), 1)},
    }
    for kind, xs in sorted(samples.items()):
        out[kind] = {"n": len(xs), "p50_ms": round(pct(xs, 50), 1), "p95_ms": round(pct(xs, 95), 1), "p99_ms": round(pct(xs, 99), 1), "mean_ms": round(statistics.mean(xs) * 1000, 1)}
    return out


def measure(name: str, cmd: list[str], port: int, mix: list[tuple[str, str]], clients: int, seconds: float) -> dict:
    proc = start(cmd, port)
    try:
        asyncio.run(hammer(f"http://127.0.0.1:{port}", mix[:20], min(4, clients), 2))  # warm-up, not counted
        result = asyncio.run(hammer(f"http://127.0.0.1:{port}", mix, clients, seconds))
    finally:
        stop(proc)
    result["server"] = name
    result["command"] = " ".join(cmd)
    print(f"{name:>8}: {result['throughput_rps']:8.1f} req/s  p50 {result['all']['p50_ms']:7.1f} ms  p95 {result['all']['p95_ms']:7.1f} ms  "
          f"p99 {result['all']['p99_ms']:7.1f} ms  errors {result['errors']}", flush=True)
    return result


def markdown(report: dict) -> str:
    p, d = report["project"], report["plain"]
    lines = [
        f"# Datasette under load: {report['label']}", "",
        f"{report['when']} · {report['machine']} · database {report['database']} ({report['database_mb']} MB, {report['provisions']:,} provisions) · "
        f"{report['clients']} concurrent clients, {report['seconds']} s per server · search is {report['search']}", "",
        f"Command: `{report['command']}`", "",
        "| server | req/s | p50 ms | p95 ms | p99 ms | errors | table p95 | row p95 | search p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in (p, d):
        lines.append(f"| {r['server']} | {r['throughput_rps']} | {r['all']['p50_ms']} | {r['all']['p95_ms']} | {r['all']['p99_ms']} | {r['errors']} | "
                     f"{r.get('table', {}).get('p95_ms', '–')} | {r.get('row', {}).get('p95_ms', '–')} | {r.get('search', {}).get('p95_ms', '–')} |")
    lines += ["", f"Ratio project/plain: throughput **{report['ratio']['throughput']}×**, p95 latency **{report['ratio']['p95']}×**.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="The served site vs a plain Datasette, under concurrent load.")
    ap.add_argument("--root", type=Path, default=REPO, help="repository (or generated log) whose build is served (default: this repository)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--label", default="latest")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    db = ensure_built(root)
    project_search, plain_search, search = search_paths(db)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    provisions = con.execute("SELECT count(*) FROM provisions").fetchone()[0]
    con.close()
    port = free_port()
    project = measure("project", [str(VENV_BIN / "wgtip"), "serve", "--root", str(root), "--port", str(port)], port,
                      url_mix(db, args.seed, project_search), args.clients, args.seconds)
    port = free_port()
    plain = measure("plain", [str(VENV_BIN / "datasette"), "serve", "--immutable", str(db), "--port", str(port)], port,
                    url_mix(db, args.seed, plain_search), args.clients, args.seconds)
    from run import machine  # same description as the build benchmark

    m = machine()
    report = {
        "label": args.label, "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, SQLite {m['sqlite']}, code at {m['commit']}",
        "database": str(db.relative_to(REPO)) if db.is_relative_to(REPO) else str(db), "database_mb": round(db.stat().st_size / 1e6, 1),
        "provisions": provisions, "search": search, "clients": args.clients, "seconds": args.seconds,
        "project": project, "plain": plain,
        "ratio": {"throughput": round(project["throughput_rps"] / plain["throughput_rps"], 2), "p95": round(project["all"]["p95_ms"] / plain["all"]["p95_ms"], 2)},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"load-{args.label}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.out / f"load-{args.label}.md").write_text(markdown(report))
    print(f"ratio project/plain: throughput {report['ratio']['throughput']}x, p95 {report['ratio']['p95']}x; wrote {args.out / ('load-' + args.label + '.md')}")
    if project["errors"]:  # zero expected of this project's site; a plain Datasette's errors are what it is compared with
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
