"""Run the report notebooks with papermill, render them to HTML, and reuse what did not change.

Layout of one run (``runs_root`` is ``<store_dir>/../runs``, i.e. ``outputs/<corpus>/runs`` by default)::

    runs/<run_id>/index.html                             links every report, says what was rebuilt or reused
    runs/<run_id>/run.json                               per report: status, fingerprint, seconds, error
    runs/<run_id>/settings.yml                           the exact settings every notebook ran with
    runs/<run_id>/stad/stadsoverzicht.{html,ipynb}       the city overview, tables/*.csv
    runs/<run_id>/wijken/<slug>/wijkrapport-<slug>.{html,ipynb}, tables/*.csv
    runs/LATEST                                          the id of the newest run
    latest.html                                          (next to runs/) redirects to the newest index.html

Reruns
------
Every report has a *fingerprint*: a hash of its inputs — the wijk's segments (ids, text hashes, metadata), the
codings of those segments, the codebook version, the settings, the report language, the agreement table, and
the source of the notebooks and of the analysis and report code; the city overview's also covers every
segment, every coding and the discovered themes. A report whose fingerprint equals one in an earlier run is
not re-executed: its folder is hard-linked (or copied) into the new run, so its tables are byte-identical. One
new session in one wijk changes that wijk's fingerprint and the city's, and nothing else. Consequence, by
design: a reused wijk report shows the wijk against the city, and the discovered themes, as they were when it
was built (the report names that run); ``force=True`` rebuilds everything. Discovery clusters the whole corpus
again when anything is new, so its theme numbers move; counting it in a wijk's fingerprint would rebuild every
wijk.

Parallel and distributed
------------------------
Each report is one :class:`ReportJob` (plain, picklable data) run by :func:`run_job`, a top-level function. By
default the jobs run in a local process pool (``jobs`` processes). Any executor with ``submit(fn, *args)``
that returns futures can run them instead, e.g. Dask::

    from dask.distributed import Client          # pip install 'wijkanalyse[distributed]'
    run_reports(settings, executor=Client())     # the run folder must be on storage the workers share

A failing report does not stop the others: it is recorded with the cell that failed and its error.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from wijkanalyse.coding.codebook import check_codebook
from wijkanalyse.config import PACKAGE_DATA, PROJECT_ROOT, Settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.report.render import slug, texts, write_atomic
from wijkanalyse.store import Store, new_run_id, now_iso
from wijkanalyse.vocabulary import CITY_FOLDER

__all__ = [
    "ReportJob",
    "JobResult",
    "RunResult",
    "run_job",
    "run_reports",
    "render_html",
    "notebooks_dir",
    "notebook_parameters",
    "runs_root",
    "WIJK_NOTEBOOK",
    "CITY_NOTEBOOK",
]

WIJK_NOTEBOOK = "wijkrapport.ipynb"
CITY_NOTEBOOK = "stadsoverzicht.ipynb"
TEMPLATE = "report_template"
_CODE_SUFFIXES = (".py", ".yml", ".yaml", ".j2", ".json", ".txt")


# -- data passed around --------------------------------------------------------------------------------------
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


# -- fingerprints --------------------------------------------------------------------------------------------
def _sha(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x1e")
    return h.hexdigest()


def _rows(con: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in con.execute(sql, params).fetchall()]


def _inputs_digest(con: sqlite3.Connection, wijk: str | None) -> str:
    """Hash of the segments and the codings of one wijk (None: the whole corpus)."""
    where, params = ("WHERE s.wijk = ?", (wijk,)) if wijk is not None else ("", ())
    segs = _rows(
        con,
        'SELECT s.segment_id, s.text_hash, s.start, s."end", s.wijk, s.date, s.session, s.kind, s.role,'
        " s.section, s.question, s.respondent_id, d.path FROM segments s JOIN documents d USING (doc_id)"
        f" {where} ORDER BY s.segment_id",
        params,
    )
    cods = _rows(
        con,
        "SELECT c.segment_id, c.code_id, c.coder_id, c.kind, c.status, round(c.confidence, 6), c.model"
        f" FROM codings c JOIN segments s USING (segment_id) {where}"
        " ORDER BY c.segment_id, c.code_id, c.coder_id",
        params,
    )
    return _sha(segs, cods)


def _discovery_digest(store: Store) -> str:
    """Hash of the newest discovered themes and their segments (what the reports show of them)."""
    from wijkanalyse.analysis.tables import load_discovered

    links, themes = load_discovered(store)
    if themes.empty:
        return _sha(None)
    cols = [c for c in ("theme_id", "label", "top_words", "size", "closest_code", "covered") if c in themes]
    return _sha(
        links[["segment_id", "theme_id"]].sort_values("segment_id").to_csv(index=False),
        themes[cols].sort_values("theme_id").to_csv(index=False),
    )


@lru_cache(maxsize=8)
def _code_digest(nb_dir: str) -> str:
    """Digest of the package's code and data and of the two report notebooks.

    Every source file of the package counts (not a hand-kept list): a change anywhere in the library may change
    a report, and reusing a report built by other code would be wrong. Compiled files are ignored.
    """
    root = PACKAGE_DATA.parent
    files = sorted(
        f for f in root.rglob("*") if f.suffix in _CODE_SUFFIXES and "__pycache__" not in f.parts and f.is_file()
    )
    parts: list[Any] = [f.relative_to(root).as_posix() for f in files]
    files += [Path(nb_dir) / WIJK_NOTEBOOK, Path(nb_dir) / CITY_NOTEBOOK]
    return _sha(*parts, *[f.read_bytes() for f in files])


def _agreement_digest(store: Store, settings: Settings) -> str:
    from wijkanalyse import analysis

    table = analysis.agreement_summary(store, settings.machine_agreement_threshold)
    return _sha(table.to_csv(index=False))


def notebook_parameters(
    settings: Settings,
    settings_file: Path,
    language: str,
    run_id: str,
    out_dir: Path,
    wijk: str | None = None,
) -> dict[str, Any]:
    """Return the values the runner passes to a report notebook's ``parameters`` cell.

    The settings travel as a file (``settings.yml`` in the run folder, every key written out), so a notebook
    runs with exactly the runner's settings; ``min_count`` and ``store_dir`` stay None (taken from that file).
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
    return params


# -- one job -------------------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _exporter(language: str) -> Any:
    from nbconvert import HTMLExporter

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


def render_html(notebook: Path, html_path: Path, title: str, language: str) -> Path:
    """Render an executed notebook to a self-contained HTML page with the code hidden (written atomically).

    Markdown cells (notes for readers of the notebook) and stderr output (warnings) are left out; everything
    else a cell displayed is kept. The page loads nothing from the network.
    """
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    nb.metadata["title"] = title
    body, _ = _exporter(language).from_notebook_node(nb)
    return write_atomic(html_path, body)


def run_job(job: ReportJob) -> JobResult:
    """Execute one report notebook with papermill and render it to HTML; never raises.

    A top-level function of plain data in and out, so that a process pool or
    ``dask.distributed.Client.submit`` can run it. The executed notebook is written atomically (temporary
    file, then ``os.replace``); a notebook that fails is kept as ``<stem>.failed.ipynb`` and reported with its
    cell and error.

    Parameters
    ----------
    job : ReportJob

    Returns
    -------
    JobResult
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    t0 = time.perf_counter()
    out = Path(job.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nb_path = out / f"{job.stem}.ipynb"
    tmp = out / f".{job.stem}.{os.getpid()}.tmp.ipynb"
    result = JobResult(name=job.name, wijk=job.wijk, status="failed", fingerprint=job.fingerprint)
    try:
        pm.execute_notebook(
            job.notebook,
            str(tmp),
            parameters=job.parameters,
            progress_bar=False,
            log_output=False,
            cwd=str(out),
            report_mode=False,
        )
        os.replace(tmp, nb_path)
        render_html(nb_path, out / f"{job.stem}.html", job.title, job.language)
    except PapermillExecutionError as exc:
        if tmp.exists():
            os.replace(tmp, out / f"{job.stem}.failed.ipynb")
        result.cell_index, result.ename, result.evalue = exc.cell_index, exc.ename, exc.evalue
        result.error = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # noqa: BLE001 - one failing report must not stop the others
        tmp.unlink(missing_ok=True)
        result.error = f"{type(exc).__name__}: {exc}"
        result.ename, result.evalue = type(exc).__name__, str(exc)
        result.evalue += "\n" + traceback.format_exc(limit=3)
    else:
        result.status = "built"
        result.html = f"{job.name}/{job.stem}.html"
        result.notebook = f"{job.name}/{job.stem}.ipynb"
        result.tables = sorted(f"{job.name}/tables/{p.name}" for p in (out / "tables").glob("*.csv"))
    result.seconds = round(time.perf_counter() - t0, 2)
    return result


# -- the run -------------------------------------------------------------------------------------------------
def _known_wijken(con: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """(wijken with segments, wijken known from documents or respondents but without segments)."""
    with_segments = sorted(
        r[0] for r in con.execute("SELECT DISTINCT wijk FROM segments WHERE wijk IS NOT NULL")
    )
    known = {
        r[0]
        for r in con.execute(
            "SELECT wijk FROM documents WHERE wijk IS NOT NULL"
            " UNION SELECT wijk FROM respondents WHERE wijk IS NOT NULL"
        )
    }
    return with_segments, sorted(known - set(with_segments))


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
        for job in todo:
            done(run_job(job))
    else:
        ctx = multiprocessing.get_context("spawn")  # no forked sqlite connections or zmq contexts
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            for f in as_completed([pool.submit(run_job, job) for job in todo]):
                done(f.result())
    return results


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
        Notebooks executed at the same time in a local process pool.
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
    lang = language or settings.language
    text = texts(lang)
    codebook_version = check_codebook(settings)
    nb_dir = notebooks_dir(notebooks)
    run_id = new_run_id()
    run_path = Path(run_dir) if run_dir else runs_root(settings) / run_id
    root = run_path.parent
    settings_dump = settings.model_dump(mode="json")
    with Store(settings.store_path, create=False) as store:
        with_segments, empty = _known_wijken(store.con)
        selected = _select(wijken, with_segments, empty)
        from wijkanalyse.ingest.corpus import corpus_hash

        common = _sha(
            _code_digest(str(nb_dir)),
            codebook_version,
            lang,
            {k: v for k, v in settings_dump.items() if k not in ("store_dir", "private_dir")},
            _agreement_digest(store, settings),
        )
        digests = {w: _inputs_digest(store.con, w) for w in selected}
        city_digest = _sha(_inputs_digest(store.con, None), with_segments, _discovery_digest(store))
        c_hash = corpus_hash(store)
        store.start_run(
            "report", json.dumps({"wijken": selected, "language": lang, "jobs": jobs}), run_id=run_id
        )
    run_path.mkdir(parents=True, exist_ok=True)
    settings_file = write_atomic(run_path / "settings.yml", yaml.safe_dump(settings_dump, allow_unicode=True))

    planned = []
    for w in selected:
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
                parameters=notebook_parameters(settings, settings_file, lang, run_id, out, w),
                fingerprint=_sha(common, "wijk", w, digests[w]),
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
            title=text["title_city"],
            language=lang,
            parameters=notebook_parameters(settings, settings_file, lang, run_id, out),
            fingerprint=_sha(common, CITY_FOLDER, city_digest),
        )
    )

    previous = {} if force else _previous(root, run_id)
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
    results += _execute(todo, jobs, executor, on_done)
    if wijken is None:
        results += [JobResult(name=f"wijken/{slug(w)}", wijk=w, status="empty") for w in empty]
    order = {j.name: i for i, j in enumerate(planned)}
    results.sort(key=lambda r: (order.get(r.name, len(order)), r.name))

    seconds = round(time.perf_counter() - t0, 2)
    manifest = {
        "run_id": run_id,
        "finished_at": now_iso(),
        "corpus": str(settings.corpus),
        "corpus_hash": c_hash,
        "codebook_version": codebook_version,
        "language": lang,
        "seconds": seconds,
        "jobs": [asdict(r) for r in results],
    }
    write_atomic(run_path / "run.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    index = write_atomic(run_path / "index.html", _index_html(manifest, results, lang))
    write_atomic(root / "LATEST", run_id + "\n")
    rel = os.path.relpath(index, root.parent)
    write_atomic(root.parent / "latest.html", _redirect_html(rel))
    failed = [r for r in results if r.status == "failed"]
    with Store(settings.store_path, create=False) as store:
        store.finish_run(
            run_id,
            "ok" if not failed else "failed-some",
            json.dumps(
                {s: sum(r.status == s for r in results) for s in ("built", "reused", "failed", "empty")}
            ),
        )
    return RunResult(run_id, run_path, index, results, seconds)


# -- index ---------------------------------------------------------------------------------------------------
_INDEX_TEXT = {
    "nl": {
        "title": "Rapporten",
        "run": "Run",
        "city": "Stadsoverzicht",
        "wijken": "Wijkrapporten",
        "wijk": "Wijk",
        "status": "Status",
        "built": "nieuw gemaakt",
        "reused": "ongewijzigd, uit run {run}",
        "failed": "mislukt",
        "empty": "geen fragmenten",
        "seconds": "seconden",
        "error": "Fout in cel {cell}: {err}",
        "corpus": "Corpus",
        "hash": "corpus-hash",
        "codebook": "codeboek",
        "made": "gemaakt op",
    },
    "en": {
        "title": "Reports",
        "run": "Run",
        "city": "City overview",
        "wijken": "Neighbourhood reports",
        "wijk": "Neighbourhood",
        "status": "Status",
        "built": "built",
        "reused": "unchanged, from run {run}",
        "failed": "failed",
        "empty": "no segments",
        "seconds": "seconds",
        "error": "Error in cell {cell}: {err}",
        "corpus": "Corpus",
        "hash": "corpus hash",
        "codebook": "codebook",
        "made": "built at",
    },
}


def _index_html(manifest: dict[str, Any], results: list[JobResult], language: str) -> str:
    import html as h

    t = _INDEX_TEXT[language]

    def status(r: JobResult) -> str:
        if r.status == "failed":
            detail = f"{r.ename}: {r.evalue}" if r.ename else (r.error or "")
            cell = r.cell_index if r.cell_index is not None else "?"
            return (
                f'<span class="failed">{h.escape(t["failed"])}</span><br><small>'
                + h.escape(t["error"].format(cell=cell, err=detail.splitlines()[0] if detail else ""))
                + "</small>"
            )
        if r.status == "reused":
            return h.escape(t["reused"].format(run=r.reused_from))
        return h.escape(t[r.status]) + (f" ({r.seconds:.1f} {t['seconds']})" if r.status == "built" else "")

    def link(r: JobResult, label: str) -> str:
        return f'<a href="{h.escape(r.html)}">{h.escape(label)}</a>' if r.html else h.escape(label)

    rows = []
    city = ""
    for r in results:
        if r.wijk is None:
            city = f"<p>{link(r, t['city'])} — {status(r)}</p>"
        else:
            rows.append(f"<tr><td>{link(r, r.wijk)}</td><td>{status(r)}</td></tr>")
    title = f"{t['title']} {Path(manifest['corpus']).name}"
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,
initial-scale=1"> <title>{h.escape(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 48rem; margin: 2rem auto;
       padding: 0 1rem; color: #1f2933; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border-bottom: 1px solid #e4e7eb; padding:
.35rem .5rem;
       text-align: left; vertical-align: top; }} th {{ background: #f5f7fa; }}
.failed {{ color: #b42318; font-weight: 600; }} small {{ color: #52606d; }} .meta {{ color: #52606d; }}
</style></head>
<body>
<h1>{h.escape(title)}</h1>
<p class="meta">{t["run"]} {h.escape(manifest["run_id"])} · {t["made"]} {h.escape(manifest["finished_at"])} ·
{t["hash"]} {h.escape(manifest["corpus_hash"])} · {t["codebook"]} {h.escape(manifest["codebook_version"])}</p>
<h2>{t["city"]}</h2>
{city}
<h2>{t["wijken"]}</h2>
<table><thead><tr><th>{t["wijk"]}</th><th>{t["status"]}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def _redirect_html(target: str) -> str:
    import html as h

    t = h.escape(target.replace(os.sep, "/"))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={t}">'
        f'<title>latest</title></head><body><a href="{t}">{t}</a></body></html>\n'
    )
