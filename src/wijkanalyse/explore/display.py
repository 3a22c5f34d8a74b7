"""Notebook display helpers: the plotly renderer, and HTML for search hits and quotes with their sources.

:func:`setup_notebook` is the one place that sets ``plotly.io.renderers.default`` for the explore notebooks:
``plotly_mimetype+notebook`` gives JupyterLab's plotly extension (shipped prebuilt with plotly, no extension
step) its own mime type and puts an offline HTML version (plotly.js inline, no CDN) next to it for exports.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
import plotly.io as pio
from IPython.display import HTML, display

from wijkanalyse.search import match_spans
from wijkanalyse.vocabulary import CITY, MACHINE

__all__ = ["DEFAULT_RENDERER", "setup_notebook", "highlight", "hits_html", "quotes_html", "show_html"]

#: The plotly renderer of the explore notebooks.
DEFAULT_RENDERER = "plotly_mimetype+notebook"

_CSS = """<style>
.wa-hit{border-left:3px solid #4C78A8;padding:4px 10px;margin:8px 0;font-family:system-ui,sans-serif}
.wa-meta{color:#555;font-size:12px}
.wa-ctx{color:#888;font-size:13px;margin:2px 0}
.wa-text{font-size:14px;margin:2px 0}
.wa-text mark{background:#FFE08A;padding:0 1px}
.wa-pick{display:inline-block;font-size:11px;color:#fff;background:#4C78A8;border-radius:3px;padding:0 5px}
</style>"""


def setup_notebook(renderer: str | None = None, max_colwidth: int = 120) -> str:
    """Set the plotly renderer and pandas display options of an explore notebook.

    Parameters
    ----------
    renderer : str, optional
        A plotly renderer name; default :data:`DEFAULT_RENDERER`.
    max_colwidth : int, default 120
        pandas' ``display.max_colwidth``, so segment texts are readable in tables.

    Returns
    -------
    str
        The renderer now in use.
    """
    pio.renderers.default = renderer or DEFAULT_RENDERER
    pd.set_option("display.max_colwidth", max_colwidth)
    pd.set_option("display.max_rows", 60)
    pd.set_option("display.width", 200)
    return str(pio.renderers.default)


def _s(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def highlight(text: str, query: str | None) -> str:
    """Escape a text for HTML and mark what a keyword query matches in it with ``<mark>``.

    Parameters
    ----------
    text : str
    query : str or None
        A keyword query; None (or a query that cannot be parsed) marks nothing.

    Returns
    -------
    str
    """
    if not query:
        return html.escape(text)
    try:
        spans = match_spans(text, query)
    except Exception:  # noqa: BLE001 - a query that does not parse highlights nothing
        spans = []
    out, pos = [], 0
    for s, e in spans:
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _meta(row: dict[str, Any]) -> str:
    parts = [
        _s(row.get("wijk")) or CITY,
        _s(row.get("date")),
        _s(row.get("role")) or _s(row.get("kind")),
        _s(row.get("speaker")),
        _s(row.get("section")) or _s(row.get("question")),
        _s(row.get("path")),
        f"segment {_s(row.get('segment_id'))}",
    ]
    return " · ".join(html.escape(p) for p in parts if p)


def hits_html(hits: pd.DataFrame, max_hits: int = 20, context_chars: int = 160) -> str:
    """Search hits as HTML: each hit with the segment before and after it, its source, wijk, date and role.

    For a keyword or hybrid search the matched words are marked.

    Parameters
    ----------
    hits : DataFrame
        From :mod:`wijkanalyse.search.index` (its ``attrs`` give the query and mode).
    max_hits : int, default 20
    context_chars : int, default 160
        The context segments are shortened to this many characters.

    Returns
    -------
    str
    """
    query = hits.attrs.get("query")
    mode = hits.attrs.get("mode", "keyword")
    how = {"semantic": "op betekenis", "hybrid": "op trefwoord en betekenis"}.get(mode, "op trefwoord")
    head = f"<p><b>{len(hits)} treffer(s)</b> {how} voor <code>{html.escape(_s(query))}</code>"
    if hits.attrs.get("model"):
        head += f" (model {html.escape(_s(hits.attrs['model']))})"
    parts = [_CSS, head + "</p>"]
    for row in hits.head(max_hits).to_dict("records"):
        text = _s(row.get("text"))
        marked = highlight(text, query) if mode != "semantic" else html.escape(text)
        score = f"{float(row['score']):.2f}" if _s(row.get("score")) else ""
        before, after = _s(row.get("context_before")), _s(row.get("context_after"))
        parts.append(
            '<div class="wa-hit">'
            f'<div class="wa-meta">#{_s(row.get("rank"))} · score {score} · {_meta(row)}</div>'
            + (f'<div class="wa-ctx">… {html.escape(_clip(before, context_chars))}</div>' if before else "")
            + f'<div class="wa-text">{marked}</div>'
            + (f'<div class="wa-ctx">{html.escape(_clip(after, context_chars))} …</div>' if after else "")
            + "</div>"
        )
    if len(hits) > max_hits:
        parts.append(f"<p>… en nog {len(hits) - max_hits} treffer(s).</p>")
    return "\n".join(parts)


def quotes_html(quotes: pd.DataFrame, max_quotes: int = 20) -> str:
    """Quotes of a cell (:func:`wijkanalyse.explore.compare.cell_quotes`) as HTML, each with its source.

    Parameters
    ----------
    quotes : DataFrame
    max_quotes : int, default 20

    Returns
    -------
    str
    """
    names = {"central": "centraal", "diverse": "divers", "overig": "overig"}
    n = quotes.attrs.get("segments", len(quotes))
    parts = [_CSS, f"<p><b>{n} segment(en)</b> in deze cel.</p>"]
    withheld = quotes.attrs.get("withheld", 0)
    if withheld:
        parts.append(
            f"<p><i>{withheld} enquêteantwoord(en) niet getoond: te weinig respondenten in deze cel.</i></p>"
        )
    for row in quotes.head(max_quotes).to_dict("records"):
        pick = names.get(_s(row.get("pick")), _s(row.get("pick")))
        who = _s(row.get("source"))
        conf = f" {float(row['confidence']):.2f}" if _s(row.get("confidence")) and who == MACHINE else ""
        parts.append(
            '<div class="wa-hit">'
            f'<div class="wa-meta"><span class="wa-pick">{html.escape(pick)}</span> {_meta(row)} · '
            f"soort: {html.escape(_s(row.get('soort')) or '—')} · code door {html.escape(who)}{conf}</div>"
            f'<div class="wa-text">{html.escape(_s(row.get("text")))}</div></div>'
        )
    return "\n".join(parts)


def show_html(markup: str) -> None:
    """Display HTML in the notebook."""
    display(HTML(markup))
