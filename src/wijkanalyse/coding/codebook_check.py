"""Validation of a codebook as a person wrote it: every problem at once, each saying what, which rule, what.

:func:`codebook_problems` checks a codebook given as plain data (a dict as read from YAML) and returns every
problem found (unknown keys with a suggestion for a typo, duplicate ids, missing parents, cycles, empty labels
or definitions, bad colours); :func:`wijkanalyse.coding.codebook.parse_codebook` raises them together as one
:class:`~wijkanalyse.exceptions.CodebookError`. :func:`read_codebook_yaml` reads the YAML of a codebook file
within limits (:mod:`wijkanalyse.safe_yaml`): a few hundred bytes of nested aliases once made
``codebook-check`` hang and print a list of 9⁹ elements. Values quoted in a message are shortened
(:func:`short_repr`), so a message never prints a whole document.

This module knows the format's keys and rules but not the :class:`~wijkanalyse.coding.codebook.Codebook`
model, so the model's module can import it without a cycle.
"""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from wijkanalyse.exceptions import CodebookError
from wijkanalyse.safe_yaml import YAMLLimitError, load_yaml_file
from wijkanalyse.vocabulary import NONE_CODE

__all__ = [
    "TOP_KEYS",
    "CODE_KEYS",
    "SOORT_KEYS",
    "MAX_CODEBOOK_BYTES",
    "MAX_CODEBOOK_NODES",
    "codebook_problems",
    "read_codebook_yaml",
    "short_repr",
    "suggest",
]

#: Keys of the top level, of a theme code and of a soort code, in the documented order.
TOP_KEYS = ("name", "version", "language", "description", "codes", "soort")
CODE_KEYS = ("id", "label_nl", "label_en", "definition", "include", "exclude", "examples", "parent", "color")
SOORT_KEYS = tuple(k for k in CODE_KEYS if k != "parent")

#: The largest codebook file read (bytes); the demo's codebook is about 20 kB.
MAX_CODEBOOK_BYTES = 2_000_000
#: The most YAML nodes a codebook may have once its aliases are expanded (the demo's has about 1,000).
MAX_CODEBOOK_NODES = 200_000

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 6
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 2


def short_repr(value: Any) -> str:
    """Return a repr of ``value`` cut to a readable length (lists, mappings and texts are abbreviated).

    Examples
    --------
    >>> short_repr(list(range(100)))
    '[0, 1, 2, 3, 4, 5, ...]'
    """
    return _REPR.repr(value)


def suggest(word: str, options: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest option, or ``""`` when none is close.

    Examples
    --------
    >>> suggest("defintion", ["id", "definition"])
    " Did you mean 'definition'?"
    """
    match = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" Did you mean {match[0]!r}?" if match else ""


def read_codebook_yaml(path: str | Path) -> Any:
    """Read the YAML of a codebook file, within :data:`MAX_CODEBOOK_BYTES` and :data:`MAX_CODEBOOK_NODES`.

    Parameters
    ----------
    path : path

    Returns
    -------
    object
        The parsed YAML (not yet validated).

    Raises
    ------
    CodebookError
        If the file is missing, not UTF-8, not valid YAML, or over a limit (an alias bomb, a huge file); the
        message names the file and the limit and never prints the document.
    """
    p = Path(path)
    if not p.is_file():
        raise CodebookError(str(p), [f"the file does not exist (looked for {p.resolve()})."])
    try:
        return load_yaml_file(p, max_bytes=MAX_CODEBOOK_BYTES, max_nodes=MAX_CODEBOOK_NODES)
    except YAMLLimitError as exc:
        raise CodebookError(str(p), [f"refused, the YAML is over a limit for codebooks: {exc}"]) from exc
    except yaml.YAMLError as exc:
        raise CodebookError(str(p), [f"not valid YAML: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise CodebookError(
            str(p), [f"not UTF-8 text (byte {exc.start}): save the codebook as UTF-8."]
        ) from exc


def _check_keys(entry: Mapping[str, Any], allowed: Sequence[str], where: str, problems: list[str]) -> None:
    for key in entry:
        if key not in allowed:
            problems.append(
                f"{where}: unknown key {short_repr(key)}.{suggest(key, allowed)} "
                f"Valid keys: {', '.join(allowed)}."
            )


def _check_text(entry: Mapping[str, Any], key: str, where: str, problems: list[str], required: bool) -> None:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}: {key!r} must be a non-empty text. Got {short_repr(value)} instead.")
        return
    if not isinstance(value, str):
        problems.append(
            f"{where}: {key!r} must be a text. Got {type(value).__name__} {short_repr(value)} instead."
        )


def _check_text_list(
    entry: Mapping[str, Any], key: str, where: str, problems: list[str], allow_str: bool
) -> None:
    value = entry.get(key)
    if value is None or (allow_str and isinstance(value, str)):
        return
    if not isinstance(value, list):
        kind = "a text or a list of texts" if allow_str else "a list of texts"
        problems.append(
            f"{where}: {key!r} must be {kind}. Got {type(value).__name__} {short_repr(value)} instead."
        )
        return
    for j, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{where}: {key}[{j}] must be a non-empty text. Got {short_repr(item)} instead.")


def _check_id(cid: Any, where: str, problems: list[str]) -> None:
    if not isinstance(cid, str) or not cid:
        problems.append(f"{where}: 'id' is required and must be a text. Got {short_repr(cid)} instead.")
    elif cid == NONE_CODE:
        problems.append(f"{where}: the id {NONE_CODE!r} is reserved for 'none of these'; choose another id.")
    elif not _ID_RE.match(cid):
        problems.append(
            f"{where}: id must be lower case letters, digits and '_', starting with a letter "
            f"(e.g. 'vrijwillige_inzet'). Got {short_repr(cid)} instead."
        )


def _check_code_entries(
    entries: Any, section: str, allowed: Sequence[str], problems: list[str], required: bool
) -> list[dict[str, Any]]:
    if entries is None:
        if required:
            problems.append(f"{section!r} is missing: a codebook needs a list of codes.")
        return []
    if not isinstance(entries, list) or (required and not entries):
        problems.append(f"{section!r} must be a non-empty list of codes. Got {short_repr(entries)} instead.")
        return []
    good = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(
                f"{section}[{i}]: each code must be a mapping of keys to values. "
                f"Got {short_repr(entry)} instead."
            )
            continue
        cid = entry.get("id")
        where = f"{section}[{i}]" + (f" (id {short_repr(cid)})" if isinstance(cid, str) else "")
        _check_keys(entry, allowed, where, problems)
        _check_id(cid, where, problems)
        _check_text(entry, "label_nl", where, problems, required=True)
        _check_text(entry, "definition", where, problems, required=True)
        _check_text(entry, "label_en", where, problems, required=False)
        _check_text_list(entry, "include", where, problems, allow_str=True)
        _check_text_list(entry, "exclude", where, problems, allow_str=True)
        _check_text_list(entry, "examples", where, problems, allow_str=False)
        color = entry.get("color")
        if color is not None and (not isinstance(color, str) or not _COLOR_RE.match(color)):
            problems.append(
                f"{where}: 'color' must be a hex colour like '#4C78A8' or '#48A'. "
                f"Got {short_repr(color)} instead."
            )
        good.append(entry)
    return good


def _check_hierarchy(codes: list[dict[str, Any]], problems: list[str]) -> None:
    ids = {c["id"] for c in codes if isinstance(c.get("id"), str)}
    parent_of: dict[str, str] = {}
    for c in codes:
        cid, parent = c.get("id"), c.get("parent")
        if parent is None:
            continue
        if not isinstance(parent, str) or parent not in ids:
            problems.append(
                f"code {short_repr(cid)}: parent {short_repr(parent)} is not a code in this codebook."
                f"{suggest(str(parent), ids)}"
            )
        elif parent == cid:
            problems.append(f"code {cid!r}: a code cannot be its own parent.")
        elif isinstance(cid, str):
            parent_of[cid] = parent
    reported: set[frozenset[str]] = set()
    for start in parent_of:
        path, node = [start], parent_of.get(start)
        while node is not None and node not in path:
            path.append(node)
            node = parent_of.get(node)
        if node is not None:  # came back to a code on the path: a cycle
            cycle = path[path.index(node) :]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                problems.append(f"parents form a cycle: {' -> '.join([*cycle, node])}.")


def _check_unique_ids(data: Mapping[str, Any], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for section in ("codes", "soort"):
        entries = data.get(section)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            cid = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(cid, str):
                continue
            if cid in seen:
                problems.append(
                    f"duplicate id {short_repr(cid)}: in {seen[cid]} and in {section}[{i}]; "
                    "ids must be unique across codes and soort."
                )
            else:
                seen[cid] = f"{section}[{i}]"


def codebook_problems(data: Any) -> list[str]:
    """Every problem of a codebook given as plain data (a dict as read from YAML); empty when it is valid.

    Parameters
    ----------
    data : object
        The parsed YAML.

    Returns
    -------
    list of str
        One message per problem, each saying where, which rule and what was found.

    Examples
    --------
    >>> codebook_problems({"name": "x", "codes": [{"id": "geen", "label_nl": "Geen", "definition": "-"}]})
    ["codes[0] (id 'geen'): the id 'geen' is reserved for 'none of these'; choose another id."]
    """
    if not isinstance(data, dict):
        return [f"the file must hold a mapping with 'name' and 'codes'. Got {short_repr(data)} instead."]
    problems: list[str] = []
    _check_keys(data, TOP_KEYS, "top level", problems)
    _check_text(data, "name", "top level", problems, required=True)
    if "version" in data and not isinstance(data["version"], str | int | float):
        problems.append(
            f"top level: 'version' must be a text such as '1.0'. Got {short_repr(data['version'])} instead."
        )
    codes = _check_code_entries(data.get("codes"), "codes", CODE_KEYS, problems, required=True)
    _check_code_entries(data.get("soort"), "soort", SOORT_KEYS, problems, required=False)
    _check_unique_ids(data, problems)
    _check_hierarchy(codes, problems)
    return problems
