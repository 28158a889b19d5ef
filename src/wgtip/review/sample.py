"""The draw of the blind gold set: which provisions, by which rule, from which seed.

The population is every provision of release 1.1.0 (paragraphs, items and sub-items, chapeaux
included), its ids sorted in code-point order: the theme, addressee and strength facets count every
provision of the annotated view, chapeaux too, so a measurement of what a facet count means must
sample them all. The draw is not stratified: a simple random sample estimates precision and recall
over all provisions, as the facets weigh them, without weights, and at 120 of 316 every meeting
and every level is drawn (the composition is recorded beside the draw).

The seed is release 1.1.0's log head (the SHA-256 of its last event's line, read as an integer):
fixed before issue 37 was filed, and public, so nobody could have chosen it to favour a sample.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable

RELEASE = "1.1.0"
"""The release whose provisions are the population and whose log head is the seed."""
SIZE = 120
POPULATION_RULE = f"every provision of release {RELEASE} (paragraphs, items and sub-items, chapeaux included), by provision_id sorted in code-point order"
SEED_RULE = f"int(log_head_sha256 of release {RELEASE}, 16), as recorded in its ReleasePublished event and in releases.csv"
DRAW_RULE = "random.Random(seed).sample(population, size) (Python 3.11)"


def population(ids: Iterable[str]) -> list[str]:
    return sorted(ids)


def population_digest(ids: list[str]) -> str:
    """SHA-256 of the population's ids, one per line (each followed by a line feed): to check a copy of it."""
    return hashlib.sha256("".join(f"{i}\n" for i in ids).encode()).hexdigest()


def draw(ids: list[str], seed_hex: str, size: int = SIZE) -> list[str]:
    """The sampled ids, in the order drawn."""
    return random.Random(int(seed_hex, 16)).sample(ids, size)
