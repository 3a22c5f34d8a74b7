r"""Stage 9: import a REFI-QDA project (``.qdpx``) coded in another tool, as people's codings here.

For a project coded elsewhere (e.g. in QualCoder), so its coding can be measured and reported here:

1. **Sources to documents**: by content first (after removing a byte-order mark and turning ``\r\n`` into
   ``\n``, with positions corrected), then by name (the source name equals a document's path, file name or
   file stem), then by similarity (>= 0.8). When the texts differ, positions are carried over by aligning the
   two texts (``difflib``); the report says so. Unmatched sources are listed and skipped.
2. **Selections to segments** by overlap: a selection codes a segment when the overlap covers at least
   ``min_overlap`` (default half) of the segment or of the selection.
3. **Codes** by, in order: ``code_map`` (name -> code id), the GUID wijkanalyse gives a known code, a
   ``Code-id:`` line in the description, the name equal to a code id or label (case ignored). Unknown codes
   are listed with their number of codings and skipped, unless ``add_codes=True`` adds them to the store's
   codes.
4. **Users** become human coders (``user_map`` renames them); the user ``machine`` of a wijkanalyse export
   becomes the machine again. Codings are added for their coder only (re-importing changes nothing); no other
   coder's codings are touched. Notes become memos (once).

What the export writes, and how code descriptions carry a code's id, is in :mod:`wijkanalyse.exchange.qdpx`.
"""

from __future__ import annotations

import bisect
import difflib
import re
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from lxml import etree

from wijkanalyse.exchange.qdpx import (
    _RGB,
    NS_PROJECT,
    ExchangeError,
    _kid,
    _kids,
    _local,
    _norm_guid,
    _parse_description,
    _read_codes,
    _read_sets,
    _safe_parser,
    _text_of,
    refi_guid,
    slugify,
    validate_project,
)
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE

__all__ = ["QdpxImport", "import_qdpx"]


@dataclass
class QdpxImport:
    """What :func:`import_qdpx` found and did.

    Attributes
    ----------
    path : Path
    matched : dict
        ``{source name: (document path, how)}`` with ``how`` one of ``content``, ``name``, ``similarity``.
    unmatched : list of str
        Sources with no document in the store (skipped).
    coders : dict
        ``{user name in the file: coder id here}``.
    selections, selections_unmapped : int
        Selections read; selections overlapping no segment enough.
    added, existing : int
        Codings written; codings already in the store.
    memos : int
        Memos added.
    unknown_codes : dict
        ``{code name: number of codings}`` for codes not recognised (skipped).
    warnings : list of str
    applied : bool
    """

    path: Path
    matched: dict[str, tuple[str, str]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    coders: dict[str, str] = field(default_factory=dict)
    selections: int = 0
    selections_unmapped: int = 0
    added: int = 0
    existing: int = 0
    memos: int = 0
    unknown_codes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    def describe(self) -> str:
        """Summarise the import for the command line."""
        head = "Imported" if self.applied else "Checked (nothing written)"
        lines = [
            f"{head} {self.path.name}: {len(self.matched)} source(s) matched, {len(self.unmatched)} "
            "unmatched; "
            f"{self.selections} selections ({self.selections_unmapped} on no segment); codings +{self.added} "
            f"(already there: {self.existing}); {self.memos} memo(s); coders: "
            + (", ".join(f"{k} -> {v}" for k, v in self.coders.items()) or "none")
        ]
        for name, (doc, how) in self.matched.items():
            if how != "content":
                lines.append(f"  source {name!r} -> {doc} (matched by {how}; positions aligned)")
        lines += [f"  unmatched source: {u}" for u in self.unmatched]
        lines += [
            f"  unknown code {k!r}: {n} coding(s) skipped (use --code-map '{k}=<code id>' or --add-codes)"
            for k, n in self.unknown_codes.items()
        ]
        lines += [f"  note: {w}" for w in self.warnings]
        return "\n".join(lines)


_TOKEN = re.compile(r"\S+")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line end."""
    out, pos = [], 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _matched_spans(src: str, doc: str) -> list[tuple[int, int, int]]:
    """Spans ``(src_start, doc_start, length)`` the two texts share, in order.

    Lines are aligned first (few, mostly unique elements: fast), then the words of the lines that differ. For
    a large changed region difflib's "popular element" heuristic keeps the word alignment fast.
    """
    sl, dl = _lines(src), _lines(doc)
    s_text = [src[a:b] for a, b in sl]
    d_text = [doc[a:b] for a, b in dl]
    spans: list[tuple[int, int, int]] = []
    sm = difflib.SequenceMatcher(None, s_text, d_text, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                (a, b), (c, _d) = sl[i1 + k], dl[j1 + k]
                if b > a:
                    spans.append((a, c, b - a))
        elif op == "replace":
            s_lo, s_hi = sl[i1][0], sl[i2 - 1][1]
            d_lo, d_hi = dl[j1][0], dl[j2 - 1][1]
            s_tok = [(m.start(), m.group()) for m in _TOKEN.finditer(src, s_lo, s_hi)]
            d_tok = [(m.start(), m.group()) for m in _TOKEN.finditer(doc, d_lo, d_hi)]
            big = len(s_tok) + len(d_tok) > 4000
            wm = difflib.SequenceMatcher(None, [t[1] for t in s_tok], [t[1] for t in d_tok], autojunk=big)
            for i, j, n in wm.get_matching_blocks():
                for k in range(n):
                    spans.append((s_tok[i + k][0], d_tok[j + k][0], len(s_tok[i + k][1])))
    return spans


class _OffsetMap:
    """Carry positions in a source's text over to the matching document's text.

    Identical texts map one to one; Windows line ends (CR LF) are counted out. Otherwise the texts are aligned
    line by line and, where lines differ, word by word (:func:`_matched_spans`): a position in shared text
    moves with it; a start in changed text moves to the next shared text, an end back to the previous one.
    """

    def __init__(self, src: str, doc: str):
        self.kind = "identity"
        self._cr: list[int] = []
        if src == doc:
            return
        if src.replace("\r\n", "\n") == doc:
            self.kind = "crlf"
            self._cr = [m.start() for m in re.finditer("\r\n", src)]
            return
        self.kind = "aligned"
        self._spans = _matched_spans(src, doc)
        self._starts = [a for a, _b, _n in self._spans]
        self._doc_len = len(doc)

    def __call__(self, pos: int, end: bool = False) -> int:
        if self.kind == "identity":
            return pos
        if self.kind == "crlf":
            return pos - bisect.bisect_left(self._cr, pos)  # one character less per \r\n before pos
        if not self._spans:
            return 0 if end else self._doc_len
        i = bisect.bisect_right(self._starts, pos) - 1  # the shared span starting at or before pos
        if i >= 0:
            a, b, n = self._spans[i]
            if pos < a + n or (end and pos == a + n):
                return b + (pos - a)
        if end:  # back to the end of the previous shared span
            return self._spans[i][1] + self._spans[i][2] if i >= 0 else 0
        return self._spans[i + 1][1] if i + 1 < len(self._spans) else self._doc_len


def _normalise(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n")


def _read_source_text(
    src: etree._Element, zf: zipfile.ZipFile, names: dict[str, str]
) -> tuple[str | None, str]:
    content = _kid(src, "PlainTextContent")
    if content is not None and content.text:
        return content.text, ""
    path = src.get("plainTextPath") or ""
    if not path:
        return None, "no plainTextPath and no PlainTextContent"
    if not path.startswith("internal://"):
        return None, f"plain text is outside the project ({path!r}); only internal:// sources are read"
    file = path[len("internal://") :]
    key = names.get(f"sources/{file}".lower())
    if key is None:
        return None, f"file {file!r} not in the project's Sources folder"
    raw = zf.read(key)
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), f"{file} is not UTF-8; read as Windows-1252"


def _match_document(
    name: str, text: str, docs: pd.DataFrame, by_text: dict[str, str]
) -> tuple[str | None, str, str]:
    """Return (doc_id, how, document text)."""
    norm = _normalise(text)
    if norm in by_text:
        return by_text[norm], "content", norm
    stripped = norm.strip()
    for doc_text, doc_id in by_text.items():
        if doc_text.strip() == stripped:
            return doc_id, "content", norm
    low = name.strip().lower()
    for d in docs.itertuples(index=False):
        p = PurePosixPath(str(d.path))
        if low in (str(d.path).lower(), p.name.lower(), p.stem.lower()):
            return str(d.doc_id), "name", norm
    best, best_ratio = None, 0.0
    for d in docs.itertuples(index=False):
        t = str(d.text)
        if not t or not 0.7 <= len(norm) / max(len(t), 1) <= 1.43:
            continue
        sm = difflib.SequenceMatcher(None, norm.split(), t.split(), autojunk=False)
        if sm.quick_ratio() < 0.8:
            continue
        r = sm.ratio()
        if r > best_ratio:
            best, best_ratio = str(d.doc_id), r
    if best is not None and best_ratio >= 0.8:
        return best, "similarity", norm
    return None, "", norm


def _segments_for(spans: list[tuple[int, int, str]], start: int, end: int, min_overlap: float) -> list[str]:
    out = []
    for s, e, seg in spans:
        ov = min(e, end) - max(s, start)
        if ov <= 0:
            continue
        if ov >= min_overlap * max(e - s, 1) or ov >= min_overlap * max(end - start, 1):
            out.append(seg)
    return out


def import_qdpx(
    store: Store,
    path: str | Path,
    *,
    code_map: Mapping[str, str] | None = None,
    user_map: Mapping[str, str] | None = None,
    add_codes: bool = False,
    min_overlap: float = 0.5,
    include_machine: bool = True,
    dry_run: bool = False,
) -> QdpxImport:
    """Import the codings and memos of a REFI-QDA project made elsewhere (rules in the module docstring).

    Parameters
    ----------
    store : Store
        Holds the documents the project's sources are matched to (ingest the corpus first).
    path : path
        The ``.qdpx``.
    code_map : mapping, optional
        ``{code name in the file: code id here}``, for codes named differently.
    user_map : mapping, optional
        ``{user name in the file: coder id here}``.
    add_codes : bool, default False
        Add codes not in the codebook to the store's codes (ids from their names) instead of skipping them.
    min_overlap : float, default 0.5
        Share of a segment (or of the selection) a selection must cover to code it.
    include_machine : bool, default True
        Import the codings of user ``machine`` from a wijkanalyse export as machine codings.
    dry_run : bool, default False
        Work everything out, write nothing.

    Returns
    -------
    QdpxImport

    Raises
    ------
    ExchangeError
        If the file is not a zip with a ``.qde`` project, or its XML cannot be read.
    """
    from wijkanalyse.review.decisions import ensure_coder, known_codes

    p = Path(path)
    result = QdpxImport(path=p)
    try:
        zf = zipfile.ZipFile(p)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ExchangeError(f"{p} is not a .qdpx (zip) file: {exc}") from exc
    with zf:
        names = {n.lower(): n for n in zf.namelist() if not n.endswith("/")}
        qde = [n for n in zf.namelist() if n.lower().endswith(".qde")]
        if not qde:
            raise ExchangeError(f"{p} holds no project file (*.qde). Files: {zf.namelist()[:10]}")
        main = "project.qde" if "project.qde" in qde else sorted(qde)[0]
        try:
            root = etree.fromstring(zf.read(main), _safe_parser())
        except etree.XMLSyntaxError as exc:
            raise ExchangeError(f"{p}!{main} is not valid XML: {exc}") from exc
        if _local(root) != "Project":
            raise ExchangeError(f"{p}!{main} is not a REFI-QDA project: root element <{_local(root)}>.")
        schema_problems = validate_project(root)
        if schema_problems:
            result.warnings.append(
                f"{main} does not fully follow the REFI-QDA schema ({len(schema_problems)} problem(s), "
                "first: "
                f"{schema_problems[0]}); read as far as possible."
            )
        # users
        users: dict[str, tuple[str, str]] = {}  # guid -> (coder id, kind)
        users_el = _kid(root, "Users")
        for u in _kids(users_el, "User") if users_el is not None else []:
            g = _norm_guid(u.get("guid"))
            uname = (u.get("name") or "").strip() or (u.get("id") or "").strip() or f"refi-{g[:8]}"
            uid = (u.get("id") or "").strip()
            if uid == MACHINE and "wijkanalyse" in uname:
                users[g] = (MACHINE, "machine")
                continue
            target = (
                (user_map or {}).get(uname)
                or (user_map or {}).get(uid)
                or (uid if uid and _is_ours(root) else uname)
            )
            users[g] = (target, "human")
        default_user = _norm_guid(root.get("creatingUserGUID"))
        # codes
        cb_el = _kid(root, "CodeBook")
        refi_codes = _read_codes(_kid(cb_el, "Codes") if cb_el is not None else None)
        sets = _read_sets(root)
        codes = known_codes(store)
        ids = list(codes["code_id"])
        by_guid = {refi_guid("code", c): c for c in ids}
        by_name = {c.lower(): c for c in ids}
        for c, nl, en in zip(codes["code_id"], codes["label_nl"], codes["label_en"], strict=True):
            for lbl in (nl, en):
                if isinstance(lbl, str) and lbl.strip():
                    by_name.setdefault(lbl.strip().lower(), c)
        code_of: dict[str, str] = {}
        name_of: dict[str, str] = {c.guid: c.name for c in refi_codes}
        candidates: dict[str, dict[str, Any]] = {}  # with add_codes: unknown codes, added once used
        for c in refi_codes:
            parsed = _parse_description(c.description)
            mapped = (code_map or {}).get(c.name)
            cid = (
                mapped
                or by_guid.get(c.guid)
                or (parsed["code_id"] if parsed["code_id"] in ids else None)
                or by_name.get(c.name.lower())
            )
            if cid is None and add_codes:
                cid = slugify(c.name or "code")
                while cid in ids:
                    cid += "_refi"
                ids.append(cid)
                candidates[c.guid] = {
                    "code_id": cid,
                    "dimension": "soort" if c.guid in sets.get("soort", set()) else "thema",
                    "label_nl": c.name,
                    "parent_guid": c.parent,
                    "definition": parsed["definition"] or f"(Overgenomen uit {p.name})",
                    "color": c.color if c.color and _RGB.match(c.color) else None,
                }
                continue
            if cid is not None:
                if cid not in ids:
                    result.warnings.append(
                        f"code_map sends {c.name!r} to {cid!r}, which is not a known code."
                    )
                    continue
                code_of[c.guid] = cid
        # notes
        notes: dict[str, tuple[str, str]] = {}  # guid -> (text, user guid)
        notes_el = _kid(root, "Notes")
        for n in _kids(notes_el, "Note") if notes_el is not None else []:
            text, why = _read_source_text(n, zf, names)
            if text is None or not text.strip():
                continue
            notes[_norm_guid(n.get("guid"))] = (_normalise(text).strip(), _norm_guid(n.get("creatingUser")))
        # sources
        docs = store.query("SELECT doc_id, path, text FROM documents")
        by_text = {str(t): str(d) for d, t in zip(docs["doc_id"], docs["text"], strict=True)}
        path_of = dict(zip(docs["doc_id"], docs["path"], strict=True))
        segs = store.query('SELECT segment_id, doc_id, start, "end" FROM segments')
        spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for s in segs.itertuples(index=False):
            spans[str(s.doc_id)].append((int(s.start), int(s.end), str(s.segment_id)))
        planned: dict[
            tuple[str, str, str], tuple[str, str | None]
        ] = {}  # (seg, code, coder) -> (kind, created)
        memo_plan: list[tuple[str, str, str, str]] = []  # kind, target, author, text
        skipped_kinds: dict[str, int] = defaultdict(int)

        def coder_of(*guids: str | None) -> tuple[str, str]:
            for g in guids:
                if g and _norm_guid(g) in users:
                    return users[_norm_guid(g)]
            if default_user in users:
                return users[default_user]
            return ("refi-onbekend", "human")

        referenced: set[str] = set()

        def plan_note(kind: str, target: str, ref: etree._Element) -> None:
            g = _norm_guid(ref.get("targetGUID"))
            referenced.add(g)
            if g in notes:
                text, author = notes[g]
                memo_plan.append((kind, target, coder_of(author)[0], text))

        for src in root.iter(f"{{{NS_PROJECT}}}TextSource", "TextSource"):
            sname = (src.get("name") or "").strip() or _norm_guid(src.get("guid"))
            text, why = _read_source_text(src, zf, names)
            if text is None:
                result.unmatched.append(f"{sname} ({why})")
                continue
            doc_id, how, norm = _match_document(sname, text, docs, by_text)
            if doc_id is None:
                result.unmatched.append(f"{sname} (no document with this text or name in the store)")
                continue
            result.matched[sname] = (str(path_of[doc_id]), how)
            doc_text = str(docs.loc[docs["doc_id"] == doc_id, "text"].iloc[0])
            omap = _OffsetMap(text.lstrip("\ufeff"), doc_text)
            for sel in _kids(src, "PlainTextSelection"):
                result.selections += 1
                try:
                    a, b = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
                except ValueError:
                    result.warnings.append(f"{sname}: a selection without valid positions was skipped.")
                    result.selections_unmapped += 1
                    continue
                start, end = sorted((omap(a), omap(b, end=True)))
                hits = _segments_for(spans[doc_id], start, end, min_overlap)
                if not hits:
                    result.selections_unmapped += 1
                    continue
                for coding in _kids(sel, "Coding"):
                    ref = _kid(coding, "CodeRef")
                    g = _norm_guid(ref.get("targetGUID") if ref is not None else None)
                    code = code_of.get(g)
                    if code is None and g in candidates:
                        code = code_of[g] = candidates[g]["code_id"]
                    if code is None:
                        label = name_of.get(g, g or "?")
                        result.unknown_codes[label] = result.unknown_codes.get(label, 0) + len(hits)
                        continue
                    coder, kind = coder_of(coding.get("creatingUser"), sel.get("creatingUser"))
                    if kind == MACHINE and not include_machine:
                        continue
                    for seg in hits:
                        planned.setdefault((seg, code, coder), (kind, coding.get("creationDateTime")))
                for ref in _kids(sel, "NoteRef"):
                    for seg in hits:
                        plan_note("segment", seg, ref)
                description = _text_of(_kid(sel, "Description")).strip()
                if description:  # QualCoder keeps a coding's memo here
                    author = coder_of(sel.get("creatingUser"))[0]
                    memo_plan.extend(("segment", seg, author, description) for seg in hits)
            n_whole = len(_kids(src, "Coding"))
            if n_whole:
                skipped_kinds["whole-document codings"] += n_whole
            for ref in _kids(src, "NoteRef"):
                plan_note("document", doc_id, ref)
        for tag in ("PDFSource", "PictureSource", "AudioSource", "VideoSource"):
            n = len(list(root.iter(f"{{{NS_PROJECT}}}{tag}", tag)))
            if n:
                skipped_kinds[f"{tag}s (only text sources are read)"] += n
        for c in refi_codes:
            if c.guid in code_of:
                for ng in c.notes:
                    if ng in notes:
                        text, author = notes[ng]
                        memo_plan.append(("code", code_of[c.guid], coder_of(author)[0], text))
        for ref in _kids(root, "NoteRef"):
            plan_note("project", "project", ref)
        for rc in refi_codes:
            referenced.update(rc.notes)
        for g, (text, author) in notes.items():  # e.g. QualCoder's journals: notes on the project as a whole
            if g not in referenced:
                memo_plan.append(("project", "project", coder_of(author)[0], text))
        for what, n in skipped_kinds.items():
            result.warnings.append(f"{n} {what} skipped.")

    # write
    existing = {
        (str(s), str(c), str(k))
        for s, c, k in store.con.execute(
            "SELECT segment_id, code_id, coder_id FROM codings WHERE status = 'applied'"
        )
    }
    coders_used = {coder for (_s, _c, coder), (kind, _t) in planned.items() if kind == "human"}
    for g, (cid, kind) in users.items():
        if kind == "human" and cid in coders_used:
            result.coders[cid if cid else g] = cid
    result.existing = sum(1 for k in planned if k in existing)
    result.added = len(planned) - result.existing
    have_memos = {
        (str(k), str(t), str(a), str(x))
        for k, t, a, x in store.con.execute("SELECT target_kind, target_id, author, text FROM memos")
    }
    memo_plan = list(dict.fromkeys(m for m in memo_plan if m not in have_memos))
    result.memos = len(memo_plan)
    if dry_run:
        return result
    with store.transaction() as con:
        from wijkanalyse.store import now_iso

        new_codes = [
            dict(e, parent=code_of.get(e["parent_guid"] or "")) for g, e in candidates.items() if g in code_of
        ]
        for c in new_codes:
            con.execute(
                "INSERT OR IGNORE INTO codes(code_id, dimension, label_nl, parent, definition, color) "
                "VALUES (?,?,?,?,?,?)",
                (c["code_id"], c["dimension"], c["label_nl"], c["parent"], c["definition"], c["color"]),
            )
        for coder in sorted(coders_used | {a for _k, _t, a, _x in memo_plan}):
            ensure_coder(store, coder)
        if any(kind == MACHINE for kind, _t in planned.values()):
            store.ensure_coder(MACHINE, kind="machine", name="wijkanalyse")
        for (seg, code, coder), (kind, created) in planned.items():
            if (seg, code, coder) in existing:
                continue
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, model, created_at) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(segment_id, code_id, coder_id) DO UPDATE SET "
                "status='applied', created_at=excluded.created_at",
                (seg, code, coder, kind, "applied", "refi-qda import" if kind == MACHINE else None,
                 _store_time(created) or now_iso()),
            )  # fmt: skip
        for kind, target, author, text in memo_plan:
            store.add_memo(kind, target, author, text)
    result.applied = True
    return result


def _is_ours(root: etree._Element) -> bool:
    return (root.get("origin") or "").startswith("wijkanalyse")


def _store_time(value: str | None) -> str | None:
    if not value:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").replace(microsecond=0).isoformat()
