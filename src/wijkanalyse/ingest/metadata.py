"""Metadata of a source document: wijk, date, kind, session, title and speakers.

Metadata comes from, in this order:

1. YAML front matter of a ``.md``/``.txt`` file;
2. the corpus manifest (``manifest.yml``: a list ``documents`` of entries with ``path`` and the same keys);
3. the folder name (wijk) and a ``YYYY-MM-DD`` prefix of the file name (date), else a date written anywhere in
   the file name as people write them (``4 maart 2025``, ``04-03-2025``: :mod:`.file_dates`).

Everything a person writes by hand is checked, and every problem is reported (not only the first).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from wijkanalyse.exceptions import InputProblem, SettingsError
from wijkanalyse.ingest.file_dates import date_in_name, date_in_opening
from wijkanalyse.safe_yaml import YAMLLimitError, load_yaml_file

__all__ = [
    "MANIFEST_NAMES",
    "META_KEYS",
    "SOURCE_KINDS",
    "ROLES",
    "load_manifest",
    "manifest_folder_wijks",
    "folder_unit",
    "dated_by_opening",
    "check_metadata",
    "resolve_metadata",
]

MANIFEST_NAMES = ("manifest.yml", "manifest.yaml")
#: the keys of front matter and of a manifest entry
META_KEYS = {"wijk", "date", "kind", "session", "title", "speakers", "path"}
#: the allowed kinds of source document (metadata key ``kind``)
SOURCE_KINDS = {"notulen", "transcript", "verslag", "enquete", "synthese", "notitie"}
#: the allowed roles of a speaker (metadata key ``speakers``: name -> role)
ROLES = {"bewoner", "wijkraadslid", "ambtenaar", "gespreksleider", "partner", "onbekend"}
#: the kind of a source whose metadata names none, by file suffix (else ``verslag``)
_DEFAULT_KIND = {".vtt": "transcript", ".srt": "transcript", ".csv": "enquete", ".xlsx": "enquete"}
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def load_manifest(corpus: Path, problems: list[InputProblem]) -> dict[str, dict[str, Any]]:
    """Read the corpus manifest, if there is one.

    Parameters
    ----------
    corpus : Path
        The corpus folder; the manifest is ``manifest.yml`` (or ``.yaml``) in it.
    problems : list of InputProblem
        Entries without a path, naming a missing file or with an unknown key are reported here (the rest of
        the manifest is used).

    Returns
    -------
    dict
        ``{path relative to the corpus: {key: value}}`` of the usable entries (empty without a manifest).

    Raises
    ------
    SettingsError
        If the manifest is not valid YAML, exceeds a limit of :mod:`wijkanalyse.safe_yaml` (size, aliases),
        or has no list ``documents``.
    """
    for name in MANIFEST_NAMES:
        path = corpus / name
        if path.exists():
            break
    else:
        return {}
    try:
        data = load_yaml_file(path) or {}
    except YAMLLimitError as exc:
        raise SettingsError(f"Manifest refused: {exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Manifest {path} is not valid YAML: {exc}") from exc
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SettingsError(f"Manifest {path} must have a list 'documents' of entries with a 'path'.")
    out: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries, start=1):
        where = f"entry {i}"
        if not isinstance(entry, dict) or "path" not in entry:
            problems.append(
                InputProblem(name, "each entry needs a 'path' (relative to the corpus folder)", where)
            )
            continue
        rel = str(entry["path"])
        for key in sorted(set(entry) - META_KEYS):
            close = difflib.get_close_matches(key, sorted(META_KEYS), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" Expected one of {sorted(META_KEYS)}."
            problems.append(InputProblem(name, f"unknown key {key!r} for {rel}.{hint}", where))
        if not (corpus / rel).is_file():
            problems.append(InputProblem(name, f"names a file that does not exist: {rel}", where))
            continue
        out[rel] = {k: v for k, v in entry.items() if k in META_KEYS and k != "path"}
    return out


def manifest_folder_wijks(manifest: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Return ``{folder: wijk}`` from the first manifest entry in each folder that names a wijk.

    Other files in that folder get the same wijk (see :func:`resolve_metadata`).
    """
    folder_wijk: dict[str, str] = {}
    for rel, meta in manifest.items():
        if meta.get("wijk") and len(Path(rel).parts) > 1:
            folder_wijk.setdefault(Path(rel).parts[0], str(meta["wijk"]))
    return folder_wijk


def check_metadata(rel: str, meta: dict[str, Any]) -> list[InputProblem]:
    """Return every problem of the metadata of one source: unknown kind, bad date, speakers without a role."""
    problems = []
    kind = meta.get("kind")
    if kind is not None and kind not in SOURCE_KINDS:
        problems.append(InputProblem(rel, f"kind {kind!r} is not one of {sorted(SOURCE_KINDS)}", "metadata"))
    date = meta.get("date")
    if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
        problems.append(InputProblem(rel, f"date {date!r} is not a date like 2023-01-24", "metadata"))
    speakers = meta.get("speakers") or {}
    if not isinstance(speakers, dict):
        problems.append(InputProblem(rel, "speakers must map a speaker's name to a role", "metadata"))
    else:
        for name, role in speakers.items():
            if role not in ROLES:
                why = f"speaker {name!r} has role {role!r}; expected one of {sorted(ROLES)}"
                problems.append(InputProblem(rel, why, "metadata"))
    return problems


def folder_unit(rel: str, known: dict[str, str]) -> str | None:
    """Return the wijk a file's top folder names (``known``: the manifest's, else the folder name)."""
    parts = Path(rel).parts
    if len(parts) < 2:
        return None
    slug = parts[0]
    if slug in known:
        return known[slug]
    return "-".join(w.capitalize() for w in slug.split("-"))


def resolve_metadata(
    rel: str, front: dict[str, Any], manifest: dict[str, Any], folder_wijk: dict[str, str]
) -> dict[str, Any]:
    """Combine front matter, the manifest entry and the file's place into the metadata of one source.

    Parameters
    ----------
    rel : str
        The source's path relative to the corpus root.
    front : dict
        Its YAML front matter (wins over the manifest).
    manifest : dict
        Its manifest entry.
    folder_wijk : dict
        ``{folder: wijk}`` (:func:`manifest_folder_wijks`); other folders give their name as the wijk.

    Returns
    -------
    dict
        ``wijk, date, kind, session, title`` always present (``wijk``/``date``/``session`` may be None), plus
        ``speakers`` when given.
    """
    meta: dict[str, Any] = {}
    meta.update(manifest)
    meta.update({k: v for k, v in front.items() if k in META_KEYS})
    if "wijk" not in meta:
        meta["wijk"] = folder_unit(rel, folder_wijk)
    if not meta.get("date"):
        m = _DATE_RE.match(Path(rel).name)
        meta["date"] = m.group(1) if m else date_in_name(Path(rel).stem)
    if meta.get("date") is not None:
        meta["date"] = str(meta["date"])
    if not meta.get("kind"):
        meta["kind"] = _DEFAULT_KIND.get(Path(rel).suffix.lower(), "verslag")
    if not meta.get("session") and meta.get("wijk") and meta["kind"] != "enquete":
        meta["session"] = _session_id(meta["wijk"], meta.get("date"))
    if not meta.get("title"):
        meta["title"] = Path(rel).stem
    return meta


def _session_id(wijk: Any, date: Any) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(wijk).lower()).strip("-")
    return f"{slug}-{date or 'onbekend'}"


def dated_by_opening(meta: dict[str, Any], texts: list[str]) -> None:
    """Date a source that nothing else dates by its opening lines (:func:`.file_dates.date_in_opening`).

    ``meta`` is changed in place: ``date``, and the session id made without a date (``<wijk>-onbekend``).
    """
    date = date_in_opening(texts)
    if date is None:
        return
    if meta.get("wijk") and meta.get("session") == _session_id(meta["wijk"], None):
        meta["session"] = _session_id(meta["wijk"], date)
    meta["date"] = date
