"""Datasette under load: this project's served site vs a plain Datasette on the same SQLite file.

    .venv/bin/python bench/load.py                           # the repository's own build, 20 s per server
    .venv/bin/python bench/load.py --root bench/work/e100000 --seconds 20 --clients 32

Starts, one after the other (never both at once: they would share the two
cores), ``wgtip serve --root ROOT`` (the project's configuration: settings,
metadata and plugins as they exist on this branch) and a plain
``datasette serve --immutable ROOT/build/wgtip.sqlite``, interleaved over
``--rounds`` rounds (project, plain, then plain, project, ...: the machine is
shared, and a load that changes during the run then weighs on both alike).
Against each, many concurrent clients (asyncio + httpx) request for a bounded
time a fixed, seeded mix of pages:
- home: the home page;
- table: the provisions table page, and a page filtered by meeting;
- row: a provision's row page (ids sampled from the database);
- search: full-text search when the build has an FTS index (the site's
  ``provisions?_search=``; plain Datasette searches the same FTS5 table
  directly), else a ``text__contains`` filter (a scan) on both.
Then one client alone asks for the home page ``--single`` times (its p50 is
what one reader waits). It reports throughput, p50/p95/p99 latency per page
kind and the errors (any status other than 200, or a failed request), the
ratio project/plain, the server's peak resident memory (VmHWM), and the
machine's load average before and after each phase, to bench/results/load-<label>.json and .md. Zero errors are
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
            return (
                "/wgtip/provisions?_search={q}",
                "/wgtip/provisions_search?_search={q}",
                "full-text: the project's provisions?_search= vs plain Datasette's provisions_search?_search= (same FTS5 table)",
            )
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
        mix.append(("home", "/"))
        mix.append(("table", "/wgtip/provisions" if rng.random() < 0.5 else f"/wgtip/provisions?meeting={rng.choice(meetings)}"))
        mix.append(("row", f"/wgtip/provisions/{quote(rng.choice(ids))}"))
        mix.append(("search", search.format(q=quote(rng.choice(SEARCH_TERMS)))))
    rng.shuffle(mix)
    return mix


def start(cmd: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env)
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


async def hammer(base: str, mix: list[tuple[str, str]], clients: int, seconds: float, limit: int | None = None) -> dict:
    samples: dict[str, list[float]] = {}
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(k: int) -> None:
            i = k * 7
            while time.monotonic() < deadline and (limit is None or i - k * 7 < limit):
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
    return {"samples": samples, "errors": errors, "elapsed": elapsed}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000 if xs else float("nan")


def summarise(samples: dict[str, list[float]], errors: list[str], elapsed: float) -> dict:
    every = [x for xs in samples.values() for x in xs]
    out = {
        "seconds": round(elapsed, 1),
        "requests": len(every) + len(errors),
        "errors": len(errors),
        "error_examples": errors[:5],
        "throughput_rps": round(len(every) / elapsed, 1),
        "all": {"p50_ms": round(pct(every, 50), 1), "p95_ms": round(pct(every, 95), 1), "p99_ms": round(pct(every, 99), 1)},
    }
    for kind, xs in sorted(samples.items()):
        out[kind] = {"n": len(xs), "p50_ms": round(pct(xs, 50), 1), "p95_ms": round(pct(xs, 95), 1), "p99_ms": round(pct(xs, 99), 1), "mean_ms": round(statistics.mean(xs) * 1000, 1)}
    return out


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_phase(cmd: list[str], mix: list[tuple[str, str]], clients: int, seconds: float, single: int, env: dict[str, str] | None = None, warm: bool = False) -> dict:
    """One server started, warmed up (``warm``: every distinct URL of the mix asked once), loaded for ``seconds``, then one
    client on the home page, then stopped."""
    port = free_port()
    cmd = [*cmd, "--port", str(port)]
    proc = start(cmd, port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(hammer(base, mix[:20], min(4, clients), 2))  # warm-up, not counted
        if warm:
            distinct = list(dict.fromkeys(mix))
            asyncio.run(hammer(base, distinct, 1, 3600, limit=len(distinct)))  # one client: each URL exactly once
        before = loadavg()
        loaded = asyncio.run(hammer(base, mix, clients, seconds))
        alone = asyncio.run(hammer(base, [("home", "/")], 1, 3600, limit=single)) if single else None
        after = loadavg()
        rss = peak_rss_mb(proc.pid)
    finally:
        stop(proc)
    return {"loaded": loaded, "alone": alone, "load_average": [before, after], "peak_rss_mb": rss, "command": " ".join(cmd)}


def measure(rounds: list[tuple[str, dict]]) -> dict[str, dict]:
    """Merge each server's phases: samples pooled, time summed."""
    out: dict[str, dict] = {}
    for name, phase in rounds:
        r = out.setdefault(name, {"samples": {}, "errors": [], "elapsed": 0.0, "alone": [], "load_average": [], "peak_rss_mb": 0.0})
        for kind, xs in phase["loaded"]["samples"].items():
            r["samples"].setdefault(kind, []).extend(xs)
        r["errors"] += phase["loaded"]["errors"]
        r["elapsed"] += phase["loaded"]["elapsed"]
        if phase["alone"]:
            r["alone"] += phase["alone"]["samples"].get("home", [])
            r["errors"] += phase["alone"]["errors"]
        r["load_average"].append(phase["load_average"])
        r["peak_rss_mb"] = max(r["peak_rss_mb"], phase["peak_rss_mb"])
        r["command"] = phase["command"]
    results = {}
    for name, r in out.items():
        s = summarise(r["samples"], r["errors"], r["elapsed"])
        s["home_one_client"] = {"n": len(r["alone"]), "p50_ms": round(pct(r["alone"], 50), 1), "p95_ms": round(pct(r["alone"], 95), 1)}
        s.update(server=name, command=r["command"], peak_rss_mb=r["peak_rss_mb"], load_average=r["load_average"])
        print(
            f"{name:>8}: {s['throughput_rps']:8.1f} req/s  p50 {s['all']['p50_ms']:7.1f} ms  p95 {s['all']['p95_ms']:7.1f} ms  "
            f"row p95 {s.get('row', {}).get('p95_ms')} ms  home alone p50 {s['home_one_client']['p50_ms']} ms  "
            f"peak {s['peak_rss_mb']} MiB  errors {s['errors']}",
            flush=True,
        )
        results[name] = s
    return results


def markdown(report: dict) -> str:
    p, d = report["project"], report["plain"]
    lines = [
        f"# Datasette under load: {report['label']}",
        "",
        f"{report['when']} · {report['machine']} · database {report['database']} ({report['database_mb']} MB, {report['provisions']:,} provisions) · "
        f"{report['clients']} concurrent clients, {report['seconds']} s per server in {report['rounds']} interleaved round(s) · "
        + ("each server first answered every distinct URL of the mix once (--warm)" if report.get("warm") else "measured from each server's start (a short warm-up of 20 requests)")
        + f" · search is {report['search']}",
        "",
        f"Command: `{report['command']}`",
        "",
        "| server | req/s | p50 ms | p95 ms | p99 ms | errors | home p95 | table p95 | row p95 | search p95 | home p50, one client | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ([report["before"]] if "before" in report else []) + [p, d]:
        lines.append(
            f"| {r['server']} | {r['throughput_rps']} | {r['all']['p50_ms']} | {r['all']['p95_ms']} | {r['all']['p99_ms']} | {r['errors']} | "
            + " | ".join(str(r.get(k, {}).get("p95_ms", "–")) for k in ("home", "table", "row", "search"))
            + f" | {r['home_one_client']['p50_ms']} | {r['peak_rss_mb']} |"
        )
    ratio = report["ratio"]
    lines += ["", f"Ratio project/plain: throughput **{ratio['throughput']}×**, p95 latency **{ratio['p95']}×**, row p95 **{ratio['row_p95']}×**."]
    if "before" in report:
        b = report["before"]
        lines += [
            "",
            f"Ratio before/plain: throughput **{round(b['throughput_rps'] / d['throughput_rps'], 2)}×**, p95 latency "
            f"**{round(b['all']['p95_ms'] / d['all']['p95_ms'], 2)}×**, row p95 **{round(b['row']['p95_ms'] / d['row']['p95_ms'], 2)}×**.",
        ]
    lines += ["", "Load average (1, 5, 15 min) before and after each phase, in the order run:", ""]
    for name, phases in report["load_average"]:
        lines.append(f"- {name}: {phases[0]} → {phases[1]}")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="The served site vs a plain Datasette, under concurrent load.")
    ap.add_argument("--root", type=Path, default=REPO, help="repository (or generated log) whose build is served (default: this repository)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--label", default="latest")
    ap.add_argument("--rounds", type=int, default=2, help="interleaved rounds per server (the seconds are split among them)")
    ap.add_argument("--before-src", type=Path, help="a src/ directory of other code (e.g. main before a change) to measure as a third server, 'before'")
    ap.add_argument(
        "--warm", action="store_true", help="before measuring, every server answers each distinct URL of the mix once (a server that has run for a while; without it, the first seconds after a start)"
    )
    ap.add_argument("--single", type=int, default=100, help="home page requests by one client alone, per server (split among the rounds)")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    db = ensure_built(root)
    project_search, plain_search, search = search_paths(db)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    provisions = con.execute("SELECT count(*) FROM provisions").fetchone()[0]
    con.close()
    commands = {
        "project": [str(VENV_BIN / "wgtip"), "serve", "--root", str(root)],
        "plain": [str(VENV_BIN / "datasette"), "serve", "--immutable", str(db)],
    }
    mixes = {"project": url_mix(db, args.seed, project_search), "plain": url_mix(db, args.seed, plain_search)}
    envs: dict[str, dict[str, str] | None] = {"project": None, "plain": None}
    names = ["project", "plain"]
    if args.before_src:
        # the same command on another checkout's code (e.g. main's, exported): its src/ first on the path, so `wgtip serve` runs
        # that code, its settings, plugins and templates, on the same build
        commands["before"] = [str(VENV_BIN / "python"), "-m", "wgtip", "serve", "--root", str(root)]
        mixes["before"] = mixes["project"]
        envs["before"] = {**os.environ, "PYTHONPATH": str(args.before_src.resolve())}
        names = ["before", "project", "plain"]
    order = []
    for k in range(args.rounds):  # each server first in turn: none always meets the same moment of a shared machine
        order += names[k % len(names) :] + names[: k % len(names)]
    phases = [(name, run_phase(commands[name], mixes[name], args.clients, args.seconds / args.rounds, args.single // args.rounds, envs[name], args.warm)) for name in order]
    results = measure(phases)
    project, plain = results["project"], results["plain"]
    from run import machine  # same description as the build benchmark

    m = machine()
    report = {
        "label": args.label,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, SQLite {m['sqlite']}, code at {m['commit']}",
        "database": str(db.relative_to(REPO)) if db.is_relative_to(REPO) else str(db),
        "database_mb": round(db.stat().st_size / 1e6, 1),
        "provisions": provisions,
        "search": search,
        "clients": args.clients,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "warm": args.warm,
        "project": project,
        "plain": plain,
        **({"before": results["before"]} if "before" in results else {}),
        "ratio": {
            "throughput": round(project["throughput_rps"] / plain["throughput_rps"], 2),
            "p95": round(project["all"]["p95_ms"] / plain["all"]["p95_ms"], 2),
            "row_p95": round(project["row"]["p95_ms"] / plain["row"]["p95_ms"], 2),
        },
        "load_average": [[name, phase["load_average"]] for name, phase in phases],
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
