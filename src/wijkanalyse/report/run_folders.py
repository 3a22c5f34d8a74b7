"""The lifecycle of run folders: a run folder is complete once it has ``index.html``, or it goes.

:func:`~wijkanalyse.report.runner.run_reports` writes ``index.html`` last (then ``runs/LATEST`` and
``latest.html``), so a folder without it belongs to a run that was killed or stopped with an error. A run
that stops with an error is marked ``failed`` and its folder removed (:func:`building`, :func:`abandon_run`);
one that was killed (SIGKILL, a power cut) is cleaned when the next run starts (:func:`clean_run_folders`),
and its ``running`` row is marked ``interrupted`` when the next run takes the writer lock
(:meth:`wijkanalyse.store.Store.writer_lock`).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wijkanalyse.store import Store

__all__ = [
    "RUN_ID_RE",
    "TEMPORARY_PATTERNS",
    "building",
    "clean_run_folders",
    "remove_temporary",
    "abandon_run",
]

#: The names :func:`wijkanalyse.store.new_run_id` gives run folders; no other folder is ever removed.
RUN_ID_RE = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
#: Hidden files of an atomic write (:func:`wijkanalyse.table_files.write_atomic`) and of a notebook being
#: executed (:func:`wijkanalyse.report.jobs.run_job`).
TEMPORARY_PATTERNS = (".*.tmp", ".*.tmp.ipynb")
log = logging.getLogger(__name__)


def remove_temporary(folder: Path) -> int:
    """Delete the hidden temporary files a killed writer left anywhere in a run folder; return how many."""
    found = [p for pattern in TEMPORARY_PATTERNS for p in Path(folder).rglob(pattern) if p.is_file()]
    for p in found:
        p.unlink(missing_ok=True)
    return len(found)


def clean_run_folders(*roots: Path) -> list[Path]:
    """Remove the run folders of killed runs (no ``index.html``) and hidden temporary files in the others.

    Call only while holding the store's writer lock: no other run can be building then. Only folders named
    like a run id are looked at, so a folder of one's own next to the runs is never touched.

    Parameters
    ----------
    *roots : path
        Folders holding run folders (``runs/``); missing ones are skipped.

    Returns
    -------
    list of Path
        The run folders removed.
    """
    removed: list[Path] = []
    for root in dict.fromkeys(Path(r) for r in roots):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if not (folder.is_dir() and RUN_ID_RE.fullmatch(folder.name)):
                continue
            if (folder / "index.html").is_file():
                remove_temporary(folder)
            else:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    if removed:
        log.warning(
            "Removed %d half-built run folder(s) of interrupted runs (no index.html): %s",
            len(removed),
            ", ".join(p.name for p in removed),
        )
    return removed


def abandon_run(store: Store, run_id: str, run_path: Path, created: bool, exc: BaseException) -> None:
    """Record a run that stopped with an error and remove its half-built folder.

    Parameters
    ----------
    store : Store
    run_id : str
    run_path : Path
        The run folder.
    created : bool
        Whether this run made the folder; a folder that existed before is left in place.
    exc : BaseException
        Why it stopped: the run is marked ``interrupted`` for Ctrl-C, else ``failed``, with the error.
    """
    status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
    store.finish_run(run_id, status, json.dumps({"error": f"{type(exc).__name__}: {exc}"[:2000]}))
    if created and not (run_path / "index.html").exists():
        shutil.rmtree(run_path, ignore_errors=True)


@contextmanager
def building(store: Store, run_id: str, run_path: Path) -> Iterator[None]:
    """Make the run folder for the block; if the block stops with an error, abandon the run.

    On success the hidden temporary files a crashed worker may have left are deleted; on an error the run is
    marked ``failed`` (``interrupted`` on Ctrl-C) and the folder, if this run made it, removed
    (:func:`abandon_run`). The block must write ``index.html`` last.
    """
    created = not run_path.exists()
    try:
        run_path.mkdir(parents=True, exist_ok=True)
        yield
    except BaseException as exc:
        abandon_run(store, run_id, run_path, created, exc)
        raise
    remove_temporary(run_path)
