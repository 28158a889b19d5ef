"""Issue 35: the attacks of a hostile contributor on the log, the build and the site, each made here.

A rewritten history (forked before the last release, or edited early and re-chained, its releases
recomputed with the project's own fold), a dropped or renamed segment, an edited release: the log
alone is consistent again, so ``wgtip verify`` without what was published passes (shown here), but
the checkpoints published outside the log, the signed tags and the append-only check against the
published revision do not. Builds that would wipe the dataset, readers that disagree, outputs left
half swapped. (The bad input of the log itself is in tests/test_bad_input.py's catalogue.)
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import http.server
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo
from helpers import append_raw

LAST_RELEASE = "events/0000/000000254-release-1.1.0.jsonl"
LAST_RELEASE_SEQ = 254


def as_released(root: Path) -> Path:
    """The log as it was when its last release was published (the attacks below are on that release): the events
    recorded since are cut."""
    for path in sorted((root / "events").rglob("*.jsonl")):
        if int(path.name.split("-")[0]) > LAST_RELEASE_SEQ:
            path.unlink()
    return root


@pytest.fixture(scope="module")
def released_log(tmp_path_factory) -> Path:
    """A repository copy whose log ends with its last release, built once (its package and databases)."""
    from wgtip.build import build

    root = as_released(copy_repo(tmp_path_factory.mktemp("released-log")))
    build(root)
    return root


@pytest.fixture()
def repo(released_log: Path, tmp_path: Path) -> Path:
    """The log as released, its package built from it (no build/)."""
    root = tmp_path / "repo"
    shutil.copytree(released_log, root, symlinks=True, ignore=shutil.ignore_patterns("build"))
    return root


MEETING_8 = "events/0000/000000205-meeting-8.jsonl"


def wgtip(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", *args], capture_output=True, text=True, cwd=cwd)


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=check)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The command failed with exactly one line on stderr, that line without its 'error: '."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr[len("error: ") : -1]


def committed_lines(root: Path) -> list[tuple[str, bytes]]:
    """Every committed line with its file, in file order (read here, not through the log reader)."""
    return [(p.relative_to(root).as_posix(), line) for p in sorted((root / "events").rglob("*.jsonl")) for line in p.read_bytes().split(b"\n") if line]


def outputs_of(root: Path) -> dict[str, str]:
    paths = [root / "datapackage.json", *sorted((root / "data").glob("*.csv")), root / "build/wgtip.sqlite", root / "build/wgtip.duckdb", *sorted((root / "build/parquet").glob("*.parquet"))]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


def duckdb_content(path: Path) -> str:
    """A DuckDB file's content as one SHA-256 (its tables' rows, sorted), read with DuckDB itself: the
    file's bytes differ from build to build (DuckDB stores a random database id)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        digest = hashlib.sha256()
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall():
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            digest.update(repr((table, sorted(map(repr, rows)))).encode())
        return digest.hexdigest()
    finally:
        con.close()


def contents_of(root: Path) -> dict[str, str]:
    """``outputs_of``, the DuckDB file by content."""
    out = outputs_of(root)
    if "build/wgtip.duckdb" in out:
        out["build/wgtip.duckdb"] = duckdb_content(root / "build/wgtip.duckdb")
    return out


def with_package(root: Path) -> Path:
    """The committed data package beside the log (what verify checks; build/ stays unbuilt)."""
    if (root / "data").exists():  # ``repo`` has the package of its log already
        return root
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy2(ROOT / "datapackage.json", root / "datapackage.json")
    return root


@pytest.fixture()
def built_copy(released_log, tmp_path) -> Path:
    root = tmp_path / "built"
    shutil.copytree(released_log, root, symlinks=True)
    return root


# --- checkpoints: what was published, computed independently --------------------------


def expected_checkpoints(root: Path) -> list[dict]:
    """Each release's checkpoint, from the committed bytes: the seq and SHA-256 of its line, its
    digest, and the SHA-256 of the sha256sum lines of the segment files up to it."""
    files = sorted((root / "events").rglob("*.jsonl"))
    out = []
    for _, line in committed_lines(root):
        ev = json.loads(line)
        if ev["type"] != "ReleasePublished":
            continue
        listing = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}\n" for p in files if int(p.name[:9]) <= ev["seq"])
        out.append(
            {"version": ev["data"]["version"], "seq": ev["seq"], "head": hashlib.sha256(line).hexdigest(), "digest": ev["data"]["digest"], "segments": hashlib.sha256(listing.encode()).hexdigest()}
        )
    return out


def test_the_checkpoint_file_holds_each_release_head_and_digest(repo):
    result = wgtip("checkpoints", "--root", str(repo))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"format": "wgtip-checkpoints/1", "checkpoints": expected_checkpoints(repo)}
    assert [c["version"] for c in expected_checkpoints(repo)] == ["1.0.0", "1.0.1", "1.1.0"]
    # what release 1.0.1 publishes: the releases up to it; the same bytes every time
    up_to = wgtip("checkpoints", "--root", str(repo), "--release", "1.0.1")
    assert json.loads(up_to.stdout)["checkpoints"] == expected_checkpoints(repo)[:2]
    assert wgtip("checkpoints", "--root", str(repo), "--release", "1.0.1").stdout == up_to.stdout


def test_a_release_publishes_its_checkpoints_as_an_artefact(repo):
    """The function release33's format calls: the file a release adds, by its name."""
    from wgtip.checkpoints import ARTEFACTS, release_files

    files = release_files(repo, "1.0.1")
    assert list(files) == list(ARTEFACTS.values()) == ["checkpoints.json"]
    assert json.loads(files["checkpoints.json"])["checkpoints"] == expected_checkpoints(repo)[:2]


@pytest.fixture()
def published(repo, tmp_path) -> Path:
    """The checkpoints of the committed log, as published with the release (outside the log)."""
    path = tmp_path / "checkpoints.json"
    path.write_text(wgtip("checkpoints", "--root", str(repo)).stdout)
    return path


def rewrite(root: Path, edit) -> None:
    """The attack: every event passed to ``edit`` (which changes some), the log re-chained from
    the first event on, and every release made again with the project's own fold (make_release),
    so the rewritten log is as consistent as the original."""
    from wgtip.events import EVENT_ADAPTER
    from wgtip.log import write_segments
    from wgtip.release import make_release

    segments = [(p.name[10:-6], [json.loads(line) for line in p.read_bytes().splitlines()]) for p in sorted((root / "events").rglob("*.jsonl"))]
    shutil.rmtree(root / "events")
    prev = None
    for slug, events in segments:
        if events[0]["type"] == "ReleasePublished":
            d = events[0]["data"]
            path = make_release(root, d["version"], dt.date.fromisoformat(d["published_on"]), d["notes"], dt.datetime.fromisoformat(events[0]["recorded_at"].replace("Z", "+00:00")))
            prev = hashlib.sha256(path.read_bytes().rstrip(b"\n")).hexdigest()
            continue
        for e in events:
            edit(e)
        [path] = write_segments(root, [(slug, EVENT_ADAPTER.validate_python(e)) for e in events], prev=prev)
        prev = hashlib.sha256(path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]).hexdigest()


def rebuilt_and_verified(root: Path) -> None:
    """The attacker rebuilds the data: the log alone is consistent again, and verify passes."""
    assert wgtip("build", "--root", str(root)).returncode == 0
    plain = wgtip("verify", "--root", str(root))
    assert plain.returncode == 0, plain.stderr


def test_an_early_edit_rechained_and_rereleased_fails_against_the_published_checkpoints(repo, published):
    def venue(e: dict) -> None:
        if e["seq"] == 205:
            e["data"]["venue"] = "日内瓦"

    original_208 = hashlib.sha256(dict(committed_lines(repo))["events/0000/000000208-release-1.0.0.jsonl"]).hexdigest()
    rewrite(repo, venue)
    rebuilt_and_verified(repo)
    now_208 = hashlib.sha256(dict(committed_lines(repo))["events/0000/000000208-release-1.0.0.jsonl"]).hexdigest()
    assert now_208 != original_208
    line = one_line_error(wgtip("verify", "--root", str(repo), "--checkpoints", str(published)))
    assert line == (
        f"{published}: checkpoints.0 (1.0.0): event 208 (events/0000/000000208-release-1.0.0.jsonl:1) has SHA-256 {now_208[:12]}…, "
        f"the published head is {original_208[:12]}…: the log was rewritten after this release was published"
    )


def test_dropping_the_last_release_fails_against_the_published_checkpoints(repo, published):
    (repo / LAST_RELEASE).unlink()
    rebuilt_and_verified(repo)
    line = one_line_error(wgtip("verify", "--root", str(repo), "--checkpoints", str(published)))
    assert line == f"{published}: checkpoints.2 (1.1.0): the log ends at seq 253, before the published release event 254: published events are gone"


def test_a_release_made_again_with_other_notes_fails_against_the_published_checkpoints(repo, published):
    """Forked before the last release, dropped, released again with the project's own fold."""
    from wgtip.release import make_release

    old = json.loads((repo / LAST_RELEASE).read_bytes())
    (repo / LAST_RELEASE).unlink()
    make_release(repo, "1.1.0", dt.date.fromisoformat(old["data"]["published_on"]), old["data"]["notes"] + " (and nothing else)", dt.datetime.fromisoformat(old["recorded_at"].replace("Z", "+00:00")))
    line = one_line_error(wgtip("verify", "--root", str(repo), "--checkpoints", str(published)))
    assert line.startswith(f"{published}: checkpoints.2 (1.1.0): event 254 ({LAST_RELEASE}:1) has SHA-256 "), line
    assert line.endswith("the log was rewritten after this release was published")


def test_editing_the_notes_of_the_last_release_fails_against_the_published_checkpoints(repo, published):
    path = repo / LAST_RELEASE
    ev = json.loads(path.read_bytes())
    ev["data"]["notes"] += "（已改）"
    path.write_bytes(json.dumps(ev, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    line = one_line_error(wgtip("verify", "--root", str(repo), "--checkpoints", str(published)))
    assert line.startswith(f"{published}: checkpoints.2 (1.1.0): event 254 ({LAST_RELEASE}:1) has SHA-256 "), line


def test_a_renamed_segment_fails_against_the_published_checkpoints(repo, published):
    (repo / MEETING_8).rename(repo / "events/0000/000000205-meeting-eight.jsonl")
    line = one_line_error(wgtip("verify", "--root", str(repo), "--checkpoints", str(published)))
    assert line == (f"{published}: checkpoints.0 (1.0.0): the segment files up to seq 208 differ from those published (a segment renamed, split, merged or moved)")


def test_the_published_log_verifies_against_its_checkpoints_by_file_and_by_url(built_copy, published):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(published.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{published.name}"
    try:
        result = wgtip("verify", "--root", str(built_copy), "--checkpoints", str(published), "--checkpoints", url)
        assert result.returncode == 0, result.stderr
        assert "published checkpoints" in result.stdout.splitlines()[2]
        (built_copy / LAST_RELEASE).unlink()
        assert wgtip("build", "--root", str(built_copy)).returncode == 0
        line = one_line_error(wgtip("verify", "--root", str(built_copy), "--checkpoints", url))
        assert line.startswith(f"{url}: checkpoints.2 (1.1.0): the log ends at seq 253"), line
        missing = one_line_error(wgtip("verify", "--root", str(built_copy), "--checkpoints", url + ".nope"))
        assert missing == f"{url}.nope: (checkpoints): could not fetch: HTTP 404 File not found"
    finally:
        server.shutdown()


def test_a_checkpoint_file_that_is_not_one_is_named(repo, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "wgtip-checkpoints/1", "checkpoints": [{"version": "1.0.0", "seq": 208, "head": "x"}]}))
    line = one_line_error(wgtip("verify", "--root", str(repo), "--checkpoints", str(bad)))
    assert line == f"{bad}: checkpoints.0.head: String should match pattern '^[0-9a-f]{{64}}$' (got 'x')"


# --- signed tags, with a throwaway SSH key -------------------------------------------


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text().strip()


@pytest.fixture()
def tagged(repo, tmp_path) -> tuple[Path, Path, Path]:
    """A git repository of the log with an allowed_signers file naming one throwaway key; the other key is not allowed."""
    with_package(repo)
    good, good_pub = ssh_key(tmp_path, "release-key")
    bad, _ = ssh_key(tmp_path, "other-key")
    (repo / "allowed_signers").write_text("# keys allowed to sign release tags\nrelease@example.org " + " ".join(good_pub.split()[:2]) + "\n")
    git(repo, "init", "-q", "-b", "main")
    for k, v in {"user.email": "release@example.org", "user.name": "release", "gpg.format": "ssh", "tag.gpgSign": "false"}.items():
        git(repo, "config", k, v)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "log")
    return repo, good, bad


def sign_tag(root: Path, key: Path, version: str, message: str | None = None) -> None:
    text = message if message is not None else wgtip("checkpoints", "--root", str(root), "--tag-message", version).stdout
    (root.parent / "message.txt").write_text(text)
    git(root, "-c", f"user.signingkey={key}", "tag", "-s", "-F", str(root.parent / "message.txt"), f"v{version}")


def test_signed_tags_verify_against_allowed_signers(tagged):
    root, good, _ = tagged
    sign_tag(root, good, "1.1.0")
    result = wgtip("verify", "--root", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "signed release tags" in lines[2]
    assert lines[3:] == ["  not checked: release tags not here (fetch the tags to check them): v1.0.0, v1.0.1", "  not checked: build/: not built here"]


def test_a_tag_signed_by_another_key_fails(tagged):
    root, _, other = tagged
    sign_tag(root, other, "1.1.0")
    line = one_line_error(wgtip("verify", "--root", str(root)))
    assert line.startswith("refs/tags/v1.1.0: (signature): not signed by a key of allowed_signers: "), line


def test_an_unsigned_or_lightweight_tag_fails(tagged):
    root, _, _ = tagged
    git(root, "tag", "-a", "-m", "unsigned", "v1.0.0")
    assert one_line_error(wgtip("verify", "--root", str(root))).startswith("refs/tags/v1.0.0: (signature): not signed by a key of allowed_signers: ")
    git(root, "tag", "-d", "v1.0.0")
    git(root, "tag", "v1.0.0")
    assert one_line_error(wgtip("verify", "--root", str(root))) == "refs/tags/v1.0.0: (tag): a lightweight tag, not an annotated tag signed by a key of allowed_signers"


def test_a_signed_tag_of_the_published_log_fails_after_a_rewrite(tagged):
    """The release was tagged and signed; the history is then forked before it and released again."""
    from wgtip.release import make_release

    root, good, _ = tagged
    sign_tag(root, good, "1.1.0")
    published = json.loads(wgtip("checkpoints", "--root", str(root)).stdout)["checkpoints"][2]
    old = json.loads((root / LAST_RELEASE).read_bytes())
    (root / LAST_RELEASE).unlink()
    make_release(root, "1.1.0", dt.date.fromisoformat(old["data"]["published_on"]), "other notes", dt.datetime.fromisoformat(old["recorded_at"].replace("Z", "+00:00")))
    git(root, "add", "-A")
    git(root, "commit", "-q", "--amend", "-m", "log")
    line = one_line_error(wgtip("verify", "--root", str(root)))
    assert line.startswith(f"refs/tags/v1.1.0: checkpoint.head: the signed tag says {published['head'][:16]}, the local log "), line


def test_no_key_yet_is_said_not_passed_over(repo):
    with_package(repo)
    shutil.copy2(ROOT / "allowed_signers", repo / "allowed_signers")
    result = wgtip("verify", "--root", str(repo))
    assert result.returncode == 0, result.stderr
    assert "  not checked: release tags: allowed_signers lists no key yet" in result.stdout.splitlines()


# --- builds that would wipe the dataset ----------------------------------------------


def test_a_build_outside_a_dataset_writes_nothing(tmp_path):
    empty = tmp_path / "not-a-dataset"
    empty.mkdir()
    line = one_line_error(wgtip("build", cwd=empty))
    assert line == "events/: (folder): missing: this is not a dataset folder (run wgtip in the dataset's repository, or name it with --root)"
    assert list(empty.iterdir()) == []


def test_the_dataset_root_is_found_by_walking_up(built_copy):
    before, built_at = outputs_of(built_copy), (built_copy / "build/wgtip.sqlite").stat().st_mtime_ns
    result = wgtip("build", cwd=built_copy / "sources")
    assert result.returncode == 0, result.stderr
    assert (built_copy / "build/wgtip.sqlite").stat().st_mtime_ns != built_at  # built again, in the dataset's root
    after = outputs_of(built_copy)
    del before["build/wgtip.duckdb"], after["build/wgtip.duckdb"]  # never byte-identical (a random database id)
    assert after == before
    assert sorted(p.name for p in (built_copy / "sources").iterdir()) == sorted(p.name for p in (ROOT / "sources").iterdir())


@pytest.mark.parametrize("command", ["build", "verify", "cite"])
def test_a_missing_root_is_one_line(tmp_path, command):
    assert one_line_error(wgtip(command, "--root", str(tmp_path / "nowhere"))) == f"--root {tmp_path / 'nowhere'}: no such folder"


# --- one reader ------------------------------------------------------------------------

COMMANDS = {
    "build": ["build"],
    "build --release": ["build", "--release", "1.1.0"],
    "verify": ["verify"],
    "cite": ["cite"],
    "serve": ["serve", "--prepare-only"],
    "diff": ["diff", "1.0.0", "1.1.0"],
    "release": ["release", "9.9.9", "--date", "2027-01-01", "--notes", "x", "--recorded-at", "2027-01-01T00:00:00Z"],
    "annotate": ["annotate", "--recorded-at", "2027-01-01T00:00:00Z"],
    "correct": ["correct", "wgtip-m8-p1", "--find", "缔约国", "--replace", "各国", "--reason", "x", "--by", "x", "--date", "2027-01-01", "--recorded-at", "2027-01-01T00:00:00Z"],
    "anomalies": ["anomalies"],
    "checkpoints": ["checkpoints"],
}


@pytest.fixture(scope="module")
def escaped_type_log(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The committed log with the last release's type spelled Release\\u0050ublished (a raw byte
    scan misses it, a decoder does not), with every output built from the log before."""
    from wgtip.build import build

    root = as_released(copy_repo(tmp_path_factory.mktemp("escaped")))
    build(root)
    path = root / LAST_RELEASE
    raw = path.read_bytes()
    assert raw.count(b'"type":"ReleasePublished"') == 1
    path.write_bytes(raw.replace(b'"type":"ReleasePublished"', b'"type":"Release\\u0050ublished"'))
    return root, outputs_of(root)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_reads_the_escaped_type_as_the_build_does(escaped_type_log, command):
    root, before = escaped_type_log
    text = (root / LAST_RELEASE).read_bytes().decode()
    at = text.index("\\u0050")
    shown, compact = text[at : at + 10], text.replace("\\u0050", "P")[at : at + 10]  # ten characters of each, from where they differ
    line = one_line_error(wgtip(*COMMANDS[command], "--root", str(root)))
    assert line == (
        f"{LAST_RELEASE}:1: (line): not written as compact JSON at character {at + 1} ({shown!r} where compact JSON has {compact!r}): "
        "an event is written one way only (no spaces between tokens, no needless escapes), so that every reader sees the same bytes; write events with wgtip"
    )
    assert outputs_of(root) == before
    assert [p.name for p in (root / "events/0000").iterdir() if int(p.name[:9]) > 254] == [], "nothing was appended"


def test_the_releases_a_command_lists_are_those_the_build_folds(repo):
    """cite and the site list releases through the log's one decoder: a broken line that could be a
    release (its type's name, or any \\u escape) stops them as it stops the build. (A broken line
    that cannot be one is left to the fold that reads it: test_streamed_commands.)"""
    from wgtip.release import published_versions

    assert published_versions(repo) == [json.loads(line)["data"]["version"] for _, line in committed_lines(repo) if json.loads(line)["type"] == "ReleasePublished"]
    for broken in (b'{"type":"ReleasePublished",\n', b'{"seq":255,"type":"Rel\\u0065asePublished"}\n'):
        append_raw(repo, "000000255-broken.jsonl", broken)
        build, cite = wgtip("build", "--root", str(repo)), wgtip("cite", "--root", str(repo))
        assert one_line_error(cite) == one_line_error(build)
        assert one_line_error(cite).startswith("events/0000/000000255-broken.jsonl:1: (line): ")


# --- outputs that are always whole -----------------------------------------------------


def test_a_second_build_fails_at_once_while_one_holds_the_lock(built_copy):
    before = outputs_of(built_copy)
    with open(built_copy / "build/.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it: its process id in place of the last holder's
        fh.truncate(0)
        fh.write("4242\n")
        fh.flush()
        for command in (["build"], ["verify"], ["serve", "--prepare-only"]):
            line = one_line_error(wgtip(*command, "--root", str(built_copy)))
            assert line == ("build/.lock: (lock): another wgtip command (process 4242) is building or checking this checkout's outputs; run this one again when it has finished")
    assert outputs_of(built_copy) == before
    assert wgtip("build", "--root", str(built_copy)).returncode == 0  # released with its holder


def test_two_builds_at_once_never_both_write(built_copy):
    """Started together: one builds; the other either fails with the lock's line or runs after it (never interleaved)."""
    procs = [subprocess.Popen([sys.executable, "-m", "wgtip", "build", "--root", str(built_copy)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) in ([0, 0], [0, 1])
    for code, err in results:
        if code == 1:
            assert "build/.lock: (lock): another wgtip command" in err
    assert wgtip("verify", "--root", str(built_copy)).returncode == 0


def test_leftover_scratch_folders_are_removed(built_copy):
    for leftover in ("build/.tmp-killed", "build/releases/.tmp-killed"):
        (built_copy / leftover / "package").mkdir(parents=True)
        (built_copy / leftover / "package" / "half.csv").write_text("half")
    assert wgtip("build", "--root", str(built_copy)).returncode == 0
    assert not [p for p in (built_copy / "build").rglob(".tmp-*")]


def test_verify_checks_build_against_a_fresh_build(built_copy):
    assert wgtip("verify", "--root", str(built_copy)).returncode == 0
    sqlite = built_copy / "build/wgtip.sqlite"
    import sqlite3

    con = sqlite3.connect(sqlite)
    con.execute("UPDATE meetings SET venue = '日内瓦' WHERE meeting = 8")
    con.commit()
    con.close()
    assert one_line_error(wgtip("verify", "--root", str(built_copy))) == "build/wgtip.sqlite: (file): differs from a fresh build of the log (run: wgtip build)"


def test_verify_compares_duckdb_by_content(built_copy):
    import duckdb

    con = duckdb.connect(str(built_copy / "build/wgtip.duckdb"))
    con.execute("UPDATE meetings SET venue = '日内瓦' WHERE meeting = 8")
    con.close()
    assert one_line_error(wgtip("verify", "--root", str(built_copy))) == "build/wgtip.duckdb: meetings: its rows: differs from a fresh build of the log (run: wgtip build)"


def test_verify_names_a_build_half_swapped_by_older_code(built_copy, tmp_path):
    """data/ new, build/ old: the kill the issue describes, without the journal that now completes it."""
    older = tmp_path / "older"
    shutil.copytree(built_copy, older, symlinks=True)
    (older / LAST_RELEASE).unlink()
    assert wgtip("build", "--root", str(older)).returncode == 0
    shutil.copy2(older / "build/wgtip.sqlite", built_copy / "build/wgtip.sqlite")
    assert wgtip("verify", "--root", str(built_copy)).returncode == 1


KILLER = """
import os, signal, sys
from pathlib import Path
from wgtip import swap

root, kill_at = Path(sys.argv[1]), int(sys.argv[2])
calls = [0]
rename = swap._rename

def dying(src, dst):
    calls[0] += 1
    if calls[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    rename(src, dst)

swap._rename = dying
from wgtip.build import build
build(root)
print(calls[0])
"""


def test_a_build_killed_at_every_rename_of_the_swap_leaves_all_old_or_all_new(released_log, tmp_path):
    """A real build, killed (SIGKILL) just before each rename of its swap in turn, then the next
    command (verify, which takes the lock): the outputs are the old ones or the new ones, never a mix."""
    base = tmp_path / "base"
    shutil.copytree(released_log, base, symlinks=True)
    old = contents_of(base)
    changed = tmp_path / "new"
    shutil.copytree(base, changed, symlinks=True)
    (changed / LAST_RELEASE).unlink()  # a log whose build differs in every output
    (base / LAST_RELEASE).unlink()
    assert wgtip("build", "--root", str(changed)).returncode == 0
    new = contents_of(changed)
    assert set(old) == set(new) and all(old[k] != new[k] for k in ("build/wgtip.sqlite", "datapackage.json", "data/events.csv"))
    counted = tmp_path / "counted"
    shutil.copytree(base, counted, symlinks=True)
    run = subprocess.run([sys.executable, "-c", KILLER, str(counted), "0"], capture_output=True, text=True)
    assert run.returncode == 0 and contents_of(counted) == new, run.stderr
    renames = int(run.stdout)
    assert renames == 1 + len(new), "the journal's commit, then one rename per output"
    seen = []
    for kill_at in range(1, renames + 1):
        root = tmp_path / f"kill-{kill_at}"
        shutil.copytree(base, root, symlinks=True)
        run = subprocess.run([sys.executable, "-c", KILLER, str(root), str(kill_at)], capture_output=True, text=True)
        assert run.returncode == -signal.SIGKILL, (kill_at, run.stderr)
        after_kill = contents_of(root)
        recovered = wgtip("verify", "--root", str(root))
        state = contents_of(root)
        assert state in (old, new), f"killed at rename {kill_at}: a mix of old and new outputs"
        if kill_at > 1:  # the journal was committed: the swap is completed, all new
            assert state == new and recovered.returncode == 0, (kill_at, recovered.stderr)
        else:
            assert state == old == after_kill
        assert not (root / "build/.swap.json").exists() and not list((root / "build").glob(".tmp-*"))
        seen.append(after_kill != old and after_kill != new)
    assert any(seen), "some kills did leave a mix on disk before the next command completed the swap"


def test_every_attack_of_the_issue_has_its_test():
    """The list of the report: each attack of issue 35 and where it is made (here or in the catalogue)."""
    from wgtip.reference.bad_input import BY_CASE

    here = {m for p in Path(__file__).parent.glob("test_*.py") for m in re.findall(r"^def (test_\w+)", p.read_text(encoding="utf-8"), re.M)}
    catalogue = set(BY_CASE)
    for test in ATTACKS.values():
        assert test in here or test in catalogue, test


ATTACKS = {
    "rewritten history passes check-append-only": "test_ci_gate_refuses_a_history_forked_before_the_published_head",
    "rewritten history passes verify": "test_an_early_edit_rechained_and_rereleased_fails_against_the_published_checkpoints",
    "renaming a segment passes verify": "test_a_renamed_segment_fails_against_the_published_checkpoints",
    "deleting the last segment passes verify": "test_dropping_the_last_release_fails_against_the_published_checkpoints",
    "editing the notes of the last release passes verify": "test_editing_the_notes_of_the_last_release_fails_against_the_published_checkpoints",
    "events/ missing": "events_missing",
    "events/ empty": "events_empty",
    "events/ a plain file": "events_is_a_file",
    "run outside a dataset folder": "test_a_build_outside_a_dataset_writes_nothing",
    "\\u0000 in a correction": "escaped_nul",
    "\\u001b[2J in a correction": "escaped_terminal_code",
    "a field name with \\n and ESC": "control_in_key",
    "a correction of the normal form only": "correction_of_the_normal_form_only",
    "a compatibility twin": "correction_to_a_compatibility_twin",
    "a zero-width character": "correction_adding_a_zero_width_space",
    "nesting 300": "nested_300",
    "nesting 1000": "nested_1000",
    "Release\\u0050ublished": "test_every_command_reads_the_escaped_type_as_the_build_does",
    "seq 999999 holding 255": "name_is_not_the_first_seq",
    "block 0042 for 255": "wrong_block",
    "segment at the root of events/": "segment_at_root",
    "source at ../../../../etc/hostname": "source_outside_the_repository",
    "source at /etc/passwd": "source_at_an_absolute_path",
    "no lock": "test_a_second_build_fails_at_once_while_one_holds_the_lock",
    "a kill during the swap": "test_a_build_killed_at_every_rename_of_the_swap_leaves_all_old_or_all_new",
    "verify never looks at build/": "test_verify_checks_build_against_a_fresh_build",
    "build/.tmp-* left behind": "test_leftover_scratch_folders_are_removed",
    "--root on a missing folder": "test_a_missing_root_is_one_line",
    "/-/databases.json shows the server's absolute path": "test_the_server_shows_none_of_its_paths",
    "no common ancestor gives a raw git error": "test_ci_gate_names_a_history_with_no_common_ancestor",
    "a release tag rewritten": "test_ci_gate_checks_every_release_tag",
}
