"""References: what a provision's text cites.

- Articles of the Protocol and the Convention: 《贩运人口议定书》第 6 条第 2 款,
  《议定书》第 3 条(a)项, 《公约》第32和37条 (one reference per article and paragraph).
- UN document symbols: CTOC/COP/WG.4/2009/2.
- Decisions and resolutions: 缔约方会议第4/4号决定, 大会第 64/293 号决议.
- Earlier recommendations: '工作组 2009 年会议的报告第 19 段' or '2009年4月14日
  和15日在维也纳举行的工作组会议的报告第17段'. The report's paragraph numbers
  are not the compilation's, so the rule fits, per cited report, the one
  offset between report and compilation paragraphs that makes the cited
  paragraphs most similar (character bigrams) to the citing texts, over all
  citations of that report together, and records it. '重申之前…的建议' (no
  locator) is resolved to the most similar earlier provision, if similar enough.
- Other titled documents: any other 《…》 title.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..events import Annotation, ReferenceTarget
from ..identifiers import provision_id
from . import Corpus, Provision, Result

KIND = "reference"
NAME = "wgtip.annotate.references"
VERSION = "1"
BY_SECTION = False  # it reads earlier meetings' provisions and the cited reports' paragraphs, in other sections

PROTOCOL_TITLES = {"议定书", "贩运人口议定书"}
CONVENTION_TITLES = {"公约", "有组织犯罪公约", "联合国打击跨国有组织犯罪公约"}
PROTOCOL_FULL_TITLE = "联合国打击跨国有组织犯罪公约关于预防、禁止和惩治贩运人口特别是妇女和儿童行为的补充议定书"

TITLE_RE = re.compile(r"《(?P<title>[^》]+)》")
ARTICLE_RE = re.compile(
    r"《(?P<title>[^》]+)》\s*第\s*(?P<articles>\d+(?:\s*和\s*\d+)*)\s*条"
    r"(?:\s*第\s*(?P<paragraphs>\d+(?:\s*和\s*\d+)*)\s*款)?"
    r"(?:\s*(?:\((?P<sub>[a-z])\)|(?P<sub2>[a-z]))\s*项)?"
)
SYMBOL_RE = re.compile(r"\b[A-Z]{2,}(?:/[A-Z0-9.]+)+")
DECISION_RE = re.compile(r"(?P<body>缔约方会议|大会)?第\s*(?P<number>\d+/\d+)\s*号(?P<what>决定|决议)")
REPORT_RE = re.compile(
    r"(?:工作组\s*(?P<year>\d{4})\s*年会议|(?P<y>\d{4})年(?P<m>\d+)月(?P<d>\d+)日(?:和\d+日)?在\S+?举行的工作组会议)"
    r"的报告第\s*(?P<paragraph>\d+)\s*段"
)
EARLIER_RE = re.compile(r"重申之前(?:对[^，。；]{1,10})?的建议(?:，即)?")
OFFSETS = range(-5, 6)
SIMILAR_ENOUGH = 0.5


def _instrument(title: str) -> str | None:
    if title in PROTOCOL_TITLES or title == PROTOCOL_FULL_TITLE:
        return "protocol"
    if title in CONVENTION_TITLES:
        return "convention"
    return None


def _numbers(text: str | None) -> list[str]:
    return re.findall(r"\d+", text) if text else [None]  # type: ignore[list-item]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _meeting_of(m: re.Match[str], corpus: Corpus) -> int | None:
    if m["year"]:
        hits = [n for n, d in corpus.meeting_dates.items() if d.year == int(m["year"])]
    else:
        hits = [n for n, d in corpus.meeting_dates.items() if (d.year, d.month, d.day) == (int(m["y"]), int(m["m"]), int(m["d"]))]
    return hits[0] if len(hits) == 1 else None


def _found(p: Provision, corpus: Corpus) -> list[tuple[int, Annotation]]:
    text = p.text
    out: list[tuple[int, Annotation]] = []
    in_articles: list[tuple[int, int]] = []
    for m in ARTICLE_RE.finditer(text):
        instrument = _instrument(m["title"])
        if instrument is None:
            continue
        in_articles.append((m.start(), m.end()))
        sub = m["sub"] or m["sub2"]
        for article in _numbers(m["articles"]):
            for para in _numbers(m["paragraphs"]):
                target = f"{instrument.capitalize()} art. {article}" + (f" para. {para}" if para else "") + (f" ({sub})" if sub else "")
                ref = ReferenceTarget(instrument=instrument, article=article, paragraph=para, subparagraph=sub)
                out.append((m.start(), Annotation(value=f"{instrument}_article", target=target, reference=ref, evidence=m.group(), start=m.start(), end=m.end())))
    for m in TITLE_RE.finditer(text):
        if _instrument(m["title"]) is None:
            out.append((m.start(), Annotation(value="titled_document", target=m["title"], evidence=m.group(), start=m.start(), end=m.end())))
    for m in SYMBOL_RE.finditer(text):
        out.append((m.start(), Annotation(value="document_symbol", target=m.group(), reference=ReferenceTarget(symbol=m.group()), evidence=m.group(), start=m.start(), end=m.end())))
    for m in DECISION_RE.finditer(text):
        body = {"缔约方会议": "COP ", "大会": "GA "}.get(m["body"] or "", "")
        what = "decision" if m["what"] == "决定" else "resolution"
        out.append(
            (m.start(), Annotation(value="decision_resolution", target=f"{body}{what} {m['number']}", reference=ReferenceTarget(symbol=m["number"]), evidence=m.group(), start=m.start(), end=m.end()))
        )
    for m in REPORT_RE.finditer(text):
        meeting = _meeting_of(m, corpus)
        report_para = int(m["paragraph"])
        target = f"meeting {meeting} report para. {report_para}" if meeting else f"report para. {report_para}"
        ref = ReferenceTarget(report_meeting=meeting, report_paragraph=report_para, resolution=None if meeting else "the cited meeting could not be identified from its date")
        out.append((m.start(), Annotation(value="earlier_recommendation", target=target, reference=ref, evidence=m.group(), start=m.start(), end=m.end())))
    for m in EARLIER_RE.finditer(text):
        out.append((m.start(), Annotation(value="earlier_recommendation", target="earlier recommendation (unnumbered)", reference=ReferenceTarget(), evidence=m.group(), start=m.start(), end=m.end())))
    return out


def _paragraphs(corpus: Corpus) -> dict[str, str]:
    """Each compilation paragraph's id -> its text with its items' and sub-items', in document order:
    a provision ``wgtip-m4-p46-j-vi`` belongs to the paragraph named by its first three parts."""
    out: dict[str, list[str]] = {}
    for p in corpus.provisions:
        out.setdefault("-".join(p.provision_id.split("-")[:3]), []).append(p.text)
    return {pid: "".join(texts) for pid, texts in out.items()}


def _paragraph_text(paragraphs: dict[str, str], meeting: int, paragraph: int) -> tuple[str, str] | None:
    """A compilation paragraph of a meeting's section with its items, as one text."""
    pid = provision_id(meeting, paragraph)
    return (pid, paragraphs[pid]) if pid in paragraphs else None


def _resolve_report_paragraphs(corpus: Corpus, found: dict[str, list[tuple[int, Annotation]]]) -> None:
    texts, paragraphs = corpus.by_id(), _paragraphs(corpus)
    cited: dict[int, list[tuple[str, int]]] = {}
    for pid, refs in found.items():
        for _, a in refs:
            r = a.reference
            if a.value == "earlier_recommendation" and r and r.report_meeting and r.report_paragraph:
                cited.setdefault(r.report_meeting, []).append((pid, r.report_paragraph))
    fitted: dict[int, tuple[int, float]] = {}
    for meeting, citations in sorted(cited.items()):
        scores = []
        for k in OFFSETS:
            total = 0.0
            for pid, n in citations:
                hit = _paragraph_text(paragraphs, meeting, n + k)
                total += dice(texts[pid].text, hit[1]) if hit else 0.0
            scores.append((total, -abs(k), k))
        best = max(scores)
        fitted[meeting] = (best[2], best[0] / len(citations))
    for refs in found.values():
        for i, (at, a) in enumerate(refs):
            r = a.reference
            if not (a.value == "earlier_recommendation" and r and r.report_meeting and r.report_paragraph):
                continue
            k, mean = fitted[r.report_meeting]
            hit = _paragraph_text(paragraphs, r.report_meeting, r.report_paragraph + k)
            n = len(cited[r.report_meeting])
            how = (
                f"report paragraph {r.report_paragraph} = compilation paragraph {r.report_paragraph + k} of meeting {r.report_meeting}: "
                f"offset {k:+d}, the one offset that makes the {n} cited paragraphs of this report most similar to the citing texts "
                f"(mean character-bigram Dice {mean:.2f})"
            )
            resolved = hit[0] if hit else None
            refs[i] = (at, a.model_copy(update={"reference": r.model_copy(update={"resolved_provision_id": resolved, "resolution": how if hit else "no compilation paragraph at the fitted offset"})}))


class _Earlier:
    """The provision of an earlier meeting most similar to a text (character-bigram Dice), as
    comparing the text with every provision finds it, ties going to the greater provision id.

    Comparing every cue with every provision was quadratic: 96% of the rules' time at 10^5
    events. An inverted index (bigram -> the provisions that have it) counts what each provision
    shares with the text; a provision that shares nothing scores 0, and is not looked at. Counting
    every bigram's list was still quadratic (common bigrams such as 建议 are in most provisions), so
    the lists are counted rarest first and the counting stops as soon as no provision it has not
    met could reach the best score found so far (``most_similar``)."""

    def __init__(self, corpus: Corpus):
        self.ids = [p.provision_id for p in corpus.provisions]
        self.sections = [p.meeting_section for p in corpus.provisions]
        self.texts = [p.text for p in corpus.provisions]
        self.sizes = array("I")
        self.having: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        for i, p in enumerate(corpus.provisions):
            grams = _bigrams(p.text)
            self.sizes.append(len(grams))
            for g in grams:
                self.having[g].append(i)

    def most_similar(self, text: str, before_section: int) -> tuple[float, str]:
        """The best Dice and the provision scoring it; (0.0, "") when none shares a bigram.

        With ``a`` bigrams in the text, a provision sharing ``c`` of them scores at most
        2c/(a+c). Once only ``rest`` of the text's bigrams are left to count, a provision met in
        none of the counted lists shares at most ``rest``: when 2·rest/(a+rest) is below the best
        exact score so far, counting stops (below, not equal: an equal score with a greater id
        would win the tie). Each provision met may still gain at most ``rest``; those that could
        then reach the best are scored exactly. The best so far comes from scoring, now and
        then, the provisions that share the most counted bigrams."""
        x = _bigrams(text)
        having, a = self.having, len(x)
        order = sorted((g for g in x if g in having), key=lambda g: (len(having[g]), g))
        shared: Counter[int] = Counter()
        best, next_look, rest = (0.0, ""), 1, len(order)
        for counted, g in enumerate(order, 1):
            shared.update(having[g])
            rest -= 1
            if counted == next_look and len(shared) <= _LOOK_AT_MOST:
                next_look *= 2
                best = max(best, self._best_of(x, heapq.nlargest(_LOOKS, shared, key=shared.__getitem__), before_section))
            if 2 * rest / (a + rest) < best[0]:
                break
        sizes, sections = self.sizes, self.sections
        if not rest:  # every list counted: the counts are exact
            ids = self.ids
            # the same expression as dice(), so equal scores are equal floats and ties break the same way
            return max(best, max(((2 * c / (a + sizes[i]), ids[i]) for i, c in shared.items() if sections[i] < before_section), default=best))
        bound = best[0]
        hopeful = [i for i, c in shared.items() if sections[i] < before_section and 2 * min(c + rest, sizes[i]) / (a + sizes[i]) >= bound]
        return self._best_of(x, hopeful, before_section, best)

    def _best_of(self, x: set[str], candidates: Iterable[int], before_section: int, best: tuple[float, str] = (0.0, "")) -> tuple[float, str]:
        """The greatest of ``best`` and the exact (Dice, id) of each candidate of an earlier meeting."""
        a, sizes, ids, sections, texts = len(x), self.sizes, self.ids, self.sections, self.texts
        return max(best, max(((2 * len(x & _bigrams(texts[i])) / (a + sizes[i]), ids[i]) for i in candidates if sections[i] < before_section), default=best))


_LOOKS = 4
"""How many of the provisions sharing the most counted bigrams are scored exactly at each look."""
_LOOK_AT_MOST = 50_000
"""No look once this many provisions are met: picking the most sharing would cost more than it saves."""


def _resolve_unnumbered(earlier: _Earlier, p: Provision, a: Annotation) -> Annotation:
    """'重申之前…的建议，即…': the most similar provision of an earlier meeting's section."""
    assert a.end is not None
    best = earlier.most_similar(p.text[a.end :], p.meeting_section)
    if best[0] >= SIMILAR_ENOUGH:
        how = f"the most similar provision of an earlier meeting to the words after the cue (character-bigram Dice {best[0]:.2f}, threshold {SIMILAR_ENOUGH})"
        return a.model_copy(update={"reference": ReferenceTarget(resolved_provision_id=best[1], resolution=how)})
    return a.model_copy(update={"reference": ReferenceTarget(resolution=f"no earlier provision similar enough (best Dice {best[0]:.2f} < {SIMILAR_ENOUGH})")})


def annotate(corpus: Corpus) -> Result:
    found = {p.provision_id: sorted(_found(p, corpus), key=lambda x: (x[0], x[1].value, x[1].target or "")) for p in corpus.provisions}
    _resolve_report_paragraphs(corpus, found)
    by_id = corpus.by_id()
    earlier: _Earlier | None = None  # made at the first cue: most corpora have none
    out: Result = {}
    for pid, refs in found.items():
        values = []
        for _, a in refs:
            if a.value == "earlier_recommendation" and a.target == "earlier recommendation (unnumbered)":
                earlier = earlier or _Earlier(corpus)
                a = _resolve_unnumbered(earlier, by_id[pid], a)
            values.append(a)
        out[pid] = tuple(values)
    return out
