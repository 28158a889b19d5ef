"""The scale benchmark: full build vs the DuckDB floor, at growing log sizes.

    .venv/bin/python bench/run.py                      # 10^3 .. 10^6 events, results in bench/results/
    .venv/bin/python bench/run.py --sizes 1000,10000 --label quick

For each size it generates a log (bench/generate.py, cached under
bench/work/e<size>/), then, in the same run and alternating, measures
``repeat`` times each:
- the build: ``python -m wgtip build --root DIR`` (every output: CSV +
  datapackage.json, SQLite, DuckDB), from scratch (outputs removed first);
- the floor: ``bench/floor.py`` (DuckDB reads the same segment files and
  writes the same CSV files).
Each runs in its own subprocess; wall time from the clock around it, CPU
time from ``os.wait4`` for that very process (with the children it waited for), and peak memory
as the largest sum of resident memory over the process tree, sampled every 50 ms.
Medians are reported, with ratio build/floor and the growth from one size
to the next as cost per event relative to the previous size (1.0 = linear).

Results go to ``bench/results/<label>.json`` and ``<label>.md`` with a
description of the machine. Not part of the test suite: timings belong in
benchmarks with a floor measured alongside, not in timed tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
SEED = 7


def machine() -> dict:
    import duckdb
    import pydantic

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration):
        mem_kb = 0
    # WGTIP_BENCH_COMMIT: for measuring an exported copy of an older commit (no .git there)
    commit = os.environ.get("WGTIP_BENCH_COMMIT") or subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = not os.environ.get("WGTIP_BENCH_COMMIT") and bool(subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True, text=True).stdout.strip())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "sqlite": sqlite3.sqlite_version,
        "pydantic": pydantic.__version__,
        "commit": commit + ("+dirty" if dirty else ""),
    }


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, summed (shared pages counted in each:
    an overestimate, never an under-), in MiB (2^20 bytes; the results' ``peak_mb`` keys keep their
    first name). The build runs a second process, the SQLite writer."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        with contextlib.suppress(OSError):  # the process ended since /proc was listed
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total / 2**20


PAGE = os.sysconf("SC_PAGE_SIZE")


def run_once(cmd: list[str]) -> dict:
    """Measure one subprocess: wall time from the clock; CPU time from ``os.wait4`` on its pid (its own
    threads and the children it waited for, such as the SQLite writer); peak memory as the largest
    sum of resident memory over it and its descendants, sampled every 50 ms, or its own max RSS
    from ``os.wait4`` if that is larger (a peak between two samples)."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(
        cmd[0],
        cmd,
        dict(os.environ),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        ],
    )
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"error: {' '.join(cmd)} exited with {os.waitstatus_to_exitcode(status)}")
    own = usage.ru_maxrss / 1024
    return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "peak_mb": round(max(own, peak[0]), 1), "max_rss_mb": round(own, 1)}


def log_dir(work: Path, size: int) -> Path:
    d = work / f"e{size}"
    stamp = d / ".generated"
    # the log's release events record the hashes of the data the build makes: a log generated by
    # other code may no longer verify (as when the citation of meetings past the twelfth changed)
    want = f"events={size} seed={SEED} generator={hash_file(HERE / 'generate.py')} build={hash_tree(REPO / 'src' / 'wgtip')}"
    if stamp.is_file() and stamp.read_text() == want:
        return d
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    subprocess.run([PY, str(HERE / "generate.py"), "--events", str(size), "--out", str(d), "--seed", str(SEED)], check=True)
    stamp.write_text(want)
    return d


def line_count(p: Path) -> int:
    with open(p, encoding="utf-8") as f:
        return sum(1 for _ in f)


def hash_file(p: Path) -> str:
    import hashlib

    return hashlib.sha256(p.read_bytes()).hexdigest()[:12]


def hash_tree(root: Path) -> str:
    """One hash of every Python file under ``root`` (paths and contents, in path order)."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def clean_outputs(d: Path) -> None:
    for name in ("build", "data", "floor"):
        shutil.rmtree(d / name, ignore_errors=True)
    (d / "datapackage.json").unlink(missing_ok=True)


def bench_size(work: Path, size: int, repeat: int) -> dict:
    d = log_dir(work, size)
    log_bytes = sum(p.stat().st_size for p in (d / "events").rglob("*.jsonl"))
    builds, floors = [], []
    for _ in range(repeat):
        clean_outputs(d)
        floors.append(run_once([PY, str(HERE / "floor.py"), str(d), str(d / "floor")]))
        clean_outputs(d)
        builds.append(run_once([PY, "-m", "wgtip", "build", "--root", str(d)]))
    rows = {p.stem: line_count(p) - 1 for p in sorted((d / "data").glob("*.csv"))}
    clean_outputs(d)
    med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
    b = {k: med(builds, k) for k in ("wall_s", "cpu_s", "peak_mb")}
    f = {k: med(floors, k) for k in ("wall_s", "cpu_s", "peak_mb")}
    return {
        "events": size,
        "log_mb": round(log_bytes / 1e6, 1),
        "rows": rows,
        "repeat": repeat,
        "build": b,
        "floor": f,
        "ratio": round(b["wall_s"] / f["wall_s"], 2),
        "build_runs": builds,
        "floor_runs": floors,
    }


def growth(results: list[dict]) -> None:
    """Cost per event relative to the previous size: 1.0 is linear, above is worse."""
    for prev, cur in zip(results, results[1:], strict=False):
        n = cur["events"] / prev["events"]
        cur["growth"] = {
            "build_wall": round(cur["build"]["wall_s"] / prev["build"]["wall_s"] / n, 2),
            "floor_wall": round(cur["floor"]["wall_s"] / prev["floor"]["wall_s"] / n, 2),
            "build_peak_mb_x": round(cur["build"]["peak_mb"] / prev["build"]["peak_mb"], 2),
        }


def heading(report: dict, title: str) -> list[str]:
    """A results file's first lines: what, when, on which machine, by which command."""
    m = report["machine"]
    return [
        f"# {title}: {report['label']}",
        "",
        f"{report['when']} · {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM · Python {m['python']}, DuckDB {m['duckdb']}, SQLite {m['sqlite']}, pydantic {m['pydantic']} · code at {m['commit']}",
        "",
        f"Command: `{report['command']}`",
        "",
    ]


def markdown(report: dict) -> str:
    lines = heading(report, "Scale benchmark") + [
        "| events | log MB | provisions | build s | build CPU s | build peak MiB | floor s | floor CPU s | floor peak MiB | build/floor (wall) | build/floor (CPU) | growth per event (build) | "
        "growth per event (floor) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        g = r.get("growth", {})
        b, f = r["build"], r["floor"]
        lines.append(
            f"| {r['events']:,} | {r['log_mb']} | {r['rows'].get('provisions', 0):,} | {b['wall_s']:.2f} | {b['cpu_s']:.2f} | {b['peak_mb']:.0f} | "
            f"{f['wall_s']:.2f} | {f['cpu_s']:.2f} | {f['peak_mb']:.0f} | **{r['ratio']:.2f}×** | {b['cpu_s'] / f['cpu_s']:.2f}× | {g.get('build_wall', '–')} | {g.get('floor_wall', '–')} |"
        )
    lines += [
        "",
        "Times are medians of the runs; s = wall clock, CPU s = user + system time of the process and its threads. "
        "Growth = (wall time at this size / wall time at the previous size) / (size ratio): 1.0 is linear.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Full build vs the DuckDB floor, at growing log sizes.")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000", help="comma-separated event counts")
    ap.add_argument("--repeat", type=int, default=0, help="runs per size (default: 3 up to 10^5, 1 above)")
    ap.add_argument("--work", type=Path, default=HERE / "work", help="where generated logs and outputs go (gitignored)")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where results are written")
    ap.add_argument("--label", default="latest", help="name of the results files")
    ap.add_argument("--render", action="store_true", help="only rewrite <label>.md from <label>.json")
    args = ap.parse_args(argv)
    if args.render:
        (args.out / f"{args.label}.md").write_text(markdown(json.loads((args.out / f"{args.label}.json").read_text())))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    report = {
        "label": args.label,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "results": [],
    }
    for size in sizes:
        repeat = args.repeat or (3 if size <= 100_000 else 1)
        r = bench_size(args.work, size, repeat)
        report["results"].append(r)
        growth(report["results"])
        print(
            f"{size:>9,} events: build {r['build']['wall_s']:7.2f} s {r['build']['peak_mb']:6.0f} MiB | "
            f"floor {r['floor']['wall_s']:6.2f} s {r['floor']['peak_mb']:6.0f} MiB | ratio {r['ratio']:.2f}"
            + (f" | growth/event build {r['growth']['build_wall']} floor {r['growth']['floor_wall']}" if "growth" in r else ""),
            flush=True,
        )
        args.out.mkdir(parents=True, exist_ok=True)  # written after every size, so a long run leaves partial results
        (args.out / f"{args.label}.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / f"{args.label}.md").write_text(markdown(report))
    print(f"wrote {args.out / (args.label + '.json')} and .md")


if __name__ == "__main__":
    main()
