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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`wgtip serve` on a fresh copy of the repository (it builds first: nothing is built yet)."""
    import subprocess
    import sys
    import time

    import httpx

    root = copy_repo(tmp_path_factory.mktemp("site"))
    port = free_port()
    log = open(root / "serve.log", "wb")  # noqa: SIM115 (the server writes to it until teardown, which closes it)
    proc = subprocess.Popen([sys.executable, "-m", "wgtip", "serve", "--root", str(root), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    srv = Server(root, port, proc)
    deadline = time.monotonic() + 300  # it builds the data, the releases and their site copies first: slow on a loaded machine
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"wgtip serve exited with {proc.returncode}: {(root / 'serve.log').read_text()}")
        try:
            if httpx.get(srv.url + "/-/versions.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("wgtip serve did not answer within 300 s")
        time.sleep(0.3)
    yield srv
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
