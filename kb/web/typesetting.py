"""French typography set once, not by scanning each page: template text when compiled, printed values once each.

The rules are kb.content.typography's; this module decides where they apply, as the response-wide pass did
(``french_html``: running text only, never tags and their attributes, comments, or the raw elements such as
``<pre>``, ``<code>``, ``<script>``). A Jinja extension follows each HTML template's token stream in those states and:

- typesets the template's own running text once, when the template is compiled;
- turns each run of running text that prints values (the text between two tags, or up to a block tag such as
  ``{% if %}``) into one call of a filter that escapes the values, joins them with the run's own text and typesets
  the whole run, as the response-wide pass typeset that text node; answers are kept per distinct run, so a label, a
  count or a date is typeset once per worker, not once per page;
- leaves values printed inside a tag or a raw element as they were: escaped only;
- prints macro calls as they are: a macro's own text and values went through the same steps.

Where a page's text node is split by a block tag, each side is typeset on its own: the same text unless a value
there begins or ends with what a rule looks across (a space before « : », a number's groups, a URL); the test
renders every page type of the test corpus and of the shipped content both ways and compares them
(tests/web/test_typesetting.py). Measured on the bench's 200 distinct search pages at 1,000 records: the pass over
each response cost ~2 ms of a 9 ms page; typeset runs cost ~0.2 ms (bench/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from kb.content.typography import RAW_ELEMENTS, french, french_html

FILTER = "_kb_french"
# Where the template's text is, in french_html's terms: running text, inside a tag, inside a comment; a raw element's
# state is its name.
TEXT, TAG, COMMENT = "", "<", "!--"
_OPEN_RAW = re.compile(rf"<({'|'.join(RAW_ELEMENTS)})\b", re.I)
_CLOSE = {TAG: re.compile(">"), COMMENT: re.compile("-->")} | {name: re.compile(rf"</{name}\s*>", re.I) for name in RAW_ELEMENTS}
# Callables whose output is a template's own, already typeset: macros, ``caller()`` and ``super()``.
_ALWAYS_CALLED = {"caller", "super"}


def split(state: str, text: str) -> tuple[list[tuple[bool, str]], str]:
    """The pieces of template text met in ``state``, each (is running text, piece), and the state after it."""
    pieces: list[tuple[bool, str]] = []
    pos = 0
    while pos < len(text):
        if state == TEXT:
            start = text.find("<", pos)
            if start < 0:
                pieces.append((True, text[pos:]))
                break
            if start > pos:
                pieces.append((True, text[pos:start]))
            raw = _OPEN_RAW.match(text, start)
            if raw:
                state, pos = raw.group(1).lower(), raw.end()
            elif text.startswith("<!--", start):
                state, pos = COMMENT, start + 4
            else:
                state, pos = TAG, start + 1
            pieces.append((False, text[start:pos]))
            continue
        end = _CLOSE[state].search(text, pos)
        stop = end.end() if end else len(text)
        pieces.append((False, text[pos:stop]))
        state, pos = (TEXT if end else state), stop
    return pieces, state


class _Run:
    """A run of running text: its literal parts around the expressions it prints (tokens between ``{{`` and ``}}``)."""

    def __init__(self) -> None:
        self.literals = [""]
        self.values: list[list[Token]] = []

    def tokens(self, lineno: int) -> list[Token]:
        """Typeset text when nothing is printed, else one filter call over the run."""
        if not self.values:
            return [Token(lineno, "data", french(self.literals[0]))] if self.literals[0] else []

        def t(kind: str, value: Any) -> Token:
            return Token(lineno, kind, value)

        literals = [t("lparen", "(")] + [tok for lit in self.literals for tok in (t("string", lit), t("comma", ","))] + [t("rparen", ")")]
        rest = [tok for value in self.values[1:] for tok in (t("comma", ","), t("lparen", "("), *value, t("rparen", ")"))]
        return [t("variable_begin", "{{"), t("lparen", "("), *self.values[0], t("rparen", ")"), t("pipe", "|"), t("name", FILTER),
                t("lparen", "("), *literals, *rest, t("rparen", ")"), t("variable_end", "}}")]


def _callables(tokens: list[Token]) -> tuple[set[str], set[str]]:
    """(macro names, names of imported templates) of a template: what prints a template's output."""
    names, modules = set(_ALWAYS_CALLED), set()
    for i, tok in enumerate(tokens):
        if tok.type != "block_begin" or i + 2 >= len(tokens):
            continue
        word, after = tokens[i + 1].value, tokens[i + 2]
        if word == "macro" and after.type == "name":
            names.add(after.value)
        elif word in ("import", "from"):
            tag = list(_until(tokens, i, "block_end"))
            named = [t.value for t in tag if t.type == "name"]
            if word == "import" and "as" in named:
                modules.add(named[named.index("as") + 1])
            elif word == "from":
                names.update(n for n in named[named.index("import") + 1 :] if n not in ("as", "with", "without", "context"))
    return names, modules


def _until(tokens: list[Token], start: int, end: str) -> Iterable[Token]:
    for tok in tokens[start + 1 :]:
        if tok.type == end:
            return
        yield tok


def _prints_template(expr: list[Token], names: set[str], modules: set[str]) -> bool:
    """True when an expression calls a macro (``m(…)``, ``module.m(…)``), whose output is typeset already."""
    kinds = [t.type for t in expr[:4]]
    if kinds[:2] == ["name", "lparen"]:
        return expr[0].value in names
    return kinds == ["name", "dot", "name", "lparen"] and expr[0].value in modules


class Typesetting(Extension):
    """Typesets HTML templates' running text at compile time and their printed values through the run filter."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        """The template's tokens with its running text typeset (HTML templates only: ``.html``, or from a string)."""
        if stream.name is not None and not stream.name.endswith(".html"):
            return stream
        return self._walk(list(stream), stream.name)[0]

    def _block_states(self, name: str) -> dict[str, str]:
        """The state at the start of each block of a parent template (its text is typeset when it is compiled)."""
        env = self.environment
        assert env.loader is not None
        source, filename, _uptodate = env.loader.get_source(env, name)
        return self._walk(list(env.lexer.tokenize(source, name, filename)), name)[1]

    def _walk(self, tokens: list[Token], name: str | None) -> tuple[list[Token], dict[str, str]]:
        """The transformed tokens, and the state at the start of each block (for templates that extend this one)."""
        names, modules = _callables(tokens)
        out: list[Token] = []
        state, run, saved = TEXT, _Run(), []
        parent: dict[str, str] | None = None
        blocks: dict[str, str] = {}
        depth, i = 0, 0

        def flush(lineno: int) -> None:
            nonlocal run
            out.extend(run.tokens(lineno))
            run = _Run()

        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "data":
                pieces, state = split(state, tok.value)
                for is_text, piece in pieces:
                    if is_text:
                        run.literals[-1] += piece
                    else:
                        flush(tok.lineno)
                        out.append(Token(tok.lineno, "data", piece))
                i += 1
                continue
            if tok.type not in ("variable_begin", "block_begin"):
                flush(tok.lineno)
                out.append(tok)
                i += 1
                continue
            inner = list(_until(tokens, i, "variable_end" if tok.type == "variable_begin" else "block_end"))
            whole = tokens[i : i + len(inner) + 2]
            i += len(inner) + 2
            if tok.type == "variable_begin":
                called = _prints_template(inner, names, modules)
                if state == TEXT and not called:
                    run.values.append(inner)
                    run.literals.append("")
                    continue
                if called and state != TEXT:
                    raise TemplateSyntaxError("a macro's typeset text printed inside a tag or a raw element", tok.lineno, name)
                flush(tok.lineno)
                out.extend(whole)
                continue
            flush(tok.lineno)
            out.extend(whole)
            word = inner[0].value if inner and inner[0].type == "name" else ""
            if word in ("macro", "call") or (word == "set" and not any(t.type == "assign" for t in inner)):
                saved.append(state)  # a macro's or a captured block's text starts as running text
                state = TEXT
            elif word in ("endmacro", "endcall", "endset"):
                state = saved.pop() if saved else TEXT
            elif word == "extends" and len(inner) > 1 and inner[1].type == "string":
                parent = self._block_states(inner[1].value)
            elif word == "block" and len(inner) > 1:
                if parent is not None and depth == 0:
                    state = parent.get(inner[1].value, TEXT)
                blocks[inner[1].value] = state
                depth += 1
            elif word == "endblock":
                depth -= 1
        flush(tokens[-1].lineno if tokens else 1)
        return out, blocks


# Typeset runs kept per environment (one per worker), by their text; emptied when full (a page's runs come back at once).
KEPT = 20_000
LONGEST = 4_000  # longer runs (a Markdown body) are typeset each time rather than held


class Runs:
    """The run filter: typesets a run of running text, and keeps what it typeset."""

    def __init__(self) -> None:
        self.values: dict[str, Markup] = {}
        self.parts: dict[tuple[Any, ...], Markup] = {}
        self.runs: dict[str, Markup] = {}

    def __call__(self, first: Any, literals: tuple[str, ...], *rest: Any) -> Markup:
        """A run's literal parts and its values, escaped as Jinja prints them, typeset as one text node."""
        if not rest and type(first) is str and not literals[0] and not literals[1]:
            # One plain value alone between two tags (a title, a label): the commonest run.
            done = self.values.get(first)
            return done if done is not None else _keep(self.values, first, self._typeset(literals, (first,)))
        values = (first, *rest)
        if all(type(value) in _PLAIN for value in values) and sum(len(v) for v in values if type(v) is str) <= LONGEST:
            # Texts and numbers: the run is known by its parts, without escaping and joining them again.
            key = (literals, *values)
            done = self.parts.get(key)
            return done if done is not None else _keep(self.parts, key, self._typeset(literals, values))
        return self._typeset(literals, values)

    def _typeset(self, literals: tuple[str, ...], values: tuple[Any, ...]) -> Markup:
        parts = [literals[0]]
        for value, literal in zip(values, literals[1:], strict=True):
            parts += [str(escape(value)), literal]
        text = "".join(parts)
        done = self.runs.get(text)
        if done is None:
            # A value that is markup (Markdown, a snippet with <mark>) brings tags: only the text between them is typeset.
            done = _keep(self.runs, text, Markup(french_html(text) if "<" in text else french(text)))
        return done


_PLAIN = (str, int)


def _keep(cache: dict[Any, Markup], key: Any, value: Markup) -> Markup:
    if not isinstance(key, str) or len(key) <= LONGEST:
        if len(cache) >= KEPT:
            cache.clear()
        cache[key] = value
    return value


class Printing(CodeGenerator):
    """Jinja's code generator, printing a run as the filter returns it: Markup, escaped and typeset already.

    Jinja prints every value through ``escape()``, which makes a new Markup of a Markup (a copy of the text): ~200
    runs on an uncached results page, ~0.3 ms of its ~4.5 ms at 1,000 records (bench/README.md). Only the filter's
    own calls skip it, and only where autoescaping is fixed on (the site's .html templates).
    """

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _printed_run(node, frame, finalize):
            self.write("(")
            return
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _printed_run(node, frame, finalize):
            self.write(")")
            return
        super()._output_child_post(node, frame, finalize)


def _printed_run(node: nodes.Expr, frame: Frame, finalize: Any) -> bool:
    return (isinstance(node, nodes.Filter) and node.name == FILTER and finalize.src is None and frame.eval_ctx.autoescape
            and not frame.eval_ctx.volatile)


def install(env: Environment) -> None:
    """Typeset the HTML templates of a Jinja environment (the site's; the e-mail cards' could take it too)."""
    env.add_extension(Typesetting)
    env.filters[FILTER] = Runs()
    env.code_generator_class = Printing
