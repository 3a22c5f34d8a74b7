"""Paths and run settings in one place.

Where things go
---------------
Everything a run writes goes into the *workspace*, the folder the user works in: ``$WIJKANALYSE_HOME`` when
set, otherwise the nearest folder, from the current directory upwards, that holds an ``outputs/`` or a
``corpora/`` folder (as git finds its ``.git``), otherwise the current directory. Never the installed package.
In the workspace:

- ``outputs/<corpus id>/store/`` the SQLite store and the embedding cache (``store_dir`` moves it),
- ``outputs/<corpus id>/runs/`` the report runs (``outputs_dir`` moves ``outputs/``),
- ``private/<corpus id>/pseudonym_key.sqlite`` the pseudonymisation key (``private_dir`` moves it).

The *corpus id* is the ``name`` in the corpus settings when given, otherwise the folder name plus a short hash
of the folder's full path, so two corpora that share a folder name (``data``, ``corpus``) never share a store
or a key. The store records which corpus it belongs to and refuses another one (see
:meth:`wijkanalyse.store.Store.claim_corpus`). The bundled demo corpus and the report notebooks are found in
the source checkout (:data:`PROJECT_ROOT`, else :data:`SOURCE_ROOT`).

Where a corpus is found: one resolver, :func:`resolve_corpus`, for the command line, every notebook and the
widgets (a relative path is tried from the current folder, the workspace, the project root and the source
checkout, in that order).

Run settings come from one YAML file, by default ``wijkanalyse.yml`` in the corpus folder, validated by
:class:`Settings` (every problem listed at once); the command line can override single values.

Settings file reference (every key optional)::

    name: warmte-lindewaard       # the corpus id: names its store, runs and key (letters, digits, . _ -)
    outputs_dir: null             # default: <workspace>/outputs

    surveys:                      # survey exports: one entry per file (glob patterns allowed)
      - path: enquete/*.xlsx
        sheet: Antwoorden         # default: the first sheet
        respondent_id: respondent_id
        wijk_column: wijk         # or postcode_column + postcode_lookup
        postcode_column: postcode
        text_columns:             # question key -> exact column header (a list of headers also works)
          behouden: "Wat moet behouden blijven?"
        date: 2024-03-15          # default: manifest date
    postcode_lookup: postcodes.csv  # CSV with columns postcode4,wijk (relative to the corpus)
    ignore: [NOTES.md]            # glob patterns of files not to ingest (README*, *.yml are always skipped)
    embedder: use-m3              # use-m3 | tfidf | hashing | a local path to a sentence-transformers model
    dask: null                    # a Dask scheduler (tcp://host:8786) to embed and code on; README "cluster"
    codebook: null                # a codebook YAML (relative to the corpus). null: no deductive coding;
                                  # discovery and the reports still run. `wijkanalyse codebook draft`
                                  # drafts one from the corpus's own themes.
    min_count: 5                  # counts of respondents below this are suppressed in reports
    seed: 42
    language: nl                  # report language: nl or en
    max_segment_chars: 700        # longer units are split at sentence boundaries
    machine_agreement_threshold: 0.667  # machine codes stand unreviewed only if alpha(machine, people) on the
                                        # check sample >= this; Krippendorff (2004, §11.4): >= .667 tentative
    coding_threshold: 0.35        # machine proposals below this confidence are not applied
    min_fragments: 3              # a theme is a headline only with this many fragments ...
    min_sources: 2                # ... from at least this many sources (documents or respondents)
    report:                       # how reports frame the corpus; each text a string or {nl: .., en: ..}
      unit: {nl: wijk, en: neighbourhood}           # the unit of analysis (wijk, dorp, buurt, gebied)
      unit_plural: {nl: wijken, en: neighbourhoods}
      session: {nl: sessie, en: session}            # what one gathering is called
      session_plural: {nl: sessies, en: sessions}
      title: null                 # title of the overview report; default "Overzicht per <unit>"
      subtitle: null              # one line under every title
      introduction: null          # a paragraph opening every report: what was asked, of whom, when
    markup:                       # website exports (Markdown/HTML with template tags, tables, link lists)
      tables: count               # count: table rows are counted, never quoted; skip: left out
      skip_headings: []           # sections under these headings are not ingested (e.g. "Navigatie")
      boilerplate_min_documents: 3  # a paragraph found verbatim in this many documents is boilerplate
    discovery:                    # theme discovery (wijkanalyse discover; the main job runs it too)
      refit_share: 0.1            # refit every theme when this share of the segments fits no theme; until
                                  # then new segments join the themes of the last run (ids stay put)
      min_theme_size: null        # smallest theme; default: chosen from the data
      stop_words: []              # words of this corpus's topic that name no theme (e.g. [warmtenet,
                                  # aardgasvrij]); the unit and session words of `report` are added, so that
                                  # "wijk" or "dorp" never labels a theme
    pseudonymise:                 # steer the pseudonymiser (words match in any case, whole words only)
      keep: [Schalkwijk, Ymere]   # never taken for a person: places, wijken, organisations (the wijk names
                                  # of the corpus itself are always kept); an address with a number still goes
      always: [Bakkerij Yilmaz]   # always replaced, as a person: names the rules miss
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wijkanalyse.exceptions import SettingsError
from wijkanalyse.safe_yaml import YAMLLimitError, load_yaml_file

__all__ = [
    "PROJECT_ROOT",
    "DEMO_CORPUS",
    "OUTPUTS_DIR",
    "PRIVATE_DIR",
    "PACKAGE_DATA",
    "workspace_root",
    "resolve_corpus",
    "SOURCE_ROOT",
    "LocalText",
    "ReportFraming",
    "MarkupSettings",
    "PseudonymiseSettings",
    "SurveySpec",
    "Settings",
    "load_settings",
]


def _find_project_root() -> Path:
    env = os.environ.get("WIJKANALYSE_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").exists() and (here / "src" / "wijkanalyse").exists():
        return here
    return Path.cwd().resolve()


def workspace_root(start: Path | None = None) -> Path:
    """Return the folder the user works in (see "Where things go" above).

    Parameters
    ----------
    start : path, optional
        Where to start looking; default the current directory.
    """
    env = os.environ.get("WIJKANALYSE_HOME")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "outputs").is_dir() or (folder / "corpora").is_dir():
            return folder
    return here


PROJECT_ROOT: Path = _find_project_root()
#: The source checkout wijkanalyse runs from (src layout); it holds the bundled demo corpus and the notebooks.
SOURCE_ROOT: Path = Path(__file__).resolve().parents[2]
DEMO_CORPUS: Path = next(
    (r / "corpora" / "demo" for r in (PROJECT_ROOT, SOURCE_ROOT) if (r / "corpora" / "demo").is_dir()),
    PROJECT_ROOT / "corpora" / "demo",
)
OUTPUTS_DIR: Path = PROJECT_ROOT / "outputs"
PRIVATE_DIR: Path = PROJECT_ROOT / "private"
PACKAGE_DATA: Path = Path(__file__).resolve().parent / "data"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LANGUAGES = ("nl", "en")



def resolve_corpus(corpus: str | Path | None = None) -> Path:
    """Find a corpus folder: the one resolver of the command line, every notebook and the widgets.

    An absolute path is taken as it is. A relative path is tried against, in this order:

    1. the current folder (what a path on the command line means),
    2. the workspace (:func:`workspace_root`: ``$WIJKANALYSE_HOME``, else the nearest folder upwards that
       holds ``outputs/`` or ``corpora/``), so a notebook in ``notebooks/explore/`` finds ``corpora/demo``,
    3. the project root (:data:`PROJECT_ROOT`),
    4. the source checkout wijkanalyse runs from (:data:`SOURCE_ROOT`), so ``"corpora/demo"`` (the bundled
       demo) is found also when the outputs, and ``$WIJKANALYSE_HOME``, live outside the checkout.

    The first existing folder wins. :func:`load_settings` resolves its corpus through here, so the command
    line, the workbench (:func:`wijkanalyse.explore.open_workbench`), the coding widget and the report
    notebooks agree.

    Parameters
    ----------
    corpus : str or path, optional
        The corpus folder; None: the bundled demo corpus (:data:`DEMO_CORPUS`).

    Returns
    -------
    pathlib.Path
        The resolved (absolute) folder.

    Raises
    ------
    SettingsError
        If no candidate is an existing folder; every folder tried is named.
    """
    if corpus is None or str(corpus) == "":
        corpus = DEMO_CORPUS
    path = Path(corpus).expanduser()
    if path.is_absolute():
        candidates = [path]
    else:
        roots = (Path.cwd(), workspace_root(), PROJECT_ROOT, SOURCE_ROOT)
        candidates = list(dict.fromkeys((r / path).resolve() for r in roots))
    for cand in candidates:
        if cand.is_dir():
            return cand.resolve()
    if len(candidates) == 1:
        raise SettingsError(f"Corpus folder {candidates[0]} not found: it does not exist or is not a folder.")
    tried = ", ".join(str(c) for c in candidates)
    raise SettingsError(f"Corpus folder {str(corpus)!r} not found (or not a folder). Tried: {tried}.")


LocalText = str | dict[str, str]
"""A text in the settings: one string for every language, or ``{nl: ..., en: ...}``."""


def _local(value: LocalText | None, language: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get(language) or next(iter(value.values()), None)


class ReportFraming(BaseModel):
    """How the reports speak about a corpus: the name of the unit and of a session, titles, introduction.

    Every text is one string (used in both languages) or a mapping ``{nl: ..., en: ...}``. The defaults are
    neutral; a corpus says what it is about in its own settings (see the demo corpus's ``wijkanalyse.yml``).
    """

    model_config = ConfigDict(extra="forbid")

    unit: LocalText = {"nl": "wijk", "en": "neighbourhood"}
    unit_plural: LocalText = {"nl": "wijken", "en": "neighbourhoods"}
    session: LocalText = {"nl": "sessie", "en": "session"}
    session_plural: LocalText = {"nl": "sessies", "en": "sessions"}
    title: LocalText | None = None
    subtitle: LocalText | None = None
    introduction: LocalText | None = None

    @field_validator("unit", "unit_plural", "session", "session_plural", "title", "subtitle", "introduction")
    @classmethod
    def _check_languages(cls, v: LocalText | None) -> LocalText | None:
        if isinstance(v, dict):
            unknown = sorted(set(v) - set(LANGUAGES))
            if unknown:
                raise ValueError(f"languages must be among {list(LANGUAGES)}. Got {unknown} instead")
            if not v:
                raise ValueError("must name at least one language")
        return v

    def text(self, key: str, language: str) -> str | None:
        """Return the text of one field in one language (the other language when only that one is given)."""
        return _local(getattr(self, key), language)


class MarkupSettings(BaseModel):
    """How website exports are cleaned (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    tables: Literal["count", "skip"] = "count"
    skip_headings: list[str] = Field(default_factory=list)
    boilerplate_min_documents: int = 3

    @field_validator("boilerplate_min_documents")
    @classmethod
    def _check_boilerplate(cls, v: int) -> int:
        if v < 2:
            raise ValueError(f"must be an int >= 2. Got {v} instead")
        return v


class DiscoverySettings(BaseModel):
    """How discovery keeps its themes between runs (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    refit_share: float = 0.1
    min_theme_size: int | None = None
    stop_words: list[str] = Field(default_factory=list)

    @field_validator("stop_words")
    @classmethod
    def _check_words(cls, v: list[str]) -> list[str]:
        bad = [w for w in v if not str(w).strip() or len(str(w).split()) != 1]
        if bad:
            raise ValueError(f"must list single words. Got {bad[:5]} instead")
        return [str(w).strip().lower() for w in v]

    @field_validator("refit_share")
    @classmethod
    def _check_share(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"must be a share between 0 and 1. Got {v} instead")
        return v

    @field_validator("min_theme_size")
    @classmethod
    def _check_size(cls, v: int | None) -> int | None:
        if v is not None and v < 2:
            raise ValueError(f"must be an int >= 2. Got {v} instead")
        return v


class PseudonymiseSettings(BaseModel):
    """Words the pseudonymiser keeps and words it always replaces (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    keep: list[str] = Field(default_factory=list)
    always: list[str] = Field(default_factory=list)

    @field_validator("keep", "always")
    @classmethod
    def _check_words(cls, v: list[str]) -> list[str]:
        empty = [w for w in v if not str(w).strip()]
        if empty:
            raise ValueError(f"must list non-empty words or phrases. Got {len(empty)} empty entries instead")
        return v


class SurveySpec(BaseModel):
    """How to read one survey export (one row per respondent)."""

    model_config = ConfigDict(extra="forbid")

    path: str
    sheet: str | int | None = None
    respondent_id: str | None = None
    wijk_column: str | None = None
    postcode_column: str | None = None
    text_columns: dict[str, str] | list[str] | None = None
    date: str | None = None

    def question_map(self) -> dict[str, str] | None:
        """Return ``{question key: column header}``, or None to detect the open questions automatically."""
        if self.text_columns is None:
            return None
        if isinstance(self.text_columns, list):
            return {c: c for c in self.text_columns}
        return dict(self.text_columns)


class Settings(BaseModel):
    """Run settings for one corpus (see the module docstring for the file format)."""

    model_config = ConfigDict(extra="forbid")

    corpus: Path = DEMO_CORPUS
    name: str | None = None
    outputs_dir: Path | None = None
    store_dir: Path | None = None
    private_dir: Path | None = None
    surveys: list[SurveySpec] = Field(default_factory=list)
    postcode_lookup: str | None = None
    ignore: list[str] = Field(default_factory=list)
    embedder: str = "use-m3"
    dask: str | None = None  # scheduler address; --scheduler / --workers on the command line take precedence
    codebook: Path | None = None
    min_count: int = 5
    seed: int = 42
    language: str = "nl"
    max_segment_chars: int = 700
    machine_agreement_threshold: float = 0.667  # Krippendorff (2004, §11.4); see review.machine_decision
    coding_threshold: float = 0.35
    min_fragments: int = 3
    min_sources: int = 2
    report: ReportFraming = Field(default_factory=ReportFraming)
    markup: MarkupSettings = Field(default_factory=MarkupSettings)
    discovery: DiscoverySettings = Field(default_factory=DiscoverySettings)
    pseudonymise: PseudonymiseSettings = Field(default_factory=PseudonymiseSettings)

    @field_validator("name")
    @classmethod
    def _check_name(cls, v: str | None) -> str | None:
        if v is not None and not _NAME_RE.match(v):
            raise ValueError(
                "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. "
                f"Got {v!r} instead"
            )
        return v

    @field_validator("min_fragments", "min_sources")
    @classmethod
    def _check_headline(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"must be an int >= 1. Got {v} instead")
        return v

    @field_validator("min_count")
    @classmethod
    def _check_min_count(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"must be an int >= 1. Got {v} instead")
        return v

    @field_validator("language")
    @classmethod
    def _check_language(cls, v: str) -> str:
        if v not in {"nl", "en"}:
            raise ValueError(f"must be 'nl' or 'en'. Got {v!r} instead")
        return v

    @property
    def corpus_name(self) -> str:
        """Name of the corpus: its ``name`` setting, else its folder name (for titles and file names)."""
        return self.name or self.corpus.resolve().name

    @property
    def corpus_id(self) -> str:
        """The id that names the corpus's store, runs and key (see "Where things go")."""
        if self.name:
            return self.name
        folder = self.corpus.resolve()
        return f"{folder.name}-{hashlib.sha256(str(folder).encode()).hexdigest()[:8]}"

    @property
    def outputs_path(self) -> Path:
        """The folder of this corpus's outputs: ``<outputs_dir>/<corpus id>``."""
        return ((self.outputs_dir or workspace_root() / "outputs") / self.corpus_id).resolve()

    @property
    def store_path(self) -> Path:
        """Folder holding the SQLite store and the embedding cache for this corpus."""
        return (self.store_dir or self.outputs_path / "store").resolve()

    @property
    def key_path(self) -> Path:
        """SQLite file holding the pseudonymisation key; kept outside ``outputs/``."""
        folder = self.private_dir or workspace_root() / "private" / self.corpus_id
        return folder.resolve() / "pseudonym_key.sqlite"

    @property
    def theme_stop_words(self) -> list[str]:
        """Words that never label a theme in this corpus: ``discovery.stop_words`` plus the report's words.

        The words of the unit and session names (``report.unit``, ``unit_plural``, ``session``,
        ``session_plural``, in both languages: "wijk", "dorpen", "gesprek", ...) are in nearly every text of a
        corpus organised by them, so they name no theme. The bundled list (``data/stopwords_nl.txt``) holds
        only general Dutch and English function words and participation words; a corpus's own topic words
        belong here, in its settings.
        """
        words = dict.fromkeys(self.discovery.stop_words)
        for key in ("unit", "unit_plural", "session", "session_plural"):
            for language in LANGUAGES:
                for word in re.findall(r"\w+", (self.report.text(key, language) or "").lower()):
                    words.setdefault(word)
        return list(words)

    def text(self, key: str, language: str | None = None) -> str | None:
        """Return a framing text of the reports (``unit``, ``session``, ``title``, ...) in a language."""
        return self.report.text(key, language or self.language)

    @property
    def codebook_path(self) -> Path | None:
        """The codebook YAML in use; None when the corpus names none (no deductive coding then).

        There is deliberately no bundled default: a codebook is about one corpus's question, and the one
        the demo uses lives in ``corpora/demo``. :func:`wijkanalyse.coding.codebook.settings_codebook`
        turns None into the empty codebook.
        """
        if self.codebook is None:
            return None
        p = Path(self.codebook)
        if p.is_absolute():
            return p
        return (self.corpus / p).resolve() if (self.corpus / p).exists() else p.resolve()


def load_settings(
    corpus: Path | str | None = None,
    settings_file: Path | str | None = None,
    **overrides: Any,
) -> Settings:
    """Read the settings for a corpus.

    Parameters
    ----------
    corpus : path, optional
        The corpus folder, found by :func:`resolve_corpus` (a relative path: from the current folder, the
        workspace, the project root, the source checkout). Default: the bundled demo corpus.
    settings_file : path, optional
        A settings YAML. Default: ``wijkanalyse.yml`` in the corpus folder, if present.
    **overrides
        Values that win over the file (from the command line); ``None`` values are ignored.

    Returns
    -------
    Settings

    Raises
    ------
    SettingsError
        If the corpus folder does not exist or the settings file is invalid (all problems listed).
    """
    corpus_path = resolve_corpus(corpus)
    data: dict[str, Any] = {}
    file = Path(settings_file) if settings_file else corpus_path / "wijkanalyse.yml"
    if settings_file and not file.exists():
        raise SettingsError(f"Settings file {file} does not exist.")
    if file.exists():
        try:
            loaded = load_yaml_file(file) or {}
        except YAMLLimitError as exc:
            raise SettingsError(f"Settings file refused: {exc}") from exc
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise SettingsError(f"Settings file {file} is not valid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise SettingsError(f"Settings file {file} must hold a mapping of keys to values.")
        data.update(loaded)
    data.update({k: v for k, v in overrides.items() if v is not None})
    data["corpus"] = corpus_path
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = "\n".join(
            f"  - {'.'.join(str(x) for x in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
        raise SettingsError(f"Settings file {file} has {len(exc.errors())} problem(s):\n{problems}") from exc
