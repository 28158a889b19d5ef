"""A release's recorded hashes are compared in full: a rebuilt file whose SHA-256 differs from the
recorded one at any of its 64 hex digits, or a digest that differs at any digit, is refused.

The release is the last one of the committed log, read as JSON (not by the log reader). The
messages expected are written here, in the wording the README documents for
``release_with_wrong_hash``, from the recorded values and from SHA-256s computed here.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import ROOT
from wgtip.events import ReleasePublished
from wgtip.release import ReleaseError, check, layout_of

HEX = "0123456789abcdef"


def last_release() -> dict:
    events = [json.loads(line) for p in sorted((ROOT / "events").rglob("*.jsonl")) for line in p.read_bytes().split(b"\n") if line]
    return max((e for e in events if e["type"] == "ReleasePublished"), key=lambda e: e["seq"])


RELEASE = last_release()
VERSION, SEQ, FILES = RELEASE["data"]["version"], RELEASE["seq"], RELEASE["data"]["files"]


def changed_at(sha: str, k: int) -> str:
    """The hash with its k-th hex digit replaced by another."""
    return sha[:k] + HEX[(HEX.index(sha[k]) + 1) % 16] + sha[k + 1:]


def digest(files: list[dict]) -> str:
    """SHA256SUMS of the files (``<sha256>  <path>`` lines sorted by path), hashed."""
    return hashlib.sha256("".join(f"{f['sha256']}  {f['path']}\n" for f in sorted(files, key=lambda f: f["path"])).encode()).hexdigest()


def event_recording(files: list[dict], recorded_digest: str) -> ReleasePublished:
    return ReleasePublished.model_validate({**RELEASE, "data": {**RELEASE["data"], "files": files, "digest": recorded_digest}})


def rebuilt(files: list[dict]) -> dict[str, tuple[int, str]]:
    return {f["path"]: (f["bytes"], f["sha256"]) for f in files}


LAYOUT = layout_of(ReleasePublished.model_validate(RELEASE))
"""The release's columns: the same for every altered copy below (a hash is not a column)."""


def refusal(event: ReleasePublished, hashes: dict[str, tuple[int, str]]) -> str | None:
    try:
        check(event, hashes, LAYOUT)
    except ReleaseError as err:
        return str(err)
    return None


def test_the_release_as_recorded_passes():
    assert digest(FILES) == RELEASE["data"]["digest"]
    assert refusal(event_recording(FILES, RELEASE["data"]["digest"]), rebuilt(FILES)) is None


@pytest.mark.parametrize("index", range(len(FILES)), ids=[f["path"] for f in FILES])
def test_a_recorded_file_hash_differing_at_any_digit_is_refused(index):
    f = FILES[index]
    accepted = []
    for k in range(64):
        recorded = [dict(g, sha256=changed_at(g["sha256"], k)) if g is f else g for g in FILES]
        want = (f"release {VERSION} (event {SEQ}): {f['path']} rebuilds with SHA-256 {f['sha256'][:16]}…, "
                f"the release recorded {recorded[index]['sha256'][:16]}… ({f['bytes']} vs {f['bytes']} bytes)")
        # the digest recorded with it is the release's own: only the file's hash is wrong
        got = refusal(event_recording(recorded, RELEASE["data"]["digest"]), rebuilt(FILES))
        if got != want:
            accepted.append((k, got))
    assert not accepted, f"{f['path']}: a recorded SHA-256 differing only at these hex digits (from 0) was not refused as such: {accepted[:4]}"


@pytest.mark.parametrize("index", range(len(FILES)), ids=[f["path"] for f in FILES])
def test_a_rebuilt_file_differing_at_any_digit_is_refused(index):
    f = FILES[index]
    accepted = []
    for k in range(64):
        hashes = rebuilt(FILES)
        hashes[f["path"]] = (f["bytes"], changed_at(f["sha256"], k))
        want = (f"release {VERSION} (event {SEQ}): {f['path']} rebuilds with SHA-256 {hashes[f['path']][1][:16]}…, "
                f"the release recorded {f['sha256'][:16]}… ({f['bytes']} vs {f['bytes']} bytes)")
        if refusal(event_recording(FILES, RELEASE["data"]["digest"]), hashes) != want:
            accepted.append(k)
    assert not accepted, f"{f['path']}: a rebuilt SHA-256 differing only at these hex digits (from 0) was not refused: {accepted}"


def test_a_recorded_digest_differing_at_any_digit_is_refused():
    real = digest(FILES)
    accepted = []
    for k in range(64):
        recorded = changed_at(real, k)
        want = f"release {VERSION} (event {SEQ}): digest {real[:16]}… differs from the recorded {recorded[:16]}…"
        if refusal(event_recording(FILES, recorded), rebuilt(FILES)) != want:
            accepted.append(k)
    assert not accepted, f"a recorded digest differing only at these hex digits (from 0) was not refused: {accepted}"


def test_a_file_the_rebuild_lacks_is_refused():
    hashes = rebuilt(FILES)
    del hashes[FILES[-1]["path"]]
    assert refusal(event_recording(FILES, RELEASE["data"]["digest"]), hashes) == f"release {VERSION}: {FILES[-1]['path']} was not rebuilt"
