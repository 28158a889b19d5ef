"""Rebuilding the releases of a generated log: time and peak memory of each, as the log grows.

    .venv/bin/python bench/releases.py                          # 10^5 and 10^6 events
    .venv/bin/python bench/releases.py --sizes 1000 --label quick

``wgtip serve`` builds every release's artefacts (zip, SQLite, DuckDB,
SHA256SUMS) before it serves; ``wgtip build --release V`` rebuilds one. For
each size this lists the log's releases as the site does
(``release.published_versions``, timed in this process), then runs
``python -m wgtip build --release V --root DIR`` for each, from scratch, in
its own process, measured as ``bench/run.py`` measures a build
(``run.run_once``: wall clock, CPU, peak resident memory of the process tree).

A release is the fold of the log up to its event, so its cost should follow
its own events, not the log's size. The generated logs' two releases are
events 361 and 5,109 from 10^4 events on (``bench/generate.py``). Logs come from
``bench/work/e<size>/``, made as ``bench/run.py`` makes them.
Results go to ``bench/results/releases-<label>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
from pathlib import Path

from run import HERE, PY, heading, log_dir, machine, run_once

from wgtip.paths import BUILD_DIR, RELEASES_DIR
from wgtip.release import published_versions


def bench_size(work: Path, size: int) -> dict:
    d = log_dir(work, size)
    t0 = time.perf_counter()
    versions = published_versions(d)
    listing = time.perf_counter() - t0
    shutil.rmtree(d / BUILD_DIR / RELEASES_DIR, ignore_errors=True)
    runs = [{"version": v, **run_once([PY, "-m", "wgtip", "build", "--release", v, "--root", str(d)])} for v in versions]
    shutil.rmtree(d / BUILD_DIR / RELEASES_DIR, ignore_errors=True)
    return {"events": size, "list_s": round(listing, 3), "releases": runs}


def markdown(report: dict) -> str:
    lines = heading(report, "Rebuilding releases") + [
        "| events in the log | listing the releases s | release | wall s | CPU s | peak MiB |",
        "|---:|---:|---|---:|---:|---:|",
    ]
    for r in report["results"]:
        for i, x in enumerate(r["releases"]):
            listing = f"{r['list_s']:.2f}" if i == 0 else ""
            lines.append(f"| {r['events']:,} | {listing} | {x['version']} | {x['wall_s']:.2f} | {x['cpu_s']:.2f} | {x['peak_mb']:.0f} |")
    lines += ["", "Each release built by `python -m wgtip build --release V`, from scratch, once; peak = resident memory of the process tree.", ""]
    if report.get("note"):
        lines += [report["note"], ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Time and memory of rebuilding each release of a generated log.")
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated event counts")
    ap.add_argument("--work", type=Path, default=HERE / "work", help="where generated logs go (gitignored)")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where results are written")
    ap.add_argument("--label", default="latest", help="name of the results files (releases-<label>)")
    args = ap.parse_args(argv)
    report = {
        "label": args.label,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/releases.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "results": [],
    }
    for size in (int(s) for s in args.sizes.split(",")):
        r = bench_size(args.work, size)
        report["results"].append(r)
        for x in r["releases"]:
            print(f"{size:>9,} events: release {x['version']}: {x['wall_s']:7.2f} s {x['cpu_s']:7.2f} s CPU {x['peak_mb']:6.0f} MiB", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"releases-{args.label}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / f"releases-{args.label}.md").write_text(markdown(report))
    print(f"wrote {args.out / ('releases-' + args.label + '.md')}")


if __name__ == "__main__":
    main()
