"""Survey exports: one row per respondent becomes answer blocks, a respondent record and row problems.

The wijk of a respondent comes from a wijk column or from a postcode column through the lookup table named by
``postcode_lookup`` in the settings (CSV: ``postcode4,wijk``). Open questions are the columns named by
``text_columns`` in the survey's settings, or else the text columns with long, varied answers. Answers that
carry no content ("weet niet", "n.v.t.", "-", see :data:`NON_ANSWERS`) count as not answered and make no
segment. A second header row as survey tools export it ("Response", "Open-Ended Response" under the
questions: :func:`is_second_header`) is skipped with a warning, not taken for a respondent.

Personal data in the other columns. Every column that is neither an open question, the respondent id, the
wijk nor the postcode is a *closed* question, stored per respondent (``respondents.answers_json``). A closed
column whose header names personal data (:func:`is_personal_column`: a name, e-mail, phone, address, house
number, date of birth, BSN, IBAN or IP address) is **not stored at all**: the ingest result warns which
columns were left out, and a column that should be analysed as text can be mapped in ``text_columns`` (its
answers are then pseudonymised like every text). The values of the closed columns that are kept, and the
respondent ids, pass through the same pseudonymiser as the texts before they are stored (e-mail addresses,
phone numbers, postcodes, addresses, BSNs and names known from the texts are replaced).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from wijkanalyse.config import Settings, SurveySpec
from wijkanalyse.exceptions import IngestError, InputProblem, SettingsError
from wijkanalyse.ingest.readers import Block, normalise
from wijkanalyse.ingest.units import UnitNames
from wijkanalyse.store import RespondentRecord
from wijkanalyse.vocabulary import NON_ANSWERS  # survey answers that carry no content: "not answered"

__all__ = [
    "NON_ANSWERS",
    "SurveyRows",
    "survey_spec",
    "load_postcodes",
    "survey_blocks",
    "is_personal_column",
]

_ID_CANDIDATES = ("respondent_id", "respondent", "respondentid", "responseid", "response id", "id", "nr")
_WIJK_CANDIDATES = ("wijk", "buurt", "wijknaam")
_POSTCODE_CANDIDATES = ("postcode", "pc4", "postcode4", "zip")
# headers of columns that hold personal data (matched in lower case, anywhere in the header)
_PERSONAL_HEADER_RE = re.compile(
    r"e-?mail|\bmail\b|telefoon|\btel\b|phone|mobiel|\bgsm\b|\bnaam\b|\bname\b|voornaam|achternaam|"
    r"roepnaam|familienaam|\badres|woonadres|postadres|address|straat|huisnummer|geboort|\bbirth|"
    r"date of birth|\bbsn\b|burgerservice|\biban\b|rekeningnummer|\bip\b|ip-?adres"
)


@dataclass
class SurveyRows:
    """What the rows of one survey export give."""

    blocks: list[Block] = field(default_factory=list)  # one per open answer with content
    respondents: list[RespondentRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)  # rows that were skipped or lost their wijk
    dropped_columns: list[str] = field(default_factory=list)  # closed columns with personal data, not stored
    notes: list[str] = field(default_factory=list)  # unit column values that name no unit or a new one


@dataclass(frozen=True)
class _Columns:
    """The role of each column of one survey export."""

    respondent_id: str | None
    wijk: str | None
    postcode: str | None
    questions: dict[str, str]  # question key -> column of an open question
    closed: list[str]  # every other column, except those with personal data
    personal: list[str]  # columns with personal data: never stored


def survey_spec(rel: str, settings: Settings) -> SurveySpec:
    """Return the settings of the survey at ``rel`` (the first whose ``path`` pattern matches) or defaults."""
    for spec in settings.surveys:
        if fnmatch.fnmatch(rel, spec.path):
            return spec
    return SurveySpec(path=rel)


def load_postcodes(settings: Settings) -> dict[str, str]:
    """Read the postcode lookup table named in the settings: ``{postcode4: wijk}`` (empty when none is named).

    Raises
    ------
    SettingsError
        If the table does not exist or lacks the columns ``postcode4`` and ``wijk``.
    """
    if not settings.postcode_lookup:
        return {}
    path = settings.corpus / settings.postcode_lookup
    if not path.exists():
        raise SettingsError(f"The postcode lookup {path} named in the settings does not exist.")
    df = pd.read_csv(path, dtype=str)
    if not {"postcode4", "wijk"} <= set(df.columns):
        raise SettingsError(
            f"The postcode lookup {path} needs columns 'postcode4' and 'wijk'; found {list(df.columns)}."
        )
    return {str(p).strip(): str(w).strip() for p, w in zip(df["postcode4"], df["wijk"], strict=True)}


def _is_non_answer(text: str) -> bool:
    return text.lower().strip().strip(".!?").strip() in NON_ANSWERS


def _find_column(
    columns: list[str], wanted: str | None, candidates: tuple[str, ...], rel: str, what: str
) -> str | None:
    if wanted:
        if wanted in columns:
            return wanted
        close = difflib.get_close_matches(wanted, columns, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise IngestError(
            InputProblem(
                rel,
                f"column {wanted!r} ({what}) not found.{hint} Columns found: {columns}",
                f"column '{wanted}'",
            )
        )
    lower = {c.lower().strip(): c for c in columns}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


def _open_questions(df: pd.DataFrame, spec: SurveySpec, rel: str, skip: set[str | None]) -> dict[str, str]:
    """Return ``{question key: column}``: from the settings, or text columns with long answers on average."""
    columns = list(df.columns)
    qmap = spec.question_map()
    if qmap is None:
        qmap = {}
        for c in columns:
            if c in skip:
                continue
            lengths = df[c].astype(str).str.len()
            if lengths.mean() > 25 and df[c].nunique() > len(df) / 3:
                qmap[c] = c
        if not qmap:
            why = f"no open questions found; set text_columns in the settings. Columns found: {columns}"
            raise IngestError(InputProblem(rel, why))
        return qmap
    missing = [col for col in qmap.values() if col not in columns]
    if missing:
        details = []
        for col in missing:
            close = difflib.get_close_matches(col, columns, n=1)
            details.append(f"{col!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise IngestError(
            InputProblem(rel, f"text column(s) {', '.join(details)} not found. Columns found: {columns}")
        )
    return qmap


def _survey_columns(df: pd.DataFrame, spec: SurveySpec, rel: str, postcodes: dict[str, str]) -> _Columns:
    columns = list(df.columns)
    id_col = _find_column(columns, spec.respondent_id, _ID_CANDIDATES, rel, "respondent id")
    wijk_col = _find_column(columns, spec.wijk_column, _WIJK_CANDIDATES, rel, "wijk")
    pc_col = None
    if wijk_col is None:
        pc_col = _find_column(columns, spec.postcode_column, _POSTCODE_CANDIDATES, rel, "postcode")
    if wijk_col is None and pc_col is None:
        raise IngestError(
            InputProblem(
                rel,
                "no wijk or postcode column; set wijk_column or postcode_column in the settings. "
                f"Columns found: {columns}",
            )
        )
    if pc_col and not postcodes:
        raise IngestError(
            InputProblem(rel, "a postcode column is used but the settings name no postcode_lookup table")
        )
    qmap = _open_questions(df, spec, rel, {id_col, wijk_col, pc_col})
    other = [c for c in columns if c not in set(qmap.values()) | {id_col, wijk_col, pc_col}]
    personal = [c for c in other if is_personal_column(c)]
    closed = [c for c in other if c not in personal]
    return _Columns(id_col, wijk_col, pc_col, qmap, closed, personal)


#: What survey tools put in a second header row under each question (SurveyMonkey, Qualtrics-like exports).
SECOND_HEADER_WORDS = frozenset(
    "response|open-ended response|other (please specify)|antwoord|open antwoord|reactie|anders, namelijk"
    "|import id|choice text|open-ended|respondent id|respondentid".split("|")
)


def is_second_header(rec: dict[str, Any], id_column: str | None) -> bool:
    """Tell whether the first row under the header is a second header row, not a respondent.

    It is when it has no respondent id and every filled cell is a sub-header word of a survey tool
    (:data:`SECOND_HEADER_WORDS`: "Response", "Open-Ended Response", ...) or a Qualtrics import tag
    (``{"ImportId":"QID4"}``).

    Examples
    --------
    >>> is_second_header({"id": "", "wijk": "Response", "q": "Open-Ended Response"}, "id")
    True
    >>> is_second_header({"id": "", "wijk": "Oost", "q": "Response"}, "id")
    False
    """
    if id_column and str(rec.get(id_column, "")).strip() and not _sub_header(str(rec[id_column])):
        return False
    filled = [str(v).strip() for v in rec.values() if str(v).strip()]
    return bool(filled) and all(_sub_header(v) for v in filled)


def _sub_header(value: str) -> bool:
    v = value.strip().casefold()
    return v in SECOND_HEADER_WORDS or (v.startswith("{") and "importid" in v)


def _shown(rec: dict[str, Any]) -> str:
    return ", ".join(sorted({repr(str(v).strip()) for v in rec.values() if str(v).strip()})[:3])


def is_personal_column(header: str) -> bool:
    """Return True when a column header names personal data (name, e-mail, phone, address, birth date, ...).

    Examples
    --------
    >>> is_personal_column("E-mailadres"), is_personal_column("Uw naam"), is_personal_column("leeftijdsgroep")
    (True, True, False)
    """
    return bool(_PERSONAL_HEADER_RE.search(header.lower()))


def _respondent_wijk(
    rec: dict[str, Any], cols: _Columns, postcodes: dict[str, str], rel: str, row: int, units: UnitNames
) -> tuple[str | None, InputProblem | None]:
    """Return the wijk of one respondent, and the problem when a postcode is not in the lookup."""
    if cols.wijk:
        return units.resolve(str(rec[cols.wijk])), None
    assert cols.postcode is not None  # a survey without a wijk column has a postcode column
    raw_pc = str(rec[cols.postcode]).strip().upper().replace(" ", "")
    wijk = postcodes.get(raw_pc[:4]) if re.fullmatch(r"\d{4}([A-Z]{2})?", raw_pc) else None
    if wijk is not None:
        return wijk, None
    shown = raw_pc[:4] + ".." if raw_pc else "(empty)"
    return None, InputProblem(
        rel,
        f"postcode {shown} is not in the postcode lookup; the answers are kept city-wide without a wijk",
        f"row {row}, column '{cols.postcode}'",
    )


def survey_blocks(
    df: pd.DataFrame, spec: SurveySpec, rel: str, postcodes: dict[str, str], units: Iterable[str] = ()
) -> SurveyRows:
    """Turn a survey table into answer blocks and respondents.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (:func:`wijkanalyse.ingest.readers.read_table`), one row per respondent.
    spec : SurveySpec
        The survey's settings (columns of the id, wijk, postcode and open questions).
    rel : str
        The file relative to the corpus root, for messages.
    postcodes : dict
        ``{postcode4: wijk}`` (:func:`load_postcodes`).
    units : iterable of str
        The corpus's units from its other sources: a wijk column's values are matched to them
        (:mod:`wijkanalyse.ingest.units`); what matches none is in ``notes``.

    Returns
    -------
    SurveyRows
        A block per open answer with content, a respondent per row (open questions: ``beantwoord``,
        ``geen inhoud`` or ``leeg``; closed ones: the value, except columns with personal data, which are
        listed in ``dropped_columns``), and the problems of single rows (a repeated respondent id is skipped;
        a postcode not in the lookup keeps the answers without a wijk).

    Raises
    ------
    IngestError
        If a named column is missing, there is neither a wijk nor a postcode column, or no open question.
    """
    cols = _survey_columns(df, spec, rel, postcodes)
    columns = list(df.columns)
    out = SurveyRows(dropped_columns=list(cols.personal))
    names = UnitNames(units)
    seen_ids: set[str] = set()
    for i, row in enumerate(df.itertuples(index=False), start=2):  # row 1 is the header
        rec = dict(zip(columns, row, strict=True))
        if i == 2 and is_second_header(rec, cols.respondent_id):
            out.notes.append(f"{rel}: row 2 is a second header row ({_shown(rec)}), as survey tools export "
                             "it; skipped.")  # fmt: skip
            continue
        rid = (str(rec[cols.respondent_id]).strip() if cols.respondent_id else "") or f"rij-{i}"
        if rid in seen_ids:
            out.problems.append(
                InputProblem(rel, f"respondent id {rid!r} occurs twice; the later row is skipped", f"row {i}")
            )
            continue
        seen_ids.add(rid)
        wijk, problem = _respondent_wijk(rec, cols, postcodes, rel, i, names)
        if problem is not None:
            out.problems.append(problem)
        answered = {}
        for key, col in cols.questions.items():
            text = normalise(str(rec[col]))
            if _is_non_answer(text):
                answered[key] = "leeg" if not text.strip("-. ") else "geen inhoud"
                continue
            answered[key] = "beantwoord"
            out.blocks.append(Block(text=text, unit="answer", question=key, respondent_id=rid, wijk=wijk))
        answers = {"open": answered, **{c: str(rec[c]) for c in cols.closed}}
        out.respondents.append(RespondentRecord(respondent_id=rid, wijk=wijk, answers=answers))
    out.notes += names.notes(rel, cols.wijk) if cols.wijk else []
    return out
