"""The context a report notebook works in: settings, the store, the analysis data, texts and the run id.

The texts are those of the report language with the corpus's framing words filled in (:func:`.text.texts`);
the discovered themes are those of one discovery run, the one the report run pinned (``discovery_run``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wijkanalyse import analysis
from wijkanalyse.analysis import AnalysisData
from wijkanalyse.config import Settings, load_settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.report.data_memo import report_data
from wijkanalyse.report.text import TEXT_FILE, framing_text, framing_words, texts
from wijkanalyse.store import Store

__all__ = ["ReportContext", "open_report"]


@dataclass
class ReportContext:
    """Settings, store, analysis data, texts (framing filled in) and run id of one report notebook."""

    settings: Settings
    store: Store
    data: AnalysisData
    language: str
    run_id: str
    text: dict[str, Any] = field(repr=False)
    #: Whether a figure of this page carried plotly.js already (a page has one context; a kernel many pages)
    plotlyjs_included: bool = field(default=False, repr=False)

    def t(self, key: str, **values: Any) -> str:
        """Return a text by key, with ``{placeholders}`` filled in."""
        if key not in self.text:
            raise ReportError(f"No report text {key!r} for language {self.language!r} in {TEXT_FILE}.")
        return str(self.text[key]).format(**values)

    def framing(self, key: str) -> str:
        """Return the report's ``title``, ``subtitle`` or ``introduction``: the corpus's own, else neutral."""
        return framing_text(self.settings, key, self.language)

    @property
    def words(self) -> dict[str, str]:
        """The framing words: ``unit``, ``unit_plural``, ``session``, ``session_plural`` (and capitalised)."""
        return framing_words(self.settings, self.language)

    @property
    def discovery_run(self) -> str | None:
        """The discovery run whose themes this report shows (None when discovery never ran)."""
        return self.data.discovery_run

    @property
    def marker(self) -> str:
        """The suppression marker, e.g. ``"<5"``."""
        return analysis.marker(self.data.min_count)


def open_report(
    corpus: str | Path = "corpora/demo",
    settings_file: str | Path | None = None,
    settings_overrides: dict[str, Any] | None = None,
    language: str | None = None,
    run_id: str | None = None,
    build_store: bool = True,
    discovery_run: str | None = None,
) -> ReportContext:
    """Open what a report notebook needs: settings, the store (built first if missing) and the analysis data.

    Parameters
    ----------
    corpus : path, default "corpora/demo"
        The corpus folder; a relative path is found by :func:`wijkanalyse.config.resolve_corpus`.
    settings_file : path, optional
        Settings YAML (default: ``wijkanalyse.yml`` in the corpus).
    settings_overrides : dict, optional
        Settings that win over the file, e.g. ``{"min_count": 10}``; None values are ignored. (The runner
        passes none: it writes its exact settings to a file in the run folder and passes that file.)
    language : str, optional
        ``nl`` or ``en``; default: the settings.
    run_id : str, optional
        The run that builds the report; default: ``"interactief"`` (a run by hand).
    build_store : bool, default True
        Ingest and code the corpus first when its store is missing, empty or uncoded (a bare run of the
        notebook; :func:`wijkanalyse.update.ensure_store`).
    discovery_run : str, optional
        The discovery run whose themes to show (the runner pins one per run); default the newest.

    Returns
    -------
    ReportContext
    """
    settings = load_settings(corpus, settings_file, **(settings_overrides or {}))  # config.resolve_corpus
    lang = language or settings.language
    if build_store:
        # imported here: the coding stage (scikit-learn, UMAP) is needed only to build a missing store, and
        # the runner's report kernels never do (build_store=False)
        from wijkanalyse.update import ensure_store

        ensure_store(settings)
    store = Store(settings.store_path, create=False)
    # read once per report run, each report a copy of its own (:mod:`.data_memo`); by hand: read now
    data = report_data(store, settings, lang, run_id, discovery_run)
    text = texts(lang, settings)
    if data.theme_source == "discovery":  # no codebook: "coded" is "in a discovered theme" (analysis.data)
        text = {**text, "columns": {**text["columns"], "coded_share": text["columns"]["in_a_theme"]}}
    return ReportContext(settings, store, data, lang, run_id or "interactief", text)
