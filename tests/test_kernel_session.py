"""One report kernel reused across reports: a clean namespace each, a dead kernel replaced, none left over.

The notebooks here are small on purpose (what is tested is the kernel's life, not the report); the bundled
report notebooks run through the same session in tests/test_report.py (every run of the runner).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from wijkanalyse.report import ReportJob, run_job
from wijkanalyse.report.kernel_session import KernelSession


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell("label = 'none'", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def _job(tmp_path: Path, notebook: Path, label: str) -> ReportJob:
    return ReportJob(
        name=f"wijken/{label}",
        wijk=label,
        notebook=str(notebook),
        out_dir=str(tmp_path / "out" / label),
        stem=f"rapport-{label}",
        title=label,
        language="nl",
        parameters={"label": label},
        fingerprint=label,
    )


def _printed(tmp_path: Path, label: str) -> list[str]:
    """The lines the notebook of job ``label`` printed, from its executed notebook."""
    nb = nbformat.read(tmp_path / "out" / label / f"rapport-{label}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    return [o["text"] for c in code for o in c.outputs if o.get("name") == "stdout"]


# the process id, the folder the notebook runs in, and whether a variable of an earlier report is still there
PROBE = "import os\nprint(os.getpid(), os.getcwd(), 'left_over' in dir())\nleft_over = label"


def test_reports_share_one_kernel_with_a_clean_namespace_and_their_own_folder(tmp_path):
    nb = _notebook(tmp_path / "probe.ipynb", PROBE)
    with KernelSession() as session:
        results = [run_job(_job(tmp_path, nb, label), session=session) for label in ("a", "b", "c")]
    assert [r.status for r in results] == ["built"] * 3
    assert (session.kernels, session.reports) == (1, 3)
    lines = [_printed(tmp_path, label)[0].split() for label in ("a", "b", "c")]
    assert len({pid for pid, _, _ in lines}) == 1  # one kernel process ran all three
    assert [left for _, _, left in lines] == ["False", "False", "False"]  # nothing of the report before
    assert [Path(cwd).name for _, cwd, _ in lines] == ["a", "b", "c"]


def test_a_failing_report_does_not_break_the_next_one(tmp_path):
    broken = _notebook(tmp_path / "broken.ipynb", "raise ValueError('kapot')")
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    with KernelSession() as session:
        first = run_job(_job(tmp_path, broken, "a"), session=session)
        second = run_job(_job(tmp_path, probe, "b"), session=session)
    assert (first.status, first.ename, first.evalue) == ("failed", "ValueError", "kapot")
    assert second.status == "built" and session.kernels == 1


def test_a_kernel_that_died_is_replaced_before_the_next_report(tmp_path):
    dies = _notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)")
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    with KernelSession() as session:
        first = run_job(_job(tmp_path, dies, "a"), session=session)
        second = run_job(_job(tmp_path, probe, "b"), session=session)
    assert first.status == "failed"
    assert second.status == "built" and session.kernels == 2
    pid = int(_printed(tmp_path, "b")[0].split()[0])
    assert pid != os.getpid()


def test_closing_the_session_stops_its_kernel(tmp_path):
    nb = _notebook(tmp_path / "probe.ipynb", PROBE)
    session = KernelSession()
    assert run_job(_job(tmp_path, nb, "a"), session=session).status == "built"
    pid = int(_printed(tmp_path, "a")[0].split()[0])
    session.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the kernel process is gone


def test_a_prepared_kernel_has_run_its_start_up_code_and_starts_each_report_clean(tmp_path):
    from wijkanalyse.report.kernel_session import prepared_session, reports_session

    nb = _notebook(
        tmp_path / "probe.ipynb",
        PROBE,
        "import sys\nprint('wave' in sys.modules, 'warm' in dir(), sys.modules['wave'].__name__)",
    )
    with prepared_session(tmp_path, "import wave\nwarm = 1") as session:
        assert session.kernels == 1 and session.reports == 0  # started, no report yet
        with reports_session() as same:  # what the runner takes for the reports it builds
            assert same is session
            results = [run_job(_job(tmp_path, nb, label), session=same) for label in ("a", "b")]
        assert session._km is not None  # the runner does not close a session it did not start
    assert session._km is None
    assert [r.status for r in results] == ["built"] * 2
    assert (session.kernels, session.reports) == (1, 2)
    # the module imported at start-up is loaded, the start-up code's variable is gone, each report is clean
    assert [_printed(tmp_path, label)[1].split() for label in ("a", "b")] == [["True", "False", "wave"]] * 2
    assert [_printed(tmp_path, label)[0].split()[2] for label in ("a", "b")] == ["False", "False"]
    with reports_session() as own:  # without a prepared session the runner gets one of its own
        assert own is not session
