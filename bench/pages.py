"""Every page the site offers, one request at a time: which are slow on a big build.

    .venv/bin/python bench/pages.py                                # the repository's own build
    .venv/bin/python bench/pages.py --root bench/work/e100000      # a generated log's build

``bench/load.py`` measures a fixed mix of pages under load (the provisions
table, its row pages, search). This one starts ``wgtip serve --root ROOT``
and requests, three times each, every page a visitor can reach from the
home page without typing: each table and view of the database (from
Datasette's own ``/wgtip.json``, hidden tables left out), every canned query
(with the parameters the home page's links give it, else ``SAMPLE_PARAMS``),
each link on the home page (its examples), and the row pages of a provision and
an event from the middle of their tables. It reports the median time and
the status of each, sorted slowest first, to bench/results/pages-<label>.json
and .md, and exits non-zero if any page answered other than 200.

A page over the site's SQL time limit is not an error to Datasette: the query
that ran out of time is left out (a table's count, a facet), so the page is
still 200 and slow. The time is what shows it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import statistics
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from wgtip.site.metadata import DATABASE

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from load import VENV_BIN, ensure_built, free_port, start, stop  # noqa: E402

SAMPLE_PARAMS = {"q": "儿童"}
"""Values for canned-query parameters that no link on the home page gives."""
NAMED_PARAMETER = re.compile(r"(?<!:):([A-Za-z0-9_]+)")
"""How Datasette finds a canned query's parameters in its SQL (``:name``; ``::`` is a cast)."""
REPEAT = 3


def home_links(client: httpx.Client) -> list[str]:
    """Links on the home page into the database (its examples), in page order."""
    html = client.get("/").text
    out = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = unescape(href)
        if href.startswith(f"/{DATABASE}/") and href not in out:
            out.append(href)
    return out


def site_pages(client: httpx.Client, db: Path) -> list[tuple[str, str]]:
    """(kind, path) of every page to time, without duplicates."""
    info = client.get(f"/{DATABASE}.json").json()
    links = home_links(client)
    pages: list[tuple[str, str]] = [("home link", p) for p in links]
    pages += [("table", f"/{DATABASE}/{quote(t['name'])}") for t in info["tables"] if not t["hidden"]]
    pages += [("view", f"/{DATABASE}/{quote(v['name'] if isinstance(v, dict) else v)}") for v in info.get("views", [])]
    linked = {urlsplit(p).path: p for p in links}
    for q in info.get("queries", []):
        path = f"/{DATABASE}/{quote(q['name'])}"
        if path in linked:
            continue
        params = {p: SAMPLE_PARAMS[p] for p in dict.fromkeys(NAMED_PARAMETER.findall(q["sql"])) if p in SAMPLE_PARAMS}
        pages.append(("canned query", path + ("?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()) if params else "")))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for table, key in (("provisions", "provision_id"), ("events", "seq")):
            n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            middle = con.execute(f"SELECT {key} FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?", (n // 2,)).fetchone()
            if middle:
                pages.append(("row", f"/{DATABASE}/{table}/{quote(str(middle[0]))}"))
    finally:
        con.close()
    seen: set[str] = set()
    return [(k, p) for k, p in pages if not (p in seen or seen.add(p))]


def time_page(client: httpx.Client, path: str) -> dict:
    times, status = [], None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        status = r.status_code
    return {"status": status, "median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


def markdown(report: dict) -> str:
    lines = [
        f"# Every page of the site, one request at a time: {report['label']}",
        "",
        f"{report['when']} · {report['machine']} · database {report['database']} ({report['database_mb']} MB, "
        f"{report['provisions']:,} provisions) · median of {REPEAT} requests · SQL time limit {report['sql_time_limit_ms']} ms",
        "",
        f"Command: `{report['command']}`",
        "",
        "| page | kind | status | median ms | max ms |",
        "|---|---|---:|---:|---:|",
    ]
    for p in report["pages"]:
        lines.append(f"| `{p['path']}` | {p['kind']} | {p['status']} | {p['median_ms']} | {p['max_ms']} |")
    slow = [p for p in report["pages"] if p["median_ms"] > report["sql_time_limit_ms"]]
    lines += ["", f"{len(report['pages'])} pages; {len(slow)} took longer than the SQL time limit; {sum(p['status'] != 200 for p in report['pages'])} answered other than 200.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Time every page of the served site, one request at a time.")
    ap.add_argument("--root", type=Path, default=REPO, help="repository (or generated log) whose build is served (default: this repository)")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--label", default="latest")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    db = ensure_built(root)
    port = free_port()
    proc = start([str(VENV_BIN / "wgtip"), "serve", "--root", str(root), "--port", str(port)], port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            limit = client.get("/-/settings.json").json()["sql_time_limit_ms"]
            pages = [{"kind": kind, "path": path, **time_page(client, path)} for kind, path in site_pages(client, db)]
    finally:
        stop(proc)
    pages.sort(key=lambda p: -p["median_ms"])
    from run import machine  # same description as the build benchmark

    m = machine()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    provisions = con.execute("SELECT count(*) FROM provisions").fetchone()[0]
    con.close()
    report = {
        "label": args.label,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/pages.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, SQLite {m['sqlite']}, code at {m['commit']}",
        "database": str(db.relative_to(REPO)) if db.is_relative_to(REPO) else str(db),
        "database_mb": round(db.stat().st_size / 1e6, 1),
        "provisions": provisions,
        "sql_time_limit_ms": limit,
        "pages": pages,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"pages-{args.label}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.out / f"pages-{args.label}.md").write_text(markdown(report))
    for p in pages:
        print(f"{p['median_ms']:9.1f} ms  {p['status']}  {p['kind']:<12} {p['path']}")
    print(f"wrote {args.out / ('pages-' + args.label + '.md')}")
    if any(p["status"] != 200 for p in pages):
        sys.exit(1)


if __name__ == "__main__":
    main()
