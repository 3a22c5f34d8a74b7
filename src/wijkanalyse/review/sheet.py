"""The coding sheet: a spreadsheet (Excel) a person codes in, and reading it back into the store.

The coding sheet
----------------
:func:`export_coding_sheet` writes a workbook for one coder with three sheets:

* ``coderen``: one row per segment — ``segment_id``, ``document``, ``wijk``, ``spreker`` (speaker and role,
  whatever of it is known), ``vraag`` (the survey question a survey answer answers: its text from the
  settings, else its key; the column only when the sheet has survey answers), ``context ervoor``, ``tekst``,
  ``context erna``, ``voorstellen machine`` (code and confidence, left out with ``blind=True``), the theme
  columns ``code 1`` ... ``code N``, the kind-of-input column(s) ``soort`` (none when the codebook has no
  kinds), ``afwijzen`` (machine proposals that do not fit; not in a blind sheet) and ``memo``. Code and
  ``soort`` cells are empty or hold the coder's own earlier codes; their dropdowns list the themes (and
  ``geen``) and the kinds respectively. N is the most themes one coder gave one of the exported segments, at
  least 3, or what ``n_code_columns`` (CLI ``--code-columns``) says. The columns a coder does not fill in are
  locked (sheet protection without a password, to prevent accidents — not a security measure).
* ``codes``: the valid code ids with label, dimension and definition (the dropdowns' source): themes and
  ``geen`` first, then the kinds.
* ``info``: coder, export time, filters, seed, codebook version, and how to fill it in.

Every text cell is written as text (never as a formula) with Excel's quote prefix, so a segment that starts
with ``=``, ``+``, ``-`` or ``@`` cannot run as a formula (formula injection; :mod:`wijkanalyse.table_files`).
Every coding as one table (CSV or XLSX) is :func:`wijkanalyse.review.coded_table.export_codings_table`.
The sheet codes whole segments; a span of a segment is coded in the coding widget
(:mod:`wijkanalyse.explore.coding_widget`). A code someone coded on a span counts for its segment here.

Import rules (:func:`import_coding_sheet`, in :mod:`wijkanalyse.review.sheet_import`)
-------------------------------------------------------------------------------------
All rows are checked first, and every problem is reported with its row number at once: unknown segment id
(with the segment that now holds the same text, if any), edited segment text, a segment on two rows, unknown
codes (with the closest valid id), ``geen`` together with a theme (``geen`` says no theme applies; a kind of
input can go with it), a code both applied and in ``afwijzen``, a sheet made for another coder. **If any row
has a problem nothing is applied** — fix the sheet and import again. With ``partial=True`` (CLI
``--partial``) the valid rows are applied and the rows with problems are skipped and listed; use it when a
long sheet has one bad row you want to deal with later.

Then the sheet as a whole is checked for codes moved to a neighbouring row (pasted one row too low, one
column sorted on its own): when over several rows the codes fit the segment of the row above (or below) much
better than their own segment — compared with the machine's, the other coders' and the coder's earlier codes
— the import is refused with the rows named (:mod:`wijkanalyse.review.sheet_checks`); ``allow_shift=True``
(CLI ``--allow-shift``) imports anyway.

For every row with codes, the coder's applied codes on that segment become exactly the codes in the row (codes
they removed from a row they coded before are withdrawn), so re-importing your own sheet updates your own
codings. A row without codes is "not coded yet" and changes nothing. Codes in ``afwijzen`` are recorded as
the coder's rejections (``status='rejected'``), also on a row without codes; ``alle`` turns down every
machine proposal the row does not apply. Codings of other people and of the machine are separate rows in the
store and are never touched. A memo is added once (importing the same sheet again does not repeat it).
``dry_run=True`` (CLI ``--dry-run``) writes nothing and lists per row what the import would add, withdraw and
reject.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from wijkanalyse.review.context import question_text, speaker_text
from wijkanalyse.review.decisions import (
    ReviewError,
    coder_codings,
    context_texts,
    ensure_coder,
    known_codes,
    select_segments,
)
from wijkanalyse.review.sheet_import import SheetImport, import_coding_sheet
from wijkanalyse.review.sheet_layout import (
    ALL,
    CODE_COL_RE,
    FIXED,
    MEMO,
    PROPOSALS,
    QUESTION,
    REJECT,
    REJECT_COL_RE,
    SHEET_CODES,
    SHEET_CODING,
    SHEET_INFO,
    SOORT_COL_RE,
)
from wijkanalyse.store import Store, now_iso
from wijkanalyse.table_files import text_cell
from wijkanalyse.vocabulary import SOORT_DIMENSION

__all__ = [
    "SHEET_CODING",
    "SHEET_CODES",
    "SHEET_INFO",
    "SheetImport",
    "export_coding_sheet",
    "import_coding_sheet",
]

_WIDTHS = {"segment_id": 18, "document": 22, "wijk": 12, "spreker": 18, QUESTION: 30, "context ervoor": 40,
           "tekst": 70, "context erna": 40, PROPOSALS: 28, REJECT: 22, MEMO: 40}  # fmt: skip
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_INSTRUCTIONS = (
    "Vul per rij in kolommen 'code 1', 'code 2', ... de thema's in die van toepassing zijn (kies uit de "
    "lijst; tabblad 'codes' geeft de definities). Past geen enkel thema: kies 'geen'. In kolom 'soort' de"
    " soort inbreng (ook naast 'geen'). Past een voorstel van de machine niet: zet de code in kolom "
    "'afwijzen' (meer codes gescheiden door ';', of 'alle' voor alle voorstellen die je niet als code "
    "koos). Laat een rij leeg als je hem (nog) niet codeert. Verander de kolommen segment_id en tekst "
    "niet, en verschuif geen codes naar een andere rij. Een memo is vrije tekst. Lees het blad terug in "
    "met: wijkanalyse review import <bestand> --coder "
)


def _proposals_text(rows: pd.DataFrame) -> str:
    parts = []
    for r in rows.sort_values("confidence", ascending=False, kind="stable").itertuples():
        conf = "" if pd.isna(r.confidence) else f" ({float(r.confidence):.2f})"
        flag = "" if r.status == "applied" else " [onder drempel]"
        parts.append(f"{r.code_id}{conf}{flag}")
    return "; ".join(parts)


# -- the coding sheet: export ------------------------------------------------------------------------------
@dataclass
class _SheetContent:
    """What goes into a coding sheet: the segments and, per segment, its context, proposals and codes."""

    segments: pd.DataFrame
    codes: pd.DataFrame  # themes, geen, kinds: in this order (the dropdowns are ranges of it)
    mine: dict[str, list[str]]  # segment -> the coder's own applied codes
    proposals: dict[str, str]  # segment -> the machine's proposals as text
    context: dict[str, tuple[str, str]]
    headers: list[str]
    questions: dict[str, str] = field(default_factory=dict)

    def columns(self, pattern: re.Pattern[str]) -> list[int]:
        return [j for j, h in enumerate(self.headers, start=1) if pattern.match(h)]

    @property
    def code_columns(self) -> list[int]:
        return self.columns(CODE_COL_RE)

    @property
    def kinds(self) -> set[str]:
        return set(self.codes.loc[self.codes["dimension"] == SOORT_DIMENSION, "code_id"])


def _codes_in_order(store: Store) -> pd.DataFrame:
    """Return the codes a person may apply, themes and ``geen`` first, then the kinds of input."""
    codes = known_codes(store)
    kind = codes["dimension"] == SOORT_DIMENSION
    return pd.concat([codes[~kind], codes[kind]], ignore_index=True)


def _column_counts(
    store: Store, ids: list[str], kinds: set[str], n_code_columns: int | None
) -> tuple[int, int]:
    """Return how many theme and kind columns a sheet needs: the most any coder applied to one segment.

    At least 3 theme columns (or exactly ``n_code_columns``, when given) and 1 kind column (0 when the
    codebook has no kinds).
    """
    wanted = set(ids)
    keys = {key[:3] for key in store.applied_coding_keys() if key[0] in wanted}  # spans of a code: once
    frame = pd.DataFrame(sorted(keys), columns=["segment_id", "code_id", "coder_id"])
    frame["kind"] = frame["code_id"].isin(kinds)
    per = frame.groupby(["segment_id", "coder_id", "kind"]).size()
    most = {flag: int(per.xs(flag, level="kind").max()) if flag in set(frame["kind"]) else 0
            for flag in (False, True)}  # fmt: skip
    n_themes = n_code_columns if n_code_columns is not None else max(3, most[False])
    return n_themes, (max(1, most[True]) if kinds else 0)


def _sheet_content(
    store: Store, coder: str, segs: pd.DataFrame, *, blind: bool, n_code_columns: int | None,
    questions: Mapping[str, str] | None = None,
) -> _SheetContent:  # fmt: skip
    ids = list(segs["segment_id"])
    codes = _codes_in_order(store)
    kinds = set(codes.loc[codes["dimension"] == SOORT_DIMENSION, "code_id"])
    mine = coder_codings(store, coder, ids)
    mine = mine[mine["status"] == "applied"]
    mine_by_seg = mine.groupby("segment_id")["code_id"].apply(list).to_dict()
    machine = store.machine_codings_on(ids)
    proposals = {s: _proposals_text(g) for s, g in machine.groupby("segment_id")}
    n_themes, n_kinds = _column_counts(store, ids, kinds, n_code_columns)
    for own in mine_by_seg.values():  # never fewer columns than the coder's own codes need
        n_themes = max(n_themes, sum(c not in kinds for c in own))
        n_kinds = max(n_kinds, sum(c in kinds for c in own))
    kind_cols = ["soort"] if n_kinds == 1 else [f"soort {i + 1}" for i in range(n_kinds)]
    has_question = "question" in segs and any(question_text(q) for q in segs["question"])
    headers = [
        *[h for h in FIXED if h != QUESTION or has_question], *([] if blind else [PROPOSALS]),
        *[f"code {i + 1}" for i in range(n_themes)], *kind_cols, *([] if blind else [REJECT]), MEMO,
    ]  # fmt: skip
    return _SheetContent(
        segs, codes, mine_by_seg, proposals, context_texts(store, ids), headers, dict(questions or {})
    )


def _segment_values(r: Any, content: _SheetContent) -> dict[str, Any]:
    """Return the fixed columns of one segment's row."""
    before, after = content.context[r.segment_id]
    return {
        "segment_id": r.segment_id,
        "document": r.path,
        "wijk": r.wijk,
        "spreker": speaker_text(r.speaker, r.role) or None,
        QUESTION: question_text(getattr(r, "question", None), content.questions) or None,
        "context ervoor": before or None,
        "tekst": r.text,
        "context erna": after or None,
        PROPOSALS: content.proposals.get(r.segment_id),
    }


def _write_coding_rows(ws: Worksheet, content: _SheetContent) -> None:
    """Fill the sheet ``coderen``: headers, one row per segment, the code and memo cells left unlocked."""
    headers = content.headers
    for j, h in enumerate(headers, start=1):
        text_cell(ws, 1, j, h)
        ws.cell(row=1, column=j).font = _BOLD
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(h, 16)
    code_cols = content.code_columns
    memo_col = headers.index(MEMO) + 1
    for i, r in enumerate(content.segments.itertuples(index=False), start=2):
        values = _segment_values(r, content)
        for j, h in enumerate(headers, start=1):
            if h in values:
                text_cell(ws, i, j, values[h])
                ws.cell(row=i, column=j).alignment = _WRAP
        own = content.mine.get(r.segment_id, [])
        kind_cols = content.columns(SOORT_COL_RE)
        for cols, codes in ((code_cols, [c for c in own if c not in content.kinds]),
                            (kind_cols, [c for c in own if c in content.kinds])):  # fmt: skip
            for j, c in zip(cols, codes, strict=False):
                text_cell(ws, i, j, c)
        for j in [*code_cols, *kind_cols, *content.columns(REJECT_COL_RE), memo_col]:
            ws.cell(row=i, column=j).protection = Protection(locked=False)
            ws.cell(row=i, column=j).alignment = _WRAP
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(content.segments) + 1}"


def _write_codes_sheet(wb: Workbook, ws: Worksheet, content: _SheetContent) -> None:
    """Write the sheet ``codes`` and make it the source of a dropdown in every code cell of ``ws``."""
    codes = content.codes
    wc = wb.create_sheet(SHEET_CODES)
    for j, h in enumerate(["code_id", "label", "dimensie", "definitie"], start=1):
        text_cell(wc, 1, j, h)
        wc.cell(row=1, column=j).font = _BOLD
    for i, c in enumerate(codes.itertuples(index=False), start=2):
        for j, v in enumerate([c.code_id, c.label_nl, c.dimension, c.definition], start=1):
            text_cell(wc, i, j, v)
    for col, width in zip("ABCD", (22, 28, 10, 90), strict=True):
        wc.column_dimensions[col].width = width
    n_themes = len(codes) - len(content.kinds)  # themes and geen come first (see _codes_in_order)
    last = len(content.segments) + 1
    lists = [
        (content.code_columns, f"{SHEET_CODES}!$A$2:$A${n_themes + 1}", True),  # no "=": OOXML stores it bare
        (content.columns(SOORT_COL_RE), f"{SHEET_CODES}!$A${n_themes + 2}:$A${len(codes) + 1}", True),
        (content.columns(REJECT_COL_RE), f'"{ALL[0]}"', False),  # or codes typed, ';'-separated
    ]
    for columns, formula, strict in lists:
        if not columns:
            continue
        dv = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=strict,
            errorTitle="Onbekende code", error="Kies een code uit de lijst (tabblad 'codes').",
        )  # fmt: skip
        ws.add_data_validation(dv)
        for j in columns:
            letter = get_column_letter(j)
            dv.add(f"{letter}2:{letter}{last}")


def _write_info_sheet(wb: Workbook, info: list[tuple[str, str]]) -> None:
    wi = wb.create_sheet(SHEET_INFO)
    for i, (k, v) in enumerate(info, start=1):
        text_cell(wi, i, 1, k)
        wi.cell(row=i, column=1).font = _BOLD
        text_cell(wi, i, 2, v)
        wi.cell(row=i, column=2).alignment = _WRAP
    wi.column_dimensions["A"].width = 18
    wi.column_dimensions["B"].width = 100


def _protect(ws: Worksheet) -> None:
    """Lock the sheet (no password); resizing, filtering and sorting stay allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False


# size: one documented option per way to choose segments and lay out the sheet; the body is short
def export_coding_sheet(
    store: Store,
    path: str | Path,
    *,
    coder: str,
    wijk: str | None = None,
    code: str | None = None,
    sample: int | None = None,
    seed: int = 42,
    blind: bool = False,
    n_code_columns: int | None = None,
    protect: bool = True,
    codebook_version: str | None = None,
    questions: Mapping[str, str] | None = None,
    segment_ids: Sequence[str] | None = None,
    strategy: str | None = None,
) -> Path:
    """Write a coding sheet (``.xlsx``) for one coder.

    Parameters
    ----------
    store : Store
    path : path
        The workbook to write (``.xlsx``); its folder is created.
    coder : str
        Who will fill it in (registered as a coder). The import checks it is imported for the same person.
    wijk, code : str, optional
        Only segments of this wijk / with this code (applied by the machine or anyone).
    sample : int, optional
        A random sample of this many segments (after the filters); same seed, same sample — for double coding.
    seed : int, default 42
    blind : bool, default False
        Leave out the machine's proposals (for measuring agreement without anchoring on the machine).
    n_code_columns : int, optional
        Theme columns per row (``code 1`` ... ``code N``). Default: as many as the most themes one coder (the
        machine or a person) applied to one of the exported segments, at least 3. Never fewer than the coder's
        own codes on a segment need. The kinds of input get their own column(s) ``soort`` (none when the
        codebook has no kinds); with ``blind=False`` a column ``afwijzen`` records proposals that do not fit.
    protect : bool, default True
        Lock every column but the code and memo columns (no password).
    codebook_version : str, optional
        Noted on the info sheet (default: the store's codes' version).
    questions : mapping, optional
        ``{question key: question text}`` of the surveys (:func:`wijkanalyse.review.context.question_texts`);
        a survey answer's column ``vraag`` shows the text, else the key. The column is left out when no
        exported segment answers a question.
    segment_ids : sequence of str, optional
        Exactly these segments (in document order), e.g. chosen by
        :func:`wijkanalyse.review.sampling.choose_segments`; ``wijk``, ``code`` and ``sample`` are then
        ignored.
    strategy : str, optional
        How ``segment_ids`` were chosen; noted on the info sheet.

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    ReviewError
        Invalid coder id, bad ``sample``, ``n_code_columns`` below 1, or no segments match the filters.
    """
    if n_code_columns is not None and n_code_columns < 1:
        raise ReviewError(f"The number of code columns must be at least 1. Got {n_code_columns}.")
    cid = ensure_coder(store, coder)
    if segment_ids is not None:
        wanted = set(segment_ids)
        segs = select_segments(store).pipe(lambda d: d[d["segment_id"].isin(wanted)]).reset_index(drop=True)
    else:
        segs = select_segments(store, wijk=wijk, code=code, sample=sample, seed=seed)
    if segs.empty:
        what = ", ".join(f"{k}={v!r}" for k, v in (("wijk", wijk), ("code", code)) if v) or "no filter"
        raise ReviewError(f"No segments to put in a coding sheet ({what}) in {store.path}.")
    content = _sheet_content(
        store, cid, segs, blind=blind, n_code_columns=n_code_columns, questions=questions
    )
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_CODING
    _write_coding_rows(ws, content)
    _write_codes_sheet(wb, ws, content)
    version = codebook_version if codebook_version is not None else store.codebook_version()
    settings = [("wijk", wijk or ""), ("code", code or ""), ("sample", "" if sample is None else str(sample)),
                ("seed", str(seed)), ("blind", "ja" if blind else "nee"),
                *([("strategy", strategy)] if strategy else [])]  # fmt: skip
    _write_info_sheet(
        wb,
        [("coder", cid), ("exported_at", now_iso()), ("store", str(store.path)), *settings,
         ("codebook_version", version or ""), ("segments", str(len(segs))),
         ("instructies", _INSTRUCTIONS + cid)],
    )  # fmt: skip
    if protect:
        _protect(ws)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
