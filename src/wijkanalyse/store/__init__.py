"""The project store: the schema and every SQL statement of the project (see :mod:`.core`)."""

from __future__ import annotations

from wijkanalyse.store.core import (
    SCHEMA_VERSION,
    Store,
    new_run_id,
    now_iso,
)
from wijkanalyse.store.documents import DocumentRecord, RespondentRecord
from wijkanalyse.store.embedding_cache import EmbeddingCache
from wijkanalyse.store.pseudonym_key import PseudonymKey
from wijkanalyse.store.row_memory import RowMemory

__all__ = [
    "Store",
    "SCHEMA_VERSION",
    "now_iso",
    "new_run_id",
    "DocumentRecord",
    "RespondentRecord",
    "PseudonymKey",
    "EmbeddingCache",
    "RowMemory",
]
