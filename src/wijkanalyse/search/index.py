"""Search the segments of a corpus: by keyword, by meaning, or both at once (the default).

Keyword search
    SQLite FTS5 over the Dutch stems of every segment (:mod:`wijkanalyse.search.text`: case- and
    diacritic-insensitive, Snowball's Dutch stemmer, phrases, ``prefix*``, ``-exclusion``, compounds), ranked
    with FTS5's ``bm25()``. The index of a store lives in the store and is updated when its segments changed
    (:meth:`wijkanalyse.store.Store.sync_search_index`); an index of any other table is made in memory.
    ``match="any"`` drops the AND and only ranks.
Semantic search
    The query is embedded with the same embedder as the segments (:mod:`wijkanalyse.coding.embed`; the segment
    vectors come from the embedding cache next to the store, so only new text is embedded) and segments are
    ranked by cosine similarity.
Hybrid search
    Both rankings fused by reciprocal rank (:func:`~wijkanalyse.search.fusion.reciprocal_rank_fusion`,
    k = 60): a segment found by both comes first, one found by either still counts. Terms excluded with ``-``
    are excluded from the semantic side too.

Every search returns a hit table (:data:`~wijkanalyse.search.hits.HIT_COLUMNS`) whose ``attrs`` hold the
query, the mode and the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.search.fusion import RRF_K, reciprocal_rank_fusion
from wijkanalyse.search.hits import filter_mask, hit_table, segment_frame
from wijkanalyse.search.text import (
    ANALYSER_VERSION,
    MIN_COMPOUND_WORD,
    Query,
    SearchError,
    Term,
    compound_match,
    index_fields,
    parse_query,
    plain_text,
    stem_nl,
)
from wijkanalyse.store.search_index import MatchTerm, MemorySearchIndex, SearchQueries

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.store import Store

__all__ = ["MODES", "COMPOUND_WEIGHT", "SearchIndex", "keyword_search", "semantic_search", "hybrid_search"]

#: The search modes, the default first.
MODES = ("hybrid", "keyword", "semantic")
#: Weight of a compound (and of a prefix match) against 1 for the word itself in the keyword ranking.
COMPOUND_WEIGHT = 0.5


class SearchIndex:
    """Keyword, semantic and hybrid search over one table of segments, built once and queried many times.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per segment with at least a ``text`` column (typically :func:`segment_frame`); any other
        column (``wijk``, ``kind``, ``role`` ...) can be used as a filter and is returned with the hits.
    embedder : Embedder or str, optional
        For semantic and hybrid search: an :class:`~wijkanalyse.coding.embed.Embedder` or a name for
        :func:`~wijkanalyse.coding.embed.get_embedder`. Loaded (and the segments embedded) on the first query
        that needs it.
    cache : EmbeddingCache, optional
        Where segment vectors are read from and written to.
    store : Store, optional
        Keep the keyword index in this store (updated there when its segments changed) instead of in memory;
        the frame's ``segment_id`` column then ties the hits to its rows. :meth:`from_store` passes it.

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
        store: SearchQueries | None = None,
    ):
        if "text" not in frame.columns:
            raise SearchError(f"A SearchIndex needs a 'text' column. Columns found: {list(frame.columns)}")
        if store is not None and "segment_id" not in frame.columns:
            raise SearchError(
                "A SearchIndex kept in a store needs a 'segment_id' column to tie hits to rows. Columns "
                f"found: {list(frame.columns)}"
            )
        self.frame = frame.reset_index(drop=True)
        self.embedder = embedder
        self.cache = cache
        self.store = store
        self._keyword_index: SearchQueries | None = None
        self._rows: dict[str, int] = {}
        self._vocabulary: list[tuple[str, str]] | None = None
        self._compound_cache: dict[tuple[str, str], tuple[str, ...]] = {}
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
            For semantic and hybrid search; see the class docstring.
        wijk : str, optional
            Only the segments of one wijk.
        **kwargs
            Passed to the constructor (``cache``).

        Returns
        -------
        SearchIndex
        """
        if "cache" not in kwargs and embedder is not None:
            kwargs["cache"] = EmbeddingCache.for_store(store)
        return cls(segment_frame(store, wijk=wijk), embedder=embedder, store=store, **kwargs)

    def __len__(self) -> int:
        return len(self.frame)

    # -- keyword ---------------------------------------------------------------------------------------------
    def _ensure_keyword_index(self) -> SearchQueries:
        """Return the FTS5 index: the store's, brought up to date, or one in memory over the frame's texts."""
        if self._keyword_index is None:
            if self.store is not None:
                self.store.sync_search_index(ANALYSER_VERSION, index_fields)
                self._rows = {str(sid): i for i, sid in enumerate(self.frame["segment_id"])}
                self._keyword_index = self.store
            else:
                memory = MemorySearchIndex()
                texts = self.frame["text"].fillna("").astype(str)
                memory.rebuild_search_index((str(i), *index_fields(t)) for i, t in enumerate(texts))
                self._rows = {str(i): i for i in range(len(self.frame))}
                self._keyword_index = memory
        return self._keyword_index

    def _compounds(self, term: Term) -> tuple[str, ...]:
        """Return the words of the index that are compounds of a one-word term (:func:`compound_match`)."""
        key = (term.norm, term.stems[0])
        if key not in self._compound_cache:
            if self._vocabulary is None:
                words = self._ensure_keyword_index().search_index_words()
                self._vocabulary = [(w, stem_nl(w)) for w in words]
            q_norm, q_stem = key
            self._compound_cache[key] = tuple(
                norm
                for norm, stem in self._vocabulary
                if (q_norm in norm or q_stem in stem)  # a cheap test first: a compound holds the word
                and stem != q_stem
                and compound_match(q_norm, q_stem, norm, stem)
            )
        return self._compound_cache[key]

    def _match_term(self, term: Term, compounds: bool) -> MatchTerm:
        if term.prefix is not None:
            return MatchTerm(prefix=term.prefix, negated=term.negated)
        variants: tuple[str, ...] = ()
        if compounds and len(term.stems) == 1 and term.norm and len(term.norm) >= MIN_COMPOUND_WORD:
            variants = self._compounds(term)
        return MatchTerm(phrase=term.stems, variants=variants, negated=term.negated)

    def _keyword_rows(
        self, terms: list[Term], match_all: bool, compounds: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows of the frame that match, with their scores, in the index's order (best first)."""
        index = self._ensure_keyword_index()
        found = index.match_search_index(
            [self._match_term(t, compounds) for t in terms], match_all, variant_weight=COMPOUND_WEIGHT
        )
        pairs = [(self._rows[key], score) for key, score in found if key in self._rows]
        rows = np.array([p[0] for p in pairs], dtype=int)
        scores = np.array([p[1] for p in pairs], dtype=float)
        return rows, scores

    def keyword(
        self,
        query: str | Query,
        limit: int | None = 50,
        match: str = "all",
        compounds: bool = True,
        **filters: Any,
    ) -> pd.DataFrame:
        """Keyword search: the segments that hold every term of the query, best bm25 score first.

        Parameters
        ----------
        query : str or Query
            See :mod:`wijkanalyse.search.text` for the syntax.
        limit : int or None, default 50
            Most hits returned; None for all.
        match : {"all", "any"}, default "all"
            ``all``: every term must occur (AND). ``any``: at least one (ranked by bm25).
        compounds : bool, default True
            A query word also finds the compounds that begin or end with it (*klimaat* finds
            *klimaatbeleid*, *raad* finds *wijkraden*; see :func:`compound_match`); they weigh half as much
            as the word itself in the ranking.
        **filters
            Column values the hits must have, e.g. ``wijk="Noord"`` or ``kind=["verslag", "notulen"]``.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`~wijkanalyse.search.hits.HIT_COLUMNS` (plus any other columns of the frame);
            ``score`` is minus FTS5's bm25; ``attrs`` holds ``query``, ``mode`` (``"keyword"``) and ``match``.

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
        attrs = {"query": q.text, "mode": "keyword", "match": match, "compounds": compounds, "model": None}
        rows, scores = self._keyword_ranking(q, match, compounds, filter_mask(self.frame, filters))
        return hit_table(self.frame, rows[:limit], scores[:limit], attrs)

    def _keyword_ranking(
        self, q: Query, match: str, compounds: bool, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows that match and pass the mask, best bm25 score first (document order on ties)."""
        if len(self.frame) == 0:
            return np.array([], dtype=int), np.array([], dtype=float)
        rows, scores = self._keyword_rows(list(q.terms), match == "all", compounds)
        keep = mask[rows]
        rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))
        return rows[order], scores[order]

    # -- semantic --------------------------------------------------------------------------------------------
    def _ensure_vectors(self) -> tuple[Embedder, np.ndarray]:
        if self._embedder_obj is None:
            if self.embedder is None:
                raise SearchError(
                    "Semantic search needs an embedder: pass embedder='use-m3' (or 'tfidf', 'hashing', a "
                    "local model folder) or an Embedder when building the SearchIndex."
                )
            self._embedder_obj = (
                self.embedder if isinstance(self.embedder, Embedder) else get_embedder(str(self.embedder))
            )
        if self._vectors is None:
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
            Columns :data:`~wijkanalyse.search.hits.HIT_COLUMNS`; ``score`` is the cosine similarity;
            ``attrs`` holds ``query``, ``mode`` (``"semantic"``) and ``model`` (the embedder's model id).

        Raises
        ------
        SearchError
            For an empty query, a missing embedder or a filter on an unknown column.
        """
        if not isinstance(query, str) or not query.strip():
            raise SearchError(f"A semantic search needs a non-empty query text. Got {query!r} instead.")
        rows, scores = self._semantic_ranking(query, filter_mask(self.frame, filters), min_score)
        attrs = {"query": query, "mode": "semantic", "match": None, "model": self._embedder_id()}
        return hit_table(self.frame, rows[:limit], scores[:limit], attrs)

    def _embedder_id(self) -> str:
        return str(self._ensure_vectors()[0].model_id)

    def _semantic_ranking(
        self, query: str, mask: np.ndarray, min_score: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows that pass the mask, best cosine first (document order on ties)."""
        embedder, vectors = self._ensure_vectors()
        if len(self.frame) == 0:
            return np.array([], dtype=int), np.array([], dtype=float)
        scores = vectors @ embedder.embed([query])[0]
        if min_score is not None:
            mask = mask & (scores >= min_score)
        idx = np.flatnonzero(mask)
        order = idx[np.lexsort((idx, -scores[idx]))]
        return order, scores[order]

    # -- both ------------------------------------------------------------------------------------------------
    def hybrid(
        self,
        query: str,
        limit: int | None = 20,
        match: str = "any",
        compounds: bool = True,
        k: int = RRF_K,
        **filters: Any,
    ) -> pd.DataFrame:
        """Hybrid search: the keyword and the semantic ranking fused by reciprocal rank.

        The keyword side reads the query syntax; the semantic side embeds the query as plain text (without
        quotes, ``*`` and excluded terms, :func:`~wijkanalyse.search.text.plain_text`). Every segment gets
        ``1 / (k + rank)`` from each ranking it appears in; segments holding an excluded term are left out.

        Parameters
        ----------
        query : str
            A keyword query (see :mod:`wijkanalyse.search.text`).
        limit : int or None, default 20
            Most hits returned; None for all.
        match : {"any", "all"}, default "any"
            Of the keyword side: ``any`` ranks every segment with at least one term (the fusion then rewards
            those with more), ``all`` only those with every term.
        compounds : bool, default True
            Of the keyword side, as in :meth:`keyword`.
        k : int, default 60
            The constant of reciprocal rank fusion.
        **filters
            Column values the hits must have, as in :meth:`keyword`.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`~wijkanalyse.search.hits.HIT_COLUMNS`; ``score`` is the fused score; ``attrs``
            holds ``query``, ``mode`` (``"hybrid"``), ``match``, ``model`` and ``k``.

        Raises
        ------
        SearchError
            For an empty query, a missing embedder, an unknown ``match``, a bad ``k`` or a filter on an
            unknown column.
        """
        if match not in ("all", "any"):
            raise SearchError(
                f"The 'match' parameter of hybrid search must be 'all' or 'any'. Got {match!r} instead."
            )
        q = parse_query(query)
        mask = filter_mask(self.frame, filters)
        if q.negative:  # an excluded term excludes on both sides
            excluded, _ = self._keyword_rows([_positive(t) for t in q.negative], False, compounds)
            mask[excluded] = False
        keyword_rows, _ = self._keyword_ranking(q, match, compounds, mask)
        semantic_rows, _ = self._semantic_ranking(plain_text(query) or query, mask)
        fused = reciprocal_rank_fusion([keyword_rows.tolist(), semantic_rows.tolist()], k=k)[:limit]
        attrs = {
            "query": q.text,
            "mode": "hybrid",
            "match": match,
            "compounds": compounds,
            "model": self._embedder_id(),
            "k": k,
        }
        return hit_table(self.frame, [r for r, _ in fused], [sc for _, sc in fused], attrs)

    def search(self, query: str, mode: str = "hybrid", **kwargs: Any) -> pd.DataFrame:
        """Run :meth:`hybrid`, :meth:`keyword` or :meth:`semantic` by name.

        Parameters
        ----------
        query : str
        mode : {"hybrid", "keyword", "semantic"}, default "hybrid"
        **kwargs
            Passed to the search (``limit``, filters ...).

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        SearchError
            For an unknown mode, or what the search raises.
        """
        if mode == "hybrid":
            return self.hybrid(query, **kwargs)
        if mode == "keyword":
            return self.keyword(query, **kwargs)
        if mode == "semantic":
            return self.semantic(query, **kwargs)
        raise SearchError(f"The search mode must be one of {list(MODES)}. Got {mode!r} instead.")


def _positive(term: Term) -> Term:
    return Term(term.stems, prefix=term.prefix, negated=False, source=term.source, norm=term.norm)


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
        One row per hit, columns :data:`~wijkanalyse.search.hits.HIT_COLUMNS`.
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
        One row per hit, columns :data:`~wijkanalyse.search.hits.HIT_COLUMNS`.
    """
    return SearchIndex.from_store(store, embedder=embedder).semantic(
        query, limit=limit, min_score=min_score, **filters
    )


def hybrid_search(
    store: Store,
    query: str,
    embedder: Embedder | str = "use-m3",
    limit: int | None = 20,
    match: str = "any",
    **filters: Any,
) -> pd.DataFrame:
    """Hybrid search over the segments of a store: keyword and semantic ranks fused (see SearchIndex.hybrid).

    Parameters
    ----------
    store : Store
    query : str
    embedder : Embedder or str, default "use-m3"
        Use the ``embedder`` of the corpus settings, so that the cached vectors are reused.
    limit : int or None, default 20
    match : {"any", "all"}, default "any"
        Of the keyword side.
    **filters
        As in :func:`keyword_search`.

    Returns
    -------
    pandas.DataFrame
        One row per hit, columns :data:`~wijkanalyse.search.hits.HIT_COLUMNS`.
    """
    return SearchIndex.from_store(store, embedder=embedder).hybrid(query, limit=limit, match=match, **filters)
