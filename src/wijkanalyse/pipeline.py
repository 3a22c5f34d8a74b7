"""The main job: ingest what is new, code it, discover themes, then build the reports.

``wijkanalyse run`` calls :func:`run_pipeline`. Each step is incremental: ingest skips unchanged files, coding
embeds and codes only segments it has not coded yet, and the report runner re-executes only the reports whose
inputs changed (see :mod:`wijkanalyse.report`).

Wijken asked for are checked first, against the store and the corpus folder, so a typo is refused before any
ingest or coding. The whole job holds the store's writer lock: a second run waits until this one is done.
"""

from __future__ import annotations

import difflib
import fnmatch
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from wijkanalyse.config import Settings
from wijkanalyse.exceptions import InputProblem, ReportError, WijkanalyseError
from wijkanalyse.ingest.corpus import IGNORED
from wijkanalyse.ingest.metadata import MANIFEST_NAMES, load_manifest, manifest_folder_wijks, resolve_metadata
from wijkanalyse.ingest.readers import split_front_matter
from wijkanalyse.ingest.surveys import load_postcodes
from wijkanalyse.report import JobResult, RunResult, run_reports
from wijkanalyse.report.kernel_session import prepared_kernels, prepared_session
from wijkanalyse.report.runner import IN_PROCESS_KERNELS
from wijkanalyse.store import Store
from wijkanalyse.update import store_for_writing, update_store

__all__ = ["run_pipeline", "check_wijken"]

log = logging.getLogger(__name__)
_FRONT_MATTER_BYTES = 65536  # front matter sits at the start of a file


def _front_matter(path: Path, rel: str) -> dict[str, Any]:
    """Return the front matter of a Markdown or text file, or {} (unreadable files are ingest's business)."""
    if path.suffix.lower() not in (".md", ".txt"):
        return {}
    try:
        with path.open("rb") as fh:
            head = fh.read(_FRONT_MATTER_BYTES).decode("utf-8", errors="replace")
        return split_front_matter(head, rel)[0]
    except (OSError, WijkanalyseError):
        return {}


def _corpus_wijken(settings: Settings) -> set[str]:
    """Return the wijken the corpus folder names: manifest, front matter, folders and the postcode lookup.

    A cheap look that reads only the start of text files: survey answers whose wijk comes from a survey's own
    wijk column are only known after ingest (then the store knows them).
    """
    problems: list[InputProblem] = []
    try:
        manifest = load_manifest(settings.corpus, problems)
        found = set(load_postcodes(settings).values())
    except WijkanalyseError:  # ingest reports a broken manifest or lookup with its own message
        manifest, found = {}, set()
    folder_wijk = manifest_folder_wijks(manifest)
    # not documents: settings, manifests, the postcode lookup, and survey exports (their rows name the wijk)
    skip = [*IGNORED, *settings.ignore, *MANIFEST_NAMES, *(s.path for s in settings.surveys)]
    skip += [settings.postcode_lookup] if settings.postcode_lookup else []
    for path in sorted(settings.corpus.rglob("*")):
        rel = path.relative_to(settings.corpus).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in Path(rel).parts):
            continue
        if any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat) for pat in skip):
            continue
        meta = resolve_metadata(rel, _front_matter(path, rel), manifest.get(rel, {}), folder_wijk)
        if meta.get("wijk"):
            found.add(str(meta["wijk"]))
    return found


def check_wijken(settings: Settings, wijken: Sequence[str] | None) -> None:
    """Refuse wijken that neither the store nor the corpus folder knows, before any work is done.

    Parameters
    ----------
    settings : Settings
    wijken : sequence of str or None
        The wijken asked for; None (every wijk) is always fine.

    Raises
    ------
    ReportError
        Naming each unknown wijk, the closest known one, and the wijken that are known.
    """
    if not wijken:
        return
    known: set[str] = set()
    if (settings.store_path / Store.FILENAME).exists():
        with Store(settings.store_path, create=False) as store:
            known |= set(store.segment_wijken()) | store.source_wijken()
    if any(w not in known for w in wijken):
        known |= _corpus_wijken(settings)
    problems = []
    for w in wijken:
        if w not in known:
            close = difflib.get_close_matches(w, sorted(known), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"Unknown wijk {w!r}.{hint} Wijken in the store and the corpus folder: "
                f"{', '.join(sorted(known)) or '(none)'}."
            )
    if problems:
        raise ReportError("\n".join([*problems, "Nothing was ingested, coded or built."]))


def run_pipeline(
    settings: Settings,
    jobs: int = 1,
    language: str | None = None,
    wijken: Sequence[str] | None = None,
    *,
    force: bool = False,
    executor: Executor | Any | None = None,
    on_done: Callable[[JobResult], None] | None = None,
) -> RunResult:
    """Run the main job: update the store (ingest, code, discover), then build every report.

    Parameters
    ----------
    settings : Settings
    jobs : int, default 1
        Reports built at the same time: 2 in two kernels of this process, more in a local process pool (the
        command line's default is :func:`~wijkanalyse.report.runner.default_jobs`).
    language : str, optional
        ``nl`` or ``en``; default: the settings.
    wijken : sequence of str, optional
        Only these wijken (default: every wijk with segments). The city overview is always built.
    force : bool, default False
        Re-execute every report, even those whose inputs did not change.
    executor : Executor, optional
        Any object with ``submit(fn, *args)`` returning futures, e.g. a ``dask.distributed.Client``.
    on_done : callable, optional
        Called with each report's :class:`~wijkanalyse.report.JobResult` as it finishes.

    Returns
    -------
    RunResult
        With the store update in ``RunResult.update``.

    Raises
    ------
    ReportError
        On an unknown wijk (before any ingest or coding), a wijk without segments or a missing codebook
        (before anything is built).
    IngestError
        If the corpus holds no text to analyse (before any coding).
    StoreError
        If the store belongs to another corpus, cannot be written, or another run holds it too long.
    """
    if jobs < 1:
        raise ReportError(f"The 'jobs' parameter must be an int >= 1. Got {jobs} instead.")
    check_wijken(settings, wijken)
    # reports built in this process get their kernel(s) started while the store is updated
    early: AbstractContextManager[Any] = nullcontext()
    if executor is None and jobs == 1:
        early = prepared_session(settings.store_path)
    elif executor is None and jobs <= IN_PROCESS_KERNELS:
        early = prepared_kernels(settings.store_path, jobs)
    with store_for_writing(settings), early:
        update = update_store(settings)
        log.info(update.describe())
        result = run_reports(
            settings, wijken=wijken, jobs=jobs, language=language, force=force, executor=executor,
            on_done=on_done,
        )  # fmt: skip
    result.update = update
    return result
