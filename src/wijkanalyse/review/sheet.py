"""The coding sheet: a spreadsheet (Excel) a person codes in, and reading it back into the store.

The coding sheet
----------------
:func:`export_coding_sheet` writes a workbook for one coder with three sheets:

* ``coderen``: one row per segment — ``segment_id``, ``document``, ``wijk``, ``spreker``, ``context ervoor``,
  ``tekst``, ``context erna``, ``voorstellen machine`` (code and confidence, left out with ``blind=True``),
  ``code 1`` ... ``code N`` (empty, or the coder's own earlier codes; a dropdown lists the valid code ids) and
  ``memo``. The columns a coder does not fill in are locked (sheet protection without a password, to prevent
  accidents — not a security measure).
* ``codes``: the valid code ids with label, dimension and definition (the dropdown's source).
* ``info``: coder, export time, filters, seed, codebook version, and how to fill it in.

Every text cell is written as text (never as a formula) with Excel's quote prefix, so a segment that starts
with ``=``, ``+``, ``-`` or ``@`` cannot run as a formula (formula injection; :mod:`wijkanalyse.table_files`).
Every coding as one table (CSV or XLSX) is :func:`wijkanalyse.review.coded_table.export_codings_table`.

Import rules (:func:`import_coding_sheet`)
------------------------------------------
All rows are checked first, and every problem is reported with its row number at once: unknown segment id
(with the segment that now holds the same text, if any), edited segment text, a segment on two rows, unknown
codes (with the closest valid id), ``geen`` combined with other codes, a sheet made for another coder. **If
any row has a problem nothing is applied** — fix the sheet and import again. With ``partial=True`` (CLI
``--partial``) the valid rows are applied and the rows with problems are skipped and listed; use it when a
long sheet has one bad row you want to deal with later.

For every row with codes, the coder's applied codes on that segment become exactly the codes in the row (codes
they removed from a row they coded before are withdrawn), so re-importing your own sheet updates your own
codings. A row without codes is "not coded yet" and changes nothing. Codings of other people and of the
machine are separate rows in the store and are never touched. A memo is added once (importing the same sheet
again does not repeat it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from wijkanalyse.review.decisions import (
    NONE_CODE,
    ReviewError,
    coder_codings,
    context_texts,
    ensure_coder,
    known_codes,
    select_segments,
    set_segment_codes,
)
from wijkanalyse.store import Store, now_iso
from wijkanalyse.table_files import norm_text, text_cell

__all__ = [
    "SHEET_CODING",
    "SHEET_CODES",
    "SHEET_INFO",
    "SheetImport",
    "export_coding_sheet",
    "import_coding_sheet",
]

SHEET_CODING = "coderen"
SHEET_CODES = "codes"
SHEET_INFO = "info"
_FIXED = ["segment_id", "document", "wijk", "spreker", "context ervoor", "tekst", "context erna"]
_PROPOSALS = "voorstellen machine"
_MEMO = "memo"
_CODE_COL_RE = re.compile(r"^code\s*(\d+)$", re.I)
_WIDTHS = {"segment_id": 18, "document": 22, "wijk": 12, "spreker": 18, "context ervoor": 40, "tekst": 70,
           "context erna": 40, _PROPOSALS: 28, _MEMO: 40}  # fmt: skip
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_INSTRUCTIONS = (
    "Vul per rij in kolommen 'code 1', 'code 2', ... de codes in die van toepassing zijn (kies uit de lijst; "
    "tabblad 'codes' geeft de definities). Past geen enkele code: kies 'geen'. Laat een rij leeg als je hem "
    "(nog) niet codeert. Verander de kolommen segment_id en tekst niet. Een memo is vrije tekst. Lees het "
    "blad terug in met: wijkanalyse review import <bestand> --coder "
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
    codes: pd.DataFrame
    mine: dict[str, list[str]]  # segment -> the coder's own applied codes
    proposals: dict[str, str]  # segment -> the machine's proposals as text
    context: dict[str, tuple[str, str]]
    headers: list[str]

    @property
    def code_columns(self) -> list[int]:
        return [j for j, h in enumerate(self.headers, start=1) if _CODE_COL_RE.match(h)]


def _sheet_content(
    store: Store, coder: str, segs: pd.DataFrame, *, blind: bool, n_code_columns: int
) -> _SheetContent:
    ids = list(segs["segment_id"])
    mine = coder_codings(store, coder, ids)
    mine = mine[mine["status"] == "applied"]
    mine_by_seg = mine.groupby("segment_id")["code_id"].apply(list).to_dict()
    machine = store.machine_codings_on(ids)
    proposals = {s: _proposals_text(g) for s, g in machine.groupby("segment_id")}
    n_codes = max([n_code_columns, *[len(v) for v in mine_by_seg.values()]])
    headers = [*_FIXED, *([] if blind else [_PROPOSALS]), *[f"code {i + 1}" for i in range(n_codes)], _MEMO]
    return _SheetContent(segs, known_codes(store), mine_by_seg, proposals, context_texts(store, ids), headers)


def _segment_values(r: Any, content: _SheetContent) -> dict[str, Any]:
    """Return the fixed columns of one segment's row."""
    speaker = " ".join(
        str(x) for x in (r.speaker, f"({r.role})" if r.role else None) if x and str(x) != "nan"
    )
    before, after = content.context[r.segment_id]
    return {
        "segment_id": r.segment_id,
        "document": r.path,
        "wijk": r.wijk,
        "spreker": speaker or None,
        "context ervoor": before or None,
        "tekst": r.text,
        "context erna": after or None,
        _PROPOSALS: content.proposals.get(r.segment_id),
    }


def _write_coding_rows(ws: Worksheet, content: _SheetContent) -> None:
    """Fill the sheet ``coderen``: headers, one row per segment, the code and memo cells left unlocked."""
    headers = content.headers
    for j, h in enumerate(headers, start=1):
        text_cell(ws, 1, j, h)
        ws.cell(row=1, column=j).font = _BOLD
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(h, 16)
    code_cols = content.code_columns
    memo_col = headers.index(_MEMO) + 1
    for i, r in enumerate(content.segments.itertuples(index=False), start=2):
        values = _segment_values(r, content)
        for j, h in enumerate(headers, start=1):
            if h in values:
                text_cell(ws, i, j, values[h])
                ws.cell(row=i, column=j).alignment = _WRAP
        for j, c in zip(code_cols, content.mine.get(r.segment_id, []), strict=False):
            text_cell(ws, i, j, c)
        for j in [*code_cols, memo_col]:
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
    dv = DataValidation(
        type="list",
        formula1=f"{SHEET_CODES}!$A$2:$A${len(codes) + 1}",  # no "=": OOXML stores formulas bare
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Onbekende code",
        error="Kies een code uit de lijst (tabblad 'codes').",
    )
    ws.add_data_validation(dv)
    last = len(content.segments) + 1
    for j in content.code_columns:
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
    n_code_columns: int = 3,
    protect: bool = True,
    codebook_version: str | None = None,
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
    n_code_columns : int, default 3
        Empty code columns per row (more if the coder already has more codes on a segment).
    protect : bool, default True
        Lock every column but the code and memo columns (no password).
    codebook_version : str, optional
        Noted on the info sheet (default: the store's codes' version).

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    ReviewError
        Invalid coder id, bad ``sample``, or no segments match the filters.
    """
    cid = ensure_coder(store, coder)
    segs = select_segments(store, wijk=wijk, code=code, sample=sample, seed=seed)
    if segs.empty:
        what = ", ".join(f"{k}={v!r}" for k, v in (("wijk", wijk), ("code", code)) if v) or "no filter"
        raise ReviewError(f"No segments to put in a coding sheet ({what}) in {store.path}.")
    content = _sheet_content(store, cid, segs, blind=blind, n_code_columns=n_code_columns)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_CODING
    _write_coding_rows(ws, content)
    _write_codes_sheet(wb, ws, content)
    version = codebook_version if codebook_version is not None else store.codebook_version()
    settings = [("wijk", wijk or ""), ("code", code or ""), ("sample", "" if sample is None else str(sample)),
                ("seed", str(seed)), ("blind", "ja" if blind else "nee")]  # fmt: skip
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


# -- the coding sheet: import ------------------------------------------------------------------------------
@dataclass
class SheetImport:
    """What importing a coding sheet did (or would do, with ``dry_run``).

    Attributes
    ----------
    path : Path
    coder : str
    rows : int
        Rows with a segment id.
    coded_rows : int
        Rows with at least one code (applied, or to apply).
    skipped_rows : int
        Rows left empty (not coded), plus rows with problems when ``partial``.
    added, removed, unchanged : int
        Codings added, withdrawn and left as they were.
    memos : int
        Memos added.
    problems : list of str
        ``"row N: ..."`` — rows refused.
    warnings : list of str
        Things fixed silently (e.g. the same code twice in a row).
    applied : bool
        Whether anything was written.
    """

    path: Path
    coder: str
    rows: int = 0
    coded_rows: int = 0
    skipped_rows: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    memos: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    def describe(self) -> str:
        """Summarise the import for the command line."""
        head = "Imported" if self.applied else "Checked (nothing written)"
        lines = [
            f"{head} {self.path.name} for coder {self.coder!r}: {self.rows} rows, {self.coded_rows} coded, "
            f"{self.skipped_rows} skipped; codings +{self.added} -{self.removed} ={self.unchanged}; "
            f"{self.memos} memo(s)."
        ]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {w}" for w in self.warnings]
        return "\n".join(lines)


def _read_sheet(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]], dict[str, str]]:
    """Return a coding sheet's headers, its non-empty rows (with their row numbers) and its info sheet."""
    if not path.is_file():
        raise ReviewError(f"Coding sheet {path} does not exist.")
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ReviewError(f"Coding sheet {path} cannot be read as an .xlsx workbook: {exc}") from exc
    if SHEET_CODING not in wb.sheetnames:
        raise ReviewError(
            f"Coding sheet {path} has no sheet {SHEET_CODING!r} (sheets found: {wb.sheetnames}). "
            "Use a sheet made with 'wijkanalyse review export'."
        )
    rows = list(wb[SHEET_CODING].iter_rows(values_only=True))
    if not rows:
        raise ReviewError(f"Sheet {SHEET_CODING!r} of {path} is empty.")
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [h for h in ("segment_id", "tekst") if h not in headers]
    if missing or not any(_CODE_COL_RE.match(h) for h in headers):
        raise ReviewError(
            f"Sheet {SHEET_CODING!r} of {path} lacks the column(s) "
            f"{', '.join(repr(m) for m in missing) or repr('code 1')}. Columns found: {headers}."
        )
    data = []
    for i, values in enumerate(rows[1:], start=2):
        rec = {h: v for h, v in zip(headers, values, strict=False) if h}
        if all(v is None or str(v).strip() == "" for v in rec.values()):
            continue
        data.append((i, rec))
    info: dict[str, str] = {}
    if SHEET_INFO in wb.sheetnames:
        for k, v, *_ in wb[SHEET_INFO].iter_rows(values_only=True, max_col=2):
            if k:
                info[str(k).strip()] = "" if v is None else str(v).strip()
    return headers, data, info


def _cell_str(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


class _RowChecker:
    """Check the rows of a coding sheet one by one; collect the problems and the plan of what to write."""

    def __init__(
        self, store: Store, headers: list[str], data: list[tuple[int, dict[str, Any]]], result: SheetImport
    ):
        self.store = store
        self.result = result
        self.code_cols = [h for h in headers if _CODE_COL_RE.match(h)]
        codes = known_codes(store)
        self.by_lower = {c.lower(): c for c in codes["code_id"]}
        self.label_to_id = {
            str(lbl).lower(): c for c, lbl in zip(codes["code_id"], codes["label_nl"], strict=True) if lbl
        }
        self.suggestions = list(codes["code_id"]) + list(self.label_to_id)
        ids = [i for i in (_cell_str(rec.get("segment_id")) for _, rec in data) if i]
        self.stored = store.segment_text_map(ids) if ids else {}
        self.seen: dict[str, int] = {}
        self.bad_rows: set[int] = set()
        self.plan: list[tuple[int, str, list[str], str]] = []  # row, segment, codes, memo

    def problem(self, row: int, msg: str) -> None:
        self.result.problems.append(f"row {row}: {msg}")
        self.bad_rows.add(row)

    def check(self, row: int, rec: dict[str, Any]) -> None:
        """Check one row; plan it when it has codes or a memo and no problem."""
        seg = _cell_str(rec.get("segment_id"))
        raw_codes = [c for c in (_cell_str(rec.get(h)) for h in self.code_cols) if c]
        memo = _cell_str(rec.get(_MEMO))
        if not seg:
            if raw_codes or memo:
                self.problem(row, "no segment_id, but codes or a memo are filled in. Restore the segment_id.")
            return
        self.result.rows += 1
        if seg in self.seen:
            self.problem(row, f"segment {seg} is also on row {self.seen[seg]}; keep one row per segment.")
            return
        self.seen[seg] = row
        if not self._segment_is_known(row, seg, rec) or not self._text_is_unchanged(row, seg, rec):
            return
        resolved = self._resolve_codes(row, raw_codes)
        if NONE_CODE in resolved and len(resolved) > 1:
            self.problem(row, f"code {NONE_CODE!r} (none of these) cannot go with other codes: {resolved}.")
        if row in self.bad_rows:
            return
        if not resolved and not memo:
            self.result.skipped_rows += 1
            return
        self.plan.append((row, seg, resolved, memo))

    def _segment_is_known(self, row: int, seg: str, rec: dict[str, Any]) -> bool:
        if seg in self.stored:
            return True
        text = norm_text(rec.get("tekst"))
        moved = [s for s, t in self.store.segment_text_map().items() if norm_text(t) == text] if text else []
        hint = f" The same text is now segment {moved[0]} (the document was ingested again)." if moved else ""
        self.problem(row, f"unknown segment_id {seg!r}: not in {self.store.path.name}.{hint}")
        return False

    def _text_is_unchanged(self, row: int, seg: str, rec: dict[str, Any]) -> bool:
        sheet_text = norm_text(rec.get("tekst"))
        orig = norm_text(self.stored[seg])
        if sheet_text == orig or sheet_text == norm_text("'" + orig):
            return True
        self.problem(
            row,
            f"the text of segment {seg} was edited in the sheet (codes belong to the original text). "
            f"Sheet: {sheet_text[:60]!r}...; original: {orig[:60]!r}... Restore the original text.",
        )
        return False

    def _resolve_codes(self, row: int, raw_codes: list[str]) -> list[str]:
        """Return the code ids of a row (case of an id forgiven; the same code twice counted once)."""
        resolved: list[str] = []
        for j, c in enumerate(raw_codes):
            code_id = self.by_lower.get(c.lower())
            if code_id is None:
                close = get_close_matches(c.lower(), self.suggestions, n=1, cutoff=0.6)
                hint = f" Did you mean {self.label_to_id.get(close[0], close[0])!r}?" if close else ""
                self.problem(
                    row,
                    f"unknown code {c!r} in column {self.code_cols[j]!r}.{hint} Valid codes: sheet 'codes'.",
                )
                continue
            if code_id in resolved:
                self.result.warnings.append(f"row {row}: code {code_id!r} appears twice; counted once.")
                continue
            resolved.append(code_id)
        return resolved


def _apply(store: Store, plan: list[tuple[int, str, list[str], str]], result: SheetImport) -> None:
    """Write the planned rows in one transaction: the coder's codes per segment, and each new memo once."""
    have = {(t, x) for k, t, a, x in store.memo_keys() if k == "segment" and a == result.coder}
    with store.transaction():
        for _row, seg, seg_codes, memo in plan:
            if seg_codes:
                counts = set_segment_codes(store, seg, seg_codes, result.coder)
                result.added += counts["added"]
                result.removed += counts["removed"]
                result.unchanged += counts["unchanged"]
            if memo and (seg, memo) not in have:
                store.add_memo("segment", seg, result.coder, memo)
                have.add((seg, memo))
                result.memos += 1
    result.applied = True


def import_coding_sheet(
    store: Store,
    path: str | Path,
    coder: str,
    *,
    partial: bool = False,
    dry_run: bool = False,
) -> SheetImport:
    """Read a filled-in coding sheet back into the store (rules in the module docstring).

    Parameters
    ----------
    store : Store
    path : path
        The ``.xlsx`` made by :func:`export_coding_sheet` and filled in.
    coder : str
        Whose codings these are; must match the sheet's ``info`` coder when it has one.
    partial : bool, default False
        Apply the valid rows even when other rows have problems (those are skipped and listed).
    dry_run : bool, default False
        Check everything, write nothing.

    Returns
    -------
    SheetImport

    Raises
    ------
    ReviewError
        If the file cannot be read, is for another coder, or (without ``partial``) any row has a problem; the
        error lists every problem with its row number.
    """
    p = Path(path)
    cid = ensure_coder(store, coder)
    headers, data, info = _read_sheet(p)
    result = SheetImport(path=p, coder=cid)
    sheet_coder = info.get("coder", "")
    if sheet_coder and sheet_coder != cid:
        raise ReviewError(
            f"Coding sheet {p.name} was made for coder {sheet_coder!r}, not {cid!r}. Import it with "
            f"--coder {sheet_coder}, or export a sheet of your own: codings are recorded under the coder's "
            "name."
        )
    checker = _RowChecker(store, headers, data, result)
    for row, rec in data:
        checker.check(row, rec)
    if result.problems and not partial:
        raise ReviewError(
            f"Coding sheet {p.name} has {len(result.problems)} problem(s); nothing was imported "
            "(fix them and import again, or use --partial to import the valid rows only):",
            result.problems,
        )
    result.skipped_rows += len(checker.bad_rows)
    result.coded_rows = sum(1 for _, _, c, _ in checker.plan if c)
    if not dry_run:
        _apply(store, checker.plan, result)
    return result
