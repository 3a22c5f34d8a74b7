"""Active sampling and the check sample: what people code next, and which segments test the machine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import mini_cli_args
from wijkanalyse.coding.codebook import settings_codebook
from wijkanalyse.review import decisions as review
from wijkanalyse.review.decisions import ReviewError
from wijkanalyse.review.sampling import (
    allocate,
    choose_segments,
    machine_view,
    margins,
    pick_diverse,
    pick_mix,
    pick_stratified,
    pick_uncertain,
)
from wijkanalyse.store import Store


# -- the check-sample store --------------------------------------------------------------------------------
def test_check_sample_marks_rounds_and_keeps_the_first_draw(tmp_path):
    store = Store(tmp_path / "store")
    assert store.check_segment_ids() == set()
    assert list(store.check_sample().columns) == ["segment_id", "drawn_at", "round", "strategy", "blind"]

    assert store.mark_check_sample(["a", "b", "a"]) == 2  # the duplicate counts once
    assert store.mark_check_sample(["b", "c"], blind=False) == 1  # b stays in round 1, blind
    sample = store.check_sample().set_index("segment_id")
    assert sample["round"].to_dict() == {"a": 1, "b": 1, "c": 2}
    assert sample["blind"].to_dict() == {"a": True, "b": True, "c": False}
    assert store.check_segment_ids() == {"a", "b", "c"}

    assert store.mark_check_sample(["d"], round=7, strategy="random") == 1
    assert store.check_sample().set_index("segment_id").loc["d", "strategy"] == "random"
    assert store.unmark_check_sample(["d", "zz"]) == 1
    assert store.check_segment_ids() == {"a", "b", "c"}
    store.close()

    reopened = Store(tmp_path / "store", read_only=True)
    assert isinstance(reopened.check_sample(), pd.DataFrame)
    assert len(reopened.check_sample()) == 3
    reopened.close()


# -- selection on hand-built arrays ------------------------------------------------------------------------
def _clusters(sizes, dim=6, spread=0.01, seed=0):
    """Rows around the unit vectors e0, e1, ...: ``sizes[k]`` near-duplicates of e_k each."""
    rng = np.random.default_rng(seed)
    rows, which = [], []
    for k, m in enumerate(sizes):
        centre = np.eye(dim)[k]
        rows.append(centre + spread * rng.standard_normal((m, dim)))
        which += [k] * m
    return np.vstack(rows), np.array(which)


def test_margins_and_uncertain_picks_the_smallest_margins():
    proba = np.array(
        [
            [0.70, 0.20, 0.10],  # margin 0.50
            [0.40, 0.38, 0.22],  # 0.02
            [0.34, 0.33, 0.33],  # 0.01
            [0.90, 0.05, 0.05],  # 0.85
            [0.45, 0.35, 0.20],  # 0.10
        ]
    )
    assert np.allclose(margins(proba), [0.50, 0.02, 0.01, 0.85, 0.10])
    assert pick_uncertain(proba, 3, np.random.default_rng(0)).tolist() == [2, 1, 4]
    assert margins(np.array([[1.0], [1.0]])).tolist() == [1.0, 1.0]


def test_with_a_threshold_the_margin_is_the_nearest_confidence_to_it():
    proba = np.array(
        [
            [0.10, 0.09, 0.08, 0.73],  # nearest to 0.35: 0.10 -> 0.25 (a sure single code)
            [0.07, 0.08, 0.06, 0.79],  # 0.08 -> 0.27
            [0.36, 0.30, 0.20, 0.14],  # 0.36 -> 0.01 (does the leading code pass?)
            [0.55, 0.32, 0.08, 0.05],  # 0.32 -> 0.03 (does the second code apply too?)
        ]
    )
    assert np.allclose(margins(proba, 0.35), [0.25, 0.27, 0.01, 0.03])
    flat = np.full((1, 10), 0.1)  # no code fits: a sure 'geen', though the top two tie
    assert margins(flat)[0] == 0 and np.isclose(margins(flat, 0.35)[0], 0.25)
    assert pick_uncertain(proba, 2, np.random.default_rng(0), threshold=0.35).tolist() == [2, 3]


def test_diverse_takes_one_segment_per_cluster_not_near_duplicates():
    X, which = _clusters([40, 3, 3, 3])  # forty near-duplicates and three small groups
    pick = pick_diverse(X, 4, seed=0)
    assert len(set(pick.tolist())) == 4
    assert sorted(which[pick].tolist()) == [0, 1, 2, 3]
    assert sorted(pick_diverse(X[:3], 5).tolist()) == [0, 1, 2]  # fewer candidates than asked: all


def test_mix_is_uncertain_and_spread():
    X, which = _clusters([10, 10, 10])
    m = np.where(which == 0, 0.01, np.where(which == 1, 0.05, 0.90))  # cluster 2: the machine is sure
    proba = np.column_stack([(1 + m) / 2, (1 - m) / 2])  # rows whose top-two margin is m
    assert np.allclose(margins(proba), m)
    unc = pick_uncertain(proba, 2, np.random.default_rng(0))
    assert which[unc].tolist() == [0, 0]  # uncertainty alone: two near-duplicates
    mix = pick_mix(proba, X, 2, seed=0)
    assert sorted(which[mix].tolist()) == [0, 1]  # one of each uncertain kind, none the machine is sure of


def test_allocation_is_proportional_by_largest_remainder():
    # sizes 1,2,3,3,1,2 (12), n=6: quotas 0.5,1,1.5,1.5,0.5,1 -> floors 0,1,1,1,0,1 (4); the two left go to
    # the remainders of 0.5 of the larger strata (c, d)
    sizes = {"a": 1, "b": 2, "c": 3, "d": 3, "e": 1, "f": 2}
    assert allocate(sizes, 6) == {"a": 0, "b": 1, "c": 2, "d": 2, "e": 0, "f": 1}
    assert allocate({"a": 6, "b": 3, "c": 1}, 4) == {"a": 2, "b": 1, "c": 1}
    assert allocate({"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}  # never more than there are
    pick = pick_stratified(["x", "y", "x", "x", "y", "z"], 3, np.random.default_rng(1))
    labels = np.array(["x", "y", "x", "x", "y", "z"])[pick]
    assert sorted(labels.tolist()) == ["x", "x", "y"]  # quotas 1.5, 1, 0.5 -> 2, 1, 0


# -- on a store: the mini corpus ---------------------------------------------------------------------------
@pytest.fixture()
def hashed(make_settings):
    """The mini corpus ingested, with the fast hashing embedder; yields (settings, store)."""
    from wijkanalyse.ingest.corpus import ingest_corpus

    settings = make_settings(embedder="hashing")
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    review.ensure_codes(store, settings_codebook(settings))  # as the commands that let people code do
    yield settings, store
    store.close()


def _strata(store, ids):
    segs = store.segments().set_index("segment_id")
    return sorted(
        (segs.loc[s, "wijk"] if isinstance(segs.loc[s, "wijk"], str) else "(stad)", segs.loc[s, "kind"])
        for s in ids
    )


def test_teaching_strategies_return_distinct_uncoded_segments_outside_the_check(hashed):
    settings, store = hashed
    all_ids = store.segments_to_code()["segment_id"].tolist()
    assert len(all_ids) == 12
    review.set_segment_codes(store, all_ids[0], ["communicatie"], "anna")
    store.mark_check_sample(all_ids[1:3])
    taken = {all_ids[0], *all_ids[1:3]}
    for strategy in ("random", "uncertain", "diverse", "mix"):
        got = choose_segments(store, strategy, 5, seed=3, settings=settings)
        assert len(got) == len(set(got)) == 5, strategy
        assert set(got) <= set(all_ids) - taken, strategy
        assert got == choose_segments(store, strategy, 5, seed=3, settings=settings)  # reproducible
    assert len(choose_segments(store, "random", 50)) == 9  # only nine candidates are left
    with pytest.raises(ReviewError, match="needs the coding engine"):
        choose_segments(store, "mix", 3)
    with pytest.raises(ReviewError, match="Unknown sampling strategy 'smart'"):
        choose_segments(store, "smart", 3)


def test_uncertain_on_a_store_follows_the_engines_margins(hashed):
    settings, store = hashed
    ids = store.segments_to_code()["segment_id"].tolist()
    proba, E, threshold = machine_view(store, settings, ids)[:3]
    assert proba.shape[0] == E.shape[0] == 12 and np.allclose(proba.sum(axis=1), 1)
    assert threshold is None or 0 < threshold <= 1
    expected = [ids[i] for i in np.argsort(margins(proba, threshold), kind="stable")[:3]]
    assert set(choose_segments(store, "uncertain", 3, settings=settings)) == set(expected)


def test_check_sample_is_stratified_marked_and_shared_by_a_second_coder(hashed):
    _settings, store = hashed
    # strata of the mini corpus (wijk, kind): (stad) enquete 1, Noord enquete 2, Noord transcript 3,
    # Noord verslag 3, Oost enquete 1, Oost notitie 2 -> n=6 gives 0, 1, 2, 2, 0, 1 (see the allocation test)
    got = choose_segments(store, "check", 6, coder="anna", seed=5)
    assert _strata(store, got) == [
        ("Noord", "enquete"),
        ("Noord", "transcript"),
        ("Noord", "transcript"),
        ("Noord", "verslag"),
        ("Noord", "verslag"),
        ("Oost", "notitie"),
    ]
    sample = store.check_sample()
    assert set(sample["segment_id"]) == set(got) and sample["blind"].all() and set(sample["round"]) == {1}
    # piet double-codes the same check first; what is asked beyond it is newly drawn (round 2)
    again = choose_segments(store, "check", 8, coder="piet", seed=5)
    assert again[:6] == sample["segment_id"].tolist() and len(set(again)) == 8
    assert store.check_sample().groupby("round").size().to_dict() == {1: 6, 2: 2}
    # teaching never picks a check segment
    assert not set(choose_segments(store, "random", 12)) & store.check_segment_ids()


def test_cli_export_with_strategy_check_writes_a_blind_sheet_and_marks_it(tmp_path):
    import openpyxl
    from typer.testing import CliRunner

    from wijkanalyse.cli.main import app
    from wijkanalyse.vocabulary import MACHINE

    where = mini_cli_args(tmp_path, embedder="hashing")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", *where]).exit_code == 0
    with Store(tmp_path / "store") as store:  # the machine has proposals on every segment
        ids = store.segments_to_code()["segment_id"].tolist()
        store.ensure_coder(MACHINE, kind="machine")
        store.add_machine_codings([(s, "communicatie", 0.9) for s in ids], MACHINE, "test-model", "r1")

    def export(*args):
        out = tmp_path / f"{len(list(tmp_path.glob('*.xlsx')))}.xlsx"
        res = runner.invoke(app, ["review", "export", "--coder", "anna", *args, "--out", str(out), *where])
        assert res.exit_code == 0, res.output
        ws = openpyxl.load_workbook(out)["coderen"]
        rows = list(ws.iter_rows(values_only=True))
        return res.output, rows[0], [r[0] for r in rows[1:]]

    text, header, segs = export("--sample", "4", "--strategy", "check")
    assert "4 segments newly drawn" in text
    assert "voorstellen machine" not in header and len(segs) == 4
    with Store(tmp_path / "store") as store:
        assert store.check_segment_ids() == set(segs)
    _text, header, _segs = export("--sample", "3", "--strategy", "random")  # teaching: proposals shown
    assert "voorstellen machine" in header
    res = runner.invoke(app, ["review", "export", "--coder", "anna", "--strategy", "check", *where])
    assert res.exit_code == 2 and "--sample N" in res.output
