"""An event against its published JSON Schema, fast enough for a million events.

jsonschema, the reference implementation of Draft 2020-12, takes ~0.4 ms an
event: most of the eleven minutes ``wgtip verify`` took at a million events.
fastjsonschema compiles each schema into Python code and accepts a valid
event ~17 times faster. So every event goes through fastjsonschema first;
only an event it rejects goes to jsonschema, which decides and names the
problem (path and message, as verify has always worded them). The verdict
is then jsonschema's unless fastjsonschema accepts what jsonschema would
not; tests/test_schema_validator.py looks for such an event. Both are independent of
the pydantic models the schemas are generated from.

fastjsonschema implements drafts 4, 6 and 7, not 2020-12. For the keywords
these schemas use, the two drafts mean the same (``SAME_IN_DRAFT_7``; a
``$ref`` has only annotations beside it, which draft 7 would ignore, and
``items`` is one schema, not a list): ``unsupported`` names any other use,
and a schema with one is refused rather than checked under the wrong rules.
Formats are annotations in 2020-12 (jsonschema checks none here), so
fastjsonschema checks none either; it fills in no defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastjsonschema
import jsonschema

SAME_IN_DRAFT_7 = frozenset(
    {
        # annotations and structure
        "$schema",
        "$id",
        "$defs",
        "definitions",
        "$ref",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
        # validation keywords that mean the same in draft 7 and 2020-12
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "properties",
        "patternProperties",
        "additionalProperties",
        "propertyNames",
        "items",
        "contains",
    }
)
"""Keywords draft 7 reads as 2020-12 does. Not among them: ``prefixItems``, ``unevaluated*``,
``dependent*``, ``minContains``/``maxContains``, ``$anchor``, ``$dynamic*`` (2019-09 and later)."""
ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly"})
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_VALUES = ("not", "if", "then", "else", "items", "additionalProperties", "propertyNames", "contains")


def _subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """``schema`` and every schema inside it (not the values of ``default``, ``const``, ``enum``, …)."""
    if not isinstance(schema, dict):
        return  # a boolean schema, or a list where a schema should be (named by ``unsupported``)
    yield schema
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            children = list(value.values())
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            children = value
        elif key in _SCHEMA_VALUES:
            children = [value]
        else:
            continue
        for child in children:
            yield from _subschemas(child)


def unsupported(schema: dict[str, Any]) -> list[str]:
    """What in ``schema`` draft 7 would read otherwise than 2020-12 (empty if nothing)."""
    problems = []
    for sub in _subschemas(schema):
        problems += [f"keyword {k!r}" for k in sorted(set(sub) - SAME_IN_DRAFT_7)]
        if "$ref" in sub and set(sub) - ANNOTATIONS - {"$ref"}:
            problems.append(f"$ref {sub['$ref']!r} beside {', '.join(sorted(set(sub) - ANNOTATIONS - {'$ref'}))}")
        if isinstance(sub.get("items"), list):
            problems.append("items given as a list")
    return problems


class PublishedSchema:
    """One event type's published schema, compiled for both validators."""

    def __init__(self, schema: dict[str, Any]):
        problems = unsupported(schema)
        if problems:
            raise ValueError("uses what fastjsonschema (draft 7) would read otherwise: " + "; ".join(problems))
        # $id is relative (the schema's path in the repository): fastjsonschema would resolve
        # each "#/$defs/…" against it as a remote document; without it they resolve in the schema
        self._fast = fastjsonschema.compile({k: v for k, v in schema.items() if k != "$id"}, use_default=False, use_formats=False)
        self._full = jsonschema.Draft202012Validator(schema)

    def first_error(self, instance: Any) -> tuple[str, str] | None:
        """None if ``instance`` is valid; else where (a dotted path, or "(event)") and jsonschema's message."""
        try:
            self._fast(instance)
            return None
        except fastjsonschema.JsonSchemaValueException:
            pass
        # jsonschema decides what fastjsonschema rejects (so the verdict is never stricter than it)
        error = min(self._full.iter_errors(instance), key=lambda e: list(e.absolute_path), default=None)
        if error is None:
            return None
        return ".".join(str(p) for p in error.absolute_path) or "(event)", error.message
