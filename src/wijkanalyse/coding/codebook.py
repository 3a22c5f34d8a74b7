"""Stage 5: the codebook — codes with labels, definitions, include/exclude notes and examples, in YAML.

A codebook is a YAML file, versioned in git next to the corpus and named by the corpus's settings
(``codebook:``). There is no bundled default: a corpus without one gets :func:`empty_codebook` from
:func:`settings_codebook` (no deductive coding; discovery and the reports still run), and
``wijkanalyse codebook draft`` drafts one from its own themes.
:func:`load_codebook` reads it within limits on size and
expanded YAML aliases and validates it, reporting **every** problem at once (unknown keys with a suggestion
for a typo, duplicate ids, missing parents, cycles, empty labels or definitions, bad colours), raising
:class:`~wijkanalyse.exceptions.CodebookError`. The rules live in :mod:`.codebook_check`; a codebook drafted
from the corpus's own themes comes from :mod:`.codebook_draft`.

Format::

    name: buurtgesprekken            # required: a short name
    version: "1.0"                   # your version string; a content hash is added (Codebook.version_tag)
    language: nl                     # language of the definitions and examples (nl or en)
    description: >-                  # optional: what the codebook is for
      Thema's uit de buurtgesprekken over de leefomgeving.
    codes:                           # required: the themes (dimension 'thema')
      - id: vertrouwen               # required: lower case letters, digits and _ ; unique; not 'geen'
        label_nl: Vertrouwen         # required
        label_en: Trust              # optional but recommended (English reports)
        definition: >-               # required: what the code means, in one or two sentences
          Vertrouwen tussen bewoners, buurt en gemeente ...
        include: >-                  # optional: text or a list of texts; what belongs here
          Nakomen van toezeggingen; serieus genomen worden.
        exclude: >-                  # optional: what does not belong here (and where it goes instead)
          Hoe informatie wordt gedeeld: zie communicatie.
        examples:                    # optional but strongly recommended: 6-12 phrases as people say them
          - "De gemeente komt haar afspraken niet na."
        parent: null                 # optional: id of a broader code (hierarchy); no cycles
        color: "#4C78A8"             # optional: #RRGGBB or #RGB, used in reports
    soort:                           # optional: the kind of input (dimension 'soort'); same fields, no parent
      - id: behouden                 # default: behouden, verbeteren, vraag_of_zorg (DEFAULT_SOORT)
        label_nl: Behouden
        label_en: Keep
        definition: Wat goed gaat en behouden moet blijven bij de overgang.
        examples: ["De wijkkrant moet blijven."]

The code id ``geen`` is reserved: it is the machine's "none of these" outcome and cannot be a code in a
codebook. Code ids are shared by both dimensions (one ``codes`` table in the store), so a soort id may not
repeat a theme id.

:meth:`Codebook.add_code` returns a new codebook with one more code (used to promote a discovered theme);
:func:`save_codebook` writes a codebook back to YAML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wijkanalyse.coding.codebook_check import (
    CODE_KEYS,
    codebook_problems,
    read_codebook_yaml,
    short_repr,
    suggest,
)
from wijkanalyse.config import Settings
from wijkanalyse.exceptions import CodebookError, ReportError
from wijkanalyse.vocabulary import NONE_CODE

__all__ = [
    "NONE_CODE",
    "SOORT_IDS",
    "DEFAULT_SOORT",
    "Code",
    "Codebook",
    "load_codebook",
    "parse_codebook",
    "save_codebook",
    "empty_codebook",
    "settings_codebook",
    "NO_CODEBOOK",
]

#: The reserved code id for "none of these" (a machine outcome, never a code in a codebook).
#: The ids of the default kinds of input (keep, improve, question or concern), in a seed report's order.
SOORT_IDS = ("behouden", "verbeteren", "vraag_of_zorg")

_PALETTE = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#EECA3B",
    "#B279A2",
    "#FF9DA6",
    "#9D755D",
    "#BAB0AC",
    "#1B9E77",
    "#D95F02",
)


class Code(BaseModel):
    """One code: a theme (dimension 'thema') or a kind of input (dimension 'soort').

    ``include`` and ``exclude`` accept a text or a list of texts in YAML and are held as lists.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    label_nl: str
    label_en: str = ""
    definition: str
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    parent: str | None = None
    color: str | None = None

    @field_validator("include", "exclude", mode="before")
    @classmethod
    def _text_or_list(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, str):
            return [v] if v.strip() else []
        return v

    @field_validator("examples", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v

    def label(self, language: str = "nl") -> str:
        """Return the label in a language (``nl`` or ``en``), falling back to Dutch."""
        return (self.label_en or self.label_nl) if language == "en" else self.label_nl


DEFAULT_SOORT: tuple[Code, ...] = (
    Code(
        id="behouden",
        label_nl="Behouden",
        label_en="Keep",
        definition=(
            "Wat goed gaat en behouden moet blijven: "
            "wat waardevol is en niet verloren mag gaan."
        ),
        include=["Waardering voor wat er nu is; wensen om iets voort te zetten."],
        examples=[
            "Het goede van hoe het nu gaat moet behouden blijven.",
            "De wijkkrant moet zeker blijven bestaan.",
            "Het spreekuur werkt goed, dat moeten we houden.",
            "Wat ik waardeer is dat de gemeente dichtbij de bewoners staat.",
            "Die kennis en ervaring mogen niet verloren gaan.",
            "De samenwerking met de wijkagent loopt prima, laat dat zo.",
            "Blijf vooral die themabijeenkomsten organiseren.",
        ],
    ),
    Code(
        id="verbeteren",
        label_nl="Verbeteren",
        label_en="Improve",
        definition=(
            "Wat beter moet of anders kan: een wens, een tekortkoming of een voorstel tot verbetering."
        ),
        include=["Kritiek met een gewenste verandering; wat ontbreekt; wat meer of minder moet."],
        examples=[
            "De communicatie vanuit de gemeente moet echt beter.",
            "Er moet meer geïnvesteerd worden in participatie.",
            "We worden te laat betrokken, dat moet eerder.",
            "De samenstelling van de groep moet diverser.",
            "Het zou goed zijn als toezeggingen ook worden nagekomen.",
            "Informatie is vaak onbegrijpelijk, gebruik gewone taal.",
            "Er is te weinig contact met het sociaal wijkteam.",
        ],
    ),
    Code(
        id="vraag_of_zorg",
        label_nl="Vraag of zorg",
        label_en="Question or concern",
        definition=(
            "Een open vraag, onduidelijkheid of zorg over wat er gaat veranderen en wat dat gaat betekenen."
        ),
        include=["Vragen over hoe iets geregeld wordt; zorgen over risico's; wat als ...?"],
        examples=[
            "Hoe wordt de financiering straks geregeld?",
            "Wat als er in onze wijk niets verandert?",
            "Ik maak me zorgen dat er een gat valt tijdens de verandering.",
            "Wie bepaalt eigenlijk wat er met het plan gebeurt?",
            "Moeten we daar zelf een vereniging voor oprichten?",
            "Het is nog onduidelijk wat er met onze inbreng gebeurt.",
            "Ik ben bang dat de vrijwilligers afhaken.",
        ],
    ),
)


class Codebook(BaseModel):
    """A validated codebook: themes (``codes``) and kinds of input (``soort``).

    Build one with :func:`load_codebook` (from YAML, with validation) or :func:`parse_codebook` (from a dict).
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str = "0"
    language: str = "nl"
    description: str = ""
    codes: list[Code]
    soort: list[Code] = Field(default_factory=lambda: [c.model_copy() for c in DEFAULT_SOORT])

    @field_validator("version", mode="before")
    @classmethod
    def _version_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v

    # -- look-ups
    # -----------------------------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Theme code ids, in codebook order."""
        return [c.id for c in self.codes]

    @property
    def soort_ids(self) -> list[str]:
        """Kind-of-input code ids, in codebook order."""
        return [c.id for c in self.soort]

    def code(self, code_id: str) -> Code:
        """Return the code (theme or soort) with this id.

        Raises
        ------
        KeyError
            With the closest known id, if there is no such code.
        """
        for c in (*self.codes, *self.soort):
            if c.id == code_id:
                return c
        hint = suggest(code_id, [*self.ids, *self.soort_ids])
        raise KeyError(f"No code {code_id!r} in codebook {self.name!r}.{hint}")

    def label(self, code_id: str, language: str = "nl") -> str:
        """Label of a code; ``geen`` gives "geen van deze" / "none of these"."""
        if code_id == NONE_CODE:
            return "none of these" if language == "en" else "geen van deze"
        return self.code(code_id).label(language)

    def children(self, code_id: str) -> list[str]:
        """Ids of the codes whose parent is ``code_id``."""
        return [c.id for c in self.codes if c.parent == code_id]

    def color(self, code_id: str) -> str:
        """Return the code's colour, or a colour from a fixed palette by its position."""
        c = self.code(code_id)
        if c.color:
            return c.color
        ids = [*self.ids, *self.soort_ids]
        return _PALETTE[ids.index(code_id) % len(_PALETTE)]

    # -- versions
    # -----------------------------------------------------------------------------------------------
    @property
    def content_hash(self) -> str:
        """First 8 hex digits of the sha256 of the codebook content (everything but ``version``)."""
        data = self.model_dump(mode="json", exclude={"version"})
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:8]

    @property
    def version_tag(self) -> str:
        """Return the user's version plus the content hash, e.g. ``"1.0+3fa2c9d1"``."""
        return f"{self.version}+{self.content_hash}"

    # -- editing
    # ------------------------------------------------------------------------------------------------
    def add_code(
        self,
        code_id: str,
        label_nl: str,
        definition: str,
        *,
        label_en: str = "",
        include: str | Sequence[str] = (),
        exclude: str | Sequence[str] = (),
        examples: Sequence[str] = (),
        parent: str | None = None,
        color: str | None = None,
    ) -> Codebook:
        """Return a new codebook with one more theme code (this codebook is not changed).

        Parameters
        ----------
        code_id : str
            New, unique id: lower case letters, digits and ``_``; not ``geen``.
        label_nl, definition : str
            Required, not empty.
        label_en, include, exclude, examples, parent, color
            As in the YAML format.

        Returns
        -------
        Codebook

        Raises
        ------
        CodebookError
            Listing every problem with the new code.
        """
        entry: dict[str, Any] = {"id": code_id, "label_nl": label_nl, "definition": definition}
        entry.update(
            label_en=label_en,
            include=[include] if isinstance(include, str) else list(include),
            exclude=[exclude] if isinstance(exclude, str) else list(exclude),
            examples=list(examples),
            parent=parent,
            color=color,
        )
        data = self.model_dump(mode="json")
        for section in ("codes", "soort"):
            data[section] = [{k: v for k, v in c.items() if v not in (None, "", [])} for c in data[section]]
        data["codes"].append({k: v for k, v in entry.items() if v not in (None, "", [])})
        return parse_codebook(data, source=f"{self.name} + code {code_id!r}")

    # -- export
    # -------------------------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per code of both dimensions, in the columns of the store's ``codes`` table."""
        rows = []
        for dim, codes in (("thema", self.codes), ("soort", self.soort)):
            for c in codes:
                rows.append(
                    {
                        "code_id": c.id,
                        "dimension": dim,
                        "label_nl": c.label_nl,
                        "label_en": c.label_en,
                        "parent": c.parent,
                        "definition": c.definition,
                        "color": self.color(c.id),
                        "codebook_version": self.version_tag,
                    }
                )
        columns = ["code_id", "dimension", "label_nl", "label_en", "parent", "definition", "color"]
        return pd.DataFrame(rows, columns=[*columns, "codebook_version"])


def parse_codebook(data: Any, source: str = "<dict>") -> Codebook:
    """Validate a codebook given as a dict (as read from YAML) and return it.

    Parameters
    ----------
    data : dict
        The parsed YAML.
    source : str
        Where it came from, for the error message.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        Listing every problem found.
    """
    problems = codebook_problems(data)
    if problems:
        raise CodebookError(source, problems)
    try:
        return Codebook(**data)
    except ValidationError as exc:  # a type problem the checks above did not foresee
        raise CodebookError(
            source,
            [
                f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']} (got {short_repr(e.get('input'))})"
                for e in exc.errors()
            ],
        ) from exc


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file.

    Parameters
    ----------
    path : path
        The YAML file (format in the module docstring).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the file is missing, not UTF-8, not valid YAML, over a limit of
        :func:`~wijkanalyse.coding.codebook_check.read_codebook_yaml` (size, aliases), or breaks any rule;
        every problem is listed at once.

    Examples
    --------
    >>> import tempfile
    >>> cb = parse_codebook({"name": "buurtgesprekken", "codes": [
    ...     {"id": "groen", "label_nl": "Groen", "definition": "Bomen, parken en plantsoenen."}]})
    >>> load_codebook(save_codebook(cb, Path(tempfile.mkdtemp()) / "codeboek.yml")).name
    'buurtgesprekken'
    """
    p = Path(path)
    data = read_codebook_yaml(p)
    return parse_codebook(data, source=str(p))


#: The name of :func:`empty_codebook`, as provenance shows it.
NO_CODEBOOK = "geen codeboek"


def empty_codebook() -> Codebook:
    """Return the codebook of a corpus that names none: no themes and no kinds of input.

    Coding with it writes nothing (:func:`wijkanalyse.coding.apply.code_store` says so and points to
    ``wijkanalyse codebook draft``); reports then show the discovered themes only.
    """
    return Codebook(name=NO_CODEBOOK, version="0", codes=[], soort=[])


def settings_codebook(settings: Settings) -> Codebook:
    """Return the codebook a corpus's settings name, or :func:`empty_codebook` when they name none.

    Raises
    ------
    CodebookError
        If the named file is missing or breaks a rule (see :func:`load_codebook`).
    """
    path = settings.codebook_path
    return empty_codebook() if path is None else load_codebook(path)


def _code_to_yaml(code: Code, with_parent: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in CODE_KEYS:
        if key == "parent" and not with_parent:
            continue
        value = getattr(code, key)
        if key in ("include", "exclude") and len(value) == 1:
            value = value[0]
        if value in (None, "", []):
            continue
        out[key] = value
    return out


def save_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write a codebook to YAML (readable, keys in the documented order, UTF-8).

    Parameters
    ----------
    codebook : Codebook
    path : path

    Returns
    -------
    Path
        The file written.
    """
    data: dict[str, Any] = {
        "name": codebook.name,
        "version": codebook.version,
        "language": codebook.language,
    }
    if codebook.description:
        data["description"] = codebook.description
    data["codes"] = [_code_to_yaml(c, with_parent=True) for c in codebook.codes]
    data["soort"] = [_code_to_yaml(c, with_parent=False) for c in codebook.soort]
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    return p


def check_codebook(settings: Any) -> str:
    """Check that the codebook named in the settings exists and is valid; return its version tag.

    Settings that name no codebook pass (the empty codebook's tag): coding is skipped then.

    Raises
    ------
    ReportError
        If the codebook file does not exist (with the setting that names it).
    CodebookError
        If it is not a valid codebook (every problem listed).
    """
    path = settings.codebook_path
    if path is None:
        return empty_codebook().version_tag
    if not path.is_file():
        raise ReportError(
            f"The codebook {path} does not exist. The setting 'codebook' of corpus {settings.corpus} is "
            f"{str(settings.codebook)!r}; point it at a codebook YAML (relative to the corpus folder), "
            "or remove the setting to run without one (no deductive coding; `wijkanalyse codebook draft` "
            "drafts one from the corpus's own themes)."
        )
    return load_codebook(path).version_tag
