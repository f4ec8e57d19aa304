"""The ``kb`` command: a click group of thin commands over plain functions, one module per area.

Owns the command line only: shared options are declared once (kb.cli.options), and each command's module is
imported when that command runs or is listed, so `kb check` never loads the web stack nor another command's. May
import any subsystem; nothing imports it.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from kb.cli import common, french

# Before any command module builds its options: Click computes some texts then (a path type's « file » name).
french.install()

from kb.cli.options import GROUP  # noqa: E402  # after the catalogue, for the reason above

# Command name -> (module, attribute): a command, imported on first use.
COMMANDS = {
    "check": ("kb.cli.content", "check"),
    "new": ("kb.cli.content", "new"),
    "schema": ("kb.cli.content", "schema"),
    "links": ("kb.cli.content", "links"),
    "import": ("kb.cli.importing", "import_cmd"),
    "demo-corpus": ("kb.cli.importing", "demo_corpus"),
    "build": ("kb.cli.build", "build"),
    "search": ("kb.cli.searching", "search_cmd"),
    "serve": ("kb.cli.serving", "serve"),
    "export": ("kb.cli.reports", "export_cmd"),
    "stats": ("kb.cli.reports", "stats_cmd"),
    "digest": ("kb.cli.reports", "digest_cmd"),
    "autolink": ("kb.cli.reports", "autolink_cmd"),
}


class LazyGroup(click.Group):
    """A command group that imports each command's module on first use."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The `kb` program: after a build, end the process without freeing its heap one object at a time."""
        common.process_heap = []
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            if not common.process_heap:
                raise
            # A build leaves about a million objects (the validated corpus): a last cyclic-GC pass over them, freeing
            # them, then the interpreter's own teardown took ~0.13 s of a one-file build at 10,000 records.
            # Everything is written and closed by then (the engine is disposed, the output flushed below).
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if not isinstance(exc.code, int | None):
                print(exc.code, file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module the first time."""
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attr = COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, **GROUP)
def main() -> None:
    """kb — base de connaissances des livres blancs et des actions régionales."""
