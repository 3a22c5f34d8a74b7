"""Wijk-independent results are worked out once per report run (wijkanalyse.analysis.run_shared).

The store is the hand-written one of ``test_analysis.py`` (two wijken, sessions and a survey, human and
machine codings), so the machine decision and the agreement table have figures to compare.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wijkanalyse import analysis
from wijkanalyse.config import Settings
from wijkanalyse.report.data_memo import report_data
from wijkanalyse.review.machine_decision import machine_may_stand


@pytest.fixture()
def store(analysis_store):
    return analysis_store  # conftest: the hand-built store of test_analysis, the memo emptied around it


def _figures(decision):
    return (decision.may_stand, decision.n_segments, decision.n_people, decision.verdicts, decision.threshold)


def test_the_reports_of_a_run_share_the_machine_decision_and_it_equals_one_worked_out_afresh(store):
    settings = Settings(min_count=5)
    first = report_data(store, settings, "nl", "run-1", None)
    second = report_data(store, settings, "nl", "run-1", None)
    decision = analysis.machine_decision(store, first)
    assert analysis.machine_decision(store, second) is decision  # the second report did not read it again
    fresh = machine_may_stand(store, threshold=settings.machine_agreement_threshold)
    assert _figures(decision) == _figures(fresh)
    assert decision.explain("nl") == fresh.explain("nl")
    pd.testing.assert_frame_equal(decision.per_person, fresh.per_person)
    assert not decision.per_person.empty  # people and the machine coded segments in common: real figures
    # another run works it out again
    assert analysis.machine_decision(store, report_data(store, settings, "nl", "run-2", None)) is not decision


def test_a_notebook_by_hand_works_the_decision_out_every_time(store):
    by_hand = report_data(store, Settings(min_count=5), "nl", None, None)
    one, two = analysis.machine_decision(store, by_hand), analysis.machine_decision(store, by_hand)
    assert one is not two and _figures(one) == _figures(two)


def test_the_shared_agreement_table_equals_the_one_worked_out_per_report_and_cannot_leak(store):
    store.set_human_coding("s1", "vertrouwen", "bob", "applied")  # anna coded s1 too: a people + people row
    settings = Settings(min_count=5)
    shared_data = report_data(store, settings, "nl", "run-1", None)
    shared_data.embedder = "hashing"  # quotes without the embedding model
    by_hand = report_data(store, settings, "nl", None, None)
    by_hand.embedder = "hashing"
    noord = analysis.wijk_tables(shared_data, "Noord", store)["overeenstemming"]
    expected = analysis.wijk_tables(by_hand, "Noord", store)["overeenstemming"]
    assert not expected.empty
    pd.testing.assert_frame_equal(noord, expected)
    # a report that changes its table changes only its own: the next report of the run gets the original
    noord.loc[noord.index[0], "alpha"] = -99.0
    city = report_data(store, settings, "nl", "run-1", None)
    city.embedder = "hashing"
    pd.testing.assert_frame_equal(analysis.city_tables(city, store)["overeenstemming"], expected)
