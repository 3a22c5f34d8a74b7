"""HTML pieces of the coding widget (:mod:`wijkanalyse.explore.coding_widget`) that need no widget library."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["frequency_panel"]


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def frequency_panel(
    themes: Sequence[tuple[str, str]],
    kinds: Sequence[tuple[str, str]],
    counts: Mapping[str, tuple[int, int, int]],
    *,
    blind: bool = False,
) -> str:
    """Return the code tree with counts shown beside the coding form (HTML).

    Parameters
    ----------
    themes, kinds : sequence of (code id, label)
        The codes under "Thema's" and under "Soort inbreng" (left out when empty).
    counts : mapping
        ``{code id: (segments you coded with it, the machine, everyone)}``; missing codes count 0.
    blind : bool, default False
        Leave out the machine's column (and the total, which includes it).
    """
    heads = ["jij"] if blind else ["jij", "machine", "totaal"]
    th = "".join(f'<th style="text-align:right;padding:0 .4em">{h}</th>' for h in heads)
    rows = []
    for title, codes in (("Thema's", themes), ("Soort inbreng", kinds)):
        if not codes:
            continue
        rows.append(f'<tr><td colspan="{len(heads) + 1}"><b>{title}</b></td></tr>')
        for code, label in codes:
            values = counts.get(code, (0, 0, 0))[: len(heads)]
            cells = "".join(f'<td style="text-align:right;padding:0 .4em">{v}</td>' for v in values)
            rows.append(
                f'<tr data-code="{_esc(code)}"><td title="{_esc(code)}">{_esc(label)}</td>{cells}</tr>'
            )
    return (
        '<div class="wijk-code-frequencies"><b>Codes</b> <small>(segmenten)</small>'
        f'<table style="font-size:.9em"><tr><th></th>{th}</tr>{"".join(rows)}</table></div>'
    )
