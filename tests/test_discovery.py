"""Inductive theme discovery with BERTopic, and promoting a theme to a code (stage 5).

UMAP's numba functions compile on first use (a minute or more on two cores), so the model is fitted once per
module and reused.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from wijkanalyse.coding.codebook import parse_codebook
from wijkanalyse.coding.codebook_draft import draft_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.discovery import DiscoveryResult, discover_store, load_themes, promote_theme
from wijkanalyse.coding.embed import HashingEmbedder
from wijkanalyse.coding.theme_model import ThemeModel, default_min_theme_size, min_theme_size_candidates
from wijkanalyse.exceptions import SettingsError

# Three topics of eight short texts each; the hashing embedder makes texts that share words similar.
TOPICS = {
    "speeltuin": [
        "speeltuin glijbaan kapot",
        "speeltuin schommel kinderen",
        "speeltuin zandbak kinderen",
        "glijbaan schommel speeltuin",
        "kinderen speeltuin zandbak",
        "schommel kapot speeltuin",
        "zandbak glijbaan kinderen",
        "kinderen schommel glijbaan",
    ],
    "parkeren": [
        "parkeren vergunning duur",
        "parkeerplaats auto vergunning",
        "auto parkeren straat",
        "vergunning parkeerplaats duur",
        "straat auto parkeerplaats",
        "parkeren duur auto",
        "parkeerplaats straat vergunning",
        "auto vergunning parkeren",
    ],
    "afval": [
        "afval container vol",
        "container zwerfvuil straat",
        "zwerfvuil afval ophalen",
        "container ophalen afval",
        "afval zwerfvuil vol",
        "ophalen container vol",
        "zwerfvuil ophalen container",
        "vol afval zwerfvuil",
    ],
}
TEXTS = [t for texts in TOPICS.values() for t in texts]
GOLD = [topic for topic, texts in TOPICS.items() for _ in texts]

# A codebook that knows waste and parking but not playgrounds.
CB = parse_codebook(
    {
        "name": "test",
        "codes": [
            {
                "id": "afval",
                "label_nl": "Afval",
                "definition": "afval container zwerfvuil ophalen",
                "examples": ["afval container vol", "zwerfvuil ophalen"],
            },
            {
                "id": "parkeren",
                "label_nl": "Parkeren",
                "definition": "parkeren auto vergunning parkeerplaats",
                "examples": ["parkeren duur", "auto parkeerplaats vergunning"],
            },
            {
                "id": "vergaderen",
                "label_nl": "Vergaderen",
                "definition": "agenda notulen vergadering",
                "examples": ["agenda vergadering", "notulen vergadering"],
            },
        ],
    }
)


@pytest.fixture(scope="module")
def fitted() -> tuple[ThemeModel, ThemeModel]:
    emb = HashingEmbedder()
    a = ThemeModel(random_state=7, embedder=emb).fit(TEXTS, ids=[f"s{i}" for i in range(len(TEXTS))])
    b = ThemeModel(random_state=7, embedder=emb).fit(
        TEXTS, embeddings=emb.embed(TEXTS), ids=[f"s{i}" for i in range(len(TEXTS))]
    )
    return a, b


def test_min_theme_size_grows_with_the_corpus():
    # round(sqrt(n) / 3), at least 3, at most 50
    assert [default_min_theme_size(n) for n in (10, 24, 100, 400, 2500, 10**6)] == [3, 3, 3, 7, 17, 50]
    # tried: a quarter, a third and half of sqrt(n), each from 3 to 50 (sqrt(400) = 20: 5, 6.7, 10)
    assert min_theme_size_candidates(400) == [5, 7, 10] and min_theme_size_candidates(10) == [3]


def test_same_input_and_seed_give_the_same_themes(fitted):
    a, b = fitted
    assert np.array_equal(a.labels_, b.labels_)  # embedded inside or precomputed: the same
    pd.testing.assert_frame_equal(a.themes_, b.themes_)
    again = ThemeModel(random_state=7, embedder=HashingEmbedder()).fit(
        TEXTS, ids=[f"s{i}" for i in range(24)]
    )
    assert np.array_equal(a.labels_, again.labels_)


def test_themes_follow_the_topics_with_few_outliers(fitted):
    model, _ = fitted
    assert (model.labels_ >= 0).all()  # every outlier reassigned
    assert list(model.assignments_["id"][:2]) == ["s0", "s1"]
    # every theme is (mostly) one topic, and every topic is found
    found = {}
    for theme in model.themes_["theme_id"]:
        members = [g for g, t in zip(GOLD, model.labels_, strict=True) if t == theme]
        top = max(set(members), key=members.count)
        assert members.count(top) / len(members) >= 0.75
        found.setdefault(top, []).append(theme)
    assert set(found) == set(TOPICS)
    row = model.themes_.iloc[0]
    assert row["size"] == int((model.labels_ == row["theme_id"]).sum())
    assert len(row["representative_ids"]) == min(5, row["size"])
    assert all(w not in {"de", "het", "een", "wijk", "gemeente"} for w in row["top_words"])
    # the label is a short name made of the theme's own top words (not the keyword list)
    for r in model.themes_.itertuples(index=False):
        words = r.label.lower().split()
        assert 1 <= len(words) <= 4 and r.label[0].isupper()
        assert set(words) - {"en"} <= {w for phrase in r.top_words for w in phrase.split()}


def test_coverage_marks_the_theme_the_codebook_lacks(fitted):
    model, _ = fitted
    themes = model.coverage(CB)
    by_topic = {}
    for r in themes.itertuples(index=False):
        members = [g for g, t in zip(GOLD, model.labels_, strict=True) if t == r.theme_id]
        by_topic.setdefault(max(set(members), key=members.count), []).append(r)
    assert all(not r.covered for r in by_topic["speeltuin"])
    assert all(r.covered and r.closest_code == "afval" for r in by_topic["afval"])
    assert all(r.covered and r.closest_code == "parkeren" for r in by_topic["parkeren"])


def test_promote_a_theme_to_a_code(fitted):
    model, _ = fitted
    themes = model.coverage(CB)
    new = themes[~themes["covered"]].iloc[0].to_dict()
    bigger = promote_theme(CB, new, "speeltuin", "Speeltuin", label_en="Playground", n_examples=3)
    code = bigger.code("speeltuin")
    assert bigger.ids == ["afval", "parkeren", "vergaderen", "speeltuin"] and CB.ids[-1] == "vergaderen"
    assert code.examples == new["representative_texts"][:3]
    assert code.include and "Kernwoorden" in code.include[0] and code.label_en == "Playground"
    assert "speeltuin" in code.definition or "glijbaan" in code.definition or "kinderen" in code.definition


def test_a_codebook_drafted_from_the_themes_codes_their_texts_back(fitted):
    model, _ = fitted
    texts = {
        int(t): [x for x, k in zip(TEXTS, model.labels_, strict=True) if k == t]
        for t in model.themes_["theme_id"]
    }
    draft = draft_codebook(model.themes_, texts)
    cb = draft.codebook
    assert len(cb.codes) == len(model.themes_) and cb.soort == []
    for code in cb.codes:
        theme = model.themes_[model.themes_["theme_id"] == draft.themes[code.id]].iloc[0]
        words = {w for phrase in theme["top_words"] for w in phrase.split()}
        assert set(re.findall(r"\w+", code.label_nl.lower())) - {"en"} <= words  # named by its top words
        assert code.examples and set(code.examples) <= set(theme["representative_texts"])  # short: whole
    # zero-shot, the drafted codebook puts (nearly) every text back into the theme it was drafted from
    coded = CodebookCoder(codebook=cb, embedder=HashingEmbedder()).fit(TEXTS).code(TEXTS)
    own = {t: c for c, t in draft.themes.items()}
    back = np.mean([own[int(k)] == c for k, c in zip(model.labels_, coded["top_code"], strict=True)])
    assert back >= 0.75


def test_too_few_texts_and_bad_parameters():
    with pytest.raises(SettingsError, match="at least 10 texts. Got 3 instead"):
        ThemeModel(embedder=HashingEmbedder()).fit(["a", "b", "c"])
    with pytest.raises(
        SettingsError, match="'min_theme_size' parameter of ThemeModel must be an int >= 2. Got 1"
    ):
        ThemeModel(min_theme_size=1, embedder=HashingEmbedder()).fit(TEXTS)


def test_discover_store_writes_themes_and_assignments(mini_store, fitted):
    settings, store = mini_store
    # the mini corpus has 12 segments: enough to run, too few for real themes; the tables matter here
    summary = discover_store(store, settings, embedder=HashingEmbedder(), codebook=CB, min_theme_size=3)
    themes, links = load_themes(store)
    assert summary.segments == len(store.segments()) == len(links)
    assert summary.themes == len(themes) and set(links["segment_id"]) == set(store.segments()["segment_id"])
    assert set(links["theme_id"]) <= set(themes["theme_id"]) | {-1}
    assert {
        "label",
        "top_words",
        "size",
        "representative_ids",
        "representative_texts",
        "covered",
        "closest_code",
    } <= set(themes.columns)
    assert themes["size"].sum() == (links["theme_id"] >= 0).sum()
    run = store.con.execute("SELECT status FROM runs WHERE run_id = ?", (summary.run_id,)).fetchone()[0]
    assert run == "ok"
    # a second run is kept apart; load_themes returns the newest
    second = discover_store(store, settings, embedder=HashingEmbedder(), codebook=CB, min_theme_size=3)
    newest, _ = load_themes(store)
    assert set(newest["run_id"]) == {second.run_id}
    assert len(load_themes(store, summary.run_id)[0]) == summary.themes
    assert isinstance(summary, DiscoveryResult)
    assert summary.uncovered == themes.loc[~themes["covered"], "theme_id"].tolist()
    assert summary.outliers_after == int((links["theme_id"] == -1).sum())


def test_load_themes_before_any_discovery_is_empty(mini_store):
    _, store = mini_store
    themes, links = load_themes(store)
    assert themes.empty and links.empty
    assert {"theme_id", "label", "covered"} <= set(themes.columns)
    assert store.latest_theme_run() is None


def test_discovery_result_describes_itself():
    result = DiscoveryResult(
        run_id="d1", segments=40, themes=3, uncovered=[2], outliers_before=5, outliers_after=0,
        min_theme_size=4,
    )  # fmt: skip
    assert result.describe() == (
        "Discovery: 3 themes in 40 segments (min size 4); 5 outliers reassigned, 0 left; "
        "1 not covered by the codebook. Run d1."
    )
