"""Search the segments of a corpus: by keyword (Dutch-aware) and by meaning (cosine over the embeddings).

Keyword search
    Case- and diacritic-insensitive (``financiële`` finds ``financiele``), with a light Dutch suffix stemmer
    (:func:`stem_nl`) so that word forms meet: *bewoner / bewoners / bewoners'*, *wijkraad / wijkraden*,
    *vraag / vragen*, *financieel / financiële*. Query syntax (:func:`parse_query`):

    ``geld huur``            every term must occur (AND), in any order
    ``"wijkraad als aanspreekpunt"``  a phrase: the words in this order, next to each other
    ``wijk*``                a prefix: every word that starts with *wijk* (no stemming)
    ``-enquete``             the term must not occur (also ``-"een zin"``)

    A word of four letters or more also finds the compounds that begin or end with it, as Dutch writes them
    as one word (*klimaat* finds *klimaatbeleid*, *raad* finds *wijkraden*; :func:`compound_match`); they rank
    below the word itself. ``compounds=False`` switches this off.

    Dutch function words outside quotes (*de, het, van, als* ...) are dropped from the query unless
    nothing else is left. Hits are ranked by BM25 over the stemmed words. ``match="any"`` drops the AND and
    only ranks.
Semantic search
    The query is embedded with the same embedder as the segments (:mod:`wijkanalyse.coding.embed`; the segment
    vectors come from the embedding cache next to the store, so only new text is embedded) and segments are
    ranked by cosine similarity.

Every hit is one row of a DataFrame (see :data:`HIT_COLUMNS`): rank, score, the segment and the one before and
after it in its document, the source path, wijk, date, kind of source, speaker role, speaker placeholder,
section, survey question and segment id. The query, the mode and the model are kept in ``hits.attrs``.

Saving a search
    :func:`save_search_as_memo` writes the search (query, mode, hit ids) as a memo on the project.
    :func:`save_search_as_code_proposal` writes a *code proposal*: a memo on the proposed code id
    (``target_kind = 'code'``) whose text starts with ``[codevoorstel]`` and lists the segment ids.

    A proposal is deliberately not a coding. A human coding (``codings.kind = 'human'``) is a coder's decision
    on one segment: it counts in the reports and in agreement and is never overwritten; a search hit is not
    such a decision, and a machine coding needs a model. So the proposal stays a memo until a researcher adds
    the code to the codebook (:meth:`wijkanalyse.codebook.Codebook.add_code`) and codes the segments by hand
    (the coding notebook). :func:`code_proposals` lists the proposals back.

Examples
--------
>>> stem_nl("bewoners"), stem_nl("wijkraden"), stem_nl("wijkraad")
('bewoner', 'wijkrad', 'wijkrad')
>>> normalise_token("Financiële")
'financiele'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.exceptions import WijkanalyseError

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.coding.embed import Embedder, EmbeddingCache
    from wijkanalyse.store import Store

__all__ = [
    "HIT_COLUMNS",
    "SearchError",
    "Query",
    "Term",
    "SearchIndex",
    "normalise_token",
    "stem_nl",
    "tokenize",
    "parse_query",
    "match_spans",
    "compound_match",
    "segment_frame",
    "keyword_search",
    "semantic_search",
    "save_search_as_memo",
    "save_search_as_code_proposal",
    "code_proposals",
    "PROPOSAL_MARK",
    "SEARCH_MEMO_TARGET",
]

#: Columns of a hit table, in order.
HIT_COLUMNS = [
    "rank", "score", "segment_id", "text", "context_before", "context_after", "path", "wijk", "date", "kind",
    "role", "speaker", "section", "question", "respondent_id", "doc_id", "position",
]  # fmt: skip
#: First line of the text of a code-proposal memo.
PROPOSAL_MARK = "[codevoorstel]"
#: ``target_id`` of the project memos that save a search.
SEARCH_MEMO_TARGET = "zoekopdracht"

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_VOWELS = frozenset("aeiouy")
_DOUBLE_VOWELS = ("aa", "ee", "oo", "uu")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_MODES = ("keyword", "semantic")
#: A query word needs at least this many letters to match compounds; the rest of the compound at least
#: MIN_COMPOUND_REST letters.
MIN_COMPOUND_WORD = 4
MIN_COMPOUND_REST = 3


class SearchError(WijkanalyseError):
    """A search query or a search setting is invalid."""


# -- words ---------------------------------------------------------------------------------------------------
def normalise_token(token: str) -> str:
    """Lower-case a word and strip its diacritics and apostrophes (``Auto's`` -> ``autos``, ``Ë`` -> ``e``).

    Parameters
    ----------
    token : str

    Returns
    -------
    str
    """
    decomposed = unicodedata.normalize("NFKD", token.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’")


def _undouble_vowel(w: str) -> str:
    """Undouble a vowel: ``raad`` -> ``rad``, ``financieel`` -> ``financiel``, ``idee`` -> ``ide``."""
    if len(w) >= 4 and w[-3:-1] in _DOUBLE_VOWELS and w[-1] not in _VOWELS:
        return w[:-2] + w[-1]
    if len(w) >= 4 and w.endswith("ee") and w[-3] not in _VOWELS:
        return w[:-1]
    return w


def _after_suffix(w: str) -> str:
    """Tidy a stem without its ending: ``bell`` -> ``bel``, ``liev`` -> ``lief``, ``huiz`` -> ``huis``."""
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    if w.endswith("v"):
        w = w[:-1] + "f"
    elif w.endswith("z"):
        w = w[:-1] + "s"
    return _undouble_vowel(w)


@lru_cache(maxsize=200_000)
def stem_nl(word: str) -> str:
    """Reduce a normalised Dutch word to a search stem (a light suffix stemmer, written for this project).

    Only inflection is removed, so that the forms of one word meet; derivation is left alone
    (*financiering* and *financieel* stay apart). Rules, in order:

    1. ``-heden`` becomes ``-heid`` (*mogelijkheden* -> *mogelijkheid*);
    2. plural/verb ``-en`` is removed when at least 3 letters remain (*wijkraden* -> *wijkrad*);
    3. plural ``-s`` is removed after ``-er``, ``-el``, ``-em``, ``-je`` or after a single final *a*, *o*, *y*
       (*bewoners* -> *bewoner*, *auto's* -> *auto*), and the rest is stemmed again;
    4. an inflected ``-e`` after a consonant is removed (*financiële* -> *financiel*, *goede* -> *goed*);
    5. after 2 or 4: a doubled final consonant is undoubled, final *v*/*z* become *f*/*s*;
    6. always: a doubled vowel before the final consonant is undoubled (*raad* -> *rad*, *groot* -> *grot*),
       so that open and closed syllables of one word meet.

    Parameters
    ----------
    word : str
        A word as returned by :func:`normalise_token` (lower case, no diacritics).

    Returns
    -------
    str
        The stem; words shorter than 4 letters and words with digits are returned unchanged.

    Examples
    --------
    >>> [stem_nl(w) for w in ["bewoner", "bewoners", "vraag", "vragen", "financieel", "financiele"]]
    ['bewoner', 'bewoner', 'vrag', 'vrag', 'financiel', 'financiel']
    """
    w = word
    if len(w) < 4 or not w.isalpha():
        return w
    if w.endswith("heden") and len(w) > 6:
        return w[:-5] + "heid"
    if w.endswith("en") and len(w) - 2 >= 3:
        return _after_suffix(w[:-2])
    if w.endswith("s") and len(w) >= 4:
        if w[-3:-1] in ("er", "el", "em", "je") or (w[-2] in "aoy" and w[-3] not in _VOWELS):
            return stem_nl(w[:-1])
        return _undouble_vowel(w)
    if w.endswith("e") and w[-2] not in _VOWELS and len(w) - 1 >= 3:
        return _after_suffix(w[:-1])
    return _undouble_vowel(w)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    norm: str
    stem: str


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN_RE.finditer(text or ""):
        norm = normalise_token(m.group())
        if norm:
            out.append(_Token(m.start(), m.end(), norm, stem_nl(norm)))
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
    ['de', 'bewoner', 'wijkrad']
    """
    return [t.stem for t in _tokens(text)]


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


_QUERY_PART_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')


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
    [('bewoner',), ('de', 'wijkrad'), ('geld',)]
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
            norm = normalise_token(word.rstrip("*"))
            norm = "".join(_TOKEN_RE.findall(norm))
            if norm:
                terms.append(Term((), prefix=norm, negated=negated, source=raw))
            continue
        for tok in _tokens(word):
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
    >>> compound_match("klimaat", "klimat", "klimaatbeleid", "klimaatbeleid")
    True
    >>> compound_match("raad", "rad", "wijkraden", "wijkrad")
    True
    >>> compound_match("raad", "rad", "graad", "grad")
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
    toks = _tokens(text)
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


# -- the segments to search ----------------------------------------------------------------------------------
def segment_frame(store: Store, wijk: str | None = None) -> pd.DataFrame:
    """All segments of a store with their context: the segment before and after in the same document.

    The context follows the rule of :func:`wijkanalyse.review.context_texts`: for a survey answer only the
    same respondent's other answers are context (another respondent's answer is not).

    Parameters
    ----------
    store : Store
    wijk : str, optional
        Only the segments of one wijk (context still comes from the whole document).

    Returns
    -------
    pandas.DataFrame
        The columns of the ``segments`` table plus ``path``, ``context_before`` and ``context_after``
        (empty strings where there is none), in document order.
    """
    seg = store.segments()
    seg = seg.sort_values(["path", "position"]).reset_index(drop=True)
    group = seg["doc_id"] + "\x00" + seg["respondent_id"].fillna("").astype(str)
    grouped = seg.groupby(group, sort=False)["text"]
    seg["context_before"] = grouped.shift(1).fillna("")
    seg["context_after"] = grouped.shift(-1).fillna("")
    if wijk is not None:
        seg = seg[seg["wijk"] == wijk].reset_index(drop=True)
    return seg


def _filter(frame: pd.DataFrame, filters: dict[str, Any]) -> np.ndarray:
    """Boolean mask of the rows that pass every filter (a value, or a list of accepted values)."""
    mask = np.ones(len(frame), dtype=bool)
    for col, wanted in filters.items():
        if wanted is None:
            continue
        if col not in frame.columns:
            raise SearchError(
                f"Cannot filter on {col!r}: the segments have no such column. Columns: {list(frame.columns)}"
            )
        values = [wanted] if isinstance(wanted, str) or not isinstance(wanted, Iterable) else list(wanted)
        mask &= frame[col].isin(values).to_numpy()
    return mask


def _hits(
    frame: pd.DataFrame,
    idx: Sequence[int] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    attrs: dict[str, Any],
) -> pd.DataFrame:
    out = frame.iloc[list(idx)].copy()
    out.insert(0, "score", np.round(np.asarray(scores, dtype=float), 6))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    for col in HIT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    extra = [c for c in out.columns if c not in HIT_COLUMNS]
    out = out[HIT_COLUMNS + [c for c in extra if c not in _HIDDEN]].reset_index(drop=True)
    out.attrs.update(attrs)
    return out


_HIDDEN = {"text_hash", "start", "end", "unit", "time_start", "time_end"}


class SearchIndex:
    """Keyword and semantic search over one table of segments, built once and queried many times.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per segment with at least a ``text`` column (typically :func:`segment_frame`); any other
        column (``wijk``, ``kind``, ``role`` ...) can be used as a filter and is returned with the hits.
    embedder : Embedder or str, optional
        For semantic search: an :class:`~wijkanalyse.embed.Embedder` or a name for
        :func:`~wijkanalyse.embed.get_embedder`. Loaded (and the segments embedded) on the first semantic
        query.
    cache : EmbeddingCache, optional
        Where segment vectors are read from and written to.
    k1, b : float
        BM25 parameters of the keyword ranking.

    Examples
    --------
    >>> index = SearchIndex(pd.DataFrame({"text": ["De bewoners praten.", "Het geld is op."]}))
    >>> index.keyword("bewoner")["text"].tolist()
    ['De bewoners praten.']
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        embedder: Embedder | str | None = None,
        cache: EmbeddingCache | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ):
        if "text" not in frame.columns:
            raise SearchError(f"A SearchIndex needs a 'text' column. Columns found: {list(frame.columns)}")
        self.frame = frame.reset_index(drop=True)
        self.embedder = embedder
        self.cache = cache
        self.k1 = float(k1)
        self.b = float(b)
        texts = self.frame["text"].fillna("").astype(str).tolist()
        self._stems: list[list[str]] = []
        self._postings: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._norms: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for i, text in enumerate(texts):
            toks = _tokens(text)
            self._stems.append([t.stem for t in toks])
            for pos, t in enumerate(toks):
                self._postings[t.stem][i].append(pos)
                self._norms[t.norm][i] += 1
        self._lengths = np.array([len(s) for s in self._stems], dtype=float)
        self._avg_len = (
            float(self._lengths.mean()) if len(self._lengths) and self._lengths.mean() > 0 else 1.0
        )
        self._compound_cache: dict[tuple[str, str], dict[int, float]] = {}
        self._vectors: np.ndarray | None = None
        self._embedder_obj: Embedder | None = None

    @classmethod
    def from_store(
        cls, store: Store, embedder: Embedder | str | None = None, wijk: str | None = None, **kwargs: Any
    ) -> SearchIndex:
        """Build an index over the segments of a store (with context), using the cache next to the store.

        Parameters
        ----------
        store : Store
        embedder : Embedder or str, optional
            For semantic search; see the class docstring.
        wijk : str, optional
            Only the segments of one wijk.
        **kwargs
            Passed to the constructor (``k1``, ``b``, ``cache``).

        Returns
        -------
        SearchIndex
        """
        if "cache" not in kwargs and embedder is not None:
            from wijkanalyse.coding.embed import EmbeddingCache

            kwargs["cache"] = EmbeddingCache.for_store(store)
        return cls(segment_frame(store, wijk=wijk), embedder=embedder, **kwargs)

    def __len__(self) -> int:
        return len(self.frame)

    # -- keyword ---------------------------------------------------------------------------------------------
    def _term_docs(self, term: Term, compounds: bool = False) -> dict[int, float]:
        """Rows where a term occurs, with its number of occurrences."""
        if term.prefix is not None:
            found: dict[int, float] = defaultdict(float)
            for norm, rows in self._norms.items():
                if norm.startswith(term.prefix):
                    for r, n in rows.items():
                        found[r] += n
            return dict(found)
        if compounds and len(term.stems) == 1 and term.norm and len(term.norm) >= MIN_COMPOUND_WORD:
            return self._compound_docs(term)
        first = self._postings.get(term.stems[0])
        if not first:
            return {}
        if len(term.stems) == 1:
            return {r: len(p) for r, p in first.items()}
        out: dict[int, float] = {}
        n = len(term.stems)
        for r, positions in first.items():
            stems = self._stems[r]
            hits = sum(1 for p in positions if stems[p : p + n] == list(term.stems))
            if hits:
                out[r] = hits
        return out

    def _compound_docs(self, term: Term) -> dict[int, float]:
        """Rows with the word of a one-word term (weight 1) or a compound of it (weight 0.5)."""
        key = (term.norm, term.stems[0])
        if key not in self._compound_cache:
            words: set[tuple[str, str]] = set()
            for norm in self._norms:
                stem = stem_nl(norm)
                if compound_match(term.norm, term.stems[0], norm, stem):
                    words.add((norm, stem))
            found: dict[int, float] = defaultdict(float)
            for norm, stem in words:
                weight = 1.0 if stem == term.stems[0] else 0.5
                for r, n in self._norms[norm].items():
                    found[r] += weight * n
            self._compound_cache[key] = dict(found)
        return self._compound_cache[key]

    def keyword(
        self,
        query: str | Query,
        limit: int | None = 50,
        match: str = "all",
        compounds: bool = True,
        **filters: Any,
    ) -> pd.DataFrame:
        """Keyword search: the segments that hold every term of the query, best BM25 score first.

        Parameters
        ----------
        query : str or Query
            See the module docstring for the syntax.
        limit : int or None, default 50
            Most hits returned; None for all.
        match : {"all", "any"}, default "all"
            ``all``: every term must occur (AND). ``any``: at least one (ranked by BM25).
        compounds : bool, default True
            A query word also finds the compounds that begin or end with it (*klimaat* finds
            *klimaatbeleid*, *raad* finds *wijkraden*; see :func:`compound_match`); they count half as much
            as the word itself in the ranking.
        **filters
            Column values the hits must have, e.g. ``wijk="Noord"`` or ``kind=["verslag", "notulen"]``.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`HIT_COLUMNS` (plus any other columns of the frame); ``attrs`` holds ``query``,
            ``mode`` (``"keyword"``) and ``match``.

        Raises
        ------
        SearchError
            For an empty query, an unknown ``match`` or a filter on an unknown column.
        """
        if match not in ("all", "any"):
            raise SearchError(
                f"The 'match' parameter of keyword search must be 'all' or 'any'. Got {match!r} instead."
            )
        q = parse_query(query) if isinstance(query, str) else query
        n_docs = len(self.frame)
        attrs = {"query": q.text, "mode": "keyword", "match": match, "compounds": compounds, "model": None}
        if n_docs == 0:
            return _hits(self.frame, [], [], attrs)
        scores = np.zeros(n_docs)
        present = np.zeros((len(q.positive), n_docs), dtype=bool)
        for j, term in enumerate(q.positive):
            docs = self._term_docs(term, compounds)
            if not docs:
                continue
            rows = np.fromiter(docs.keys(), dtype=int)
            tf = np.fromiter(docs.values(), dtype=float)
            present[j, rows] = True
            idf = math.log(1 + (n_docs - len(docs) + 0.5) / (len(docs) + 0.5))
            norm = self.k1 * (1 - self.b + self.b * self._lengths[rows] / self._avg_len)
            scores[rows] += idf * tf * (self.k1 + 1) / (tf + norm)
        mask: np.ndarray = np.asarray(present.all(axis=0) if match == "all" else present.any(axis=0))
        for term in q.negative:
            mask[list(self._term_docs(term, compounds))] = False
        mask &= _filter(self.frame, filters)
        idx = np.flatnonzero(mask)
        order = idx[np.lexsort((idx, -scores[idx]))]  # best score first, document order on ties
        if limit is not None:
            order = order[:limit]
        return _hits(self.frame, order, scores[order], attrs)

    # -- semantic --------------------------------------------------------------------------------------------
    def _ensure_vectors(self) -> tuple[Embedder, np.ndarray]:
        if self._embedder_obj is None:
            if self.embedder is None:
                raise SearchError(
                    "Semantic search needs an embedder: pass embedder='use-m3' (or 'tfidf', 'hashing', a "
                    "local model folder) or an Embedder when building the SearchIndex."
                )
            from wijkanalyse.coding.embed import Embedder, get_embedder

            self._embedder_obj = (
                self.embedder if isinstance(self.embedder, Embedder) else get_embedder(str(self.embedder))
            )
        if self._vectors is None:
            from wijkanalyse.coding.embed import embed_with_cache

            texts = self.frame["text"].fillna("").astype(str).tolist()
            self._vectors = embed_with_cache(self._embedder_obj, texts, self.cache)
        return self._embedder_obj, self._vectors

    @property
    def vectors(self) -> np.ndarray:
        """The segment embeddings (computed or read from the cache on first use)."""
        return self._ensure_vectors()[1]

    def semantic(
        self,
        query: str,
        limit: int | None = 20,
        min_score: float | None = None,
        **filters: Any,
    ) -> pd.DataFrame:
        """Semantic search: segments ranked by cosine similarity of their embedding to the query's.

        Parameters
        ----------
        query : str
            Any text: a question, a phrase, an example of what you look for.
        limit : int or None, default 20
            Most hits returned; None for all.
        min_score : float, optional
            Leave out hits with a cosine below this.
        **filters
            Column values the hits must have, as in :meth:`keyword`.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`HIT_COLUMNS`; ``score`` is the cosine similarity; ``attrs`` holds ``query``,
            ``mode`` (``"semantic"``) and ``model`` (the embedder's model id).

        Raises
        ------
        SearchError
            For an empty query, a missing embedder or a filter on an unknown column.
        """
        if not isinstance(query, str) or not query.strip():
            raise SearchError(f"A semantic search needs a non-empty query text. Got {query!r} instead.")
        embedder, vectors = self._ensure_vectors()
        attrs = {"query": query, "mode": "semantic", "match": None, "model": embedder.model_id}
        if len(self.frame) == 0:
            return _hits(self.frame, [], [], attrs)
        q = embedder.embed([query])[0]
        scores = vectors @ q
        mask = _filter(self.frame, filters)
        if min_score is not None:
            mask &= scores >= min_score
        idx = np.flatnonzero(mask)
        order = idx[np.lexsort((idx, -scores[idx]))]
        if limit is not None:
            order = order[:limit]
        return _hits(self.frame, order, scores[order], attrs)

    def search(self, query: str, mode: str = "keyword", **kwargs: Any) -> pd.DataFrame:
        """Run :meth:`keyword` or :meth:`semantic` by name (``mode`` is ``"keyword"`` or ``"semantic"``)."""
        if mode == "keyword":
            return self.keyword(query, **kwargs)
        if mode == "semantic":
            return self.semantic(query, **kwargs)
        raise SearchError(f"The search mode must be one of {list(_MODES)}. Got {mode!r} instead.")


def keyword_search(
    store: Store, query: str, limit: int | None = 50, match: str = "all", **filters: Any
) -> pd.DataFrame:
    """Keyword search over the segments of a store (see :meth:`SearchIndex.keyword`).

    Parameters
    ----------
    store : Store
    query : str
    limit : int or None, default 50
    match : {"all", "any"}, default "all"
    **filters
        e.g. ``wijk="Noord"``, ``role="bewoner"``, ``kind=["verslag", "transcript"]``.

    Returns
    -------
    pandas.DataFrame
        One row per hit, columns :data:`HIT_COLUMNS`.
    """
    return SearchIndex.from_store(store).keyword(query, limit=limit, match=match, **filters)


def semantic_search(
    store: Store,
    query: str,
    embedder: Embedder | str = "use-m3",
    limit: int | None = 20,
    min_score: float | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """Semantic search over the segments of a store (see :meth:`SearchIndex.semantic`).

    Segment vectors come from the embedding cache next to the store; only segments not cached yet are
    embedded.

    Parameters
    ----------
    store : Store
    query : str
    embedder : Embedder or str, default "use-m3"
        Use the ``embedder`` of the corpus settings, so that the cached vectors are reused.
    limit : int or None, default 20
    min_score : float, optional
    **filters
        As in :func:`keyword_search`.

    Returns
    -------
    pandas.DataFrame
        One row per hit, columns :data:`HIT_COLUMNS`.
    """
    return SearchIndex.from_store(store, embedder=embedder).semantic(
        query, limit=limit, min_score=min_score, **filters
    )


# -- saving a search -----------------------------------------------------------------------------------------
def _hit_ids(hits: pd.DataFrame | Sequence[str]) -> list[str]:
    if isinstance(hits, pd.DataFrame):
        if "segment_id" not in hits.columns:
            raise SearchError(
                f"The hits must have a 'segment_id' column. Columns found: {list(hits.columns)}"
            )
        return [str(s) for s in hits["segment_id"].tolist()]
    return [str(s) for s in hits]


def _describe_search(query: str, hits: pd.DataFrame | Sequence[str]) -> str:
    attrs = hits.attrs if isinstance(hits, pd.DataFrame) else {}
    mode = attrs.get("mode") or "keyword"
    how = "op betekenis" if mode == "semantic" else "op trefwoord"
    line = f'Zoekopdracht ({how}): "{query}"'
    if attrs.get("model"):
        line += f" — model {attrs['model']}"
    return line


def _check_author(store: Store, author: str) -> str:
    """Register the author as a (human) coder, as every memo author is; return the coder id."""
    from wijkanalyse.review.decisions import ensure_coder

    if not isinstance(author, str) or not author.strip():
        raise SearchError(f"A saved search needs the author's name or initials. Got {author!r} instead.")
    return ensure_coder(store, author)


def save_search_as_memo(
    store: Store, query: str, hits: pd.DataFrame | Sequence[str], author: str, note: str = ""
) -> int:
    """Save a search and its hits as a memo on the project.

    Parameters
    ----------
    store : Store
    query : str
        The query as typed.
    hits : DataFrame or sequence of str
        The hit table of a search (its ``attrs`` say keyword or semantic) or the segment ids to keep.
    author : str
        Who saves it (a researcher's name or initials).
    note : str, optional
        What the researcher noticed.

    Returns
    -------
    int
        The memo id. The memo has ``target_kind='project'``, ``target_id='zoekopdracht'``; its text holds the
        query, the mode, the note and one line per hit (segment id, wijk, date, the start of the text).

    Raises
    ------
    SearchError
        For an empty author or a hit table without segment ids.
    ReviewError
        For an author id that :func:`wijkanalyse.review.ensure_coder` refuses (e.g. ``machine``).
    """
    author = _check_author(store, author)
    ids = _hit_ids(hits)
    lines = [_describe_search(query, hits), f"Treffers: {len(ids)}"]
    if note.strip():
        lines += ["", note.strip()]
    lines.append("")
    if isinstance(hits, pd.DataFrame) and "text" in hits.columns:
        for row in hits.itertuples(index=False):
            snippet = " ".join(str(row.text).split())[:100]
            meta = ", ".join(
                str(v) for v in (getattr(row, "wijk", None), getattr(row, "date", None)) if _present(v)
            )
            lines.append(f"- {row.segment_id} ({meta}): {snippet}")
    else:
        lines += [f"- {s}" for s in ids]
    lines.append(f"Segmenten: {', '.join(ids)}")
    return store.add_memo("project", SEARCH_MEMO_TARGET, author, "\n".join(lines))


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v) != ""


def save_search_as_code_proposal(
    store: Store,
    query: str,
    hits: pd.DataFrame | Sequence[str],
    author: str,
    code_id: str,
    label_nl: str,
    definition: str = "",
    segment_ids: Sequence[str] | None = None,
) -> int:
    """Save a search as a proposal for a code: a memo on the proposed code, never a coding.

    Parameters
    ----------
    store : Store
    query : str
        The query that found the segments.
    hits : DataFrame or sequence of str
        The hit table or the segment ids.
    author : str
        Who proposes the code.
    code_id : str
        Id of the proposed code (lower-case letters, digits and ``_``, not ``geen``). An existing code id is
        allowed: then the proposal is "these segments belong to that code".
    label_nl : str
        Dutch label of the code.
    definition : str, optional
        A first definition.
    segment_ids : sequence of str, optional
        The hits the researcher picked; default: all hits.

    Returns
    -------
    int
        The memo id (``target_kind='code'``, ``target_id=code_id``, text starting with ``[codevoorstel]``).

    Raises
    ------
    SearchError
        For a bad code id, an empty label or author, or picked segment ids that are not among the hits.

    Notes
    -----
    Why a memo and not a coding: see the module docstring. :func:`code_proposals` reads the proposals back.
    """
    from wijkanalyse.coding.codebook import NONE_CODE

    author = _check_author(store, author)
    if not isinstance(code_id, str) or not _ID_RE.match(code_id) or code_id == NONE_CODE:
        raise SearchError(
            "The 'code_id' of a code proposal must be lower-case letters, digits and '_', starting with a "
            "letter, "
            f"and not {NONE_CODE!r}. Got {code_id!r} instead."
        )
    if not isinstance(label_nl, str) or not label_nl.strip():
        raise SearchError(f"A code proposal needs a Dutch label ('label_nl'). Got {label_nl!r} instead.")
    ids = _hit_ids(hits)
    if segment_ids is not None:
        unknown = [s for s in segment_ids if s not in set(ids)]
        if unknown:
            raise SearchError(
                f"Segment ids {unknown} are not among the {len(ids)} hits of the search {query!r}."
            )
        ids = [str(s) for s in segment_ids]
    if not ids:
        raise SearchError(
            f"A code proposal needs at least one segment; the search {query!r} has none selected."
        )
    existing = store.con.execute("SELECT 1 FROM codes WHERE code_id = ?", (code_id,)).fetchone() is not None
    lines = [
        f"{PROPOSAL_MARK} {label_nl.strip()}",
        f"Code: {code_id} ({'bestaande code' if existing else 'nieuwe code'})",
        _describe_search(query, hits),
        f"Definitie: {' '.join(definition.split())}" if definition.strip() else "Definitie: (nog geen)",
        f"Segmenten: {', '.join(ids)}",
    ]
    return store.add_memo("code", code_id, author, "\n".join(lines))


def code_proposals(store: Store) -> pd.DataFrame:
    """List the code proposals saved with :func:`save_search_as_code_proposal`.

    Parameters
    ----------
    store : Store

    Returns
    -------
    pandas.DataFrame
        Columns ``memo_id, code_id, label_nl, definition, query, segment_ids`` (a list), ``n_segments``,
        ``author, created_at``, oldest first.
    """
    memos = store.memos("code")
    rows = []
    for m in memos.itertuples(index=False):
        text = str(m.text)
        if not text.startswith(PROPOSAL_MARK):
            continue
        fields: dict[str, str] = {}
        for line in text.splitlines()[1:]:
            key, _, value = line.partition(": ")
            fields[key.strip()] = value.strip()
        ids = [s.strip() for s in fields.get("Segmenten", "").split(",") if s.strip()]
        query_m = re.search(
            r'"(.*)"', next((ln for ln in text.splitlines() if ln.startswith("Zoekopdracht")), "")
        )
        definition = fields.get("Definitie", "")
        rows.append(
            {
                "memo_id": int(m.memo_id),
                "code_id": m.target_id,
                "label_nl": text.splitlines()[0][len(PROPOSAL_MARK) :].strip(),
                "definition": "" if definition == "(nog geen)" else definition,
                "query": query_m.group(1) if query_m else "",
                "segment_ids": ids,
                "n_segments": len(ids),
                "author": m.author,
                "created_at": m.created_at,
            }
        )
    cols = [
        "memo_id",
        "code_id",
        "label_nl",
        "definition",
        "query",
        "segment_ids",
        "n_segments",
        "author",
        "created_at",
    ]
    return pd.DataFrame(rows, columns=cols)
