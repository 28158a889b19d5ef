"""The one family of errors a user meets: each says in one line what is wrong and where.

Every error that the user's input (the log, the source document, a command's
arguments, the repository) can cause is a ``WgtipError``, a
``click.ClickException``: the command line shows it, once for every command,
as ``error: <the line>`` on standard error and exits with status 1. The line
never echoes a control or invisible character raw (``characters.printable``):
a hostile field name cannot clear the screen, move the cursor or break the line.
"""

from __future__ import annotations

from typing import IO, Any

import click

from .characters import printable


class WgtipError(click.ClickException):
    """A problem the user can mend, said in one line (``str(error)``)."""

    exit_code = 1

    def format_message(self) -> str:
        return printable(str(self))

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=True)
