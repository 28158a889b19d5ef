"""Directives: the places where a provision asks someone to act.

A directive is a cue (应当, 应当考虑, 可, 鼓励, 请, 工作组建议 …) with the
bodies it addresses directly and the bodies the addressee is asked to
request, invite or encourage (indirect). ``addressees`` and ``strength``
are two views of the same directives, so they cannot disagree.

The rules, in the order they are tried:

1. The Working Group as speaker: 工作组建议 X … / 工作组请 X …. X is the
   direct addressee; 建议 + 缔约方会议 + 审议/考虑 is a recommendation that the
   Conference consider. Other modal words in that sentence belong to the
   recommended content and are not directives of their own.
2. A modal 应当/应/应该 (not 应对, 应请求, 应予, …; not 是否应): its subject
   is the last body named before it in the same sentence, with bodies
   joined to it by 和/与/及/、; after 并/并且 (…，并应…) it continues the
   clause before it and has that clause's subject. With no body before it:
   应当鼓励 X / 应请 X make X the addressee (is encouraged / is requested:
   nobody is named to ask X, so X is direct); otherwise the subject is
   implied: the provision's previous directive, or the chapeau's.
   应当 + 考虑 / 审议是否 / 评价是否 / 评估是否 / 探讨是否 is should consider;
   应当 + 努力 / 力求 / 设法 / 寻求 / 力争 is should endeavour (both also after
   an adverbial 根据…，).
3. 可/可以 right after a body: may; 也可… / …并可… continuing a directive
   of the same sentence: may, with that directive's subject.
4. 鼓励 X / 请 X at the start of a sentence or clause: X is encouraged /
   requested. At the very start of an item under a chapeau that asks
   someone to act (缔约方会议应当：请缔约国…), X is indirect instead.
5. An item completes its chapeau's sentence when the chapeau ends with a
   colon: it inherits the chapeau's last directive (addressees and
   strength; 应当： + an item whose verb is 考虑 or 探讨是否 reads 'should
   consider', + an item whose verb is 努力 'should endeavour').

Indirect addressees: the bodies a directive asks its addressee to request,
invite, call upon, encourage, require or involve (请, 吁请, 鼓励, 要求 + the
bodies named right after it; 请/让 … 参与(其中)(，包括 …): every body named
there), but not the partners named after 与 (鼓励缔约国与私营部门发展伙伴关系).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import Corpus, Provision
from .lexicon import Mention, chain_after, masked, mentions, sentence_end, sentence_start

SPEAKER_RE = re.compile(r"(?:贩运人口问题)?工作组(?:经口头修正)?(建议|请)(?!求)")
MODAL_RE = re.compile(r"(?<![供相适反响回理对效呼答])不?(?:应当|应该|应)(?!对|请求|予|召|用|有|急|变|付)")
# 应当 + (an adverbial 根据…，) + 考虑 / 审议是否 / 评价是否 …: should consider; 考虑到 is 'take into account'
_ADVERBIAL = r"(?:(?:根据|按照|依照|遵照)[^，。；]{0,40}[，,]\s*)?"
CONSIDER_RE = re.compile(_ADVERBIAL + r"(?:酌情|视可能|尽可能|还)?(?:考虑(?!到)|(?:审议|评价|评估|探讨)是否)")
# 应当 + (an adverbial) + 努力 / 力求 / 设法 / 寻求 / 力争: should endeavour (efforts towards a result, not the result)
ENDEAVOUR_RE = re.compile(_ADVERBIAL + r"(?:酌情|视可能|尽可能|还)?(?:更加|进一步)?(?:努力|力求|设法|寻求|力争)")
MAY_RE = re.compile(r"(?:还|也)?(?:可以|可)(?!能|持续|比较|靠|行|利用的|在|享)")
PASSIVE_RE = re.compile(r"鼓励|请(?!求)")
ASK_RE = re.compile(r"吁请|请(?!求)|鼓励|要求|让")
# 请/让 X（、Y…）参与(其中)(，包括 Z、W…): every body named there is asked to take part
INVOLVE_RE = re.compile(r"(?:请|让)(?P<who>[^，。；,;]*?)参与(?:其中)?(?:[，,]\s*包括(?P<also>[^，。；,;]*))?")
# …，并应… / …，并可…: a modal that continues the clause before it, with its subject
CONTINUED_RE = re.compile(r"(?:并|并且|而且)\s*$")
CLAUSE_START = "，。；：,;:"
# an item whose verb is 考虑: at its start, or after a leading adverbial clause (按照本国法律，…，考虑…)
ITEM_CONSIDER_RE = re.compile(r"^(?:[^；。]*[，,])?\s*(?:视可能|酌情)?(?:考虑(?!到)|(?:审议|评价|评估|探讨)是否)")
# an item whose verb is 努力 / 力求 / …: should endeavour
ITEM_ENDEAVOUR_RE = re.compile(r"^\s*(?:视可能|酌情)?(?:努力|力求|设法|力争)")
COORDINATOR_RE = re.compile(r"^\s*(?:和|与|及|、)\s*$")


@dataclass(frozen=True)
class Directive:
    strength: str
    cue_start: int
    cue_end: int
    cue: str
    direct: tuple[Mention, ...]  # empty: nobody named (unspecified)
    indirect: tuple[Mention, ...]
    holder: str | None = None  # the chapeau whose cue this is, if inherited
    item_start_ask: bool = False  # 请/鼓励 at the very start of the text (rule 4)
    implied: bool = False  # subject implied and not found in the text itself


def _subject(text: str, found: list[Mention], sentence: int, at: int) -> tuple[Mention, ...]:
    before = [m for m in found if sentence <= m.start and m.end <= at]
    if not before:
        return ()
    group = [before[-1]]
    for m in reversed(before[:-1]):
        if COORDINATOR_RE.match(text[m.end : group[0].start]):
            group.insert(0, m)
        else:
            break
    return tuple(group)


def _asked(text: str, found: list[Mention], start: int, end: int) -> tuple[Mention, ...]:
    out: list[Mention] = []
    for a in ASK_RE.finditer(text, start, end):
        out += chain_after(text, a.end(), found)
    for a in INVOLVE_RE.finditer(text, start, end):
        spans = [a.span("who")] + ([a.span("also")] if a.group("also") is not None else [])
        out += [m for m in found if any(s <= m.start and m.end <= e for s, e in spans)]
    first: dict[int, Mention] = {}  # the first mention at each start, in the order of the starts
    for m in sorted(out, key=lambda m: m.start):
        first.setdefault(m.start, m)
    return tuple(first.values())


def own_directives(text: str) -> list[Directive]:
    """The directives in one text, in text order. A directive whose subject is implied and not
    found in this text keeps an empty ``direct`` and ``implied=True``; directives() fills it from the chapeau."""
    found = mentions(text)
    mt = masked(text)
    out: list[tuple[Directive, bool]] = []  # (directive, subject implied)
    suppressed: list[tuple[int, int]] = []
    for m in SPEAKER_RE.finditer(mt):
        end = sentence_end(text, m.end())
        after = m.end() + (1 if m.end() < len(text) and text[m.end()] in "，," else 0)
        chain = chain_after(text, after, found)
        rest_from = chain[-1].end if chain else after
        if m.group(1) == "请":
            strength = "requested"
        elif any(c.code == "conference" for c in chain) and re.match(r"[^让请。；]*?(?:审议|考虑(?!到))", text[rest_from:end]):
            strength = "recommended_for_consideration"
        else:
            strength = "recommended"
        out.append((Directive(strength, m.start(), m.end(), text[m.start() : m.end()], tuple(chain), _asked(text, found, rest_from, end)), False))
        suppressed.append((m.start(), end))

    def free(at: int) -> bool:
        return not any(s <= at < e for s, e in suppressed)

    for m in MODAL_RE.finditer(mt):
        if not free(m.start()) or text[max(0, m.start() - 2) : m.start()] == "是否":
            continue
        s, end = sentence_start(text, m.start()), sentence_end(text, m.end())
        continued = bool(CONTINUED_RE.search(text, s, m.start()))
        # …，并应…: the subject of the clause it continues (the implied one), not a body named inside that clause
        subject = () if continued else _subject(text, found, s, m.start())
        after = m.end()
        if not subject and not continued:
            p = PASSIVE_RE.match(mt, after)
            if p:
                chain = chain_after(text, p.end(), found)
                strength = "encouraged" if p.group() == "鼓励" else "requested"
                rest = chain[-1].end if chain else p.end()
                out.append((Directive(strength, m.start(), p.end(), text[m.start() : p.end()], tuple(chain), _asked(text, found, rest, end)), False))
                continue
        c = CONSIDER_RE.match(mt, after)
        e = None if c else ENDEAVOUR_RE.match(mt, after)
        strength = "should_consider" if c else "should_endeavour" if e else "should"
        cue_end = c.end() if c else e.end() if e else after
        out.append((Directive(strength, m.start(), cue_end, text[m.start() : cue_end], subject, _asked(text, found, cue_end, end)), not subject))
    continuing: list[Directive] = []  # …，并可… / …，也可…: 'may' with the subject of the directive it continues
    for m in MAY_RE.finditer(mt):
        if not free(m.start()):
            continue
        s, end = sentence_start(text, m.start()), sentence_end(text, m.end())
        subject = _subject(text, found, s, m.start())
        if subject and subject[-1].end == m.start():
            out.append((Directive("may", m.start(), m.end(), text[m.start() : m.end()], subject, _asked(text, found, m.end(), end)), False))
        elif m.group().startswith("也") or CONTINUED_RE.search(text, s, m.start()):
            d = Directive("may", m.start(), m.end(), text[m.start() : m.end()], (), _asked(text, found, m.end(), end))
            continuing.append(d)
            out.append((d, True))
    for m in PASSIVE_RE.finditer(mt):
        i = m.start()
        j = i - 1
        while j >= 0 and text[j] == " ":
            j -= 1
        if not free(i) or (j >= 0 and text[j] not in CLAUSE_START):
            continue
        chain = chain_after(text, m.end(), found)
        if not chain:
            continue
        end = sentence_end(text, m.end())
        strength = "encouraged" if m.group() == "鼓励" else "requested"
        out.append((Directive(strength, i, m.end(), m.group(), tuple(chain), _asked(text, found, chain[-1].end, end), item_start_ask=(j < 0)), False))
    out.sort(key=lambda d: d[0].cue_start)
    # a continuing 'may' needs a directive before it in its sentence to continue
    out = [
        (d, implied)
        for d, implied in out
        if not any(d is c for c in continuing) or any(o.cue_start < d.cue_start and sentence_start(text, o.cue_start) == sentence_start(text, d.cue_start) for o, _ in out)
    ]
    # an implied subject is the previous directive's (the chapeau's is filled in by directives())
    filled: list[Directive] = []
    for d, implied in out:
        if implied:
            d = replace(d, direct=filled[-1].direct) if filled else replace(d, implied=True)
        filled.append(d)
    return filled


def directives(corpus: Corpus) -> dict[str, list[Directive]]:
    """Every provision's directives, own and inherited (rule 5), in document order."""
    result: dict[str, list[Directive]] = {}
    by_id = corpus.by_id()
    for p in corpus.provisions:
        own = own_directives(p.text)
        inherited = _inherited(p, by_id, result)
        if inherited is not None:
            asks = [m for d in own if d.item_start_ask for m in d.direct]
            own = [d for d in own if not d.item_start_ask]
            # 请/让/鼓励 + a body elsewhere in the item, outside its own directives, is asked of the inherited addressee
            taken = {m.start for d in own for m in (*d.direct, *d.indirect)} | {m.start for m in asks}
            found = mentions(p.text)
            asks += [m for m in _asked(p.text, found, 0, len(p.text)) if m.start not in taken]
            inherited = replace(inherited, indirect=inherited.indirect + tuple(sorted(asks, key=lambda m: m.start)))
            own = [replace(d, direct=inherited.direct, implied=False) if d.implied else d for d in own]
            result[p.provision_id] = [inherited, *own]
        else:
            result[p.provision_id] = own
    return result


def _inherited(p: Provision, by_id: dict[str, Provision], done: dict[str, list[Directive]]) -> Directive | None:
    if not p.parent_id:
        return None
    parent = by_id[p.parent_id]
    if not parent.text.rstrip().endswith(("：", ":")) or not done.get(parent.provision_id):
        return None
    governing = done[parent.provision_id][-1]
    holder = governing.holder or parent.provision_id
    direct = tuple(m if m.holder else replace(m, holder=holder) for m in governing.direct)
    strength = governing.strength
    if strength == "should" and ITEM_CONSIDER_RE.match(p.text):
        strength = "should_consider"
    elif strength == "should" and ITEM_ENDEAVOUR_RE.match(p.text):
        strength = "should_endeavour"
    # the chapeau's own indirect addressees are asked of the chapeau, not of each item
    return Directive(strength, governing.cue_start, governing.cue_end, governing.cue, direct, (), holder=holder)
