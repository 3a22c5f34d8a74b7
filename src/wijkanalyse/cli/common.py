"""What the verbs of the command line share: the corpus, settings and outputs options, and clear errors.

Where things go: every verb that reads or writes a corpus's store takes ``--outputs DIR``, the folder that
holds ``<corpus id>/store`` and ``<corpus id>/runs``. Without it the settings' ``outputs_dir`` applies, else
``outputs/`` in the workspace, the folder the command is run from (see :mod:`wijkanalyse.config`, "Where
things go"): never the installed package.

Errors a person can cause are shown as one line ``Error: ...`` with exit code 2, never as a traceback:
every :class:`~wijkanalyse.exceptions.WijkanalyseError`, and an :class:`OSError` such as a folder one may
not write to (:data:`USER_ERRORS`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wijkanalyse.config import Settings, load_settings, workspace_root
from wijkanalyse.exceptions import WijkanalyseError

__all__ = [
    "CorpusOpt",
    "SettingsOpt",
    "OutputsOpt",
    "USER_ERRORS",
    "fail",
    "load_cli_settings",
    "default_outputs",
]

CorpusOpt = Annotated[
    Path, typer.Option("--corpus", "-c", help="Corpus folder (raw sources, read-only).", show_default=True)
]
SettingsOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional
    typer.Option("--settings", "-s", help="Settings YAML (default: wijkanalyse.yml in the corpus folder)."),
]
OutputsOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional
    typer.Option(
        "--outputs",
        help="Folder for the store, runs and exports (default: the settings' outputs_dir, else outputs/ in "
        "the folder you work in).",
    ),
]

#: The errors shown as one clear message instead of a traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (WijkanalyseError, OSError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, WijkanalyseError) and exc.filename:
        return (
            f"{exc.strerror or exc}: {exc.filename}. Check that you may read and write there, or choose "
            "another folder: --outputs, or outputs_dir, store_dir or private_dir in the settings."
        )
    return str(exc)


def fail(exc: BaseException) -> None:
    """Print ``Error: <message>`` to stderr and exit with code 2."""
    typer.secho(f"Error: {_describe(exc)}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


def load_cli_settings(
    corpus: Path, settings: Path | None, outputs: Path | None = None, **overrides: object
) -> Settings:
    """Read a corpus's settings with the command line's values on top (``--outputs`` is ``outputs_dir``)."""
    return load_settings(corpus, settings, outputs_dir=outputs, **overrides)


def default_outputs(outputs: Path | None) -> Path:
    """Return the folder for files not tied to a corpus (``code-file``, ``discover-file``).

    ``--outputs`` when given, else ``outputs/`` in the workspace (the folder the command is run from).
    """
    return outputs if outputs is not None else workspace_root() / "outputs"
