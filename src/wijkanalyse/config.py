"""Paths and run settings in one place.

Paths are anchored on the project root (the folder holding ``pyproject.toml`` when wijkanalyse is installed
from a clone, otherwise the current directory, or ``$WIJKANALYSE_HOME``). Run settings come from one YAML file,
by default ``wijkanalyse.yml`` in the corpus folder, validated by :class:`Settings`; the command line can
override single values.

Settings file reference (every key optional)::

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
    codebook: null                # path to a codebook YAML; default: the bundled wijkplatform codebook
    min_count: 5                  # counts of respondents below this are suppressed in reports
    seed: 42
    language: nl                  # report language: nl or en
    max_segment_chars: 700        # longer units are split at sentence boundaries
    machine_agreement_threshold: 0.6  # machine codes stand unreviewed only if alpha(machine, people) >= this
    coding_threshold: 0.35        # machine proposals below this confidence are not applied
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wijkanalyse.exceptions import SettingsError

__all__ = [
    "PROJECT_ROOT",
    "DEMO_CORPUS",
    "OUTPUTS_DIR",
    "PRIVATE_DIR",
    "PACKAGE_DATA",
    "DEFAULT_CODEBOOK",
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


PROJECT_ROOT: Path = _find_project_root()
DEMO_CORPUS: Path = PROJECT_ROOT / "corpora" / "demo"
OUTPUTS_DIR: Path = PROJECT_ROOT / "outputs"
PRIVATE_DIR: Path = PROJECT_ROOT / "private"
PACKAGE_DATA: Path = Path(__file__).resolve().parent / "data"
DEFAULT_CODEBOOK: Path = PACKAGE_DATA / "codebook_wijkplatform.yml"


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
    store_dir: Path | None = None
    private_dir: Path | None = None
    surveys: list[SurveySpec] = Field(default_factory=list)
    postcode_lookup: str | None = None
    ignore: list[str] = Field(default_factory=list)
    embedder: str = "use-m3"
    codebook: Path | None = None
    min_count: int = 5
    seed: int = 42
    language: str = "nl"
    max_segment_chars: int = 700
    machine_agreement_threshold: float = 0.6
    coding_threshold: float = 0.35

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
        """Short name of the corpus folder, used to name the store and the private folder."""
        return self.corpus.resolve().name

    @property
    def store_path(self) -> Path:
        """Folder holding the SQLite store and the embedding cache for this corpus."""
        return (self.store_dir or OUTPUTS_DIR / self.corpus_name / "store").resolve()

    @property
    def key_path(self) -> Path:
        """SQLite file holding the pseudonymisation key; kept outside ``outputs/``."""
        return (self.private_dir or PRIVATE_DIR / self.corpus_name).resolve() / "pseudonym_key.sqlite"

    @property
    def codebook_path(self) -> Path:
        """The codebook YAML in use."""
        if self.codebook is None:
            return DEFAULT_CODEBOOK
        p = Path(self.codebook)
        return p if p.is_absolute() else (self.corpus / p).resolve() if (self.corpus / p).exists() else p.resolve()


def load_settings(
    corpus: Path | str | None = None,
    settings_file: Path | str | None = None,
    **overrides: Any,
) -> Settings:
    """Read the settings for a corpus.

    Parameters
    ----------
    corpus : path, optional
        The corpus folder. Default: the bundled demo corpus.
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
    corpus_path = Path(corpus).resolve() if corpus else DEMO_CORPUS
    if not corpus_path.is_dir():
        raise SettingsError(f"Corpus folder {corpus_path} does not exist or is not a folder.")
    data: dict[str, Any] = {}
    file = Path(settings_file) if settings_file else corpus_path / "wijkanalyse.yml"
    if settings_file and not file.exists():
        raise SettingsError(f"Settings file {file} does not exist.")
    if file.exists():
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
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
            f"  - {'.'.join(str(x) for x in e['loc'])}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors()
        )
        raise SettingsError(f"Settings file {file} has {len(exc.errors())} problem(s):\n{problems}") from exc
