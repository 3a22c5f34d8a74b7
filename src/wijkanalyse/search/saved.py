"""Saving a search: as a memo on the project, or as a proposal for a code.

:func:`save_search_as_memo` writes the search (query, mode, hit ids) as a memo on the project.
:func:`save_search_as_code_proposal` writes a *code proposal*: a memo on the proposed code id
(``target_kind = 'code'``) whose text starts with ``[codevoorstel]`` and lists the segment ids.

A proposal is deliberately not a coding. A human coding (``codings.kind = 'human'``) is a coder's decision on
one segment: it counts in the reports and in agreement and is never overwritten; a search hit is not such a
decision, and a machine coding needs a model. So the proposal stays a memo until a researcher adds the code
to the codebook (:meth:`wijkanalyse.coding.codebook.Codebook.add_code`) and codes the segments by hand (the
coding notebook). :func:`code_proposals` lists the proposals back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from wijkanalyse.review.decisions import ensure_coder
from wijkanalyse.search.text import SearchError
from wijkanalyse.vocabulary import NONE_CODE

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.store import Store

__all__ = [
    "PROPOSAL_MARK",
    "SEARCH_MEMO_TARGET",
    "save_search_as_memo",
    "save_search_as_code_proposal",
    "code_proposals",
]

#: First line of the text of a code-proposal memo.
PROPOSAL_MARK = "[codevoorstel]"
#: ``target_id`` of the project memos that save a search.
SEARCH_MEMO_TARGET = "zoekopdracht"

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HOW = {"semantic": "op betekenis", "keyword": "op trefwoord", "hybrid": "op trefwoord en betekenis"}
_PROPOSAL_COLUMNS = [
    "memo_id", "code_id", "label_nl", "definition", "query", "segment_ids", "n_segments", "author",
    "created_at",
]  # fmt: skip


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
    how = _HOW.get(attrs.get("mode") or "keyword", "op trefwoord")
    line = f'Zoekopdracht ({how}): "{query}"'
    if attrs.get("model"):
        line += f" — model {attrs['model']}"
    return line


def _check_author(store: Store, author: str) -> str:
    """Register the author as a (human) coder, as every memo author is; return the coder id."""
    if not isinstance(author, str) or not author.strip():
        raise SearchError(f"A saved search needs the author's name or initials. Got {author!r} instead.")
    return ensure_coder(store, author)


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v) != ""


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
        The hit table of a search (its ``attrs`` say keyword, semantic or hybrid) or the segment ids to keep.
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
        For an author id that :func:`wijkanalyse.review.decisions.ensure_coder` refuses (e.g. ``machine``).
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
    author = _check_author(store, author)
    if not isinstance(code_id, str) or not _ID_RE.match(code_id) or code_id == NONE_CODE:
        raise SearchError(
            "The 'code_id' of a code proposal must be lower-case letters, digits and '_', starting with a "
            f"letter, and not {NONE_CODE!r}. Got {code_id!r} instead."
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
    existing = code_id in store.code_ids()
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
    return pd.DataFrame(rows, columns=_PROPOSAL_COLUMNS)
