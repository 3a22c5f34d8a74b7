"""Stage 8: reports — papermill runs a report notebook per wijk and one for the city, rendered to HTML.

:mod:`.runner` executes the notebooks (in parallel, reusing unchanged reports) and writes the run folder;
:mod:`.render` holds what the notebooks display (texts in Dutch and English, sections, tables, figures).
"""

from wijkanalyse.report.render import ReportContext, open_report, save_tables, texts
from wijkanalyse.report.runner import (
    JobResult,
    ReportJob,
    RunResult,
    render_html,
    run_job,
    run_reports,
    runs_root,
)

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
