"""Fingerprints: hashes of everything a report is built from, so an unchanged report is reused, not rebuilt.

A report's fingerprint covers the wijk's segments (ids, text hashes, metadata) and the codings of those
segments (:func:`inputs_digest`), the codebook version, the settings, the report language, the agreement table
(:func:`agreement_digest`), the source of the notebooks and of the package (:func:`code_digest`), and — since
every report shows them — the discovery run and its themes (:func:`discovery_digest`) and the city baseline
the wijk is compared with (:func:`baseline_digest`: every segment and every coding). So every report of a run
shows the same discovery run and the same city: when either changed, no report built before is reused.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from wijkanalyse import analysis
from wijkanalyse.config import PACKAGE_DATA, Settings
from wijkanalyse.store import Store

__all__ = [
    "digest",
    "inputs_digest",
    "baseline_digest",
    "discovery_digest",
    "code_digest",
    "agreement_digest",
]

_CODE_SUFFIXES = (".py", ".yml", ".yaml", ".j2", ".json", ".txt")


def digest(*parts: Any) -> str:
    """Return the sha256 (hex) of the parts: bytes as they are, anything else as sorted JSON.

    Examples
    --------
    >>> digest("a", [1, 2]) == digest("a", [1, 2]) != digest("a", [2, 1])
    True
    """
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x1e")
    return h.hexdigest()


def inputs_digest(store: Store, wijk: str | None) -> str:
    """Hash of the segments and the codings of one wijk (None: the whole corpus)."""
    return digest(store.segments_for_fingerprint(wijk), store.codings_for_fingerprint(wijk))


def baseline_digest(store: Store) -> str:
    """Hash of what a wijk is compared with: every segment, every coding, and the wijken with segments."""
    return digest(inputs_digest(store, None), store.segment_wijken())


def discovery_digest(store: Store, run_id: str | None) -> str:
    """Hash of one discovery run: its id, its themes and their segments (what the reports show of it).

    Parameters
    ----------
    store : Store
    run_id : str or None
        The discovery run the reports show (None: discovery never ran). A new run counts as a change even when
        it found the same themes: the reports name the run they show.
    """
    if run_id is None:
        return digest(None)
    links, themes = analysis.load_discovered(store, run_id)
    cols = [c for c in ("theme_id", "label", "top_words", "size", "closest_code", "covered") if c in themes]
    return digest(
        run_id,
        links[["segment_id", "theme_id"]].sort_values("segment_id").to_csv(index=False),
        themes[cols].sort_values("theme_id").to_csv(index=False),
    )


@lru_cache(maxsize=8)
def code_digest(notebooks: tuple[str, ...]) -> str:
    """Digest of the package's code and data and of the report notebooks.

    Every source file of the package counts (not a hand-kept list): a change anywhere in the library may
    change a report, and reusing a report built by other code would be wrong. Compiled files are ignored.

    Parameters
    ----------
    notebooks : tuple of str
        Paths of the report notebooks, in a fixed order.
    """
    root = PACKAGE_DATA.parent
    files = sorted(
        f
        for f in root.rglob("*")
        if f.suffix in _CODE_SUFFIXES and "__pycache__" not in f.parts and f.is_file()
    )
    parts: list[Any] = [f.relative_to(root).as_posix() for f in files]
    files += [Path(nb) for nb in notebooks]
    return digest(*parts, *[f.read_bytes() for f in files])


def agreement_digest(store: Store, settings: Settings) -> str:
    """Hash of the agreement table the reports show (project-wide, so it is in every fingerprint)."""
    table = analysis.agreement_summary(store, settings.machine_agreement_threshold)
    return digest(table.to_csv(index=False))
