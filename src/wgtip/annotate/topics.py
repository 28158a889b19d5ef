"""Topics: the explicit topic phrase '关于…，' at the start of a provision; items inherit their chapeau's."""

from __future__ import annotations

import re

from ..events import Annotation
from . import Corpus, Result

KIND = "topic"
NAME = "wgtip.annotate.topics"
VERSION = "1"
BY_SECTION = True  # it reads a provision's text and its chapeau's topic

# the phrase runs to the first comma or colon (full- or half-width): 关于培训，… / 关于…的某些概念：
TOPIC_RE = re.compile(r"^关于(?P<topic>[^，,：:。；]+)[，,：:]")


def annotate(corpus: Corpus) -> Result:
    out: Result = {}
    by_id = corpus.by_id()
    for p in corpus.provisions:
        m = TOPIC_RE.match(p.text)
        if m:
            out[p.provision_id] = (Annotation(value=m["topic"], evidence=m.group(), start=0, end=m.end()),)
        elif p.parent_id and out.get(p.parent_id):
            a = out[p.parent_id][0]
            out[p.provision_id] = (a if a.inherited_from else a.model_copy(update={"inherited_from": by_id[p.parent_id].provision_id}),)
        else:
            out[p.provision_id] = ()
    return out
