"""The index page of a run (every report, rebuilt or reused) and the ``latest.html`` redirect to it."""

from __future__ import annotations

import html as h
import os
from pathlib import Path
from typing import Any

from wijkanalyse.report.jobs import JobResult
from wijkanalyse.report.text import fill_framing, framing_words

__all__ = ["index_html", "redirect_html"]

_INDEX_TEXT = {
    "nl": {
        "title": "Rapporten",
        "run": "Run",
        "city": "Overzicht",
        "wijken": "Rapporten per {unit}",
        "wijk": "{Unit}",
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
        "discovery": "thema-ontdekking",
    },
    "en": {
        "title": "Reports",
        "run": "Run",
        "city": "Overview",
        "wijken": "Reports per {unit}",
        "wijk": "{Unit}",
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
        "discovery": "theme discovery",
    },
}


def index_html(manifest: dict[str, Any], results: list[JobResult], language: str) -> str:
    """Return the index page of a run: the city overview, then every wijk report with its status.

    Parameters
    ----------
    manifest : dict
        The run's ``run.json`` content (``run_id``, ``finished_at``, ``corpus``, ``corpus_hash``,
        ``codebook_version``; optional: ``title`` and ``words``, the corpus's framing, and ``discovery_run``).
    results : list of JobResult
        The reports, in the order to list them.
    language : {"nl", "en"}
    """
    words = manifest.get("words") or framing_words(None, language)
    t = {k: fill_framing(v, words) for k, v in _INDEX_TEXT[language].items()}

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
    title = manifest.get("title") or f"{t['title']} {Path(manifest['corpus']).name}"
    discovery = manifest.get("discovery_run") or "-"
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
{t["hash"]} {h.escape(manifest["corpus_hash"])} · {t["codebook"]} {h.escape(manifest["codebook_version"])} ·
{t["discovery"]} {h.escape(discovery)}</p>
<h2>{t["city"]}</h2>
{city}
<h2>{t["wijken"]}</h2>
<table><thead><tr><th>{t["wijk"]}</th><th>{t["status"]}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def redirect_html(target: str) -> str:
    """Return a page that sends the browser on to ``target`` (a relative path), for ``latest.html``."""
    t = h.escape(target.replace(os.sep, "/"))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={t}">'
        f'<title>latest</title></head><body><a href="{t}">{t}</a></body></html>\n'
    )
