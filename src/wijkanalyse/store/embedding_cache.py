"""The embedding cache: vectors on disk, in their own SQLite file next to the store.

Embeddings are large and cheap to rebuild, so they stay out of the store: ``<store_dir>/embeddings.sqlite``
holds one row per ``(model_id, sha256(text))`` with the vector as a float32 BLOB (table
:data:`~wijkanalyse.store.schema.EMBEDDING_SCHEMA`). :func:`wijkanalyse.coding.embed.embed_with_cache` looks
texts up here and embeds only the missing ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from wijkanalyse.store.schema import EMBEDDING_SCHEMA

__all__ = ["EmbeddingCache"]

_CHUNK = 500  # hashes per lookup query (well below SQLite's limit on parameters)


class EmbeddingCache:
    """Embeddings on disk, keyed by ``(model_id, sha256(text))``, as float32 BLOBs in a SQLite file.

    Parameters
    ----------
    path : path
        The SQLite file (created with its folder if missing), by convention ``<store_dir>/embeddings.sqlite``
        (see :meth:`for_store`).

    Notes
    -----
    Table ``embeddings(model_id TEXT, text_hash TEXT, dim INTEGER, vector BLOB, PRIMARY KEY (model_id,
    text_hash))``. WAL mode, so a notebook and the command line can read it at the same time.

    Examples
    --------
    >>> with EmbeddingCache(tmp_path / "embeddings.sqlite") as cache:     # doctest: +SKIP
    ...     cache.put_many("hashing/8", [("ab12", np.ones(8, dtype=np.float32))])
    ...     cache.count("hashing/8")
    1
    """

    FILENAME = "embeddings.sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA busy_timeout=60000")
        self._con.executescript(EMBEDDING_SCHEMA)

    @classmethod
    def for_store(cls, store_dir: str | Path | Any) -> EmbeddingCache:
        """Return the cache next to a store.

        Parameters
        ----------
        store_dir : Store or path
            A :class:`~wijkanalyse.store.Store` (its ``folder`` is used) or the store's folder.

        Returns
        -------
        EmbeddingCache
        """
        folder = getattr(store_dir, "folder", store_dir)
        return cls(Path(folder) / cls.FILENAME)

    def get_many(self, model_id: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors of some texts.

        Parameters
        ----------
        model_id : str
            The embedder's model id; vectors of other models are never returned.
        hashes : iterable of str
            Text hashes (:func:`wijkanalyse.coding.embed.text_hash`); duplicates are looked up once.

        Returns
        -------
        dict
            ``{text_hash: vector}`` for the hashes that are cached for this model.
        """
        hashes = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), _CHUNK):
            part = hashes[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            rows = self._con.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model_id = ? AND text_hash IN ({marks})",
                [model_id, *part],
            )
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model_id: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors in one transaction (existing keys are replaced).

        Parameters
        ----------
        model_id : str
        items : iterable of (str, numpy.ndarray)
            ``(text_hash, vector)`` pairs.
        """
        rows = [(model_id, h, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for h, v in items]
        if not rows:
            return
        self._con.execute("BEGIN IMMEDIATE")
        try:
            self._con.executemany(
                "INSERT OR REPLACE INTO embeddings(model_id, text_hash, dim, vector) VALUES (?,?,?,?)", rows
            )
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def count(self, model_id: str | None = None) -> int:
        """Return the number of cached vectors, of one model or of all.

        Parameters
        ----------
        model_id : str, optional
            Count only this model's vectors.

        Returns
        -------
        int
        """
        if model_id is None:
            return int(self._con.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        return int(
            self._con.execute("SELECT count(*) FROM embeddings WHERE model_id = ?", (model_id,)).fetchone()[0]
        )

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
