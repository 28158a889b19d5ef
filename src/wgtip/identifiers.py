"""Deterministic identifiers.

A provision's identifier is its place in the compilation: the meeting's
section, the paragraph, the item letter and the sub-item numeral. It is
URL-safe (lower-case letters, digits and hyphens, so Datasette row URLs need
no escaping) and, because the compilation never changes, never reused.
"""

from __future__ import annotations

DATASET = "wgtip"


def provision_id(meeting: int, paragraph: int, item: str | None = None, subitem: str | None = None) -> str:
    parts = [DATASET, f"m{meeting}", f"p{paragraph}"]
    if item:
        parts.append(item)
        if subitem:
            parts.append(subitem)
    return "-".join(parts)


def footnote_id(provision: str, number: int) -> str:
    return f"{provision}-fn{number}"
