"""The controlled vocabularies of the annotations: their one definition, read from ``vocabularies.json``.

The definitions are data (``vocabularies.json`` beside this module): each
vocabulary's current definition and the moment it was recorded. ``wgtip
annotate`` writes a ``VocabularyDefined`` event, with that ``recorded_at``
(never a clock), for each vocabulary whose definition differs from the
log's; the fold reads the events (never this module), so the tables show
what the log says. A later definition replaces an earlier one: old terms keep
their codes and meanings, terms are only added and descriptions sharpened.
Every term has an English and a Chinese label; Chinese labels use the
terminology of the source (缔约国, 缔约方会议, 毒品和犯罪问题办公室, …).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..events import VocabularyDefinedData

DEFINITIONS = Path(__file__).with_name("vocabularies.json")


def _load() -> tuple[tuple[VocabularyDefinedData, ...], dict[str, dt.datetime]]:
    raw = json.loads(DEFINITIONS.read_text(encoding="utf-8"))
    vocabularies, recorded = [], {}
    for item in raw["vocabularies"]:
        v = VocabularyDefinedData.model_validate(item["definition"])
        vocabularies.append(v)
        recorded[v.vocabulary] = dt.datetime.fromisoformat(item["recorded_at"].replace("Z", "+00:00"))
    return tuple(vocabularies), recorded


VOCABULARIES, RECORDED_AT = _load()
"""Every vocabulary, in the order its events are written; and when each definition was recorded."""
