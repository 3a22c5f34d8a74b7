"""The coder's fit sample (``coding/partitions.py``): every human-coded segment plus a seeded sample."""

from __future__ import annotations

import numpy as np
import pytest

from wijkanalyse.coding.apply import code_store
from wijkanalyse.coding.codebook import load_codebook
from wijkanalyse.coding.embed import EmbeddingCache, HashingEmbedder
from wijkanalyse.coding.history import store_coder
from wijkanalyse.coding.partitions import fit_positions, partitions
from wijkanalyse.exceptions import SettingsError


def test_fit_positions_keeps_the_human_coded_segments_and_samples_the_others():
    ids = [f"s{i:02d}" for i in range(20)]
    pos = fit_positions(ids, {"s03", "s17"}, 5, seed=1)
    assert len(pos) == 2 + 5 and {3, 17} <= set(pos.tolist())
    assert pos.tolist() == sorted(pos.tolist())
    assert fit_positions(ids, {"s03", "s17"}, 5, seed=1).tolist() == pos.tolist()  # seeded: the same
    assert fit_positions(ids, {"s03", "s17"}, 5, seed=2).tolist() != pos.tolist()  # another seed, others
    # 19 others and a sample of 19: nothing to sample, every segment; of 18: sampled
    assert fit_positions(ids, {"s03"}, 19, seed=1).tolist() == list(range(20))
    assert len(fit_positions(ids, {"s03"}, 18, seed=1)) == 19
    with pytest.raises(SettingsError, match="must be >= 0"):
        fit_positions(ids, set(), -1, seed=0)


def test_partitions_keep_a_text_in_one_partition_and_cover_every_segment():
    texts = ["a", "b", "a", "c", "d", "b", "e"]
    parts = list(partitions(texts, 2))
    # distinct texts in order of first appearance: a b | c d | e
    assert [p.texts for p in parts] == [["a", "b"], ["c", "d"], ["e"]]
    assert [p.rows.tolist() for p in parts] == [[0, 1, 2, 5], [3, 4], [6]]
    assert [parts[0].texts[i] for i in parts[0].unique_of_row] == ["a", "b", "a", "b"]


def test_code_store_fits_on_the_human_coded_segments_plus_the_sample(mini_store):
    settings, store = mini_store
    segs = store.segment_texts()
    cb = load_codebook(settings.codebook_path)
    store.ensure_coder("anna", "human")
    human = segs["segment_id"].iloc[[1, 4, 9]].tolist()
    for sid, code in zip(human, [cb.ids[0], cb.ids[1], cb.ids[0]], strict=True):
        store.set_human_coding(sid, code, "anna", "applied")
    emb = HashingEmbedder()
    res = code_store(store, settings, embedder=emb, fit_sample=6)
    assert res.refit and res.fit_segments == 3 + 6
    assert res.coded == len(segs) == 12  # every segment is coded, not only those fitted on

    # the kept model's centre is the (shrunk) mean of exactly those 9 segments' embeddings
    pos = fit_positions(segs["segment_id"].tolist(), set(human), 6, settings.seed)
    assert set(segs["segment_id"].iloc[pos]) >= set(human)
    E = emb.embed(segs["text"].iloc[pos].tolist()).astype(np.float64)
    with EmbeddingCache.for_store(store) as cache:
        kept = store_coder(
            store, cb, emb, cache, threshold=settings.coding_threshold, seed=settings.seed, fit_sample=6
        )
    assert not kept.refit  # the model this run kept
    np.testing.assert_allclose(kept.coder.featurizer_.mu_, E.mean(axis=0) * 9 / (9 + 10), rtol=1e-5)

    # with the default sample size (20,000 > 9 others) a refit is on every segment
    res = code_store(store, settings.model_copy(update={"coding_threshold": 0.3}), embedder=emb)
    assert res.refit and res.fit_segments == 12
