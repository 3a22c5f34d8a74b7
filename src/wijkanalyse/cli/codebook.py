"""Command-line verbs of the codebook: ``wijkanalyse codebook draft``, ``check`` and ``promote``.

``codebook check`` is also the top-level verb ``codebook-check`` (its older name). Libraries are imported
inside the commands, so ``wijkanalyse --help`` stays fast.

Examples
--------
::

    wijkanalyse codebook draft --corpus corpora/warmte --out codeboek_warmte_concept.yml
    wijkanalyse codebook draft --corpus corpora/warmte --out concept.yml --min-theme-size 4 --force
    wijkanalyse codebook check concept.yml          # the same as: wijkanalyse codebook-check concept.yml
    wijkanalyse codebook promote 7 --id speeltuin --label "Speeltuin en spelen" --corpus corpora/warmte
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wijkanalyse.cli.common import USER_ERRORS, CorpusOpt, OutputsOpt, SettingsOpt, fail, load_cli_settings
from wijkanalyse.config import DEMO_CORPUS

__all__ = ["codebook_app", "check_command", "draft_command", "promote_command"]

codebook_app = typer.Typer(
    help="The codebook: draft one from the corpus's own themes, check one by hand-written rules.",
    no_args_is_help=True,
)

#: Definitions that start with this are drafts (written by ``codebook draft``) still to be rewritten.
DRAFT_MARK = "Concept:"


@codebook_app.command("check")
def check_command(
    path: Annotated[Path, typer.Argument(help="Codebook YAML to validate.")],
) -> None:
    """Validate a codebook YAML and list every problem at once (exit code 2 when there are any)."""
    from wijkanalyse.coding.codebook import load_codebook

    try:
        cb = load_codebook(path)
    except USER_ERRORS as exc:
        fail(exc)
        return
    typer.echo(f"Codebook {cb.name!r} version {cb.version_tag}: {len(cb.codes)} codes, soort {cb.soort_ids}.")
    for c in cb.codes:
        indent = "    " if c.parent else "  "
        label = f"{c.label_nl} / {c.label_en}" if c.label_en else c.label_nl
        typer.echo(f"{indent}{c.id}: {label} ({len(c.examples)} examples)")
    drafts = [c.id for c in cb.codes if c.definition.startswith(DRAFT_MARK)]
    if drafts:
        typer.secho(
            f"Note: {len(drafts)} definition(s) are still drafts ('{DRAFT_MARK} ...'): {', '.join(drafts)}. "
            "Rewrite them before you code with this codebook.",
            fg="yellow",
        )


@codebook_app.command("draft")
def draft_command(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option(
            "--out",
            "-o",
            help="Codebook YAML to write (default: codeboek_concept.yml in the corpus's outputs folder).",
        ),
    ] = None,
    min_theme_size: Annotated[
        Optional[int],  # noqa: UP045 - typer needs Optional
        typer.Option(
            "--min-theme-size",
            min=2,
            help="Run discovery anew with this smallest theme size "
            "(default: use the newest discovery run, or run discovery if there is none).",
        ),
    ] = None,
    soort: Annotated[
        bool,
        typer.Option(
            "--soort", help="Copy the bundled kinds of input (behouden, verbeteren, vraag_of_zorg)."
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    outputs: OutputsOpt = None,
) -> None:
    """Draft an editable codebook from the themes discovered in the corpus (one code per theme).

    Each code gets a short readable name, a draft definition to rewrite, the theme's top words as include
    note and real (pseudonymised) phrases from its segments as examples. Then: edit the file, check it with
    `wijkanalyse codebook-check FILE`, point the corpus at it (`codebook:` in wijkanalyse.yml), code, review.
    """
    from wijkanalyse.coding.codebook_draft import draft_from_store
    from wijkanalyse.update import store_for_writing

    try:
        cfg = load_cli_settings(corpus, settings, outputs)
        with store_for_writing(cfg, create=False) as store:  # discovery may run: it writes to the store
            result = draft_from_store(
                store, cfg, out, force=force, min_theme_size=min_theme_size, soort=soort
            )
    except USER_ERRORS as exc:
        fail(exc)
        return
    typer.echo(result.describe())


@codebook_app.command("promote")
def promote_command(
    theme: Annotated[int, typer.Argument(help="The discovered theme's id (see wijkanalyse discover).")],
    code_id: Annotated[str, typer.Option("--id", help="Id of the new code (e.g. speeltuin).")],
    label: Annotated[str, typer.Option("--label", help="Dutch label of the new code.")],
    label_en: Annotated[str, typer.Option("--label-en", help="English label.")] = "",
    definition: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option("--definition", help="Definition (default: a draft naming the theme's top words)."),
    ] = None,
    parent: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option("--parent", help="Parent code id."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option(
            "--codebook-out",
            help="Codebook YAML to write (default: the corpus's own; required when its settings name none).",
        ),
    ] = None,
    run: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option("--run", help="The discovery run (default: the newest)."),
    ] = None,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Make a discovered theme a code: added to the codebook file and to the store's codes.

    The code gets the theme's top words as include note and its representative (pseudonymised) segments as
    examples; the theme keeps a note of the code it became, carried to later discovery runs with its id. The
    machine codes with it on the next `wijkanalyse run` (or `wijkanalyse code`).
    """
    from wijkanalyse.explore.codebook_dev import promote
    from wijkanalyse.update import store_for_writing

    try:
        cfg = load_cli_settings(corpus, settings, outputs)
        target = out if out is not None else cfg.codebook_path
        with store_for_writing(cfg, create=False) as store:
            cb = promote(
                store, cfg, theme, code_id=code_id, label_nl=label, definition=definition,
                label_en=label_en, parent=parent, run_id=run, path=out,
            )  # fmt: skip
    except USER_ERRORS as exc:
        fail(exc)
        return
    code = cb.code(code_id)
    typer.echo(
        f"Theme {theme} is now code {code_id!r} ({code.label_nl}) in {target}: "
        f"{len(code.examples)} examples, {len(cb.codes)} codes in all."
    )
    if out is not None and cfg.codebook is None:
        typer.echo(f"Set 'codebook: {target}' in the corpus's wijkanalyse.yml to code with it.")
    if definition is None:
        typer.secho("Write a real definition for it before you code with it.", fg="yellow")
