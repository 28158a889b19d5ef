"""The licences, stated once: the code's, this project's additions to the data, and the United Nations' terms
for the text it reproduces.

datapackage.json, CITATION.cff, .zenodo.json, pyproject.toml, the site, the
repository's LICENSE-DATA.md and a release's LICENSE all take them from here
(tests/test_licences.py compares them).

The United Nations' terms are not restated: this project could not read their
current wording from the machine the dataset is built on, so it names where
they are and who answers requests, each with the UN page that says so.
"""

from __future__ import annotations

from . import metadata

CODE = {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/license/mit"}
"""The code (src/, tests/, bench/, the scripts): the repository's LICENSE."""

DATA = metadata.LICENSE
"""What this project adds to the data: structure, identifiers, corrections, annotations, vocabularies, the log, descriptions."""

UN_TERMS = {
    "title": "United Nations: Terms of Use (for the text of the recommendations and footnotes and the source document, which are the United Nations')",
    "path": "http://www.un.org/en/sections/about-website/terms-use/index.html",
}
"""Where the UN's terms are: the "Terms of Use" page of the United Nations website, at the address the
Dag Hammarskjöld Library's "Data Terms of Use" (digitallibrary.un.org) gives for the terms that govern UN content."""

UN_PERMISSIONS = "permissions@un.org"
"""Where requests to reuse UN material go, as the Dag Hammarskjöld Library's "Data Terms of Use" and the
UN Office at Geneva's "Copyright Information" page give it."""

SPDX = f"{CODE['name']} AND {DATA['name']}"
"""The repository as a whole (pyproject.toml's ``license``): the code under MIT, the data under CC BY 4.0 (this project's part)."""

SHORT = (
    f"This project's additions (structure, identifiers, corrections, annotations, event log): {DATA['title']} ({DATA['name']}). "
    "The text of the recommendations and footnotes, and the source document, are the United Nations', reproduced under the "
    "United Nations' terms of use, not under this licence."
)
"""One paragraph, for the site and the metadata files."""

UN_CONTENT = (
    "the source document (the Chinese version of the background paper prepared by the Secretariat of the Conference of "
    "the Parties to the United Nations Convention against Transnational Organized Crime, distributed 7 August 2019; in "
    "`sources/`) and every text copied from it as printed: the recommendations "
    "(`provisions.text`, and `current_text` and `standalone_text`, which are that text with this project's corrections), "
    "the footnotes, the meetings' headings and notes, the labels, the document's title and body, and the words quoted as "
    "`evidence` in the annotation tables"
)
PROJECT_CONTENT = (
    "everything else: the tables, columns and identifiers, the dates and other facts read from the source, the corrections "
    "and their reasons, the annotations, vocabularies and rules, the event log, the descriptions and the citations"
)


def data_licence_text() -> str:
    """The data's licence statement (Markdown): the repository's LICENSE-DATA.md and a release's LICENSE."""
    return "\n".join(
        [
            "# Licence of the data",
            "",
            f"{metadata.TITLE} has two parts, under two sets of terms.",
            "",
            "## What is the United Nations'",
            "",
            f"{UN_CONTENT[0].upper()}{UN_CONTENT[1:]}. These are reproduced, character for character, under the United Nations' terms, not under this project's licence.",
            "",
            "This project could not read the current wording of those terms from where the dataset is built, so it does not "
            'restate them. They are on the "Terms of Use" page of the United Nations website, which the Dag Hammarskjöld '
            f'Library\'s "Data Terms of Use" (digitallibrary.un.org) gives as <{UN_TERMS["path"]}>. Read them before you reuse '
            'the text beyond quoting it with its source (the UN Office at Geneva\'s "Copyright Information" page asks that the '
            f"source be quoted in full). Requests for permission go to {UN_PERMISSIONS}, the address both of those pages give.",
            "",
            "## What this project adds",
            "",
            f"{PROJECT_CONTENT[0].upper()}{PROJECT_CONTENT[1:]}: {DATA['title']} ({DATA['name']}), <{DATA['path']}>. Attribute it to "
            f'"{metadata.AUTHOR}" with the version you used, as CITATION.cff or `wgtip cite` gives it.',
            "",
            "## The code",
            "",
            f"The software that makes the data (the repository's `src/`, `tests/` and scripts) is under the {CODE['title']} ({CODE['name']}): the repository's LICENSE.",
            "",
        ]
    )
