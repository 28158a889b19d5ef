"""A synthetic event log for the scale benchmark: the project's real log format, at any size.

    .venv/bin/python bench/generate.py --events 100000 --out bench/work/e5 [--seed 7]

Writes ``<out>/events/<block>/<first seq>-<slug>.jsonl`` with ``log.chain`` (so
every ``prev`` hash is right) and one segment per meeting, as the real log
does. Deterministic: the same ``--events`` and ``--seed`` give byte-identical
files.

What it models (the natural growth of the dataset: every UN body's
recommendations):
- many bodies, each with its own source document (registered before its
  first meeting) and its own run of meetings; bodies meet interleaved in time;
- meetings hold between 20 and 400 paragraphs; a paragraph is a single
  provision (most), or a chapeau with items, some items with sub-items;
- a few footnotes, a few referrals to the Conference, and now and then a
  meeting whose Chair proposes recommendations that the body's next meeting
  endorses (with or without oral amendments);
- text drawn from the real provisions (data/provisions.csv), so lengths and
  characters are those of the real data.

Meetings are one global sequence of ordinals (the ``meetings`` table's key
has no body column); provision ids carry the body: ``wg17-m3-p12-b-ii`` =
body wg17, its third meeting, paragraph 12, item (b), sub-item (ii).

Corrections (``TextCorrected``: a few slips in 30% of meetings) and releases
(``ReleasePublished``, made with ``wgtip.release.make_release`` so their
content hashes are real: one after the first meeting, one at 5,000 events)
are generated when ``wgtip.events`` knows those types. Annotations: the
project's vocabularies are defined first (``VocabularyDefined``), and the
provisions of one meeting in twenty (``ANNOTATED_SHARE``) are annotated by the
project's own rules (``wgtip.annotate``), one ``ProvisionsAnnotated`` event
per kind for the meeting, as ``wgtip annotate`` records them: annotation is
work that reaches a body's meetings a few at a time. Which meetings are
annotated is drawn from a second random stream, so the rest of the log is
the one the same seed gave before annotations were generated.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from wgtip import events as ev
from wgtip.log import chain, line_hash, segment_path

REPO = Path(__file__).resolve().parent.parent
RECORDED_AT = "2026-11-28T00:00:00Z"
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
SUBITEM_LABELS = "一二三四五六七八九十"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
VENUES = ["维也纳", "纽约", "日内瓦", "内罗毕", "曼谷", "达喀尔"]
ANNOTATED_SHARE = 0.05


def corpus() -> list[str]:
    """The real provision texts: synthetic text is cut from them."""
    with open(REPO / "data" / "provisions.csv", encoding="utf-8", newline="") as fh:
        return [r["text"] for r in csv.DictReader(fh)]


@dataclass
class Body:
    slug: str
    document: str
    sha256: str
    meetings: int = 0  # meetings held so far (the body's own numbering)
    line: int = 1  # next line of the body's (imaginary) source document
    pending: list[str] = field(default_factory=list)  # proposals awaiting endorsement
    pending_meeting: int | None = None
    chapeau_line: int = 0  # line reserved for the endorsing chapeau
    registered: bool = False


class Generator:
    def __init__(self, target: int, seed: int):
        self.target = target
        self.rng = random.Random(seed)
        self.texts = corpus()
        self.seq = 0
        self.meeting = 0  # global meeting ordinal
        # about one body per 20,000 events (at least 3), so a million events span 50 bodies
        n_bodies = max(3, target // 20_000)
        self.bodies = [Body(f"wg{i}", f"synthetic-wg{i}-zh", hashlib.sha256(f"synthetic document {i} seed {seed}".encode()).hexdigest()) for i in range(1, n_bodies + 1)]
        self.day = dt.date(2000, 1, 10)
        self.corrected = 0
        self.releases = 0
        self.annotating = random.Random(seed + 1)  # its own stream: the log without annotations stays as it was

    # --- pieces -------------------------------------------------------------

    def text(self) -> str:
        t = self.rng.choice(self.texts)
        if len(t) > 24 and self.rng.random() < 0.5:  # a random slice keeps texts varied
            a = self.rng.randrange(0, len(t) // 3)
            t = t[a:]
        return t

    def envelope(self, etype: str, occurred: tuple[dt.date, dt.date], source: dict | None, data: dict) -> dict:
        self.seq += 1
        return {
            "seq": self.seq,
            "type": etype,
            "schema_version": ev.CURRENT_SCHEMA_VERSION[etype],
            "occurred": {"start": occurred[0], "end": occurred[1]},
            "recorded_at": RECORDED_AT,
            "source": source,
            "prev": None,
            "data": data,
        }

    def source(self, body: Body, section: str | None, paragraph: str | None, line: int) -> dict:
        return {"document": body.document, "language": "zh", "sha256": body.sha256, "section": section, "paragraph": paragraph, "line": line}

    def provision(self, body: Body, pid: str, parent: str | None, paragraph: int, item: str | None, subitem: str | None, label: str, line: int | None = None) -> dict:
        text = self.text()
        if line is None:
            line = body.line
            body.line += 1
        footnotes = []
        if self.rng.random() < 0.03:
            body.line += 1
            footnotes.append({"number": 1, "marker": SUPERSCRIPTS[1], "offset": self.rng.randrange(0, len(text) + 1), "text": self.text()[:40], "line": body.line})
        return {"provision_id": pid, "parent_id": parent, "paragraph": paragraph, "item": item, "subitem": subitem, "label": label, "text": text, "line": line, "footnotes": footnotes}

    def paragraph(self, body: Body, prefix: str, n: int, parent: str | None = None) -> list[dict]:
        """A paragraph: mostly one provision; sometimes a chapeau with items and sub-items."""
        pid = f"{prefix}-p{n}"
        out = [self.provision(body, pid, parent, n, None, None, f"{n}.")]
        if self.rng.random() < 0.15:
            for i in range(self.rng.randint(2, 8)):
                item = LETTERS[i]
                iid = f"{pid}-{item}"
                out.append(self.provision(body, iid, pid, n, item, None, f"({item})"))
                if self.rng.random() < 0.08:
                    for k in range(self.rng.randint(2, 4)):
                        out.append(self.provision(body, f"{iid}-{ROMAN[k]}", iid, n, item, ROMAN[k], f"({SUBITEM_LABELS[k]})"))
        return out

    def proposals(self, body: Body, when: tuple[dt.date, dt.date]) -> dict:
        """Items proposed by the Chair, as in the real third meeting: printed under the
        endorsing meeting's section, after the chapeau that meeting writes (its paragraph 1,
        whose line is reserved now), so their ids live in that meeting's namespace."""
        nxt = f"{body.slug}-m{body.meetings + 1}-p1"
        body.chapeau_line = body.line
        body.line += 1
        provisions = []
        for i in range(self.rng.randint(3, 10)):
            item = LETTERS[i]
            iid = f"{nxt}-{item}"
            provisions.append(self.provision(body, iid, None, 1, item, None, f"({item})"))  # parent: the chapeau, on endorsement
            body.pending.append(iid)
            if self.rng.random() < 0.2:
                for k in range(self.rng.randint(2, 4)):
                    provisions.append(self.provision(body, f"{iid}-{ROMAN[k]}", iid, 1, item, ROMAN[k], f"({SUBITEM_LABELS[k]})"))
                    body.pending.append(f"{iid}-{ROMAN[k]}")
        body.pending_meeting = self.meeting
        loc = self.source(body, str(body.meetings + 1), "1", provisions[0]["line"])
        return self.envelope("RecommendationsProposed", when, loc, {"meeting": self.meeting, "proposed_by": "Chair", "provisions": provisions})

    def corrections(self, body: Body, when: tuple[dt.date, dt.date], events: list[dict]) -> list[dict]:
        """A few slips in this meeting's provisions, corrected (as the real log corrects its source's slips)."""
        provisions = [p for e in events if e["type"] == "RecommendationsAdopted" for p in e["data"]["provisions"]]
        out = []
        for p in self.rng.sample(provisions, min(len(provisions), self.rng.randint(1, 3))):
            old = p["text"]
            new = old.replace("，", "、", 1) if "，" in old else old + "。"
            out.append(
                self.envelope(
                    "TextCorrected",
                    when,
                    self.source(body, str(body.meetings), str(p["paragraph"]), p["line"]),
                    {
                        "provision_id": p["provision_id"],
                        "old_text": old,
                        "new_text": new,
                        "reason": "synthetic slip: punctuation as printed differs from the original",
                        "corrected_by": "bench/generate.py",
                    },
                )
            )
            self.corrected += 1
        return out

    def vocabularies(self, when: tuple[dt.date, dt.date]) -> list[dict]:
        """The project's annotation vocabularies, defined once before anything is annotated."""
        from wgtip.annotate.vocabularies import VOCABULARIES

        return [self.envelope("VocabularyDefined", when, None, v.model_dump()) for v in VOCABULARIES]

    def annotations(self, body: Body, when: tuple[dt.date, dt.date], events: list[dict]) -> list[dict]:
        """This meeting's adopted and referred provisions, annotated by the project's rules (one event per kind)."""
        from wgtip.annotate import Corpus, Provision
        from wgtip.annotate.ruleset import rules

        printed = [p for e in events if e["type"] in ("RecommendationsAdopted", "RecommendationsReferredToConference") for p in e["data"]["provisions"]]
        corrected = {e["data"]["provision_id"]: e["data"]["new_text"] for e in events if e["type"] == "TextCorrected"}
        children: dict[str, list[str]] = {}
        for p in printed:
            if p["parent_id"]:
                children.setdefault(p["parent_id"], []).append(p["provision_id"])
        section = str(body.meetings)
        corpus = Corpus(
            tuple(
                Provision(
                    provision_id=p["provision_id"],
                    parent_id=p["parent_id"],
                    text=corrected.get(p["provision_id"], p["text"]),
                    revision=2 if p["provision_id"] in corrected else 1,
                    document=body.document,
                    section=section,
                    meeting_section=body.meetings,
                    paragraph=p["paragraph"],
                    level="subitem" if p["subitem"] else "item" if p["item"] else "paragraph",
                    children=tuple(children.get(p["provision_id"], ())),
                )
                for p in printed
            ),
            {self.meeting: when[0]},
        )
        out = []
        for rule in rules():
            result = rule.run(corpus)
            out.append(
                self.envelope(
                    "ProvisionsAnnotated",
                    when,
                    self.source(body, section, None, None),
                    {
                        "kind": rule.kind,
                        "annotator": rule.name,
                        "annotator_version": rule.version,
                        "provisions": [{"provision_id": p.provision_id, "text_revision": p.revision, "annotations": result[p.provision_id]} for p in corpus.provisions],
                    },
                )
            )
        return out

    def release(self, out: Path, when: dt.date) -> None:
        """A release of the data as it now is, made by the project's own command (so its hashes are real)."""
        from wgtip import release as rel

        self.releases += 1
        version = "1.0.0" if self.releases == 1 else f"1.{self.releases - 1}.0"  # later releases add records: minor
        rel.make_release(out, version, when, f"synthetic release {version}", dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
        self.seq += 1

    # --- a meeting ----------------------------------------------------------

    def meeting_events(self, body: Body, budget: int) -> list[dict]:
        out: list[dict] = []
        self.day += dt.timedelta(days=self.rng.randint(1, 9))
        start, end = self.day, self.day + dt.timedelta(days=self.rng.randint(0, 4))
        when = (start, end)
        if not body.registered:
            body.registered = True
            out.append(
                self.envelope(
                    "SourceDocumentRegistered",
                    when,
                    None,
                    {
                        "document": body.document,
                        "path": f"sources/synthetic/{body.slug}.txt",
                        "sha256": body.sha256,
                        "language": "zh",
                        "original_language": "en",
                        "body": f"合成工作组 {body.slug}",
                        "title": f"{body.slug} 历次会议通过的建议",
                        "subtitle": "秘书处的背景文件（合成）",
                        "distributed_on": start,
                        "complements": None,
                        "agenda": None,
                    },
                )
            )
        self.meeting += 1
        body.meetings += 1
        prefix = f"{body.slug}-m{body.meetings}"
        section = str(body.meetings)
        heading_line = body.line
        body.line += 2
        out.append(
            self.envelope(
                "MeetingHeld",
                when,
                self.source(body, section, None, heading_line),
                {
                    "meeting": self.meeting,
                    "heading": f"{section}. 第{body.meetings}次会议，{start.year}年{start.month}月{start.day}日，{VENUES[self.meeting % len(VENUES)]}",
                    "start_date": start,
                    "end_date": end,
                    "venue": VENUES[self.meeting % len(VENUES)],
                    "report_symbol": f"SYN/{body.slug.upper()}/{start.year}/{body.meetings}",
                    "report_symbol_line": heading_line,
                    "note": None,
                    "note_line": None,
                },
            )
        )
        n = 0
        if body.pending:  # the previous meeting's proposals, endorsed by this one's first paragraph
            n += 1
            chapeau = self.provision(body, f"{prefix}-p{n}", None, n, None, None, f"{n}.", line=body.chapeau_line)
            out.append(
                self.envelope(
                    "ProposalsEndorsed",
                    when,
                    self.source(body, section, str(n), chapeau["line"]),
                    {
                        "meeting": self.meeting,
                        "proposals_of_meeting": body.pending_meeting,
                        "with_oral_amendments": self.rng.random() < 0.5,
                        "paragraph": n,
                        "provisions": [chapeau],
                        "endorsed": body.pending,
                    },
                )
            )
            body.pending, body.pending_meeting = [], None
        for _ in range(self.rng.randint(20, 400)):
            n += 1
            provisions = self.paragraph(body, prefix, n)
            loc = self.source(body, section, str(n), provisions[0]["line"])
            if self.rng.random() < 0.01:
                out.append(self.envelope("RecommendationsReferredToConference", when, loc, {"meeting": self.meeting, "paragraph": n, "provisions": provisions}))
            else:
                out.append(self.envelope("RecommendationsAdopted", when, loc, {"meeting": self.meeting, "paragraph": n, "provisions": provisions}))
        if self.rng.random() < 0.1:
            out.append(self.proposals(body, when))
        if "TextCorrected" in ev.BY_NAME and self.rng.random() < 0.3:
            out.extend(self.corrections(body, when, out))
        if self.annotating.random() < ANNOTATED_SHARE:
            out.extend(self.annotations(body, when, out))
        return out[:budget]  # the last meeting is cut to fit: a prefix of a valid log is valid

    def write(self, out: Path, events: list[dict], slug: str, prev: str | None) -> str:
        """One segment of the log, chained to ``prev``; returns the hash of its last line."""
        models = [ev.EVENT_ADAPTER.validate_python(e) for e in events]  # the generator's output must be valid
        pairs = chain(models, prev)
        path = out / segment_path(pairs[0][0].seq, slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as fh:  # "x": never overwrite
            fh.write(b"".join(line + b"\n" for _, line in pairs))
        return line_hash(pairs[-1][1])

    def run(self, out: Path) -> int:
        prev: str | None = None
        files = 0
        vocabularies = self.vocabularies((self.day, self.day))[: self.target]
        self.seq = len(vocabularies)
        prev = self.write(out, vocabularies, "vocabularies", prev)
        files += 1
        while self.seq < self.target:
            body = self.rng.choice(self.bodies)
            events = self.meeting_events(body, self.target - self.seq)
            prev = self.write(out, events, f"{body.slug}-m{body.meetings}", prev)
            files += 1
            # releases are rare and each folds the log so far: one after the first meeting, one at 5,000 events
            if "ReleasePublished" in ev.BY_NAME and self.seq < self.target and (self.releases == 0 or (self.releases == 1 and self.seq >= 5_000)):
                self.release(out, self.day + dt.timedelta(days=10))
                prev = line_hash(max((out / "events").rglob("*.jsonl")).read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1])
                files += 1
        return files


def generate(target: int, out: Path, seed: int = 7) -> int:
    """Write a log of exactly ``target`` events under ``out/events``; return the number of segment files.

    The last meeting is cut to fit, so the count is exact; a proposal left
    pending at the end is realistic (the fold keeps it as ``proposed``)."""
    if (out / "events").exists():
        raise SystemExit(f"error: {out / 'events'} already exists; generate into a new directory")
    return Generator(target, seed).run(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, required=True, help="number of events to write")
    ap.add_argument("--out", type=Path, required=True, help="directory to write events/ into (must not hold events/ yet)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    files = generate(args.events, args.out, args.seed)
    print(f"wrote {args.events} events in {files} segments under {args.out / 'events'}", file=sys.stderr)


if __name__ == "__main__":
    main()
