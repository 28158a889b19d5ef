"""The reference pages under docs/ that ``wgtip docs`` generates from the code and the log.

It sits at the top of the layers, beside the CLI: it reads the command tree
(passed in, not imported), the site's settings, the annotation rules and the
log, and nothing below imports it. ``wgtip docs --check`` (a test, the
pre-commit hook and CI) fails when a page differs from what it would write.
"""

from __future__ import annotations

from pathlib import Path

import click


def reference_pages(root: Path, commands: click.Group) -> dict[str, bytes]:
    from . import annotation_pages, bad_input, quality, site
    from . import commands as commands_page

    pages = {
        "docs/commands.md": commands_page.page(commands, root),
        "docs/bad-input.md": bad_input.page(),
        "docs/vocabularies.md": annotation_pages.vocabularies_page(root),
        "docs/annotation-rules.md": annotation_pages.rules_page(),
        "docs/annotation-quality.md": quality.page(root),
        "docs/site-reference.md": site.page(),
    }
    return {path: text.encode() for path, text in pages.items()}
