"""Fragments of a page kept per build: ``{% kept "name", key… %}…{% endkept %}`` renders its body once per key and build.

A results page shows each record's heading, badges and « where » line, which depend only on the record and the
build: rendered once, they are replayed on every page that lists the record (on the bench's distinct search pages
at 1,000 records the result list was ~40 % of the template time; bench/README.md). The key must name everything the
body reads that is not the build's (the record's kind and id); the build id comes from the page's context
(``kb_build``), so a new build renders every fragment anew. Bounded per worker by the characters kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from kb.search.index import SharedCache

# Characters of rendered fragments kept per worker: ~450 a record for a result's two fragments, so every record of
# a 10,000-record build fits.
KEPT_CHARS = 6_000_000
BUILD = "kb_build"  # the template context's build id (kb.web.templating)


class Fragments(Extension):
    """The ``kept`` tag."""

    tags: ClassVar[set[str]] = {"kept"}

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.kept = SharedCache(KEPT_CHARS, len)

    def parse(self, parser: Parser) -> nodes.Node:
        """``{% kept expr, expr… %}`` body ``{% endkept %}``."""
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endkept",), drop_needle=True)
        call = self.call_method("_render", [nodes.Name(BUILD, "load"), nodes.Tuple(key, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, build: Any, key: tuple[Any, ...], caller: Callable[[], Markup]) -> Markup:
        if not isinstance(build, str):  # rendered outside a served build: nothing to key it on
            return caller()
        found: Markup | None = self.kept.get((build, key))
        if found is None:
            found = caller()
            self.kept.put((build, key), found)
        return found
