"""Coding on a Dask cluster (``coding/distributed.py``): same codes as a local run; a failure writes nothing.

A ``LocalCluster`` of two worker processes on the mini corpus with the word-hashing embedder, with partitions
of 5 texts so that both embedding and coding are split over several tasks and both workers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wijkanalyse.coding import embed as embed_module
from wijkanalyse.coding.apply import code_store
from wijkanalyse.coding.distributed import ClusterEmbedder, ClusterError, cluster, embedder_for
from wijkanalyse.coding.embed import EMBEDDERS, EmbeddingCache, HashingEmbedder, register_embedder, text_hash
from wijkanalyse.config import load_settings
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store

# dask.distributed is in the test extra: a missing install fails here, it is never skipped

MINI = Path(__file__).parent / "fixtures" / "mini_corpus"
COLUMNS = ["segment_id", "code_id", "kind", "status", "confidence", "model"]


def _store(tmp_path: Path, name: str, **overrides):
    settings = load_settings(
        MINI, store_dir=tmp_path / name, private_dir=tmp_path / "private", embedder="hashing", **overrides
    )
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    return settings, store


def _machine(store: Store) -> pd.DataFrame:
    df = store.codings(kind="machine", include_rejected=True)[COLUMNS]
    return df.sort_values(["segment_id", "code_id"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def two_workers():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with Client(lc) as client:
            client.wait_for_workers(2)
            yield client


def test_cluster_codes_equal_local_codes(tmp_path, two_workers):
    local_settings, local = _store(tmp_path, "local")
    code_store(local, local_settings)
    expected = _machine(local)
    local.close()

    settings, store = _store(tmp_path, "cluster")
    with cluster(workers=None):  # no cluster asked: the block runs locally
        assert not isinstance(embedder_for(settings), ClusterEmbedder)
    with cluster(client=two_workers, partition_size=5):
        emb = embedder_for(settings)
        assert isinstance(emb, ClusterEmbedder) and emb.model_id == "hashing/256"
        result = code_store(store, settings)
    got = _machine(store)
    texts = store.segment_texts()["text"].tolist()
    n_segments = len(texts)
    with EmbeddingCache.for_store(store) as cache:
        cached = cache.get_many("hashing/256", [text_hash(t) for t in texts])
    store.close()

    assert n_segments > 10  # more than two partitions of 5: the work was split
    assert result.mode == "full" and result.coded == n_segments
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected)  # identical codes, confidences and model ids
    # the driver wrote every segment's vector, embedded on the workers, into the cache
    assert len(cached) == len(set(texts))


def test_worker_failure_leaves_store_unchanged(tmp_path, two_workers, monkeypatch):
    settings, store = _store(tmp_path, "fail")
    code_store(store, settings)
    before = _machine(store)
    # an embedder known to the driver but not to the workers (as when a worker lacks a plugin)
    # (registered on a copy of the registry, so later tests see the real one)
    monkeypatch.setattr(embed_module, "EMBEDDERS", dict(EMBEDDERS))
    register_embedder("hashing-driver-only", lambda **kw: HashingEmbedder(dim=64))
    bad = settings.model_copy(update={"embedder": "hashing-driver-only"})
    with (
        cluster(client=two_workers, partition_size=5),
        pytest.raises(ClusterError, match="A worker failed while embedding batch"),
    ):
        code_store(store, bad)
    after = _machine(store)
    with EmbeddingCache.for_store(store) as cache:
        half_written = cache.count("hashing/64")
    store.close()
    pd.testing.assert_frame_equal(after, before)  # the earlier codings are untouched
    assert half_written == 0  # no vector of the failed model was written


def test_cli_code_with_local_workers(tmp_path):
    """`wijkanalyse code --workers 2` codes the store the way `wijkanalyse code` does."""
    import yaml
    from typer.testing import CliRunner

    from wijkanalyse.cli import app

    def settings_file(name: str) -> Path:
        cfg = yaml.safe_load((MINI / "wijkanalyse.yml").read_text(encoding="utf-8"))
        cfg.update(store_dir=str(tmp_path / name), private_dir=str(tmp_path / "private"), embedder="hashing")
        path = tmp_path / f"{name}.yml"
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        return path

    runner = CliRunner()
    tables = []
    for name, extra in (("plain", []), ("workers", ["--workers", "2"])):
        where = ["--corpus", str(MINI), "--settings", str(settings_file(name))]
        assert runner.invoke(app, ["ingest", *where]).exit_code == 0
        res = runner.invoke(app, ["code", *where, *extra])
        assert res.exit_code == 0, res.output
        store = Store(tmp_path / name, create=False)
        tables.append(_machine(store))
        store.close()
    assert len(tables[0]) > 0
    pd.testing.assert_frame_equal(tables[1], tables[0])


def test_partitions_balance_the_workers_and_keep_use_chunks_whole(two_workers):
    # two workers: about four partitions each, so 1,000 texts go in partitions of ceil(1000 / 8) = 125
    assert ClusterEmbedder(two_workers, "hashing").batch_size_for(1000) == 125
    assert ClusterEmbedder(two_workers, "hashing", partition_size=100).batch_size_for(1000) == 100
    # use-m3 encodes 64 texts at a time: partitions are multiples of 64 (125 -> 128; never below 64)
    use = ClusterEmbedder(two_workers, "use-m3")
    assert use.batch_size_for(1000) == 128
    assert use.batch_size_for(10) == 64
    assert ClusterEmbedder(two_workers, "use-m3", partition_size=100).batch_size_for(100_000) == 64


def test_cluster_codes_equal_local_codes_with_the_fit_sample(tmp_path, two_workers):
    """With the sample rule active (4 of 12 segments), the local and the cluster run fit the same model."""
    local_settings, local = _store(tmp_path, "local")
    res_local = code_store(local, local_settings, fit_sample=4)
    expected = _machine(local)
    local.close()
    settings, store = _store(tmp_path, "cluster")
    with cluster(client=two_workers, partition_size=5):
        res = code_store(store, settings, fit_sample=4)
    got = _machine(store)
    store.close()
    assert res_local.fit_segments == res.fit_segments == 4  # no human codings: the 4 sampled segments
    assert res.coded == 12 and len(got) > 0
    pd.testing.assert_frame_equal(got, expected)


class _FailsOn(HashingEmbedder):
    """The word-hashing embedder (same model id), failing when asked to embed one given text."""

    def __init__(self, target: str):
        super().__init__()
        self.target = target

    def _embed(self, texts):
        if self.target in texts:
            raise RuntimeError("worker lost its disk")
        return super()._embed(texts)


def _register_failing(target: str) -> None:  # runs on each worker (client.run)
    from wijkanalyse.coding.embed import register_embedder as register

    register("hashing-fails-late", lambda **kw: _FailsOn(target))


def test_interrupted_run_keeps_written_partitions_and_rerun_resumes(tmp_path, two_workers, monkeypatch):
    from wijkanalyse.coding.partitions import fit_positions, partitions

    settings, store = _store(tmp_path, "resume")
    # an earlier run with another embedder: every segment has codings, and no vector of hashing/256 is cached
    code_store(store, settings, embedder=HashingEmbedder(dim=128), fit_sample=3)
    before = _machine(store)
    # a full recode with hashing/256 on the cluster in partitions of 2 texts, whose last partition fails on
    # a worker: one of its texts is not in the fit sample, so it is embedded in the coding task
    segs = store.segment_texts()
    fit = set(segs["text"].iloc[fit_positions(segs["segment_id"].tolist(), set(), 3, settings.seed)])
    last = list(partitions(segs["text"].tolist(), 2))[-1]
    target = next(t for t in last.texts if t not in fit)
    two_workers.run(_register_failing, target)
    monkeypatch.setattr(embed_module, "EMBEDDERS", dict(EMBEDDERS))
    register_embedder("hashing-fails-late", lambda **kw: HashingEmbedder())  # the driver's, for the model id
    failing = settings.model_copy(update={"embedder": "hashing-fails-late"})
    with (
        cluster(client=two_workers, partition_size=2),
        pytest.raises(ClusterError, match="while coding partition 5"),
    ):
        code_store(store, failing, fit_sample=3)
    mid = store.codings(kind="machine", include_rejected=True)
    runs = store.machine_runs()
    failed_run = str(runs["run_id"].iloc[-1])
    written = set(mid.loc[mid["run_id"] == failed_run, "segment_id"])
    last_ids = set(segs["segment_id"].iloc[last.rows])
    assert 4 <= len(written) <= 10 and not written & last_ids  # some partitions written, the failed one not
    # the segments of unwritten partitions keep their earlier codings, untouched
    kept = _machine(store)
    kept = kept[~kept["segment_id"].isin(written)].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, before[~before["segment_id"].isin(written)].reset_index(drop=True))
    assert store.coding_pending() is not None

    # the rerun (locally, with a working embedder of the same model) codes only what was not written
    resumed = code_store(store, settings, fit_sample=3)
    final = _machine(store)
    pending_after = store.coding_pending()
    store.close()
    assert resumed.mode == "full" and resumed.resumed == len(written) and resumed.coded == 12 - len(written)
    assert pending_after is None
    clean_settings, clean = _store(tmp_path, "clean")
    code_store(clean, clean_settings, fit_sample=3)
    expected = _machine(clean)
    clean.close()
    pd.testing.assert_frame_equal(final, expected)  # as if the run had never been interrupted
