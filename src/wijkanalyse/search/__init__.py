"""Search the segments of a corpus by keyword, by meaning, or both (hybrid, the default).

Modules: :mod:`.text` (tokenising, Snowball's Dutch stemmer, the query syntax, highlighting), :mod:`.hits`
(the segments with their context, the hit table), :mod:`.fusion` (reciprocal rank fusion), :mod:`.index`
(:class:`SearchIndex`: keyword search with SQLite FTS5 and bm25, semantic search, hybrid search),
:mod:`.saved` (a search saved as a memo or as a code proposal). The keyword index and its SQL live in the
store (:mod:`wijkanalyse.store.search_index`).
"""

from __future__ import annotations

from wijkanalyse.search.fusion import reciprocal_rank_fusion
from wijkanalyse.search.hits import HIT_COLUMNS, segment_frame
from wijkanalyse.search.index import (
    SearchIndex,
    hybrid_search,
    keyword_search,
    semantic_search,
)
from wijkanalyse.search.saved import (
    PROPOSAL_MARK,
    SEARCH_MEMO_TARGET,
    code_proposals,
    save_search_as_code_proposal,
    save_search_as_memo,
)
from wijkanalyse.search.text import (
    Query,
    SearchError,
    Term,
    compound_match,
    match_spans,
    normalise_token,
    parse_query,
    stem_nl,
    tokenize,
)

__all__ = [
    "SearchIndex",
    "SearchError",
    "HIT_COLUMNS",
    "hybrid_search",
    "keyword_search",
    "semantic_search",
    "segment_frame",
    "reciprocal_rank_fusion",
    "Query",
    "Term",
    "parse_query",
    "match_spans",
    "compound_match",
    "normalise_token",
    "stem_nl",
    "tokenize",
    "save_search_as_memo",
    "save_search_as_code_proposal",
    "code_proposals",
    "PROPOSAL_MARK",
    "SEARCH_MEMO_TARGET",
]
