"""One report as a job: plain data in (:class:`ReportJob`), plain data out (:class:`JobResult`).

:func:`run_job` executes a report notebook with papermill and renders it to HTML with nbconvert; it is a
top-level function of picklable data, so a local process pool or a Dask worker can run it.

A successful run prints no kernel warnings. Two came from the report kernels, straight to the terminal:

- ipykernel (7 and later) warns "Kernel is running over TCP without encryption" for every kernel (one line per
  report): the kernels talk to papermill over local IPC sockets instead (:func:`kernel_config`);
- jupyter_client (8) interrupts a kernel before shutting it down; the SIGINT races with ipykernel finishing
  its last message and it logs "KeyboardInterrupt caught in kernel" (about one report in five). A report
  kernel is idle when papermill shuts it down (a timeout interrupts it on its own), so
  :class:`ReportKernelManager` skips that interrupt.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import papermill as pm
from jupyter_client import AsyncKernelManager
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.report.files import write_atomic
from wijkanalyse.vocabulary import CITY_FOLDER

if TYPE_CHECKING:
    from wijkanalyse.report.kernel_session import KernelSession

__all__ = [
    "ReportJob",
    "JobResult",
    "RunResult",
    "ReportKernelManager",
    "run_job",
    "execute_job",
    "finish_job",
    "render_html",
    "kernel_config",
    "TEMPLATE",
]

#: The nbconvert template of the report pages (in the package data).
TEMPLATE = "report_template"


@dataclass(frozen=True)
class ReportJob:
    """One report to build: plain data, so a process pool or a Dask worker can receive it.

    Attributes
    ----------
    name : str
        ``"stad"`` or ``"wijken/<slug>"``: the job's folder inside the run folder.
    wijk : str or None
        None for the city overview.
    notebook : str
        The notebook to execute.
    out_dir : str
        Folder for the outputs (``<stem>.ipynb``, ``<stem>.html``, ``tables/``).
    stem : str
        File name stem, e.g. ``"wijkrapport-schalkwijk"``.
    title : str
        Page title.
    language : str
    parameters : dict
        Passed to the notebook's ``parameters`` cell.
    fingerprint : str
        Hash of the report's inputs (see the module docstring).
    """

    name: str
    wijk: str | None
    notebook: str
    out_dir: str
    stem: str
    title: str
    language: str
    parameters: dict[str, Any]
    fingerprint: str


@dataclass
class JobResult:
    """What became of one report.

    ``status`` is ``built``, ``reused`` (copied from run ``reused_from``), ``failed`` or ``empty`` (a wijk
    without segments, skipped). A failed notebook has ``cell_index`` (0-based, in the executed notebook),
    ``ename`` and
    ``evalue``; other failures only ``error``.
    """

    name: str
    wijk: str | None
    status: str
    fingerprint: str = ""
    html: str | None = None
    notebook: str | None = None
    tables: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reused_from: str | None = None
    cell_index: int | None = None
    ename: str | None = None
    evalue: str | None = None
    error: str | None = None

    def describe(self) -> str:
        """One line for the command line."""
        what = self.wijk or CITY_FOLDER
        if self.status == "failed":
            where = f"cell {self.cell_index}: " if self.cell_index is not None else ""
            detail = f"{self.ename}: {self.evalue}" if self.ename else (self.error or "")
            return f"FAILED  {what}: {where}{detail}"
        if self.status == "reused":
            return f"reused  {what} (unchanged since run {self.reused_from})"
        if self.status == "empty":
            return f"skipped {what}: no segments"
        return f"built   {what} in {self.seconds:.1f} s"


@dataclass
class RunResult:
    """The outcome of :func:`run_reports`."""

    run_id: str
    run_dir: Path
    index: Path
    jobs: list[JobResult]
    seconds: float
    update: Any = None

    @property
    def failed(self) -> list[JobResult]:
        """Reports that failed."""
        return [j for j in self.jobs if j.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no report failed."""
        return not self.failed

    def by_status(self, status: str) -> list[JobResult]:
        """Return the reports with one status (``built``, ``reused``, ``failed``, ``empty``)."""
        return [j for j in self.jobs if j.status == status]

    def describe(self, every_report: bool = True) -> str:
        """Return a short account for the command line (with ``every_report=False`` only failed reports)."""
        counts = {s: len(self.by_status(s)) for s in ("built", "reused", "failed", "empty")}
        listed = self.jobs if every_report else self.failed
        lines = [
            f"Report run {self.run_id}: {counts['built']} built, {counts['reused']} reused, "
            f"{counts['failed']} failed, {counts['empty']} empty, in {self.seconds:.1f} s.",
            *(f"  {j.describe()}" for j in listed),
            f"Index: {self.index}",
        ]
        return "\n".join(lines)


@lru_cache(maxsize=2)
def _exporter(language: str) -> Any:
    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(PACKAGE_DATA)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,  # markdown cells are notes for people reading the notebook, not report text
    )
    exporter.language_code = language
    return exporter


def render_html(
    notebook: Path, html_path: Path, title: str, language: str, executed: Any | None = None
) -> Path:
    """Render an executed notebook to a self-contained HTML page with the code hidden (written atomically).

    Markdown cells (notes for readers of the notebook) and stderr output (warnings) are left out; everything
    else a cell displayed is kept. The page loads nothing from the network. ``executed``: the notebook
    papermill returned and wrote to ``notebook``, to save reading it back (its stderr outputs are dropped).
    """
    nb = nbformat.read(notebook, as_version=4) if executed is None else executed
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    nb.metadata["title"] = title
    body, _ = _exporter(language).from_notebook_node(nb)
    return write_atomic(html_path, body)


class ReportKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """The kernel manager of a report kernel: shuts an idle kernel down without interrupting it first."""

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:  # only at shutdown (see the module docstring); a timeout still interrupts
            return
        await super()._async_interrupt_kernel()


def kernel_config() -> Config:
    """Return the configuration of a report kernel: IPC transport where the platform has it (not Windows).

    Over TCP, ipykernel (7 and later) prints "Kernel is running over TCP without encryption" for every kernel;
    over IPC the kernel and papermill share local socket files instead, and nothing is printed.
    """
    config = Config()
    if sys.platform != "win32":  # zmq has no ipc transport on Windows: TCP there
        config.KernelManager.transport = "ipc"
        # an absolute prefix of its own per kernel (the default, "kernel-ipc", is relative to each process's
        # folder and shared by kernels that run at the same time); short, since a socket path has a limit
        config.KernelManager.ip = os.path.join(tempfile.gettempdir(), f"wa-kernel-{uuid.uuid4().hex[:12]}")
    return config


def run_job(job: ReportJob, session: KernelSession | None = None) -> JobResult:
    """Execute one report notebook with papermill and render it to HTML; never raises.

    A top-level function of plain data in and out, so that a process pool or
    ``dask.distributed.Client.submit`` can run it. The executed notebook is written atomically (temporary
    file, then ``os.replace``); a notebook that fails is kept as ``<stem>.failed.ipynb`` and reported with its
    cell and error. The two halves, :func:`execute_job` and :func:`finish_job`, may run apart: the runner
    renders a report's page while the kernel runs the next report.

    Parameters
    ----------
    job : ReportJob
    session : KernelSession, optional
        Run the notebook in this session's kernel (started once, cleared between reports; see
        :mod:`~wijkanalyse.report.kernel_session`). Default: a kernel of its own, shut down afterwards.

    Returns
    -------
    JobResult
    """
    return finish_job(*execute_job(job, session))


def execute_job(job: ReportJob, session: KernelSession | None = None) -> tuple[ReportJob, JobResult, Any]:
    """Execute a report notebook (the first half of :func:`run_job`); never raises.

    Returns
    -------
    (ReportJob, JobResult, NotebookNode or None)
        The job, its result so far (``failed`` with the error, until :func:`finish_job` renders the page) and
        the executed notebook, None when it failed.
    """
    t0 = time.perf_counter()
    out = Path(job.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{job.stem}.{os.getpid()}.tmp.ipynb"
    result = JobResult(name=job.name, wijk=job.wijk, status="failed", fingerprint=job.fingerprint)
    executed = None
    try:
        shared = {} if session is None else {"km": session.kernel_for(out)}
        # papermill writes the executed notebook once, when done (or failed), not after every cell: a page
        # with a figure carries plotly.js (about 5 MB), and saving it a dozen times per report cost ~1 s of
        # each. Until then the temporary file holds the notebook as it started (what a killed run leaves).
        shutil.copyfile(job.notebook, tmp)
        executed = pm.execute_notebook(
            job.notebook,
            str(tmp),
            parameters=job.parameters,
            request_save_on_cell_execute=False,
            progress_bar=False,
            log_output=False,
            cwd=str(out),
            report_mode=False,
            config=kernel_config(),
            kernel_manager_class=ReportKernelManager,
            **shared,
        )
        os.replace(tmp, out / f"{job.stem}.ipynb")
    except PapermillExecutionError as exc:
        if tmp.exists():
            os.replace(tmp, out / f"{job.stem}.failed.ipynb")
        result.cell_index, result.ename, result.evalue = exc.cell_index, exc.ename, exc.evalue
        result.error = f"{exc.ename}: {exc.evalue}"
        executed = None
    except Exception as exc:  # noqa: BLE001 - one failing report must not stop the others
        tmp.unlink(missing_ok=True)
        _note_error(result, exc)
        executed = None
    result.seconds = round(time.perf_counter() - t0, 2)
    return job, result, executed


def finish_job(job: ReportJob, result: JobResult, executed: Any) -> JobResult:
    """Render an executed report to its HTML page (the second half of :func:`run_job`); never raises."""
    if executed is None:
        return result
    t0 = time.perf_counter()
    out = Path(job.out_dir)
    try:
        render_html(out / f"{job.stem}.ipynb", out / f"{job.stem}.html", job.title, job.language, executed)
    except Exception as exc:  # noqa: BLE001 - one failing report must not stop the others
        _note_error(result, exc)
    else:
        result.status = "built"
        result.html = f"{job.name}/{job.stem}.html"
        result.notebook = f"{job.name}/{job.stem}.ipynb"
        result.tables = sorted(f"{job.name}/tables/{p.name}" for p in (out / "tables").glob("*.csv"))
    result.seconds = round(result.seconds + time.perf_counter() - t0, 2)
    return result


def _note_error(result: JobResult, exc: Exception) -> None:
    result.error = f"{type(exc).__name__}: {exc}"
    result.ename, result.evalue = type(exc).__name__, str(exc)
    result.evalue += "\n" + traceback.format_exc(limit=3)
