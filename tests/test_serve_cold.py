"""A cold `wgtip serve`: the site answers as soon as the current build is ready, and serves each release when it is.

The server runs as a reader meets it, a real `wgtip serve` subprocess on a fresh copy of the repository.
The releases are built by the server's child process; the test stops that process (SIGSTOP) as soon as it
appears, so that what the site says while the releases are being built is seen whatever the machine's speed,
then lets it go on (SIGCONT) and sees each release served.
"""

from __future__ import annotations

import html
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import Server, copy_repo, free_port, wait_until_every_release_is_served

from wgtip.log import read_log
from wgtip.paths import release_artefacts
from wgtip.release import releases
from wgtip.site.databases import release_database

pytestmark = pytest.mark.server


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def release_builder(server: subprocess.Popen, timeout: float = 120) -> int:
    """The server's child process that builds the releases, as soon as it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"wgtip serve exited with {server.returncode}")
        for pid in children(server.pid):
            try:
                if b"--releases" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
        time.sleep(0.02)
    raise RuntimeError("the server started no process to build the releases")


def answer_when_listening(server: Server, path: str, timeout: float = 60):
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            return server.get(path)
        except httpx.TransportError:
            if time.monotonic() > deadline or server.proc.poll() is not None:
                raise
            time.sleep(0.1)


@pytest.fixture()
def cold(tmp_path):
    root = copy_repo(tmp_path / "repo")
    port = free_port()
    with open(root / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "wgtip", "serve", "--root", str(root), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        yield Server(root, port, proc)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_cold_server_answers_before_the_releases_are_built_and_serves_each_when_ready(cold):
    versions = [e.data.version for e in releases(read_log(cold.root))]
    assert len(versions) >= 2
    builder = release_builder(cold.proc)
    os.kill(builder, signal.SIGSTOP)
    try:
        home = answer_when_listening(cold, "/")  # the child is started as the server starts, before it listens
        assert home.status_code == 200
        for version in versions:
            # listed, with what is true of it now, and linked to its address (not a dead link)
            assert f'href="/{release_database(version)}">Release {version}</a>' in home.text
        assert home.text.count('class="wgtip-unserved">being built<') == len(versions)
        assert cold.get("/wgtip/provisions.json?_size=1").json()["rows"]  # the current build is served meanwhile

        oldest = release_database(versions[0])
        for path in (f"/{oldest}", f"/{oldest}/provisions", f"/{oldest}/provisions/wgtip-m1-p1"):
            page = cold.get(path)
            assert page.status_code == 503, (path, page.status_code)
            assert page.headers["retry-after"] == "5"
            assert f"Release {versions[0]} is being built" in page.text
        answer = cold.get(f"/{oldest}.json")
        assert answer.status_code == 503 and answer.json()["error"].startswith(f"Release {versions[0]} is being built")
        download = cold.get(f"/{oldest}.db", follow_redirects=True)  # the published file: not there yet, and said so
        assert download.status_code == 503 and "being built" in download.text
        assert cold.get("/no-such-database").status_code == 404  # a page that does not exist still says so
        assert oldest not in {d["name"] for d in cold.get("/-/databases.json").json()}
    finally:
        os.kill(builder, signal.SIGCONT)

    wait_until_every_release_is_served(cold, timeout=300)
    dbs = cold.get("/-/databases.json").json()
    # in the order of a server started with every release built: the current build, then the releases newest first
    assert [d["name"] for d in dbs] == ["wgtip"] + [release_database(v) for v in reversed(versions)]
    assert all(d["is_mutable"] is False and d["path"] == f"build/site/{d['name']}.sqlite" for d in dbs[1:])
    page = cold.get(f"/{oldest}")
    assert page.status_code == 200 and f"release {versions[0]}" in page.text
    # the release's metadata came with it: its tables' descriptions, and its own rows
    meta = cold.get("/-/metadata.json").json()["databases"][oldest]
    assert meta["title"].startswith(f"Release {versions[0]}")
    provisions = cold.get(f"/{oldest}/provisions")
    assert provisions.status_code == 200 and meta["tables"]["provisions"]["description"].split(".")[0] in html.unescape(provisions.text)
    # the release's own data: its rows are those of its published SQLite file
    served = cold.get(f"/{oldest}/releases.json?_shape=array").json()
    with closing(sqlite3.connect(cold.root / f"build/releases/{versions[0]}/{release_artefacts(versions[0])['sqlite']}")) as con:
        published = [r[0] for r in con.execute("select version from releases order by release_order")]
    assert [r["version"] for r in served] == published == versions[:1]
    home = cold.get("/")
    assert "wgtip-unserved" not in home.text
    for version in versions:  # the downloads of every release are listed now
        assert f"/-/downloads/releases/{version}/" in home.text
    assert cold.get(f"/{oldest}.db", follow_redirects=True).status_code == 200

    log = (cold.root / "serve.log").read_text()

    def said(step: str) -> int:
        assert f"wgtip serve: {step}" in log, (step, log)
        return log.index(f"wgtip serve: {step}")

    assert said("building build/ from the log") < said("built build/ in") < said("starting Datasette at http://127.0.0.1:")
    built = []
    for version in reversed(versions):  # newest first; each built, then copied, then served (while the next is built)
        steps = [
            said(f"release {version}: building its artefacts"),
            said(f"release {version}: making its site copy"),
            said(f"serving release {version} at /{release_database(version)}"),
            said("every release is served"),
        ]
        assert steps == sorted(steps)
        built.append(steps[0])
    assert built == sorted(built) and built[0] > said("starting Datasette")
    assert str(cold.root) not in json.dumps(dbs)


def test_a_warm_server_serves_every_release_from_the_start(released, tmp_path):
    """Every release built before the server starts (`wgtip serve --prepare-only`): Datasette opens them all at
    start, and no process is started to build any."""
    import shutil

    root = tmp_path / "warm"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns(".lock"))
    r = subprocess.run([sys.executable, "-m", "wgtip", "serve", "--prepare-only", "--root", str(root)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    port = free_port()
    with open(root / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "wgtip", "serve", "--root", str(root), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        srv = Server(root, port, proc)
        try:
            wait_until_every_release_is_served(srv, timeout=120)
            assert "releases" not in (root / "serve.log").read_text().split("starting Datasette")[1].split("\n")[0]
            assert children(proc.pid) == []
        finally:
            proc.terminate()
            proc.wait(timeout=15)


def test_a_release_that_cannot_be_built_is_said_not_served_and_the_rest_of_the_site_answers(tmp_path):
    """build/releases is a file, so no release's artefacts can be written: the server still serves the current
    build; every release is listed as not served, its pages say it could not be built (503, not a 404), and the
    server's log says why."""
    root = copy_repo(tmp_path / "repo")
    (root / "build").mkdir()
    (root / "build/releases").write_text("not a folder\n")
    versions = [e.data.version for e in releases(read_log(root))]
    with open(root / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "wgtip", "serve", "--root", str(root), "--port", str(free_port())], stdout=log, stderr=subprocess.STDOUT)
        srv = Server(root, int(proc.args[-1]), proc)
        try:
            deadline = time.monotonic() + 300
            while "not served:" not in (root / "serve.log").read_text():
                assert proc.poll() is None and time.monotonic() < deadline, (root / "serve.log").read_text()
                time.sleep(0.2)
            said = (root / "serve.log").read_text()
            assert "wgtip serve: error: " in said and "build/releases" in said
            home = answer_when_listening(srv, "/")
            assert home.status_code == 200 and home.text.count('class="wgtip-unserved">not served<') == len(versions)
            page = srv.get(f"/{release_database(versions[-1])}/provisions")
            assert page.status_code == 503 and f"Release {versions[-1]} could not be built" in page.text
            assert srv.get("/wgtip/provisions.json?_size=1").json()["rows"]
        finally:
            proc.terminate()
            proc.wait(timeout=15)


def test_which_paths_ask_for_a_release_not_served():
    from wgtip.site import running

    saved = dict(running.PENDING), dict(running.FAILED)
    running.PENDING.clear()
    running.FAILED.clear()
    running.PENDING.update({"wgtip-1-2-0": "1.2.0"})
    running.FAILED.update({"wgtip-1-0-0": "1.0.0"})
    try:
        for path in ("/wgtip-1-2-0", "/wgtip-1-2-0.json", "/wgtip-1-2-0.db", "/wgtip-1-2-0/provisions", "/wgtip-1-2-0/provisions/wgtip-m1-p1.json", "/-/downloads/releases/1.2.0/wgtip-1.2.0.sqlite"):
            assert running.waiting_for(path) == ("1.2.0", "pending"), path
        assert running.waiting_for("/wgtip-1-0-0/releases") == ("1.0.0", "failed")
        assert running.waiting_for("/-/downloads/releases/1.0.0/SHA256SUMS") == ("1.0.0", "failed")
        for path in ("/", "/wgtip", "/wgtip/provisions", "/wgtip-1-1-0", "/wgtip-1-2-00", "/-/downloads/releases/1.1.0/x.zip", "/-/downloads/data/provisions.csv", "/x/wgtip-1-2-0"):
            assert running.waiting_for(path) is None, path
        assert not running.settled()
        running.PENDING.clear()
        assert running.settled()  # a failed release is not waited for: what depends on the files is final
    finally:
        running.PENDING.clear()
        running.FAILED.clear()
        running.PENDING.update(saved[0])
        running.FAILED.update(saved[1])


def test_no_page_is_kept_while_a_release_is_being_built():
    """The plugin wgtip_cache around a fake app that counts what reaches it: while a release is being built
    (wgtip.site.running.PENDING) every `GET /` reaches it (the page lists releases still being built); once none
    is, the next is kept."""
    import asyncio
    import importlib.util
    from types import SimpleNamespace

    from wgtip.site import running
    from wgtip.site.serve import PLUGINS_DIR

    spec = importlib.util.spec_from_file_location("wgtip_cache_under_test", PLUGINS_DIR / "wgtip_cache.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": f"page {len(reached)}".encode()})

    datasette = SimpleNamespace(databases={"wgtip": SimpleNamespace(is_mutable=False)})
    wrapped = plugin.asgi_wrapper(datasette)(app)

    def get():
        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "scheme": "http", "path": "/", "query_string": b"", "headers": [(b"host", b"a.example")]}
        asyncio.run(wrapped(scope, receive, send))
        return b"".join(m.get("body", b"") for m in sent[1:])

    saved = dict(running.PENDING)
    running.PENDING.clear()
    running.PENDING["wgtip-1-0-0"] = "1.0.0"
    try:
        assert [get(), get()] == [b"page 1", b"page 2"] and len(reached) == 2
        running.PENDING.clear()
        assert [get(), get(), get()] == [b"page 3", b"page 3", b"page 3"] and len(reached) == 3
    finally:
        running.PENDING.clear()
        running.PENDING.update(saved)
