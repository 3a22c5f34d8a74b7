"""The suppression pattern kept next to the store: computed once per run, never reused for other data."""

from __future__ import annotations

import json

from test_disclosure import build_store
from wijkanalyse import analysis
from wijkanalyse.analysis.attack import COMPLEMENTARY, PRIMARY
from wijkanalyse.analysis.cells import CellModel, Relation, cell_model
from wijkanalyse.analysis.pattern_cache import CACHE_FOLDER, model_key, read_hidden, write_hidden
from wijkanalyse.analysis.protection import protect

T, A, B, C = (("theme", w, "*", "geld", "respondents") for w in ("(stad)", "Noord", "Oost", "West"))


def _model(b: int = 4, min_count: int = 5) -> CellModel:
    return CellModel(
        values={T: 6 + b, A: 1, B: b, C: 5},
        contributors={T: 12 + b, A: 1, B: b + 2, C: 5},
        published={T, A, B, C},
        relations=[Relation(T, (A, B, C), "wijken")],
        min_count=min_count,
        with_kinds=False,
    )


def test_the_key_is_the_data_and_nothing_else():
    assert model_key(_model()) == model_key(_model())  # built twice: the same key
    assert model_key(_model(b=6)) != model_key(_model())  # one figure differs
    assert model_key(_model(min_count=10)) != model_key(_model())  # another threshold
    reordered = _model()
    reordered.relations = [Relation(T, (C, B, A), "wijken")]  # the greedy scheme visits parts in order
    assert model_key(reordered) != model_key(_model())


def test_a_kept_pattern_reads_back_as_computed(tmp_path):
    hidden, _ = protect(_model())
    assert hidden == {A: PRIMARY, B: COMPLEMENTARY}  # Noord's 1 is small; Oost's 4 is the smallest other part
    write_hidden(tmp_path, "k", hidden)
    assert read_hidden(tmp_path, "k") == hidden
    assert read_hidden(tmp_path, "other") is None
    (tmp_path / CACHE_FOLDER / "k.json").write_text("{not json", encoding="utf-8")
    assert read_hidden(tmp_path, "k") is None  # unreadable: computed again, never trusted


def test_reports_of_one_store_read_the_pattern_the_first_one_kept(tmp_path):
    store = build_store(tmp_path / "store")
    try:
        first = analysis.suppression_pattern(analysis.load(store, min_count=5))
        files = list((tmp_path / "store" / CACHE_FOLDER).glob("*.json"))
        assert len(files) == 1 and first.hidden
        # plant another pattern under the same key: the next report's data reads it instead of computing
        planted = dict(list(first.hidden.items())[:1])
        files[0].write_text(json.dumps([[list(c), r] for c, r in planted.items()]), encoding="utf-8")
        again = analysis.suppression_pattern(analysis.load(store, min_count=5))
        assert dict(again.hidden) == planted
        # another threshold is other data: its own pattern, computed and kept beside the first
        other = analysis.load(store, min_count=3)
        assert model_key(cell_model(other)) != files[0].stem
        analysis.suppression_pattern(other)
        assert len(list((tmp_path / "store" / CACHE_FOLDER).glob("*.json"))) == 2
    finally:
        store.close()
