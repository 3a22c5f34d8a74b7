"""Stage 8: reports — papermill runs a report notebook per wijk and one for the city, rendered to HTML.

================  ============================================================================================
module            what it holds
================  ============================================================================================
``runner``        :func:`run_reports`: plans the run, reuses unchanged reports, writes the run folder
``jobs``          one report as a job (:class:`ReportJob`, :func:`run_job`, :func:`render_html`)
``fingerprint``   the hashes of a report's inputs that decide whether it is reused
``index_page``    the index page of a run and the ``latest.html`` redirect
``render``        what the notebooks display: sections and tables (:func:`open_report`, :func:`save_tables`)
``context``       :class:`ReportContext`: settings, store, analysis data, texts and run id of one notebook
``figures``       the plotly figures of the reports
``text``          texts in Dutch and English, slugs, number formats
``files``         atomic writes and the report tables as CSV (:mod:`wijkanalyse.table_files`)
``run_folders``   the lifecycle of run folders: half-built ones of killed runs cleaned at the next start
================  ============================================================================================
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from wijkanalyse.lazy_exports import lazy_exports

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from wijkanalyse.report.context import ReportContext, open_report
    from wijkanalyse.report.files import save_tables
    from wijkanalyse.report.jobs import JobResult, ReportJob, RunResult, render_html, run_job
    from wijkanalyse.report.runner import run_reports, runs_root
    from wijkanalyse.report.text import texts

#: Where each public name lives. A report notebook's kernel imports ``wijkanalyse.report.render`` only;
#: importing papermill, nbconvert and nbformat for it as well (``jobs``, ``runner``) took seconds per report.
_WHERE = {
    "ReportContext": "context",
    "open_report": "context",
    "save_tables": "files",
    "JobResult": "jobs",
    "ReportJob": "jobs",
    "RunResult": "jobs",
    "render_html": "jobs",
    "run_job": "jobs",
    "run_reports": "runner",
    "runs_root": "runner",
    "texts": "text",
}

__getattr__ = lazy_exports(__name__, _WHERE)  # PEP 562: each name's module is imported on first use

# jsonschema (which nbformat imports) imports the optional ``rfc3987_syntax``, when installed, for its "iri"
# format checks, and that builds a grammar at import: 1.5-3 s of every ``wijkanalyse run`` (python -X
# importtime). Notebooks are validated without format checks, so it is kept from loading here, before jobs
# and runner import nbformat: None in ``sys.modules`` makes that optional import fail. A process that loaded
# it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


__all__ = [
    "JobResult",
    "ReportContext",
    "ReportJob",
    "RunResult",
    "open_report",
    "render_html",
    "run_job",
    "run_reports",
    "runs_root",
    "save_tables",
    "texts",
]
