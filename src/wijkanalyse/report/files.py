"""Files a report run writes: atomically (never half a file), and the report tables as CSV."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["write_atomic", "save_tables"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write a file atomically: to a temporary file in the same folder, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; published files should read like any other
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_tables(tables: dict[str, pd.DataFrame], folder: str | Path | None) -> list[Path]:
    """Write report tables as CSV (UTF-8, Unix line ends, no index), each atomically; nothing if no folder.

    The same tables give the same bytes: nothing in them depends on the time or the run.
    """
    if folder is None:
        return []
    out = []
    for name, df in tables.items():
        out.append(write_atomic(Path(folder) / f"{name}.csv", df.to_csv(index=False, lineterminator="\n")))
    return out
