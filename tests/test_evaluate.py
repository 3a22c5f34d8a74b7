"""wijkanalyse.review.evaluate (with .metrics and .labelled): exact figures from a stub predictor.

The fixture ``fixtures/evaluate/labelled.csv`` holds 8 labelled rows (Wonen 3, Verkeer 3, Groen 2) plus one
row without text and one without a label. The stub predictor gives this fixed prediction (row: label ->
prediction):

    1 Wonen -> wonen     2 Wonen -> wonen     3 Wonen -> groen     4 Verkeer -> verkeer
    5 Verkeer -> verkeer 6 Groen -> groen     7 Groen -> geen      8 Verkeer -> wonen

Worked out by hand:
    confusion (rows groen, verkeer, wonen; columns groen, verkeer, wonen, geen)
        groen   [1, 0, 0, 1]
        verkeer [0, 2, 1, 0]
        wonen   [1, 0, 2, 0]
    accuracy 5/8
    groen:   P 1/2, R 1/2, F1 1/2
    verkeer: P 2/2, R 2/3, F1 2*(1*2/3)/(1+2/3) = 4/5
    wonen:   P 2/3, R 2/3, F1 2/3
    macro-F1 (1/2 + 4/5 + 2/3) / 3 = 59/90
    kappa: p_o = 5/8; p_e = (2*2 + 3*2 + 3*3 + 0*1) / 64 = 19/64; (40/64 - 19/64) / (45/64) = 21/45 = 7/15
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from wijkanalyse.coding.codebook import NONE_CODE, parse_codebook
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.review.evaluate import (
    EvaluationResult,
    classification_metrics,
    codebook_from_labels,
    discovery_metrics,
    evaluate_labelled,
    few_shot_draws,
    kappa_verdict,
    load_labelled,
    map_labels,
)

LABELLED = Path(__file__).parent / "fixtures" / "evaluate" / "labelled.csv"
PREDICTION = {
    "De huren in onze straat zijn veel te hoog": "wonen",
    "Er moeten meer sociale huurwoningen komen": "wonen",
    "Voor starters is er bijna geen woning te vinden": "groen",
    "Er wordt veel te hard gereden op de Amsterdamstraat": "verkeer",
    "De bus rijdt 's avonds veel te weinig": "verkeer",
    "Plant meer bomen in de straten": "groen",
    "Het park wordt slecht onderhouden": NONE_CODE,
    "Je kunt 's avonds nergens meer parkeren": "wonen",
}


def stub(codebook, train_texts, train_codes, test_texts):
    """A fixed prediction per text (ignores the codebook and the examples)."""
    return [PREDICTION[t] for t in test_texts]


@pytest.fixture()
def data():
    return load_labelled(LABELLED, "tekst", "code")


def test_load_labelled_drops_rows_without_text_or_label(data):
    assert len(data) == 8
    assert data.attrs["dropped"] == 2
    assert list(data.columns) == ["text", "label"]


def test_load_labelled_names_missing_columns():
    with pytest.raises(
        SettingsError, match=r"'teskt' \(did you mean 'tekst'\?\).*Columns found: \['tekst', 'code'\]"
    ):
        load_labelled(LABELLED, "teskt", "code")


def test_codebook_from_labels_makes_valid_ids():
    cb, mapping = codebook_from_labels(
        ["Wonen", "Verkeer & vervoer", "Oekraïnecrisis", "2024", "geen", "Wonen"]
    )
    assert mapping == {
        "2024": "c_2024",
        "Oekraïnecrisis": "oekrainecrisis",
        "Verkeer & vervoer": "verkeer_vervoer",
        "Wonen": "wonen",
        "geen": "label_geen",
    }
    assert cb.code("verkeer_vervoer").label_nl == "Verkeer & vervoer"


def test_zero_shot_figures_match_hand_computation(data):
    res = evaluate_labelled(data, predictor=stub, source="labelled.csv")
    assert res.mode == "zero-shot"
    assert res.n_rows == 8 and res.n_test == 8 and res.n_labels == 3
    assert res.accuracy == pytest.approx(5 / 8)
    assert res.macro_f1 == pytest.approx(59 / 90)
    assert res.kappa == pytest.approx(7 / 15)
    per = res.per_code.set_index("code")
    assert per.loc["groen", ["precision", "recall", "f1"]].tolist() == pytest.approx([1 / 2, 1 / 2, 1 / 2])
    assert per.loc["verkeer", ["precision", "recall", "f1"]].tolist() == pytest.approx([1, 2 / 3, 4 / 5])
    assert per.loc["wonen", ["precision", "recall", "f1"]].tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert per["support"].tolist() == [2, 3, 3]
    assert list(res.confusion.columns) == ["groen", "verkeer", "wonen", "geen"]
    assert res.confusion.to_numpy().tolist() == [[1, 0, 0, 1], [0, 2, 1, 0], [1, 0, 2, 0]]
    assert res.verdict.startswith("moderate")
    assert any("2 row(s)" in n for n in res.notes)


def test_json_and_table_carry_the_figures(data, tmp_path):
    from wijkanalyse.review.evaluate import write_json

    res = evaluate_labelled(data, predictor=stub, source="labelled.csv")
    out = json.loads(write_json(res, tmp_path / "eval.json").read_text(encoding="utf-8"))
    assert out["accuracy"] == pytest.approx(0.625)
    assert out["kappa_band"] == "moderate"
    assert out["confusion"]["matrix"][0] == [1, 0, 0, 1]
    assert {r["code"]: r["label"] for r in out["per_code"]} == {
        "groen": "Groen",
        "verkeer": "Verkeer",
        "wonen": "Wonen",
    }
    text = res.describe()
    assert "macro-F1       0.656" in text and "Cohen's kappa  0.467" in text
    assert "1 × Groen → geen" in text


def test_codebook_labels_map_by_id_or_label_and_unknown_ones_are_listed():
    cb = parse_codebook(
        {
            "name": "t",
            "codes": [
                {
                    "id": "wonen",
                    "label_nl": "Wonen",
                    "label_en": "Housing",
                    "definition": "Woningen en huren.",
                },
                {
                    "id": "verkeer",
                    "label_nl": "Verkeer",
                    "definition": "Wegen, parkeren en openbaar vervoer.",
                },
            ],
        }
    )
    assert map_labels(["housing", "verkeer", "Geen onderwerp"], cb, none_labels=["geen onderwerp"]) == {
        "Geen onderwerp": NONE_CODE,
        "housing": "wonen",
        "verkeer": "verkeer",
    }
    with pytest.raises(SettingsError, match=r"1 label value\(s\).*\['Groen'\]"):
        map_labels(["Wonen", "Groen"], cb)


def test_few_shot_draws_split_per_code_and_leave_the_rest_to_test():
    codes = ["a"] * 4 + ["b"] * 3 + ["c"]
    splits = few_shot_draws(codes, examples_per_code=2, draws=3, seed=1)
    assert len(splits) == 3
    for train, test in splits:
        assert sorted([*train, *test]) == list(range(8))
        assert [codes[i] for i in train].count("a") == 2 and [codes[i] for i in train].count("b") == 2
        assert 7 in train  # 'c' has one row: an example, never tested
    assert few_shot_draws(codes, 2, 3, seed=1)[0][0].tolist() == splits[0][0].tolist()  # seeded


def test_few_shot_passes_examples_and_averages_over_draws(data):
    seen = []

    def perfect(codebook, train_texts, train_codes, test_texts):
        seen.append((train_texts, train_codes, test_texts))
        truth = dict(zip(data["text"], data["label"].str.lower(), strict=True))
        return [truth[t] for t in test_texts]

    res = evaluate_labelled(data, predictor=perfect, examples_per_code=1, draws=2, seed=3)
    assert len(seen) == 2
    for train_texts, train_codes, test_texts in seen:
        assert sorted(train_codes) == ["groen", "verkeer", "wonen"]
        assert not set(train_texts) & set(test_texts) and len(test_texts) == 5
    assert res.mode == "few-shot" and res.n_test == 5 and res.draws == 2
    assert (res.accuracy, res.macro_f1, res.kappa) == (1.0, 1.0, 1.0)
    assert res.spread == {"accuracy": 0.0, "macro_f1": 0.0, "kappa": 0.0}


def test_few_shot_without_test_rows_is_a_clear_error(data):
    with pytest.raises(SettingsError, match="No rows are left to test"):
        evaluate_labelled(data, predictor=stub, examples_per_code=3)


def test_discovery_metrics_by_hand():
    labels = ["w", "w", "w", "v", "v", "g", "g", "v"]
    themes = [0, 0, 0, 1, 1, 2, 2, -1]
    d = discovery_metrics(labels, themes)
    # every theme is pure, so MI = H(labels) and NMI = 2 H(L) / (H(L) + H(T))
    h = lambda ps: -sum(p * math.log(p) for p in ps)  # noqa: E731
    h_l, h_t = h([3 / 8, 3 / 8, 2 / 8]), h([3 / 8, 2 / 8, 2 / 8, 1 / 8])
    assert d["nmi"] == pytest.approx(2 * h_l / (h_l + h_t))
    # ARI: pairs within cells 3+1+1 = 5, rows 3+3+1 = 7, columns 3+1+1 = 5, C(8,2) = 28: (5 - 35/28) / (6 -
    # 35/28)
    assert d["ari"] == pytest.approx(15 / 19)
    assert d["nmi_without_outliers"] == pytest.approx(1.0)
    assert d["n_themes"] == 3 and d["outlier_share"] == pytest.approx(1 / 8)


def test_evaluate_with_discovery_uses_the_theme_function(data):
    res = evaluate_labelled(
        data, predictor=stub, discover=True, themes=lambda texts: [0, 0, 0, 1, 1, 2, 2, 1]
    )
    assert res.discovery["ari"] == pytest.approx(1.0) and res.discovery["n_themes"] == 3


def test_classification_metrics_edge_cases():
    m = classification_metrics(["a", "a"], ["a", "a"])
    assert m["accuracy"] == 1.0 and math.isnan(m["kappa"])  # chance agreement 1: kappa undefined
    with pytest.raises(ValueError, match="differ in length"):
        classification_metrics(["a"], [])
    assert kappa_verdict(float("nan")) == "undefined"
    assert kappa_verdict(0.6) == "substantial"


def test_cli_evaluate_prints_table_and_writes_json(tmp_path, monkeypatch):
    import wijkanalyse.review.evaluate as ev
    from wijkanalyse.cli.main import app

    monkeypatch.setattr(ev, "engine_predictor", lambda embedder, seed: stub)
    out = tmp_path / "eval.json"
    res = CliRunner().invoke(
        app, ["evaluate", str(LABELLED), "--text-col", "tekst", "--label-col", "code", "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "accuracy       0.625" in res.output
    assert json.loads(out.read_text(encoding="utf-8"))["macro_f1"] == pytest.approx(59 / 90, abs=1e-6)


def test_cli_evaluate_bad_column_is_one_clear_message():
    from wijkanalyse.cli.main import app

    res = CliRunner().invoke(app, ["evaluate", str(LABELLED), "--text-col", "text", "--label-col", "code"])
    assert res.exit_code == 2
    assert "Columns found" in res.output and "Traceback" not in res.output


def table_stub(codebook, train_texts, train_codes, test_texts):
    """Like the engine: the applied code (geen below the threshold) and the most likely code."""
    best = [PREDICTION[t] for t in test_texts]
    return pd.DataFrame({"best_code": best, "top_code": [b if b != NONE_CODE else "groen" for b in best]})


def test_forced_choice_labels_compare_the_most_likely_code_and_note_the_geen_share(data):
    res = evaluate_labelled(data, predictor=table_stub)
    # row 7 (Groen) is geen at the threshold but groen as most likely code: 6 of 8 right
    assert res.accuracy == pytest.approx(6 / 8)
    assert any("12%" in n and "uncoded" in n for n in res.notes)  # 1 of 8 rows (12.5%) would be geen


def test_none_labels_compare_the_applied_code_also_without_a_codebook(data):
    data = data.copy()
    data.loc[6, "label"] = "Geen onderwerp"  # row 7: the machine's geen is now right
    res = evaluate_labelled(data, predictor=table_stub, none_labels=["geen onderwerp"])
    assert res.accuracy == pytest.approx(6 / 8)
    assert NONE_CODE in res.per_code["code"].tolist()
    assert res.labels[NONE_CODE] == "Geen onderwerp"


def test_the_engine_runs_end_to_end_with_a_fast_embedder(data):
    res = evaluate_labelled(data, embedder="hashing", examples_per_code=1, draws=2, discover=False)
    assert res.n_test == 5 and 0.0 <= res.accuracy <= 1.0 and len(res.per_draw) == 2


def test_verdict_needs_krippendorffs_minimum_not_landis_koch_substantial():
    """kappa 0.63 is 'substantial' by name but below 0.667: proposals for review, not standing codes."""
    empty = pd.DataFrame()
    common = dict(source="x", mode="few-shot", n_rows=10, n_labels=2, codebook="c", embedder="e",
                  examples_per_code=5, draws=1, seed=0, accuracy=0.8, macro_f1=0.8, per_code=empty,
                  confusion=empty)
    below = EvaluationResult(kappa=0.63, **common)  # type: ignore[arg-type]
    above = EvaluationResult(kappa=0.70, **common)  # type: ignore[arg-type]
    assert below.verdict.startswith("substantial") and "proposals for review" in below.verdict
    assert "may stand" in above.verdict
