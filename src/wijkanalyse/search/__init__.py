"""Keyword and semantic search over the segments of a corpus (see :mod:`.index`)."""

from __future__ import annotations

from wijkanalyse.search.index import (
    HIT_COLUMNS,
    PROPOSAL_MARK,
    SEARCH_MEMO_TARGET,
    Query,
    SearchError,
    SearchIndex,
    Term,
    code_proposals,
    compound_match,
    keyword_search,
    match_spans,
    normalise_token,
    parse_query,
    save_search_as_code_proposal,
    save_search_as_memo,
    segment_frame,
    semantic_search,
    stem_nl,
    tokenize,
)

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
