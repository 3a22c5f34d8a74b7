"""The analysis data of a report run is read once per kernel (wijkanalyse.report.data_memo) and cannot leak.

The store is the hand-written one of ``test_analysis.py`` (two wijken, sessions and a survey, human and
machine codings).
"""

from __future__ import annotations

import pandas as pd
import pytest

from wijkanalyse import analysis
from wijkanalyse.config import Settings
from wijkanalyse.report.data_memo import report_data

FRAMES = ("segments", "themes", "kinds", "codings", "codes", "discovered", "discovered_themes")


@pytest.fixture()
def store(analysis_store):
    return analysis_store  # conftest: the hand-built store of test_analysis, the memo emptied around it


def test_no_table_of_any_report_changes_the_data_it_is_given(store):
    data = analysis.load(store, min_count=5)
    data.embedder = "hashing"  # quotes without the embedding model
    before = {name: getattr(data, name).copy(deep=True) for name in FRAMES}
    tables = [analysis.wijk_tables(data, w, store) for w in ("Noord", "Oost")]
    tables.append(analysis.city_tables(data, store))
    assert all(len(t["prevalentie"]) for t in tables)  # the tables were computed from the data
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(data, name), before[name])


def test_the_reports_of_a_run_share_one_read_and_each_gets_its_own_copy(store):
    settings = Settings(min_count=5)
    first = report_data(store, settings, "nl", "run-1", None)
    second = report_data(store, settings, "nl", "run-1", None)
    assert first is not second and first.segments is not second.segments
    pd.testing.assert_frame_equal(first.segments, second.segments)
    # the suppression pattern was worked out once, with the read, and travels with every copy
    pattern = analysis.protection.suppression_pattern(first)
    assert analysis.protection.suppression_pattern(second) is pattern
    # what one report does to its copy never reaches the next report
    n_noord = int((first.segments["wijk"] == "Noord").sum())
    first.segments["wijk"] = "Elders"
    first.themes.loc[first.themes.index[0], "code_id"] = "veranderd"
    third = report_data(store, settings, "nl", "run-1", None)
    assert int((third.segments["wijk"] == "Noord").sum()) == n_noord == 6 + 7
    assert "veranderd" not in set(third.themes["code_id"])


def test_another_run_language_or_a_notebook_by_hand_reads_the_store_again(store):
    settings = Settings(min_count=5)
    pattern = analysis.protection.suppression_pattern(report_data(store, settings, "nl", "run-1", None))
    for other in (
        report_data(store, settings, "nl", "run-2", None),
        report_data(store, settings, "en", "run-2", None),
        report_data(store, Settings(min_count=3), "en", "run-2", None),
    ):
        assert analysis.protection.suppression_pattern(other) is not pattern
    by_hand = report_data(store, settings, "nl", None, None)
    assert not hasattr(by_hand, "_suppression_pattern")  # read now, nothing worked out ahead
