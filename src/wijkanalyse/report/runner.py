"""Run the report notebooks with papermill, render them to HTML, and reuse what did not change.

Layout of one run (``runs_root`` is ``<store_dir>/../runs``, i.e. ``outputs/<corpus>/runs`` by default)::

    runs/<run_id>/index.html                             links every report, says what was rebuilt or reused
    runs/<run_id>/run.json                               per report: status, fingerprint, seconds, error
    runs/<run_id>/settings.yml                           the exact settings every notebook ran with
    runs/<run_id>/stad/stadsoverzicht.{html,ipynb}       the city overview, tables/*.csv
    runs/<run_id>/wijken/<slug>/wijkrapport-<slug>.{html,ipynb}, tables/*.csv
    runs/LATEST                                          the id of the newest run
    latest.html                                          (next to runs/) redirects to the newest index.html

A run holds the store's writer lock from start to end (a second run waits). A run folder is complete once it
has ``index.html``; ``LATEST`` and ``latest.html`` are written after it, so they never point at a half-built
run. A run that stops with an error is marked ``failed`` in the store and its folder removed; one that was
killed is cleaned at the next start: run folders without ``index.html`` are removed, hidden temporary files
(``.*.tmp``, ``.*.tmp.ipynb``) deleted, and its ``running`` row marked ``interrupted``.

Reruns
------
Every report has a *fingerprint* (:mod:`.fingerprint`): a hash of its inputs — the wijk's segments (ids, text
hashes, metadata), the codings of those segments, the codebook version, the settings, the report language, the
agreement table, the source of the notebooks and of the package, and what every report shows of the whole
corpus: the discovery run with its themes, and the city baseline the wijk is compared with (every segment and
every coding). A report whose fingerprint equals one in an earlier run is not re-executed: its folder is
hard-linked (or copied) into the new run, so its tables are byte-identical.

One discovery per run: the runner reads the newest discovery run once and passes its id to every notebook
(parameter ``discovery_run``), so every report of a run shows the same discovered themes and the same city,
and names that discovery run in its provenance. One new session in one wijk changes the city baseline (and
discovery reruns when anything is new), so every report is rebuilt; a rerun with nothing new reuses them all.
``force=True`` rebuilds everything.

Parallel and distributed
------------------------
Each report is one :class:`~.jobs.ReportJob` (plain, picklable data) run by :func:`~.jobs.run_job`, a
top-level function. ``jobs=1`` runs them one after another in one kernel; ``jobs=2`` (the command line's
default on two or more cores, :func:`default_jobs`) in two kernels of this process side by side, each taking
the next report when it is free (the tables are the same as one after another; the order of the index is the
planned one); more jobs run in a local process pool (``jobs`` processes). Any executor with
``submit(fn, *args)`` that returns futures can run them instead, e.g. Dask::

    from dask.distributed import Client          # pip install 'wijkanalyse[distributed]'
    run_reports(settings, executor=Client())     # the run folder must be on storage the workers share

A failing report does not stop the others: it is recorded with the cell that failed and its error.
"""

from __future__ import annotations

import difflib
import json
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from wijkanalyse import analysis
from wijkanalyse.coding.codebook import check_codebook
from wijkanalyse.config import PROJECT_ROOT, Settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.ingest.corpus import corpus_hash
from wijkanalyse.report.files import write_atomic
from wijkanalyse.report.fingerprint import (
    agreement_digest,
    baseline_digest,
    code_digest,
    digest,
    discovery_digest,
    inputs_digest,
)
from wijkanalyse.report.index_page import index_html, redirect_html
from wijkanalyse.report.jobs import JobResult, ReportJob, RunResult, execute_job, finish_job, run_job
from wijkanalyse.report.kernel_session import (
    reports_session,
    run_job_in_process_session,
    run_side_by_side,
    start_process_session,
)
from wijkanalyse.report.run_folders import building, clean_run_folders
from wijkanalyse.report.text import framing_text, framing_words, slug, texts
from wijkanalyse.store import Store, new_run_id, now_iso
from wijkanalyse.vocabulary import CITY_FOLDER

__all__ = [
    "run_reports",
    "notebooks_dir",
    "notebook_parameters",
    "runs_root",
    "WIJK_NOTEBOOK",
    "IN_PROCESS_KERNELS",
    "default_jobs",
    "CITY_NOTEBOOK",
]

#: Up to this many reports at the same time run in kernels of this process (one thread each, the pages
#: rendered in one more); more run in a local process pool. One process keeps up with two kernels: its part
#: of a report (papermill's messages, the page) is about a third of the kernel's.
IN_PROCESS_KERNELS = 2



def default_jobs() -> int:
    """Return how many reports to build at the same time when the command line is not told.

    One kernel per usable core, at most :data:`IN_PROCESS_KERNELS` (each kernel holds the run's analysis data
    in memory).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(IN_PROCESS_KERNELS, cores))


WIJK_NOTEBOOK = "wijkrapport.ipynb"
CITY_NOTEBOOK = "stadsoverzicht.ipynb"


# -- locations -----------------------------------------------------------------------------------------------
def notebooks_dir(folder: Path | str | None = None) -> Path:
    """Return the folder with the report notebooks (``wijkrapport.ipynb``, ``stadsoverzicht.ipynb``).

    Parameters
    ----------
    folder : path, optional
        A folder of your own report notebooks (same names and parameters). Default: ``notebooks/reports`` of
        the source tree, else of the project root.

    Raises
    ------
    ReportError
        If the folder does not hold both report notebooks.
    """
    candidates = [
        Path(__file__).resolve().parents[3] / "notebooks" / "reports",
        PROJECT_ROOT / "notebooks" / "reports",
    ]
    if folder is not None:
        candidates = [Path(folder)]
    for c in candidates:
        if (c / WIJK_NOTEBOOK).is_file() and (c / CITY_NOTEBOOK).is_file():
            return c
    raise ReportError(
        f"The report notebooks {WIJK_NOTEBOOK} and {CITY_NOTEBOOK} were not found in any of "
        f"{[str(c) for c in candidates]}. Run wijkanalyse from a clone of the project "
        "(or set WIJKANALYSE_HOME)."
    )


def runs_root(settings: Settings) -> Path:
    """Folder holding the runs of a corpus: ``runs/`` next to its store (``outputs/<corpus>/runs``)."""
    return settings.store_path.parent / "runs"


def notebook_parameters(
    settings: Settings,
    settings_file: Path,
    language: str,
    run_id: str,
    out_dir: Path,
    wijk: str | None = None,
    discovery_run: str | None = None,
) -> dict[str, Any]:
    """Return the values the runner passes to a report notebook's ``parameters`` cell.

    The settings travel as a file (``settings.yml`` in the run folder, every key written out), so a notebook
    runs with exactly the runner's settings; ``min_count`` and ``store_dir`` stay None (taken from that file).
    ``discovery_run`` pins the discovery run whose themes every report of the run shows.
    """
    params: dict[str, Any] = {
        "corpus": str(settings.corpus),
        "settings_file": str(settings_file),
        "language": language,
        "run_id": run_id,
        "tables_dir": str(Path(out_dir) / "tables"),
        "build_store": False,
    }
    if wijk is not None:
        params["wijk"] = wijk
    if discovery_run is not None:
        params["discovery_run"] = discovery_run
    return params


# -- choosing, reusing and executing reports -----------------------------------------------------------------
def _select(requested: Sequence[str] | None, with_segments: list[str], empty: list[str]) -> list[str]:
    if requested is None:
        return with_segments
    problems = []
    for w in requested:
        if w in with_segments:
            continue
        if w in empty:
            problems.append(
                f"Wijk {w!r} has no segments: its sources in the store hold no text to analyse "
                "(for a survey: no answer with content). Add sources for it, or leave it out."
            )
        else:
            close = difflib.get_close_matches(w, with_segments + empty, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"Unknown wijk {w!r}.{hint} Wijken in the store: {', '.join(with_segments) or '(none)'}."
            )
    if problems:
        raise ReportError("\n".join(problems))
    return [w for w in with_segments if w in set(requested)]


def _previous(root: Path, current: str) -> dict[tuple[str, str], tuple[str, Path]]:
    """Reusable outputs of earlier runs: (job name, fingerprint) -> (run id, job folder), newest first."""
    found: dict[tuple[str, str], tuple[str, Path]] = {}
    for manifest in sorted(root.glob("*/run.json"), reverse=True):
        run_dir = manifest.parent
        if run_dir.name == current:
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        for j in data.get("jobs", []):
            folder = run_dir / j.get("name", "")
            if j.get("status") in ("built", "reused") and j.get("html") and (run_dir / j["html"]).is_file():
                origin = j.get("reused_from") or data.get("run_id", run_dir.name)
                found.setdefault((j["name"], j.get("fingerprint", "")), (origin, folder))
    return found


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def _reuse(job: ReportJob, origin: str, folder: Path) -> JobResult:
    t0 = time.perf_counter()
    dst = Path(job.out_dir)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(
        folder, dst, copy_function=_link_or_copy, ignore=shutil.ignore_patterns(".*", "*.failed.ipynb")
    )
    return JobResult(
        name=job.name,
        wijk=job.wijk,
        status="reused",
        fingerprint=job.fingerprint,
        html=f"{job.name}/{job.stem}.html",
        notebook=f"{job.name}/{job.stem}.ipynb",
        tables=sorted(f"{job.name}/tables/{p.name}" for p in (dst / "tables").glob("*.csv")),
        seconds=round(time.perf_counter() - t0, 2),
        reused_from=origin,
    )


def _execute(
    todo: list[ReportJob], jobs: int, executor: Any, on_done: Callable[[JobResult], None] | None
) -> list[JobResult]:
    results: list[JobResult] = []

    def done(r: JobResult) -> None:
        results.append(r)
        if on_done:
            on_done(r)

    if not todo:
        return results
    if executor is not None:
        futures = [executor.submit(run_job, job) for job in todo]
        for f in futures:
            done(f.result())
    elif jobs <= 1 or len(todo) == 1:
        # one kernel (started early by a run), cleared between reports; a report's page is rendered here
        # while the kernel runs the next report
        with reports_session() as session, ThreadPoolExecutor(1) as renderer:
            rendering: deque[Future[JobResult]] = deque()
            for job in todo:
                rendering.append(renderer.submit(finish_job, *execute_job(job, session=session)))
                while rendering and rendering[0].done():
                    done(rendering.popleft().result())
            for f in rendering:
                done(f.result())
    elif jobs <= IN_PROCESS_KERNELS:
        for r in run_side_by_side(todo, min(jobs, len(todo))):
            done(r)
    else:
        ctx = multiprocessing.get_context("spawn")  # no forked sqlite connections or zmq contexts
        workers = min(jobs, len(todo))
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=start_process_session) as pool:
            for f in as_completed([pool.submit(run_job_in_process_session, job) for job in todo]):
                done(f.result())
    return results


# -- the run -------------------------------------------------------------------------------------------------
@dataclass
class _Inputs:
    """What the store says about a run: the wijken to report on and every report's fingerprint."""

    selected: list[str]
    empty: list[str]
    fingerprints: dict[str, str]
    city_fingerprint: str
    corpus_hash: str
    discovery_run: str | None = None


def _known_wijken(store: Store) -> tuple[list[str], list[str]]:
    """(wijken with segments, wijken known from documents or respondents but without segments)."""
    with_segments = store.segment_wijken()
    return with_segments, sorted(store.source_wijken() - set(with_segments))


def _read_inputs(
    settings: Settings,
    settings_dump: dict[str, Any],
    wijken: Sequence[str] | None,
    lang: str,
    codebook_version: str,
    nb_dir: Path,
) -> _Inputs:
    """Check the wijken against the store and compute the fingerprint of every report (see the module doc)."""
    with Store(settings.store_path, create=False) as store:
        with_segments, empty = _known_wijken(store)
        selected = _select(wijken, with_segments, empty)
        discovery_run = store.latest_theme_run()  # read once: every report of the run shows this one
        common = digest(
            code_digest((str(nb_dir / WIJK_NOTEBOOK), str(nb_dir / CITY_NOTEBOOK))),
            codebook_version,
            lang,
            {k: v for k, v in settings_dump.items() if k not in ("store_dir", "private_dir")},
            agreement_digest(store, settings),
            # what every report shows of the whole corpus: one discovery run and one city baseline per run
            discovery_digest(store, discovery_run),
            baseline_digest(store),
        )
        fingerprints = {w: digest(common, "wijk", w, inputs_digest(store, w)) for w in selected}
        return _Inputs(
            selected, empty, fingerprints, digest(common, CITY_FOLDER), corpus_hash(store), discovery_run
        )


def _plan(
    inputs: _Inputs,
    settings: Settings,
    settings_file: Path,
    nb_dir: Path,
    run_path: Path,
    run_id: str,
    lang: str,
) -> list[ReportJob]:
    """One job per selected wijk, in order, then the city overview."""
    text = texts(lang, settings)
    pinned = inputs.discovery_run
    planned = []
    for w in inputs.selected:
        s = slug(w)
        out = run_path / "wijken" / s
        planned.append(
            ReportJob(
                name=f"wijken/{s}",
                wijk=w,
                notebook=str(nb_dir / WIJK_NOTEBOOK),
                out_dir=str(out),
                stem=f"wijkrapport-{s}",
                title=text["title_wijk"].format(wijk=w),
                language=lang,
                parameters=notebook_parameters(settings, settings_file, lang, run_id, out, w, pinned),
                fingerprint=inputs.fingerprints[w],
            )
        )
    out = run_path / CITY_FOLDER
    planned.append(
        ReportJob(
            name=CITY_FOLDER,
            wijk=None,
            notebook=str(nb_dir / CITY_NOTEBOOK),
            out_dir=str(out),
            stem="stadsoverzicht",
            title=framing_text(settings, "title", lang),
            language=lang,
            parameters=notebook_parameters(settings, settings_file, lang, run_id, out, None, pinned),
            fingerprint=inputs.city_fingerprint,
        )
    )
    return planned


def _build(
    planned: list[ReportJob],
    previous: dict[tuple[str, str], tuple[str, Path]],
    jobs: int,
    executor: Any,
    on_done: Callable[[JobResult], None] | None,
) -> list[JobResult]:
    """Reuse every report whose fingerprint an earlier run has; execute the others."""
    results: list[JobResult] = []
    todo = []
    for job in planned:
        hit = previous.get((job.name, job.fingerprint))
        if hit is not None:
            results.append(_reuse(job, *hit))
            if on_done:
                on_done(results[-1])
        else:
            todo.append(job)
    return results + _execute(todo, jobs, executor, on_done)


def _warm_pattern(
    store: Store,
    settings: Settings,
    lang: str,
    discovery_run: str | None,
    planned: list[ReportJob],
    previous: dict[tuple[str, str], tuple[str, Path]],
    jobs: int,
    executor: Any,
) -> None:
    """Compute the run's suppression pattern once before reports run side by side (they then read it).

    Every report needs the same pattern (:mod:`wijkanalyse.analysis.pattern_cache`); reports started at the
    same time would each compute it. Sequential reports need no warming: the first one keeps it. Nor do the
    (at most :data:`IN_PROCESS_KERNELS`) kernels of this process: each works it out with its first report,
    side by side, which takes no longer than working it out here first (and reading the data here once more).
    """
    if jobs <= IN_PROCESS_KERNELS and executor is None:
        return
    to_build = [j for j in planned if (j.name, j.fingerprint) not in previous]
    if len(to_build) > 1:
        data = analysis.load(store, settings, language=lang, discovery_run=discovery_run)
        analysis.suppression_pattern(data)


def _write_run_files(run_path: Path, manifest: dict[str, Any], results: list[JobResult], lang: str) -> Path:
    """Write ``run.json``, ``index.html``, ``runs/LATEST`` and ``latest.html``; return the index."""
    root = run_path.parent
    write_atomic(run_path / "run.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    index = write_atomic(run_path / "index.html", index_html(manifest, results, lang))
    write_atomic(root / "LATEST", manifest["run_id"] + "\n")
    rel = os.path.relpath(index, root.parent)
    write_atomic(root.parent / "latest.html", redirect_html(rel))
    return index


@contextmanager
def _writing(settings: Settings, run_path: Path) -> Iterator[Store]:
    """Open the store claimed for this corpus, with the writer lock held; clean killed runs' folders first."""
    with Store(settings.store_path, create=False) as store, store.writer_lock():
        store.claim_corpus(settings.corpus_id, str(settings.corpus.resolve()))
        clean_run_folders(runs_root(settings), run_path.parent)
        yield store


def _ordered(results: list[JobResult], planned: list[ReportJob], empty: list[str]) -> list[JobResult]:
    """Return the reports in the planned order (wijken, then the city), wijken without segments after them."""
    results = results + [JobResult(name=f"wijken/{slug(w)}", wijk=w, status="empty") for w in empty]
    order = {j.name: i for i, j in enumerate(planned)}
    return sorted(results, key=lambda r: (order.get(r.name, len(order)), r.name))


def _finish_run(store: Store, run_id: str, results: list[JobResult]) -> None:
    failed = [r for r in results if r.status == "failed"]
    store.finish_run(
        run_id,
        "ok" if not failed else "failed-some",
        json.dumps({s: sum(r.status == s for r in results) for s in ("built", "reused", "failed", "empty")}),
    )


def run_reports(
    settings: Settings,
    wijken: Sequence[str] | None = None,
    jobs: int = 1,
    language: str | None = None,
    run_dir: Path | str | None = None,
    *,
    force: bool = False,
    executor: Executor | Any | None = None,
    on_done: Callable[[JobResult], None] | None = None,
    notebooks: Path | str | None = None,
) -> RunResult:
    """Build the wijk reports and the city overview, reusing reports whose inputs did not change.

    Parameters
    ----------
    settings : Settings
    wijken : sequence of str, optional
        Only these wijken; default: every wijk with segments. The city overview is always built.
    jobs : int, default 1
        Reports built at the same time (1: in one kernel; 2: two kernels of this process; more: a pool).
    language : str, optional
        ``nl`` or ``en``; default ``settings.language``.
    run_dir : path, optional
        Folder of this run; default ``runs_root(settings) / <run_id>``. Earlier runs are looked up in its
        parent.
    force : bool, default False
        Re-execute every report.
    executor : Executor, optional
        Runs the jobs instead of the local pool: anything with ``submit(fn, *args)`` returning futures with
        ``result()``, e.g. ``dask.distributed.Client``.
    on_done : callable, optional
        Called with each :class:`JobResult` as it finishes (progress for the command line).
    notebooks : path, optional
        A folder with your own ``wijkrapport.ipynb`` and ``stadsoverzicht.ipynb`` (see :func:`notebooks_dir`).

    Returns
    -------
    RunResult

    Raises
    ------
    ReportError
        On an unknown wijk, a wijk without segments, a missing codebook, a bad ``jobs`` or ``language``, or
        missing notebooks — before any report is built.
    StoreError
        If the corpus has no store yet (run ``wijkanalyse ingest`` or ``wijkanalyse run`` first).
    """
    t0 = time.perf_counter()
    if jobs < 1:
        raise ReportError(f"The 'jobs' parameter must be an int >= 1. Got {jobs} instead.")
    texts(lang := language or settings.language)  # an unknown language raises here, before anything else
    codebook_version = check_codebook(settings)
    nb_dir = notebooks_dir(notebooks)
    run_id = new_run_id()
    run_path = Path(run_dir) if run_dir else runs_root(settings) / run_id
    settings_dump = settings.model_dump(mode="json")
    with _writing(settings, run_path) as store:
        inputs = _read_inputs(settings, settings_dump, wijken, lang, codebook_version, nb_dir)
        params = {"wijken": inputs.selected, "language": lang, "jobs": jobs}
        store.start_run("report", json.dumps(params), run_id=run_id)
        with building(store, run_id, run_path):
            settings_yml = yaml.safe_dump(settings_dump, allow_unicode=True)
            settings_file = write_atomic(run_path / "settings.yml", settings_yml)
            planned = _plan(inputs, settings, settings_file, nb_dir, run_path, run_id, lang)
            previous = {} if force else _previous(run_path.parent, run_id)
            _warm_pattern(store, settings, lang, inputs.discovery_run, planned, previous, jobs, executor)
            results = _build(planned, previous, jobs, executor, on_done)
            results = _ordered(results, planned, inputs.empty if wijken is None else [])
            seconds = round(time.perf_counter() - t0, 2)
            manifest = {
                "run_id": run_id, "finished_at": now_iso(), "corpus": str(settings.corpus),
                "corpus_hash": inputs.corpus_hash, "codebook_version": codebook_version, "language": lang,
                "seconds": seconds, "discovery_run": inputs.discovery_run,
                "title": framing_text(settings, "title", lang), "words": framing_words(settings, lang),
                "jobs": [asdict(r) for r in results],
            }  # fmt: skip
            index = _write_run_files(run_path, manifest, results, lang)
        _finish_run(store, run_id, results)
    return RunResult(run_id, run_path, index, results, seconds)
