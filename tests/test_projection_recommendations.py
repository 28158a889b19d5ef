"""The recommendation events' rules, one at a time (issue 38 item 3: the projection's mutation run found
the fold's refusals reached by no selected test). Each case builds, by hand, the smallest state the rule
needs, and each expectation is the rule as docs/events.md states it: a provision cites a registered
document, by its registered hash and a section; it is adopted at a meeting held before; an identifier is
never reused; a footnote stands within its text; an endorsement endorses pending proposals of an earlier
meeting, and gives them the endorsing meeting and the endorsing paragraph as their chapeau.
"""

from __future__ import annotations

import datetime as dt

import pytest

from wgtip import events as ev
from wgtip.projection import recommendations as rec
from wgtip.projection.state import FoldError, State

SHA = "c" * 64
DAY = dt.date(2026, 1, 5)


def envelope(cls: type[ev.Envelope], seq: int, data: ev.Strict, source: ev.SourceLocator | None) -> ev.Envelope:
    type_ = cls.model_fields["type"].annotation.__args__[0]
    return cls.model_construct(seq=seq, type=type_, schema_version=1, occurred=ev.Occurrence(start=DAY, end=DAY), recorded_at=None, source=source, prev=None, data=data)


def source(document: str = "doc", sha256: str = SHA, section: str | None = "一", line: int | None = 3) -> ev.SourceLocator:
    return ev.SourceLocator.model_construct(document=document, language="zh", sha256=sha256, section=section, paragraph=None, line=line)


def provision(pid: str, paragraph: int = 1, item: str | None = None, subitem: str | None = None, parent: str | None = None, text: str = "文本", footnotes=(), line: int = 10):
    return ev.ProvisionText.model_construct(provision_id=pid, parent_id=parent, paragraph=paragraph, item=item, subitem=subitem, label=f"{paragraph}.", text=text, line=line, footnotes=footnotes)


def fails(handler, state: State, e: ev.Envelope, field: str, words: str) -> None:
    with pytest.raises(FoldError) as caught:
        handler(state, e)
    assert (caught.value.seq, caught.value.field) == (e.seq, field)
    assert words in caught.value.message, caught.value.message


def registered(*meetings: tuple[int, dt.date]) -> State:
    state = State()
    data = ev.SourceDocumentRegisteredData.model_construct(document="doc", sha256=SHA, path="sources/doc.txt", language="zh")
    rec._source_document_registered(state, envelope(ev.SourceDocumentRegistered, 1, data, None))
    for i, (m, start) in enumerate(meetings, 2):
        held = ev.MeetingHeldData.model_construct(meeting=m, heading=f"meeting {m}", start_date=start, end_date=start + dt.timedelta(days=2), venue="Vienna", report_symbol=None, note=None)
        rec._meeting_held(state, envelope(ev.MeetingHeld, i, held, source(line=i)))
    return state


def test_a_document_is_registered_once():
    state = registered()
    assert state.documents["doc"]["event_seq"] == 1 and state.documents["doc"]["sha256"] == SHA
    data = ev.SourceDocumentRegisteredData.model_construct(document="doc", sha256=SHA)
    fails(rec._source_document_registered, state, envelope(ev.SourceDocumentRegistered, 2, data, None), "data.document", "document 'doc' is already registered")


def test_a_meeting_is_held_once_ends_after_it_starts_and_cites_a_registered_document():
    state = registered((1, DAY))
    m = state.meetings[1]
    assert (m["meeting"], m["start_date"], m["end_date"], m["source_document"], m["source_line"], m["event_seq"]) == (1, DAY, DAY + dt.timedelta(days=2), "doc", 2, 2)

    def held(meeting: int, start: dt.date, end: dt.date, where: ev.SourceLocator | None) -> ev.Envelope:
        return envelope(ev.MeetingHeld, 9, ev.MeetingHeldData.model_construct(meeting=meeting, heading="h", start_date=start, end_date=end, venue="v"), where)

    fails(rec._meeting_held, state, held(1, DAY, DAY, source()), "data.meeting", "meeting 1 is already recorded as held (event 2)")
    fails(rec._meeting_held, state, held(2, DAY, DAY - dt.timedelta(days=1), source()), "data.end_date", "2026-01-04 is before start_date 2026-01-05")
    rec._meeting_held(State(documents=dict(state.documents)), held(2, DAY, DAY, source()))  # a one-day meeting
    fails(rec._meeting_held, state, held(2, DAY, DAY, None), "source", "this event type must cite its source")
    fails(rec._meeting_held, state, held(2, DAY, DAY, source(document="other")), "source.document", "document 'other' has not been registered")
    fails(rec._meeting_held, state, held(2, DAY, DAY, source(sha256="d" * 64)), "source.sha256", "does not match the registered SHA-256 of 'doc'")


def adopted(seq: int, meeting: int, *provisions, where: ev.SourceLocator | None = None) -> ev.Envelope:
    data = ev.RecommendationsAdoptedData.model_construct(meeting=meeting, paragraph=1, provisions=provisions)
    return envelope(ev.RecommendationsAdopted, seq, data, where or source())


def test_adopted_provisions_are_recorded_as_the_event_says():
    state = registered((1, DAY))
    fn = ev.Footnote.model_construct(number=1, marker="¹", offset=2, text="注", line=12)
    rec._recommendations_adopted(state, adopted(5, 1, provision("p1", footnotes=(fn,)), provision("p1-a", item="a", parent="p1"), provision("p1-a-i", item="a", subitem="i", parent="p1-a")))
    p = state.provisions["p1"]
    assert (p.level, p.meeting, p.adoption, p.footnotes, p.source_document, p.source_section, p.source_line, p.event_seq) == ("paragraph", 1, "adopted", 1, "doc", "一", 10, 5)
    assert [state.provisions[x].level for x in ("p1", "p1-a", "p1-a-i")] == ["paragraph", "item", "subitem"]
    assert (p.proposed_at_meeting, p.proposed_on, p.proposed_by, p.endorsed_with_oral_amendments) == (None, None, None, None)
    assert state.footnotes == [dict(footnote_id="p1-fn1", number=1, marker="¹", provision_id="p1", offset=2, text="注", source_document="doc", source_line=12, event_seq=5)]
    assert state.provisions_added == 3
    assert [(k, c.change, c.new_value) for k, c in state.pending.items() if k[0] == "footnotes"] == [(("footnotes", "p1-fn1", None), "added", "注")]


def test_referred_and_proposed_provisions_carry_their_adoption():
    state = registered((1, DAY))
    data = ev.RecommendationsReferredToConferenceData.model_construct(meeting=1, paragraph=1, provisions=(provision("r1"),))
    rec._recommendations_referred(state, envelope(ev.RecommendationsReferredToConference, 5, data, source()))
    proposed = ev.RecommendationsProposedData.model_construct(meeting=1, proposed_by="Chair", provisions=(provision("q1", paragraph=2),))
    rec._recommendations_proposed(state, envelope(ev.RecommendationsProposed, 6, proposed, source()))
    assert (state.provisions["r1"].adoption, state.provisions["r1"].meeting) == ("recommended_to_conference", 1)
    q = state.provisions["q1"]
    assert (q.adoption, q.meeting, q.proposed_at_meeting, q.proposed_on, q.proposed_by) == ("proposed", 1, 1, DAY, "Chair")


def test_a_provision_needs_a_meeting_held_a_section_a_new_identifier_an_existing_parent_and_footnotes_in_its_text():
    state = registered((1, DAY))
    rec._recommendations_adopted(state, adopted(5, 1, provision("p1")))
    fails(rec._recommendations_adopted, state, adopted(6, 2, provision("p2")), "data.meeting", "meeting 2 has not been held (no MeetingHeld event before this one)")
    fails(rec._recommendations_adopted, state, adopted(6, 1, provision("p2"), where=source(section=None)), "source.section", "must name the section of the source")
    # a refused event stops the fold (the provisions before the refused one are already in the state): each case below uses new identifiers
    fails(rec._recommendations_adopted, state, adopted(6, 1, provision("p2"), provision("p1")), "data.provisions.1.provision_id", "provision 'p1' already exists (event 5)")
    fails(rec._recommendations_adopted, state, adopted(6, 1, provision("p5", parent="p9")), "data.provisions.0.parent_id", "provision 'p9' does not exist")
    beyond = ev.Footnote.model_construct(number=3, marker="³", offset=3, text="注", line=12)
    fails(
        rec._recommendations_adopted, state, adopted(6, 1, provision("p3", text="文本", footnotes=(beyond,))), "data.provisions.0.footnotes", "footnote 3 offset 3 lies beyond the text (2 characters)"
    )
    at_end = ev.Footnote.model_construct(number=1, marker="¹", offset=2, text="注", line=12)
    rec._recommendations_adopted(state, adopted(7, 1, provision("p4", text="文本", footnotes=(at_end,))))  # a marker after the last character
    assert state.footnotes[-1]["footnote_id"] == "p4-fn1"


def endorsed(seq: int, meeting: int, of: int, ids: tuple[str, ...], chapeau: str = "e1", amended: bool = True) -> ev.Envelope:
    data = ev.ProposalsEndorsedData.model_construct(meeting=meeting, proposals_of_meeting=of, with_oral_amendments=amended, paragraph=1, provisions=(provision(chapeau),), endorsed=ids)
    return envelope(ev.ProposalsEndorsed, seq, data, source())


def test_an_endorsement_takes_pending_proposals_of_an_earlier_meeting():
    state = registered((1, DAY), (2, DAY + dt.timedelta(days=300)), (3, DAY + dt.timedelta(days=600)))
    proposed = ev.RecommendationsProposedData.model_construct(meeting=1, proposed_by="Chair", provisions=(provision("q1"), provision("q1-a", item="a", parent="q1")))
    rec._recommendations_proposed(state, envelope(ev.RecommendationsProposed, 6, proposed, source()))
    rec._recommendations_adopted(state, adopted(7, 2, provision("a1", paragraph=2)))

    fails(rec._proposals_endorsed, state, endorsed(8, 1, 1, ("q1",)), "data.proposals_of_meeting", "meeting 1 was not held before meeting 1")
    fails(rec._proposals_endorsed, state, endorsed(8, 1, 2, ("q1",)), "data.proposals_of_meeting", "meeting 2 was not held before meeting 1")
    fails(rec._proposals_endorsed, state, endorsed(8, 4, 1, ("q1",)), "data.meeting", "meeting 4 has not been held")
    fails(rec._proposals_endorsed, state, endorsed(8, 2, 4, ("q1",)), "data.proposals_of_meeting", "meeting 4 has not been held")
    fails(rec._proposals_endorsed, state, endorsed(8, 2, 1, ("q1", "q9")), "data.endorsed.1", "provision 'q9' does not exist")
    fails(rec._proposals_endorsed, state, endorsed(8, 3, 1, ("a1",)), "data.endorsed.0", "provision 'a1' is not a pending proposal of meeting 1")
    fails(rec._proposals_endorsed, state, endorsed(8, 3, 2, ("q1",)), "data.endorsed.0", "provision 'q1' is not a pending proposal of meeting 2")

    rec._proposals_endorsed(state, endorsed(8, 2, 1, ("q1", "q1-a")))
    q, qa, e = state.provisions["q1"], state.provisions["q1-a"], state.provisions["e1"]
    assert (q.meeting, q.adoption, q.endorsed_with_oral_amendments, q.parent_id, q.proposed_at_meeting) == (2, "proposed_and_endorsed", True, "e1", 1)
    assert (qa.meeting, qa.adoption, qa.parent_id) == (2, "proposed_and_endorsed", "q1")  # an item keeps its own chapeau
    assert (e.meeting, e.adoption) == (2, "adopted")
    fails(rec._proposals_endorsed, state, endorsed(9, 3, 1, ("q1",), chapeau="e2"), "data.endorsed.0", "provision 'q1' is not a pending proposal of meeting 1")


def test_referred_and_proposed_provisions_need_a_meeting_held():
    state = registered((1, DAY))
    data = ev.RecommendationsReferredToConferenceData.model_construct(meeting=2, paragraph=1, provisions=(provision("r1"),))
    fails(rec._recommendations_referred, state, envelope(ev.RecommendationsReferredToConference, 5, data, source()), "data.meeting", "meeting 2 has not been held")
    proposed = ev.RecommendationsProposedData.model_construct(meeting=3, proposed_by="Chair", provisions=(provision("q1"),))
    fails(rec._recommendations_proposed, state, envelope(ev.RecommendationsProposed, 6, proposed, source()), "data.meeting", "meeting 3 has not been held")
