"""Embed and code on a Dask cluster, with the driver as the only writer of the store and the embedding cache.

One process (the *driver*: the ``wijkanalyse code`` / ``run`` command) reads the store, decides what to embed
and code, and writes every result. Workers only compute:

* **Embedding** (of the fit sample). :func:`~wijkanalyse.coding.embed.embed_with_cache` looks every text up
  in the cache on the driver; only the texts that are not cached are cut into partitions (about four per
  worker, at most ``partition_size`` texts) and sent to the workers, at most ``2 x workers`` partitions in
  flight. Each worker loads the embedder once (a module-level cache in the worker process, keyed by the
  settings name) and returns the vectors; the driver writes each partition's vectors into the cache in one
  transaction as it arrives. A killed worker's tasks are rerun by Dask on another worker; a killed driver
  loses at most the partitions in flight: the store is as it was, and a rerun resumes from the cache.
* **Coding.** The few-shot coder is fitted once, on the driver, on the human-coded segments plus a seeded
  sample of the others (:mod:`wijkanalyse.coding.partitions`), then sent to every worker once
  (``client.scatter(broadcast=True)``). The segments are cut into partitions of distinct texts; per partition
  the driver reads the cached vectors and submits one task, in which the worker embeds the texts not cached,
  codes the partition and returns only the codes and the new vectors (:func:`code_in_partitions`). The
  driver writes each partition's vectors into the cache and its codings in one transaction
  (:mod:`wijkanalyse.coding.run_writer`): a worker error stops the run with the written partitions written
  and every other segment as it was; a rerun resumes.

Results are identical to a local run: a local run fits on the same sample and codes the same partitions with
the same code (:func:`~wijkanalyse.coding.partitions.code_partition`), so the embedder sees the same texts in
the same chunks (``tests/test_distributed.py`` checks it, also with the sample rule active).

Use :func:`cluster` as a context manager around the work; inside it :func:`embedder_for` gives the
:class:`ClusterEmbedder` and :func:`code_in_partitions` codes on the workers::

    with cluster(scheduler="tcp://10.0.0.5:8786", preload=settings.embedder):   # or workers=4: a LocalCluster
        code_store(store, settings)

Driver memory: the segment table (a few hundred bytes per segment), the fit (the sample's vectors and
features: a few hundred MB at any corpus size) and at most ``2 x workers`` partitions in flight; never every
segment's vector (``benchmarks/results/bench_cluster_memory.md``). Workers hold their embedder (about 300 MB
for use-m3, loaded at :func:`cluster` start with ``preload``) and one partition.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

from wijkanalyse.coding.embed import (
    EMBEDDERS,
    Embedder,
    EmbeddingCache,
    USEEmbedder,
    available_cores,
    get_embedder,
)
from wijkanalyse.coding.partitions import CODE_PARTITION, Coded, Partition, code_partition, partitions
from wijkanalyse.exceptions import MissingDependencyError, SettingsError, WijkanalyseError

__all__ = [
    "ClusterError",
    "ClusterEmbedder",
    "cluster",
    "active_cluster",
    "embedder_for",
    "code_in_partitions",
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
    preload: str | None = None,
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
        Texts per embedding task and distinct texts per coding task (keep the default for codes identical
        to a local run with use-m3: see :mod:`wijkanalyse.coding.partitions`).
    preload : str, optional
        An embedder's settings name (``settings.embedder``): every worker loads it now, so that no task
        waits for it (use-m3 takes a few seconds per worker). A worker that joins later loads it with its
        first task.

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
            if preload:
                _preload_workers(client, preload, {})
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
        if preload:
            _preload_workers(client, preload, kwargs)
        yield client
    finally:
        _ACTIVE.reset(token)
        client.close()
        if local is not None:
            local.close()


def _embedder_kwargs(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return the cluster's embedder keyword arguments (threads per worker): for use-m3 only."""
    return dict(kwargs) if EMBEDDERS.get(str(name).lower()) is USEEmbedder else {}


def _preload_workers(client: Any, name: str, kwargs: dict[str, Any]) -> None:
    """Load the embedder on every worker now (``client.run``); a worker that cannot is a ClusterError."""
    try:
        client.run(_preload, str(name), _embedder_kwargs(name, kwargs))
    except Exception as exc:
        raise ClusterError(
            f"A worker could not load the embedder {name!r}: {type(exc).__name__}: {exc}. Install the same "
            "wijkanalyse and embedder versions on every worker."
        ) from exc


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


def _preload(name: str, kwargs: dict[str, Any]) -> str:
    """Load this worker's embedder and the coder's modules now (at cluster start); return the model id.

    So that no task waits for them: use-m3 takes seconds to load, and unpickling the first coder would
    import scikit-learn and SciPy.
    """
    import wijkanalyse.coding.coder  # noqa: F401 - imported for its side effect: scikit-learn loaded

    return _worker_embedder(name, kwargs).model_id


def _code_task(
    coder: Any,
    name: str,
    kwargs: dict[str, Any],
    texts: list[str],
    missing: list[int],
    cached: np.ndarray,
    unique_of_row: np.ndarray,
    questions: list[Any],
) -> tuple[str, Coded, np.ndarray]:
    """One partition on a worker (:func:`~wijkanalyse.coding.partitions.code_partition`) with its model id."""
    emb = _worker_embedder(name, kwargs)
    coder.attach(emb)
    coded, new = code_partition(coder, emb, texts, missing, cached, unique_of_row, questions)
    return emb.model_id, coded, new


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
    kwargs = _embedder_kwargs(settings.embedder, act.embedder_kwargs)
    return ClusterEmbedder(act.client, settings.embedder, kwargs, partition_size=act.partition_size)


def code_in_partitions(
    coder: Any,
    emb: Embedder,
    texts: Sequence[str],
    questions: Sequence[Any],
    cache: EmbeddingCache | None,
    write: Callable[[np.ndarray, Coded], None],
    *,
    hashes: Sequence[str] | None = None,
    stats: dict[str, int] | None = None,
    progress: bool | None = None,
) -> None:
    """Embed what is not cached and code, partition by partition (on the workers for a cluster embedder).

    The partitions are :func:`~wijkanalyse.coding.partitions.partitions` of :data:`CODE_PARTITION` distinct
    texts (on a cluster: its ``partition_size``, the same by default, which keeps use-m3's vectors and so
    the codes identical to a local run). Per partition this process reads the cached vectors, the texts not
    cached are embedded and every segment is coded (in this process, or in one task on a worker, which
    returns only the codes and the new vectors), then the new vectors go into the cache and
    ``write(rows, coded)`` gets the partition's positions in ``texts`` and their codes. On a cluster the
    coder is sent to every worker once, at most ``2 x workers`` partitions are in flight and ``write`` is
    called in the order they finish; so only those partitions are held here, never every vector.

    Raises
    ------
    ClusterError
        If a worker fails (the partitions written before stay written; a rerun resumes).
    """
    texts, questions = list(texts), list(questions)
    on_cluster = isinstance(emb, ClusterEmbedder)
    size = emb.partition_size if isinstance(emb, ClusterEmbedder) else CODE_PARTITION
    counts = stats if stats is not None else {}
    counts.setdefault("embedded", 0)
    show = progress if progress is not None else (sys.stderr.isatty() and len(texts) > size)
    bar = _bar(len(texts), show)

    def prepare(part: Partition) -> tuple[list[int], np.ndarray, list[Any]]:
        found = cache.get_many(emb.model_id, part.hashes) if cache is not None else {}
        missing = [i for i, h in enumerate(part.hashes) if h not in found]
        have = [found[h] for h in part.hashes if h in found]
        cached = np.vstack(have) if have else np.zeros((0, emb.dim), dtype=np.float32)
        return missing, cached, [questions[i] for i in part.rows]

    def finish(part: Partition, missing: list[int], coded: Coded, new: np.ndarray) -> None:
        if cache is not None and missing:
            cache.put_many(emb.model_id, list(zip([part.hashes[i] for i in missing], new, strict=True)))
        counts["embedded"] += len(missing)
        write(part.rows, coded)
        if bar is not None:
            bar.update(len(part.rows))

    plan = partitions(texts, size, hashes)
    try:
        if not on_cluster:
            for part in plan:
                missing, cached, qs = prepare(part)
                coded, new = code_partition(coder, emb, part.texts, missing, cached, part.unique_of_row, qs)
                finish(part, missing, coded, new)
            return
        assert isinstance(emb, ClusterEmbedder)
        _code_on_cluster(coder, emb, plan, prepare, finish)
    finally:
        if bar is not None:
            bar.close()


def _bar(total: int, show: bool) -> Any:
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="coding", unit="segment")


def _code_on_cluster(
    coder: Any,
    emb: ClusterEmbedder,
    plan: Iterator[Partition],
    prepare: Callable[[Partition], tuple[list[int], np.ndarray, list[Any]]],
    finish: Callable[[Partition, list[int], Coded, np.ndarray], None],
) -> None:
    """Submit the partitions as tasks (at most ``2 x workers`` in flight) and finish each as it comes back."""
    from dask.distributed import as_completed

    client = emb.client
    cache, coder.cache = coder.cache, None
    try:
        remote = client.scatter(coder, broadcast=True)  # once per run, not with every task
    finally:
        coder.cache = cache
    pending: dict[Any, tuple[Partition, list[int]]] = {}
    done = as_completed()
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))

    def submit_next() -> None:
        part = next(plan, None)
        if part is not None:
            missing, cached, qs = prepare(part)
            fut = client.submit(
                _code_task, remote, emb.name, emb.kwargs, part.texts, missing, cached, part.unique_of_row, qs,
                pure=False,
            )  # fmt: skip
            pending[fut] = (part, missing)
            done.add(fut)

    for _ in range(2 * n_workers):
        submit_next()
    try:
        for fut in done:
            part, missing = pending.pop(fut)
            try:
                model_id, coded, new = fut.result()
            except Exception as exc:
                raise ClusterError(
                    f"A worker failed while coding partition {part.index} ({len(part.rows)} segments): "
                    f"{type(exc).__name__}: {exc}. The partitions written before stay written; rerun to "
                    "resume."
                ) from exc
            if model_id != emb.model_id:
                raise ClusterError(
                    f"A worker's embedder is {model_id!r} but the driver's is {emb.model_id!r}: install "
                    "the same wijkanalyse and embedder versions on every worker."
                )
            finish(part, missing, coded, new)
            submit_next()
    finally:
        if pending:
            client.cancel(list(pending))
