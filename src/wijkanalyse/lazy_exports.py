"""Public names of a package imported on first use (PEP 562).

Importing one module of a package then does not import all of them.
A package's ``__init__`` maps each public name to the module that holds it and sets
``__getattr__ = lazy_exports(__name__, WHERE)``; type checkers see the names through ``if TYPE_CHECKING:``
imports beside it. Used where a package's modules are costly to import and often needed alone: the report
kernels import ``wijkanalyse.report.render`` and ``wijkanalyse.coding.codebook`` only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that imports ``package.<where[name]>`` when ``name`` is first used.

    Examples
    --------
    >>> getattr_ = lazy_exports("wijkanalyse.report", {"slug": "text"})
    >>> getattr_("slug")("Oud-Zuid")
    'oud-zuid'
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
