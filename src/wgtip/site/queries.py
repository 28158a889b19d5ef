"""Datasette's canned queries: named, parameterised SQL over the data tables."""

from __future__ import annotations

from typing import Any

from .. import search

QUERIES: dict[str, dict[str, Any]] = {
    "provisions_of_meeting": {
        "title": "Provisions of one meeting",
        "description": (
            "Every provision that became a recommendation by the decision of the meeting with this ordinal (1–8), in document order. The third meeting decided none: its proposals were endorsed by "
            "the fourth."
        ),
        "sql": """select provision_id, label, level, adoption, meeting_start_date, meeting_end_date, standalone_text
from provisions
where meeting = :meeting
order by position""",
    },
    "third_meeting_proposals_endorsed_at_fourth": {
        "title": "The third meeting's proposals and their endorsement at the fourth",
        "description": "Recommendations proposed by the Chair at the third meeting (2010) and endorsed, with oral amendments, at the fourth (2011): both meetings and their dates.",
        "sql": """select p.provision_id, p.label, p.proposed_by,
  p.proposed_at_meeting, proposed.start_date as proposed_on,
  p.meeting as endorsed_at_meeting, endorsed.start_date as endorsement_start, endorsed.end_date as endorsement_end,
  p.endorsed_with_oral_amendments, p.standalone_text
from provisions p
join meetings proposed on proposed.meeting = p.proposed_at_meeting
join meetings endorsed on endorsed.meeting = p.meeting
where p.proposed_at_meeting = 3
order by p.position""",
    },
    "timeline_of_meetings": {
        "title": "Timeline of meetings",
        "description": "The meetings in date order, with how many provisions each decided and proposed, by how they were adopted.",
        "sql": """select m.meeting, m.start_date, m.end_date, m.venue, m.report_symbol,
  m.provisions_decided, m.provisions_proposed,
  (select count(*) from provisions p where p.meeting = m.meeting and p.adoption = 'adopted') as adopted,
  (select count(*) from provisions p where p.meeting = m.meeting and p.adoption = 'proposed_and_endorsed') as endorsed_proposals,
  (select count(*) from provisions p where p.meeting = m.meeting and p.adoption = 'recommended_to_conference') as recommended_to_conference,
  m.note
from meetings m
order by m.start_date, m.meeting""",
    },
    "provisions_as_of_release": {
        "title": "The provisions as of a release",
        "description": "Every provision a release contains, with the text it had in that release (from provision_texts), in document order. Parameter: version, e.g. 1.0.0.",
        "sql": """select p.provision_id, p.label, p.level, p.meeting, t.revision, t.text as text_in_release
from provision_texts t
join provisions p on p.provision_id = t.provision_id
join releases r on r.version = :version
join releases first_release on first_release.version = t.from_release
left join releases last_release on last_release.version = t.to_release
where first_release.release_order <= r.release_order
  and (t.to_release is null or last_release.release_order >= r.release_order)
order by +p.position /* "+": find the release's texts first, then sort them, rather than read every provision in order */""",
    },
    "changes_between_releases": {
        "title": "Changes between two releases",
        "description": (
            "What the releases after from_version, up to and including to_version, added, changed or removed, with old and new values and the event that caused each change (`wgtip diff` merges "
            "repeated changes of one field). Both must be releases of this database, to_version the later one (else a 400 says which). More than 1,000 rows: the page shows 1,000 and links the "
            "complete answer."
        ),
        "sql": """select c.change_id, c.version, c.table_name, c.row_id, c.change, c.field, c.old_value, c.new_value, c.event_seq
from changes c
join releases r on r.version = c.version
where r.release_order > (select release_order from releases where version = :from_version)
  and r.release_order <= (select release_order from releases where version = :to_version)
order by c.change_id""",
    },
    "search_provisions": {
        "title": "Search provisions (Chinese full text)",
        "description": (
            'Provisions whose current text has what the query asks, as the search box reads it: every word (儿童 培训 means both; a run without spaces, 儿童培训, is cut into its words), "a phrase" '
            "exactly, -word left out, A OR B either; a word in traditional characters also finds its simplified form. escape_fts() turns it into an expression for the bigram index."
        ),
        "sql": f"""select p.provision_id, p.label, p.meeting, p.adoption, p.{search.SEARCHED_COLUMN}
from provisions p
where p.{search.ORDER_COLUMN} in (select rowid from {search.SEARCH_TABLE} where {search.SEARCH_TABLE} match escape_fts(:q))
order by p.{search.ORDER_COLUMN}""",
    },
}


def canned_queries() -> dict[str, dict[str, Any]]:
    return {name: dict(q) for name, q in QUERIES.items()}
