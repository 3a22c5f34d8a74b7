"""Command-line verbs of the machine coding history: ``wijkanalyse code-runs`` and ``code-runs restore``.

Every ``wijkanalyse code`` run keeps its codings (see :mod:`wijkanalyse.coding.history`); these verbs list
the runs and put an earlier run's machine codes back, for instance when learning from new human codings
changed more than it should have. Human codings are never touched.

Examples
--------
::

    wijkanalyse code-runs --corpus corpora/demo            # the runs, oldest first
    wijkanalyse code-runs restore 20261201T104512-ab12 --corpus corpora/demo
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from wijkanalyse.cli.common import USER_ERRORS, CorpusOpt, OutputsOpt, SettingsOpt, fail, load_cli_settings
from wijkanalyse.config import DEMO_CORPUS

__all__ = ["code_runs_app", "list_command", "restore_command"]

code_runs_app = typer.Typer(
    help="The machine coding runs of a corpus: list them, restore an earlier run's machine codes.",
    invoke_without_command=True,
)


def _describe_run(row: dict) -> str:
    prov = json.loads(row.get("provenance_json") or "null") or {}
    how = ""
    if prov.get("model"):
        how = f"; learned: {prov['model']}, threshold {prov.get('threshold')}"
    restored = f" of {row['restored_from']}" if row.get("restored_from") else ""
    coded = (
        "" if row.get("coded") is None else f"{int(row['coded'])} of {int(row['segments'])} segments coded"
    )
    geen = "" if row.get("geen") is None else f", geen {int(row['geen'])}"
    return (
        f"{row['run_id']}  {row['created_at']}  {row['mode']}{restored}  {coded}{geen}  "
        f"model {row['model']}{how}"
    )


@code_runs_app.callback()
def list_command(
    ctx: typer.Context,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """List the machine coding runs of the store, oldest first (with a subcommand: run that instead)."""
    if ctx.invoked_subcommand is not None:
        return
    from wijkanalyse.store import Store

    try:
        cfg = load_cli_settings(corpus, settings, outputs)
        with Store(cfg.store_path, create=False) as store:
            runs = store.machine_runs()
    except USER_ERRORS as exc:
        fail(exc)
        return
    if not len(runs):
        typer.echo("No machine coding runs yet: run `wijkanalyse code` first.")
        return
    for row in runs.to_dict("records"):
        typer.echo(_describe_run(row))
    typer.echo(f"To bring one back: wijkanalyse code-runs restore RUN_ID --corpus {corpus}")


@code_runs_app.command("restore")
def restore_command(
    run_id: Annotated[str, typer.Argument(help="The machine coding run whose codes to bring back.")],
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Put the machine's codes back as they were right after RUN_ID (human codings are not touched)."""
    from wijkanalyse.coding.history import restore_run
    from wijkanalyse.update import store_for_writing

    try:
        cfg = load_cli_settings(corpus, settings, outputs)
        with store_for_writing(cfg, create=False) as store:
            done = restore_run(store, run_id)
    except USER_ERRORS as exc:
        fail(exc)
        return
    typer.echo(
        f"Restored the machine codes of run {done['restored']}: {done['written']} codings written, "
        f"{done['removed']} replaced (kept in the history). This is run {done['run_id']}."
    )
