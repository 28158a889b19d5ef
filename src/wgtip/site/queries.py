"""Datasette's canned queries: named, parameterised SQL over the data tables.

As-of-release and changes-between-releases queries belong here once the
release tables (issue 3: releases, provision history, changes) exist in the
build; until then there is nothing for them to query.
"""

from __future__ import annotations

from typing import Any

from .. import search

QUERIES: dict[str, dict[str, Any]] = {
    "provisions_of_meeting": {
        "title": "Provisions of one meeting",
        "description": "Every provision that became a recommendation by the decision of the meeting with this ordinal (1–8), in document order. The third meeting decided none: its proposals were endorsed by the fourth.",
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
    "search_provisions": {
        "title": "Search provisions (Chinese full text)",
        "description": "Provisions whose text contains every word of the query (separate words with spaces: 儿童 培训 means both). escape_fts() turns the words into bigram phrases for the index.",
        "sql": f"""select p.provision_id, p.label, p.meeting, p.adoption, p.text
from provisions p
where p.rowid in (select rowid from {search.SEARCH_TABLE} where {search.SEARCH_TABLE} match escape_fts(:q))
order by p.position""",
    },
}


def canned_queries() -> dict[str, dict[str, Any]]:
    return {name: dict(q) for name, q in QUERIES.items()}
