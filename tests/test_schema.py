"""The JSON Schemas in schema/ are generated from the event models and agree with them."""

from __future__ import annotations

import json

import jsonschema
from conftest import ROOT

from wgtip import schemas
from wgtip.events import EVENT_TYPES, schema_path
from wgtip.log import segment_files


def test_schema_files_match_the_models():
    assert schemas.drift(ROOT) == []


def test_drift_is_detected(tmp_path):
    (tmp_path / "schema" / "events").mkdir(parents=True)
    schemas.write(tmp_path)
    path = tmp_path / schema_path(EVENT_TYPES[1])
    doc = json.loads(path.read_text())
    doc["properties"]["data"]["description"] = "edited by hand"
    path.write_text(json.dumps(doc))
    (tmp_path / "schema" / "events" / "Stale.v1.schema.json").write_text("{}")
    assert schemas.drift(tmp_path) == sorted([schema_path(EVENT_TYPES[1]), "schema/events/Stale.v1.schema.json"])


def test_every_committed_event_validates_against_its_published_schema():
    validators = {}
    for cls in EVENT_TYPES:
        doc = json.loads((ROOT / schema_path(cls)).read_text())
        validators[cls.__name__] = jsonschema.Draft202012Validator(doc, format_checker=jsonschema.FormatChecker())
    seen = set()
    for path in segment_files(ROOT):
        for line in path.read_bytes().splitlines():
            event = json.loads(line)
            validators[event["type"]].validate(event)
            seen.add(event["type"])
    assert {"MeetingHeld", "RecommendationsAdopted", "RecommendationsProposed", "ProposalsEndorsed", "RecommendationsReferredToConference"} <= seen


def test_published_schema_rejects_what_the_model_rejects():
    doc = json.loads((ROOT / "schema/events/MeetingHeld.v1.schema.json").read_text())
    line = next(raw for p in segment_files(ROOT) for raw in p.read_bytes().splitlines() if b'"MeetingHeld"' in raw)
    event = json.loads(line)
    event["data"]["surprise"] = 1
    assert not jsonschema.Draft202012Validator(doc).is_valid(event)


def test_repository_paths_are_judged_alike_by_the_models_and_their_published_schemas():
    # every model with a repository path checks it in code and publishes it as a pattern: both must agree
    from pydantic import ValidationError

    from wgtip.events import GoldFile, SourceDocumentRegisteredData

    lines = (line for p in segment_files(ROOT) for line in p.read_bytes().splitlines())
    registered = json.loads(next(line for line in lines if b'"SourceDocumentRegistered"' in line))["data"]
    models = {GoldFile: {"sha256": "0" * 64}, SourceDocumentRegisteredData: registered}
    paths = {
        "sources/a.pdf": True,
        "review/gold/x.csv": True,
        "a": True,
        "../etc/passwd": False,
        "/etc/passwd": False,
        "a/../b": False,
        ".git/config": False,
        "a//b": False,
        "a/": False,
        "a\\b": False,
        "a/.hidden": False,
        "a\nb": False,
        "": False,
    }
    for model, fields in models.items():
        pattern = model.model_json_schema()["properties"]["path"]["pattern"]
        for path, inside in paths.items():
            try:
                model.model_validate({**fields, "path": path})
                accepted = True
            except ValidationError as err:
                assert "is not a path inside the repository" in str(err), (model.__name__, path, err)
                accepted = False
            assert accepted is inside, (model.__name__, path)
            assert jsonschema.Draft202012Validator({"type": "string", "pattern": pattern}).is_valid(path) is inside, (model.__name__, path)
