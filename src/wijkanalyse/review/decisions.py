"""Stage 6: human coding — coders, codings, memos, and the segments a person goes through.

Every coding records who (``coder_id``), when (``created_at``), whether a person or the machine made it
(``kind``), and whether the code applies (``status='applied'``) or was judged not to apply (``'rejected'``).
People's codings live in their own rows — the store keeps one row per (segment, code, coder) — so the machine,
which writes as coder ``machine``, can never overwrite them, and one person never overwrites another.

Rules
-----
* A person accepting a machine proposal records a *human* coding of their own (:func:`accept_machine_coding`);
  the machine's row stays as it was, for the agreement figures.
* Rejecting a code (:func:`reject_coding`) records a human row with ``status='rejected'``: the person judged
  that the code does not apply. This is how a machine proposal is turned down.
* :func:`set_segment_codes` makes a person's applied codes on a segment exactly the given set (what the
  widget and the spreadsheet import do). To say "none of the themes applies", code ``geen``; a kind of
  input (``soort``) can go with it, a theme cannot (:func:`none_conflicts`).
* Coder id ``machine`` is reserved for the coding engine.
* A code on part of a segment: :func:`add_span_coding` (rules in :mod:`wijkanalyse.review.spans`);
  memos are edited and deleted with their history kept (:mod:`wijkanalyse.review.memos`).

The spreadsheet round trip (``export_coding_sheet``, ``import_coding_sheet``) lives in
:mod:`wijkanalyse.review.sheet`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import DEFAULT_SOORT, Codebook, empty_codebook
from wijkanalyse.exceptions import WijkanalyseError
from wijkanalyse.review.memos import delete_memo, edit_memo, memo_history, memo_list
from wijkanalyse.review.spans import add_span_coding, remove_span_coding, span_codings
from wijkanalyse.store import Store, now_iso
from wijkanalyse.vocabulary import MACHINE, NONE_CODE, SOORT_DIMENSION, THEME_DIMENSION

__all__ = [
    "MACHINE",
    "NONE_CODE",
    "MEMO_TARGETS",
    "ReviewError",
    "ensure_coder",
    "known_codes",
    "ensure_codes",
    "add_coding",
    "reject_coding",
    "remove_coding",
    "accept_machine_coding",
    "set_segment_codes",
    "none_conflicts",
    "coder_codings",
    "add_span_coding",
    "remove_span_coding",
    "span_codings",
    "add_memo",
    "edit_memo",
    "delete_memo",
    "memo_history",
    "memo_list",
    "memos_for",
    "select_segments",
    "context_texts",
    "segment_view",
]

#: Coder id of the coding engine; people cannot use it.
#: The reserved code "none of these".
#: What a memo can be attached to.
MEMO_TARGETS = ("code", "segment", "document", "project")

_CODER_RE = re.compile(r"^[\w][\w .@'-]{0,63}$", re.UNICODE)


class ReviewError(WijkanalyseError):
    """A coding, memo or coding sheet was refused; ``problems`` lists every reason (per row for sheets)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = list(problems or [])
        if self.problems:
            message += "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(message)


# -- coders and codes --------------------------------------------------------------------------------------
def ensure_coder(store: Store, coder: str, name: str | None = None) -> str:
    """Register a person as a coder (if new) and return their coder id.

    Parameters
    ----------
    store : Store
    coder : str
        A short id such as ``"anna"`` or ``"a.devries"``: letters, digits, space, ``. @ ' -``; at most 64
        characters. Surrounding spaces are removed.
    name : str, optional
        Full name shown in exports (default: the id).

    Returns
    -------
    str
        The coder id.

    Raises
    ------
    ReviewError
        If the id is empty, malformed, ``machine``, or already registered as a machine.
    """
    cid = (coder or "").strip()
    if not cid or not _CODER_RE.match(cid):
        raise ReviewError(
            "Coder id must be 1-64 letters, digits, spaces or . @ ' - (e.g. 'anna' or 'a.devries'). Got "
            f"{coder!r}."
        )
    if cid.lower() == MACHINE:
        raise ReviewError(
            f"Coder id {cid!r} is reserved for the coding engine; choose your own name or initials."
        )
    kind = store.coder_kind(cid)
    if kind is not None and kind != "human":
        raise ReviewError(f"Coder id {cid!r} belongs to a machine coder in {store.path}; choose another id.")
    store.ensure_coder(cid, kind="human", name=name)
    return cid


@lru_cache(maxsize=1)
def _default_frame() -> pd.DataFrame:
    """Return the codes of a store that has none yet: no themes, the default kinds of input."""
    return empty_codebook().model_copy(update={"soort": list(DEFAULT_SOORT)}).to_frame()


def _codebook_frame() -> pd.DataFrame:
    return _default_frame().copy()


def _code_ids(store: Store) -> set[str]:
    """Return the valid code ids fast (one query): the codes table, else the default kinds; plus geen."""
    ids = set(store.code_ids())
    if not ids:
        ids = set(_default_frame()["code_id"])
    return ids | {NONE_CODE}


def known_codes(store: Store, codebook: Codebook | None = None) -> pd.DataFrame:
    """Return the codes a person may apply: the store's ``codes`` table, else the codebook's, plus ``geen``.

    Parameters
    ----------
    store : Store
    codebook : Codebook, optional
        Used when the store has no codes yet (nothing coded by machine); default: no themes, the default
        kinds of input.

    Returns
    -------
    DataFrame
        ``code_id, dimension, label_nl, label_en, parent, definition, color`` in codebook order; the last row
        is ``geen`` ("geen van deze", dimension ``thema``).
    """
    cols = ["code_id", "dimension", "label_nl", "label_en", "parent", "definition", "color"]
    codes = store.code_table()
    if codes.empty:
        frame = codebook.to_frame() if codebook is not None else _codebook_frame()
        codes = frame.reindex(columns=cols)
    codes = codes[codes["code_id"] != NONE_CODE]
    geen = pd.DataFrame(
        [
            {
                "code_id": NONE_CODE,
                "dimension": "thema",
                "label_nl": "geen van deze",
                "label_en": "none of these",
                "parent": None,
                "definition": "Geen van de codes in het codeboek is van toepassing.",
                "color": "#BAB0AC",
            }
        ]
    )
    return pd.concat([codes, geen], ignore_index=True)


def ensure_codes(store: Store, codebook: Any) -> int:
    """Put the codebook's codes that the store does not have yet into its ``codes`` table.

    People can then code with a codebook the machine has not used yet (a new corpus, a promoted theme). Codes
    already in the table are left as they are (the coding engine owns them).

    Parameters
    ----------
    store : Store
    codebook : Codebook

    Returns
    -------
    int
        The number of codes added.
    """
    return store.sync_codes(codebook.to_frame(), update=False)


def _check_segment(store: Store, segment_id: str) -> None:
    if not store.segment_exists(segment_id):
        raise ReviewError(f"No segment with id {segment_id!r} in {store.path}.")


def _check_code(store: Store, code_id: str) -> None:
    if code_id in _code_ids(store):
        return
    ids = list(known_codes(store)["code_id"])
    if code_id not in ids:
        close = get_close_matches(str(code_id), ids, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ReviewError(f"Unknown code {code_id!r}.{hint} Known codes: {', '.join(ids)}.")


def add_coding(store: Store, segment_id: str, code_id: str, coder: str) -> None:
    """Record that a person applies a code to a segment (updates their own earlier decision on it).

    Parameters
    ----------
    store : Store
    segment_id, code_id : str
    coder : str
        The person (registered if new, see :func:`ensure_coder`).

    Raises
    ------
    ReviewError
        Unknown segment, unknown code (with the closest id), or an invalid coder id.
    """
    cid = ensure_coder(store, coder)
    _check_segment(store, segment_id)
    _check_code(store, code_id)
    store.set_human_coding(segment_id, code_id, cid, "applied")


def reject_coding(store: Store, segment_id: str, code_id: str, coder: str) -> None:
    """Record that a person judges a code *not* to apply to a segment (e.g. turning down a machine proposal).

    Raises
    ------
    ReviewError
        As :func:`add_coding`.
    """
    cid = ensure_coder(store, coder)
    _check_segment(store, segment_id)
    _check_code(store, code_id)
    store.set_human_coding(segment_id, code_id, cid, "rejected")


def remove_coding(store: Store, segment_id: str, code_id: str, coder: str) -> bool:
    """Withdraw a person's own decision (applied or rejected) on a segment and code.

    Returns
    -------
    bool
        Whether there was one to withdraw. Other people's and the machine's codings are never touched.
    """
    cid = ensure_coder(store, coder)
    return store.delete_human_coding(segment_id, code_id, cid)


def accept_machine_coding(store: Store, segment_id: str, code_id: str, coder: str) -> None:
    """Confirm a machine proposal: records a *human* coding by ``coder``; the machine's row is left as it was.

    Raises
    ------
    ReviewError
        If the machine proposed no such code for the segment (use :func:`add_coding` to add a code yourself).
    """
    if not store.machine_proposed(segment_id, code_id):
        raise ReviewError(
            f"The machine proposed no code {code_id!r} for segment {segment_id!r}; nothing to accept. "
            "To apply the code yourself, use add_coding."
        )
    add_coding(store, segment_id, code_id, coder)


def coder_codings(store: Store, coder: str, segment_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Return a person's own codings (applied and rejected), optionally on some segments only."""
    return store.person_codings(coder, segment_ids)


def none_conflicts(store: Store, codes: Iterable[str]) -> list[str]:
    """Return the codes that cannot go with ``geen`` when ``codes`` holds it: the themes among them.

    ``geen`` says that no *theme* applies; a kind of input (dimension ``soort``) can still be said with it,
    as the coding engine does ("geen" + ``vraag_of_zorg``). Empty when ``codes`` lacks ``geen``.
    """
    wanted = list(codes)
    if NONE_CODE not in wanted:
        return []
    # a store whose codes were never synced knows the default kinds of input only (as agreement.dimension_map)
    dims = store.code_dimensions() or {c.id: SOORT_DIMENSION for c in DEFAULT_SOORT}
    return [c for c in wanted if c != NONE_CODE and dims.get(c, THEME_DIMENSION) != SOORT_DIMENSION]


def set_segment_codes(
    store: Store,
    segment_id: str,
    codes: Iterable[str],
    coder: str,
    *,
    rejected: Iterable[str] = (),
) -> dict[str, int]:
    """Make a person's applied codes on a segment exactly ``codes``; optionally record codes they turned down.

    Codes the person had applied before and are not in ``codes`` are withdrawn; their earlier rejections stay
    unless the code is now applied. Nothing of other people or the machine changes.

    Parameters
    ----------
    store : Store
    segment_id : str
    codes : iterable of str
        The codes that apply (``geen`` for none).
    coder : str
    rejected : iterable of str, optional
        Codes judged not to apply (typically machine proposals the person unticked).

    Returns
    -------
    dict
        Counts: ``added``, ``removed``, ``unchanged``, ``rejected``.

    Raises
    ------
    ReviewError
        Unknown segment or code(s) (all listed), a code both applied and rejected, or an invalid coder id.
    """
    cid = ensure_coder(store, coder)
    _check_segment(store, segment_id)
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    turned_down = [c for c in dict.fromkeys(rejected) if c not in wanted]
    ids = _code_ids(store)
    bad = [c for c in [*wanted, *turned_down] if c not in ids]
    if bad:
        raise ReviewError(f"Unknown code(s) for segment {segment_id!r}: {', '.join(map(repr, bad))}.")
    themes = none_conflicts(store, wanted)
    if themes:
        raise ReviewError(
            f"Segment {segment_id!r}: code {NONE_CODE!r} (no theme applies) cannot go with a theme: "
            f"{themes}; it can go with a kind of input ('soort')."
        )
    applied_before = store.human_applied_codes(segment_id, cid)
    withdrawn = applied_before - set(wanted)
    new = [c for c in wanted if c not in applied_before]
    stamp = now_iso()
    with store.transaction():  # all of the decision, or none of it
        for code in withdrawn:
            store.delete_human_coding(segment_id, code, cid)
        for code in new:
            store.set_human_coding(segment_id, code, cid, "applied", created_at=stamp)
        for code in turned_down:
            store.set_human_coding(segment_id, code, cid, "rejected", created_at=stamp)
    return {
        "added": len(new),
        "removed": len(withdrawn),
        "unchanged": len(wanted) - len(new),
        "rejected": len(turned_down),
    }


# -- memos -------------------------------------------------------------------------------------------------
def _resolve_target(store: Store, target_kind: str, target_id: str) -> str:
    if target_kind not in MEMO_TARGETS:
        raise ReviewError(
            f"A memo is about one of {', '.join(MEMO_TARGETS)}. Got target kind {target_kind!r}."
        )
    tid = (target_id or "").strip()
    if target_kind == "project":
        return tid or "project"
    if not tid:
        raise ReviewError(f"A memo on a {target_kind} needs the {target_kind}'s id.")
    if target_kind == "segment":
        _check_segment(store, tid)
    elif target_kind == "code":
        _check_code(store, tid)
    else:
        doc_id = store.document_id(tid)
        if doc_id is None:
            raise ReviewError(f"No document with id or path {tid!r} in {store.path}.")
        tid = doc_id
    return tid


def add_memo(store: Store, target_kind: str, target_id: str, author: str, text: str) -> int:
    """Write a memo on a code, segment, document (id or path) or the project.

    Parameters
    ----------
    store : Store
    target_kind : {'code', 'segment', 'document', 'project'}
    target_id : str
        The code id, segment id, document id or path; ignored (``"project"``) for the project.
    author : str
        The person writing it (registered as a coder if new).
    text : str
        Not empty.

    Returns
    -------
    int
        The memo id.

    Raises
    ------
    ReviewError
        Unknown target, empty text or an invalid author id.
    """
    if not (text or "").strip():
        raise ReviewError("A memo needs some text. Got an empty memo.")
    cid = ensure_coder(store, author)
    tid = _resolve_target(store, target_kind, target_id)
    return store.add_memo(target_kind, tid, cid, text.strip())


def memos_for(store: Store, target_kind: str, target_id: str | None = None) -> pd.DataFrame:
    """Memos on one target (or on every target of a kind when ``target_id`` is None), oldest first."""
    if target_id is None:
        return store.memos(target_kind)
    tid = _resolve_target(store, target_kind, target_id)
    return store.memos_on(target_kind, tid)


# -- which segments to code --------------------------------------------------------------------------------
def select_segments(
    store: Store,
    *,
    wijk: str | None = None,
    code: str | None = None,
    sample: int | None = None,
    seed: int = 42,
    document: str | None = None,
) -> pd.DataFrame:
    """Segments to go through, in document order: of a wijk, with a code, of a document, or a random sample.

    Parameters
    ----------
    store : Store
    wijk : str, optional
    code : str, optional
        Segments the machine or anyone applied this code to.
    sample : int, optional
        Draw this many at random (after the other filters). The draw depends only on ``seed`` and the
        segments, so two coders given the same seed code the same sample (double coding).
    seed : int, default 42
    document : str, optional
        A document id or path.

    Returns
    -------
    DataFrame
        The store's segment columns plus ``path``.

    Raises
    ------
    ReviewError
        If ``sample`` is not a positive number.
    """
    segs = store.segments(wijk)
    if document:
        segs = segs[(segs["doc_id"] == document) | (segs["path"] == document)]
    if code:
        segs = segs[segs["segment_id"].isin(store.segments_with_code(code))]
    segs = segs.sort_values(["path", "position"]).reset_index(drop=True)
    if sample is not None:
        if int(sample) < 1:
            raise ReviewError(f"'sample' must be a positive number of segments. Got {sample!r}.")
        if len(segs) > sample:
            rng = np.random.default_rng(seed)
            pick = np.sort(rng.choice(len(segs), size=int(sample), replace=False))
            segs = segs.iloc[pick].reset_index(drop=True)
    return segs


def context_texts(store: Store, segment_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Return the text before and after each segment: its neighbours in the same document.

    For a survey answer the neighbours are the same respondent's other answers only (another respondent's
    answer is no context and could steer the coder); "" where there is none.

    Returns
    -------
    dict
        ``{segment_id: (before, after)}``.
    """
    ids = list(dict.fromkeys(segment_ids))
    if not ids:
        return {}
    segs = store.sibling_segments(ids)
    by_pos = {
        (d, int(p)): (t, r)
        for d, p, t, r in zip(
            segs["doc_id"], segs["position"], segs["text"], segs["respondent_id"], strict=True
        )
    }
    out: dict[str, tuple[str, str]] = {}
    for seg, d, p, r in zip(
        segs["segment_id"], segs["doc_id"], segs["position"], segs["respondent_id"], strict=True
    ):
        if seg not in ids:
            continue
        pair = []
        for q in (int(p) - 1, int(p) + 1):
            text, resp = by_pos.get((d, q), ("", None))
            same = (pd.isna(r) and pd.isna(resp)) or (not pd.isna(r) and resp == r)
            pair.append(str(text) if same else "")
        out[seg] = (pair[0], pair[1])
    return out


def segment_view(store: Store, segment_id: str, coder: str | None = None) -> dict[str, Any]:
    """Everything a person needs to code one segment.

    Returns
    -------
    dict
        ``segment_id, path, wijk, date, speaker, role, section, question, text, before, after`` (the texts of
        the previous and next segment of the same document, or ""), ``proposals`` (the machine's codes:
        list of ``(code_id, confidence, status)``, most confident first), ``mine`` (the coder's own decisions:
        ``{code_id: status}``) and ``memos`` (list of ``(author, created_at, text)``).

    Raises
    ------
    ReviewError
        If the segment does not exist.
    """
    row = store.segments_by_id([segment_id])
    if row.empty:
        raise ReviewError(f"No segment with id {segment_id!r} in {store.path}.")
    r = row.iloc[0]
    before, after = context_texts(store, [segment_id])[segment_id]
    proposals = store.machine_codings_on([segment_id])
    mine: dict[str, str] = {}
    if coder:
        m = coder_codings(store, coder, [segment_id])
        mine = dict(zip(m["code_id"], m["status"], strict=True))
    memos = store.memos_on("segment", segment_id)

    def val(key: str) -> Any:
        v = r.get(key)
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else v

    return {
        "segment_id": segment_id,
        "path": val("path"),
        "wijk": val("wijk"),
        "date": val("date"),
        "speaker": val("speaker"),
        "role": val("role"),
        "section": val("section"),
        "question": val("question"),
        "text": r["text"],
        "before": before,
        "after": after,
        "proposals": [
            (str(p.code_id), None if pd.isna(p.confidence) else float(p.confidence), str(p.status))
            for p in proposals.itertuples()
        ],
        "mine": mine,
        "memos": [(str(m.author), str(m.created_at), str(m.text)) for m in memos.itertuples()],
    }
