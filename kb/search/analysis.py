"""French text analysis for search: folding, stop words, elision, stemming, query building."""

from __future__ import annotations

import functools
import re
from functools import lru_cache

from whoosh import query as wq
from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from kb.search import steering
from kb.search.engine import CappedPrefix
from kb.search.steering import Steer
from kb.search.steering import Table as SteeringTable
from kb.search.stopwords import FOLDED_STOPS, FRENCH_STOPS

MIN_PREFIX = 3
MAX_QUERY_CHARS = 256
# Bounded cost: a query keeps its first MAX_WORDS words (a prefix's expansion is capped in kb.search.engine).
MAX_WORDS = 12
# As long as the longest record id (typed in the box, it opens the record); longer is noise.
MAX_WORD_CHARS = 80
# Each « mot* » expands to many words: a query keeps its first MAX_PREFIXES of them.
MAX_PREFIXES = 4
# The searched text fields. BM25 saturates a field's index-time weight (three occurrences score about 1.6 times one),
# so weights are also applied at query time, where they multiply: a title match is doubled (it clearly outranks the
# same word in a body), a quote's halved (a source's words, not ours).
SEARCHED = ("title", "summary", "content", "quotes")
FIELD_BOOSTS = {"title": 2.0, "quotes": 0.5}
# A synonym counts less than the word typed: « PMI » ranks the records that say PMI (in their title: the coupe-file
# PMI) above those that say PME (the Normandie action with « PME industrielles » in its title and PMI in its summary).
SYNONYM_WEIGHT = 0.3
# Added to a record's score (BM25F, about 1 to 30 here) when the whole query is its title, word for word after
# analysis (« souveraineté énergétique », « Normandie »): such a record comes first.
EXACT_TITLE_BONUS = 100.0
# Added to a mesure phare's score: it passes a peer proposal of the same score, never a clearly better match.
FLAGSHIP_BONUS = 0.1
# A word: letters and digits. Dots split (« bfc-industries.com » gives bfc, industries, com; « 25.000 » gives 25, 000).
WORD = r"\w+"


def french_analyzer() -> Analyzer:
    """Tokenise, lowercase, drop stop words, fold accents, then stem (folding first makes « securite » meet « sécurité »)."""
    return (
        RegexTokenizer(WORD)
        | LowercaseFilter()
        | StopFilter(stoplist=FRENCH_STOPS | FOLDED_STOPS, minsize=2)
        | CharsetFilter(accent_map)
        | StemFilter(lang="fr")
    )


def folding_analyzer() -> Analyzer:
    """Unstemmed, accent-folded words: feeds spelling suggestions."""
    stop = StopFilter(stoplist=FRENCH_STOPS | FOLDED_STOPS, minsize=3)
    return RegexTokenizer(WORD) | LowercaseFilter() | stop | CharsetFilter(accent_map)


_FR = french_analyzer()
_FOLD = folding_analyzer()


@lru_cache(maxsize=4096)
def stems(text: str) -> tuple[str, ...]:
    """The index terms French analysis makes of a text."""
    return tuple(t.text for t in _FR(text))


def fold(text: str) -> str:
    """Lowercase, accent-free form of a text."""
    return "".join(t.text for t in _FOLD(text, removestops=False, mode="query"))


def folded_words(text: str) -> list[str]:
    """The unstemmed, folded, non-stop words of a text."""
    return [t.text for t in _FOLD(text)]


def title_key(text: str) -> str:
    """A title as the exact-title match compares it: its index terms, in order."""
    return " ".join(stems(text))


def clean_query(raw: str) -> str:
    """Bound the query (characters, words, word length) and drop control characters (NUL and the like) before parsing."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    words = text[: MAX_QUERY_CHARS * 4].split()[:MAX_WORDS]
    return " ".join(w[:MAX_WORD_CHARS] for w in words)[:MAX_QUERY_CHARS]


def _unit(stem_seq: tuple[str, ...], weight: float = 1.0) -> wq.Query:
    """Query for one word (or a word the tokenizer splits, such as « coupe-file »), across fields."""
    if len(stem_seq) == 1:
        s = stem_seq[0]
        arms: list[wq.Query] = _fields(s, weight)
        if len(s) >= 5:
            # Snowball gives « industrie » → industr but « industriels » → industriel: a weaker prefix arm joins them.
            arms.append(CappedPrefix("content", s, boost=0.5 * weight))
        # And the other way round: « foncière » → foncier must meet « foncier » → fonci.
        arms += [wq.Term("content", s[:-k], boost=0.3 * weight) for k in (1, 2) if len(s) - k >= 5]
        return wq.Or(arms)
    return wq.Or([wq.Phrase(f, list(stem_seq), boost=weight * FIELD_BOOSTS.get(f, 1.0)) for f in ("title", "content", "quotes")])


Synonyms = dict[tuple[str, ...], list[tuple[str, ...]]]


def _is_acronym(term: str) -> bool:
    """A term written in capitals in the synonyms file (« AN »): a sigle, expanded only when typed in capitals."""
    return term.isupper() and term.isalpha()


def _fields(stem: str, weight: float = 1.0) -> list[wq.Query]:
    """A stem in each searched field, each with its field's weight."""
    return [wq.Term(f, stem, boost=weight * FIELD_BOOSTS.get(f, 1.0)) for f in SEARCHED]


def exact_query(text: str) -> wq.Query | None:
    """The words of a text as written (their own index terms, in any searched field), without prefixes or synonyms.

    The same term queries as a search for the text makes: checking a word costs nothing once it was searched.
    """
    terms = stems(text)
    return wq.Or([arm for t in terms for arm in _fields(t)]) if terms else None


def _synonym_table(groups: list[list[str]]) -> tuple[Synonyms, dict[str, list[tuple[str, ...]]]]:
    """Each term's analysed form → the other forms of its group; and each sigle (as written) → its group's forms.

    A sigle is never found by the other terms: « an » is also a word (« par an »), so only « AN » typed in
    capitals finds « assemblée nationale ».
    """
    table: Synonyms = {}
    acronyms: dict[str, list[tuple[str, ...]]] = {}
    for group in groups:
        forms = list(dict.fromkeys(s for s in (stems(term) for term in group if not _is_acronym(term)) if s))
        for form in forms:
            table.setdefault(form, [])
            table[form] += [f for f in forms if f != form and f not in table[form]]
        for term in filter(_is_acronym, group):
            acronyms[term] = [f for f in forms if f != stems(term)]
    return table, acronyms


def _with_synonyms(key: tuple[str, ...], alts: list[tuple[str, ...]]) -> wq.Query:
    """A word or phrase, or any of its synonyms (which weigh less)."""
    return wq.Or([_unit(key)] + [_unit(a, SYNONYM_WEIGHT) for a in alts]) if alts else _unit(key)


def _expand(seq: list[str], table: Synonyms) -> list[wq.Query]:
    """Queries for a run of plain words, longest synonym phrase first."""
    out: list[wq.Query] = []
    longest = max((len(k) for k in table), default=1)
    i = 0
    while i < len(seq):
        for size in range(min(longest, len(seq) - i), 0, -1):
            key = tuple(seq[i : i + size])
            if key in table or size == 1:
                alts = table.get(key, [])
                out.append(_with_synonyms(key, alts))
                i += size
                break
    return out


class Parsed:
    """A parsed query: what a search matches and ranks, and its parts for filling a page with partial matches.

    ``query``: every required unit, the exclusions, and the bonuses (a title typed whole, a mesure phare, what the
    steering words point at), normalised. ``units``: the required units alone (a word with its synonyms, a phrase, a
    prefix, an alternative), each normalised: a record that holds only some of them is a partial match. ``relaxed``:
    any of the units, with the same exclusions and bonuses (None when there is only one unit). Only ``query`` is
    made at once: most searches never need the others (a page full of full matches).
    """

    def __init__(self, musts: list[wq.Query], optional: list[wq.Query], nots: list[wq.Query]) -> None:
        self._musts, self._optional, self._nots = musts, optional, nots
        self.query = self._whole(musts[0] if len(musts) == 1 else wq.And(musts)) if musts else self._excluding()

    def _whole(self, main: wq.Query) -> wq.Query:
        # Bonuses add to the score of what matches anyway (AndMaybe), so Whoosh's own search ranks the same way.
        # Normalised here, once: the same term from two arms (a shortened stem, a synonym) then counts once, on the
        # fast path and in Whoosh's own search alike.
        main = wq.AndMaybe(main, wq.Or(self._optional))
        return (wq.AndNot(main, wq.Or(self._nots)) if self._nots else main).normalize()

    def _excluding(self) -> wq.Query:
        return wq.AndNot(wq.Every(), wq.Or(self._nots)).normalize()

    @functools.cached_property
    def units(self) -> tuple[wq.Query, ...]:
        """The required units, each normalised."""
        return tuple(m.normalize() for m in self._musts)

    @functools.cached_property
    def relaxed(self) -> wq.Query | None:
        """Any of the units, with the exclusions and bonuses; None with fewer than two units."""
        return self._whole(wq.Or(self._musts)) if len(self._musts) > 1 else None


def build_query(text: str, synonyms: list[list[str]], steering_table: SteeringTable | None = None) -> wq.Query | None:
    """The query of ``parse``: what a search matches and ranks (None for a query without words)."""
    parsed = parse(text, synonyms, steering_table)
    return None if parsed is None else parsed.query


def _steered(tokens: list[str], table: SteeringTable) -> dict[int, tuple[Steer, ...]]:
    """The tokens that are steering words (plain words, as typed), with where each run points (on its first token).

    An explicit alternative (OU/OR) is taken literally: nothing steers in it.
    """
    if any(t in ("OU", "OR", "|") for t in tokens):
        return {}
    seq: list[tuple[int, str]] = []
    for i, tok in enumerate(tokens):
        if tok[:1] in '-"' or tok.endswith("*") or ("-" in tok and len(stems(tok)) > 1):
            seq.append((i, ""))  # an operator or a hyphenated word breaks a run
        else:
            seq += [(i, w) for w in folded_words(tok)]
    out: dict[int, tuple[Steer, ...]] = {}
    for start, end, steer in steering.find([w for _, w in seq], table):
        for n, (i, _w) in enumerate(seq[start:end]):
            out[i] = steer if n == 0 else ()
    return out


def parse(text: str, synonyms: list[list[str]], steering_table: SteeringTable | None = None) -> Parsed | None:
    """Parse a user query: words (all required), "exact phrases", -exclusions, mot* prefixes, OU/OR alternatives.

    Words that steer (« propositions », « rapport »: kb.search.steering) are not required unless nothing else is: they
    score where a record holds them, and give the records they point at a bonus. Never raises: unbalanced quotes
    become words, operators without operands are ignored, and there is no field syntax, so internal fields cannot
    be targeted.
    """
    table, acronyms = _synonym_table(synonyms)
    tokens = re.findall(r'-?"[^"]*"|\S+', text.replace('"', ' " ') if text.count('"') % 2 else text)[:MAX_WORDS]
    steer_at = _steered(tokens, steering.kind_table() if steering_table is None else steering_table)
    musts: list[wq.Query] = []
    nots: list[wq.Query] = []
    steered: list[wq.Query] = []
    bonus: list[wq.Query] = [wq.ConstantScoreQuery(wq.Term("flagship", True), FLAGSHIP_BONUS)]
    pending: list[str] = []
    or_next = False
    prefixes = 0

    def flush() -> None:
        nonlocal or_next
        for q in _expand(pending, table):
            if or_next and musts:
                musts[-1] = wq.Or([musts[-1], q])
            else:
                musts.append(q)
            or_next = False
        pending.clear()

    for i, tok in enumerate(tokens):
        negate = tok.startswith("-") and len(tok) > 1
        body = tok[1:] if negate else tok
        if body in ("OU", "OR", "|"):
            flush()
            or_next = True
            continue
        if body in ("ET", "AND", "+", "-", '"'):
            continue
        if i in steer_at:
            # A steering word: scored where a record has it, its bonus where it points; required only if alone.
            flush()
            steered += [_unit(seq) for seq in [stems(body)] if seq]
            bonus += [q for s in steer_at[i] if (q := wq.ConstantScoreQuery(wq.Term(s.field, s.value), s.bonus)) not in bonus]
            continue
        if body.startswith('"'):
            flush()
            seq = stems(body.strip('"'))
            q = _unit(seq) if seq else None
        elif body.endswith("*"):
            flush()
            prefix = fold(body.rstrip("*"))
            q = None
            if len(prefix) >= MIN_PREFIX and prefix.isalnum() and prefixes < MAX_PREFIXES:
                prefixes += 1
                arms = {prefix, *stems(prefix)}
                q = wq.Or([CappedPrefix(f, p) for p in arms for f in ("title", "content")])
        elif body in acronyms:
            # A sigle typed in capitals: itself, or what it stands for (as much as the sigle).
            flush()
            own = stems(body)
            q = wq.Or(([_unit(own)] if own else []) + [_unit(a) for a in acronyms[body]])
        else:
            seq = list(stems(body))
            if not negate and not (len(seq) > 1 and "-" in body):
                pending.extend(seq)
                continue
            # A hyphenated word (« coupe-file ») is one unit: a phrase, or its synonyms.
            flush()
            key = tuple(seq)
            q = _with_synonyms(key, table.get(key, [])) if seq else None
        if q is None:
            continue
        if negate:
            nots.append(q)
        elif or_next and musts:
            musts[-1] = wq.Or([musts[-1], q])
            or_next = False
        else:
            musts.append(q)
    flush()
    if not musts:
        musts, steered = steered, []  # only steering words: they are what is asked for
    if not musts:
        return Parsed([], [], nots) if nots else None
    if not re.search(r'["*]|(^|\s)-|(^|\s)(OU|OR|ET|AND)(\s|$)', text) and (key := title_key(text)):
        bonus.append(wq.ConstantScoreQuery(wq.Term("titlekey", key), EXACT_TITLE_BONUS))
    return Parsed(musts, steered + bonus, nots)
