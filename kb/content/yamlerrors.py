"""PyYAML's syntax errors in French, at the line an editor should look at.

The parser notices an unclosed quote or bracket where it gives up, often many lines later; when it knows where the
construct opened (its context mark), or when a quoted text visibly swallowed the keys below it, the problem is
reported at the opening line, and the message names the line where the parser stopped.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# What the parser says it expected or found (token ids), as an editor would name it.
_TOKENS = {
    "<scalar>": "une valeur",
    "<block end>": "la fin du bloc",
    "<block mapping start>": "une clé",
    "<block sequence start>": "une liste",
    "<document start>": "« --- »",
    "<document end>": "« ... »",
    "<stream end>": "la fin du fichier",
    "<stream start>": "le début du fichier",
    "<alias>": "un alias « * »",
    "<anchor>": "une ancre « & »",
    "<tag>": "une étiquette « ! »",
    "<directive>": "une directive « % »",
    "-": "un élément de liste « - »",
    "?": "une clé complexe « ? »",
    ":": "« : »",
    ",": "« , »",
    "[": "« [ »",
    "]": "« ] »",
    "{": "« { »",
    "}": "« } »",
}

_QUOTE_HINT = "mettez la valeur entre guillemets"
# Problem texts of PyYAML's scanner, parser, composer and constructor (regex → French; groups are the quoted parts).
_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), fr)
    for p, fr in [
        (r"mapping values are not allowed here", "deux-points inattendu : indentation incorrecte ou texte à mettre entre guillemets"),
        (r"could not find expected ':'", "« : » attendu après une clé"),
        (r"did not find expected key", "clé attendue : indentation incorrecte"),
        (r"did not find expected '-' indicator", "élément de liste « - » attendu : indentation incorrecte"),
        (r"did not find expected node content", f"valeur attendue : {_QUOTE_HINT}"),
        (r"found character '\\t' that cannot start any token", "tabulation interdite : indentez avec des espaces"),
        (r"found character '(.)' that cannot start any token", f"« {{0}} » ne peut pas commencer une valeur : {_QUOTE_HINT}"),
        (r"found unexpected end of stream", "fin de fichier inattendue (guillemet non fermé ?)"),
        (r"found unexpected document separator", "« --- » inattendu en début de ligne (guillemet non fermé ?)"),
        (r"but found another document|expected a single document in the stream", "un seul enregistrement par fichier (« --- » en trop)"),
        (r"sequence entries are not allowed here", "élément de liste « - » inattendu ici : indentation incorrecte"),
        (r"mapping keys are not allowed here", "clé complexe « ? » inattendue ici"),
        (
            r"found unknown escape character '(.*)'",
            "séquence « \\{0} » inconnue entre guillemets doubles : écrivez « \\\\ » ou utilisez des guillemets simples",
        ),
        (r"expected escape sequence of \d+ hexadecimal numbers", "séquence « \\x », « \\u » ou « \\U » incomplète entre guillemets"),
        (r"expected a comment or a line break, but found '(.*)'", f"texte inattendu après la valeur (« {{0}} ») : {_QUOTE_HINT} entière"),
        (r"expected chomping or indentation indicators", "après « | » ou « > », seuls « - », « + » ou un chiffre sont permis"),
        (r"expected indentation indicator in the range 1-9", "l'indentation d'un bloc « | » ou « > » s'indique de 1 à 9"),
        (r"expected alphabetic or numeric character, but found '(.*)'", f"« * », « & » ou « ! » en début de valeur : {_QUOTE_HINT}"),
        (
            r"expected ' ', but found '(.*)'|expected '!', but found|expected URI|expected '>'|expected non-empty name",
            f"étiquette « ! » invalide : {_QUOTE_HINT}",
        ),
        (
            r"expected a digit|found incompatible YAML document|found duplicate YAML directive|"
            r"duplicate tag handle|found undefined tag handle",
            f"directive « % » invalide : {_QUOTE_HINT}",
        ),
        (r"exceeded maximum nesting depth", "imbrication trop profonde"),
        (r"found unhashable key", "clé invalide : une clé doit être un texte"),
        (r"found undefined alias '(.*)'", "alias « *{0} » interdit : recopiez la valeur"),
        (r"found duplicate anchor '(.*)'", "ancre « &{0} » interdite"),
        (r"could not determine a constructor for the tag '(.*)'", "étiquette YAML « {0} » interdite"),
        (r"expected ',' or '\]', but got '(.*)'", "« , » ou « ] » attendu dans la liste entre crochets"),
        (r"expected ',' or '\}', but got '(.*)'", "« , » ou « }} » attendu dans l'objet entre accolades"),
        (r"expected (.+), but found '?(.+?)'?$", "élément inattendu ici ({1}) : indentation incorrecte ou texte à mettre entre guillemets"),
    ]
]
_UNCLOSED = {
    "while parsing a flow sequence": "crochet « [ » ouvert ligne {open} jamais fermé",
    "while parsing a flow mapping": "accolade « {{ » ouverte ligne {open} jamais fermée",
    "while scanning a quoted scalar": "guillemet ouvert ligne {open} jamais fermé",
}
# A line inside a quoted text that looks like a key or a list item: the quote above it was left open.
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*\s*:(?:\s|$)", re.M)


def _token(name: str) -> str:
    return _TOKENS.get(name.strip("'"), f"« {name.strip(chr(39))} »")


def _translate(problem: str) -> str:
    """One parser message in French (the parser's own words, in parentheses, for what has no translation yet)."""
    for pattern, french in _PROBLEMS:
        m = pattern.search(problem)
        if m:
            groups = [_token(g) if french.startswith("élément inattendu") else g for g in m.groups()]
            return french.format(*groups)
    return f"structure invalide (message de l'analyseur : {problem})"


def _swallowing_quote(text: str, stop_line: int) -> Any:
    """The last quoted text, before the parser stopped, that spans lines and holds what looks like keys: its token."""
    loader = yaml.SafeLoader(text)
    found = None
    try:
        while loader.check_token():
            token = loader.get_token()
            if token.start_mark.line > stop_line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line > token.start_mark.line:
                inner = text[token.start_mark.index + 1 : token.end_mark.index - 1]
                if _KEY_LINE.search(inner):
                    found = token
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return found


def locate_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """(line, French message) for a syntax error: the line where the fault is, which may be before the parser stopped."""
    mark = exc.problem_mark or exc.context_mark
    stop = mark.line + 1 if mark else 1
    context, problem = str(exc.context or ""), str(exc.problem or "")
    opened = _UNCLOSED.get(context)
    if opened and exc.context_mark is not None and "escape" not in problem:
        line = exc.context_mark.line + 1
        return line, opened.format(open=line) + (f" (l'analyse s'est arrêtée ligne {stop})" if stop != line else "")
    quote = _swallowing_quote(text, stop - 1)
    if quote is not None:
        line = quote.start_mark.line + 1
        return line, (
            f"guillemet ouvert ligne {line} jamais fermé : le texte continue jusqu'au guillemet de la ligne "
            f"{quote.end_mark.line + 1} (l'analyse s'est arrêtée ligne {stop})"
        )
    if context == "while scanning a simple key" and exc.context_mark is not None:
        # « could not find expected ':' » is noticed on the next line; the key without its colon is on this one.
        line = exc.context_mark.line + 1
        return line, "« : » attendu après une clé (ou texte à mettre entre guillemets)"
    return stop, _translate(problem or context)
