"""Stage 9: the codebook as a REFI-QDA ``.qdc`` file, and a ``.qdc`` from another tool as a codebook.

:func:`export_qdc` writes the ``CodeBook`` (namespace ``urn:QDA-XML:codebook:1.0``) with the codes, their
hierarchy, colours and descriptions and the ``thema``/``soort`` sets (:mod:`.refi`), validated against the
shipped Codebook schema. :func:`import_qdc` reads a ``.qdc`` (or the codebook of a ``.qde`` project) back
into a validated :class:`~wijkanalyse.coding.codebook.Codebook`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from wijkanalyse.coding.codebook import SOORT_IDS, Codebook, parse_codebook
from wijkanalyse.exchange.refi import (
    NS_CODEBOOK,
    RGB,
    ExchangeError,
    RefiCode,
    child,
    code_elements,
    code_rows_from_codebook,
    file_origin,
    local_name,
    parse_description,
    read_codes,
    read_sets,
    refi_guid,
    safe_parser,
    set_elements,
    slugify,
    to_bytes,
    validate_codebook,
    xml_text,
)
from wijkanalyse.vocabulary import NONE_CODE

__all__ = ["codebook_xml", "export_qdc", "QdcImport", "import_qdc"]

_CODE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def codebook_xml(codebook: Codebook, origin: str | None = None) -> bytes:
    """Build the REFI-QDA Codebook XML (``.qdc``) of a :class:`~wijkanalyse.coding.codebook.Codebook`."""
    rows = code_rows_from_codebook(codebook)
    root = etree.Element(
        f"{{{NS_CODEBOOK}}}CodeBook",
        nsmap={None: NS_CODEBOOK},
        origin=xml_text(origin or file_origin(codebook)),
    )
    codes_el = etree.SubElement(root, f"{{{NS_CODEBOOK}}}Codes")
    code_elements(codes_el, NS_CODEBOOK, rows, {})
    set_elements(root, NS_CODEBOOK, rows, "guid")
    return to_bytes(root)


def export_qdc(codebook: Codebook, path: str | Path, *, validate: bool = True) -> Path:
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

    codebook: Codebook
    id_of_guid: dict[str, str]
    warnings: list[str]


def _read_qdc(p: Path) -> tuple[etree._Element, list[RefiCode]]:
    """Return the root and the codes of a codebook file (or of a project's codebook)."""
    try:
        root = etree.parse(str(p), safe_parser()).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ExchangeError(f"Codebook {p} cannot be read as XML: {exc}") from exc
    if local_name(root) == "Project":
        cb_el = child(root, "CodeBook")
        codes_el = child(cb_el, "Codes") if cb_el is not None else None
    elif local_name(root) == "CodeBook":
        codes_el = child(root, "Codes")
    else:
        raise ExchangeError(
            f"{p} is not a REFI-QDA codebook: its root element is <{local_name(root)}>, not <CodeBook>."
        )
    codes = read_codes(codes_el)
    if not codes:
        raise ExchangeError(f"Codebook {p} holds no codes.")
    return root, codes


def _assign_ids(codes: list[RefiCode], reference: Codebook | None, warnings: list[str]) -> dict[str, str]:
    """Give every code a unique, valid code id: ``{guid: code id}`` (rules in :func:`import_qdc`)."""
    ref_ids: dict[str, str] = {}
    if reference is not None:
        ref_ids = {refi_guid("code", c.id): c.id for c in (*reference.codes, *reference.soort)}
    id_of: dict[str, str] = {}
    used: set[str] = set()
    for c in codes:
        parsed = parse_description(c.description)
        cid = parsed["code_id"] or ref_ids.get(c.guid) or slugify(c.name or "code")
        if not _CODE_ID.match(cid) or cid == NONE_CODE:
            cid = slugify(cid)
        base, n = cid, 2
        while cid in used:
            cid, n = f"{base}_{n}", n + 1
        if cid != base:
            warnings.append(f"code {c.name!r}: id {base!r} was taken; it is {cid!r}.")
        used.add(cid)
        id_of[c.guid] = cid
    return id_of


def _entry(c: RefiCode, cid: str, source: str, warnings: list[str]) -> dict[str, Any]:
    """Return the codebook entry of one code (placeholder definition and colour problems noted)."""
    parsed = parse_description(c.description)
    definition = parsed["definition"]
    if not definition:
        definition = f"(Geen definitie in {source}; vul deze aan.)"
        warnings.append(f"code {c.name!r} ({cid}): no definition in the file; a placeholder was written.")
    if not c.codable:
        warnings.append(f"code {c.name!r} ({cid}): not codable in the source (a category); kept as a code.")
    entry: dict[str, Any] = {
        "id": cid,
        "label_nl": c.name or cid,
        "label_en": parsed["label_en"],
        "definition": definition,
        "include": parsed["include"],
        "exclude": parsed["exclude"],
        "examples": parsed["examples"],
    }
    if c.color and RGB.match(c.color):
        entry["color"] = c.color.upper()
    elif c.color:
        warnings.append(f"code {c.name!r}: colour {c.color!r} is not #RRGGBB; left out.")
    return entry


def import_qdc(
    path: str | Path,
    *,
    name: str | None = None,
    version: str | None = None,
    reference: Codebook | None = None,
) -> QdcImport:
    """Read a REFI-QDA codebook (``.qdc``) into a validated :class:`~wijkanalyse.coding.codebook.Codebook`.

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
    p = Path(path)
    root, codes = _read_qdc(p)
    soort_guids = read_sets(root).get("soort", set())
    warnings: list[str] = []
    id_of = _assign_ids(codes, reference, warnings)
    themes, soort = [], []
    for c in codes:
        cid = id_of[c.guid]
        if cid == "geen_code" and c.name.strip().lower() in ("geen", "geen van deze"):
            continue  # wijkanalyse's own reserved code; not a codebook entry
        entry = _entry(c, cid, p.name, warnings)
        if c.guid in soort_guids or (not soort_guids and cid in SOORT_IDS):
            soort.append(entry)
            continue
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
