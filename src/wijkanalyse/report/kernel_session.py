"""One report kernel for the reports a process builds one after another.

Starting a kernel and importing the analysis into it cost about 3 s of a report's 7 s (10k answers), every
report. A :class:`KernelSession` starts one kernel and hands it to papermill for each report in turn
(papermill's ``km=``: a kernel manager it does not own, so it does not shut it down). Between two reports the
kernel's namespace is cleared (IPython's ``%reset -f``: every variable of the previous report is gone, the
imported modules stay loaded) and its working folder set to the next report's folder. A kernel that died in a
report (killed, out of memory) is replaced by a fresh one before the next report, so one report still cannot
break another.

Used by the runner for reports built in this process and, one session per worker process, in its local
process pool (:func:`run_job_in_process_session`). Jobs sent to another executor (Dask) run in a kernel of
their own each, as before: their workers may be other machines.
"""

from __future__ import annotations

import multiprocessing.util
from pathlib import Path
from types import TracebackType
from typing import Any

from jupyter_core.utils import run_sync

from wijkanalyse.report.jobs import JobResult, ReportJob, ReportKernelManager, kernel_config, run_job

__all__ = ["KernelSession", "run_job_in_process_session", "start_process_session"]

#: Seconds to wait for a kernel to answer (start-up, reset).
KERNEL_TIMEOUT = 60
#: What runs in the kernel between two reports: clear the namespace, go to the next report's folder.
_RESET = "get_ipython().run_line_magic('reset', '-f')\nimport os\nos.chdir({cwd!r})\ndel os"


class KernelSession:
    """A report kernel started on first use and reused for every report after it; close it when done.

    Examples
    --------
    >>> with KernelSession() as session:                        # doctest: +SKIP
    ...     results = [run_job(job, session=session) for job in jobs]
    """

    def __init__(self) -> None:
        self._km: Any = None
        self.reports = 0  # how many reports this session's kernels ran
        self.kernels = 0  # how many kernels it started (1 unless one died)

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def kernel_for(self, cwd: Path) -> Any:
        """Return a running kernel manager with an empty namespace whose working folder is ``cwd``."""
        if self._km is not None and not run_sync(self._km.is_alive)():
            self.close()  # died in the previous report: start afresh
        if self._km is None:
            km = ReportKernelManager(kernel_name="python3", config=kernel_config())
            run_sync(km.start_kernel)(cwd=str(cwd))
            self._km = km
            self.kernels += 1
        else:
            self._run(_RESET.format(cwd=str(cwd)))
        self.reports += 1
        return self._km

    def _run(self, code: str) -> None:
        """Run code in the kernel and wait for it (the reset between reports)."""
        kc = self._km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=KERNEL_TIMEOUT)
            run = run_sync(kc.execute_interactive)
            reply = run(code, timeout=KERNEL_TIMEOUT, output_hook=lambda _msg: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"resetting the report kernel failed: {reply['content'].get('evalue')}")
        finally:
            kc.stop_channels()

    def close(self) -> None:
        """Shut the kernel down (if one runs) and forget it."""
        km, self._km = self._km, None
        if km is None:
            return
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=False)
        finally:
            run_sync(km.cleanup_resources)()


# -- one session per worker process of the runner's local pool -------------------------------------------
_PROCESS_SESSION: KernelSession | None = None


def start_process_session() -> None:
    """Start this worker process's session (a pool's initialiser); it is shut down when the process ends."""
    global _PROCESS_SESSION
    _PROCESS_SESSION = KernelSession()
    # multiprocessing runs its finalizers (not atexit) when a worker process ends
    multiprocessing.util.Finalize(_PROCESS_SESSION, _PROCESS_SESSION.close, exitpriority=10)


def run_job_in_process_session(job: ReportJob) -> JobResult:
    """Run one report in this worker process's session (:func:`start_process_session`); never raises."""
    return run_job(job, session=_PROCESS_SESSION)
