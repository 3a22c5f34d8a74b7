"""Embed and code on a Dask cluster, with the driver as the only writer of the store and the embedding cache.

One process (the *driver*: the ``wijkanalyse code`` / ``run`` command) reads the store, decides what to embed
and code, and writes every result. Workers only compute:

* **Embedding.** :func:`~wijkanalyse.coding.embed.embed_with_cache` looks every text up in the cache on the
  driver; only the texts that are not cached are cut into partitions (about four per worker, at most
  ``partition_size`` texts) and sent to the workers, at most ``2 x workers`` partitions in flight. Each worker
  loads the embedder once (a module-level cache in the worker process, keyed by the settings name) and returns
  the vectors; the driver writes each partition's vectors into the cache in one transaction as it arrives. A
  killed worker's tasks are rerun by Dask on another worker; a killed driver loses at most the partitions in
  flight: the store is as it was, and a rerun resumes from the cache.
* **Coding.** The few-shot coder is fitted once, on the driver (it needs the human codings and every
  segment's embedding), then broadcast to the workers (``client.scatter(broadcast=True)``); the workers code
  partitions of the segments and the driver writes all codings of the run in one transaction (a full recode
  replaces the previous codings, so it is all or nothing; a worker error leaves the codings unchanged).

Results are identical to a local run: a worker runs the same embedder and coder code on the same texts and
every row is computed independently of its partition (``tests/test_distributed.py`` checks it).

Use :func:`cluster` as a context manager around the work; inside it :func:`embedder_for` gives the
:class:`ClusterEmbedder` and :func:`code_texts` codes on the workers::

    with cluster(scheduler="tcp://10.0.0.5:8786"):       # or cluster(workers=4): a LocalCluster
        code_store(store, settings)

Driver memory: the segment table, the vectors of every segment (``n x dim x 4`` bytes, needed to fit the
coder: 2 GB at 1M segments of the default 512-dim embedder) and at most ``2 x workers`` partitions of
results in flight. Workers hold their embedder (about 300 MB for use-m3) and one partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.embed import EMBEDDERS, Embedder, USEEmbedder, available_cores, get_embedder
from wijkanalyse.exceptions import MissingDependencyError, SettingsError, WijkanalyseError

__all__ = [
    "ClusterError",
    "ClusterEmbedder",
    "cluster",
    "active_cluster",
    "embedder_for",
    "code_texts",
    "DEFAULT_PARTITION_SIZE",
]

#: Texts per partition sent to one worker: large enough that the round trip is small against the work
#: (2,048 segments are about 3 s of use-m3 on one core), small enough to balance the load.
DEFAULT_PARTITION_SIZE = 2048


class ClusterError(WijkanalyseError):
    """A worker failed, or the cluster could not be reached; the store is left as it was."""


@dataclass
class _Active:
    client: Any
    partition_size: int
    embedder_kwargs: dict[str, Any]


_ACTIVE: ContextVar[_Active | None] = ContextVar("wijkanalyse_cluster", default=None)


def active_cluster() -> Any | None:
    """Return the ``dask.distributed.Client`` of the enclosing :func:`cluster` block, or None."""
    act = _ACTIVE.get()
    return act.client if act is not None else None


@contextmanager
def cluster(
    scheduler: str | None = None,
    workers: int | None = None,
    *,
    client: Any | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> Iterator[Any | None]:
    """Connect to a Dask scheduler, or start a local cluster, for the work inside the block.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). Its workers need wijkanalyse installed (the same
        version as the driver: the worker's embedder must give the same model id).
    workers : int, optional
        Without ``scheduler``: start a ``LocalCluster`` of this many worker processes (one thread each).
        Without either, nothing is started and the block runs locally (yields None).
    client : dask.distributed.Client, optional
        Use this client (e.g. one a notebook made); it is left open at the end of the block.
    partition_size : int, default 2048
        Texts per task.

    Yields
    ------
    dask.distributed.Client or None

    Raises
    ------
    SettingsError
        On a bad ``workers`` / ``partition_size``, or both ``scheduler`` and ``workers``.
    ClusterError
        If the scheduler cannot be reached.
    MissingDependencyError
        If ``dask.distributed`` is not installed (``pip install 'wijkanalyse[distributed]'``).
    """
    if client is not None:
        token = _ACTIVE.set(_Active(client, int(partition_size), {}))
        try:
            yield client
        finally:
            _ACTIVE.reset(token)
        return
    if not scheduler and not workers:
        yield None
        return
    if scheduler and workers:
        raise SettingsError(
            "Give either a scheduler address or a number of local workers, not both. Got scheduler="
            f"{scheduler!r} and workers={workers}."
        )
    if workers is not None and workers < 1 or partition_size < 1:
        raise SettingsError(
            f"'workers' and 'partition_size' must be >= 1. Got workers={workers}, "
            f"partition_size={partition_size} instead."
        )
    client, local, kwargs = _connect(scheduler, int(workers or 1))
    token = _ACTIVE.set(_Active(client, int(partition_size), kwargs))
    try:
        yield client
    finally:
        _ACTIVE.reset(token)
        client.close()
        if local is not None:
            local.close()


def _connect(scheduler: str | None, workers: int) -> tuple[Any, Any | None, dict[str, Any]]:
    """Return (client, local cluster or None, embedder keyword arguments for the workers)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - installed with the 'distributed' extra
        raise MissingDependencyError("dask[distributed]", purpose="running on a Dask cluster") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None, {}  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"Could not reach the Dask scheduler at {scheduler!r} ({exc}). Is `dask scheduler` running "
                "there and the port open?"
            ) from exc
    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    # the cores of this machine are shared by the worker processes: no more encoder threads than that
    return Client(local), local, {"threads": max(1, available_cores() // workers)}


# -- on the workers -----------------------------------------------------------------------------------------
_WORKER_EMBEDDERS: dict[tuple[str, tuple[tuple[str, Any], ...]], Embedder] = {}


def _worker_embedder(name: str, kwargs: dict[str, Any]) -> Embedder:
    """Return this worker process's embedder, loaded on its first task and kept for the next ones."""
    key = (name, tuple(sorted(kwargs.items())))
    if key not in _WORKER_EMBEDDERS:
        _WORKER_EMBEDDERS[key] = get_embedder(name, **kwargs)
    return _WORKER_EMBEDDERS[key]


def _embed_partition(name: str, kwargs: dict[str, Any], texts: list[str]) -> tuple[str, np.ndarray]:
    emb = _worker_embedder(name, kwargs)
    return emb.model_id, emb.embed(texts)


def _code_partition(
    coder: Any, name: str, kwargs: dict[str, Any], texts: list[str], E: np.ndarray, questions: list[Any]
) -> pd.DataFrame:
    coder.attach(_worker_embedder(name, kwargs))
    return coder.code(texts, embeddings=E, questions=questions)


# -- on the driver ------------------------------------------------------------------------------------------
class ClusterEmbedder(Embedder):
    """An embedder whose work runs on the workers of a Dask cluster; same model id and vectors as local.

    Parameters
    ----------
    client : dask.distributed.Client
    name : str
        The embedder's settings name (``use-m3``, ``tfidf``, ``hashing``, a folder that exists on every
        worker).
    kwargs : dict, optional
        Passed to the embedder's constructor on each worker.
    partition_size : int, default 2048
        Texts per task.
    """

    def __init__(
        self,
        client: Any,
        name: str,
        kwargs: dict[str, Any] | None = None,
        partition_size: int = DEFAULT_PARTITION_SIZE,
    ):
        self.client = client
        self.name = str(name)
        self.kwargs = dict(kwargs or {})
        self.partition_size = int(partition_size)
        self.local = get_embedder(self.name, **self.kwargs)  # on the driver: the model id and dimension only
        self.model_id = self.local.model_id

    def batch_size_for(self, n: int) -> int:
        """Texts per task for ``n`` texts: about four tasks per worker, at most ``partition_size``.

        A multiple of the embedder's own chunk size (use-m3 encodes 64 texts at a time), so that every text is
        encoded with the same neighbours as in a local run, which keeps the vectors bit for bit the same.
        """
        step = max(1, int(getattr(self.local, "chunk_size", 1)))
        workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        size = -(-max(1, n) // (4 * workers))
        size = -(-size // step) * step
        return max(step, min(size, max(step, self.partition_size // step * step)))

    @property
    def dim(self) -> int:
        """Length of one vector (that of the local embedder)."""
        return self.local.dim

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the plain local embedder (a client cannot travel)."""
        return (get_embedder, (self.name,), None, None, None)

    def _embed(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - embed() is overridden
        return self.embed(texts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts on the workers, in partitions; rows in the order of ``texts``."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        size = self.batch_size_for(len(texts))
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        out: list[np.ndarray | None] = [None] * len(parts)
        for i, vec in self.embed_batches(parts):
            out[i] = vec
        return np.vstack([v for v in out if v is not None])

    def embed_batches(self, batches: Iterable[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        """Embed batches on the workers; yield ``(batch index, vectors)`` as they finish (any order).

        At most ``2 x workers`` batches are in flight, so the driver holds few results at a time. A worker's
        error cancels the rest and raises :class:`ClusterError` (what was yielded before stays valid).
        """
        from dask.distributed import as_completed

        todo = iter(enumerate(batches))
        pending: dict[Any, tuple[int, int]] = {}
        done = as_completed()
        n_workers = max(1, len(self.client.scheduler_info().get("workers", {})))

        def submit_next() -> None:
            nxt = next(todo, None)
            if nxt is not None:
                fut = self.client.submit(_embed_partition, self.name, self.kwargs, nxt[1], pure=False)
                pending[fut] = (nxt[0], len(nxt[1]))
                done.add(fut)

        for _ in range(2 * n_workers):
            submit_next()
        try:
            for fut in done:
                i, n = pending.pop(fut)
                try:
                    model_id, vec = fut.result()
                except Exception as exc:
                    raise ClusterError(
                        f"A worker failed while embedding batch {i} ({n} texts): {type(exc).__name__}: "
                        f"{exc}. Batches written before stay in the embedding cache; rerun to resume."
                    ) from exc
                if model_id != self.model_id:
                    raise ClusterError(
                        f"A worker's embedder is {model_id!r} but the driver's is {self.model_id!r}: install "
                        "the same wijkanalyse and embedder versions on every worker."
                    )
                yield i, vec
                submit_next()
        finally:
            if pending:
                self.client.cancel(list(pending))


def embedder_for(settings: Any) -> Embedder:
    """Return the embedder of ``settings.embedder``: on the cluster in a :func:`cluster` block, else local."""
    act = _ACTIVE.get()
    if act is None:
        return get_embedder(settings.embedder)
    kwargs = dict(act.embedder_kwargs) if EMBEDDERS.get(str(settings.embedder).lower()) is USEEmbedder else {}
    return ClusterEmbedder(act.client, settings.embedder, kwargs, partition_size=act.partition_size)


def code_texts(
    coder: Any, emb: Embedder, texts: Sequence[str], E: np.ndarray, questions: Sequence[Any]
) -> pd.DataFrame:
    """Code texts with a fitted coder: on the workers when ``emb`` is a :class:`ClusterEmbedder`, else here.

    The coder is sent to every worker once; each task codes one partition. The partitions' results are
    joined in the order of ``texts``.

    Raises
    ------
    ClusterError
        If a worker fails (nothing has been written: the caller writes after this returns).
    """
    texts, questions = list(texts), list(questions)
    size = emb.batch_size_for(len(texts)) if isinstance(emb, ClusterEmbedder) else len(texts)
    if not isinstance(emb, ClusterEmbedder) or len(texts) <= size:
        return coder.code(texts, embeddings=E, questions=questions)
    client = emb.client
    cache, coder.cache = coder.cache, None
    try:
        remote = client.scatter(coder, broadcast=True)
    finally:
        coder.cache = cache
    futures = [
        client.submit(
            _code_partition,
            remote,
            emb.name,
            emb.kwargs,
            texts[a : a + size],
            E[a : a + size],
            questions[a : a + size],
            pure=False,
        )  # fmt: skip
        for a in range(0, len(texts), size)
    ]
    try:
        parts = client.gather(futures)
    except Exception as exc:
        client.cancel(futures)
        raise ClusterError(
            f"A worker failed while coding: {type(exc).__name__}: {exc}. No codings were written."
        ) from exc
    return pd.concat(parts, ignore_index=True)
