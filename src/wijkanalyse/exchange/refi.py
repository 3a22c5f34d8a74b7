"""What REFI-QDA export and import share: namespaces, GUIDs, schemas, the safe parser, the code descriptions.

REFI-QDA (www.qdasoftware.org) is the exchange standard that ATLAS.ti, NVivo, MAXQDA and QualCoder read and
write. Everything wijkanalyse writes is validated against the schemas shipped in
``wijkanalyse/data/refi-qda/`` (lxml, offline); everything it reads is parsed without entities, DTDs or
network access (:func:`safe_parser`).

Codes
-----
A code travels as ``<Code guid name color isCodable>`` with a ``<Description>`` that holds the definition, the
include/exclude notes, examples, the English label and the wijkanalyse code id (:func:`describe_code`; read
back by :func:`parse_description`). Children nest in their parent. ``Sets`` named ``thema`` and ``soort`` say
which dimension a code belongs to. GUIDs are ``uuid5`` of what they identify (:func:`refi_guid`), so the same
code always has the same GUID.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from lxml import etree

from wijkanalyse.coding.codebook import Codebook
from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.exceptions import WijkanalyseError
from wijkanalyse.vocabulary import NONE_CODE

__all__ = [
    "NS_PROJECT",
    "NS_CODEBOOK",
    "SCHEMA_DIR",
    "RGB",
    "ExchangeError",
    "refi_guid",
    "norm_guid",
    "safe_parser",
    "validate_project",
    "validate_codebook",
    "xml_text",
    "to_bytes",
    "file_origin",
    "slugify",
    "local_name",
    "children",
    "child",
    "text_of",
    "describe_code",
    "parse_description",
    "CodeRow",
    "code_rows_from_codebook",
    "code_elements",
    "set_elements",
    "RefiCode",
    "read_codes",
    "read_sets",
]

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
SCHEMA_DIR = PACKAGE_DATA / "refi-qda"
#: A colour REFI-QDA accepts: ``#RGB`` or ``#RRGGBB``.
RGB = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://wijkanalyse.nl/refi-qda")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARKERS = ("Wel:", "Niet:", "Voorbeelden:", "English:", "Code-id:")
_DIMENSION_SETS = (
    ("thema", "Thema's (wijkanalyse-dimensie 'thema')"),
    ("soort", "Soort inbreng: behouden, verbeteren, vraag of zorg (dimensie 'soort')"),
)


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


def norm_guid(guid: str | None) -> str:
    """Return a GUID as compared on import: lower case, without braces or spaces (``""`` for None)."""
    return (guid or "").strip().strip("{}").lower()


# -- parsing and validating ------------------------------------------------------------------------------
def safe_parser() -> etree.XMLParser:
    """Return a parser for files from elsewhere: no entities, no network, no DTD.

    A file parsed with it cannot make the parser read local files or call out.
    """
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@lru_cache(maxsize=2)
def _schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name), parser))


def _validate(xml: bytes | etree._Element, schema: str) -> list[str]:
    doc = etree.fromstring(xml, safe_parser()) if isinstance(xml, bytes) else xml
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


# -- writing -----------------------------------------------------------------------------------------------
def xml_text(text: Any) -> str:
    """Return text that XML 1.0 can hold: control characters (other than tab and line ends) removed."""
    return _XML_ILLEGAL.sub("", str(text))


def to_bytes(root: etree._Element) -> bytes:
    """Serialise an element as a UTF-8 XML document with declaration, indented."""
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def file_origin(codebook: Codebook | None = None) -> str:
    """Return the ``origin`` attribute of a file wijkanalyse writes (package, codebook and their versions)."""
    try:
        v = version("wijkanalyse")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        v = "dev"
    if codebook is None:
        return f"wijkanalyse {v}"
    return f"wijkanalyse {v}; codeboek {codebook.name} {codebook.version_tag}"


def slugify(name: str) -> str:
    """Make a code id from a name: lower case ASCII letters, digits and ``_``, starting with a letter."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    if not s or not s[0].isalpha():
        s = "code_" + s if s else "code"
    return "geen_code" if s == NONE_CODE else s


# -- reading elements in any namespace -------------------------------------------------------------------
def local_name(el: etree._Element) -> str:
    """Return an element's tag without its namespace (``""`` for a comment or processing instruction)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Return the child elements with this local name, in any namespace."""
    return [c for c in el if local_name(c) == name]


def child(el: etree._Element, name: str) -> etree._Element | None:
    """Return the first child element with this local name, None when there is none."""
    found = children(el, name)
    return found[0] if found else None


def text_of(el: etree._Element | None) -> str:
    """Return an element's text, ``""`` for no element or no text."""
    return "" if el is None or el.text is None else str(el.text)


# -- code descriptions -------------------------------------------------------------------------------------
def describe_code(
    definition: str,
    include: list[str],
    exclude: list[str],
    examples: list[str],
    code_id: str,
    label_en: str = "",
) -> str:
    """Write a code's description, read back by :func:`parse_description`.

    The definition comes first, then ``Wel:``, ``Niet:``, ``Voorbeelden:``, ``English:`` and ``Code-id:``
    parts, as far as there is something to say.
    """
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


def parse_description(text: str | None) -> dict[str, Any]:
    """Split a description written by :func:`describe_code` (any other text is all definition).

    Returns
    -------
    dict
        ``definition, include, exclude, examples, label_en, code_id`` (``code_id`` None when not given).
    """
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


# -- codes and sets: writing -------------------------------------------------------------------------------
@dataclass
class CodeRow:
    """A code as written: id, name, dimension, parent id, colour and description."""

    code_id: str
    name: str
    dimension: str
    parent: str | None
    color: str | None
    description: str


def code_rows_from_codebook(codebook: Codebook) -> list[CodeRow]:
    """Return the codes of a codebook, themes first, with their full descriptions."""
    rows = []
    for dim, codes in (("thema", codebook.codes), ("soort", codebook.soort)):
        for c in codes:
            rows.append(
                CodeRow(
                    c.id,
                    c.label_nl,
                    dim,
                    getattr(c, "parent", None),
                    codebook.color(c.id),
                    describe_code(c.definition, c.include, c.exclude, c.examples, c.id, c.label_en),
                )
            )
    return rows


def code_elements(
    parent_el: etree._Element, ns: str, rows: list[CodeRow], notes_by_code: Mapping[str, list[str]]
) -> None:
    """Write the codes as nested ``<Code>`` elements (children in their parent) with their note references."""
    kids: dict[str | None, list[CodeRow]] = defaultdict(list)
    for r in rows:
        kids[r.parent].append(r)

    def add(el: etree._Element, row: CodeRow, seen: frozenset[str]) -> None:
        attrs = {"guid": refi_guid("code", row.code_id), "name": xml_text(row.name), "isCodable": "true"}
        if row.color:
            attrs["color"] = row.color.upper()
        code_el = etree.SubElement(el, f"{{{ns}}}Code", attrs)
        etree.SubElement(code_el, f"{{{ns}}}Description").text = xml_text(row.description)
        for note in notes_by_code.get(row.code_id, []):
            etree.SubElement(code_el, f"{{{ns}}}NoteRef", targetGUID=note)
        for kid in kids.get(row.code_id, []):
            if kid.code_id not in seen:
                add(code_el, kid, seen | {kid.code_id})

    for top in kids.get(None, []):
        add(parent_el, top, frozenset({top.code_id}))


def set_elements(parent: etree._Element, ns: str, rows: list[CodeRow], member_attr: str) -> None:
    """Write ``<Sets>``: one set per dimension with codes, its members referenced by ``member_attr``."""
    sets_el = etree.SubElement(parent, f"{{{ns}}}Sets")
    for dim, desc in _DIMENSION_SETS:
        members = [r for r in rows if r.dimension == dim]
        if not members:
            continue
        s = etree.SubElement(sets_el, f"{{{ns}}}Set", guid=refi_guid("set", dim), name=dim)
        etree.SubElement(s, f"{{{ns}}}Description").text = desc
        for r in members:
            etree.SubElement(s, f"{{{ns}}}MemberCode", {member_attr: refi_guid("code", r.code_id)})


# -- codes and sets: reading -------------------------------------------------------------------------------
@dataclass
class RefiCode:
    """A code read from a REFI-QDA file (GUIDs normalised by :func:`norm_guid`)."""

    guid: str
    name: str
    description: str
    color: str | None
    parent: str | None  # guid
    codable: bool
    notes: list[str] = field(default_factory=list)


def read_codes(codes_el: etree._Element | None) -> list[RefiCode]:
    """Return every code under ``<Codes>``, parents before their children."""
    out: list[RefiCode] = []

    def walk(el: etree._Element, parent: str | None) -> None:
        for c in children(el, "Code"):
            g = norm_guid(c.get("guid"))
            out.append(
                RefiCode(
                    g,
                    (c.get("name") or "").strip(),
                    text_of(child(c, "Description")),
                    c.get("color"),
                    parent,
                    (c.get("isCodable") or "true").lower() in ("true", "1"),
                    [norm_guid(n.get("targetGUID")) for n in children(c, "NoteRef")],
                )
            )
            walk(c, g)

    if codes_el is not None:
        walk(codes_el, None)
    return out


def read_sets(root: etree._Element) -> dict[str, set[str]]:
    """Return ``{set name in lower case: member code GUIDs}`` of the ``<Sets>`` under ``root``."""
    sets: dict[str, set[str]] = {}
    sets_el = child(root, "Sets")
    if sets_el is None:
        return sets
    for s in children(sets_el, "Set"):
        members = {norm_guid(m.get("guid") or m.get("targetGUID")) for m in children(s, "MemberCode")}
        sets[(s.get("name") or "").strip().lower()] = members
    return sets
