"""Active sampling and the check sample: what people code next, and which segments test the machine."""

from __future__ import annotations

import pandas as pd

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
