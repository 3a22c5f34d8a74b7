"""The coding widget of ``notebooks/explore/06_coderen.ipynb``: go through segments, decide, save at once.

:class:`CodingWidget` shows one segment at a time — with the text before and after it, where it comes from,
who speaks, the survey question it answers, and the machine's proposals as tick boxes — and lets a person
tick, untick or add themes, say "geen thema" (with or without a kind of input), tick the kind of input,
code a selected span of the text, and write a memo; beside the form, per code, how many segments were coded
with it. *Opslaan* writes the decision to the store right away through :mod:`wijkanalyse.review.decisions`:
ticked and added codes become the person's applied codes on the segment, unticked proposals are recorded as
rejected, the memo is added; *Codeer selectie* stores a span at once. Every action is also a method
(:meth:`CodingWidget.choose`, :meth:`CodingWidget.select`, :meth:`CodingWidget.code_selection`,
:meth:`CodingWidget.save`, :meth:`CodingWidget.next`), so the widget can be built and driven without a
browser (papermill, nbval, tests); building it writes nothing (except drawing a ``check`` sample, which is
recorded as the check sample, as on the command line).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from wijkanalyse.analysis.cooccurrence import code_frequencies
from wijkanalyse.coding.codebook import settings_codebook
from wijkanalyse.config import Settings, load_settings
from wijkanalyse.exceptions import MissingDependencyError, WijkanalyseError
from wijkanalyse.explore.coding_panels import frequency_panel
from wijkanalyse.review import decisions as review
from wijkanalyse.review.context import question_text, speaker_text
from wijkanalyse.store import Store
from wijkanalyse.update import ensure_store
from wijkanalyse.vocabulary import SOORT_DIMENSION

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets

__all__ = ["open_project", "coding_progress", "frequency_panel", "CodingWidget"]


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
        Absolute, or relative: found by :func:`wijkanalyse.config.resolve_corpus` (the current folder, the
        workspace, the project root, the source checkout), as everywhere.
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
    settings = load_settings(corpus, settings_file, **overrides)  # found by config.resolve_corpus
    if build_store:
        ensure_store(settings)
    store = Store(settings.store_path, create=False)
    review.ensure_codes(store, settings_codebook(settings))  # code with the settings' codebook
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
    """Go through segments one by one: the machine's proposals, your codes, spans, a memo; saved at once.

    The form has separate selectors for the two dimensions of a codebook: the *themes* (the machine's theme
    proposals as tick boxes, a field to add other themes, and "geen thema" — no theme applies) and the *kinds
    of input* (one tick box per ``soort`` code; none when the codebook has no kinds). "geen" goes with a kind
    of input, never with a theme: ticking it unticks the themes. The machine's proposals are pre-ticked
    (themes and kind alike) until you decide yourself; with ``blind`` nothing of the machine is shown or
    pre-ticked, and nothing you leave unticked is recorded as rejected.

    **Spans:** select text in the segment, choose a code and click *Codeer selectie*: the code is stored on
    that span (:func:`wijkanalyse.review.decisions.add_span_coding`) and applies to the segment from then on
    (its tick box or tag is set, so a later *Opslaan* keeps it). Spans you coded are highlighted.

    **Code frequencies** beside the selectors: per code the segments you, the machine and everyone together
    coded with it (:func:`wijkanalyse.analysis.cooccurrence.code_frequencies`, of ``wijk`` when given),
    updated after each save.

    Parameters
    ----------
    store : Store
    coder : str
        Your coder id (registered at the first save).
    segment_ids : sequence of str, optional
        The segments to go through, in this order. Default: with ``sample``, a round chosen by
        :func:`wijkanalyse.review.sampling.choose_segments` with ``strategy`` (as ``wijkanalyse review export
        --sample N``); without ``sample``, every segment (of ``wijk``) in document order.
    wijk : str, optional
    sample : int, optional
    seed : int, default 42
    strategy : str, optional
        ``mix``, ``uncertain``, ``diverse``, ``random`` or ``check`` (see :mod:`wijkanalyse.review.sampling`).
        Default as in the command line: ``mix`` — which needs ``settings`` (the coding engine); without
        settings, a plain random sample (:func:`wijkanalyse.review.select_segments`, same seed, same sample).
    settings : Settings, optional
        The corpus settings, for the strategies that ask the coding engine.
    blind : bool, optional
        Hide the machine's proposals (for measuring agreement without anchoring on them). Default: blind for
        the ``check`` strategy only, as on the command line.
    questions : mapping, optional
        ``{question key: question text}`` of the surveys (:func:`wijkanalyse.review.context.question_texts`
        of the settings): a survey answer shows the question it answers (else its key).

    Examples
    --------
    >>> w = CodingWidget(store, "anna", sample=20)       # doctest: +SKIP
    >>> w                                                 # doctest: +SKIP  (shows it in JupyterLab)
    >>> w.choose(["vertrouwen", "verbeteren"], memo="scherp punt")  # doctest: +SKIP  (the tick boxes)
    >>> w.select(4, 31); w.code_selection("financiering")  # doctest: +SKIP  (select text, code it)
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
        blind: bool | None = None,
        questions: Mapping[str, str] | None = None,
        strategy: str | None = None,
        settings: Settings | None = None,
    ):
        cid = (coder or "").strip()
        if not cid or cid.lower() == review.MACHINE:
            raise review.ReviewError(f"Choose your own coder id (not empty, not 'machine'). Got {coder!r}.")
        self.store = store
        self.coder = cid
        chosen_by = None
        if segment_ids is None and sample is not None:
            chosen_by = strategy or ("mix" if settings is not None else None)
        self.blind = (chosen_by == "check") if blind is None else blind
        self.wijk = wijk
        self.questions = dict(questions or {})
        if segment_ids is None and chosen_by is not None and sample is not None:
            from wijkanalyse.review.sampling import choose_segments

            segment_ids = choose_segments(
                store, chosen_by, sample, coder=cid, seed=seed, settings=settings, wijk=wijk,
                blind=self.blind,
            )  # fmt: skip
        elif segment_ids is None:
            segment_ids = list(
                review.select_segments(store, wijk=wijk, sample=sample, seed=seed)["segment_id"]
            )
        self.segment_ids = list(segment_ids)
        codes = review.known_codes(store)
        self._labels = dict(zip(codes["code_id"], codes["label_nl"], strict=True))
        is_kind = codes["dimension"] == SOORT_DIMENSION
        self._kinds = [str(c) for c in codes.loc[is_kind, "code_id"]]
        self._themes = [str(c) for c in codes.loc[~is_kind, "code_id"] if c != review.NONE_CODE]
        self._text = ""
        self._conf: dict[str, float | None] = {}
        self._counts: dict[str, tuple[int, int, int]] = {}
        self._proposed_kinds: set[str] = set()
        self.index = 0
        self._build()
        if self.segment_ids:
            self.show(0)
        else:
            self._message("Geen segmenten om te coderen met deze keuze (wijk, steekproef).", error=True)

    # -- widgets ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        w = _ipywidgets()
        from wijkanalyse.explore.span_selector import SpanSelector

        self._header = w.HTML()
        self._spans = SpanSelector(layout=w.Layout(width="100%"))
        self._spans.observe(lambda _c: self._show_selection(), names="selection")
        options = [(f"{self._labels.get(c, c)} [{c}]", c) for c in [*self._themes, *self._kinds]]
        self._span_code = w.Dropdown(options=options, description="Code", layout=w.Layout(width="22em"))
        self._span_btn = w.Button(description="Codeer selectie", disabled=True)
        self._span_btn.on_click(lambda _b: self.code_selection())
        self._span_info = w.HTML()
        self._span_list = w.HTML()
        self._span_pick = w.Dropdown(options=[], layout=w.Layout(width="30em"))
        self._span_del = w.Button(description="Verwijder stuk")
        self._span_del.on_click(lambda _b: self._span_pick.value and self.remove_span(*self._span_pick.value))
        self._span_remove = w.HBox([self._span_pick, self._span_del], layout=w.Layout(display="none"))
        self._proposal_box = w.VBox()
        self._checks: dict[str, ipywidgets.Checkbox] = {}
        self._extra = w.TagsInput(allowed_tags=self._themes, allow_duplicates=False)
        self._none = w.Checkbox(description="geen thema (geen van deze codes)", indent=False)
        self._none.observe(self._on_none, names="value")
        self._kind_checks = {k: w.Checkbox(description=k, indent=False) for k in self._kinds}
        self._memo = w.Textarea(placeholder="Memo bij dit segment (optioneel)", layout=w.Layout(width="100%"))
        self._status = w.HTML()
        self._freq = w.HTML(layout=w.Layout(width="100%"))
        buttons = []
        for label, style, action in (
            ("◀ Vorige", "", self.previous), ("Opslaan", "primary", self.save),
            ("Opslaan en volgende ▶", "success", self._save_and_next), ("Overslaan ▶", "", self.next),
        ):  # fmt: skip
            button = w.Button(description=label, button_style=style)
            button.on_click(lambda _b, act=action: act())
            buttons.append(button)
        self._prev_btn, self._save_btn, self._save_next_btn, self._skip_btn = buttons
        kinds = (
            [w.HTML("<b>Soort inbreng</b>"), w.VBox(list(self._kind_checks.values()))] if self._kinds else []
        )
        form = w.VBox(
            [
                self._header,
                self._spans,
                w.HBox([self._span_code, self._span_btn, self._span_info]),
                self._span_list,
                self._span_remove,
                w.HTML(
                    "<b>Thema's</b>"
                    + ("" if self.blind else " — voorstellen van de machine (vinkje weg = past niet)")
                ),  # fmt: skip
                *([] if self.blind else [self._proposal_box]),
                w.HTML("Andere thema's (typ om te zoeken; Enter voegt toe)"),
                self._extra,
                self._none,
                *kinds,
                self._memo,
                w.HBox(buttons),
                self._status,
            ],
            layout=w.Layout(width="70%"),
        )
        side = w.VBox([self._freq], layout=w.Layout(width="30%", padding="0 0 0 1em"))
        self.widget = w.HBox([form, side], layout=w.Layout(width="100%"))

    def _ipython_display_(self) -> None:
        from IPython.display import display  # only in a notebook, as ipywidgets (see _ipywidgets)

        display(self.widget)

    def _message(self, text: str, error: bool = False) -> None:
        color = "#B2182B" if error else "#1B7837"
        self._status.value = f'<span style="color:{color}">{_esc(text)}</span>'

    def _on_none(self, change: dict[str, Any]) -> None:
        """Ticking "geen thema" unticks the themes (a kind of input stays)."""
        if change["new"]:
            for box in self._checks.values():
                box.value = False
            self._extra.value = []

    # -- navigation ---------------------------------------------------------------------------------------
    @property
    def segment_id(self) -> str | None:
        """The segment shown now (None when there are none)."""
        return self.segment_ids[self.index] if self.segment_ids else None

    # size: one form, filled in from one segment view (header, text, spans, themes, kinds, status)
    def show(self, index: int) -> None:
        """Show segment number ``index`` (0-based) with the person's earlier decisions filled in."""
        if not self.segment_ids:
            return
        self.index = max(0, min(index, len(self.segment_ids) - 1))
        view = review.segment_view(self.store, self.segment_ids[self.index], self.coder)
        who = speaker_text(view["speaker"], view["role"])
        section = " · " + _esc(view["section"]) if view["section"] else ""
        where = " · ".join(_esc(x) for x in (view["wijk"], view["date"], view["path"], who) if x)
        question = question_text(view["question"], self.questions)
        self._header.value = (
            f"<b>Segment {self.index + 1} van {len(self.segment_ids)}</b> — {where}"
            + (f"<br>Vraag: <i>{_esc(question)}</i>" if question else "")
            + f"<br><small>{_esc(view['segment_id'])}{section}</small>"
        )
        self._text = str(view["text"])
        self._spans.set_trait("selection", [])
        self._spans.text, self._spans.before, self._spans.after = self._text, view["before"], view["after"]
        mine = view["mine"]
        proposals = [] if self.blind else [p for p in view["proposals"] if p[0] != review.NONE_CODE]
        w = _ipywidgets()
        self._checks = {}
        self._proposed_kinds = set()
        self._conf = {code: conf for code, conf, _s in proposals}
        for code, _conf, status in proposals:
            ticked = mine.get(code) == "applied" if mine else status == "applied"
            if code in self._kind_checks:
                self._proposed_kinds.add(code)
                self._kind_checks[code].value = ticked
                continue
            self._checks[code] = w.Checkbox(value=ticked, description=self._label(code), indent=False)
        for code, box in self._kind_checks.items():
            if code not in self._proposed_kinds:
                box.value = mine.get(code) == "applied"
        self._proposal_box.children = list(self._checks.values())
        applied = [c for c, s in mine.items() if s == "applied"]
        self._none.value = review.NONE_CODE in applied
        self._extra.value = [c for c in applied if c in self._themes and c not in self._checks]
        self._memo.value = ""
        self._refresh_spans()
        self._refresh_frequencies()
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

    # -- what the form shows --------------------------------------------------------------------------------
    def _label(self, code: str) -> str:
        """Return label, id, the machine's confidence, segments: "Geld [financiering] (0.83) · 12×"."""
        conf = self._conf.get(code)
        total = self._counts.get(code, (0, 0, 0))[2]
        return (
            f"{self._labels.get(code, code)} [{code}]"
            + (f" ({conf:.2f})" if conf is not None else "")
            + (f" · {total}×" if total else "")
        )

    def _refresh_frequencies(self) -> None:
        """Count per code the segments coded with it (you, the machine, everyone) and show them."""
        freq = code_frequencies(self.store, by="coder", wijk=self.wijk)
        you = freq[self.coder] if self.coder in freq else pd.Series(0, index=freq.index)
        machine = freq[review.MACHINE] if review.MACHINE in freq else pd.Series(0, index=freq.index)
        self._counts = {
            str(c): (int(a), int(m), int(t))
            for c, a, m, t in zip(freq["code_id"], you, machine, freq["total"], strict=True)
        }
        self._freq.value = frequency_panel(
            [(c, self._labels.get(c, c)) for c in [*self._themes, review.NONE_CODE]],
            [(c, self._labels.get(c, c)) for c in self._kinds],
            self._counts,
            blind=self.blind,
        )
        for code, box in [*self._checks.items(), *self._kind_checks.items()]:
            box.description = self._label(code)

    def _refresh_spans(self) -> None:
        seg = self.segment_id
        spans = review.span_codings(self.store, seg, self.coder) if seg else pd.DataFrame()
        self._spans.spans = [
            [int(r.span_start), int(r.span_end), self._labels.get(r.code_id, r.code_id)]
            for r in spans.itertuples()
        ]
        self._span_list.value = (
            "Jouw gecodeerde stukken: "
            + "; ".join(f"«{_esc(r.quote)}» → {_esc(r.code_id)}" for r in spans.itertuples())
            if len(spans)
            else ""
        )
        self._span_pick.options = [
            (f"«{str(r.quote)[:40]}» → {r.code_id}", (str(r.code_id), int(r.span_start), int(r.span_end)))
            for r in spans.itertuples()
        ]
        self._span_remove.layout.display = "flex" if len(spans) else "none"

    def _show_selection(self) -> None:
        sel = list(self._spans.selection)
        ok = len(sel) == 2 and 0 <= sel[0] < sel[1] <= len(self._text)
        self._span_btn.disabled = not ok
        quote = self._text[sel[0] : sel[1]] if ok else ""
        self._span_info.value = (
            f"Selectie: «{_esc(quote[:80])}{'…' if len(quote) > 80 else ''}»" if ok else ""
        )

    # -- deciding -----------------------------------------------------------------------------------------
    def select(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` of the segment, as the researcher does with the mouse in JupyterLab."""
        self._spans.selection = [int(start), int(end)]

    def code_selection(self, code: str | None = None) -> bool:
        """Code the selected text with ``code`` (default: the code chosen beside the button); saved at once.

        Returns
        -------
        bool
            True when stored; False (with the reason shown in the widget) when nothing is selected, the code
            is unknown, or "geen" applies to the segment and the code is a theme.
        """
        seg, sel = self.segment_id, list(self._spans.selection)
        code = code or self._span_code.value
        if seg is None or len(sel) != 2:
            self._message(
                "Selecteer eerst tekst in het segment, kies een code, en klik 'Codeer selectie'.", True
            )
            return False
        if code in self._themes and review.NONE_CODE in self.store.human_applied_codes(seg, self.coder):
            self._message(
                f"Je koos 'geen thema' voor dit segment; haal dat eerst weg om {code!r} te coderen.", True
            )
            return False
        try:
            review.add_span_coding(self.store, seg, code, self.coder, int(sel[0]), int(sel[1]))
        except WijkanalyseError as exc:
            self._message(str(exc), error=True)
            return False
        if code in self._kind_checks:  # the form follows: the code applies to the segment now
            self._kind_checks[code].value = True
        elif code in self._checks:
            self._checks[code].value = True
        elif code not in self._extra.value:
            self._extra.value = [*self._extra.value, code]
        quote = self._text[int(sel[0]) : int(sel[1])]
        self._spans.selection = []
        self._refresh_spans()
        self._refresh_frequencies()
        self._message(f"Gecodeerd: {self._labels.get(code, code)} op «{quote[:80]}».")
        return True

    def remove_span(self, code: str, start: int, end: int) -> bool:
        """Withdraw your coding of ``code`` on ``text[start:end]``; saved at once.

        When it was your last coding of the code on the segment, the form unticks the code as well.
        """
        seg = self.segment_id
        if seg is None:
            return False
        try:
            gone = review.remove_span_coding(self.store, seg, code, self.coder, int(start), int(end))
        except WijkanalyseError as exc:
            self._message(str(exc), error=True)
            return False
        if code not in self.store.human_applied_codes(seg, self.coder):
            for box in (self._checks.get(code), self._kind_checks.get(code)):
                if box is not None:
                    box.value = False
            self._extra.value = [c for c in self._extra.value if c != code]
        self._refresh_spans()
        self._refresh_frequencies()
        self._message("Stuk verwijderd." if gone else "Dat stuk was niet (meer) gecodeerd.", error=not gone)
        return gone

    def choose(self, codes: Sequence[str] = (), *, none: bool = False, memo: str = "") -> None:
        """Set the form as a person would: tick the proposals in ``codes``, untick the others, add the rest.

        Parameters
        ----------
        codes : sequence of str
            Codes that apply: themes (proposals get ticked; others go into the theme field) and kinds of
            input (their tick boxes); ``geen`` is the same as ``none=True``.
        none : bool, default False
            Tick "geen thema (geen van deze codes)"; a kind of input can go with it.
        memo : str
        """
        self._none.value = none or review.NONE_CODE in codes  # first: it unticks the themes
        themes = [c for c in codes if c not in self._kind_checks and c != review.NONE_CODE]
        for code, box in self._checks.items():
            box.value = code in themes
        self._extra.value = [c for c in themes if c not in self._checks]
        for code, box in self._kind_checks.items():
            box.value = code in codes
        self._memo.value = memo

    def decision(self) -> tuple[list[str], list[str]]:
        """Return the codes the form says apply, and the proposals it turns down."""
        applied = [c for c, box in self._checks.items() if box.value] + list(self._extra.value)
        if self._none.value:
            applied.append(review.NONE_CODE)
        applied += [c for c, box in self._kind_checks.items() if box.value]
        rejected = [c for c, box in self._checks.items() if not box.value]
        rejected += [c for c in self._proposed_kinds if not self._kind_checks[c].value]
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
        self._refresh_frequencies()
        self._message(
            f"Opgeslagen: {counts['added']} code(s) toegevoegd, {counts['removed']} weggehaald, "
            f"{counts['rejected']} voorstel(len) afgewezen" + (", memo bewaard." if memo else ".")
        )
        return True
