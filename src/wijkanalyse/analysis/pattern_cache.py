"""The suppression pattern kept on disk, so that the reports of one run compute it once, not once each.

Every report of a run hides the same figures (:mod:`~wijkanalyse.analysis.protection`), and working them out
(the differencing attack to a fixpoint) is most of a report's own work: about 6 s of a 14 s demo report, each
report in its own notebook kernel. The pattern is a pure function of the cell model (every figure, who
stands behind it, the relations and groups, the threshold) and of the protection code, so it is kept under a
key that is the SHA-256 of exactly those: the cell model serialised in a fixed order, and the source of the
modules that compute the pattern from it. A changed figure, threshold or algorithm gives another key;
nothing is ever reused for other data. The files live next to the store
(``<store>/suppression-cache/<key>.json``), written atomically; only the newest :data:`KEEP` are kept. A
file that cannot be read is ignored and recomputed.
A pattern with unresolved findings is not kept (the audit must see them every time).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from wijkanalyse.analysis import attack, disclosure
from wijkanalyse.analysis.cells import CellKey, CellModel
from wijkanalyse.table_files import write_atomic

__all__ = ["CACHE_FOLDER", "KEEP", "model_key", "read_hidden", "write_hidden"]

#: The folder inside the store folder.
CACHE_FOLDER = "suppression-cache"
#: How many patterns are kept (the newest by modification time).
KEEP = 8


def _cells(keys: Any) -> list[list[str]]:
    return [list(k) for k in keys]


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Return a hash of the source of the modules that turn a cell model into a pattern."""
    from wijkanalyse.analysis import protection  # protection imports this module

    h = hashlib.sha256()
    for module in (protection, attack, disclosure):
        h.update(Path(str(module.__file__)).read_bytes())
    return h.hexdigest()


def model_key(model: CellModel) -> str:
    """Return the key of a cell model's pattern: SHA-256 of the model in a fixed order and the code version.

    The relations and groups keep their order (the greedy scheme visits them in it); the mappings and the set
    of published cells are sorted.
    """
    canonical = {
        "values": sorted([list(k), int(v)] for k, v in model.values.items()),
        "contributors": sorted([list(k), int(v)] for k, v in model.contributors.items()),
        "published": sorted(_cells(model.published)),
        "relations": [[list(r.total), _cells(r.parts), r.kind] for r in model.relations],
        "groups": [[_cells(t), _cells(m)] for t, m in model.groups],
        "min_count": model.min_count,
        "with_kinds": model.with_kinds,
        "code": _code_version(),
    }
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def read_hidden(store_dir: Path | None, key: str) -> dict[CellKey, str] | None:
    """Return the kept pattern (cell -> ``primary`` / ``complementary``) of ``key``, or None."""
    if store_dir is None:
        return None
    path = Path(store_dir) / CACHE_FOLDER / f"{key}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {tuple(str(part) for part in cell): str(reason) for cell, reason in rows}
    except (OSError, ValueError, TypeError):
        return None


def write_hidden(store_dir: Path | None, key: str, hidden: dict[CellKey, str]) -> None:
    """Keep a pattern under ``key`` (atomically); drop all but the newest :data:`KEEP`. Never raises."""
    if store_dir is None or not Path(store_dir).is_dir():
        return
    folder = Path(store_dir) / CACHE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        write_atomic(folder / f"{key}.json", json.dumps([[list(c), r] for c, r in hidden.items()]))
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only store folder: the pattern is simply computed again next time
        return
