"""Themes that stay put between discovery runs (issue 12): same input and seed give the same themes and ids,
new segments join the earlier themes without renumbering them, and a refit maps the old ids onto the themes
that continue them.

A corpus of survey answers on three topics is written to a temporary folder and run through the real ingest
and :func:`~wijkanalyse.coding.discovery.discover_store` (the hashing embedder makes answers that share words
similar, so the three topics are three themes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wijkanalyse.coding.codebook import parse_codebook
from wijkanalyse.coding.discovery import discover_store, load_themes
from wijkanalyse.coding.embed import HashingEmbedder
from wijkanalyse.coding.theme_state import STATE_FILE, ThemeState, assign_to_themes, match_themes
from wijkanalyse.config import load_settings
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store

WORDS = {
    "speeltuin": ["speeltuin", "glijbaan", "schommel", "zandbak", "kinderen", "kapot"],
    "parkeren": ["parkeren", "vergunning", "parkeerplaats", "auto", "straat", "duur"],
    "afval": ["afval", "container", "zwerfvuil", "ophalen", "vol", "stank"],
}
CB = parse_codebook(
    {
        "name": "t",
        "codes": [{"id": "afval", "label_nl": "Afval", "definition": "afval container zwerfvuil ophalen"}],
    }
)


def _answers(topic: str, n: int, start: int = 0) -> list[str]:
    """``n`` answers of three of the topic's six words each: the first twelve all different, evenly spread."""
    w = WORDS[topic]
    return [f"{w[i % 6]} {w[(i + 1) % 6]} {w[(i + 2 + i // 6) % 6]}" for i in range(start, start + n)]


def _write_corpus(folder: Path, rows: list[tuple[str, str]], discovery: str = "min_theme_size: 6") -> Path:
    """A survey corpus; themes of at least six answers (three topics of twelve: three themes)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "enquete").mkdir(exist_ok=True)
    (folder / "wijkanalyse.yml").write_text(
        "surveys:\n  - path: enquete/antwoorden.csv\n    respondent_id: nr\n    wijk_column: wijk\n"
        f"    text_columns:\n      wens: Wat wilt u?\nembedder: hashing\ndiscovery:\n  {discovery}\n",
        encoding="utf-8",
    )
    df = pd.DataFrame(
        {"nr": range(1, len(rows) + 1), "wijk": [w for w, _ in rows], "Wat wilt u?": [t for _, t in rows]}
    )
    df.to_csv(folder / "enquete" / "antwoorden.csv", index=False)
    return folder


def _rows(n: int = 12) -> list[tuple[str, str]]:
    return [("Noord" if i % 2 else "Zuid", t) for topic in WORDS for i, t in enumerate(_answers(topic, n))]


def _discover(corpus: Path, tmp: Path, **kw):
    settings = load_settings(corpus, store_dir=tmp / "store", private_dir=tmp / "private")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        cb = kw.pop("codebook", CB)
        result = discover_store(store, settings, embedder=HashingEmbedder(), codebook=cb, **kw)
        themes, links = load_themes(store, result.run_id)
        texts = dict(zip(store.segments()["segment_id"], store.segments()["text"], strict=True))
    links = links.assign(text=links["segment_id"].map(texts))
    return result, themes, links


def _topic(text: str) -> str:
    return next(t for t, w in WORDS.items() if text.split()[0] in w)


def _theme_of_topic(links: pd.DataFrame) -> dict[str, int]:
    """The theme holding most segments of each topic."""
    links = links[links["theme_id"] >= 0]
    return {t: int(g["theme_id"].mode()[0]) for t, g in links.groupby(links["text"].map(_topic))}


def test_same_input_and_seed_give_the_same_themes_ids_included(tmp_path):
    corpus = _write_corpus(tmp_path / "corpus", _rows())
    a, themes_a, links_a = _discover(corpus, tmp_path / "a")
    b, themes_b, links_b = _discover(corpus, tmp_path / "b")
    assert a.mode == b.mode == "fit" and a.themes == 3
    cols = ["theme_id", "label", "top_words", "size", "representative_texts", "covered", "closest_code"]
    pd.testing.assert_frame_equal(themes_a[cols], themes_b[cols])
    pd.testing.assert_frame_equal(links_a[["theme_id", "text"]], links_b[["theme_id", "text"]])
    # each topic is one theme, the ids 0, 1, 2
    assert sorted(_theme_of_topic(links_a).values()) == [0, 1, 2]
    assert (tmp_path / "a" / "store" / STATE_FILE).is_file()


def test_new_segments_join_the_earlier_themes_and_keep_every_id(tmp_path):
    rows = _rows()
    corpus = _write_corpus(tmp_path / "corpus", rows)
    first, _, before = _discover(corpus, tmp_path)
    topic_theme = _theme_of_topic(before)
    # three new answers, one per topic, in words of that topic (1 % of a large corpus, here 3 of 39)
    new = [("Noord", _answers(t, 1, start=4)[0]) for t in WORDS]
    _write_corpus(corpus, rows + new)
    second, themes, after = _discover(corpus, tmp_path)
    assert second.mode == "update" and second.new_segments == 3
    assert second.kept_ids == len(before) == 36  # every earlier segment kept its theme id
    old = dict(zip(before["segment_id"], before["theme_id"], strict=True))
    now = dict(zip(after["segment_id"], after["theme_id"], strict=True))
    assert all(now[s] == t for s, t in old.items())
    added = after[~after["segment_id"].isin(set(old))]
    assert len(added) == 3
    for text, theme in zip(added["text"], added["theme_id"], strict=True):
        assert theme in (topic_theme[_topic(text)], -1)  # its topic's theme, or waiting for one
    assert second.placed == int((added["theme_id"] >= 0).sum()) >= 2
    assert themes["size"].sum() == (after["theme_id"] >= 0).sum()
    assert set(themes["theme_id"]) == set(topic_theme.values())


def test_a_refit_maps_the_old_ids_onto_the_themes_that_continue_them(tmp_path):
    rows = _rows()
    corpus = _write_corpus(tmp_path / "corpus", rows)
    _, themes_before, before = _discover(corpus, tmp_path)
    topic_theme = _theme_of_topic(before)
    last = max(topic_theme, key=lambda t: topic_theme[t])  # the topic whose theme has the highest id (2)
    with Store(tmp_path / "store") as store:  # a theme promoted to a code keeps that mark
        store.mark_theme_promoted(str(themes_before["run_id"].iloc[0]), topic_theme[last], "nieuw")
    # four answers of each other topic emptied: that topic's theme becomes the largest, which a fresh fit
    # numbers 0; the refit gives every theme the id of the old theme it continues
    emptied = [(w, "" if _topic(t) != last and i % 3 == 0 else t) for i, (w, t) in enumerate(rows)]
    _write_corpus(corpus, emptied)
    result, themes, after = _discover(corpus, tmp_path, refit=True)
    assert result.mode == "refit" and result.reason == "asked for" and len(after) == 28
    assert _theme_of_topic(after) == topic_theme  # every topic keeps its theme id
    assert result.carried_themes == 3 and result.new_themes == 0 and result.kept_ids == 28
    by_id = themes.set_index("theme_id")
    assert by_id["size"].idxmax() == topic_theme[last] == 2 and by_id["size"].max() == 12
    assert by_id.loc[2, "promoted_code"] == "nieuw" and by_id["promoted_code"].drop(2).isna().all()
    assert by_id["label"].to_dict() == themes_before.set_index("theme_id")["label"].to_dict()


def test_a_new_topic_waits_and_then_gets_a_new_id(tmp_path):
    rows = _rows()
    corpus = _write_corpus(tmp_path / "corpus", rows)
    _, _, before = _discover(corpus, tmp_path)
    WORDS["groen"] = ["bomen", "groen", "plantsoen", "snoeien", "bladeren", "bankje"]
    try:
        few = [("Noord", t) for t in _answers("groen", 2)]
        _write_corpus(corpus, rows + few)
        waiting, _, links = _discover(corpus, tmp_path)
        assert waiting.mode == "update" and waiting.placed == 0 and waiting.outliers_after == 2
        assert (links[links["text"].map(_topic) == "groen"]["theme_id"] == -1).all()
        many = [("Noord", t) for t in _answers("groen", 12)]  # 12 of 48: more than the refit share (10 %)
        _write_corpus(corpus, rows + many)
        refit, _, after = _discover(corpus, tmp_path)
        assert refit.mode == "refit" and "fit no theme" in refit.reason
        ids = _theme_of_topic(after)
        assert {t: ids[t] for t in ("speeltuin", "parkeren", "afval")} == _theme_of_topic(before)
        assert ids["groen"] == 3  # an id never used before
    finally:
        del WORDS["groen"]


def test_an_update_with_another_codebook_computes_the_coverage_again(tmp_path):
    rows = _rows()
    corpus = _write_corpus(tmp_path / "corpus", rows)
    _, before, links = _discover(corpus, tmp_path)
    parking = _theme_of_topic(links)["parkeren"]
    assert not before.set_index("theme_id").loc[parking, "covered"]  # CB knows only afval
    bigger = parse_codebook(
        {
            "name": "t",
            "codes": [
                {"id": "afval", "label_nl": "Afval", "definition": "afval container zwerfvuil ophalen"},
                {"id": "parkeren", "label_nl": "Parkeren", "definition": "parkeren vergunning auto"},
            ],
        }
    )
    _write_corpus(corpus, [*rows, ("Noord", _answers("afval", 1)[0])])
    result, themes, _ = _discover(corpus, tmp_path, codebook=bigger)
    assert result.mode == "update"
    row = themes.set_index("theme_id").loc[parking]
    assert row["covered"] and row["closest_code"] == "parkeren"
    assert list(themes["theme_id"]) == list(before["theme_id"])
    assert list(themes["label"]) == list(before["label"])


def test_match_themes_pairs_by_overlap_and_numbers_the_rest_afresh():
    old = {"a": 5, "b": 5, "c": 5, "d": 2, "e": 2, "f": 9}
    # new 0 is mostly old 2 (d, e) plus c; new 1 is old 5 (a, b); new 2 only new segments; new 3 one of f
    new = {"a": 1, "b": 1, "c": 0, "d": 0, "e": 0, "g": 2, "h": 2, "f": 3, "i": 3, "j": 3, "k": 3}
    mapping, next_id = match_themes(old, new, next_id=10)
    # Jaccard: (0, 2) = 2/3, (1, 5) = 2/3, (3, 9) = 1/4 < 0.3: not a match
    assert mapping == {0: 2, 1: 5, 2: 10, 3: 11} and next_id == 12
    assert match_themes({}, {"x": 0, "y": -1}, next_id=0) == ({0: 0}, 1)


def test_state_round_trip_and_placement(tmp_path):
    state = ThemeState(
        run_id="r1", model_id="m", seed=1, min_theme_size=3, next_theme_id=7,
        theme_ids=np.array([2, 6]), centres=np.array([[1.0, 0.0], [0.0, 1.0]]), cutoffs=np.array([0.9, 0.5]),
    )  # fmt: skip
    state.save(tmp_path)
    back = ThemeState.load(tmp_path)
    assert back is not None and (back.run_id, back.next_theme_id, back.min_theme_size) == ("r1", 7, 3)
    assert back.theme_ids.tolist() == [2, 6] and np.allclose(back.cutoffs, [0.9, 0.5])
    # (1, 0.1): theme 2 (cos 0.995 >= 0.9); (1, 1): nearest is theme 2 at cos 0.707 < 0.9, so none;
    # (0.2, 1): theme 6 (cos 0.98 >= 0.5)
    ids, _ = assign_to_themes(np.array([[1.0, 0.1], [1.0, 1.0], [0.2, 1.0]]), back)
    assert ids.tolist() == [2, -1, 6]
    (tmp_path / STATE_FILE).write_bytes(b"not a numpy file")
    assert ThemeState.load(tmp_path) is None
    assert [p.name for p in tmp_path.iterdir()] == [STATE_FILE]  # no temporary file left behind


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_the_refit_share_must_be_a_share(share, tmp_path):
    from wijkanalyse.exceptions import SettingsError

    corpus = _write_corpus(tmp_path / "corpus", _rows(4), discovery=f"refit_share: {share}")
    with pytest.raises(SettingsError, match="refit_share"):
        load_settings(corpus)
