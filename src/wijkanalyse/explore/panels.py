"""Interactive panels (ipywidgets 8) of the explore notebooks: search, theme map, compare, promote.

Each panel is a small class: build it, display it (it renders itself), and use it; every action is also a
method, so a notebook run without a person at the keyboard (papermill, nbval) can call it directly. Results go
into the panel's ``Output`` widget with ``append_display_data`` rather than inside ``with output:`` (showing a
plotly figure inside that context hangs a kernel that has no frontend, as under papermill). The
computations are the library's (:mod:`wijkanalyse.search`, :mod:`wijkanalyse.explore`); the panels only wire
widgets to them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import HTML, display

from wijkanalyse.exceptions import MissingDependencyError, WijkanalyseError
from wijkanalyse.explore import codebook_dev
from wijkanalyse.explore.compare import cell_quotes
from wijkanalyse.explore.display import hits_html, quotes_html
from wijkanalyse.explore.figures import COLOR_BY, hits_on_map_figure, theme_map_figure
from wijkanalyse.explore.workbench import Workbench
from wijkanalyse.search import SearchError, save_search_as_code_proposal, save_search_as_memo

__all__ = ["SearchPanel", "ThemeMapPanel", "ComparePanel", "PromotePanel"]


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError("ipywidgets", purpose="the interactive panels of the notebooks") from exc
    return ipywidgets


class _Panel:
    widget: Any

    def _ipython_display_(self) -> None:
        display(self.widget)


class SearchPanel(_Panel):
    """Search by keyword, by meaning or both; see the hits in context; save them as a memo or a code proposal.

    Parameters
    ----------
    wb : Workbench
    query : str, optional
        Filled in and searched at once when given.
    mode : {"hybrid", "keyword", "semantic"}, default "hybrid"
    author : str, optional
        Pre-filled author of saved searches.
    theme_map : DataFrame, optional
        A theme map (:meth:`Workbench.theme_map`): the hits are then also marked on it.
    """

    def __init__(
        self,
        wb: Workbench,
        query: str = "",
        mode: str = "hybrid",
        author: str = "",
        theme_map: pd.DataFrame | None = None,
    ):
        w = _widgets()
        self.wb = wb
        self.theme_map = theme_map
        self.hits: pd.DataFrame | None = None
        segs = wb.search_index.frame
        wijken = sorted(str(x) for x in segs["wijk"].dropna().unique())
        roles = sorted(str(x) for x in segs["role"].dropna().unique())
        self.query = w.Text(
            value=query,
            continuous_update=False,
            placeholder='bijv. bewoners "huur van het buurthuis" wijk* -enquete',
        )
        self.mode = w.ToggleButtons(
            options=[("beide", "hybrid"), ("trefwoord", "keyword"), ("betekenis", "semantic")], value=mode
        )
        self.wijk = w.Dropdown(options=[("alle wijken", None), *((x, x) for x in wijken)], description="Wijk")
        self.role = w.Dropdown(options=[("alle rollen", None), *((x, x) for x in roles)], description="Rol")
        self.limit = w.IntSlider(value=20, min=5, max=100, step=5, description="Aantal")
        self.button = w.Button(description="Zoeken", button_style="primary", icon="search")
        self.out = w.Output()
        self.author = w.Text(value=author, description="Auteur", placeholder="uw naam of initialen")
        self.note = w.Textarea(description="Notitie", placeholder="wat valt op?")
        self.save_memo_button = w.Button(description="Bewaar als memo", icon="save")
        self.code_id = w.Text(description="Code-id", placeholder="bijv. huur_buurthuis")
        self.code_label = w.Text(description="Label", placeholder="bijv. Huur van het buurthuis")
        self.definition = w.Textarea(description="Definitie")
        self.save_code_button = w.Button(description="Bewaar als codevoorstel", icon="tag")
        self.status = w.HTML()
        self.button.on_click(lambda _: self.search())
        self.query.observe(lambda _: self.search(), names="value")  # on Enter or leaving the field
        self.save_memo_button.on_click(lambda _: self._safe(self.save_memo))
        self.save_code_button.on_click(lambda _: self._safe(self.save_code_proposal))
        self.widget = w.VBox(
            [
                w.HBox([self.query, self.mode, self.button]),
                w.HBox([self.wijk, self.role, self.limit]),
                self.out,
                w.HTML("<b>Bewaren</b>"),
                w.HBox([self.author, self.save_memo_button]),
                self.note,
                w.HBox([self.code_id, self.code_label, self.save_code_button]),
                self.definition,
                self.status,
            ]
        )
        if query:
            self.search()

    def _safe(self, fn: Any) -> Any:
        try:
            return fn()
        except WijkanalyseError as exc:
            self.status.value = f"<span style='color:#B00'>{exc}</span>"
            return None

    def search(self) -> pd.DataFrame | None:
        """Run the search in the fields and show the hits; return the hit table (None on a bad query)."""
        filters = {k: v for k, v in (("wijk", self.wijk.value), ("role", self.role.value)) if v is not None}
        hits = self._safe(
            lambda: self.wb.search_index.search(
                self.query.value, mode=self.mode.value, limit=self.limit.value, **filters
            )
        )
        self.out.outputs = ()
        if hits is None:
            return None
        self.hits = hits
        self.status.value = ""
        self.out.append_display_data(HTML(hits_html(hits)))
        if self.theme_map is not None and len(hits):
            self.out.append_display_data(hits_on_map_figure(self.theme_map, hits, height=500))
        return hits

    def save_memo(self) -> int:
        """Save the last search as a memo on the project; return the memo id."""
        if self.hits is None:
            raise _no_search()
        memo_id = save_search_as_memo(
            self.wb.store, self.hits.attrs["query"], self.hits, self.author.value, self.note.value
        )
        self.status.value = f"Memo {memo_id} bewaard ({len(self.hits)} segmenten)."
        return memo_id

    def save_code_proposal(self) -> int:
        """Save the last search as a code proposal (a memo on the proposed code); return the memo id."""
        if self.hits is None:
            raise _no_search()
        memo_id = save_search_as_code_proposal(
            self.wb.store,
            self.hits.attrs["query"],
            self.hits,
            self.author.value,
            code_id=self.code_id.value.strip(),
            label_nl=self.code_label.value,
            definition=self.definition.value,
        )
        self.status.value = f"Codevoorstel {self.code_id.value!r} bewaard als memo {memo_id}."
        return memo_id


def _no_search() -> Exception:
    return SearchError("Nothing to save yet: run a search first.")


class ThemeMapPanel(_Panel):
    """The theme map with controls: colour by code / theme / kind of input / wijk, filter by wijk and kind.

    Parameters
    ----------
    frame : DataFrame
        From :meth:`Workbench.theme_map`.
    color_by : str, default "code"
    height : int, default 650
    """

    def __init__(self, frame: pd.DataFrame, color_by: str = "code", height: int = 650):
        w = _widgets()
        self.frame = frame
        self.height = height
        soorten = sorted({s for ids in frame["soort_ids"] for s in ids.split("|") if s})
        self.color_by = w.Dropdown(
            options=[(v, k) for k, v in COLOR_BY.items()], value=color_by, description="Kleur"
        )
        self.wijk = w.Dropdown(
            options=[("alle wijken", None), *((x, x) for x in sorted(frame["wijk"].unique()))],
            description="Wijk",
        )
        self.soort = w.Dropdown(
            options=[("alle soorten", None), *((x, x) for x in soorten)], description="Soort"
        )
        self.kind = w.Dropdown(
            options=[("alle bronnen", None), *((x, x) for x in sorted(frame["kind"].unique()) if x)],
            description="Bron",
        )
        self.out = w.Output()
        for control in (self.color_by, self.wijk, self.soort, self.kind):
            control.observe(lambda _: self.draw(), names="value")
        self.widget = w.VBox([w.HBox([self.color_by, self.wijk, self.soort, self.kind]), self.out])
        self.draw()

    def figure(self) -> Any:
        """Return the figure for the current controls."""
        return theme_map_figure(
            self.frame,
            color_by=self.color_by.value,
            wijk=self.wijk.value,
            soort=self.soort.value,
            kind=self.kind.value,
            height=self.height,
        )

    def draw(self) -> None:
        """Redraw the map."""
        self.out.outputs = ()
        self.out.append_display_data(self.figure())


class ComparePanel(_Panel):
    """Pick a cell of the comparison (a wijk or the city, and a theme) and read its quotes.

    Parameters
    ----------
    data : AnalysisData
    table : DataFrame
        From :func:`wijkanalyse.explore.compare.compare_wijken`.
    """

    def __init__(self, data: Any, table: pd.DataFrame):
        w = _widgets()
        self.data = data
        wijken = list(dict.fromkeys(table["wijk"]))
        themes = list(dict.fromkeys(zip(table["label"], table["theme"], strict=True)))
        self.wijk = w.Dropdown(options=wijken, description="Wijk")
        self.theme = w.Dropdown(options=themes, description="Thema")
        self.out = w.Output()
        self.wijk.observe(lambda _: self.show(), names="value")
        self.theme.observe(lambda _: self.show(), names="value")
        self.widget = w.VBox([w.HBox([self.wijk, self.theme]), self.out])
        if wijken and themes:
            self.show()

    def quotes(self) -> pd.DataFrame:
        """Return the quotes of the selected cell."""
        return cell_quotes(self.data, self.wijk.value, self.theme.value)

    def show(self) -> None:
        """Show the quotes of the selected cell."""
        self.out.outputs = ()
        self.out.append_display_data(HTML(quotes_html(self.quotes())))


class PromotePanel(_Panel):
    """Promote a discovered theme to a code: pick the theme, give the code an id, a label and a definition.

    Parameters
    ----------
    wb : Workbench
    overview : DataFrame
        From :func:`wijkanalyse.explore.codebook_dev.discovered_overview`.
    """

    def __init__(self, wb: Workbench, overview: pd.DataFrame):
        w = _widgets()
        self.wb = wb
        options = [(f"{r.theme} ({r.segments})", r.theme_id) for r in overview.itertuples(index=False)]
        self.theme = w.Dropdown(options=options, description="Thema")
        self.code_id = w.Text(description="Code-id")
        self.label = w.Text(description="Label")
        self.definition = w.Textarea(description="Definitie")
        self.button = w.Button(description="Promoveer tot code", icon="arrow-up")
        self.status = w.HTML()
        self.button.on_click(lambda _: self._click())
        self.widget = w.VBox(
            [self.theme, w.HBox([self.code_id, self.label]), self.definition, self.button, self.status]
        )

    def _click(self) -> None:
        try:
            result = self.promote()
        except (WijkanalyseError, TypeError, ValueError) as exc:
            self.status.value = f"<span style='color:#B00'>{exc}</span>"
            return
        self.status.value = f"Thema gepromoveerd: {result!r}"

    def promote(self) -> Any:
        """Promote the selected theme with the fields' id, label and definition."""
        result = codebook_dev.promote(
            self.wb.store,
            self.wb.settings,
            self.theme.value,
            code_id=self.code_id.value.strip(),
            label_nl=self.label.value,
            definition=self.definition.value,
        )
        self.wb.refresh()
        return result
