"""What to code next is chosen with the model kept next to the store; refitted only for a new coding state."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from conftest import mini_cli_args
from wijkanalyse.cli.main import app
from wijkanalyse.coding.apply import code_store
from wijkanalyse.coding.codebook import load_codebook
from wijkanalyse.coding.embed import get_embedder
from wijkanalyse.coding.history import coding_state, engine_base, load_fitted, model_key
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.review import decisions as review
from wijkanalyse.review.sampling import choose_segments, machine_view
from wijkanalyse.store import Store


def _key(store, settings):
    emb, cb = get_embedder(settings.embedder), load_codebook(settings.codebook_path)
    return model_key(coding_state(store, engine_base(emb, cb), settings.coding_threshold), settings.seed)


def test_machine_view_uses_the_model_code_kept_and_refits_only_when_people_coded(make_settings):
    settings = make_settings(embedder="hashing")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        coded = code_store(store, settings)
        assert coded.refit  # nothing kept yet: 'code' fits and keeps its model
        ids = store.segments_to_code()["segment_id"].tolist()

        view = machine_view(store, settings, ids)
        assert not view.refit and view.reason == "" and view.model == coded.model
        kept = load_fitted(store, _key(store, settings), get_embedder(settings.embedder))
        assert kept is not None
        texts = store.segments_to_code()["text"].tolist()
        assert np.allclose(view.proba, kept.predict_proba(texts))  # the kept model's probabilities

        # a person codes one segment: a new coding state, so the engine is refitted (and says why) ...
        review.set_segment_codes(store, ids[0], ["communicatie"], "anna")
        view2 = machine_view(store, settings, ids[1:])
        assert view2.refit and "the human codings changed (0 -> 1 codings)" in view2.reason
        assert view2.model != coded.model and "+learned:" in view2.model
        # ... and kept: the next choice and the next 'code' run use that model without refitting
        assert not machine_view(store, settings, ids[1:]).refit
        recoded = code_store(store, settings)
        assert recoded.mode == "full" and not recoded.refit and recoded.model == view2.model


def test_review_export_says_whether_it_used_the_kept_model(tmp_path):
    where = mini_cli_args(tmp_path, embedder="hashing")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", *where]).exit_code == 0

    def export(n: int) -> str:
        out = tmp_path / f"sheet{n}.xlsx"
        res = runner.invoke(
            app, ["review", "export", "--coder", "anna", "--sample", str(n), "--out", str(out), *where]
        )
        assert res.exit_code == 0, res.output
        return res.output

    first = export(3)  # no 'code' run yet: fitted now, and the reason is given
    assert "Coding engine refitted for this choice (no coding run has kept a model yet)" in first
    assert runner.invoke(app, ["code", *where]).exit_code == 0
    second = export(4)
    assert "the model kept for this coding state (no refit)" in second


def test_choose_segments_reports_which_model_chose(make_settings):
    settings = make_settings(embedder="hashing")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        code_store(store, settings)
        said: list[str] = []
        got = choose_segments(store, "mix", 4, settings=settings, report=said.append)
        assert len(got) == 4 and len(said) == 1 and "no refit" in said[0]
        said.clear()
        choose_segments(store, "random", 4, settings=settings, report=said.append)
        assert said == []  # random needs no model
