"""Numba's compiled functions kept on disk, so that a second process does not compile UMAP again.

UMAP (and pynndescent under it) are written in numba: every function is compiled on its first call, which
takes tens of seconds on a laptop and used to dominate a discovery run on a small corpus. pynndescent marks
its functions ``cache=True``; UMAP does not, so each new process compiled UMAP again.

:func:`import_umap` is the one way the package imports UMAP (and BERTopic, which imports UMAP): it first
points ``NUMBA_CACHE_DIR`` at :func:`numba_cache_dir` (unless the user set it), which must happen before
numba is imported, then turns on numba's on-disk cache for every compiled function of UMAP's modules
(``Dispatcher.enable_caching``, the same as ``cache=True`` on the decorator). The cache is keyed by numba's
own checks (source file, its modification time, the CPU and the argument types), so an upgrade of UMAP or
numba recompiles once by itself. A function numba cannot cache is compiled as before (numba warns; the
warning is silenced here).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Any

__all__ = ["numba_cache_dir", "prepare_numba_cache", "import_umap"]

#: UMAP's modules with numba functions compiled on a discovery run.
_UMAP_MODULES = ("umap.umap_", "umap.layouts", "umap.distances", "umap.utils", "umap.spectral", "umap.sparse")


def numba_cache_dir() -> Path:
    """Return the folder for numba's cache: ``<user cache folder>/wijkanalyse/numba``.

    The user cache folder comes from ``platformdirs`` when it is installed (``~/.cache`` on Linux,
    ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows), else ``~/.cache``.
    ``NUMBA_CACHE_DIR``, when set, wins.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs comes with jupyter and pip
        return Path.home() / ".cache" / "wijkanalyse" / "numba"
    return Path(user_cache_dir("wijkanalyse", appauthor=False)) / "numba"


def prepare_numba_cache() -> Path | None:
    """Point numba's cache at :func:`numba_cache_dir` (made if missing); call before numba is imported.

    Returns
    -------
    pathlib.Path or None
        The cache folder, or None when it cannot be made (numba then caches next to the libraries, as by
        default).
    """
    folder = numba_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    os.environ.setdefault("NUMBA_CACHE_DIR", str(folder))
    numba = sys.modules.get("numba")
    if numba is not None:  # imported already (by another library): its config read the variable before
        numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
    return folder


def _enable_caching(module: Any) -> None:
    """Turn on the on-disk cache of every numba function of a module that has not compiled yet."""
    from numba.core.dispatcher import Dispatcher

    for value in vars(module).values():
        cache = getattr(value, "_cache", None) if isinstance(value, Dispatcher) else None
        cached = cache is None or cache.__class__.__name__ != "NullCache"
        if not cached and not value.signatures:
            value.enable_caching()


def import_umap() -> Any:
    """Import UMAP with numba's on-disk cache in place, and return the ``UMAP`` class.

    Import BERTopic only after this: it imports UMAP itself.
    """
    prepare_numba_cache()
    import importlib

    from umap import UMAP

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in _UMAP_MODULES:
            try:
                _enable_caching(importlib.import_module(name))
            except (ImportError, AttributeError):  # pragma: no cover - another UMAP version
                continue
    warnings.filterwarnings("ignore", message=".*[Cc]annot cache compiled function.*")
    return UMAP
