"""Automatic coding: the CodebookCoder, the kind of input, the store and file coding (stage 5)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import demo_codebook
from wijkanalyse.coding.apply import CodingResult, code_store, code_table
from wijkanalyse.coding.codebook import NONE_CODE, SOORT_IDS, parse_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import HashingEmbedder
from wijkanalyse.coding.soort import soort_cue_scores
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.vocabulary import MACHINE


def _code(cid: str, nl: str, definition: str, examples: list[str]) -> dict:
    return {"id": cid, "label_nl": nl, "definition": definition, "examples": examples}


# Five codes with distinct words, so that the word-hashing test embedder can tell them apart.
BUURT = parse_codebook(
    {
        "name": "buurt",
        "version": "1",
        "codes": [
            _code(
                "groen",
                "Groen",
                "Bomen, parken en plantsoenen in de buurt.",
                [
                    "Er moeten meer bomen komen.",
                    "Het park wordt slecht onderhouden.",
                    "Het plantsoen is een rommeltje.",
                ],
            ),
            _code(
                "verkeer",
                "Verkeer",
                "Auto's, fietsers, parkeren en verkeersveiligheid.",
                [
                    "Er wordt veel te hard gereden.",
                    "Er zijn te weinig parkeerplaatsen.",
                    "Fietsers rijden over de stoep.",
                ],
            ),
            _code(
                "afval",
                "Afval",
                "Zwerfvuil, containers en het ophalen van afval.",
                [
                    "De containers zitten altijd vol.",
                    "Overal ligt zwerfvuil.",
                    "Het afval wordt te laat opgehaald.",
                ],
            ),
            _code(
                "veiligheid",
                "Veiligheid",
                "Inbraken, overlast en je veilig voelen op straat.",
                [
                    "Er wordt vaak ingebroken.",
                    "Jongeren veroorzaken overlast.",
                    "Ik voel me 's avonds niet veilig.",
                ],
            ),
            _code(
                "spelen",
                "Spelen",
                "Speelplekken en speeltuinen voor kinderen.",
                ["De glijbaan is kapot.", "Er is geen speeltuin in de buurt.", "Kinderen spelen op straat."],
            ),
        ],
    }
)

TEXTS = [
    "Er moeten meer bomen in het park.",  # groen
    "Auto's rijden veel te hard door de straat.",  # verkeer
    "De containers zitten vol met afval.",  # afval
    "Qwerty xyzzy plugh frobnicate.",  # nothing: geen
    "Weer een lantaarnpaal kapot in onze straat.",  # veiligheid, but only the hand-coded examples say so
    "De lantaarnpalen doen het niet, het is aardedonker.",
    "Lantaarnpaal al weken stuk, donker pad.",
]


@pytest.fixture()
def coder() -> CodebookCoder:
    return CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(TEXTS)


# -- kind of input -------------------------------------------------------------------------------------------
def test_soort_cues_worked_out_by_hand():
    ids = list(SOORT_IDS)
    cues = soort_cue_scores(
        [
            "Hoe wordt dat geregeld?",
            "De wijkkrant moet blijven.",
            "De communicatie moet beter.",
            "Het spreekuur",
        ],
        ids,
        questions=[None, None, None, "Wat wilt u behouden?"],
    )
    # '?' (2.0) + question word at the start (0.75)
    assert cues[0].tolist() == [0.0, 0.0, 2.75]
    # 'blijven' (1.5)
    assert cues[1].tolist() == [1.5, 0.0, 0.0]
    # 'moet beter' (1.5) + 'beter' as a comparative (0.75)
    assert cues[2].tolist() == [0.0, 2.25, 0.0]
    # no cue in the text, but the survey question names 'behouden' (3.0)
    assert cues[3].tolist() == [3.0, 0.0, 0.0]


def test_soort_uses_cues_and_the_question(coder):
    res = coder.code(
        ["Wat als er geen wijkplatform komt?", "Het spreekuur", "Het spreekuur"],
        questions=[None, "behouden", "zorgen"],
    )
    assert list(res["soort"]) == ["vraag_of_zorg", "behouden", "vraag_of_zorg"]
    assert ((res["soort_confidence"] > 0) & (res["soort_confidence"] <= 1)).all()


# -- zero-shot ---------------------------------------------------------------------------------------------
def test_zero_shot_codes_from_the_codebook_and_says_geen(coder):
    res = coder.code(TEXTS[:4])
    assert list(res["best_code"]) == ["groen", "verkeer", "afval", NONE_CODE]
    assert list(res["top_code"][:3]) == ["groen", "verkeer", "afval"]
    proba = coder.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 5) and np.allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all()
    # geen: no code reaches the threshold; its confidence is 1 - the highest code confidence
    assert res.loc[3, "confidence"] == pytest.approx(1 - proba[3].max())
    assert res.loc[3, "codes"] == [(NONE_CODE, pytest.approx(1 - proba[3].max()))]
    assert list(coder.predict(TEXTS[:3])) == ["groen", "verkeer", "afval"]


def test_multi_label_when_two_codes_pass_the_threshold(coder):
    proba = np.array([[0.45, 0.40, 0.05, 0.05, 0.05], [0.30, 0.20, 0.20, 0.20, 0.10]])
    decided = coder.decide(proba)
    assert decided[0] == [("groen", 0.45), ("verkeer", 0.40)]
    assert decided[1] == [(NONE_CODE, pytest.approx(0.70))]


def test_a_parent_is_applied_when_its_family_passes_together():
    cb = BUURT.add_code("boomspiegel", "Boomspiegel", "De grond rond een boom.", parent="groen")
    coder = CodebookCoder(codebook=cb, embedder=HashingEmbedder()).fit(TEXTS)
    # groen 0.20 + boomspiegel 0.20 = 0.40 >= 0.35, while no single code passes
    proba = np.array([[0.20, 0.15, 0.15, 0.15, 0.15, 0.20]])
    assert coder.decide(proba) == [[("groen", pytest.approx(0.40))]]


# -- few-shot ----------------------------------------------------------------------------------------------
def test_hand_coded_examples_teach_what_the_codebook_does_not_say():
    texts = [*TEXTS, "Lantaarnpaal bij de school kapot, het is donker."]
    before = CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(texts)
    # two examples are too few to show by cross-validation that learning helps: the codebook prior stays
    two = CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(
        texts, [None] * 5 + ["veiligheid"] * 2 + [None]
    )
    assert two.learning_["model"] == "prior" and two.learning_["human_coded_segments_in_cv"] == 2
    assert np.allclose(two.predict_proba(texts), before.predict_proba(texts))
    labels = [None, None, None, None, None, "veiligheid", "veiligheid", "veiligheid"]
    after = CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(texts, labels)
    assert before.code([TEXTS[4]])["top_code"][0] != "veiligheid"
    assert after.code([TEXTS[4]])["top_code"][0] == "veiligheid"
    assert after.n_labeled_ == 3 and after.blend_weight_ == pytest.approx(3 / (3 + 5))
    # learned for veiligheid only (three held-out examples, each found by the model fitted on the other two)
    assert after.learning_["model"] != "prior" and after.learning_["codes_learned"] == ["veiligheid"]
    # codes on the first texts, which no example touched, stay as the codebook says
    assert list(after.code(TEXTS[:3])["top_code"]) == ["groen", "verkeer", "afval"]


def test_multi_label_and_geen_examples_and_unknown_codes():
    labels = [["groen", "spelen"], "verkeer;afval", None, "geen", None, None, None]
    coder = CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(TEXTS, labels)
    assert coder.classes_ == [*BUURT.ids, NONE_CODE]  # a hand-coded geen is a class of its own
    assert coder.predict_proba(TEXTS).shape == (len(TEXTS), 6)
    with pytest.raises(SettingsError, match="not in codebook 'buurt'.*'parkeren'"):
        CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(TEXTS, ["parkeren"] + [None] * 6)
    with pytest.raises(SettingsError, match="one entry per text"):
        CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(TEXTS, ["groen"])


def test_calibration_by_cross_validation_with_enough_examples():
    texts = [
        t
        for ex in ([f"{w} nummer {i}" for i in range(4)] for w in ("bomen", "auto", "afval", "inbraak"))
        for t in ex
    ]
    labels = [c for c in ("groen", "verkeer", "afval", "veiligheid") for _ in range(4)]
    coder = CodebookCoder(codebook=BUURT, embedder=HashingEmbedder()).fit(texts, labels)
    assert coder.theme_.sharpness > 0 and coder.n_labeled_ == 16
    assert list(coder.predict(["bomen nummer 9", "inbraak nummer 9"])) == ["groen", "veiligheid"]


# -- the estimator contract ----------------------------------------------------------------------------------
def test_estimator_contract_and_determinism():
    from sklearn.base import clone

    emb = HashingEmbedder()
    est = CodebookCoder(codebook=BUURT, embedder=emb, threshold=0.4, random_state=3)
    assert est.get_params()["threshold"] == 0.4 and not hasattr(est, "classes_")  # __init__ only stores
    assert est.fit(TEXTS) is est
    assert {"classes_", "n_labeled_", "temperature_", "model_id_"} <= {
        k for k in vars(est) if k.endswith("_")
    }
    twin = clone(est).fit(TEXTS)
    assert np.array_equal(est.predict_proba(TEXTS), twin.predict_proba(TEXTS))
    # precomputed embeddings give the same as embedding inside
    E = emb.embed(TEXTS)
    pre = CodebookCoder(codebook=BUURT, embedder=emb, threshold=0.4, random_state=3).fit(TEXTS, embeddings=E)
    assert np.allclose(pre.predict_proba(TEXTS, embeddings=E), est.predict_proba(TEXTS))
    with pytest.raises(SettingsError, match="shape"):
        est.predict_proba(TEXTS, embeddings=E[:2])
    with pytest.raises(SettingsError, match="'threshold' parameter of CodebookCoder"):
        CodebookCoder(codebook=BUURT, embedder=emb, threshold=0).fit(TEXTS)
    with pytest.raises(SettingsError, match="not fitted"):
        CodebookCoder(codebook=BUURT, embedder=emb).predict(TEXTS)


# -- the real model ------------------------------------------------------------------------------------------
def test_zero_shot_with_use_codes_obvious_dutch_sentences(use_embedder):
    sentences = {
        "Ik vertrouw de ambtenaren van de gemeente gewoon niet meer.": "vertrouwen",
        "Wie gaat het geld van het wijkplatform beheren en hoeveel budget krijgen we?": "financiering",
        "Het wordt steeds moeilijker om vrijwilligers te vinden voor de wijkraad.": "vrijwillige_inzet",
        "Met de wijkagent en het sociaal wijkteam werken we prima samen.": "samenwerking_partners",
        "De communicatie van de gemeente moet beter, informatie komt altijd te laat.": "communicatie",
    }
    coder = CodebookCoder(codebook=demo_codebook(), embedder=use_embedder).fit(list(sentences))
    res = coder.code(list(sentences))
    assert list(res["best_code"]) == list(sentences.values())
    assert coder.code(["Hoe wordt de financiering straks geregeld?"])["soort"][0] == "vraag_of_zorg"


# -- coding a file -------------------------------------------------------------------------------------------
def test_code_table_zero_and_few_shot():
    df = pd.DataFrame({"nr": [11, 12, 13], "antwoord": TEXTS[:2] + [TEXTS[4]]})
    out = code_table(df, "antwoord", "nr", codebook=BUURT, embedder=HashingEmbedder())
    assert list(out.columns) == [
        "id",
        "text",
        "best_code",
        "best_label",
        "codes",
        "confidence",
        "soort",
        "soort_confidence",
    ]
    assert list(out["id"]) == [11, 12, 13]
    assert list(out["best_code"][:2]) == ["groen", "verkeer"] and out.loc[0, "best_label"] == "Groen"
    examples = pd.DataFrame(
        {
            "text": [*TEXTS[5:7], "Lantaarnpaal bij de school kapot, het is donker."],
            "code": ["veiligheid", "veiligheid;behouden", "veiligheid"],
        }
    )  # three examples: enough to learn a code from (two keep the codebook prior)
    few = code_table(df, "antwoord", None, codebook=BUURT, examples=examples, embedder=HashingEmbedder())
    assert list(few["id"]) == [1, 2, 3]
    assert few.loc[2, "codes"].split(";")[0] == "veiligheid"
    with pytest.raises(
        SettingsError, match=r"Column 'tekst' not in the table. Columns found: \['nr', 'antwoord'\]"
    ):
        code_table(df, "tekst", codebook=BUURT, embedder=HashingEmbedder())
    with pytest.raises(SettingsError, match="needs columns 'text' and 'code'"):
        code_table(
            df,
            "antwoord",
            codebook=BUURT,
            examples=pd.DataFrame({"tekst": ["x"]}),
            embedder=HashingEmbedder(),
        )


# -- the store -----------------------------------------------------------------------------------------------
def _rows(store, kind: str | None = None) -> set[tuple]:
    sql = "SELECT segment_id, code_id, coder_id, kind, status, confidence, model, run_id FROM codings"
    if kind:
        sql += f" WHERE kind = '{kind}'"
    return {tuple(r) for r in store.con.execute(sql).fetchall()}


def _add_human(store, segment_id: str, code_id: str, status: str = "applied") -> None:
    store.ensure_coder("anna", "human")
    with store.transaction() as con:
        con.execute(
            "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, created_at) "
            "VALUES (?, ?, 'anna', 'human', ?, '2024-01-01T00:00:00+00:00')",
            (segment_id, code_id, status),
        )


def test_code_store_codes_every_segment_on_both_dimensions(mini_store):
    settings, store = mini_store
    summary = code_store(store, settings, embedder=HashingEmbedder())
    n = len(store.segments())
    assert summary.mode == "full" and summary.segments == n == summary.coded
    machine = store.codings(kind="machine")
    soort = machine[machine["code_id"].isin(SOORT_IDS)]
    assert sorted(soort["segment_id"]) == sorted(store.segments()["segment_id"])  # one soort per segment
    themes = machine[~machine["code_id"].isin(SOORT_IDS)]
    assert set(themes["segment_id"]) == set(store.segments()["segment_id"])  # a code or geen for each
    assert (machine["coder_id"] == MACHINE).all() and machine["confidence"].between(0, 1).all()
    cb = demo_codebook()
    assert set(machine["model"]) == {f"hashing/256+codebook:{cb.version_tag}"}
    codes = store.query("SELECT code_id, dimension, codebook_version FROM codes")
    assert set(codes["code_id"]) == {*cb.ids, *cb.soort_ids, NONE_CODE}
    assert set(codes.loc[codes["code_id"].isin(SOORT_IDS), "dimension"]) == {"soort"}
    assert store.con.execute("SELECT kind FROM coders WHERE coder_id = 'machine'").fetchone()[0] == "machine"
    # the result counts what was written: one soort per segment, the rest theme codes (geen included)
    assert isinstance(summary, CodingResult) and summary.written == len(machine)
    assert sum(summary.per_soort.values()) == n and sum(summary.per_code.values()) == len(themes)
    assert summary.geen == int((themes["code_id"] == NONE_CODE).sum())
    saved = store.query("SELECT summary_json FROM runs WHERE run_id = ?", (summary.run_id,))
    assert json.loads(saved["summary_json"][0]) == summary.to_dict()


def test_coding_result_describes_itself():
    result = CodingResult(
        run_id="r1", mode="incremental", model="hashing/256+codebook:1+abc", codebook_version="1+abc",
        segments=12, coded=2, embedded=1, human_codings=3, written=4, geen=1,
        per_code={"vertrouwen": 1, NONE_CODE: 1}, per_soort={"verbeteren": 1, "behouden": 1},
    )  # fmt: skip
    assert result.describe().splitlines() == [
        "Coding (incremental): 2 of 12 segments coded, 4 machine codings written, 1 texts embedded, "
        "3 human codings used. Model: hashing/256+codebook:1+abc.",
        "Themes: geen 1, vertrouwen 1",  # most first, then by id
        "Kind of input: behouden 1, verbeteren 1",
    ]
    assert result.changed and not CodingResult("r2", "unchanged", "m", "v", 12).changed


def test_sync_codes_is_the_one_writer_of_the_codes_table(mini_store):
    _, store = mini_store
    with store.transaction() as con:
        con.execute("DELETE FROM codes")  # as before any codebook was synced
    frame = pd.DataFrame(
        [
            {"code_id": "groen", "dimension": "thema", "label_nl": "Groen", "codebook_version": "1"},
            {"code_id": "afval", "dimension": "thema", "label_nl": "Afval", "codebook_version": "1"},
        ]
    )
    assert store.sync_codes(frame) == 2  # both new; missing columns are NULL
    renamed = frame.assign(label_nl=["Bomen", "Vuilnis"])
    assert store.sync_codes(renamed, update=False) == 0  # only missing codes are added
    labels = dict(store.query("SELECT code_id, label_nl FROM codes")[["code_id", "label_nl"]].values)
    assert labels == {"groen": "Groen", "afval": "Afval"}
    assert store.sync_codes(renamed) == 0  # the engine's sync updates the fields
    labels = dict(store.query("SELECT code_id, label_nl FROM codes")[["code_id", "label_nl"]].values)
    assert labels == {"groen": "Bomen", "afval": "Vuilnis"}
    # pruning drops codes that left the codebook, unless a coding uses them
    seg = store.segments()["segment_id"][0]
    _add_human(store, seg, "afval")
    assert store.sync_codes(frame.iloc[[]], prune=True) == 0
    assert store.query("SELECT code_id FROM codes")["code_id"].tolist() == ["afval"]


def test_rerun_with_nothing_new_writes_nothing(mini_store):
    settings, store = mini_store
    code_store(store, settings, embedder=HashingEmbedder())
    before = _rows(store)
    max_id = store.con.execute("SELECT max(coding_id) FROM codings").fetchone()[0]
    again = code_store(store, settings, embedder=HashingEmbedder())
    assert again.mode == "unchanged" and again.written == 0 and again.embedded == 0
    assert _rows(store) == before
    assert store.con.execute("SELECT max(coding_id) FROM codings").fetchone()[0] == max_id
    # a segment without machine codings is the only one coded next time
    seg = store.segments()["segment_id"][0]
    with store.transaction() as con:
        con.execute("DELETE FROM codings WHERE segment_id = ? AND coder_id = 'machine'", (seg,))
    inc = code_store(store, settings, embedder=HashingEmbedder())
    assert inc.mode == "incremental" and inc.coded == 1
    assert {r[:2] for r in _rows(store)} == {r[:2] for r in before}


def test_human_codings_are_never_overwritten_and_rejections_are_respected(mini_store):
    settings, store = mini_store
    code_store(store, settings, embedder=HashingEmbedder())
    seg_a, seg_b = store.segments()["segment_id"][:2]
    proposed = store.query(
        "SELECT code_id FROM codings WHERE segment_id = ? AND coder_id = 'machine' AND code_id NOT IN "
        "('behouden', 'verbeteren', 'vraag_of_zorg')",
        (seg_b,),
    )["code_id"].tolist()
    _add_human(store, seg_a, "vertrouwen")
    _add_human(store, seg_a, "behouden")
    for code in proposed:  # a person rejects every theme the machine proposed for seg_b
        _add_human(store, seg_b, code, status="rejected")
    human_before = _rows(store, "human")
    summary = code_store(store, settings, embedder=HashingEmbedder())
    assert summary.mode == "full" and summary.human_codings == 2  # the training set changed
    assert _rows(store, "human") == human_before
    again = store.query("SELECT code_id FROM codings WHERE segment_id = ? AND coder_id = 'machine'", (seg_b,))
    assert not set(proposed) & set(again["code_id"])
    # the same store state gives the same codings
    first = {r[:6] for r in _rows(store, "machine")}
    with store.transaction() as con:
        con.execute("DELETE FROM meta WHERE key = 'coding_state'")
    code_store(store, settings, embedder=HashingEmbedder())
    assert {r[:6] for r in _rows(store, "machine")} == first
