"""The set-up of .venv from requirements.lock: pip (the baseline) against uv (what ./dev uses), in the same run.

    .venv/bin/python bench/setup.py [--rounds 2] [--label NAME]

Each round creates two fresh virtual environments with this Python and installs the whole lock
into each, hash-checked and without any cache (``pip --no-cache-dir``; ``uv --no-cache``), pip and
uv in turn (the order alternates between rounds: the machine is shared). uv's own install (pip
installs it from the lock's ``uv`` lines, as ./dev does) is counted in uv's time. Writes
bench/results/setup-<label>.json and .md with the median times and the ratio uv/pip.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def uv_lines(lock: str) -> str:
    """The lock's entry for uv (its name, version and hashes), as ./dev extracts it."""
    out, inside = [], False
    for line in lock.splitlines():
        if line.startswith("uv=="):
            inside = True
        if inside:
            out.append(line)
            if not line.endswith("\\"):
                break
    return "\n".join(out) + "\n"


def run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)


def timed_pip(work: Path) -> float:
    venv = work / "pip"
    run(sys.executable, "-m", "venv", str(venv))
    start = time.perf_counter()
    run(str(venv / "bin/python"), "-m", "pip", "install", "-q", "--no-cache-dir", "--require-hashes", "-r", str(LOCK))
    return time.perf_counter() - start


def timed_uv(work: Path) -> float:
    venv = work / "uv"
    run(sys.executable, "-m", "venv", str(venv))
    (work / "uv.txt").write_text(uv_lines(LOCK.read_text()))
    start = time.perf_counter()
    run(str(venv / "bin/python"), "-m", "pip", "install", "-q", "--no-cache-dir", "--require-hashes", "-r", str(work / "uv.txt"))
    run(str(venv / "bin/uv"), "pip", "install", "-q", "--no-cache", "--python", str(venv / "bin/python"), "--require-hashes", "-r", str(LOCK))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--label", default="uv")
    a = ap.parse_args()
    times: dict[str, list[float]] = {"pip": [], "uv": []}
    for i in range(a.rounds):
        order = (("pip", timed_pip), ("uv", timed_uv)) if i % 2 == 0 else (("uv", timed_uv), ("pip", timed_pip))
        for name, fn in order:
            with tempfile.TemporaryDirectory() as tmp:
                times[name].append(fn(Path(tmp)))
    med = {k: statistics.median(v) for k, v in times.items()}
    result = {"label": a.label, "python": platform.python_version(), "rounds": a.rounds, "seconds": times, "median": med, "ratio_uv_pip": med["uv"] / med["pip"]}
    out = ROOT / "bench/results" / f"setup-{a.label}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    out.with_suffix(".md").write_text(
        f"# Set-up of .venv from requirements.lock: {a.label}\n\n"
        f"Python {platform.python_version()}, {a.rounds} round(s), no cache, hash-checked. Command: `python bench/setup.py --rounds {a.rounds} --label {a.label}`\n\n"
        "| installer | median s | each round s |\n|---|---:|---|\n"
        + "".join(f"| {k} | {med[k]:.1f} | {', '.join(f'{t:.1f}' for t in v)} |\n" for k, v in times.items())
        + f"\nRatio uv/pip: **{result['ratio_uv_pip']:.2f}×**.\n"
    )
    print(out.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
