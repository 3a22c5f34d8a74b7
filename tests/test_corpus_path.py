"""One corpus-path resolver (config.resolve_corpus) for the command line, every notebook and the widgets.

The case that broke: the outputs (``$WIJKANALYSE_HOME``) live outside the checkout and the notebook runs from
another folder; notebook 06 then said "Corpus folder 'corpora/demo' not found" while 03 and 04 found it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINI_CORPUS
from wijkanalyse.cli.common import load_cli_settings
from wijkanalyse.config import SOURCE_ROOT, load_settings, resolve_corpus
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.explore import resolve_corpus as explore_resolve_corpus
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store

RELATIVE = "tests/fixtures/mini_corpus"  # relative to the checkout only


@pytest.fixture()
def outside(tmp_path, monkeypatch):
    """Work from a folder outside the checkout, with the workspace (outputs) in yet another one."""
    home, elsewhere = tmp_path / "werkmap", tmp_path / "ergens"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("WIJKANALYSE_HOME", str(home))
    monkeypatch.chdir(elsewhere)
    return home, elsewhere


def test_a_relative_corpus_is_found_in_the_checkout_when_the_workspace_is_elsewhere(outside):
    home, _ = outside
    assert resolve_corpus(RELATIVE) == MINI_CORPUS.resolve() == (SOURCE_ROOT / RELATIVE).resolve()
    assert explore_resolve_corpus is resolve_corpus  # the workbench's name is the same function
    # the command line resolves the same way (today it only looked in the current folder)
    assert load_cli_settings(Path(RELATIVE), None).corpus == MINI_CORPUS.resolve()
    # and the store goes to the workspace, not the checkout
    assert load_settings(RELATIVE).store_path.is_relative_to(home)


def test_the_current_folder_wins_and_a_missing_corpus_names_every_folder_tried(outside):
    home, elsewhere = outside
    own = elsewhere / "tests" / "fixtures" / "mini_corpus"
    own.mkdir(parents=True)
    assert resolve_corpus(RELATIVE) == own.resolve()
    with pytest.raises(SettingsError) as err:
        resolve_corpus("corpora/atlantis")
    message = str(err.value)
    assert "Corpus folder 'corpora/atlantis' not found" in message
    for root in (elsewhere, home, SOURCE_ROOT):
        assert str(root.resolve() / "corpora" / "atlantis") in message
    with pytest.raises(SettingsError, match="does not exist or is not a folder"):
        resolve_corpus(home / "nope")


def test_notebook_06_finds_the_corpus_when_the_outputs_live_outside_the_checkout(outside, tmp_path):
    """06_coderen.ipynb, run from elsewhere with $WIJKANALYSE_HOME outside the checkout (its code path:
    open_project), finds ``tests/fixtures/mini_corpus`` and the store in the workspace."""
    import papermill as pm

    home, elsewhere = outside
    settings = load_settings(RELATIVE, embedder="hashing")
    assert settings.store_path.is_relative_to(home / "outputs")
    with Store(settings.store_path) as store:  # a coded store, so the notebook builds nothing
        ingest_corpus(settings, store)
        first = str(store.segments()["segment_id"].iloc[0])
        store.add_machine_codings([(first, "geen", 0.5)], "machine", "test", "run-1")
    notebook = SOURCE_ROOT / "notebooks" / "explore" / "06_coderen.ipynb"
    out = tmp_path / "06.ipynb"
    pm.execute_notebook(
        str(notebook), str(out), parameters={"corpus": RELATIVE, "embedder": "hashing", "sample": 5},
        kernel_name="python3", progress_bar=False, cwd=str(elsewhere),
    )  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "5 segmenten gekozen uit 12 in corpus mini_corpus" in text
