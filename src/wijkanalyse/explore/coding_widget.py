"""The coding widget of ``notebooks/explore/06_coderen.ipynb``: go through segments, decide, save at once.

:class:`CodingWidget` shows one segment at a time — with the text before and after it, where it comes from,
and the machine's proposals as tick boxes — and lets a person tick, untick or add codes, say "geen van deze",
and write a memo. *Opslaan* writes the decision to the store right away through
:mod:`wijkanalyse.review.decisions`: ticked and added codes become the person's applied codes on the segment,
unticked proposals are recorded as rejected, the memo is added. Every action is also a method
(:meth:`CodingWidget.choose`, :meth:`CodingWidget.save`, :meth:`CodingWidget.next`), so the widget can be
built and driven without a browser (papermill, nbval, tests); building it writes nothing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from wijkanalyse.coding.codebook import load_codebook
from wijkanalyse.config import PROJECT_ROOT, Settings, load_settings
from wijkanalyse.exceptions import MissingDependencyError, SettingsError, WijkanalyseError
from wijkanalyse.review import decisions as review
from wijkanalyse.store import Store
from wijkanalyse.update import ensure_store

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets

__all__ = ["open_project", "coding_progress", "CodingWidget"]


def _ipywidgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError("ipywidgets", purpose="the coding widget") from exc
    return ipywidgets


def open_project(
    corpus: str | Path = "corpora/demo",
    settings_file: str | Path | None = None,
    *,
    build_store: bool = True,
    **overrides: Any,
) -> tuple[Settings, Store]:
    """Open a corpus's settings and store for coding; build the store first when it is missing or empty.

    Parameters
    ----------
    corpus : str or path, default "corpora/demo"
        Absolute, or relative to the project root (then to the current folder).
    settings_file : path, optional
    build_store : bool, default True
        Ingest (and machine-code, when the coding engine is installed) a corpus whose store is missing or
        empty, through :func:`wijkanalyse.update.ensure_store`.
    **overrides
        Settings that win over the file (``store_dir`` ...); None values are ignored.

    Returns
    -------
    (Settings, Store)

    Raises
    ------
    SettingsError
        If the corpus folder does not exist.
    """
    path = Path(corpus).expanduser()
    if not path.is_absolute():
        candidates = [PROJECT_ROOT / path, Path.cwd() / path]
        found = next((c for c in candidates if c.is_dir()), None)
        if found is None:
            raise SettingsError(
                f"Corpus folder {str(corpus)!r} not found. Tried: {', '.join(map(str, candidates))}."
            )
        path = found
    settings = load_settings(path, settings_file, **overrides)
    if build_store:
        ensure_store(settings)
    store = Store(settings.store_path, create=False)
    review.ensure_codes(store, load_codebook(settings.codebook_path))  # code with the settings' codebook
    return settings, store


def coding_progress(store: Store, coder: str | None = None) -> pd.DataFrame:
    """Segments per wijk, and how many each person (or one person) has coded.

    Returns
    -------
    DataFrame
        ``wijk, segments`` and one column per person with the number of segments they coded; empty columns
        when nobody has coded yet.
    """
    segs = store.segment_wijks()
    total = segs.groupby("wijk").size().rename("segments")
    coded = store.human_coded_segments()
    if coder:
        coded = coded[coded["coder_id"] == coder]
    table = total.to_frame()
    if not coded.empty:
        merged = coded.merge(segs, on="segment_id")
        table = table.join(merged.groupby(["wijk", "coder_id"]).size().unstack(fill_value=0)).fillna(0)
    return table.astype(int).reset_index()


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text))


class CodingWidget:
    """Go through segments one by one: the machine's proposals, your codes, a memo; saved at once.

    Parameters
    ----------
    store : Store
    coder : str
        Your coder id (registered at the first save).
    segment_ids : sequence of str, optional
        The segments to go through, in this order. Default: :func:`wijkanalyse.review.select_segments` with
        ``wijk``, ``sample`` and ``seed``.
    wijk : str, optional
    sample : int, optional
    seed : int, default 42
    blind : bool, default False
        Hide the machine's proposals (for measuring agreement without anchoring on them).

    Examples
    --------
    >>> w = CodingWidget(store, "anna", sample=20)       # doctest: +SKIP
    >>> w                                                 # doctest: +SKIP  (shows it in JupyterLab)
    >>> w.choose(["vertrouwen"], memo="scherp punt")      # doctest: +SKIP  (what the tick boxes do)
    >>> w.save(); w.next()                                # doctest: +SKIP
    """

    def __init__(
        self,
        store: Store,
        coder: str,
        segment_ids: Sequence[str] | None = None,
        *,
        wijk: str | None = None,
        sample: int | None = None,
        seed: int = 42,
        blind: bool = False,
    ):
        cid = (coder or "").strip()
        if not cid or cid.lower() == review.MACHINE:
            raise review.ReviewError(f"Choose your own coder id (not empty, not 'machine'). Got {coder!r}.")
        self.store = store
        self.coder = cid
        self.blind = blind
        if segment_ids is None:
            segment_ids = list(
                review.select_segments(store, wijk=wijk, sample=sample, seed=seed)["segment_id"]
            )
        self.segment_ids = list(segment_ids)
        codes = review.known_codes(store)
        self._labels = dict(zip(codes["code_id"], codes["label_nl"], strict=True))
        self._all_codes = [c for c in codes["code_id"] if c != review.NONE_CODE]
        self.index = 0
        self._build()
        if self.segment_ids:
            self.show(0)
        else:
            self._message("Geen segmenten om te coderen met deze keuze (wijk, steekproef).", error=True)

    # -- widgets ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        w = _ipywidgets()
        self._header = w.HTML()
        self._text = w.HTML(layout=w.Layout(width="100%"))
        self._proposal_box = w.VBox()
        self._checks: dict[str, ipywidgets.Checkbox] = {}
        self._extra = w.TagsInput(allowed_tags=self._all_codes, allow_duplicates=False)
        self._none = w.Checkbox(description="geen van deze codes", indent=False)
        self._memo = w.Textarea(placeholder="Memo bij dit segment (optioneel)", layout=w.Layout(width="100%"))
        self._status = w.HTML()
        self._prev_btn = w.Button(description="◀ Vorige")
        self._save_btn = w.Button(description="Opslaan", button_style="primary")
        self._save_next_btn = w.Button(description="Opslaan en volgende ▶", button_style="success")
        self._skip_btn = w.Button(description="Overslaan ▶")
        self._prev_btn.on_click(lambda _b: self.previous())
        self._save_btn.on_click(lambda _b: self.save())
        self._save_next_btn.on_click(lambda _b: self._save_and_next())
        self._skip_btn.on_click(lambda _b: self.next())
        proposals_title = w.HTML("<b>Voorstellen van de machine</b> (vinkje weg = past niet)")
        self.widget = w.VBox(
            [
                self._header,
                self._text,
                *([] if self.blind else [proposals_title, self._proposal_box]),
                w.HTML("<b>Codes</b> (typ om te zoeken; Enter voegt toe)"),
                self._extra,
                self._none,
                self._memo,
                w.HBox([self._prev_btn, self._save_btn, self._save_next_btn, self._skip_btn]),
                self._status,
            ]
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display  # only in a notebook, as ipywidgets (see _ipywidgets)

        display(self.widget)

    def _message(self, text: str, error: bool = False) -> None:
        color = "#B2182B" if error else "#1B7837"
        self._status.value = f'<span style="color:{color}">{_esc(text)}</span>'

    # -- navigation ---------------------------------------------------------------------------------------
    @property
    def segment_id(self) -> str | None:
        """The segment shown now (None when there are none)."""
        return self.segment_ids[self.index] if self.segment_ids else None

    def show(self, index: int) -> None:
        """Show segment number ``index`` (0-based) with the person's earlier decisions filled in."""
        if not self.segment_ids:
            return
        self.index = max(0, min(index, len(self.segment_ids) - 1))
        view = review.segment_view(self.store, self.segment_ids[self.index], self.coder)
        who = " ".join(x for x in (view["speaker"], f"({view['role']})" if view["role"] else None) if x)
        section = " · " + _esc(view["section"]) if view["section"] else ""
        where = " · ".join(_esc(x) for x in (view["wijk"], view["date"], view["path"], who) if x)
        self._header.value = (
            f"<b>Segment {self.index + 1} van {len(self.segment_ids)}</b> — {where}"
            f"<br><small>{_esc(view['segment_id'])}{section}</small>"
        )
        self._text.value = (
            f'<div style="color:#777">{_esc(view["before"])}</div>'
            f'<div style="font-size:1.1em;margin:.4em 0;padding:.4em;border-left:4px solid #4C78A8">'
            f"{_esc(view['text'])}</div>"
            f'<div style="color:#777">{_esc(view["after"])}</div>'
        )
        mine = view["mine"]
        w = _ipywidgets()
        self._checks = {}
        for code, conf, status in view["proposals"]:
            if code == review.NONE_CODE:
                continue
            ticked = mine.get(code) == "applied" if mine else status == "applied"
            label = f"{self._labels.get(code, code)} [{code}]" + (
                f" ({conf:.2f})" if conf is not None else ""
            )
            self._checks[code] = w.Checkbox(value=ticked, description=label, indent=False)
        self._proposal_box.children = list(self._checks.values())
        applied = [c for c, s in mine.items() if s == "applied"]
        self._extra.value = [c for c in applied if c not in self._checks and c != review.NONE_CODE]
        self._none.value = review.NONE_CODE in applied
        self._memo.value = ""
        earlier = f" Eerder door jou gecodeerd: {', '.join(sorted(applied))}." if applied else ""
        memos = f" {len(view['memos'])} memo('s) bij dit segment." if view["memos"] else ""
        self._status.value = _esc((earlier + memos).strip())

    def next(self) -> None:
        """Go to the next segment."""
        if self.segment_ids and self.index < len(self.segment_ids) - 1:
            self.show(self.index + 1)
        elif self.segment_ids:
            self._message("Dit was het laatste segment van de selectie.")

    def _save_and_next(self) -> None:
        if self.save():
            self.next()

    def previous(self) -> None:
        """Go to the previous segment."""
        if self.index > 0:
            self.show(self.index - 1)

    # -- deciding -----------------------------------------------------------------------------------------
    def choose(self, codes: Sequence[str] = (), *, none: bool = False, memo: str = "") -> None:
        """Set the form as a person would: tick the proposals in ``codes``, untick the others, add the rest.

        Parameters
        ----------
        codes : sequence of str
            Codes that apply (proposals get ticked; others go into the code field).
        none : bool, default False
            Tick "geen van deze codes".
        memo : str
        """
        for code, box in self._checks.items():
            box.value = code in codes
        self._extra.value = [c for c in codes if c not in self._checks]
        self._none.value = none
        self._memo.value = memo

    def decision(self) -> tuple[list[str], list[str]]:
        """Return the codes the form says apply, and the proposals it turns down."""
        applied = [c for c, box in self._checks.items() if box.value] + list(self._extra.value)
        if self._none.value:
            applied.append(review.NONE_CODE)
        rejected = [c for c, box in self._checks.items() if not box.value]
        return list(dict.fromkeys(applied)), rejected

    def save(self) -> bool:
        """Write the decision on the shown segment to the store (see the module docstring).

        Returns
        -------
        bool
            True when saved; False (with the reason shown in the widget) when there was nothing to save or the
            decision was refused (e.g. "geen van deze" together with codes).
        """
        seg = self.segment_id
        if seg is None:
            return False
        applied, rejected = self.decision()
        memo = self._memo.value.strip()
        if not applied and not rejected and not memo:
            self._message(
                "Niets gekozen: vink codes aan, voeg ze toe, of kies 'geen van deze codes'.", error=True
            )
            return False
        try:
            counts = {"added": 0, "removed": 0, "rejected": 0}
            if applied or rejected:
                counts.update(
                    review.set_segment_codes(self.store, seg, applied, self.coder, rejected=rejected)
                )
            if memo:
                review.add_memo(self.store, "segment", seg, self.coder, memo)
                self._memo.value = ""
        except WijkanalyseError as exc:
            self._message(str(exc), error=True)
            return False
        self._message(
            f"Opgeslagen: {counts['added']} code(s) toegevoegd, {counts['removed']} weggehaald, "
            f"{counts['rejected']} voorstel(len) afgewezen" + (", memo bewaard." if memo else ".")
        )
        return True
