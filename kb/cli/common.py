"""What the commands share: printing problems, opening the built database, keeping a large result until exit."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

# Set when run as the `kb` program (not through click's test runner): objects a command keeps here are never freed
# (kb.cli.LazyGroup ends the process without freeing them).
process_heap: list[Any] | None = None


def keep(obj: Any) -> None:
    """Keep a large result alive until the `kb` program exits; a no-op under test runners."""
    if process_heap is not None:
        process_heap.append(obj)


def print_problems(problems: list[Any], files: int, strict: bool = False) -> None:
    """Every problem as ``path:line: level: message``, in file order, then the summary: all on standard output, the
    command's report (as linters print theirs), so that a pipe or a file gets every message in its order."""
    from kb.content.problems import summary  # the content package loads pydantic: only when a command runs

    for problem in problems:
        click.echo(problem.format())
    click.echo(summary(problems, files, strict))


def without_gc(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a build with the cyclic GC paused: it allocates millions of long-lived objects the GC would only rescan."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return func(*args, **kwargs)
    finally:
        if enabled:
            if process_heap is not None:
                # The `kb` program ends soon after: every object the build made is still in the youngest generation, so
                # the first collection after gc.enable() walked them all (~1M objects, 0.07–0.1 s of a one-file build at
                # 10,000 records). Frozen, they are never scanned again; the process exits without freeing them anyway.
                gc.freeze()
            gc.enable()


@contextlib.contextmanager
def built_context(database_url: str, not_built: str, base_url: str = "", drafts: bool = False) -> Iterator[Any]:
    """The page context (kb.pages.Context) of a command on the built database; exit 1 with ``not_built`` when nothing
    is built there. ``base_url``: the site's address for absolute links ("" keeps paths)."""
    from sqlmodel import Session  # the database stack: only when a command that reads it runs

    from kb.config import resolve_database_url
    from kb.content.urls import Urls
    from kb.pages import Context
    from kb.store import build_info, make_engine
    from kb.store.reader import Reader

    engine = make_engine(resolve_database_url(database_url))
    try:
        with Session(engine) as session:
            info = build_info(session)
            if not info:
                click.echo(not_built, err=True)
                sys.exit(1)
            yield Context(Reader(session, drafts), Urls(base_url.rstrip("/")), info.get("build_id"), info)
    finally:
        engine.dispose()
