from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sources" / "000_e7880869daa9b576.txt"


def copy_repo(target: Path) -> Path:
    """A copy of what a build and verify read (log, sources, published schemas, the dataset's identifiers), without any outputs."""
    for name in ("events", "sources", "schema"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy2(ROOT / "identifiers.toml", target / "identifiers.toml")
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A repository copy built once from the committed log."""
    from wgtip.build import build

    root = copy_repo(tmp_path_factory.mktemp("built"))
    build(root)
    return root


@pytest.fixture(scope="session")
def released(tmp_path_factory) -> Path:
    """A repository copy with the artefacts of every release in the log built, then the log as it is now."""
    from wgtip.build import build
    from wgtip.log import read_log
    from wgtip.release import releases

    root = copy_repo(tmp_path_factory.mktemp("released"))
    for event in releases(read_log(root)):
        build(root, release=event.data.version)
    build(root)
    return root


@pytest.fixture()
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo")


class Server:
    """A `wgtip serve` subprocess on a free port, and an HTTP client for it."""

    def __init__(self, root: Path, port: int, proc) -> None:
        self.root, self.port, self.proc = root, port, proc
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path: str, **kw):
        import httpx

        kw.setdefault("timeout", 30)
        return httpx.get(self.url + path, **kw)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def every_release_served(srv: Server) -> bool:
    """Whether the server answers and serves the database of every release its metadata names (it builds those
    not built when it started in the background, wgtip.site.running)."""
    import httpx

    try:
        names = {d["name"] for d in srv.get("/-/databases.json", timeout=5).json()}
        releases = srv.get("/-/metadata.json", timeout=5).json()["plugins"]["wgtip"]["releases"]
    except (httpx.TransportError, ValueError):
        return False
    return set(releases) <= names


def wait_until_every_release_is_served(srv: Server, timeout: float = 300) -> None:
    """Wait for ``every_release_served`` (slow on a loaded machine: the data, each release and its site copy are built)."""
    import time

    deadline = time.monotonic() + timeout
    while not every_release_served(srv):
        if srv.proc.poll() is not None:
            raise RuntimeError(f"wgtip serve exited with {srv.proc.returncode}: {(srv.root / 'serve.log').read_text()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"wgtip serve did not serve every release within {timeout:.0f} s")
        time.sleep(0.3)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`wgtip serve` on a fresh copy of the repository (nothing is built yet), once it serves every release."""
    import subprocess
    import sys

    root = copy_repo(tmp_path_factory.mktemp("site"))
    port = free_port()
    log = open(root / "serve.log", "wb")  # noqa: SIM115 (the server writes to it until teardown, which closes it)
    proc = subprocess.Popen([sys.executable, "-m", "wgtip", "serve", "--root", str(root), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    srv = Server(root, port, proc)
    try:
        wait_until_every_release_is_served(srv)
    except BaseException:
        proc.kill()
        raise
    yield srv
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
