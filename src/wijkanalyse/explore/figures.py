"""Plotly figures of the explore notebooks: one function per figure, each taking the table its view returns.

Figures use SVG traces only (no WebGL), so they render in any browser, headless ones included, and in static
HTML exports. Colours of codes come from the codebook.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wijkanalyse.explore.theme_map import NO_CODE, NO_KIND, NO_THEME, cluster_centroids, filter_map

__all__ = [
    "COLOR_BY",
    "theme_map_figure",
    "hits_on_map_figure",
    "compare_heatmap",
    "overlap_heatmap",
    "sources_figure",
    "segment_length_figure",
    "response_rate_figure",
]

#: What the theme map can be coloured by, with the Dutch legend title.
COLOR_BY = {
    "code": "Code",
    "theme": "Ontdekt thema",
    "soort": "Soort inbreng",
    "wijk": "Wijk",
    "kind": "Bron",
}
_PALETTE = (
    "#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#EECA3B", "#B279A2", "#FF9DA6", "#9D755D",
    "#1B9E77", "#D95F02", "#7570B3", "#E7298A", "#66A61E", "#E6AB02", "#A6761D",
)  # fmt: skip
_GREY = "#D0D0D0"
_NONE_GROUPS = (NO_CODE, NO_THEME, NO_KIND, "(uitschieter)")


def _layout(fig: Any, top: int = 40, **kw: Any) -> Any:
    fig.update_layout(
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 13},
        **kw,
    )
    return fig


def _wrap(text: str, width: int = 70, max_lines: int = 8) -> str:
    lines = textwrap.wrap(" ".join(str(text).split()), width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ["…"]
    return "<br>".join(html.escape(x) for x in lines)


def _colors(frame: pd.DataFrame, by: str, groups: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if by == "code" and "color" in frame.columns:
        known = frame.drop_duplicates("code").set_index("code")["color"].to_dict()
        out.update({g: c for g, c in known.items() if isinstance(c, str) and c})
    i = 0
    for g in groups:
        if g in out:
            continue
        if g in _NONE_GROUPS:
            out[g] = "#9E9E9E"
            continue
        out[g] = _PALETTE[i % len(_PALETTE)]
        i += 1
    return out


def theme_map_figure(
    frame: pd.DataFrame,
    color_by: str = "code",
    wijk: str | Sequence[str] | None = None,
    soort: str | Sequence[str] | None = None,
    kind: str | Sequence[str] | None = None,
    highlight: Sequence[str] | None = None,
    labels: bool | None = None,
    max_spread: float | None = 0.6,
    title: str | None = None,
    height: int = 650,
) -> Any:
    """Scatter plot of the theme map: a point per segment, coloured by a column, text on hover.

    Points outside the filters stay visible as light grey context, so the map keeps its shape.

    Parameters
    ----------
    frame : DataFrame
        From :func:`wijkanalyse.explore.theme_map.theme_map_frame`.
    color_by : {"code", "theme", "soort", "wijk", "kind"}, default "code"
    wijk, soort, kind : str or list of str, optional
        Filters (see :func:`~wijkanalyse.explore.theme_map.filter_map`).
    highlight : list of str, optional
        Segment ids to mark (e.g. search hits): drawn larger with a black outline, on top.
    labels : bool, optional
        Put each group's name at its centroid (groups of 3 or more points). Default: for codes and themes,
        which form clusters on the map; not for wijken, kinds of input or sources, which are spread over it.
    max_spread : float or None, default 0.6
        Only groups at least this compact get a label (``spread`` of
        :func:`~wijkanalyse.explore.theme_map.cluster_centroids`); None labels every group.
    title : str, optional
    height : int, default 650

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    ValueError
        If ``color_by`` is not one of :data:`COLOR_BY`.
    """
    if color_by not in COLOR_BY:
        raise ValueError(
            f"The 'color_by' parameter must be one of {list(COLOR_BY)}. Got {color_by!r} instead."
        )
    shown = filter_map(frame, wijk=wijk, soort=soort, kind=kind)
    fig = go.Figure()
    _add_groups(fig, frame, shown, color_by)
    if highlight is not None and len(highlight):
        hit = frame[frame["segment_id"].isin(set(highlight))]
        fig.add_trace(
            go.Scatter(
                x=hit["x"], y=hit["y"], mode="markers", name=f"gemarkeerd ({len(hit)})",
                marker={"color": "rgba(0,0,0,0)", "size": 14, "line": {"width": 2, "color": "black"}},
                hovertext=[_wrap(t) for t in hit["text"]], hoverinfo="text",
            )
        )  # fmt: skip
    if labels if labels is not None else color_by in ("code", "theme"):
        _add_labels(fig, shown, color_by, max_spread)
    method = frame.attrs.get("method", "")
    default_title = (
        f"Themakaart ({len(shown)} van {len(frame)} segmenten{', ' + method.upper() if method else ''})"
    )
    _layout(
        fig,
        title=title or default_title,
        height=height,
        legend={"title": COLOR_BY[color_by], "itemsizing": "constant"},
        xaxis={"visible": False},
        yaxis={"visible": False},
        hoverlabel={"align": "left"},
    )
    return fig


def _add_groups(fig: Any, frame: pd.DataFrame, shown: pd.DataFrame, color_by: str) -> None:
    """Add the points outside the filters (grey), then a trace per group, "none" groups last."""
    if len(shown) < len(frame):
        rest = frame[~frame.index.isin(shown.index)]
        fig.add_trace(
            go.Scatter(
                x=rest["x"], y=rest["y"], mode="markers", name="buiten filter", hoverinfo="skip",
                marker={"color": _GREY, "size": 5, "opacity": 0.5}, showlegend=True,
            )
        )  # fmt: skip
    counts = shown[color_by].value_counts()
    groups = sorted(counts.index, key=lambda g: (g in _NONE_GROUPS, -counts[g], str(g)))
    colors = _colors(frame, color_by, groups)
    for g in groups:
        part = shown[shown[color_by] == g]
        hover = [
            f"<b>{html.escape(str(r.code))}</b> · {html.escape(str(r.soort))}<br>"
            f"{html.escape(str(r.wijk))} · {html.escape(str(r.date))} · "
            f"{html.escape(str(r.role) or str(r.kind))}"
            f"<br>thema: {html.escape(str(r.theme))}<br><br>{_wrap(r.text)}"
            for r in part.itertuples(index=False)
        ]
        fig.add_trace(
            go.Scatter(
                x=part["x"], y=part["y"], mode="markers", name=f"{g} ({len(part)})",
                marker={
                    "color": colors[g], "size": 7, "opacity": 0.85, "line": {"width": 0.5, "color": "white"},
                },
                customdata=part["segment_id"], hovertext=hover, hoverinfo="text",
            )
        )  # fmt: skip


def _add_labels(fig: Any, shown: pd.DataFrame, color_by: str, max_spread: float | None) -> None:
    """Put each compact enough group's name at its centroid."""
    centroids = cluster_centroids(shown, by=color_by)
    if max_spread is not None:
        centroids = centroids[centroids["spread"] <= max_spread]
    for c in centroids.itertuples(index=False):
        fig.add_annotation(
            x=c.x, y=c.y, text=f"<b>{html.escape(str(c.group))}</b>", showarrow=False,
            font={"size": 12, "color": "#222"}, bgcolor="rgba(255,255,255,0.75)", borderpad=2,
        )  # fmt: skip


def hits_on_map_figure(frame: pd.DataFrame, hits: pd.DataFrame, color_by: str = "code", **kwargs: Any) -> Any:
    """Draw the theme map with the segments of a search result marked.

    Parameters
    ----------
    frame : DataFrame
        The theme map.
    hits : DataFrame
        A hit table from :mod:`wijkanalyse.search.index`.
    color_by : str, default "code"
    **kwargs
        Passed to :func:`theme_map_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    query = hits.attrs.get("query", "")
    title = (
        kwargs.pop("title", None) or f"Waar de treffers van “{query}” op de themakaart liggen ({len(hits)})"
    )
    return theme_map_figure(
        frame, color_by=color_by, highlight=list(hits["segment_id"]), title=title, **kwargs
    )


def compare_heatmap(table: pd.DataFrame, value: str = "share", title: str | None = None) -> Any:
    """Heatmap of themes by wijk with the city as the first column; distinctive cells marked with ▲.

    Parameters
    ----------
    table : DataFrame
        From :func:`wijkanalyse.explore.compare.compare_wijken` (long format).
    value : {"share", "ratio"}, default "share"
        ``share``: the theme's share of the wijk's segments; ``ratio``: that share divided by the city's
        (coloured on a log scale from ¼ to 4 times).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    if value not in ("share", "ratio"):
        raise ValueError(f"The 'value' parameter must be 'share' or 'ratio'. Got {value!r} instead.")
    labels = list(dict.fromkeys(table["label"]))
    wijken = list(dict.fromkeys(table["wijk"]))
    z: list[list[float | None]] = []
    txt: list[list[str]] = []
    hover: list[list[str]] = []
    for lab in labels:
        rows = table[table["label"] == lab].set_index("wijk")
        zs: list[float | None] = []
        ts: list[str] = []
        hs: list[str] = []
        for w in wijken:
            r = rows.loc[w]
            if bool(r["suppressed"]):
                zs.append(None)
                ts.append(str(r["marker"]))
                hs.append(f"{html.escape(lab)} · {html.escape(w)}: te weinig respondenten")
                continue
            v = float(r[value]) if pd.notna(r[value]) else None
            if value == "ratio":  # colour on a log scale: half as often and twice as often are equally far
                zs.append(None if v is None else float(np.clip(np.log2(max(v, 0.25)), -2, 2)))
            else:
                zs.append(v)
            mark = " ▲" if bool(r.get("distinctive", False)) else ""
            ts.append(("" if v is None else (f"{100 * v:.0f}%" if value == "share" else f"{v:.1f}×")) + mark)
            hs.append(
                f"<b>{html.escape(lab)}</b> · {html.escape(w)}<br>{int(r['segments'])} segmenten, "
                f"{100 * float(r['share']):.1f}% (stad {100 * float(r['share_city']):.1f}%)"
                + (f"<br>z = {float(r['z']):.1f}" if pd.notna(r.get("z")) else "")
            )
        z.append(zs)
        txt.append(ts)
        hover.append(hs)
    fig = go.Figure(
        go.Heatmap(
            z=z, x=wijken, y=labels, text=txt, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
            colorscale="Blues" if value == "share" else "RdBu_r",
            zmid=None if value == "share" else 0.0,
            zmin=None if value == "share" else -2.0,
            zmax=None if value == "share" else 2.0,
            colorbar=(
                {"title": "aandeel", "tickformat": ".0%"}
                if value == "share"
                else {"title": "× stad", "tickvals": [-2, -1, 0, 1, 2], "ticktext": ["¼", "½", "1", "2", "4"]}
            ),
            hoverongaps=False, xgap=2, ygap=2,
        )
    )  # fmt: skip
    return _layout(
        fig,
        title=title or "Thema's per wijk, met de stad als referentie (▲ = onderscheidend)",
        top=90,
        height=max(360, 30 * len(labels) + 140),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top"},
    )


def overlap_heatmap(overlap: pd.DataFrame, title: str | None = None) -> Any:
    """Heatmap of discovered themes (rows) by codes (columns): the share of a theme's segments with each code.

    Parameters
    ----------
    overlap : DataFrame
        From :func:`wijkanalyse.explore.codebook_dev.theme_code_overlap`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    if overlap.empty:
        return _layout(go.Figure(), title=title or "Nog geen ontdekte thema's", height=200)
    wide = overlap.pivot_table(index="theme", columns="label", values="share", aggfunc="sum", fill_value=0.0)
    themes = list(dict.fromkeys(overlap["theme"]))
    codes = list(dict.fromkeys(overlap.sort_values("code_order")["label"]))
    wide = wide.reindex(index=themes, columns=codes, fill_value=0.0)
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(), x=codes, y=themes, colorscale="Greens", zmin=0, zmax=1,
            text=[[f"{100 * v:.0f}%" if v > 0 else "" for v in row] for row in wide.to_numpy()],
            texttemplate="%{text}", colorbar={"title": "aandeel", "tickformat": ".0%"}, xgap=1, ygap=1,
        )
    )  # fmt: skip
    return _layout(
        fig,
        title=title or "Ontdekte thema's naast het codeboek: welk deel van een thema draagt welke code",
        top=50,
        height=max(320, 28 * len(themes) + 160),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "bottom", "tickangle": -40},
    )


def sources_figure(per_wijk_date: pd.DataFrame) -> Any:
    """Bars: segments per wijk, stacked by kind of source.

    Parameters
    ----------
    per_wijk_date : DataFrame
        From :func:`wijkanalyse.explore.overview.sources_by_wijk_and_date`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    t = per_wijk_date.groupby(["wijk", "kind"], as_index=False)["segments"].sum()
    fig = go.Figure()
    for i, (kind, g) in enumerate(t.groupby("kind", sort=True)):
        fig.add_bar(
            x=g["wijk"], y=g["segments"], name=kind or "(onbekend)", marker_color=_PALETTE[i % len(_PALETTE)]
        )
    return _layout(
        fig, barmode="stack", title="Segmenten per wijk en soort bron", height=380, yaxis_title="segmenten"
    )


def segment_length_figure(lengths: pd.DataFrame, nbins: int = 40) -> Any:
    """Histogram of segment lengths (characters), one colour per kind of source.

    Parameters
    ----------
    lengths : DataFrame
        From :func:`wijkanalyse.explore.overview.segment_lengths`.
    nbins : int, default 40

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for i, (kind, g) in enumerate(lengths.groupby(lengths["kind"].fillna(""), sort=True)):
        fig.add_histogram(
            x=g["chars"],
            name=kind or "(onbekend)",
            nbinsx=nbins,
            marker_color=_PALETTE[i % len(_PALETTE)],
            opacity=0.8,
        )
    return _layout(
        fig,
        barmode="stack",
        title="Lengte van de segmenten",
        height=360,
        xaxis_title="tekens",
        yaxis_title="segmenten",
    )


def response_rate_figure(rates: pd.DataFrame) -> Any:
    """Bars: the share of respondents that answered each open survey question.

    Parameters
    ----------
    rates : DataFrame
        From :func:`wijkanalyse.explore.overview.survey_response_rates` (without ``by_wijk``).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    r = rates[rates["type"] == "open"]
    fig = go.Figure(
        go.Bar(
            x=r["response_rate"].astype(float), y=r["question"], orientation="h", marker_color="#4C78A8",
            text=[f"{a} van {n}" for a, n in zip(r["answered"], r["respondents"], strict=True)],
            textposition="auto",
        )
    )  # fmt: skip
    return _layout(
        fig,
        title="Respons per open vraag",
        height=max(220, 40 * len(r) + 120),
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        yaxis={"autorange": "reversed"},
    )
