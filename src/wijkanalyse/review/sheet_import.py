"""Reading a filled-in coding sheet back into the store (the rules are in :mod:`wijkanalyse.review.sheet`).

Every row is checked first and every problem is reported with its row number; then the sheet as a whole is
checked for codes moved to a neighbouring row (:mod:`wijkanalyse.review.sheet_checks`). What the import would
change is worked out before anything is written — per row: codes added (``+``), withdrawn (``-``), proposals
turned down (``afgewezen``) and memos — so ``dry_run`` reports exactly what a real import then does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from wijkanalyse.review.decisions import (
    NONE_CODE,
    ReviewError,
    ensure_coder,
    known_codes,
    none_conflicts,
    set_segment_codes,
)
from wijkanalyse.review.sheet_checks import find_shift
from wijkanalyse.review.sheet_layout import (
    ALL,
    CODE_COL_RE,
    MEMO,
    REJECT_COL_RE,
    SHEET_CODING,
    SHEET_INFO,
    SOORT_COL_RE,
)
from wijkanalyse.store import Store
from wijkanalyse.table_files import norm_text
from wijkanalyse.vocabulary import SOORT_DIMENSION

__all__ = ["SheetImport", "import_coding_sheet"]


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
    rejected : int
        Machine proposals newly recorded as not applying (column ``afwijzen``).
    memos : int
        Memos added.
    changes : list of str
        Per row that changes something: ``"row N (segment S): + a, b; - c; afgewezen: d; memo"``.
    problems : list of str
        ``"row N: ..."`` — rows refused.
    warnings : list of str
        Things fixed silently (e.g. the same code twice in a row), and a moved-row finding that was allowed.
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
    rejected: int = 0
    memos: int = 0
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    def describe(self, *, list_changes: bool | None = None) -> str:
        """Summarise the import for the command line; the changes per row are listed for a dry run."""
        head = "Imported" if self.applied else "Checked (nothing written)"
        lines = [
            f"{head} {self.path.name} for coder {self.coder!r}: {self.rows} rows, {self.coded_rows} coded, "
            f"{self.skipped_rows} skipped; codings +{self.added} -{self.removed} ={self.unchanged}; "
            f"{self.memos} memo(s). Proposals rejected: {self.rejected}."
        ]
        if list_changes if list_changes is not None else not self.applied:
            what = "Would change" if not self.applied else "Changed"
            lines.append(f"{what} ({len(self.changes)} row(s)):" if self.changes else "Nothing would change.")
            lines += [f"  {c}" for c in self.changes]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class _Planned:
    """One row to apply: the coder's codes (empty: leave their codes as they are), rejections and memo."""

    row: int
    segment: str
    codes: list[str]
    rejected: list[str]
    memo: str


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
    if missing or not any(CODE_COL_RE.match(h) for h in headers):
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
        self.code_cols = [h for h in headers if CODE_COL_RE.match(h) or SOORT_COL_RE.match(h)]
        self.reject_cols = [h for h in headers if REJECT_COL_RE.match(h)]
        codes = known_codes(store)
        self.kinds = set(codes.loc[codes["dimension"] == SOORT_DIMENSION, "code_id"])
        self.by_lower = {c.lower(): c for c in codes["code_id"]}
        self.label_to_id = {
            str(lbl).lower(): c for c, lbl in zip(codes["code_id"], codes["label_nl"], strict=True) if lbl
        }
        self.suggestions = list(codes["code_id"]) + list(self.label_to_id)
        ids = [i for i in (_cell_str(rec.get("segment_id")) for _, rec in data) if i]
        self.stored = store.segment_text_map(ids) if ids else {}
        machine = store.machine_codings_on(list(self.stored)) if self.stored else None
        self.proposals: dict[str, list[str]] = {}
        pairs = [] if machine is None else zip(machine["segment_id"], machine["code_id"], strict=True)
        for seg, code in pairs:
            if code != NONE_CODE:
                self.proposals.setdefault(str(seg), []).append(str(code))
        self.seen: dict[str, int] = {}
        self.bad_rows: set[int] = set()
        self.plan: list[_Planned] = []
        self.order: list[tuple[int, str, set[str]]] = []  # every known row: row, segment, its themes

    def problem(self, row: int, msg: str) -> None:
        self.result.problems.append(f"row {row}: {msg}")
        self.bad_rows.add(row)

    def check(self, row: int, rec: dict[str, Any]) -> None:
        """Check one row; plan it when it has codes, rejections or a memo and no problem."""
        seg = _cell_str(rec.get("segment_id"))
        raw_codes = [c for c in (_cell_str(rec.get(h)) for h in self.code_cols) if c]
        raw_rejected = [c for h in self.reject_cols for c in re.split(r"[;,\s]+", _cell_str(rec.get(h))) if c]
        memo = _cell_str(rec.get(MEMO))
        if not seg:
            if raw_codes or memo or raw_rejected:
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
        themes = none_conflicts(self.store, resolved)
        if themes:
            self.problem(
                row,
                f"code {NONE_CODE!r} (no theme applies) cannot go with a theme: {themes}. A kind of input "
                "(column 'soort') can go with it.",
            )
        rejected = self._resolve_rejections(row, seg, raw_rejected, resolved)
        self.order.append((row, seg, {c for c in resolved if c not in self.kinds}))
        if row in self.bad_rows:
            return
        if not resolved and not memo and not rejected:
            self.result.skipped_rows += 1
            return
        self.plan.append(_Planned(row, seg, resolved, rejected, memo))

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

    def _code_id(self, row: int, c: str, where: str) -> str | None:
        code_id = self.by_lower.get(c.lower())
        if code_id is None:
            close = get_close_matches(c.lower(), self.suggestions, n=1, cutoff=0.6)
            hint = f" Did you mean {self.label_to_id.get(close[0], close[0])!r}?" if close else ""
            self.problem(row, f"unknown code {c!r} in column {where!r}.{hint} Valid codes: sheet 'codes'.")
        return code_id

    def _resolve_codes(self, row: int, raw_codes: list[str]) -> list[str]:
        """Return the code ids of a row (case of an id forgiven; the same code twice counted once)."""
        resolved: list[str] = []
        for j, c in enumerate(raw_codes):
            code_id = self._code_id(row, c, self.code_cols[j] if j < len(self.code_cols) else "code")
            if code_id is None:
                continue
            if code_id in resolved:
                self.result.warnings.append(f"row {row}: code {code_id!r} appears twice; counted once.")
                continue
            resolved.append(code_id)
        return resolved

    def _resolve_rejections(self, row: int, seg: str, raw: list[str], applied: list[str]) -> list[str]:
        """Return the codes a row turns down ('alle': every proposal the row does not apply)."""
        out: list[str] = []
        for c in raw:
            if c.lower() in ALL:
                out += [p for p in self.proposals.get(seg, []) if p not in applied]
                continue
            code_id = self._code_id(row, c, self.reject_cols[0])
            if code_id is None:
                continue
            if code_id in applied:
                self.problem(row, f"code {code_id!r} is both a code of this row and in column 'afwijzen'.")
                continue
            out.append(code_id)
        return list(dict.fromkeys(out))


def _plan_changes(store: Store, plan: list[_Planned], result: SheetImport) -> None:
    """Work out what applying the plan changes (counts and one line per row), before anything is written."""
    ids = [p.segment for p in plan]
    before = store.person_codings(result.coder, ids) if ids else None
    applied: dict[str, set[str]] = {}
    turned_down: dict[str, set[str]] = {}
    for seg, code, status in [] if before is None else before[["segment_id", "code_id", "status"]].values:
        (applied if status == "applied" else turned_down).setdefault(seg, set()).add(code)
    memos = {(t, x) for k, t, a, x in store.memo_keys() if k == "segment" and a == result.coder}
    for p in plan:
        had = applied.get(p.segment, set())
        added = [c for c in p.codes if c not in had] if p.codes else []
        removed = sorted(had - set(p.codes)) if p.codes else []
        new_rejections = [c for c in p.rejected if c not in turned_down.get(p.segment, set())]
        new_memo = bool(p.memo) and (p.segment, p.memo) not in memos
        memos.add((p.segment, p.memo))
        result.added += len(added)
        result.removed += len(removed)
        result.unchanged += len(p.codes) - len(added)
        result.rejected += len(new_rejections)
        result.memos += new_memo
        parts = [
            f"+ {', '.join(added)}" if added else "",
            f"- {', '.join(removed)}" if removed else "",
            f"afgewezen: {', '.join(new_rejections)}" if new_rejections else "",
            "memo" if new_memo else "",
        ]
        if any(parts):
            result.changes.append(f"row {p.row} (segment {p.segment}): {'; '.join(x for x in parts if x)}")


def _apply(store: Store, plan: list[_Planned], result: SheetImport) -> None:
    """Write the planned rows in one transaction: the coder's codes per segment, and each new memo once."""
    have = {(t, x) for k, t, a, x in store.memo_keys() if k == "segment" and a == result.coder}
    with store.transaction():
        for p in plan:
            if p.codes:
                set_segment_codes(store, p.segment, p.codes, result.coder, rejected=p.rejected)
            else:  # only proposals turned down: the coder's applied codes stay as they are
                for code in p.rejected:
                    store.set_human_coding(p.segment, code, result.coder, "rejected")
            if p.memo and (p.segment, p.memo) not in have:
                store.add_memo("segment", p.segment, result.coder, p.memo)
                have.add((p.segment, p.memo))
    result.applied = True


def _check_shift(store: Store, checker: _RowChecker, result: SheetImport, allow_shift: bool) -> None:
    """Refuse (with ``allow_shift``: note) codes that fit a neighbouring row much better than their own."""
    segs = {seg for _, seg, _ in checker.order}
    reference: dict[str, set[str]] = {}
    for key in store.applied_coding_keys():
        seg, code = key[0], key[1]
        if seg in segs and code not in checker.kinds:
            reference.setdefault(seg, set()).add(code)
    shift = find_shift(checker.order, reference)
    if shift is None:
        return
    if allow_shift:
        result.warnings.append("allowed (--allow-shift): " + shift.describe())
        return
    raise ReviewError(
        f"Coding sheet {result.path.name} looks shifted; nothing was imported:", [shift.describe()]
    )


def import_coding_sheet(
    store: Store,
    path: str | Path,
    coder: str,
    *,
    partial: bool = False,
    dry_run: bool = False,
    allow_shift: bool = False,
) -> SheetImport:
    """Read a filled-in coding sheet back into the store (rules in :mod:`wijkanalyse.review.sheet`).

    Parameters
    ----------
    store : Store
    path : path
        The ``.xlsx`` made by :func:`wijkanalyse.review.sheet.export_coding_sheet` and filled in.
    coder : str
        Whose codings these are; must match the sheet's ``info`` coder when it has one.
    partial : bool, default False
        Apply the valid rows even when other rows have problems (those are skipped and listed).
    dry_run : bool, default False
        Check everything, write nothing; the result lists what would change per row.
    allow_shift : bool, default False
        Import even when the codes look moved to a neighbouring row (:mod:`wijkanalyse.review.sheet_checks`).

    Returns
    -------
    SheetImport

    Raises
    ------
    ReviewError
        If the file cannot be read, is for another coder, looks shifted (without ``allow_shift``), or
        (without ``partial``) any row has a problem; the error lists every problem with its row number.
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
    _check_shift(store, checker, result, allow_shift)
    result.skipped_rows += len(checker.bad_rows)
    result.coded_rows = sum(1 for planned in checker.plan if planned.codes)
    _plan_changes(store, checker.plan, result)
    if not dry_run:
        _apply(store, checker.plan, result)
    return result
