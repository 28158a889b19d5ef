"""The site says how good the annotations are where they are used (issue 37, item 4): on the home page, and under
each facet that counts a measured kind's annotations. The figures are recomputed here with the evaluation, from the
gold file and the log (the server's copy has the same log)."""

from __future__ import annotations

import html

import pytest
from conftest import ROOT

from wgtip.annotate import evaluate

pytestmark = pytest.mark.server


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "1.000"


@pytest.fixture(scope="module")
def fresh() -> evaluate.Evaluation:
    return evaluate.evaluate(ROOT)


def page(server, path: str) -> str:
    r = server.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return html.unescape(r.text)


def measured(fresh, kind: str, source: str = "published") -> str:
    s = fresh.kinds[source][kind]
    return f"precision {ratio(s.true_positives, s.predicted)}, recall {ratio(s.true_positives, s.expected)}"


def test_the_home_page_says_how_each_kind_was_made_and_its_measured_precision_and_recall(server, fresh):
    text = page(server, "/")
    section = text[text.index('id="annotation-quality"') :]
    section = section[: section.index("</ul>")]
    for kind, title in (("addressee", "Addressees"), ("strength", "Strengths"), ("theme", "Themes")):
        item = section[section.index(f"<strong>{title}</strong>") :]
        item = item[: item.index("</li>")]
        assert f"measured {measured(fresh, kind)} on {fresh.provisions} gold provisions (2026-12-07)" in item, item
        assert f"the keyword rules alone: {measured(fresh, kind, 'rules')}" in item, item
        assert "made by " in item and "rule wgtip.annotate." in item
    assert "review claude-theme-review-1" in section  # the themes' review is named as one of their makers
    assert 'href="/wgtip/annotation_quality"' in text


@pytest.mark.parametrize(
    "path, facet, kind",
    [
        ("/wgtip/provisions_annotated", "themes", "theme"),
        ("/wgtip/provisions_annotated", "addressees", "addressee"),
        ("/wgtip/provisions_annotated", "addressees_any", "addressee"),
        ("/wgtip/provisions_annotated", "strength", "strength"),
        ("/wgtip/provision_themes", "theme", "theme"),
        ("/wgtip/provision_addressees", "addressee", "addressee"),
        ("/wgtip/provision_strength", "strength", "strength"),
    ],
)
def test_each_annotation_facet_says_how_its_values_were_made_and_how_good_they_measured(server, fresh, path, facet, kind):
    text = page(server, path)
    block = text[text.index(f'data-column="{facet}"') :]
    block = block[: block.index("<ul")]
    assert f"measured {measured(fresh, kind)} on {fresh.provisions} gold provisions (2026-12-07)" in block, block
    assert "made by " in block


def test_a_facet_of_no_measured_kind_says_nothing_of_quality(server):
    text = page(server, "/wgtip/provisions_annotated")
    block = text[text.index('data-column="meeting"') :]
    assert 'class="wgtip-facet-quality"' not in block[: block.index("<ul")]
    text = page(server, "/wgtip/provision_references")
    assert 'class="wgtip-facet-quality"' not in text
