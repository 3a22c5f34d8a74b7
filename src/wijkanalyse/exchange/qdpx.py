r"""Stage 9: the coded project as a REFI-QDA ``.qdpx``, for ATLAS.ti, NVivo, MAXQDA and QualCoder.

:func:`export_qdpx` writes a zip with ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``, validated
against the shipped Project schema) and ``Sources/<guid>.txt``:

* ``Users``: every coder who coded or wrote a memo (the machine as user ``machine``, unless left out);
* ``CodeBook``: the codes with their hierarchy (children nest in their parent), colours, and a description
  holding the definition, include/exclude notes, examples and the wijkanalyse code id (``Code-id: ...``);
  ``Sets`` named ``thema`` and ``soort`` say which dimension a code belongs to; ``geen`` ("geen van deze") is
  a code too (:mod:`.refi`);
* ``Variables`` ``wijk``, ``datum``, ``soort bron``, ``sessie``, with their values on each source;
* one ``TextSource`` per document with ``plainTextPath="internal://<guid>.txt"`` — the normalised,
  pseudonymised text, UTF-8 without BOM, ``\n`` line ends — and one ``PlainTextSelection`` per coded segment
  at the segment's offsets, holding one ``Coding`` per (code, coder) with ``creatingUser``, plus one
  ``PlainTextSelection`` per coded *span* (:mod:`wijkanalyse.review.spans`) at exactly the span's offsets
  (segment start + span offset) with the codings of that span. Positions are zero-based Unicode code point
  offsets, end exclusive — a Python string index — so ``text[startPosition:endPosition]`` is the segment or
  span;
* memos as ``Notes`` (plain text content, author, ``creationDateTime``, and ``modifiedDateTime`` for an
  edited memo; earlier texts stay in the store's memo history), referenced by ``NoteRef`` from the code,
  selection (segment memo), source (document memo) or project they are about.

GUIDs are ``uuid5`` of what they identify (``code:<id>``, ``doc:<doc_id>``, ``segment:<id>``,
``span:<segment id>:<start>:<end>``, ...), so
exporting an unchanged store twice gives identical files. Rejected codings are not exported (REFI has no such
notion), nor the machine's confidences. A project coded elsewhere is read by
:func:`wijkanalyse.exchange.qdpx_import.import_qdpx`; the codebook alone travels as ``.qdc`` (:mod:`.qdc`).
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from wijkanalyse.coding.codebook import Codebook
from wijkanalyse.exchange.refi import (
    NS_PROJECT,
    RGB,
    CodeRow,
    ExchangeError,
    code_elements,
    code_rows_from_codebook,
    describe_code,
    file_origin,
    refi_guid,
    set_elements,
    to_bytes,
    validate_project,
    xml_text,
)
from wijkanalyse.review.decisions import known_codes
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE, NONE_CODE

__all__ = ["QdpxExport", "project_xml", "export_qdpx"]

_EPOCH = "1980-01-01T00:00:00Z"
#: The variables of a source: (name in the project, column of the documents table).
_VARIABLES = (("wijk", "wijk"), ("datum", "date"), ("soort bron", "kind"), ("sessie", "session"))


@dataclass
class QdpxExport:
    """What :func:`export_qdpx` wrote."""

    path: Path
    users: int
    codes: int
    sources: int
    selections: int
    codings: int
    notes: int

    def describe(self) -> str:
        """One line for the command line."""
        return (
            f"Wrote {self.path}: {self.sources} sources, {self.codes} codes, {self.selections} coded "
            "selections, "
            f"{self.codings} codings by {self.users} users, {self.notes} memos."
        )


def _q(tag: str) -> str:
    return f"{{{NS_PROJECT}}}{tag}"


def _xsd_datetime(value: Any, default: str = _EPOCH) -> str:
    s = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    if not s:
        return default
    try:
        ts = pd.Timestamp(s)
    except (ValueError, TypeError):
        return default
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _code_rows_from_store(store: Store, codebook: Codebook | None) -> list[CodeRow]:
    """Return the codes to export: the codebook's (or the store's), ``geen``, and any other code coded."""
    if codebook is not None:
        rows = code_rows_from_codebook(codebook)
    else:
        rows = [
            CodeRow(
                str(c.code_id),
                str(c.label_nl or c.code_id),
                str(c.dimension or "thema"),
                None if pd.isna(c.parent) else str(c.parent),
                str(c.color) if isinstance(c.color, str) and RGB.match(c.color) else None,
                describe_code(
                    str(c.definition or ""),
                    [],
                    [],
                    [],
                    str(c.code_id),
                    str(c.label_en) if isinstance(c.label_en, str) else "",
                ),
            )  # fmt: skip
            for c in known_codes(store).itertuples(index=False)
            if c.code_id != NONE_CODE
        ]
    known = {r.code_id for r in rows}
    if NONE_CODE not in known:
        definition = "Geen van de codes in het codeboek is van toepassing."
        rows.append(
            CodeRow(
                NONE_CODE,
                "geen van deze",
                "thema",
                None,
                "#BAB0AC",
                describe_code(definition, [], [], [], NONE_CODE),
            )
        )
        known.add(NONE_CODE)
    for code in store.coded_code_ids():  # codes coded but missing from the codebook still travel, flat
        if code not in known:
            rows.append(CodeRow(code, code, "thema", None, None, describe_code("", [], [], [], code)))
            known.add(code)
    for r in rows:  # a parent that is not exported would orphan the child
        if r.parent and r.parent not in known:
            r.parent = None
    return rows


def _users(codings: pd.DataFrame, memos: pd.DataFrame, registered: pd.DataFrame) -> pd.DataFrame:
    """Return the coders to export as users: those who coded or wrote a memo (``coder_id, name, kind``)."""
    needed = set(codings["coder_id"]) | set(memos["author"])
    coders = registered[registered["coder_id"].isin(needed)]
    for extra in sorted(needed - set(coders["coder_id"])):
        coders = pd.concat([coders, pd.DataFrame([{"coder_id": extra, "name": extra, "kind": "human"}])])
    return coders


class _ProjectBuilder:
    """Build ``project.qde`` element by element; collects the source files and the counts on the way."""

    def __init__(self, store: Store, codebook: Codebook | None, include_machine: bool):
        self.store = store
        self.codebook = codebook
        self.include_machine = include_machine
        self.codings = store.applied_codings(include_machine)
        self.memos = store.memos()
        self.coders = _users(self.codings, self.memos, store.registered_coders())
        self.user_guid = {c: refi_guid("user", c) for c in self.coders["coder_id"]}
        self.first_user = self.user_guid[sorted(self.user_guid)[0]] if self.user_guid else None
        self.rows = _code_rows_from_store(store, codebook)
        self.notes_by: dict[tuple[str, str], list[str]] = defaultdict(list)
        for m in self.memos.itertuples(index=False):
            self.notes_by[(str(m.target_kind), str(m.target_id))].append(self._note_guid(m.memo_id))
        self.files: dict[str, str] = {}
        self.counts = {"users": len(self.coders), "codes": len(self.rows), "sources": 0, "selections": 0,
                       "codings": 0, "notes": 0}  # fmt: skip

    @staticmethod
    def _note_guid(memo_id: Any) -> str:
        return refi_guid("memo", str(int(memo_id)))

    def root(self, name: str, created: str) -> etree._Element:
        """Return the ``<Project>`` element."""
        root = etree.Element(
            _q("Project"),
            nsmap={None: NS_PROJECT},
            name=xml_text(name),
            origin=file_origin(self.codebook),
            creationDateTime=created,
        )
        if self.first_user:
            root.set("creatingUserGUID", self.first_user)
        return root

    def users(self, root: etree._Element) -> None:
        """Write ``<Users>`` (when there are any); the machine gets a name that says what it is."""
        if not len(self.coders):
            return
        users_el = etree.SubElement(root, _q("Users"))
        for c in self.coders.itertuples(index=False):
            name = "machine (wijkanalyse)" if c.coder_id == MACHINE else str(c.name or c.coder_id)
            etree.SubElement(
                users_el,
                _q("User"),
                guid=self.user_guid[c.coder_id],
                name=xml_text(name),
                id=xml_text(c.coder_id),
            )

    def codebook_and_variables(self, root: etree._Element) -> etree._Element:
        """Write ``<CodeBook>`` and ``<Variables>``; return the latter."""
        cb_el = etree.SubElement(root, _q("CodeBook"))
        notes = {r.code_id: self.notes_by.get(("code", r.code_id), []) for r in self.rows}
        code_elements(etree.SubElement(cb_el, _q("Codes")), NS_PROJECT, self.rows, notes)
        vars_el = etree.SubElement(root, _q("Variables"))
        for label, col in _VARIABLES:
            v = etree.SubElement(vars_el, _q("Variable"), guid=refi_guid("variable", label), name=label,
                                 typeOfVariable="Text")  # fmt: skip
            etree.SubElement(v, _q("Description")).text = f"Uit wijkanalyse: documenten.{col}"
        return vars_el

    def sources(self, root: etree._Element, docs: pd.DataFrame) -> None:
        """Write ``<Sources>``: one ``<TextSource>`` per document, with its coded selections."""
        segs = self.store.segment_spans()
        by_doc = {d: g for d, g in segs.groupby("doc_id")}
        coded_by_seg = {s: g for s, g in self.codings.groupby("segment_id")}
        sources_el = etree.SubElement(root, _q("Sources"))
        for d in docs.itertuples(index=False):
            g = refi_guid("doc", str(d.doc_id))
            src = etree.SubElement(
                sources_el,
                _q("TextSource"),
                guid=g,
                name=xml_text(d.path),
                plainTextPath=f"internal://{g}.txt",
                creationDateTime=_xsd_datetime(d.ingested_at),
            )
            self.files[f"Sources/{g}.txt"] = str(d.text)
            self.counts["sources"] += 1
            meta = [("wijk", d.wijk), ("datum", d.date), ("soort bron", d.kind), ("sessie", d.session)]
            desc = "; ".join(f"{k}: {v}" for k, v in meta if v is not None and not pd.isna(v))
            if desc:
                etree.SubElement(src, _q("Description")).text = xml_text(desc)
            seg_rows = by_doc.get(d.doc_id)
            for s in seg_rows.itertuples(index=False) if seg_rows is not None else []:
                cds = coded_by_seg.get(s.segment_id)
                whole = cds[cds["span_start"].isna()] if cds is not None else None
                self.selection(src, s, whole if whole is not None and len(whole) else None)
                if cds is not None:
                    self.span_selections(src, s, cds[cds["span_start"].notna()])
            for n in self.notes_by.get(("document", str(d.doc_id)), []):
                etree.SubElement(src, _q("NoteRef"), targetGUID=n)
            for label, col in _VARIABLES:
                value = getattr(d, col)
                if value is None or pd.isna(value):
                    continue
                vv = etree.SubElement(src, _q("VariableValue"))
                etree.SubElement(vv, _q("VariableRef"), targetGUID=refi_guid("variable", label))
                etree.SubElement(vv, _q("TextValue")).text = xml_text(value)

    def span_selections(self, src: etree._Element, s: Any, cds: pd.DataFrame) -> None:
        """Write one ``<PlainTextSelection>`` per coded span of a segment, at the span's document offsets."""
        for (a, b), g in cds.groupby(["span_start", "span_end"], sort=True):
            a, b = int(a), int(b)
            self.selection(src, s, g, span=(a, b))

    def selection(
        self, src: etree._Element, s: Any, cds: pd.DataFrame | None, span: tuple[int, int] | None = None
    ) -> None:
        """Write the ``<PlainTextSelection>`` of a segment (or of a span of it) with codings or memos."""
        seg_notes = [] if span else self.notes_by.get(("segment", str(s.segment_id)), [])
        if cds is None and not seg_notes:
            return
        a, b = span or (0, len(str(s.text)))
        quote = str(s.text)[a:b]
        attrs = {
            "guid": refi_guid("span", f"{s.segment_id}:{a}:{b}")
            if span
            else refi_guid("segment", str(s.segment_id)),
            "name": xml_text(quote[:60] + ("…" if len(quote) > 60 else "")),
            "startPosition": str(int(s.start) + a if span else int(s.start)),
            "endPosition": str(int(s.start) + b if span else int(s.end)),
        }
        if cds is not None:
            attrs["creatingUser"] = self.user_guid[cds.iloc[0]["coder_id"]]
            attrs["creationDateTime"] = _xsd_datetime(cds["created_at"].min())
        sel = etree.SubElement(src, _q("PlainTextSelection"), attrs)
        self.counts["selections"] += 1
        for c in cds.itertuples(index=False) if cds is not None else []:
            coding = etree.SubElement(
                sel,
                _q("Coding"),
                guid=refi_guid(
                    "coding", f"{s.segment_id}:{c.code_id}:{c.coder_id}" + (f":{a}:{b}" if span else "")
                ),
                creatingUser=self.user_guid[c.coder_id],
                creationDateTime=_xsd_datetime(c.created_at),
            )
            etree.SubElement(coding, _q("CodeRef"), targetGUID=refi_guid("code", str(c.code_id)))
            self.counts["codings"] += 1
        for n in seg_notes:
            etree.SubElement(sel, _q("NoteRef"), targetGUID=n)

    def notes(self, root: etree._Element) -> None:
        """Write ``<Notes>``: every memo as a note with its author and time."""
        if not len(self.memos):
            return
        notes_el = etree.SubElement(root, _q("Notes"))
        for m in self.memos.itertuples(index=False):
            note = etree.SubElement(
                notes_el,
                _q("Note"),
                guid=self._note_guid(m.memo_id),
                name=xml_text(f"Memo ({m.target_kind}) van {m.author}"),
                creatingUser=self.user_guid.get(str(m.author), self.first_user or ""),
                creationDateTime=_xsd_datetime(m.created_at),
            )
            if isinstance(m.updated_at, str) and m.updated_at:  # an edited memo: when (old texts stay here)
                note.set("modifiedDateTime", _xsd_datetime(m.updated_at))
            etree.SubElement(note, _q("PlainTextContent")).text = xml_text(m.text)
            self.counts["notes"] += 1

    def finish(self, root: etree._Element, vars_el: etree._Element) -> None:
        """Write the sets, the project's description and memos; drop what would be empty."""
        set_elements(root, NS_PROJECT, self.rows, "targetGUID")
        version = self.store.codebook_version()
        etree.SubElement(root, _q("Description")).text = (
            "Gecodeerd project uit wijkanalyse: genormaliseerde, gepseudonimiseerde teksten; codes van mensen"
            + (" en van de machine (gebruiker 'machine')" if self.include_machine else "")
            + (f"; codeboekversie {version}" if version is not None else "")
            + "."
        )
        for (kind, _target), guids in self.notes_by.items():
            if kind == "project":
                for n in guids:
                    etree.SubElement(root, _q("NoteRef"), targetGUID=n)
        if not self.user_guid:  # creatingUser attributes would be empty strings otherwise
            for el in root.iter():
                if el.get("creatingUser") == "":
                    del el.attrib["creatingUser"]
        if not len(vars_el):
            root.remove(vars_el)


def project_xml(
    store: Store,
    *,
    codebook: Codebook | None = None,
    include_machine: bool = True,
    project_name: str | None = None,
) -> tuple[bytes, dict[str, str], dict[str, int]]:
    """Build ``project.qde`` for a store (format in the module docstring).

    Returns
    -------
    xml : bytes
    files : dict
        ``{"Sources/<guid>.txt": text}`` — the plain-text sources to put in the zip.
    counts : dict
        ``users, codes, sources, selections, codings, notes``.
    """
    builder = _ProjectBuilder(store, codebook, include_machine)
    docs = store.documents_with_text()
    created = _xsd_datetime(docs["ingested_at"].min() if len(docs) else None)
    root = builder.root(project_name or store.folder.parent.name or "wijkanalyse", created)
    builder.users(root)
    vars_el = builder.codebook_and_variables(root)
    builder.sources(root, docs)
    builder.notes(root)
    builder.finish(root, vars_el)
    return to_bytes(root), builder.files, builder.counts


def export_qdpx(
    store: Store,
    path: str | Path,
    *,
    codebook: Codebook | None = None,
    include_machine: bool = True,
    project_name: str | None = None,
    validate: bool = True,
) -> QdpxExport:
    """Write the coded project as a REFI-QDA ``.qdpx`` (format in the module docstring).

    Parameters
    ----------
    store : Store
    path : path
        The ``.qdpx`` to write.
    codebook : Codebook, optional
        Gives the codes their full descriptions (include/exclude, examples); default: the store's codes table.
    include_machine : bool, default True
        Also export the machine's applied codings (as user ``machine``).
    project_name : str, optional
        Default: the corpus name.
    validate : bool, default True
        Check ``project.qde`` against the shipped Project schema first.

    Returns
    -------
    QdpxExport

    Raises
    ------
    ExchangeError
        If the XML does not validate (a bug: please report it).
    """
    xml, files, counts = project_xml(
        store, codebook=codebook, include_machine=include_machine, project_name=project_name
    )
    if validate:
        problems = validate_project(xml)
        if problems:
            raise ExchangeError(
                "project.qde does not validate against Project-mrt2019.xsd (a bug):", problems
            )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    entries = [("project.qde", xml), *[(name, text.encode("utf-8")) for name, text in sorted(files.items())]]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    out.write_bytes(buf.getvalue())
    return QdpxExport(path=out, **counts)
