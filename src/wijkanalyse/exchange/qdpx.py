r"""Stage 9: REFI-QDA exchange — the coded project as ``.qdpx``, the codebook as ``.qdc``.

REFI-QDA (www.qdasoftware.org) is the exchange standard that ATLAS.ti, NVivo, MAXQDA and QualCoder read and
write. Everything written here is validated against the schemas shipped in ``wijkanalyse/data/refi-qda/``
(lxml, offline) before it is saved.

Project export (:func:`export_qdpx`)
------------------------------------
A zip with ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and ``Sources/<guid>.txt``:

* ``Users``: every coder who coded or wrote a memo (the machine as user ``machine``, unless left out);
* ``CodeBook``: the codes with their hierarchy (children nest in their parent), colours, and a description
  holding the definition, include/exclude notes, examples and the wijkanalyse code id (``Code-id: ...``);
  ``Sets`` named ``thema`` and ``soort`` say which dimension a code belongs to; ``geen`` ("geen van deze") is
  a code too;
* ``Variables`` ``wijk``, ``datum``, ``soort bron``, ``sessie``, with their values on each source;
* one ``TextSource`` per document with ``plainTextPath="internal://<guid>.txt"`` — the normalised,
  pseudonymised text, UTF-8 without BOM, ``\n`` line ends — and one ``PlainTextSelection`` per coded segment
  at the segment's offsets, holding one ``Coding`` per (code, coder) with ``creatingUser``. Positions are
  zero-based Unicode code point offsets, end exclusive — a Python string index — so
  ``text[startPosition:endPosition]`` is the segment;
* memos as ``Notes`` (plain text content, author, time), referenced by ``NoteRef`` from the code, selection
  (segment memo), source (document memo) or project they are about.

GUIDs are ``uuid5`` of what they identify (``code:<id>``, ``doc:<doc_id>``, ``segment:<id>``, ...), so
exporting an unchanged store twice gives identical files. Rejected codings are not exported (REFI has no such
notion), nor the machine's confidences.

Project import
--------------
:func:`import_qdpx` (in :mod:`wijkanalyse.exchange.qdpx_import`, re-exported here) reads a project coded elsewhere.

Codebook (:func:`export_qdc`, :func:`import_qdc`)
-------------------------------------------------
The same ``CodeBook`` in its own file (namespace ``urn:QDA-XML:codebook:1.0``), and back to a validated
:class:`~wijkanalyse.codebook.Codebook`.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.exceptions import WijkanalyseError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE, NONE_CODE

__all__ = [
    "NS_PROJECT",
    "NS_CODEBOOK",
    "ExchangeError",
    "refi_guid",
    "validate_project",
    "validate_codebook",
    "codebook_xml",
    "export_qdc",
    "import_qdc",
    "QdcImport",
    "project_xml",
    "export_qdpx",
    "QdpxExport",
]


NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
SCHEMA_DIR = PACKAGE_DATA / "refi-qda"
_GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://wijkanalyse.nl/refi-qda")
_EPOCH = "1980-01-01T00:00:00Z"


class ExchangeError(WijkanalyseError):
    """A REFI-QDA file could not be written or read; ``problems`` lists every reason."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        self.problems = list(problems)
        if self.problems:
            message += "\n" + "\n".join(f"  - {p}" for p in self.problems[:50])
            if len(self.problems) > 50:
                message += f"\n  ... and {len(self.problems) - 50} more"
        super().__init__(message)


def refi_guid(kind: str, key: str) -> str:
    """Return a stable GUID for a thing wijkanalyse exports: ``uuid5`` of ``"<kind>:<key>"``."""
    return str(uuid.uuid5(_GUID_NS, f"{kind}:{key}"))


def _norm_guid(g: str | None) -> str:
    return (g or "").strip().strip("{}").lower()


# -- schemas -----------------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name), parser))


def _validate(xml: bytes | etree._Element, schema: str) -> list[str]:
    doc = etree.fromstring(xml, _safe_parser()) if isinstance(xml, bytes) else xml
    s = _schema(schema)
    try:
        if s.validate(doc):
            return []
    except etree.XMLSchemaValidateError as exc:  # e.g. unexpanded entity references in a foreign file
        return [f"the document cannot be validated: {exc}"]
    return [f"line {e.line}: {e.message}" for e in s.error_log]  # type: ignore[attr-defined]


def validate_project(xml: bytes | etree._Element) -> list[str]:
    """Validate a ``project.qde`` against the REFI-QDA Project schema; return the problems (none: valid)."""
    return _validate(xml, "Project-mrt2019.xsd")


def validate_codebook(xml: bytes | etree._Element) -> list[str]:
    """Validate a ``.qdc`` against the REFI-QDA Codebook schema; return the problems (empty when valid)."""
    return _validate(xml, "Codebook.xsd")


def _safe_parser() -> etree.XMLParser:
    # no entities, no network, no DTD: a file from elsewhere cannot read local files or call out
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# -- code descriptions -------------------------------------------------------------------------------------
_MARKERS = ("Wel:", "Niet:", "Voorbeelden:", "English:", "Code-id:")


def _describe_code(
    definition: str,
    include: list[str],
    exclude: list[str],
    examples: list[str],
    code_id: str,
    label_en: str = "",
) -> str:
    parts = [definition.strip()] if definition and definition.strip() else []
    if include:
        parts.append("Wel: " + " | ".join(include))
    if exclude:
        parts.append("Niet: " + " | ".join(exclude))
    if examples:
        parts.append("Voorbeelden:\n" + "\n".join(f"- {e}" for e in examples))
    if label_en:
        parts.append(f"English: {label_en}")
    parts.append(f"Code-id: {code_id}")
    return "\n\n".join(parts)


def _parse_description(text: str | None) -> dict[str, Any]:
    """Split a description written by :func:`_describe_code` (any other text is all definition)."""
    out: dict[str, Any] = {
        "definition": "", "include": [], "exclude": [], "examples": [], "label_en": "", "code_id": None,
    }  # fmt: skip
    if not text:
        return out
    current = "definition"
    lines: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        s = line.strip()
        marker = next((m for m in _MARKERS if s.startswith(m)), None)
        if marker:
            current = marker
            rest = s[len(marker) :].strip()
            if rest:
                lines[current].append(rest)
            continue
        lines[current].append(line)
    out["definition"] = "\n".join(lines["definition"]).strip()
    out["include"] = [x.strip() for x in " ".join(lines["Wel:"]).split(" | ") if x.strip()]
    out["exclude"] = [x.strip() for x in " ".join(lines["Niet:"]).split(" | ") if x.strip()]
    out["examples"] = [ln.strip()[2:].strip() for ln in lines["Voorbeelden:"] if ln.strip().startswith("- ")]
    out["label_en"] = " ".join(x.strip() for x in lines["English:"] if x.strip())
    ids = [x.strip() for x in lines["Code-id:"] if x.strip()]
    out["code_id"] = ids[0] if ids else None
    return out


@dataclass
class _CodeRow:
    code_id: str
    name: str
    dimension: str
    parent: str | None
    color: str | None
    description: str


_RGB = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _code_rows_from_codebook(codebook: Any) -> list[_CodeRow]:
    rows = []
    for dim, codes in (("thema", codebook.codes), ("soort", codebook.soort)):
        for c in codes:
            rows.append(
                _CodeRow(
                    c.id,
                    c.label_nl,
                    dim,
                    getattr(c, "parent", None),
                    codebook.color(c.id),
                    _describe_code(c.definition, c.include, c.exclude, c.examples, c.id, c.label_en),
                )
            )
    return rows


def _code_rows_from_store(store: Store, codebook: Any | None) -> list[_CodeRow]:
    if codebook is not None:
        rows = _code_rows_from_codebook(codebook)
    else:
        from wijkanalyse.review.decisions import known_codes

        codes = known_codes(store)
        rows = []
        for c in codes.itertuples(index=False):
            if c.code_id == NONE_CODE:
                continue
            rows.append(
                _CodeRow(
                    str(c.code_id),
                    str(c.label_nl or c.code_id),
                    str(c.dimension or "thema"),
                    None if pd.isna(c.parent) else str(c.parent),
                    str(c.color) if isinstance(c.color, str) and _RGB.match(c.color) else None,
                    _describe_code(
                        str(c.definition or ""),
                        [],
                        [],
                        [],
                        str(c.code_id),
                        str(c.label_en) if isinstance(c.label_en, str) else "",
                    ),  # fmt: skip
                )
            )
    known = {r.code_id for r in rows}
    used = [str(r[0]) for r in store.con.execute("SELECT DISTINCT code_id FROM codings ORDER BY code_id")]
    if NONE_CODE not in known:
        rows.append(
            _CodeRow(NONE_CODE, "geen van deze", "thema", None, "#BAB0AC",
                     _describe_code("Geen van de codes in het codeboek is van toepassing.", [], [], [],
                     NONE_CODE))
        )  # fmt: skip
        known.add(NONE_CODE)
    for code in used:  # codes coded but missing from the codebook still travel, flat
        if code not in known:
            rows.append(_CodeRow(code, code, "thema", None, None, _describe_code("", [], [], [], code)))
            known.add(code)
    for r in rows:  # a parent that is not exported would orphan the child
        if r.parent and r.parent not in known:
            r.parent = None
    return rows


def _code_elements(
    parent_el: etree._Element, ns: str, rows: list[_CodeRow], notes_by_code: Mapping[str, list[str]]
):
    children: dict[str | None, list[_CodeRow]] = defaultdict(list)
    for r in rows:
        children[r.parent].append(r)

    def add(el: etree._Element, row: _CodeRow, seen: frozenset[str]) -> None:
        attrs = {"guid": refi_guid("code", row.code_id), "name": _xml(row.name), "isCodable": "true"}
        if row.color:
            attrs["color"] = row.color.upper()
        code_el = etree.SubElement(el, f"{{{ns}}}Code", attrs)
        etree.SubElement(code_el, f"{{{ns}}}Description").text = _xml(row.description)
        for note in notes_by_code.get(row.code_id, []):
            etree.SubElement(code_el, f"{{{ns}}}NoteRef", targetGUID=note)
        for child in children.get(row.code_id, []):
            if child.code_id not in seen:
                add(code_el, child, seen | {child.code_id})

    for top in children.get(None, []):
        add(parent_el, top, frozenset({top.code_id}))


def _sets(parent: etree._Element, ns: str, rows: list[_CodeRow], member_tag: str, member_attr: str) -> None:
    sets_el = etree.SubElement(parent, f"{{{ns}}}Sets")
    dimensions = (
        ("thema", "Thema's (wijkanalyse-dimensie 'thema')"),
        ("soort", "Soort inbreng: behouden, verbeteren, vraag of zorg (dimensie 'soort')"),
    )
    for dim, desc in dimensions:
        members = [r for r in rows if r.dimension == dim]
        if not members:
            continue
        s = etree.SubElement(sets_el, f"{{{ns}}}Set", guid=refi_guid("set", dim), name=dim)
        etree.SubElement(s, f"{{{ns}}}Description").text = desc
        for r in members:
            etree.SubElement(s, f"{{{ns}}}{member_tag}", {member_attr: refi_guid("code", r.code_id)})


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: Any) -> str:
    """Text that XML 1.0 can hold: control characters (other than tab and line ends) removed."""
    return _XML_ILLEGAL.sub("", str(text))


def _tostring(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


# -- codebook (.qdc) ---------------------------------------------------------------------------------------
def codebook_xml(codebook: Any, origin: str | None = None) -> bytes:
    """Build the REFI-QDA Codebook XML (``.qdc``) of a :class:`~wijkanalyse.codebook.Codebook`."""
    rows = _code_rows_from_codebook(codebook)
    root = etree.Element(
        f"{{{NS_CODEBOOK}}}CodeBook", nsmap={None: NS_CODEBOOK}, origin=_xml(origin or _origin(codebook))
    )
    codes_el = etree.SubElement(root, f"{{{NS_CODEBOOK}}}Codes")
    _code_elements(codes_el, NS_CODEBOOK, rows, {})
    _sets(root, NS_CODEBOOK, rows, "MemberCode", "guid")
    return _tostring(root)


def _origin(codebook: Any | None = None) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("wijkanalyse")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        v = "dev"
    if codebook is None:
        return f"wijkanalyse {v}"
    return f"wijkanalyse {v}; codeboek {codebook.name} {codebook.version_tag}"


def export_qdc(codebook: Any, path: str | Path, *, validate: bool = True) -> Path:
    """Write a codebook as a REFI-QDA ``.qdc`` file.

    Parameters
    ----------
    codebook : Codebook
    path : path
    validate : bool, default True
        Check the XML against the shipped Codebook schema first.

    Returns
    -------
    Path

    Raises
    ------
    ExchangeError
        If the XML does not validate (a bug: please report it).
    """
    xml = codebook_xml(codebook)
    if validate:
        problems = validate_codebook(xml)
        if problems:
            raise ExchangeError("The codebook XML does not validate against Codebook.xsd (a bug):", problems)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(xml)
    return out


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c) == name]


def _kid(el: etree._Element, name: str) -> etree._Element | None:
    found = _kids(el, name)
    return found[0] if found else None


def _text_of(el: etree._Element | None) -> str:
    return "" if el is None or el.text is None else str(el.text)


def slugify(name: str) -> str:
    """Make a code id from a name: lower case ASCII letters, digits and ``_``, starting with a letter."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    if not s or not s[0].isalpha():
        s = "code_" + s if s else "code"
    return "geen_code" if s == NONE_CODE else s


@dataclass
class _RefiCode:
    guid: str
    name: str
    description: str
    color: str | None
    parent: str | None  # guid
    codable: bool
    notes: list[str] = field(default_factory=list)


def _read_codes(codes_el: etree._Element | None) -> list[_RefiCode]:
    out: list[_RefiCode] = []

    def walk(el: etree._Element, parent: str | None) -> None:
        for c in _kids(el, "Code"):
            g = _norm_guid(c.get("guid"))
            out.append(
                _RefiCode(
                    g,
                    (c.get("name") or "").strip(),
                    _text_of(_kid(c, "Description")),
                    c.get("color"),
                    parent,
                    (c.get("isCodable") or "true").lower() in ("true", "1"),
                    [_norm_guid(n.get("targetGUID")) for n in _kids(c, "NoteRef")],
                )
            )
            walk(c, g)

    if codes_el is not None:
        walk(codes_el, None)
    return out


def _read_sets(root: etree._Element) -> dict[str, set[str]]:
    sets: dict[str, set[str]] = {}
    sets_el = _kid(root, "Sets")
    if sets_el is None:
        return sets
    for s in _kids(sets_el, "Set"):
        members = {_norm_guid(m.get("guid") or m.get("targetGUID")) for m in _kids(s, "MemberCode")}
        sets[(s.get("name") or "").strip().lower()] = members
    return sets


@dataclass
class QdcImport:
    """A codebook read from a ``.qdc`` file.

    Attributes
    ----------
    codebook : Codebook
        Validated.
    id_of_guid : dict
        The code id given to each code GUID of the file.
    warnings : list of str
        What was filled in or changed (e.g. a missing definition, a renamed id).
    """

    codebook: Any
    id_of_guid: dict[str, str]
    warnings: list[str]


def import_qdc(
    path: str | Path, *, name: str | None = None, version: str | None = None, reference: Any | None = None
) -> QdcImport:
    """Read a REFI-QDA codebook (``.qdc``) into a validated :class:`~wijkanalyse.codebook.Codebook`.

    Code ids come from a ``Code-id:`` line in the description (wijkanalyse's own exports), else from the GUID
    of a code of ``reference`` (GUIDs wijkanalyse gives), else from the name (lower case, ASCII, ``_``). Codes
    in a set named ``soort`` (or with the ids ``behouden``, ``verbeteren``, ``vraag_of_zorg``) become kinds of
    input; all others are themes, nested codes keeping their parent. A code without description gets a
    placeholder definition (listed in ``warnings``: write a real one).

    Parameters
    ----------
    path : path
    name : str, optional
        The codebook's name (default: from a wijkanalyse export's ``origin``, else the file stem).
    version : str, optional
        Default: from a wijkanalyse export's ``origin``, else "1.0".
    reference : Codebook, optional
        A codebook whose ids to recognise by GUID.

    Returns
    -------
    QdcImport

    Raises
    ------
    ExchangeError
        If the file is not a REFI-QDA codebook (or project) or holds no codes.
    CodebookError
        If the result breaks a codebook rule (every problem listed).
    """
    from wijkanalyse.coding.codebook import SOORT_IDS, parse_codebook

    p = Path(path)
    try:
        root = etree.parse(str(p), _safe_parser()).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ExchangeError(f"Codebook {p} cannot be read as XML: {exc}") from exc
    if _local(root) == "Project":
        cb_el = _kid(root, "CodeBook")
        codes_el = _kid(cb_el, "Codes") if cb_el is not None else None
    elif _local(root) == "CodeBook":
        codes_el = _kid(root, "Codes")
    else:
        raise ExchangeError(
            f"{p} is not a REFI-QDA codebook: its root element is <{_local(root)}>, not <CodeBook>."
        )
    codes = _read_codes(codes_el)
    if not codes:
        raise ExchangeError(f"Codebook {p} holds no codes.")
    sets = _read_sets(root)
    soort_guids = sets.get("soort", set())
    ref_ids: dict[str, str] = {}
    if reference is not None:
        ref_ids = {refi_guid("code", c.id): c.id for c in (*reference.codes, *reference.soort)}
    warnings: list[str] = []
    id_of: dict[str, str] = {}
    used: set[str] = set()
    for c in codes:
        parsed = _parse_description(c.description)
        cid = parsed["code_id"] or ref_ids.get(c.guid) or slugify(c.name or "code")
        if not re.match(r"^[a-z][a-z0-9_]*$", cid) or cid == NONE_CODE:
            cid = slugify(cid)
        base, n = cid, 2
        while cid in used:
            cid, n = f"{base}_{n}", n + 1
        if cid != base:
            warnings.append(f"code {c.name!r}: id {base!r} was taken; it is {cid!r}.")
        used.add(cid)
        id_of[c.guid] = cid
    themes, soort = [], []
    for c in codes:
        parsed = _parse_description(c.description)
        cid = id_of[c.guid]
        if cid == "geen_code" and c.name.strip().lower() in ("geen", "geen van deze"):
            continue  # wijkanalyse's own reserved code; not a codebook entry
        definition = parsed["definition"]
        if not definition:
            definition = f"(Geen definitie in {p.name}; vul deze aan.)"
            warnings.append(f"code {c.name!r} ({cid}): no definition in the file; a placeholder was written.")
        if not c.codable:
            warnings.append(
                f"code {c.name!r} ({cid}): not codable in the source (a category); kept as a code."
            )
        entry: dict[str, Any] = {
            "id": cid,
            "label_nl": c.name or cid,
            "label_en": parsed["label_en"],
            "definition": definition,
            "include": parsed["include"],
            "exclude": parsed["exclude"],
            "examples": parsed["examples"],
        }
        if c.color and _RGB.match(c.color):
            entry["color"] = c.color.upper()
        elif c.color:
            warnings.append(f"code {c.name!r}: colour {c.color!r} is not #RRGGBB; left out.")
        is_soort = c.guid in soort_guids or (not soort_guids and cid in SOORT_IDS)
        if is_soort:
            soort.append(entry)
        else:
            if c.parent and c.parent in id_of and c.parent not in soort_guids:
                entry["parent"] = id_of[c.parent]
            themes.append(entry)
    m = re.search(r"codeboek (\S+) ([^+\s]+)\+", root.get("origin") or "")
    data: dict[str, Any] = {
        "name": name or (m.group(1) if m else p.stem),
        "version": version if version is not None else (m.group(2) if m else "1.0"),
        "codes": themes,
    }
    if soort:
        data["soort"] = soort
    return QdcImport(parse_codebook(data, source=str(p)), id_of, warnings)


# -- project (.qdpx) export --------------------------------------------------------------------------------
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


def project_xml(
    store: Store,
    *,
    codebook: Any | None = None,
    include_machine: bool = True,
    project_name: str | None = None,
) -> tuple[bytes, dict[str, str], dict[str, int]]:
    """Build ``project.qde`` for a store.

    Returns
    -------
    xml : bytes
    files : dict
        ``{"Sources/<guid>.txt": text}`` — the plain-text sources to put in the zip.
    counts : dict
        ``users, codes, sources, selections, codings, notes``.
    """
    ns = NS_PROJECT
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    codings = store.query(
        "SELECT c.segment_id, c.code_id, c.coder_id, c.kind, c.created_at FROM codings c "
        "WHERE c.status = 'applied'"
        + ("" if include_machine else " AND c.kind = 'human'")
        + " ORDER BY c.coding_id"
    )
    memos = store.memos()
    coders = store.query("SELECT coder_id, name, kind FROM coders ORDER BY coder_id")
    needed = set(codings["coder_id"]) | set(memos["author"])
    coders = coders[coders["coder_id"].isin(needed)]
    for extra in sorted(needed - set(coders["coder_id"])):
        coders = pd.concat([coders, pd.DataFrame([{"coder_id": extra, "name": extra, "kind": "human"}])])
    user_guid = {c: refi_guid("user", c) for c in coders["coder_id"]}
    rows = _code_rows_from_store(store, codebook)
    code_ids = {r.code_id for r in rows}

    def note_guid(memo_id: Any) -> str:
        return refi_guid("memo", str(int(memo_id)))

    notes_by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in memos.itertuples(index=False):
        notes_by[(str(m.target_kind), str(m.target_id))].append(note_guid(m.memo_id))
    docs = store.query(
        "SELECT doc_id, path, kind, wijk, date, session, text, ingested_at FROM documents ORDER BY path"
    )
    created = _xsd_datetime(docs["ingested_at"].min() if len(docs) else None)
    first_user = user_guid[sorted(user_guid)[0]] if user_guid else None
    root = etree.Element(
        q("Project"),
        nsmap={None: ns},
        name=_xml(project_name or store.folder.parent.name or "wijkanalyse"),
        origin=_origin(codebook),
        creationDateTime=created,
    )
    if first_user:
        root.set("creatingUserGUID", first_user)
    if len(coders):
        users_el = etree.SubElement(root, q("Users"))
        for c in coders.itertuples(index=False):
            name = str(c.name or c.coder_id)
            if c.coder_id == MACHINE:
                name = "machine (wijkanalyse)"
            etree.SubElement(
                users_el, q("User"), guid=user_guid[c.coder_id], name=_xml(name), id=_xml(c.coder_id)
            )
    cb_el = etree.SubElement(root, q("CodeBook"))
    _code_elements(
        etree.SubElement(cb_el, q("Codes")),
        ns,
        rows,
        {cid: notes_by.get(("code", cid), []) for cid in code_ids},
    )
    variables = (("wijk", "wijk"), ("datum", "date"), ("soort bron", "kind"), ("sessie", "session"))
    vars_el = etree.SubElement(root, q("Variables"))
    for label, _col in variables:
        v = etree.SubElement(vars_el, q("Variable"), guid=refi_guid("variable", label), name=label,
                             typeOfVariable="Text")  # fmt: skip
        etree.SubElement(v, q("Description")).text = f"Uit wijkanalyse: documenten.{_col}"
    segs = store.query(
        'SELECT segment_id, doc_id, start, "end", text, position FROM segments ORDER BY doc_id, position'
    )
    by_doc = {d: g for d, g in segs.groupby("doc_id")}
    coded_by_seg = {s: g for s, g in codings.groupby("segment_id")}
    files: dict[str, str] = {}
    counts = {
        "users": len(coders),
        "codes": len(rows),
        "sources": 0,
        "selections": 0,
        "codings": 0,
        "notes": 0,
    }
    sources_el = etree.SubElement(root, q("Sources"))
    for d in docs.itertuples(index=False):
        g = refi_guid("doc", str(d.doc_id))
        src = etree.SubElement(
            sources_el,
            q("TextSource"),
            guid=g,
            name=_xml(d.path),
            plainTextPath=f"internal://{g}.txt",
            creationDateTime=_xsd_datetime(d.ingested_at),
        )
        files[f"Sources/{g}.txt"] = str(d.text)
        counts["sources"] += 1
        meta = [("wijk", d.wijk), ("datum", d.date), ("soort bron", d.kind), ("sessie", d.session)]
        desc = "; ".join(f"{k}: {v}" for k, v in meta if v is not None and not pd.isna(v))
        if desc:
            etree.SubElement(src, q("Description")).text = _xml(desc)
        seg_rows = by_doc.get(d.doc_id)
        if seg_rows is not None:
            for s in seg_rows.itertuples(index=False):
                cds = coded_by_seg.get(s.segment_id)
                seg_notes = notes_by.get(("segment", str(s.segment_id)), [])
                if cds is None and not seg_notes:
                    continue
                first = None if cds is None else cds.iloc[0]
                attrs = {
                    "guid": refi_guid("segment", str(s.segment_id)),
                    "name": _xml(str(s.text)[:60] + ("…" if len(str(s.text)) > 60 else "")),
                    "startPosition": str(int(s.start)),
                    "endPosition": str(int(s.end)),
                }
                if first is not None and cds is not None:
                    attrs["creatingUser"] = user_guid[first["coder_id"]]
                    attrs["creationDateTime"] = _xsd_datetime(cds["created_at"].min())
                sel = etree.SubElement(src, q("PlainTextSelection"), attrs)
                counts["selections"] += 1
                if cds is not None:
                    for c in cds.itertuples(index=False):
                        coding = etree.SubElement(
                            sel,
                            q("Coding"),
                            guid=refi_guid("coding", f"{s.segment_id}:{c.code_id}:{c.coder_id}"),
                            creatingUser=user_guid[c.coder_id],
                            creationDateTime=_xsd_datetime(c.created_at),
                        )
                        etree.SubElement(coding, q("CodeRef"), targetGUID=refi_guid("code", str(c.code_id)))
                        counts["codings"] += 1
                for n in seg_notes:
                    etree.SubElement(sel, q("NoteRef"), targetGUID=n)
        for n in notes_by.get(("document", str(d.doc_id)), []):
            etree.SubElement(src, q("NoteRef"), targetGUID=n)
        for label, col in variables:
            value = getattr(d, col)
            if value is None or pd.isna(value):
                continue
            vv = etree.SubElement(src, q("VariableValue"))
            etree.SubElement(vv, q("VariableRef"), targetGUID=refi_guid("variable", label))
            etree.SubElement(vv, q("TextValue")).text = _xml(value)
    if len(memos):
        notes_el = etree.SubElement(root, q("Notes"))
        for m in memos.itertuples(index=False):
            note = etree.SubElement(
                notes_el,
                q("Note"),
                guid=note_guid(m.memo_id),
                name=_xml(f"Memo ({m.target_kind}) van {m.author}"),
                creatingUser=user_guid.get(str(m.author), first_user or ""),
                creationDateTime=_xsd_datetime(m.created_at),
            )
            etree.SubElement(note, q("PlainTextContent")).text = _xml(m.text)
            counts["notes"] += 1
    _sets(root, ns, rows, "MemberCode", "targetGUID")
    version = store.con.execute(
        "SELECT codebook_version FROM codes WHERE codebook_version IS NOT NULL"
    ).fetchone()
    etree.SubElement(root, q("Description")).text = (
        "Gecodeerd project uit wijkanalyse: genormaliseerde, gepseudonimiseerde teksten; codes van mensen"
        + (" en van de machine (gebruiker 'machine')" if include_machine else "")
        + (f"; codeboekversie {version[0]}" if version else "")
        + "."
    )
    for (kind, _target), guids in notes_by.items():
        if kind == "project":
            for n in guids:
                etree.SubElement(root, q("NoteRef"), targetGUID=n)
    if not user_guid:  # creatingUser attributes would be empty strings otherwise
        for el in root.iter():
            if el.get("creatingUser") == "":
                del el.attrib["creatingUser"]
    if not len(vars_el):
        root.remove(vars_el)
    return _tostring(root), files, counts


def export_qdpx(
    store: Store,
    path: str | Path,
    *,
    codebook: Any | None = None,
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
