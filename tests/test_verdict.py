"""The honest trust verdict: the machine against people on the check sample, with a Wilson interval.

The store fixture (written by hand, every expected value worked out in the comments):

* codes: themes vertrouwen (v), financiering (f), communicatie (c) and ``geen`` (g); kinds behouden,
  verbeteren.
* check sample, drawn at T1: s1..s4 blind, s5 *not* blind (people saw the machine's proposals), and s6 —
  which anna had coded at T0, before it was drawn, so it may have taught the machine and is left out.
* people's codings at T2 (after the draw): anna s1 {v}, s2 {f}, s3 {g}, s4 {v, f}, s5 {c}; piet s1 {v},
  s2 {v}, s3 {g}; anna's kinds s1 behouden, s2 verbeteren. Before the draw (T0) anna also coded s6 {f} and
  s7 {v} (s7 is a teaching segment, never in the check).
* the machine: s1 {v}, s2 {f}, s3 {c}, s4 {v}, s5 {c}, s6 {f}, s7 {v}; kinds s1 behouden, s2 behouden.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from wijkanalyse.review import machine_decision as md
from wijkanalyse.review import verdict as vd
from wijkanalyse.review.agreement import coder_decisions
from wijkanalyse.store import Store

T0, T1, T2 = "2026-01-01T09:00:00+00:00", "2026-01-01T10:00:00+00:00", "2026-01-01T11:00:00+00:00"
THEMES = ["vertrouwen", "financiering", "communicatie"]


def _store(folder) -> Store:
    store = Store(folder)
    texts = [f"Tekst {i}." for i in range(1, 8)]
    with store.transaction() as con:
        con.execute(
            "INSERT INTO documents(doc_id, path, content_hash, format, wijk, text, ingested_at) "
            "VALUES (?,?,?,?,?,?,?)",
            ("d1", "noord/a.txt", "x", "txt", "Noord", "\n\n".join(texts), T0),
        )
        for i, t in enumerate(texts, start=1):
            con.execute(
                'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, '
                "wijk) VALUES (?,?,?,?,?,?,?,?,?)",
                (f"s{i}", "d1", i, 0, len(t), t, "h", "paragraph", "Noord"),
            )
        for code, dim in [*((c, "thema") for c in THEMES), ("behouden", "soort"), ("verbeteren", "soort")]:
            con.execute("INSERT INTO codes(code_id, dimension, label_nl) VALUES (?,?,?)", (code, dim, code))
        human = [
            ("s6", "financiering", "anna", T0), ("s7", "vertrouwen", "anna", T0),
            ("s1", "vertrouwen", "anna", T2), ("s2", "financiering", "anna", T2), ("s3", "geen", "anna", T2),
            ("s4", "vertrouwen", "anna", T2), ("s4", "financiering", "anna", T2),
            ("s5", "communicatie", "anna", T2),
            ("s1", "vertrouwen", "piet", T2), ("s2", "vertrouwen", "piet", T2), ("s3", "geen", "piet", T2),
            ("s1", "behouden", "anna", T2), ("s2", "verbeteren", "anna", T2),
        ]  # fmt: skip
        for seg, code, coder, at in human:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, created_at) VALUES (?,?,?,?,?)",
                (seg, code, coder, "human", at),
            )
        machine = [("s1", "vertrouwen"), ("s2", "financiering"), ("s3", "communicatie"), ("s4", "vertrouwen"),
                   ("s5", "communicatie"), ("s6", "financiering"), ("s7", "vertrouwen"),
                   ("s1", "behouden"), ("s2", "behouden")]  # fmt: skip
        for seg, code in machine:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, confidence, created_at) "
                "VALUES (?,?,?,?,?,?)",
                (seg, code, "machine", "machine", 0.8, T0),
            )
        for seg, blind in [("s1", 1), ("s2", 1), ("s3", 1), ("s4", 1), ("s5", 0), ("s6", 1)]:
            con.execute(
                "INSERT INTO check_sample(segment_id, drawn_at, round, strategy, blind) VALUES (?,?,?,?,?)",
                (seg, T1, 1, "stratified", blind),
            )
    return store


@pytest.fixture()
def store(tmp_path):
    s = _store(tmp_path / "store")
    yield s
    s.close()


# -- the Wilson interval -------------------------------------------------------------------------------------
def test_wilson_interval_by_hand_and_against_scipy():
    # 8 of 10: p = 0.8, z = 1.95996, z^2 = 3.84146; centre 0.8 + 3.84146/20 = 0.99207;
    # half = z * sqrt(0.016 + 3.84146/400) = 0.31362; divided by 1 + 0.38415: (0.49016, 0.94332)
    low, high = vd.wilson_interval(8, 10)
    assert (low, high) == pytest.approx((0.49016, 0.94332), abs=1e-5)
    for k, n in [(0, 20), (3, 7), (40, 50), (97, 120), (120, 120)]:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert vd.wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-9)
    # none right of 20: the upper bound is z^2 / (n + z^2) = 3.84146 / 23.84146
    assert vd.wilson_interval(0, 20)[1] == pytest.approx(3.84146 / 23.84146, abs=1e-5)


def test_wilson_interval_edges_and_bad_input():
    assert all(math.isnan(x) for x in vd.wilson_interval(0, 0))
    with pytest.raises(ValueError, match="between 0 and n = 5"):
        vd.wilson_interval(6, 5)
    with pytest.raises(ValueError, match="confidence"):
        vd.wilson_interval(1, 5, confidence=1.5)
    # a fractional success (a segment two people coded, the machine matching one) lies between its neighbours
    mid = vd.wilson_interval(2.5, 5)
    assert vd.wilson_interval(2, 5)[0] < mid[0] < vd.wilson_interval(3, 5)[0]


@pytest.mark.parametrize("n", [20, 40, 120])
def test_the_95_percent_interval_covers_the_true_agreement_in_at_least_90_percent_of_check_samples(n):
    # Check samples of n segments drawn without replacement from a corpus of 1,364 segments (the demo's size)
    # on which the machine's true agreement with people is p. 2,000 samples per (n, p): the standard error of
    # a coverage near 0.95 is sqrt(0.95 * 0.05 / 2000) = 0.005, and the Wilson interval's coverage stays above
    # about 0.92 for these n and p (Brown, Cai & DasGupta 2001, fig. 4), so 0.90 is 4 standard errors below
    # what it should reach: a failure means the interval is wrong, not bad luck. Seeded, so deterministic.
    rng = np.random.default_rng(15)
    population = 1364
    for p in (0.5, 0.7, 0.82, 0.9, 0.95):
        right = int(round(p * population))
        truth = right / population
        hits = rng.hypergeometric(right, population - right, n, size=2000)
        bounds = [vd.wilson_interval(int(k), n) for k in hits]
        coverage = np.mean([lo <= truth <= hi for lo, hi in bounds])
        assert coverage >= 0.90, (n, p, coverage)


def test_a_plain_normal_interval_would_fail_the_same_coverage_test():
    # the test above can fail: the Wald interval p +- z sqrt(p(1-p)/n) covers p = 0.95 with n = 20 far less
    # often (a sample with 20 of 20 right gives the empty interval [1, 1])
    rng = np.random.default_rng(15)
    hits = rng.binomial(20, 0.95, size=2000)
    half = 1.96 * np.sqrt(hits / 20 * (1 - hits / 20) / 20)
    coverage = np.mean((hits / 20 - half <= 0.95) & (0.95 <= hits / 20 + half))
    assert coverage < 0.90


# -- the check sample --------------------------------------------------------------------------------------
def test_check_agreement_counts_only_check_segments_nobody_coded_before_the_draw(store):
    check = vd.check_agreement(store)
    assert check.n_check == 6 and check.n_excluded == 1  # s6 was coded by anna before it was drawn
    assert check.people == ["anna", "piet"]
    thema = check.row("thema")
    # s1..s5 (s7 taught the machine and is not in the check): exact match per segment
    # s1 both match 1; s2 anna matches, piet not 0.5; s3 0; s4 {v,f} vs {v} 0; s5 1 -> 2.5 / 5
    assert thema["n_segments"] == 5
    assert thema["exact_match"] == pytest.approx(0.5)
    assert (thema["ci_low"], thema["ci_high"]) == pytest.approx(vd.wilson_interval(2.5, 5))
    assert thema["n_blind"] == 4 and thema["n_not_blind"] == 1
    # machine vs people, units person x segment (anna 5, piet 3) x code (4 codes) = 32: (1,1) 5, person only
    # 4, machine only 3, (0,0) 20 -> o11 = 10, o00 = 40, o01 + o10 = 14, n = 64, n1 = 17, n0 = 47:
    # alpha = 1 - 63 * 14 / (4096 - 289 - 2209) = 1 - 882 / 1598
    assert thema["alpha"] == pytest.approx(1 - 882 / 1598)
    # the ceiling: anna and piet both coded s1, s2, s3; agree on s1 and s3 -> 2/3; alpha over v, f, geen:
    # (1,1) 2, mixed 2, (0,0) 5 -> o11 4, o00 10, off 4, n 18, n1 6, n0 12: 1 - 17 * 4 / (324 - 36 - 144)
    assert thema["human_n_segments"] == 3
    assert thema["human_exact_match"] == pytest.approx(2 / 3)
    assert thema["human_alpha"] == pytest.approx(1 - 68 / 144)
    soort = check.row("soort")
    # kinds on s1 (match) and s2 (verbeteren vs behouden); nobody else coded kinds: no ceiling
    assert soort["n_segments"] == 2 and soort["exact_match"] == pytest.approx(0.5)
    assert soort["human_n_segments"] == 0 and math.isnan(soort["human_exact_match"])
    assert "no check segment was coded by two people" in soort["note"] and thema["note"] == ""


def test_check_agreement_per_code_with_counts_and_positive_agreement(store):
    per = vd.check_agreement(store).per_code.set_index("code_id")
    assert list(per.index) == ["communicatie", "financiering", "vertrouwen", "geen", "behouden", "verbeteren"]
    v = per.loc["vertrouwen"]
    # machine gave v on s1, s4; people on s1, s2, s4. Per segment: s1 1, s2 (m 0; anna 0, piet 1) 0.5, s3 1,
    # s4 1, s5 1 -> 4.5/5. Pairs: both 3 (s1 anna, s1 piet, s4 anna), one side 1 (s2 piet): 6/7
    assert (v["n_segments"], v["n_machine"], v["n_people"]) == (5, 2, 3)
    assert v["agreement"] == pytest.approx(0.9)
    assert (v["ci_low"], v["ci_high"]) == pytest.approx(vd.wilson_interval(4.5, 5))
    assert v["positive_agreement"] == pytest.approx(6 / 7)
    # communicatie: machine s3, s5; people s5 only: 4/5 agree on presence, but positive agreement 2/(2+2)
    c = per.loc["communicatie"]
    assert (c["n_machine"], c["n_people"], c["agreement"]) == (2, 1, pytest.approx(0.8))
    assert c["positive_agreement"] == pytest.approx(0.5)
    # geen: the people's s3 (both), never the machine: agreement 0.8 looks fine, positive agreement is 0
    assert per.loc["geen", "agreement"] == pytest.approx(0.8) and per.loc["geen", "positive_agreement"] == 0
    assert per.loc["vertrouwen", "note"] == ""


def test_a_code_nobody_used_on_the_check_says_so_instead_of_nan(store):
    with store.transaction() as con:
        con.execute("INSERT INTO codes(code_id, dimension, label_nl) VALUES ('groen', 'thema', 'groen')")
    row = vd.check_agreement(store).per_code.set_index("code_id").loc["groen"]
    assert (row["n_machine"], row["n_people"]) == (0, 0)
    assert math.isnan(row["positive_agreement"])
    assert row["note"] == "not applicable: no coder used this code"


def test_no_check_sample_gives_empty_tables(tmp_path):
    store = Store(tmp_path / "s")
    check = vd.check_agreement(store)
    assert check.n_check == 0 and check.overall.empty and check.per_code.empty and check.row() is None


# -- the verdict -------------------------------------------------------------------------------------------
def test_verdict_is_per_dimension_and_at_least_krippendorffs_minimum_by_default(store):
    decision = md.machine_may_stand(store, min_segments=3)
    assert decision.threshold == pytest.approx(0.667)
    # themes alpha 0.45 < 0.667: review
    assert not decision.may_stand and decision.verdicts == {"thema": False, "soort": False}
    assert decision.machine_alpha == pytest.approx(1 - 882 / 1598)
    assert decision.n_segments == 5 and decision.n_people == 2
    # threshold 0.4: the themes pass (0.45), the kind of input does not (alpha 1 - 7 * 4 / 32 = 0.125 on s1,
    # s2: units behouden (1,1) (0,1), verbeteren (0,0) (1,0)): judged apart, never pooled, so no
    low = md.machine_may_stand(store, threshold=0.4, min_segments=3)
    assert low.verdicts == {"thema": True, "soort": False} and not low.may_stand
    assert low.check is not None and low.check.row("soort")["alpha"] == pytest.approx(0.125)
    both = md.machine_may_stand(store, threshold=0.1, min_segments=3)
    assert both.may_stand
    assert "below that minimum of 0.667" in both.explain("en")
    few = md.machine_may_stand(store, threshold=0.1, min_segments=6)
    assert not few.may_stand and "Only 5 check segments" in few.explain("en")


def test_verdict_text_cites_krippendorff_reports_the_interval_the_ceiling_and_anchoring(store):
    decision = md.machine_may_stand(store, min_segments=3)
    en = decision.explain("en")
    assert en.startswith("Machine codes need review.")
    lo, hi = vd.wilson_interval(2.5, 5)
    assert f"exactly on 50 % (95 % Wilson interval {100 * lo:.0f}–{100 * hi:.0f} %)" in en
    assert "People matched each other on 67 %" in en and "3 check segments" in en
    assert "themes 0.45 (below 0.667); kind of input 0.12 (below 0.667)" in en
    assert "Krippendorff (2004, Content Analysis, §11.4)" in en and "0.800" in en
    assert "On 1 of the 5 check segments the people saw the machine's proposals" in en
    assert "1 check segment(s) that people coded before they were drawn are left out" in en
    nl = decision.explain("nl")
    assert nl.startswith("Computercodes moeten worden nagekeken.")
    assert "thema's 0,45" in nl and "verankering" in nl and "Krippendorff (2004" in nl
    # one language per text: no Dutch words in the English verdict and the other way round
    assert "mensen" not in en and "people" not in nl
    assert decision.blind is False
    data = decision.to_dict()
    assert data["interval_method"] == "Wilson score interval, 95 %" and data["blind"] is False
    assert data["check"]["overall"][1]["human_exact_match"] is None  # NaN becomes None in JSON


def test_a_codebook_with_only_themes_is_judged_on_the_themes_alone(store):
    with store.transaction() as con:
        con.execute("DELETE FROM codings WHERE code_id IN ('behouden', 'verbeteren')")
        con.execute("DELETE FROM codes WHERE dimension = 'soort'")
    decision = md.machine_may_stand(store, threshold=0.4, min_segments=3)
    assert decision.verdicts == {"thema": True} and decision.may_stand  # themes 0.45 >= 0.4
    assert list(decision.check.overall["dimension"]) == ["thema"]
    assert "kind of input" not in decision.explain("en")


def test_a_kind_of_input_nobody_coded_on_the_check_cannot_stand(store):
    # people leave the kind of input out on the check; the machine coded it there: not checked, so no
    with store.transaction() as con:
        con.execute("DELETE FROM codings WHERE kind = 'human' AND code_id IN ('behouden', 'verbeteren')")
    decision = md.machine_may_stand(store, threshold=0.4, min_segments=3)
    assert decision.verdicts == {"thema": True, "soort": None} and not decision.may_stand
    assert decision.check is not None and decision.check.machine_dimensions == ["thema", "soort"]
    assert "kind of input not checked" in decision.explain("en")


def test_blind_check_is_said_to_be_blind(store):
    with store.transaction() as con:
        con.execute("UPDATE check_sample SET blind = 1")
    decision = md.machine_may_stand(store, min_segments=3)
    assert decision.blind is True
    assert "coded the check blind" in decision.explain("en")
    assert "anchoring" not in decision.explain("en")


def test_check_drawn_but_not_coded_yet(tmp_path):
    store = _store(tmp_path / "s")
    with store.transaction() as con:
        con.execute("DELETE FROM codings WHERE kind = 'human'")
    decision = md.machine_may_stand(store)
    assert not decision.may_stand
    assert "A check sample of 6 segments was drawn, but no person has coded it yet" in decision.explain("en")
    store.close()


def test_report_table_rows_per_dimension_with_the_check_figures(store):
    table = md.agreement_table(store, threshold=0.4, min_segments=3)
    got = list(zip(table["comparison"], table["dimension"], table["n_segments"], strict=True))
    assert got == [
        ("mens-mens", "thema", 3),  # anna + piet on s1, s2, s3 (s6, s7 only anna)
        ("mensen-controle", "thema", 3),
        ("machine-controle", "thema", 5),
        ("machine-controle", "soort", 2),
    ]
    machine = table[table["comparison"] == "machine-controle"].set_index("dimension")
    assert machine.loc["thema", "blind"] is False and machine.loc["soort", "blind"] is True
    assert machine.loc["thema", "machine_may_stand"] is False  # the kind of input fails at 0.4
    assert table.loc[0, "machine_may_stand"] is None


# -- the machine as one more coder --------------------------------------------------------------------------
def test_machine_as_an_extra_coder_by_hand(store):
    # on the check segments two people coded (s1, s2, s3), themes:
    # anna-piet over v, f, geen (9 units): 7 agree, 3 and 3 ones: p_e = 45/81 -> kappa 0.5
    # machine-anna over v, f, geen, c (12 units): 10 agree, p_e = 90/144 -> kappa 30/54 = 5/9
    # machine-piet: 8 agree -> kappa (96 - 90) / 54 = 1/9
    decisions = coder_decisions(store, ["anna", "piet", "machine"])
    check = {c: {k: v for k, v in d.items() if k[0] in {"s1", "s2", "s3"}} for c, d in decisions.items()}
    k = vd.extra_coder_kappas(check, ["anna", "piet"], "thema")
    assert k["n_segments"] == 3
    assert k["people_mean_kappa"] == pytest.approx(0.5)
    assert k["machine_kappas"] == pytest.approx({"machine + anna": 5 / 9, "machine + piet": 1 / 9})
    assert k["machine_mean_kappa"] == pytest.approx(1 / 3)
    table, basis = vd.extra_coder_table(store)
    assert "check segments" in basis
    assert table.set_index("dimension").loc["thema", "machine_mean_kappa"] == pytest.approx(1 / 3)
    assert list(table["dimension"]) == ["thema"]  # nobody double-coded the kind of input


def test_extra_coder_without_a_double_coded_check_says_the_figure_is_optimistic(store):
    with store.transaction() as con:
        con.execute("DELETE FROM check_sample")
    _table, basis = vd.extra_coder_table(store)
    assert "optimistic" in basis


# -- the command line ----------------------------------------------------------------------------------------
def test_agreement_machine_on_the_command_line_in_english(tmp_path):
    import json

    from typer.testing import CliRunner

    from wijkanalyse.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wijkanalyse.yml").write_text(
        f"name: verdict-test\nstore_dir: {tmp_path / 'store'}\nembedder: hashing\n", encoding="utf-8"
    )
    _store(tmp_path / "store").close()
    runner = CliRunner()
    out = runner.invoke(app, ["agreement", "--machine", "--corpus", str(corpus)])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "Machine against people on the check sample (6 segments drawn; Wilson score interval, 95 %" in text
    assert "Per code on the check sample" in text and "positive_agreement" in text
    assert "The machine as one more coder (mean Cohen's kappa; on the check segments" in text
    assert "Machine: Only 5 check segments have been coded by people (at least 20 needed)" in text
    assert "n.v.t." not in text and "mensen" not in text  # one language
    as_json = runner.invoke(app, ["agreement", "--machine", "--json", "--corpus", str(corpus)])
    data = json.loads(as_json.output)
    assert data["machine"]["check"]["n_excluded"] == 1
    assert data["machine_as_coder"]["rows"][0]["machine_mean_kappa"] == pytest.approx(1 / 3)
    plain = runner.invoke(app, ["agreement", "--corpus", str(corpus)]).output
    assert "Machine: Only 5 check segments" in plain and "check sample (6" not in plain
