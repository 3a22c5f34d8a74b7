r"""Stage 9: import a REFI-QDA project (``.qdpx``) coded in another tool, as people's codings here.

For a project coded elsewhere (e.g. in QualCoder), so its coding can be measured and reported here:

1. **Sources to documents**: by content first (after removing a byte-order mark and turning ``\r\n`` into
   ``\n``, with positions corrected), then by name (the source name equals a document's path, file name or
   file stem), then by similarity (>= 0.8). When the texts differ, positions are carried over by aligning the
   two texts (``difflib``); the report says so. Unmatched sources are listed and skipped.
2. **Selections to segments, exactly**: a selection inside one segment becomes a coding of exactly that span
   of the segment (:mod:`wijkanalyse.review.spans`; one covering the whole segment text is a whole-segment
   coding), never stretched to the segment. A selection that crosses segment boundaries is cut at them: each
   segment it overlaps enough (the overlap covers at least ``min_overlap``, default half, of the segment or
   of the selection) gets the exact piece of the selection inside it as a span; the text between segments
   (blank lines, headings that are no segment) and pieces below ``min_overlap`` are left out, and the
   report counts such selections (``selections_split``). Memos on a selection go to each segment it codes.
3. **Codes** by, in order: ``code_map`` (name -> code id), the GUID wijkanalyse gives a known code, a
   ``Code-id:`` line in the description, the name equal to a code id or label (case ignored). Unknown codes
   are listed with their number of codings and skipped, unless ``add_codes=True`` adds them to the store's
   codes.
4. **Users** become human coders (``user_map`` renames them; a wijkanalyse export's user names become
   their names). Only *people's* codings are imported unless ``include_machine=True`` (command line
   ``--with-machine``): then the user ``machine`` of a wijkanalyse export becomes the machine again. Codings
   are added for their coder only (re-importing changes nothing); no other coder's codings are touched.
   Notes become memos (once), with the note's ``creationDateTime`` as their date (now, if it has none).

What the export writes is in :mod:`wijkanalyse.exchange.qdpx`, how code descriptions carry a code's id in
:mod:`wijkanalyse.exchange.refi`, how positions are carried over in :mod:`wijkanalyse.exchange.align`.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from wijkanalyse.exchange.align import OffsetMap, match_document, normalise_text
from wijkanalyse.exchange.refi import (
    NS_PROJECT,
    RGB,
    ExchangeError,
    RefiCode,
    child,
    children,
    local_name,
    norm_guid,
    parse_description,
    read_codes,
    read_sets,
    refi_guid,
    safe_parser,
    slugify,
    text_of,
    validate_project,
)
from wijkanalyse.review.decisions import ensure_coder, known_codes
from wijkanalyse.store import Store, now_iso
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
    selections, selections_unmapped, selections_split : int
        Selections read; selections overlapping no segment enough; selections cut at segment boundaries.
    spans : int
        Of the codings written, those on a span of a segment (not the whole segment).
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
    selections_split: int = 0
    spans: int = 0
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
            f"{self.selections} selections ({self.selections_unmapped} on no segment, "
            f"{self.selections_split} cut at segment boundaries); codings +{self.added} ({self.spans} on a "
            f"span of a segment; already there: {self.existing}); {self.memos} memo(s); coders: "
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


# -- matching sources to documents and selections to segments ---------------------------------------------
def _read_source_text(
    src: etree._Element, zf: zipfile.ZipFile, names: dict[str, str]
) -> tuple[str | None, str]:
    """Return the plain text of a source or note (inline, or its file in the zip), and why not when None."""
    content = child(src, "PlainTextContent")
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


Piece = tuple[str, tuple[int, int] | None]  # segment id, span in its text (None: the whole segment)


def _segments_for(
    spans: list[tuple[int, int, str]], start: int, end: int, min_overlap: float
) -> tuple[list[Piece], bool]:
    """Return the pieces of a selection ``[start, end)`` on the segments it overlaps, and whether it crosses.

    A segment inside the selection's reach gets the exact overlap, in offsets of its own text (None when that
    is all of it); with more than one segment overlapped, only those covered for ``min_overlap`` of the
    segment or of the selection.
    """
    overlaps = [(s, e, seg, min(e, end) - max(s, start)) for s, e, seg in spans]
    overlaps = [o for o in overlaps if o[3] > 0]
    out: list[Piece] = []
    for s, e, seg, ov in overlaps:
        if len(overlaps) > 1 and ov < min_overlap * max(e - s, 1) and ov < min_overlap * max(end - start, 1):
            continue
        a, b = max(s, start) - s, min(e, end) - s
        out.append((seg, None if (a, b) == (0, e - s) else (a, b)))
    return out, len(overlaps) > 1


# -- reading the project -----------------------------------------------------------------------------------
def _read_project(zf: zipfile.ZipFile, p: Path, result: QdpxImport) -> etree._Element:
    """Return the root of the project's ``.qde``; a schema problem is a warning, not an error."""
    qde = [n for n in zf.namelist() if n.lower().endswith(".qde")]
    if not qde:
        raise ExchangeError(f"{p} holds no project file (*.qde). Files: {zf.namelist()[:10]}")
    main = "project.qde" if "project.qde" in qde else sorted(qde)[0]
    try:
        root = etree.fromstring(zf.read(main), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(f"{p}!{main} is not valid XML: {exc}") from exc
    if local_name(root) != "Project":
        raise ExchangeError(f"{p}!{main} is not a REFI-QDA project: root element <{local_name(root)}>.")
    schema_problems = validate_project(root)
    if schema_problems:
        result.warnings.append(
            f"{main} does not fully follow the REFI-QDA schema ({len(schema_problems)} problem(s), first: "
            f"{schema_problems[0]}); read as far as possible."
        )
    return root


class _Users:
    """The project's users as coders here: ``{user guid: (coder id, kind)}``, and who coded what."""

    def __init__(self, root: etree._Element, user_map: Mapping[str, str] | None):
        self.users: dict[str, tuple[str, str]] = {}
        self.names: dict[str, str] = {}  # coder id -> the user's name in the file
        users_el = child(root, "Users")
        for u in children(users_el, "User") if users_el is not None else []:
            g = norm_guid(u.get("guid"))
            uname = (u.get("name") or "").strip() or (u.get("id") or "").strip() or f"refi-{g[:8]}"
            uid = (u.get("id") or "").strip()
            if uid == MACHINE and "wijkanalyse" in uname:
                self.users[g] = (MACHINE, "machine")
                continue
            target = (
                (user_map or {}).get(uname)
                or (user_map or {}).get(uid)
                or (uid if uid and _is_ours(root) else uname)
            )
            self.users[g] = (target, "human")
            self.names.setdefault(target, uname)
        self.default_user = norm_guid(root.get("creatingUserGUID"))

    def coder_of(self, *guids: str | None) -> tuple[str, str]:
        """Return the (coder id, kind) of the first known user GUID, else the project's creator."""
        for g in guids:
            if g and norm_guid(g) in self.users:
                return self.users[norm_guid(g)]
        if self.default_user in self.users:
            return self.users[self.default_user]
        return ("refi-onbekend", "human")


@dataclass
class _Codes:
    """The project's codes and the codes here they stand for."""

    refi_codes: list[RefiCode]
    code_of: dict[str, str] = field(default_factory=dict)  # code guid -> code id here
    name_of: dict[str, str] = field(default_factory=dict)  # code guid -> name in the file
    candidates: dict[str, dict[str, Any]] = field(default_factory=dict)  # with add_codes: added once used


def _map_codes(
    store: Store,
    root: etree._Element,
    code_map: Mapping[str, str] | None,
    add_codes: bool,
    result: QdpxImport,
) -> _Codes:
    """Map each code of the project to a code here (rules in the module docstring)."""
    cb_el = child(root, "CodeBook")
    codes = _Codes(read_codes(child(cb_el, "Codes") if cb_el is not None else None))
    codes.name_of = {c.guid: c.name for c in codes.refi_codes}
    soort = read_sets(root).get("soort", set())
    known = known_codes(store)
    ids = list(known["code_id"])
    by_guid = {refi_guid("code", c): c for c in ids}
    by_name = {c.lower(): c for c in ids}
    for c, nl, en in zip(known["code_id"], known["label_nl"], known["label_en"], strict=True):
        for lbl in (nl, en):
            if isinstance(lbl, str) and lbl.strip():
                by_name.setdefault(lbl.strip().lower(), c)
    for c in codes.refi_codes:
        parsed = parse_description(c.description)
        cid = (
            (code_map or {}).get(c.name)
            or by_guid.get(c.guid)
            or (parsed["code_id"] if parsed["code_id"] in ids else None)
            or by_name.get(c.name.lower())
        )
        if cid is None and add_codes:
            cid = slugify(c.name or "code")
            while cid in ids:
                cid += "_refi"
            ids.append(cid)
            codes.candidates[c.guid] = {
                "code_id": cid,
                "dimension": "soort" if c.guid in soort else "thema",
                "label_nl": c.name,
                "parent_guid": c.parent,
                "definition": parsed["definition"] or f"(Overgenomen uit {result.path.name})",
                "color": c.color if c.color and RGB.match(c.color) else None,
            }
        elif cid is not None and cid not in ids:
            result.warnings.append(f"code_map sends {c.name!r} to {cid!r}, which is not a known code.")
        elif cid is not None:
            codes.code_of[c.guid] = cid
    return codes


Times = tuple[str | None, str | None]  # written, last changed (None: not given)
Note = tuple[str, str, Times]  # text, user guid, times


def _read_notes(root: etree._Element, zf: zipfile.ZipFile, names: dict[str, str]) -> dict[str, Note]:
    """Return ``{note guid: (text, user guid, (time written, time changed))}`` of the notes with text."""
    notes: dict[str, Note] = {}
    notes_el = child(root, "Notes")
    for n in children(notes_el, "Note") if notes_el is not None else []:
        text, _why = _read_source_text(n, zf, names)
        if text is None or not text.strip():
            continue
        notes[norm_guid(n.get("guid"))] = (
            normalise_text(text).strip(),
            norm_guid(n.get("creatingUser")),
            (_store_time(n.get("creationDateTime")), _store_time(n.get("modifiedDateTime"))),
        )
    return notes


# -- planning what to write --------------------------------------------------------------------------------
class _Planner:
    """Go through the project's sources and notes; plan the codings and memos to write, fill in the result."""

    def __init__(self, store: Store, codes: _Codes, users: _Users, notes: dict[str, Note],
                 result: QdpxImport, *, min_overlap: float, include_machine: bool):  # fmt: skip
        self.codes, self.users, self.notes, self.result = codes, users, notes, result
        self.min_overlap = min_overlap
        self.include_machine = include_machine
        self.docs = store.document_texts()
        self.by_text = {str(t): str(d) for d, t in zip(self.docs["doc_id"], self.docs["text"], strict=True)}
        self.spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for s in store.segment_spans().itertuples(index=False):
            self.spans[str(s.doc_id)].append((int(s.start), int(s.end), str(s.segment_id)))
        # (seg, code, coder, span start, span end) -> kind, time; span None: the whole segment
        self.planned: dict[tuple[str, str, str, int | None, int | None], tuple[str, str | None]] = {}
        self.memos: list[tuple[str, str, str, str, Times]] = []  # kind, target, author, text, times
        self.skipped: dict[str, int] = defaultdict(int)
        self.referenced: set[str] = set()

    def note(self, kind: str, target: str, ref: etree._Element) -> None:
        """Plan a memo on ``target`` from a ``NoteRef`` (when the note has text)."""
        g = norm_guid(ref.get("targetGUID"))
        self.referenced.add(g)
        if g in self.notes:
            text, author, times = self.notes[g]
            self.memos.append((kind, target, self.users.coder_of(author)[0], text, times))

    def source(self, src: etree._Element, zf: zipfile.ZipFile, names: dict[str, str]) -> None:
        """Match a ``TextSource`` to a document and plan its selections and document memos."""
        sname = (src.get("name") or "").strip() or norm_guid(src.get("guid"))
        text, why = _read_source_text(src, zf, names)
        if text is None:
            self.result.unmatched.append(f"{sname} ({why})")
            return
        doc_id, how, _norm = match_document(sname, text, self.docs, self.by_text)
        if doc_id is None:
            self.result.unmatched.append(f"{sname} (no document with this text or name in the store)")
            return
        doc = self.docs[self.docs["doc_id"] == doc_id].iloc[0]
        self.result.matched[sname] = (str(doc["path"]), how)
        omap = OffsetMap(text.lstrip("\ufeff"), str(doc["text"]))
        for sel in children(src, "PlainTextSelection"):
            self.selection(sel, sname, doc_id, omap)
        n_whole = len(children(src, "Coding"))
        if n_whole:
            self.skipped["whole-document codings"] += n_whole
        for ref in children(src, "NoteRef"):
            self.note("document", doc_id, ref)

    def selection(self, sel: etree._Element, sname: str, doc_id: str, omap: OffsetMap) -> None:
        """Plan the codings and memos of one selection on the segments it covers."""
        self.result.selections += 1
        try:
            a, b = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            self.result.warnings.append(f"{sname}: a selection without valid positions was skipped.")
            self.result.selections_unmapped += 1
            return
        start, end = sorted((omap(a), omap(b, end=True)))
        pieces, crosses = _segments_for(self.spans[doc_id], start, end, self.min_overlap)
        if not pieces:
            self.result.selections_unmapped += 1
            return
        self.result.selections_split += crosses
        hits = list(dict.fromkeys(seg for seg, _span in pieces))
        for coding in children(sel, "Coding"):
            self.coding(coding, sel, pieces)
        for ref in children(sel, "NoteRef"):
            for seg in hits:
                self.note("segment", seg, ref)
        description = text_of(child(sel, "Description")).strip()
        if description:  # QualCoder keeps a coding's memo here
            author = self.users.coder_of(sel.get("creatingUser"))[0]
            times = (_store_time(sel.get("creationDateTime")), None)
            self.memos.extend(("segment", seg, author, description, times) for seg in hits)

    def coding(self, coding: etree._Element, sel: etree._Element, hits: list[Piece]) -> None:
        """Plan one ``Coding`` on the segments (pieces); count it under its name when its code is unknown."""
        ref = child(coding, "CodeRef")
        g = norm_guid(ref.get("targetGUID") if ref is not None else None)
        codes = self.codes
        code = codes.code_of.get(g)
        if code is None and g in codes.candidates:
            code = codes.code_of[g] = codes.candidates[g]["code_id"]
        if code is None:
            label = codes.name_of.get(g, g or "?")
            self.result.unknown_codes[label] = self.result.unknown_codes.get(label, 0) + len(hits)
            return
        coder, kind = self.users.coder_of(coding.get("creatingUser"), sel.get("creatingUser"))
        if kind == MACHINE and not self.include_machine:
            self.skipped["machine codings (import them with --with-machine)"] += len(hits)
            return
        for seg, span in hits:
            a, b = span or (None, None)
            self.planned.setdefault((seg, code, coder, a, b), (kind, coding.get("creationDateTime")))

    def finish(self, root: etree._Element) -> None:
        """Plan the memos on codes and the project; note what kinds of content were skipped."""
        for tag in ("PDFSource", "PictureSource", "AudioSource", "VideoSource"):
            n = len(list(root.iter(f"{{{NS_PROJECT}}}{tag}", tag)))
            if n:
                self.skipped[f"{tag}s (only text sources are read)"] += n
        for c in self.codes.refi_codes:
            if c.guid in self.codes.code_of:
                for ng in c.notes:
                    if ng in self.notes:
                        text, author, times = self.notes[ng]
                        self.memos.append(
                            (
                                "code",
                                self.codes.code_of[c.guid],
                                self.users.coder_of(author)[0],
                                text,
                                times,
                            )
                        )
        for ref in children(root, "NoteRef"):
            self.note("project", "project", ref)
        for rc in self.codes.refi_codes:
            self.referenced.update(rc.notes)
        for g, (text, author, times) in self.notes.items():  # e.g. QualCoder's journals: on the project
            if g not in self.referenced:
                self.memos.append(("project", "project", self.users.coder_of(author)[0], text, times))
        for what, n in self.skipped.items():
            self.result.warnings.append(f"{n} {what} skipped.")


# -- writing -----------------------------------------------------------------------------------------------
Key = tuple[str, str, str, int | None, int | None]


def _tally(store: Store, plan: _Planner, users: _Users, result: QdpxImport) -> set[Key]:
    """Count what is new; drop memos the store has. Return the codings the store has already."""
    existing = store.applied_coding_keys()
    coders_used = {k[2] for k, (kind, _t) in plan.planned.items() if kind == "human"}
    for g, (cid, kind) in users.users.items():
        if kind == "human" and cid in coders_used:
            result.coders[cid if cid else g] = cid
    result.existing = sum(1 for k in plan.planned if k in existing)
    result.added = len(plan.planned) - result.existing
    result.spans = sum(1 for k in plan.planned if k not in existing and k[3] is not None)
    have_memos = set(store.memo_keys())
    unique: dict[tuple[str, str, str, str], Times] = {}
    for kind, target, author, text, times in plan.memos:  # once, with the first times given
        if (kind, target, author, text) not in have_memos:
            unique.setdefault((kind, target, author, text), times)
    plan.memos = [(*k, t) for k, t in unique.items()]
    result.memos = len(plan.memos)
    return existing


def _write(store: Store, plan: _Planner, users: _Users, existing: set[Key]) -> None:
    """Write the new codes, coders, codings and memos in one transaction."""
    codes = plan.codes
    new_codes = [
        dict(e, parent=codes.code_of.get(e["parent_guid"] or ""))
        for g, e in codes.candidates.items()
        if g in codes.code_of
    ]
    coders_used = {k[2] for k, (kind, _t) in plan.planned.items() if kind == "human"}
    with store.transaction():
        if new_codes:
            store.sync_codes(pd.DataFrame(new_codes), update=False)
        for coder in sorted(coders_used | {m[2] for m in plan.memos}):
            ensure_coder(store, coder, users.names.get(coder))
        if any(kind == MACHINE for kind, _t in plan.planned.values()):
            store.ensure_coder(MACHINE, kind="machine", name="wijkanalyse")
        for key, (kind, created) in plan.planned.items():
            if key not in existing:
                seg, code, coder, a, b = key
                model = "refi-qda import" if kind == MACHINE else None
                span = None if a is None or b is None else (a, b)
                when = _store_time(created) or now_iso()
                store.write_imported_coding(seg, code, coder, kind, when, model, span)
        for kind, target, author, text, (written, changed) in plan.memos:
            store.add_memo(kind, target, author, text, written, changed)


def import_qdpx(
    store: Store,
    path: str | Path,
    *,
    code_map: Mapping[str, str] | None = None,
    user_map: Mapping[str, str] | None = None,
    add_codes: bool = False,
    min_overlap: float = 0.5,
    include_machine: bool = False,
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
        For a selection that crosses segment boundaries: the share of a segment (or of the selection) its
        piece must cover for that segment to get it. A selection inside one segment always codes it.
    include_machine : bool, default False
        Also import the codings of user ``machine`` from a wijkanalyse export, as machine codings (by
        default only people's codings and memos are imported).
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
    p = Path(path)
    result = QdpxImport(path=p)
    try:
        zf = zipfile.ZipFile(p)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ExchangeError(f"{p} is not a .qdpx (zip) file: {exc}") from exc
    with zf:
        names = {n.lower(): n for n in zf.namelist() if not n.endswith("/")}
        root = _read_project(zf, p, result)
        users = _Users(root, user_map)
        codes = _map_codes(store, root, code_map, add_codes, result)
        notes = _read_notes(root, zf, names)
        plan = _Planner(
            store, codes, users, notes, result, min_overlap=min_overlap, include_machine=include_machine
        )
        for src in root.iter(f"{{{NS_PROJECT}}}TextSource", "TextSource"):
            plan.source(src, zf, names)
        plan.finish(root)
    existing = _tally(store, plan, users, result)
    if dry_run:
        return result
    _write(store, plan, users, existing)
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
