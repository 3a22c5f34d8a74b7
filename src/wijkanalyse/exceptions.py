"""Exceptions raised by wijkanalyse.

Every error a person can cause (a bad file, a typo in the codebook, an unknown column) is a subclass of
:class:`WijkanalyseError`, so the command line can show it as one clear message instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "WijkanalyseError",
    "InputProblem",
    "IngestError",
    "CodebookError",
    "SettingsError",
    "StoreError",
    "MissingDependencyError",
    "ReportError",
]


class WijkanalyseError(Exception):
    """Base class of every error wijkanalyse raises on purpose."""


@dataclass(frozen=True)
class InputProblem:
    """One problem found in one input file.

    Parameters
    ----------
    path : str
        The file (relative to the corpus root where possible).
    message : str
        What is wrong and what was expected.
    location : str, optional
        Row, column, cue or line, where known (e.g. ``"row 14, column 'postcode'"``).
    """

    path: str
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.path}{where}: {self.message}"


class IngestError(WijkanalyseError):
    """A source file could not be read; carries one or more :class:`InputProblem`."""

    def __init__(self, problems: InputProblem | list[InputProblem]):
        self.problems = [problems] if isinstance(problems, InputProblem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CodebookError(WijkanalyseError):
    """A codebook is invalid; the message lists every problem at once."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"Codebook {source} has {len(self.problems)} problem(s):\n{lines}")


class SettingsError(WijkanalyseError):
    """A settings file, manifest or option is invalid."""


class StoreError(WijkanalyseError):
    """The project store is missing, locked or inconsistent."""


class ReportError(WijkanalyseError):
    """A report could not be produced."""


class MissingDependencyError(WijkanalyseError, ImportError):
    """An optional dependency is missing; the message says how to install it."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = ""):
        hint = f"pip install 'wijkanalyse[{extra}]'" if extra else f"pip install {package}"
        why = f" (needed for {purpose})" if purpose else ""
        super().__init__(f"The package '{package}' is not installed{why}. Install it with: {hint}")
