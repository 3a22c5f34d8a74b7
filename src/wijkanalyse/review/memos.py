"""Stage 6: editing, deleting and listing memos; nothing written is lost.

A memo is edited in place (its ``updated_at`` set) and deleted for good from ``memos``, but before either
the text as it was goes to ``memo_history`` with who changed it and when: the history of every memo can be
read back (:func:`memo_history`). Writing memos is :func:`wijkanalyse.review.decisions.add_memo`; these
functions are re-exported by :mod:`wijkanalyse.review.decisions`.
"""

from __future__ import annotations

import pandas as pd

from wijkanalyse.store import Store

__all__ = ["edit_memo", "delete_memo", "memo_history", "memo_list"]


def _memo_id(store: Store, memo_id: int | str) -> int:
    from wijkanalyse.review.decisions import ReviewError  # decisions re-exports this module

    try:
        mid = int(memo_id)
    except (TypeError, ValueError):
        raise ReviewError(f"A memo id is a number (see 'wijkanalyse memo list'). Got {memo_id!r}.") from None
    if store.memo_row(mid) is None:
        raise ReviewError(f"No memo with id {mid} in {store.path} (see 'wijkanalyse memo list').")
    return mid


def edit_memo(store: Store, memo_id: int | str, text: str, editor: str) -> None:
    """Replace a memo's text; the old text is kept in the memo's history.

    Parameters
    ----------
    store : Store
    memo_id : int
    text : str
        The new text (not empty).
    editor : str
        Who edits it (registered as a coder if new); the memo keeps its author.

    Raises
    ------
    ReviewError
        Unknown memo id, empty text or an invalid editor id.
    """
    from wijkanalyse.review.decisions import ReviewError, ensure_coder

    if not (text or "").strip():
        raise ReviewError("A memo needs some text. Got an empty memo (to remove it, delete it).")
    mid = _memo_id(store, memo_id)
    store.edit_memo(mid, text.strip(), ensure_coder(store, editor))


def delete_memo(store: Store, memo_id: int | str, editor: str) -> None:
    """Delete a memo; it is kept in the memo history (``memo_history``, action ``deleted``).

    Raises
    ------
    ReviewError
        Unknown memo id or an invalid editor id.
    """
    from wijkanalyse.review.decisions import ensure_coder

    mid = _memo_id(store, memo_id)
    store.delete_memo(mid, ensure_coder(store, editor))


def memo_history(store: Store, memo_id: int | str | None = None) -> pd.DataFrame:
    """Return the earlier texts of the memos (or of one memo): edits and deletions, oldest first.

    Returns
    -------
    DataFrame
        ``history_id, memo_id, target_kind, target_id, author, text, created_at, action, changed_by,
        changed_at``; ``text`` is the text as it was before the change.
    """
    return store.memo_history(None if memo_id is None else int(memo_id))


def memo_list(store: Store, target_kind: str | None = None) -> pd.DataFrame:
    """Return the memos (of one kind of target, or all) with ``path``: the document of a document or segment.

    Returns
    -------
    DataFrame
        ``memo_id, target_kind, target_id, path, author, created_at, updated_at, text``.
    """
    frame = store.memos_with_paths(target_kind)
    cols = ["memo_id", "target_kind", "target_id", "path", "author", "created_at", "updated_at", "text"]
    return frame[cols]
