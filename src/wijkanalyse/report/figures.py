"""The plotly figures of the reports, embedded with plotly.js inline once per page (no CDN: works offline).

Any figure of a table may be a marker instead of a number (``"<5"``: small; ``"x"``: hidden so that a small
one cannot be worked out): a figure draws only numbers (:func:`numeric`), and shows the marker as text where
it has a cell for it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from wijkanalyse.analysis.data import as_text
from wijkanalyse.report.context import ReportContext
from wijkanalyse.report.text import format_value

__all__ = [
    "figure_html",
    "numeric",
    "visible_rows",
    "fig_prevalence",
    "fig_change",
    "fig_confidence",
    "fig_heatmap",
]

def figure_html(ctx: ReportContext, fig: Any, height: int | None = None) -> str:
    """Return a plotly figure as an HTML fragment; the first figure of the page carries plotly.js inline.

    "The page" is the report of ``ctx``, not the process: a kernel builds several reports one after another
    (:mod:`~wijkanalyse.report.kernel_session`), and each page must carry plotly.js itself. Never uses a CDN:
    the page works offline and sends no request.
    """
    if height:
        fig.update_layout(height=height)
    out = fig.to_html(
        full_html=False,
        include_plotlyjs=not ctx.plotlyjs_included,
        config={"displaylogo": False, "responsive": True},
    )
    ctx.plotlyjs_included = True
    return f'<div class="wa-figure">{out}</div>'


def _layout(fig: Any, **kw: Any) -> Any:
    fig.update_layout(
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 13},
        **kw,
    )
    return fig


def numeric(values: Any) -> pd.Series:
    """Return table figures as floats, NaN where a figure is a marker (``"<5"``, ``"x"``) or missing.

    Examples
    --------
    >>> numeric(pd.Series([3, "<5", "x", 0.25])).tolist()
    [3.0, nan, nan, 0.25]
    """
    return pd.to_numeric(pd.Series(values), errors="coerce").astype(float)


def visible_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of a table that are not suppressed (all rows when it has no ``suppressed`` column)."""
    return df[~df["suppressed"].astype(bool)] if "suppressed" in df.columns else df


def fig_prevalence(ctx: ReportContext, distinctive: pd.DataFrame, wijk: str) -> Any:
    """Bars: each theme's share in the wijk next to its share in the city (hidden figures left out)."""
    d = visible_rows(distinctive)
    d = d.assign(
        share_wijk=numeric(d["share_wijk"]).to_numpy(), share_city=numeric(d["share_city"]).to_numpy()
    )
    d = d.dropna(subset=["share_wijk", "share_city"]).sort_values("share_city", kind="stable")
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
    sessions = change[["date", "session"]].drop_duplicates()
    unknown = ctx.t("date_unknown")
    cols = [
        f"{as_text(d) or unknown}<br>{as_text(s)}"
        for d, s in zip(sessions["date"], sessions["session"], strict=True)
    ]
    labels = sorted(change["label"].unique())
    share = {
        (lab, d, s): v
        for lab, d, s, v in change[["label", "date", "session", "share"]].itertuples(index=False)
    }
    keys = list(zip(sessions["date"], sessions["session"], strict=True))
    cells = [[share.get((lab, d, s), 0.0) for d, s in keys] for lab in labels]
    z = [[None if isinstance(v, str) else float(v) for v in row] for row in cells]  # a marker: no colour
    text = [[v if isinstance(v, str) else format_value(float(v), "share", ctx.language) if v else ""
             for v in row] for row in cells]  # fmt: skip
    fig = go.Figure(
        go.Heatmap(z=z, x=cols, y=labels, text=text, texttemplate="%{text}", colorscale="Blues",
                   colorbar={"title": ctx.t("share"), "tickformat": ".0%"})
    )  # fmt: skip
    return _layout(fig, height=max(300, 28 * len(labels) + 120), yaxis={"autorange": "reversed"},
                   xaxis_title=ctx.t("fig_session_axis"))  # fmt: skip


def fig_confidence(ctx: ReportContext, conf: pd.DataFrame) -> Any:
    """Bars: the machine's codes per confidence bin."""
    fig = go.Figure(go.Bar(x=conf["bin"], y=numeric(conf["codes"]), marker_color="#72B7B2"))
    return _layout(
        fig, height=260, xaxis_title=ctx.t("fig_confidence_axis"), yaxis_title=ctx.t("fig_codes_axis")
    )


def fig_heatmap(ctx: ReportContext, by_wijk: pd.DataFrame) -> Any:
    """Heatmap of themes by wijk: the share of segments; suppressed cells empty, with the marker as text."""
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
                ts.append(format_value(float(v), "share", ctx.language))
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
