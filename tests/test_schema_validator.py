"""verify's two JSON Schema validators agree: fastjsonschema accepts exactly what jsonschema (the
reference implementation of Draft 2020-12) accepts, on the log's own events and on any edit of
them; a schema that draft 7 would read otherwise is refused."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import orjson
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wgtip.events import BY_NAME, schema_path
from wgtip.log import segment_files
from wgtip.schema_validator import PublishedSchema, unsupported
from wgtip.upcast import upcast

SCHEMAS = {name: json.loads((ROOT / schema_path(cls)).read_text(encoding="utf-8")) for name, cls in BY_NAME.items()}
COMPILED = {name: PublishedSchema(schema) for name, schema in SCHEMAS.items()}
REFERENCE = {name: jsonschema.Draft202012Validator(schema) for name, schema in SCHEMAS.items()}
EVENTS = [upcast(orjson.loads(line)) for path in segment_files(ROOT) for line in path.read_bytes().splitlines()]


def paths(value: Any, at: tuple = ()) -> list[tuple]:
    """Every place in a JSON value: dict keys and list indexes, depth first."""
    out = [at]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*at, i))
    return out


def edited(event: dict, at: tuple, how: str, new: Any) -> dict:
    copy = json.loads(json.dumps(event))
    if not at:
        return new if how == "replace" else copy
    parent = copy
    for step in at[:-1]:
        parent = parent[step]
    if how == "replace":
        parent[at[-1]] = new
    elif how == "delete" and isinstance(parent, dict):
        del parent[at[-1]]
    elif how == "add" and isinstance(parent, dict):
        parent["unexpected_field"] = new
    return copy


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.0, 1.0, 2.5, -1.5, 10**12])
    | st.text(max_size=4)
    | st.sampled_from(["", "1", "1.0.0", "2026-12-01", "2026-12-01T00:00:00Z", "a" * 64, "0" * 64, "wgtip-m1-p1", "zh"]),
    lambda children: st.lists(children, max_size=2) | st.dictionaries(st.text(max_size=3), children, max_size=2),
    max_leaves=4,
)


def test_every_event_of_the_log_is_valid_for_both():
    assert len({e["type"] for e in EVENTS}) >= 8
    for event in EVENTS:
        assert COMPILED[event["type"]].first_error(event) is None
        assert not list(REFERENCE[event["type"]].iter_errors(event))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_edit_of_an_event_gets_jsonschemas_verdict(data):
    event = data.draw(st.sampled_from(EVENTS))
    at = data.draw(st.sampled_from(paths(event)))
    how = data.draw(st.sampled_from(["replace", "replace", "delete", "add"]))
    instance = edited(event, at, how, data.draw(json_values))
    reference = min(REFERENCE[event["type"]].iter_errors(instance), key=lambda e: list(e.absolute_path), default=None)
    got = COMPILED[event["type"]].first_error(instance)
    if reference is None:
        assert got is None
    else:
        assert got == (".".join(str(p) for p in reference.absolute_path) or "(event)", reference.message)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fastjsonschema_alone_accepts_only_what_jsonschema_accepts(data):
    """The fast path decides alone only when it accepts: it must never accept an invalid event."""
    import fastjsonschema

    event = data.draw(st.sampled_from(EVENTS))
    instance = edited(event, data.draw(st.sampled_from(paths(event))), data.draw(st.sampled_from(["replace", "delete", "add"])), data.draw(json_values))
    try:
        COMPILED[event["type"]]._fast(instance)
    except fastjsonschema.JsonSchemaValueException:
        return
    assert not list(REFERENCE[event["type"]].iter_errors(instance)), instance


@pytest.mark.parametrize(
    "schema, problem",
    [
        ({"prefixItems": [{"type": "string"}]}, "keyword 'prefixItems'"),
        ({"properties": {"a": {"unevaluatedProperties": False}}}, "keyword 'unevaluatedProperties'"),
        ({"$defs": {"X": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/X", "minLength": 2}}}, "$ref '#/$defs/X' beside minLength"),
        ({"items": [{"type": "string"}]}, "items given as a list"),
        ({"anyOf": [{"dependentRequired": {"a": ["b"]}}]}, "keyword 'dependentRequired'"),
    ],
)
def test_a_schema_draft_7_would_read_otherwise_is_refused(schema, problem):
    assert problem in unsupported(schema)
    with pytest.raises(ValueError, match="fastjsonschema"):
        PublishedSchema(schema)


def test_the_published_schemas_use_nothing_draft_7_reads_otherwise():
    assert {name: unsupported(schema) for name, schema in SCHEMAS.items()} == {name: [] for name in SCHEMAS}
