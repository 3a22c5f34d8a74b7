"""The bundled demo corpus, run end to end, gives the report tables kept in ``fixtures/demo_report_tables``.

This is the guard of a refactoring: a change that is not meant to alter a report must leave every table
byte-identical (``scripts/compare_runs.py`` does the comparison). A change that is meant to alter them (a
corrected statistic) refreshes the copy with
``python scripts/compare_runs.py RUN --update tests/fixtures/demo_report_tables`` and says so in its commit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wijkanalyse.analysis import COMPLEMENT_MARKER, audit_run, marker
from wijkanalyse.config import DEMO_CORPUS, load_settings
from wijkanalyse.pipeline import run_pipeline

ROOT = Path(__file__).resolve().parents[1]
KEPT = Path(__file__).parent / "fixtures" / "demo_report_tables"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("demo")
    settings = load_settings(DEMO_CORPUS, store_dir=tmp / "store", private_dir=tmp / "private")
    result = run_pipeline(settings, jobs=2)
    assert not result.failed, [r.error for r in result.failed]
    return Path(result.run_dir)


def test_demo_report_tables_are_unchanged(demo_run: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compare_runs.py"), str(KEPT), str(demo_run)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-6000:]
    assert "69 tables compared: identical" in out.stdout


def test_compare_runs_sees_a_changed_cell(demo_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compare_runs.py"), str(demo_run), "--update",
                    str(copy)], check=True, capture_output=True)  # fmt: skip
    table = next(copy.rglob("prevalentie.csv"))
    table.write_bytes(table.read_bytes().replace(b",", b";", 1))
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compare_runs.py"), str(copy), str(demo_run)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "differs: " in out.stdout and "prevalentie.csv" in out.stdout


def test_no_hidden_figure_comes_back_from_the_demo_tables(demo_run: Path) -> None:
    """The differencing attack on every CSV of the run (``analysis.disclosure``) gets nothing back."""
    found = audit_run(demo_run, min_count=5)
    assert found == [], [f.describe() for f in found[:10]]
    cells = {c for p in demo_run.rglob("tables/*.csv") for line in p.read_text("utf-8").splitlines()
             for c in line.split(",")}  # fmt: skip
    assert marker(5) in cells and COMPLEMENT_MARKER in cells  # small figures, and figures protecting them
