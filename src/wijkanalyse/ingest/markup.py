"""What a website export carries besides its content, recognised the same way in Markdown and in HTML.

- **Links and navigation.** A line (or bullet, or HTML paragraph) that holds nothing but links is navigation,
  not content: :func:`is_link_only`. A breadcrumb line (``Home > Dorpen > Oudeveen > Inloopavond``, also
  with ``›`` or ``»`` between the steps; never a bullet) is dropped: :func:`is_breadcrumb`. A link inside
  prose keeps its text: :func:`links_to_text`.
- **Labelled turns.** A written account marks who speaks with a role label at the start of a line:
  ``Bewoner: ...``, ``**Voorzitter coöperatie:** ...``, ``<strong>Wethouder:</strong> ...``. A label
  whose first word is a known role word (:data:`ROLE_WORDS`) starts a turn (:func:`split_turns`); the
  turn's role is the first word of the label with a definite role (:func:`turn_role`), else ``onbekend``.
  Labels are roles, never names, so they are not registered as persons; a label that holds a name
  ("Wethouder Van Essen") is pseudonymised like any text.
- **Tables.** A row of a table becomes one block of unit :data:`~.text_blocks.TABLE_ROW` whose text is its
  non-empty cells joined by `` | ``: :func:`table_row_text`. The header row is not a block.
"""

from __future__ import annotations

import re

from wijkanalyse.ingest.text_blocks import BULLET_RE, strip_emphasis

__all__ = [
    "ROLE_WORDS",
    "links_to_text",
    "is_link_only",
    "is_breadcrumb",
    "turn_label",
    "turn_role",
    "split_turns",
    "table_row_text",
]

#: words that start a turn label, lower case -> the role they stand for (``None``: a role word without a
#: definite role, such as ``voorzitter``: the next word of the label decides, else ``onbekend``)
ROLE_WORDS: dict[str, str | None] = {
    **dict.fromkeys(
        "bewoner bewoonster bewoners inwoner inwoonster inwoners buurtbewoner dorpsbewoner huurder huurster "
        "huurders eigenaar eigenares eigenaren deelnemer deelneemster deelnemers aanwezige aanwezigen "
        "vrijwilliger respondent".split(),
        "bewoner",
    ),
    **dict.fromkeys(
        "gespreksleider gespreksleidster interviewer moderator dagvoorzitter facilitator".split(),
        "gespreksleider",
    ),
    **dict.fromkeys(
        "wethouder burgemeester ambtenaar gemeente beleidsmedewerker projectleider gebiedsverbinder "
        "gebiedsmanager wijkmanager raadslid".split(),
        "ambtenaar",
    ),
    **dict.fromkeys("wijkraadslid wijkraad dorpsraad dorpsraadslid".split(), "wijkraadslid"),
    **dict.fromkeys(
        "energiecoach adviseur corporatie woningcorporatie coöperatie cooperatie energiecoöperatie "
        "netbeheerder ondernemer wijkagent jongerenwerker opbouwwerker verhuurder aannemer".split(),
        "partner",
    ),
    **dict.fromkeys("voorzitter secretaris penningmeester medewerker spreker".split(), None),
}

# [text](url "title"), [text][ref], <https://...>, bare URLs and www. addresses
_MD_LINK_RE = re.compile(r"\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_REF_LINK_RE = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK_RE = re.compile(r"<(?:https?://|mailto:|www\.)[^>\s]+>", re.I)
_BARE_URL_RE = re.compile(r"(?<![\w@/])(?:https?://|mailto:|www\.)[^\s<>()\[\]]+", re.I)
_LINK_SEPARATORS = " \t|·•>›»/,;-–—:()[]"
_BREADCRUMB_SPLIT_RE = re.compile(r"\s+[>›»]\s+")
_LABEL_RE = re.compile(r"^([A-ZÀ-Þa-zß-ÿ][\w'’.-]*(?: [\w'’.-]+){0,3}?)(?: \d{1,2})?:\s+(\S.*)$")


def links_to_text(line: str) -> str:
    """Replace Markdown links by their text and drop autolinks (``<https://...>``); bare URLs stay."""
    line = _MD_LINK_RE.sub(r"\1", line)
    line = _MD_REF_LINK_RE.sub(r"\1", line)
    return _AUTOLINK_RE.sub("", line)


def is_link_only(line: str) -> bool:
    """Return True when a Markdown line (or bullet) holds only links, URLs and separators.

    Examples
    --------
    >>> is_link_only("- [Terug naar Oudeveen](/dorpen/oudeveen/)")
    True
    >>> is_link_only("Zie [de site](/x) voor meer.")
    False
    """
    body = BULLET_RE.sub("", line, count=1)
    body = strip_emphasis(body)
    found = 0
    for pattern in (_MD_LINK_RE, _MD_REF_LINK_RE, _AUTOLINK_RE, _BARE_URL_RE):
        body, n = pattern.subn(" ", body)
        found += n
    return found > 0 and not body.strip(_LINK_SEPARATORS + ".")


def is_breadcrumb(line: str) -> bool:
    """Return True for a breadcrumb trail: three or more short steps separated by ``>``, ``›`` or ``»``.

    Examples
    --------
    >>> is_breadcrumb("Home > Dorpen > Oudeveen > Inloopavond isolatie"), is_breadcrumb("Kosten > baten.")
    (True, False)
    """
    if BULLET_RE.match(line):
        return False
    steps = _BREADCRUMB_SPLIT_RE.split(strip_emphasis(links_to_text(line)).strip())
    return (
        len(steps) >= 3
        and all(0 < len(step.split()) <= 6 for step in steps)
        and not steps[-1].endswith((".", "?", "!", ";", ":"))
    )


def turn_label(line: str) -> tuple[str, str] | None:
    """Return ``(label, text)`` when a cleaned line starts with a role label (``Bewoner: ...``), else None.

    The line has lost its emphasis and tags already (``**Bewoner:**`` reads ``Bewoner:``). A label has at
    most four words (and an optional number: ``Bewoner 2:``); its first word must be in :data:`ROLE_WORDS`.
    """
    if BULLET_RE.match(line):
        return None
    m = _LABEL_RE.match(line.strip())
    if m is None or m.group(1).split()[0].lower() not in ROLE_WORDS:
        return None
    return m.group(1), m.group(2)


def turn_role(label: str) -> str:
    """Return the role a turn label stands for: the first word with a definite role, else ``onbekend``.

    Examples
    --------
    >>> turn_role("Voorzitter coöperatie"), turn_role("Bewoner"), turn_role("Voorzitter")
    ('partner', 'bewoner', 'onbekend')
    """
    for word in label.lower().split():
        role = ROLE_WORDS.get(word)
        if role is not None:
            return role
    return "onbekend"


def split_turns(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Group the cleaned lines of one paragraph into labelled turns.

    Returns
    -------
    list of (label or None, lines)
        Lines before the first labelled line form a group without a label; each labelled line starts a turn
        (its label removed) that continues until the next labelled line. Without any labelled line: one group
        ``(None, lines)``.
    """
    groups: list[tuple[str | None, list[str]]] = []
    for line in lines:
        found = turn_label(strip_emphasis(line))
        if found is not None:
            groups.append((found[0], [found[1]]))
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append((None, [line]))
    return groups


def table_row_text(cells: list[str]) -> str:
    """Return the text of one table row: its non-empty cells, without emphasis, joined by `` | ``."""
    kept = [strip_emphasis(links_to_text(c)).strip() for c in cells]
    return " | ".join(c for c in kept if c)
