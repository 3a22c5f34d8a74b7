"""Agreement statistics: textbook examples worked out by hand, and the established implementations.

Expected values in the store tests are worked out by hand in the comments (with the coincidence matrix of
each case).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from wijkanalyse.review import agreement as ag
from wijkanalyse.review import machine_decision as md
from wijkanalyse.store import Store, now_iso

NAN = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units,
# nominal, with missing values. The paper gives alpha = 0.743.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_krippendorff_2011_alpha_from_the_coincidence_matrix_printed_in_the_paper():
    # the paper's coincidence matrix of the example (values 1..5), copied by hand
    third = 1 / 3
    o = np.array(
        [
            [7, 4 * third, third, third, 0],
            [4 * third, 10, 4 * third, third, 0],
            [third, 4 * third, 8, third, 0],
            [third, third, third, 4, 0],
            [0, 0, 0, 0, 3],
        ]
    )
    n_c = o.sum(axis=1)
    np.testing.assert_allclose(n_c, [9, 13, 10, 5, 3])  # n = 40, as printed
    n = n_c.sum()
    by_hand = 1 - (n - 1) * (o.sum() - np.trace(o)) / (n**2 - (n_c**2).sum())
    assert by_hand == pytest.approx(1 - 312 / 1216)
    assert ag.krippendorff_alpha_nominal(K2011) == pytest.approx(by_hand)


def test_krippendorff_2011_nominal_alpha_is_0_743():
    # by hand from the matrix: n = 40, off-diagonal sum 8, sum of n_c**2 = 81 + 169 + 100 + 25 + 9 = 384:
    # alpha = 1 - (40 - 1) * 8 / (40**2 - 384) = 1 - 312/1216
    alpha = ag.krippendorff_alpha_nominal(K2011)
    assert alpha == pytest.approx(1 - 312 / 1216)
    assert round(alpha, 3) == 0.743


def test_alpha_takes_any_kind_of_value_and_both_kinds_of_missing_value():
    words = {1: "behouden", 2: "verbeteren", 3: "vraag", 4: "zorg", 5: "anders"}
    as_words = [[None if v is None else words[v] for v in row] for row in K2011]
    with_nan = [[math.nan if v is None else float(v) for v in row] for row in K2011]
    assert ag.krippendorff_alpha_nominal(as_words) == pytest.approx(1 - 312 / 1216)
    assert ag.krippendorff_alpha_nominal(with_nan) == pytest.approx(1 - 312 / 1216)


def test_a_unit_with_one_value_does_not_count():
    # units (1,1), (1,2), (2,2) and (3) alone: o11 = 2, o12 = o21 = 1, o22 = 2; value 3 is not pairable.
    # n_c = (3, 3), n = 6: alpha = 1 - 5 * 2 / (36 - 18) = 4/9
    assert ag.krippendorff_alpha_nominal([[1, 1, 2, 3], [1, 2, 2, None]]) == pytest.approx(4 / 9)


def test_alpha_is_nan_without_variation_or_pairable_units():
    assert math.isnan(ag.krippendorff_alpha_nominal([[1, 1, 1], [1, 1, 1]]))
    assert math.isnan(ag.krippendorff_alpha_nominal([[1, None], [None, 2]]))
    assert math.isnan(ag.krippendorff_alpha_nominal([]))


def test_alpha_rejects_ragged_data():
    with pytest.raises(ValueError, match="row 1 has 2"):
        ag.krippendorff_alpha_nominal([[1, 2, 3], [1, 2]])


def test_cohen_kappa_two_by_two_textbook_example():
    # 50 units: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    a = ["ja"] * 20 + ["ja"] * 5 + ["nee"] * 10 + ["nee"] * 15
    b = ["ja"] * 20 + ["nee"] * 5 + ["ja"] * 10 + ["nee"] * 15
    assert ag.cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_three_categories_by_hand():
    # agreements 8 of 10 -> p_o = 0.8; marginals A (a4, b2, c4), B (a4, b3, c3)
    # p_e = (4*4 + 2*3 + 4*3) / 100 = 0.34; kappa = 0.46 / 0.66 = 23/33
    a = list("aaabbcccca")
    b = list("aabbbccaca")
    assert ag.cohen_kappa(a, b) == pytest.approx(23 / 33)


def test_cohen_kappa_matches_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(3)
    for _ in range(40):
        n, k = rng.integers(5, 40), rng.integers(2, 5)
        a, b = rng.integers(0, k, n), rng.integers(0, k, n)
        if len(set(a) | set(b)) < 2:
            continue
        assert ag.cohen_kappa(list(a), list(b)) == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)


def test_cohen_kappa_undefined_and_errors():
    assert math.isnan(ag.cohen_kappa([1, 1], [1, 1]))
    assert math.isnan(ag.cohen_kappa([], []))
    with pytest.raises(ValueError, match="got 2 and 1"):
        ag.cohen_kappa([1, 2], [1])


def test_percent_agreement_counts_agreeing_pairs_per_unit():
    # unit 1: values 1,1,2 -> 2 of 6 ordered pairs agree; unit 2: 1,1 -> all agree;
    # unit 3: one value, not pairable
    assert ag.percent_agreement([[1, 1, 3], [1, 1, None], [2, None, None]]) == pytest.approx((1 / 3 + 1) / 2)
    assert math.isnan(ag.percent_agreement([[1, None], [None, 2]]))


def test_positive_agreement_counts_only_units_where_someone_applied_the_code():
    # two coders, a = 1 (both), b = c = 1 (one only), d = 1 (neither): 2a / (2a + b + c) = 2/4;
    # percent agreement is 2 of 4 units here; 97 more (0, 0) units lift it to 98/100, positive agreement stays
    assert ag.positive_agreement([[1, 1, 0, 0], [1, 0, 1, 0]]) == pytest.approx(0.5)
    many = [[1, 1, 0] + [0] * 97, [1, 0, 1] + [0] * 97]
    assert ag.positive_agreement(many) == pytest.approx(0.5)
    assert ag.percent_agreement(many) == pytest.approx(98 / 100)
    # three coders, ordered pairs within a unit: (1,1,0) -> 2 of 4 pairs with a 1 agree, twice; (0,0,0) none;
    # (1,1,missing) -> 2 of 2: (2 + 2 + 2) / (4 + 4 + 2) = 0.6
    assert ag.positive_agreement([[1, 1, 0, 1], [1, 0, 0, 1], [0, 1, 0, None]]) == pytest.approx(0.6)
    assert math.isnan(ag.positive_agreement([[0, 0], [0, 0]]))


def test_mean_pairwise_kappa_matches_scikit_learn_on_the_units_each_pair_coded():
    from sklearn.metrics import cohen_kappa_score

    from wijkanalyse.review.reliability import mean_pairwise_kappa

    rng = np.random.default_rng(7)
    rows = rng.integers(0, 3, size=(4, 30)).astype(object)
    rows[rng.random((4, 30)) < 0.2] = None
    expected = []
    for i in range(4):
        for j in range(i + 1, 4):
            both = [(a, b) for a, b in zip(rows[i], rows[j], strict=True) if a is not None and b is not None]
            expected.append(cohen_kappa_score([a for a, _ in both], [b for _, b in both]))
    assert mean_pairwise_kappa(rows.tolist()) == pytest.approx(np.mean(expected))
    assert mean_pairwise_kappa([[1, 0], [1, 0]]) == pytest.approx(1.0)  # two coders: Cohen's kappa itself


# -- from the store ------------------------------------------------------------------------------------------
@pytest.fixture()
def coded_store(tmp_path):
    """Four segments coded by anna and piet (and the machine), written into a fresh store by hand."""
    store = Store(tmp_path / "store")
    texts = ["Eén.", "Twee.", "Drie.", "Vier."]
    doc = "\n\n".join(texts)
    with store.transaction() as con:
        con.execute(
            "INSERT INTO documents(doc_id, path, content_hash, format, wijk, text, ingested_at) "
            "VALUES (?,?,?,?,?,?,?)",
            ("d1", "noord/a.txt", "x", "txt", "Noord", doc, now_iso()),
        )
        pos = 0
        for i, t in enumerate(texts, start=1):
            con.execute(
                'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, '
                "wijk) VALUES (?,?,?,?,?,?,?,?,?)",
                (f"s{i}", "d1", i, pos, pos + len(t), t, "h", "paragraph", "Noord"),
            )
            pos += len(t) + 2
        for code, dim in [("vertrouwen", "thema"), ("financiering", "thema"), ("communicatie", "thema"),
                          ("behouden", "soort"), ("verbeteren", "soort")]:  # fmt: skip
            con.execute("INSERT INTO codes(code_id, dimension, label_nl) VALUES (?,?,?)", (code, dim, code))
        rows = [
            ("s1", "vertrouwen", "anna"), ("s1", "vertrouwen", "piet"),
            ("s2", "vertrouwen", "anna"), ("s2", "financiering", "anna"), ("s2", "financiering", "piet"),
            ("s3", "geen", "anna"), ("s3", "geen", "piet"),
            ("s4", "financiering", "anna"),
            ("s1", "behouden", "anna"), ("s1", "behouden", "piet"),
            ("s2", "verbeteren", "anna"),
        ]  # fmt: skip
        for seg, code, coder in rows:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, created_at) VALUES (?,?,?,?,?)",
                (seg, code, coder, "human", now_iso()),
            )
        for seg, code in [
            ("s1", "vertrouwen"),
            ("s2", "financiering"),
            ("s3", "communicatie"),
            ("s4", "financiering"),
        ]:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, confidence, created_at) "
                "VALUES (?,?,?,?,?,?)",
                (seg, code, "machine", "machine", 0.8, now_iso()),
            )
    yield store
    store.close()


def test_decisions_are_per_segment_and_dimension(coded_store):
    d = ag.coder_decisions(coded_store, ["anna", "piet"])
    assert d["anna"][("s2", "thema")] == {"vertrouwen", "financiering"}
    assert d["anna"][("s2", "soort")] == {"verbeteren"}
    assert ("s2", "soort") not in d["piet"]  # piet gave no kind of input there: missing, not "absent"
    assert ("s4", "thema") not in d["piet"]


def test_two_people_per_code_overall_and_pairs_by_hand(coded_store):
    agr = ag.compute_agreement(coded_store)
    assert agr.coders == ["anna", "piet"]
    per = agr.per_code.set_index("code_id")
    # vertrouwen on s1, s2, s3: anna 1,1,0 / piet 1,0,0 -> agree 2 of 3; p_e = (2*1 + 1*2)/9 -> kappa 0.4;
    # coincidences o11=2, o00=2, o01=o10=1 -> alpha = 1 - 5 * 2 / (36 - 18) = 4/9
    assert per.loc["vertrouwen", "n_segments"] == 3
    assert per.loc["vertrouwen", "percent_agreement"] == pytest.approx(2 / 3)
    assert per.loc["vertrouwen", "kappa"] == pytest.approx(0.4)
    assert per.loc["vertrouwen", "alpha"] == pytest.approx(4 / 9)
    for code in ("financiering", "geen"):  # identical decisions
        assert per.loc[code, "percent_agreement"] == 1 and per.loc[code, "alpha"] == pytest.approx(1)
    # soort: only s1 is coded by both, both 'behouden': no variation -> alpha undefined (and said why)
    assert per.loc["behouden", "percent_agreement"] == 1
    assert math.isnan(per.loc["behouden", "alpha"]) and math.isnan(per.loc["behouden", "kappa"])
    assert "no variation" in per.loc["behouden", "note"]
    # a code of the codebook nobody used is listed with its count 0 and the reason instead of figures
    assert per.loc["communicatie", "n_applied"] == 0
    assert per.loc["communicatie", "note"] == "not applicable: no coder used this code"
    assert math.isnan(per.loc["communicatie", "percent_agreement"])
    assert per.loc["vertrouwen", "note"] == ""
    # positive agreement on vertrouwen: both applied once (a = 1), anna alone once (b = 1): 2 / (2 + 1)
    assert per.loc["vertrouwen", "positive_agreement"] == pytest.approx(2 / 3)
    overall = agr.overall.set_index("dimension")
    # thema pooled, 9 units: anna [1,1,0 | 0,1,0 | 0,0,1], piet [1,0,0 | 0,1,0 | 0,0,1]
    # p_o = 8/9; p_e = (4*3 + 5*6)/81 -> kappa = 30/39; o11=6, o00=10, o01=o10=1: alpha = 1 - 17*2/154
    assert overall.loc["thema", "percent_agreement"] == pytest.approx(8 / 9)
    assert overall.loc["thema", "kappa"] == pytest.approx(30 / 39)
    assert overall.loc["thema", "alpha"] == pytest.approx(1 - 34 / 154)
    assert overall.loc["thema", "exact_match"] == pytest.approx(2 / 3)
    assert overall.loc["thema", "n_segments"] == 3
    # thema pooled positive agreement: both applied 3 times, anna alone once: 6 / (6 + 1)
    assert overall.loc["thema", "positive_agreement"] == pytest.approx(6 / 7)
    # never pooled across dimensions: one row per dimension, no 'alle'
    assert list(agr.overall["dimension"]) == ["thema", "soort"]
    assert agr.alpha() == pytest.approx(1 - 34 / 154)  # the themes by default
    assert agr.kappa_method == "Cohen's kappa"
    pairs = agr.pairs.set_index("dimension")
    assert list(pairs.index) == ["thema", "soort"]
    assert (pairs.loc["thema", "coder_a"], pairs.loc["thema", "coder_b"]) == ("anna", "piet")
    assert pairs.loc["thema", "alpha"] == pytest.approx(1 - 34 / 154)


def test_disagreements_list_the_segment_and_each_coders_codes(coded_store):
    dis = ag.compute_agreement(coded_store).disagreements
    assert list(dis["segment_id"]) == ["s2"]
    row = dis.iloc[0]
    assert row["text"] == "Twee."
    assert row["in_dispute"] == "vertrouwen"
    assert row["codes_anna"] == "financiering, vertrouwen"
    assert row["codes_piet"] == "financiering"


def test_machine_against_people_by_hand(coded_store):
    # pairs (person, machine) over 7 person-segments x 4 codes = 28 units:
    # (1,1) x5, (1,0) x3, (0,1) x2, (0,0) x18 -> o11=10, o00=36, o01=o10=5, n=56
    # alpha = 1 - 55 * 10 / (56**2 - 15**2 - 41**2) = 1 - 550/1230; kappa = (644 - 476) / (784 - 476)
    # (all theme decisions: the machine gave no kind of input, so there is no soort row)
    full = ag.machine_agreement(coded_store)
    assert set(full["dimension"]) == {"thema"}
    table = full.set_index("coder")
    assert table.loc["people", "alpha"] == pytest.approx(1 - 550 / 1230)
    assert table.loc["people", "kappa"] == pytest.approx(168 / 308)
    assert table.loc["people", "percent_agreement"] == pytest.approx(23 / 28)
    assert table.loc["people", "n_segments"] == 4
    assert set(table.index) == {"anna", "piet", "people"}


def test_without_a_check_sample_the_machine_never_stands_whatever_its_agreement(coded_store):
    # alpha 0.55 on the segments people coded (which may have taught it) decides nothing: threshold 0.5 is
    # met, but with no check sample the verdict says so and how to draw one
    decision = md.machine_may_stand(coded_store, threshold=0.5, min_segments=2)
    assert not decision.may_stand and decision.check is not None and decision.check.n_check == 0
    assert "No check sample exists yet" in decision.explain("en")
    assert "--strategy check" in decision.explain("en")
    assert "Er is nog geen controlesteekproef" in decision.explain("nl")
    assert decision.to_dict()["basis"] == "check sample"
    assert md.agreement_table(coded_store, threshold=0.5, min_segments=2)["comparison"].tolist() == [
        "mens-mens",
        "mens-mens",
    ]


def test_default_threshold_is_krippendorffs_minimum():
    from wijkanalyse.config import Settings

    assert Settings().machine_agreement_threshold == pytest.approx(0.667)
    assert md.KRIPPENDORFF_TENTATIVE == 0.667 and md.KRIPPENDORFF_RELIABLE == 0.8


def test_no_double_coding_yet_gives_a_note_not_an_error(tmp_path):
    store = Store(tmp_path / "s")
    agr = ag.compute_agreement(store)
    assert agr.overall.empty and agr.per_code.empty and agr.disagreements.empty
    assert "coded by two or more coders" in agr.note and "--strategy check" in agr.note
    decision = md.machine_may_stand(store)
    assert not decision.may_stand and math.isnan(decision.machine_alpha)
    assert "controlesteekproef" in decision.explain()
    assert md.agreement_table(store).empty


def test_unknown_coder_is_named_in_the_error(coded_store):
    with pytest.raises(ValueError, match="'kees'.*anna, machine, piet"):
        ag.compute_agreement(coded_store, ["anna", "kees"])


def test_machine_can_be_one_of_the_coders(coded_store):
    agr = ag.compute_agreement(coded_store, ["anna", "machine"])
    assert agr.n_segments("thema") == 4
    assert {"anna", "machine"} == set(agr.pairs.iloc[0][["coder_a", "coder_b"]])


def test_three_coders_get_the_mean_pairwise_kappa_with_the_reason(coded_store):
    # thema: units s1..s4 x the 4 codes used (communicatie, financiering, geen, vertrouwen); each pair on the
    # units both coded. anna-piet, 12 units: 11 agree, ones 4 and 3: p_e = (4*3 + 8*9)/144 -> kappa 0.8.
    # anna-machine, 16 units: 13 agree, ones 5 and 4: p_e = (20 + 132)/256 -> kappa 56/104 = 7/13.
    # piet-machine, 12 units: 10 agree, ones 3 and 3: p_e = 90/144 -> kappa 30/54 = 5/9.
    agr = ag.compute_agreement(coded_store, ["anna", "piet", "machine"])
    thema = agr.overall.set_index("dimension").loc["thema"]
    assert thema["kappa"] == pytest.approx((0.8 + 7 / 13 + 5 / 9) / 3)
    assert "mean pairwise Cohen's kappa over the 3 coders" in agr.kappa_method
    assert "defined for two coders" in agr.kappa_method
