"""Words and queries of keyword search: tokenising, Dutch stemming (Snowball), the query syntax, highlighting.

Words are compared case- and diacritic-insensitively (``financiële`` finds ``financiele``) and by their
stem, from Snowball's Dutch stemmer (:func:`stem_nl`), so that word forms meet: *bewoner / bewoners /
bewoners'*, *wijkraad / wijkraden*, *vraag / vragen*, *huis / huizen*, *auto / auto's*. Query syntax
(:func:`parse_query`):

``geld huur``            every term must occur (AND), in any order
``"wijkraad als aanspreekpunt"``  a phrase: the words in this order, next to each other
``wijk*``                a prefix: every word that starts with *wijk* (no stemming)
``-enquete``             the term must not occur (also ``-"een zin"``)

A word of four letters or more also finds the compounds that begin or end with it, as Dutch writes them as one
word (*klimaat* finds *klimaatbeleid*, *raad* finds *wijkraden*; :func:`compound_match`). Dutch function words
outside quotes (*de, het, van, als* ...) are dropped from the query unless nothing else is left.

Examples
--------
>>> stem_nl("bewoners"), stem_nl("wijkraden"), stem_nl("auto's")
('bewoner', 'wijkraad', 'auto')
>>> normalise_token("Financiële")
'financiele'
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

from snowballstemmer import DutchStemmer

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.exceptions import WijkanalyseError

__all__ = [
    "ANALYSER_VERSION",
    "MIN_COMPOUND_REST",
    "MIN_COMPOUND_WORD",
    "Query",
    "SearchError",
    "Term",
    "Token",
    "compound_match",
    "index_fields",
    "match_spans",
    "normalise_token",
    "parse_query",
    "plain_text",
    "stem_nl",
    "tokenize",
    "tokens",
]

#: Names the tokeniser and stemmer; the keyword index of a store is rebuilt when it changes.
ANALYSER_VERSION = f"wijkanalyse-nl/2 snowball-dutch/{version('snowballstemmer')}"
#: A query word needs at least this many letters to match compounds; the rest of the compound at least
#: MIN_COMPOUND_REST letters.
MIN_COMPOUND_WORD = 4
MIN_COMPOUND_REST = 3

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_QUERY_PART_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
# The Snowball stemmer object keeps its state between calls: one object, used under a lock.
_STEMMER = DutchStemmer()
_STEMMER_LOCK = threading.Lock()


class SearchError(WijkanalyseError):
    """A search query or a search setting is invalid."""


# -- words ---------------------------------------------------------------------------------------------------
def _fold(word: str) -> str:
    """Lower-case a word and strip its diacritics; keep apostrophes (as ``'``) for the stemmer."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_token(token: str) -> str:
    """Lower-case a word and strip its diacritics and apostrophes (``Auto's`` -> ``autos``, ``Ë`` -> ``e``).

    Parameters
    ----------
    token : str

    Returns
    -------
    str
    """
    return _fold(token).replace("'", "")


@lru_cache(maxsize=200_000)
def _stem_folded(folded: str) -> str:
    folded = folded.strip("'")  # the possessive apostrophe of "bewoners'" is no part of the word
    if not folded.replace("'", "").isalpha():  # numbers and codes such as 'a4' stay as they are
        return folded.replace("'", "")
    with _STEMMER_LOCK:
        stem = _STEMMER.stemWord(folded)
    return str(stem).replace("'", "")


def stem_nl(word: str) -> str:
    """Reduce a Dutch word to its search stem with Snowball's Dutch stemmer.

    The word is lower-cased and its diacritics are stripped first, so that a word typed with or without them
    has one stem; an apostrophe inside the word is kept for the stemmer (its rule for ``'s`` makes *auto's*
    -> *auto*) and removed from the stem, one at either end is dropped (*bewoners'*). Words with digits are
    returned as they are (lower case, without apostrophes).

    Parameters
    ----------
    word : str
        One word, in any case.

    Returns
    -------
    str

    Examples
    --------
    >>> [stem_nl(w) for w in ["bewoner", "bewoners", "vraag", "vragen", "Huizen", "financiële"]]
    ['bewoner', 'bewoner', 'vraag', 'vraag', 'huis', 'financiel']
    """
    return _stem_folded(_fold(word))


@lru_cache(maxsize=200_000)
def _analyse_word(word: str) -> tuple[str, str]:
    """Return the normalised form and the stem of one word as written (cached: words repeat)."""
    folded = _fold(word)
    return folded.replace("'", ""), _stem_folded(folded)


@dataclass(frozen=True)
class Token:
    """One word of a text: its character span, normalised form and stem."""

    start: int
    end: int
    norm: str
    stem: str


def tokens(text: str) -> list[Token]:
    """Return the words of a text with their spans, normalised forms and stems.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of Token
    """
    out = []
    for m in _TOKEN_RE.finditer(text or ""):
        norm, stem = _analyse_word(m.group())
        if norm:
            out.append(Token(m.start(), m.end(), norm, stem))
    return out


def tokenize(text: str) -> list[str]:
    """Return the search stems of a text, in order.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("De Bewoners' wijkraden")
    ['de', 'bewoner', 'wijkraad']
    """
    return [t.stem for t in tokens(text)]


def index_fields(text: str) -> tuple[str, str]:
    """Return what the keyword index holds of a text: its stems and its normalised words, space-separated.

    Parameters
    ----------
    text : str

    Returns
    -------
    (str, str)
        The stems (matched by words and phrases) and the normalised words (matched by prefixes and compounds).

    Examples
    --------
    >>> index_fields("Bewoners' wijkraden")
    ('bewoner wijkraad', 'bewoners wijkraden')
    """
    toks = tokens(text)
    return " ".join(t.stem for t in toks), " ".join(t.norm for t in toks)


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """Return the general Dutch function words of the bundled stop word list (not its domain part)."""
    words: set[str] = set()
    path = PACKAGE_DATA / "stopwords_nl.txt"
    if not path.exists():  # pragma: no cover - packaged data
        return frozenset()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("# --- domein"):
            break
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(normalise_token(line))
    return frozenset(words)


# -- queries -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One part of a query: a word, a phrase (several words) or a prefix, possibly negated."""

    stems: tuple[str, ...]
    prefix: str | None = None
    negated: bool = False
    source: str = ""
    norm: str = ""  # the normalised word of a one-word term (for compounds)

    @property
    def is_phrase(self) -> bool:
        """True for a quoted phrase of more than one word."""
        return len(self.stems) > 1


@dataclass(frozen=True)
class Query:
    """A parsed keyword query: terms that must occur and terms that must not."""

    text: str
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def positive(self) -> list[Term]:
        """Terms that must occur."""
        return [t for t in self.terms if not t.negated]

    @property
    def negative(self) -> list[Term]:
        """Terms that must not occur."""
        return [t for t in self.terms if t.negated]


def parse_query(query: str) -> Query:
    """Parse a keyword query (see the module docstring for the syntax).

    Parameters
    ----------
    query : str

    Returns
    -------
    Query

    Raises
    ------
    SearchError
        If the query holds no word to search for (empty, only punctuation, only negated terms or an
        unclosed quote).

    Examples
    --------
    >>> [t.stems for t in parse_query('bewoners "de wijkraad" -geld').terms]
    [('bewoner',), ('de', 'wijkraad'), ('geld',)]
    """
    if not isinstance(query, str):
        raise SearchError(f"A search query must be a str. Got {type(query).__name__} instead.")
    if query.count('"') % 2:
        raise SearchError(
            f"The query {query!r} has an unclosed quote: put a phrase between two double quotes."
        )
    terms: list[Term] = []
    dropped: list[Term] = []
    for m in _QUERY_PART_RE.finditer(query):
        if m.group(2) is not None:  # a phrase
            stems = tuple(tokenize(m.group(2)))
            if stems:
                terms.append(Term(stems, negated=bool(m.group(1)), source=m.group(0)))
            continue
        raw = m.group(3)
        negated = raw.startswith("-") and len(raw) > 1
        word = raw[1:] if negated else raw
        if word.endswith("*"):
            norm = "".join(_TOKEN_RE.findall(normalise_token(word.rstrip("*"))))
            if norm:
                terms.append(Term((), prefix=norm, negated=negated, source=raw))
            continue
        for tok in tokens(word):
            term = Term((tok.stem,), negated=negated, source=raw, norm=tok.norm)
            if not negated and tok.norm in _function_words():
                dropped.append(term)
            else:
                terms.append(term)
    if not any(not t.negated for t in terms):
        terms = dropped + terms  # a query of function words only: keep them
    if not any(not t.negated for t in terms):
        raise SearchError(
            f"The query {query!r} holds no word to search for. Type one or more words, a phrase in double "
            "quotes or a prefix such as wijk*; terms starting with '-' only exclude."
        )
    return Query(query, tuple(terms))


def plain_text(query: str) -> str:
    """Return a keyword query as plain text for semantic search: no quotes, no ``*``, no excluded terms.

    Parameters
    ----------
    query : str

    Returns
    -------
    str

    Examples
    --------
    >>> plain_text('"huur van het buurthuis" wijk* -budget')
    'huur van het buurthuis wijk'
    """
    parts = []
    for m in _QUERY_PART_RE.finditer(query):
        if m.group(2) is not None:
            if not m.group(1):
                parts.append(m.group(2).strip())
            continue
        raw = m.group(3)
        if raw.startswith("-") and len(raw) > 1:
            continue
        parts.append(raw.rstrip("*"))
    return " ".join(p for p in parts if p)


def compound_match(term_norm: str, term_stem: str, norm: str, stem: str) -> bool:
    """Tell whether a word is a query word or a compound that begins or ends with it.

    Dutch writes compounds as one word: *klimaatbeleid*, *woningbouw*, *wijkraadsleden*. A query word of at
    least :data:`MIN_COMPOUND_WORD` letters also matches a word that begins or ends with it (as written or as
    stems, so *raad* finds *wijkraad* and *wijkraden*) when the rest is at least :data:`MIN_COMPOUND_REST`
    letters.

    Parameters
    ----------
    term_norm, term_stem : str
        The query word, normalised and stemmed.
    norm, stem : str
        The word of the text, normalised and stemmed.

    Returns
    -------
    bool

    Examples
    --------
    >>> compound_match("klimaat", "klimaat", "klimaatbeleid", "klimaatbeleid")
    True
    >>> compound_match("raad", "raad", "wijkraden", "wijkraad")
    True
    >>> compound_match("raad", "raad", "graad", "graad")
    False
    """
    if stem == term_stem:
        return True
    if len(term_norm) < MIN_COMPOUND_WORD:
        return False
    for q, w in ((term_norm, norm), (term_stem, stem)):
        if len(w) - len(q) >= MIN_COMPOUND_REST and (w.startswith(q) or w.endswith(q)):
            return True
    return False


def match_spans(text: str, query: str | Query, compounds: bool = True) -> list[tuple[int, int]]:
    """Return the character spans of ``text`` that a keyword query matches (for highlighting).

    Parameters
    ----------
    text : str
    query : str or Query
    compounds : bool, default True
        Also mark compounds of a query word (see :func:`compound_match`).

    Returns
    -------
    list of (start, end)
        Sorted, non-overlapping spans of the matched words and phrases (negated terms are not highlighted).

    Examples
    --------
    >>> text = "Bewoners willen het geld."
    >>> [text[s:e] for s, e in match_spans(text, "bewoner geld")]
    ['Bewoners', 'geld']
    """
    q = parse_query(query) if isinstance(query, str) else query
    toks = tokens(text)
    spans: list[tuple[int, int]] = []
    for term in q.positive:
        if term.prefix is not None:
            spans += [(t.start, t.end) for t in toks if t.norm.startswith(term.prefix)]
            continue
        if compounds and len(term.stems) == 1 and term.norm:
            spans += [
                (t.start, t.end) for t in toks if compound_match(term.norm, term.stems[0], t.norm, t.stem)
            ]
            continue
        n = len(term.stems)
        for i in range(len(toks) - n + 1):
            if all(toks[i + j].stem == term.stems[j] for j in range(n)):
                spans.append((toks[i].start, toks[i + n - 1].end))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
