"""The QDA views in a notebook: a code's quotes with their memos, and the co-occurrence heatmap.

The tables come from :mod:`wijkanalyse.analysis.retrieval` and :mod:`wijkanalyse.analysis.cooccurrence`
(researcher views: nothing suppressed; the published versions are ``wijkanalyse analyse --table``); this
module only shows them: :func:`code_quotes_html` (each quote with its source, its place in the document and
the memos beside it) and :func:`cooccurrence_heatmap` (plotly).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wijkanalyse.explore.display import _CSS, _s

__all__ = ["code_quotes_html", "cooccurrence_heatmap"]

_MEMO_CSS = """<style>
.wa-row{display:flex;gap:14px;align-items:flex-start}
.wa-row .wa-hit{flex:3}
.wa-memo{flex:2;background:#FFF8DC;border-left:3px solid #E0B000;padding:4px 8px;margin:8px 0;font-size:12px;
white-space:pre-wrap;font-family:system-ui,sans-serif}
</style>"""


def code_quotes_html(quotes: pd.DataFrame, max_quotes: int = 50) -> str:
    """Show the quotes of :func:`~wijkanalyse.analysis.retrieval.code_quotes` as HTML, memos beside them.

    Parameters
    ----------
    quotes : DataFrame
    max_quotes : int, default 50

    Returns
    -------
    str
        One block per quote: where it comes from (wijk, date, role, the document path and the place in it),
        who coded it (person or machine, with the machine's confidence), the quote (a coded span is marked
        as such), and its memos in a box on the right.
    """
    n = len(quotes)
    first = f", de eerste {max_quotes}:" if n > max_quotes else "."
    parts = [_CSS, _MEMO_CSS, f"<p><b>{n} citaat/citaten</b>{first}</p>"]
    for row in quotes.head(max_quotes).to_dict("records"):
        who = f"{_s(row.get('coder_id'))} ({'machine' if row.get('kind') == 'machine' else 'mens'}"
        if row.get("kind") == "machine" and _s(row.get("confidence")):
            who += f", {float(row['confidence']):.2f}"
        who += ")"
        span = "" if row.get("whole_segment", True) else " · <i>deel van het segment</i>"
        meta = " · ".join(
            html.escape(p)
            for p in (_s(row.get("wijk")) or "(stad)", _s(row.get("date")), _s(row.get("role")),
                      _s(row.get("question")), f"{_s(row.get('path'))}, {_s(row.get('location'))}")
            if p
        )  # fmt: skip
        memo = (
            f'<div class="wa-memo">{html.escape(_s(row.get("memos")))}</div>' if _s(row.get("memos")) else ""
        )
        parts.append(
            f'<div class="wa-row"><div class="wa-hit"><div class="wa-meta">{meta} · code door '
            f'{html.escape(who)}{span}</div><div class="wa-text">{html.escape(_s(row.get("quote")))}</div>'
            f"</div>{memo}</div>"
        )
    return "\n".join(parts)


def cooccurrence_heatmap(matrix: pd.DataFrame, title: str | None = None) -> Any:
    """Heatmap of :func:`~wijkanalyse.analysis.cooccurrence.cooccurrence_matrix`: segments with both codes.

    The diagonal (segments with the code itself) is left blank so that the colours show the pairs; its
    counts stay in the hover text.

    Parameters
    ----------
    matrix : DataFrame
        Square, codes as index and columns.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    if matrix.empty:
        fig.update_layout(title=title or "Nog geen gecodeerde segmenten", height=200, template="plotly_white")
        return fig
    codes = [str(c) for c in matrix.index]
    values = matrix.to_numpy(dtype=float)
    z = values.copy()
    np.fill_diagonal(z, np.nan)
    text = [[f"{int(v)}" if v > 0 and i != j else "" for j, v in enumerate(r)] for i, r in enumerate(values)]
    fig.add_trace(
        go.Heatmap(
            z=z, x=codes, y=codes, customdata=values, colorscale="Blues", text=text, texttemplate="%{text}",
            hovertemplate="%{y} en %{x}: %{customdata} segment(en)<extra></extra>", xgap=1, ygap=1,
            colorbar={"title": "segmenten"},
        )
    )  # fmt: skip
    fig.update_layout(
        template="plotly_white",
        title=title or "Welke codes komen samen voor: segmenten met beide codes",
        height=max(360, 26 * len(codes) + 180),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 13},
        yaxis={"autorange": "reversed"},
        xaxis={"side": "bottom", "tickangle": -40},
    )
    return fig
