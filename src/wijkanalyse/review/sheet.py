"""Spreadsheets: the coding sheet round trip (Excel) and coded tables (CSV/XLSX).

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
with ``=``, ``+``, ``-`` or ``@`` cannot run as a formula (formula injection). CSV files have no cell types,
so :func:`export_codings_table` puts an apostrophe before such values instead.

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

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from wijkanalyse.store import Store, now_iso

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "SHEET_CODING",
    "SHEET_CODES",
    "SHEET_INFO",
    "SheetImport",
    "export_coding_sheet",
    "import_coding_sheet",
    "export_codings_table",
    "safe_csv_value",
]

SHEET_CODING = "coderen"
SHEET_CODES = "codes"
SHEET_INFO = "info"
_FIXED = ["segment_id", "document", "wijk", "spreker", "context ervoor", "tekst", "context erna"]
_PROPOSALS = "voorstellen machine"
_MEMO = "memo"
_CODE_COL_RE = re.compile(r"^code\s*(\d+)$", re.I)
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_WIDTHS = {"segment_id": 18, "document": 22, "wijk": 12, "spreker": 18, "context ervoor": 40, "tekst": 70,
           "context erna": 40, _PROPOSALS: 28, _MEMO: 40}  # fmt: skip


def safe_csv_value(value: Any) -> Any:
    """Put an apostrophe before a text that a spreadsheet would read as a formula (``= + - @``, tab, CR)."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


# characters an .xlsx cannot hold (C0 controls other than tab, newline, carriage return)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _norm_text(s: Any) -> str:
    return " ".join(_ILLEGAL.sub("", str(s or "")).split())


def _text_cell(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """Write a value as a text cell (never a formula), with Excel's quote prefix where it could be one."""
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    cell.value = _ILLEGAL.sub("", str(value))
    cell.data_type = "s"
    if str(value).startswith(_DANGEROUS):
        cell.quotePrefix = True


def _proposals_text(rows: pd.DataFrame) -> str:
    parts = []
    for r in rows.sort_values("confidence", ascending=False).itertuples():
        conf = "" if pd.isna(r.confidence) else f" ({float(r.confidence):.2f})"
        flag = "" if r.status == "applied" else " [onder drempel]"
        parts.append(f"{r.code_id}{conf}{flag}")
    return "; ".join(parts)


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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from wijkanalyse.review import decisions as review

    cid = review.ensure_coder(store, coder)
    segs = review.select_segments(store, wijk=wijk, code=code, sample=sample, seed=seed)
    if segs.empty:
        what = ", ".join(f"{k}={v!r}" for k, v in (("wijk", wijk), ("code", code)) if v) or "no filter"
        raise review.ReviewError(f"No segments to put in a coding sheet ({what}) in {store.path}.")
    ids = list(segs["segment_id"])
    codes = review.known_codes(store)
    mine = review.coder_codings(store, cid, ids)
    mine = mine[mine["status"] == "applied"]
    mine_by_seg = mine.groupby("segment_id")["code_id"].apply(list).to_dict()
    machine = store.query(
        f"SELECT segment_id, code_id, confidence, status FROM codings WHERE kind = 'machine' "
        f"AND segment_id IN ({','.join('?' * len(ids))})",
        ids,
    )
    prop_by_seg = {s: _proposals_text(g) for s, g in machine.groupby("segment_id")}
    context = review.context_texts(store, ids)
    n_codes = max([n_code_columns, *[len(v) for v in mine_by_seg.values()]])
    headers = [*_FIXED, *([] if blind else [_PROPOSALS]), *[f"code {i + 1}" for i in range(n_codes)], _MEMO]

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_CODING
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, h in enumerate(headers, start=1):
        _text_cell(ws, 1, j, h)
        ws.cell(row=1, column=j).font = bold
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(h, 16)
    code_cols = [j for j, h in enumerate(headers, start=1) if _CODE_COL_RE.match(h)]
    memo_col = headers.index(_MEMO) + 1
    for i, r in enumerate(segs.itertuples(index=False), start=2):
        speaker = " ".join(
            str(x) for x in (r.speaker, f"({r.role})" if r.role else None) if x and str(x) != "nan"
        )
        values = {
            "segment_id": r.segment_id,
            "document": r.path,
            "wijk": r.wijk,
            "spreker": speaker or None,
            "context ervoor": context[r.segment_id][0] or None,
            "tekst": r.text,
            "context erna": context[r.segment_id][1] or None,
            _PROPOSALS: prop_by_seg.get(r.segment_id),
        }
        for j, h in enumerate(headers, start=1):
            if h in values:
                _text_cell(ws, i, j, values[h])
                ws.cell(row=i, column=j).alignment = wrap
        for j, c in zip(code_cols, mine_by_seg.get(r.segment_id, []), strict=False):
            _text_cell(ws, i, j, c)
        for j in [*code_cols, memo_col]:
            ws.cell(row=i, column=j).protection = Protection(locked=False)
            ws.cell(row=i, column=j).alignment = wrap
    last = len(segs) + 1
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"

    # the list of codes, the dropdown's source
    wc = wb.create_sheet(SHEET_CODES)
    for j, h in enumerate(["code_id", "label", "dimensie", "definitie"], start=1):
        _text_cell(wc, 1, j, h)
        wc.cell(row=1, column=j).font = bold
    for i, c in enumerate(codes.itertuples(index=False), start=2):
        for j, v in enumerate([c.code_id, c.label_nl, c.dimension, c.definition], start=1):
            _text_cell(wc, i, j, v)
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
    for j in code_cols:
        letter = get_column_letter(j)
        dv.add(f"{letter}2:{letter}{last}")

    version = codebook_version
    if version is None:
        row = store.con.execute(
            "SELECT codebook_version FROM codes WHERE codebook_version IS NOT NULL"
        ).fetchone()
        version = row[0] if row else ""
    wi = wb.create_sheet(SHEET_INFO)
    info = [
        ("coder", cid),
        ("exported_at", now_iso()),
        ("store", str(store.path)),
        ("wijk", wijk or ""),
        ("code", code or ""),
        ("sample", "" if sample is None else str(sample)),
        ("seed", str(seed)),
        ("blind", "ja" if blind else "nee"),
        ("codebook_version", version or ""),
        ("segments", str(len(segs))),
        (
            "instructies",
            "Vul per rij in kolommen 'code 1', 'code 2', ... de codes in die van toepassing zijn (kies uit "
            "de "
            "lijst; tabblad 'codes' geeft de definities). Past geen enkele code: kies 'geen'. Laat een rij "
            "leeg "
            "als je hem (nog) niet codeert. Verander de kolommen segment_id en tekst niet. Een memo is vrije "
            "tekst. Lees het blad terug in met: wijkanalyse review import <bestand> --coder " + cid,
        ),
    ]
    for i, (k, v) in enumerate(info, start=1):
        _text_cell(wi, i, 1, k)
        wi.cell(row=i, column=1).font = bold
        _text_cell(wi, i, 2, v)
        wi.cell(row=i, column=2).alignment = wrap
    wi.column_dimensions["A"].width = 18
    wi.column_dimensions["B"].width = 100
    if protect:
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # allowed: resize columns
        ws.protection.formatRows = False
        ws.protection.autoFilter = False
        ws.protection.sort = False
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


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
    from openpyxl import load_workbook

    from wijkanalyse.review.decisions import ReviewError

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
    ws = wb[SHEET_CODING]
    rows = list(ws.iter_rows(values_only=True))
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
    from wijkanalyse.review import decisions as review

    p = Path(path)
    cid = review.ensure_coder(store, coder)
    headers, data, info = _read_sheet(p)
    result = SheetImport(path=p, coder=cid)
    sheet_coder = info.get("coder", "")
    if sheet_coder and sheet_coder != cid:
        raise review.ReviewError(
            f"Coding sheet {p.name} was made for coder {sheet_coder!r}, not {cid!r}. Import it with "
            f"--coder {sheet_coder}, or export a sheet of your own: codings are recorded under the coder's "
            "name."
        )
    code_cols = [h for h in headers if _CODE_COL_RE.match(h)]
    codes = review.known_codes(store)
    valid = list(codes["code_id"])
    by_lower = {c.lower(): c for c in valid}
    label_to_id = {
        str(lbl).lower(): c for c, lbl in zip(codes["code_id"], codes["label_nl"], strict=True) if lbl
    }
    suggestions = valid + list(label_to_id)

    ids = [_cell_str(rec.get("segment_id")) for _, rec in data]
    ids = [i for i in ids if i]
    stored = (
        store.query(
            "SELECT segment_id, text, text_hash FROM segments WHERE segment_id IN "
            f"({','.join('?' * len(ids))})",
            ids,
        )
        .set_index("segment_id")["text"]
        .to_dict()
        if ids
        else {}
    )
    seen: dict[str, int] = {}
    plan: list[tuple[int, str, list[str], str]] = []  # row, segment, codes, memo
    bad_rows: set[int] = set()

    def problem(row: int, msg: str) -> None:
        result.problems.append(f"row {row}: {msg}")
        bad_rows.add(row)

    for row, rec in data:
        seg = _cell_str(rec.get("segment_id"))
        raw_codes = [_cell_str(rec.get(h)) for h in code_cols]
        raw_codes = [c for c in raw_codes if c]
        memo = _cell_str(rec.get(_MEMO))
        if not seg:
            if raw_codes or memo:
                problem(row, "no segment_id, but codes or a memo are filled in. Restore the segment_id.")
            continue
        result.rows += 1
        if seg in seen:
            problem(row, f"segment {seg} is also on row {seen[seg]}; keep one row per segment.")
            continue
        seen[seg] = row
        if seg not in stored:
            text = _norm_text(rec.get("tekst"))
            moved = (
                [
                    str(r[0])
                    for r in store.con.execute("SELECT segment_id, text FROM segments")
                    if _norm_text(r[1]) == text
                ]
                if text
                else []
            )
            hint = (
                f" The same text is now segment {moved[0]} (the document was ingested again)."
                if moved
                else ""
            )
            problem(row, f"unknown segment_id {seg!r}: not in {store.path.name}.{hint}")
            continue
        sheet_text = _norm_text(rec.get("tekst"))
        orig = _norm_text(stored[seg])
        if sheet_text != orig and sheet_text != _norm_text("'" + orig):
            problem(
                row,
                f"the text of segment {seg} was edited in the sheet (codes belong to the original text). "
                f"Sheet: {sheet_text[:60]!r}...; original: {orig[:60]!r}... Restore the original text.",
            )
            continue
        resolved: list[str] = []
        for j, c in enumerate(raw_codes):
            cid_ = by_lower.get(c.lower())
            if cid_ is None:
                close = get_close_matches(c.lower(), suggestions, n=1, cutoff=0.6)
                hint = f" Did you mean {label_to_id.get(close[0], close[0])!r}?" if close else ""
                problem(
                    row, f"unknown code {c!r} in column {code_cols[j]!r}.{hint} Valid codes: sheet 'codes'."
                )
                continue
            if cid_ in resolved:
                result.warnings.append(f"row {row}: code {cid_!r} appears twice; counted once.")
                continue
            resolved.append(cid_)
        if review.NONE_CODE in resolved and len(resolved) > 1:
            problem(row, f"code {review.NONE_CODE!r} (none of these) cannot go with other codes: {resolved}.")
        if row in bad_rows:
            continue
        if not resolved and not memo:
            result.skipped_rows += 1
            continue
        plan.append((row, seg, resolved, memo))

    if result.problems and not partial:
        raise review.ReviewError(
            f"Coding sheet {p.name} has {len(result.problems)} problem(s); nothing was imported "
            "(fix them and import again, or use --partial to import the valid rows only):",
            result.problems,
        )
    result.skipped_rows += len(bad_rows)
    result.coded_rows = sum(1 for _, _, c, _ in plan if c)
    if dry_run:
        return result
    existing = store.query(
        "SELECT target_id, text FROM memos WHERE target_kind = 'segment' AND author = ?", (cid,)
    )
    have = set(zip(existing["target_id"], existing["text"], strict=True))
    with store.transaction():
        for _row, seg, seg_codes, memo in plan:
            if seg_codes:
                counts = review.set_segment_codes(store, seg, seg_codes, cid)
                result.added += counts["added"]
                result.removed += counts["removed"]
                result.unchanged += counts["unchanged"]
            if memo and (seg, memo) not in have:
                store.add_memo("segment", seg, cid, memo)
                have.add((seg, memo))
                result.memos += 1
    result.applied = True
    return result


# -- coded tables ------------------------------------------------------------------------------------------
def _codings_frame(store: Store, kind: str | None, include_rejected: bool) -> pd.DataFrame:
    sql = (
        "SELECT c.segment_id, d.path AS document, s.wijk, s.date, s.session, s.kind AS source_kind, "
        "s.speaker, "
        's.role, s.question, s.respondent_id, s.start, s."end", s.text, c.code_id, k.label_nl, k.label_en, '
        "k.dimension, c.coder_id, c.kind, c.status, c.confidence, c.model, c.run_id, c.created_at "
        "FROM codings c LEFT JOIN segments s USING (segment_id) LEFT JOIN documents d ON d.doc_id = s.doc_id "
        "LEFT JOIN codes k ON k.code_id = c.code_id"
    )
    where, params = [], []
    if kind:
        where.append("c.kind = ?")
        params.append(kind)
    if not include_rejected:
        where.append("c.status = 'applied'")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.query(sql + " ORDER BY d.path, s.position, c.code_id, c.coder_id", params)


def export_codings_table(
    store: Store,
    path: str | Path,
    *,
    kind: str | None = None,
    include_rejected: bool = False,
    columns: Iterable[str] | None = None,
) -> Path:
    """Write every coding with its segment to CSV or XLSX (by the file's suffix): one row per coding.

    Parameters
    ----------
    store : Store
    path : path
        ``.csv`` (UTF-8 with BOM, so Excel reads the accents) or ``.xlsx``.
    kind : {'human', 'machine'}, optional
        Only people's or only the machine's codings.
    include_rejected : bool, default False
        Also the codes people (or the machine, under its threshold) judged not to apply.
    columns : iterable of str, optional
        A subset of the columns, in this order.

    Returns
    -------
    Path

    Raises
    ------
    ReviewError
        For another suffix or an unknown column.
    """
    from wijkanalyse.review.decisions import ReviewError

    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ReviewError(f"A coded table is written as .csv or .xlsx. Got {out.name!r}.")
    df = _codings_frame(store, kind, include_rejected)
    if columns is not None:
        cols = list(columns)
        unknown = [c for c in cols if c not in df.columns]
        if unknown:
            raise ReviewError(f"Unknown column(s) {unknown}. Columns: {list(df.columns)}.")
        df = df[cols]
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        text_cols = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
        safe = df.assign(**{c: df[c].map(safe_csv_value) for c in text_cols})
        safe.to_csv(out, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
        return out
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "codings"
    for j, h in enumerate(df.columns, start=1):
        _text_cell(ws, 1, j, h)
    for i, rec in enumerate(df.itertuples(index=False), start=2):
        for j, v in enumerate(rec, start=1):
            if isinstance(v, str):
                _text_cell(ws, i, j, v)
            elif v is not None and not (isinstance(v, float) and math.isnan(v)):
                ws.cell(row=i, column=j).value = v.item() if hasattr(v, "item") else v
    ws.freeze_panes = "A2"
    wb.save(out)
    return out
