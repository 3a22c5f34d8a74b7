"""Reports built side by side in two kernels of one process (wijkanalyse.report.kernel_session.KernelWorker).

The first tests use small probe notebooks (what is tested is which kernel ran what); the last runs the bundled
report notebooks on the mini corpus of ``test_report.py`` one after another and side by side and compares
every report table byte for byte.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_kernel_session import PROBE, _job, _notebook, _printed
from test_report import _code_by_hand, _corpus, _ingest
from wijkanalyse.config import load_settings
from wijkanalyse.report import run_reports
from wijkanalyse.report.kernel_session import kernel_workers, prepared_kernels, run_side_by_side


def _run_by(tmp_path: Path, labels: tuple[str, ...]) -> list[list[str]]:
    """(kernel pid, folder, whether the report before left a variable) as each probe printed it."""
    return [_printed(tmp_path, label)[0].split() for label in labels]


def test_two_kernels_share_the_reports_each_clean_and_in_its_own_folder(tmp_path):
    nb = _notebook(tmp_path / "probe.ipynb", "import time\ntime.sleep(0.3)", PROBE)
    labels = ("a", "b", "c", "d", "e")
    results = list(run_side_by_side([_job(tmp_path, nb, label) for label in labels], 2))
    assert sorted(r.name for r in results) == [f"wijken/{label}" for label in labels]
    assert [r.status for r in results] == ["built"] * 5
    assert all((tmp_path / "out" / label / f"rapport-{label}.html").is_file() for label in labels)
    lines = _run_by(tmp_path, labels)
    pids = {pid for pid, _, _ in lines}
    assert len(pids) == 2 and str(os.getpid()) not in pids  # two kernels ran them, not this process
    assert [Path(cwd).name for _, cwd, _ in lines] == list(labels)
    assert [left for _, _, left in lines] == ["False"] * 5  # no report saw a variable of another
    for pid in pids:  # the kernels were shut down at the end
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)


def test_prepared_kernels_run_their_start_up_code_and_the_runner_takes_them(tmp_path):
    warm = "import sys\nprint('wave' in sys.modules, 'warm' in dir())"
    nb = _notebook(tmp_path / "probe.ipynb", PROBE, warm)
    with prepared_kernels(tmp_path, 2, "import wave\nwarm = 1") as workers:
        with kernel_workers(2) as taken:
            assert taken == workers  # the runner's reports get the prepared kernels
        results = list(run_side_by_side([_job(tmp_path, nb, label) for label in ("a", "b", "c")], 2))
        assert all(w.session._km is not None for w in workers)  # the runner does not close them
    assert all(w.session._km is None for w in workers)  # closed when the run ends
    assert [r.status for r in results] == ["built"] * 3
    assert sum(w.session.reports for w in workers) == 3 and all(w.session.kernels == 1 for w in workers)
    assert [_printed(tmp_path, label)[1].split() for label in ("a", "b", "c")] == [["True", "False"]] * 3


def test_a_failing_report_in_one_kernel_does_not_stop_the_others(tmp_path):
    broken = _notebook(tmp_path / "broken.ipynb", "raise ValueError('kapot')")
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    jobs = [_job(tmp_path, broken, "a"), *(_job(tmp_path, probe, label) for label in ("b", "c", "d"))]
    results = {r.wijk: r for r in run_side_by_side(jobs, 2)}
    assert (results["a"].status, results["a"].ename, results["a"].evalue) == ("failed", "ValueError", "kapot")
    assert [results[label].status for label in ("b", "c", "d")] == ["built"] * 3


def test_reports_side_by_side_have_the_same_tables_as_one_after_another(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    settings = load_settings(
        corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private", embedder="hashing"
    )
    _ingest(settings)
    _code_by_hand(settings)
    serial = run_reports(settings, jobs=1, force=True)
    side_by_side = run_reports(settings, jobs=2, force=True)
    assert [j.status for j in side_by_side.jobs] == [j.status for j in serial.jobs]
    assert [j.name for j in side_by_side.jobs] == [j.name for j in serial.jobs]  # the same order in the index
    assert sum(j.status == "built" for j in serial.jobs) >= 3  # two wijken and the city at least

    def tables(run_dir: Path) -> dict[str, bytes]:
        found = sorted(run_dir.rglob("tables/*.csv"))
        return {p.relative_to(run_dir).as_posix(): p.read_bytes() for p in found}

    expected = tables(serial.run_dir)
    assert len(expected) > 10
    assert tables(side_by_side.run_dir) == expected
