"""Command-line verbs of stage 6 (review, memo, agreement) and stage 9 (export, import).

They are typer sub-apps that :mod:`wijkanalyse.cli.main` mounts, so ``wijkanalyse --help`` lists them with the
other verbs. Libraries are imported inside the commands, so ``wijkanalyse --help`` stays fast.

Examples
--------
::

    wijkanalyse review export --coder anna --sample 20            # a round to teach the machine (mix)
    wijkanalyse review import outputs/demo/review/codeerblad_anna_steekproef20_mix.xlsx --coder anna
    wijkanalyse review export --coder anna --sample 40 --strategy check   # a blind check of the machine
    wijkanalyse review export --coder piet --sample 40 --strategy check   # piet gets anna's check segments
    wijkanalyse review export --coder piet --sample 40 --strategy random  # the old plain random sample
    wijkanalyse memo add segment 12dfd9d050c9e6d7 "Mooi citaat" --author anna
    wijkanalyse memo edit 3 --text "Mooi citaat over de wijkkrant"   # the old text stays in the history
    wijkanalyse memo delete 3
    wijkanalyse agreement --coders anna,piet
    wijkanalyse agreement --machine --json
    wijkanalyse export qdpx                                       # outputs/<corpus>/exchange/<corpus>.qdpx
    wijkanalyse export qdc --out codeboek.qdc
    wijkanalyse import qdpx project_uit_qualcoder.qdpx --code-map "Bereikbaarheid=communicatie"
    wijkanalyse import qdc codeboek_atlas.qdc --out corpora/demo/codeboek.yml
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from wijkanalyse.cli.agreement import agreement_command  # mounted by cli.main as `agreement`
from wijkanalyse.cli.common import USER_ERRORS, CorpusOpt, OutputsOpt, SettingsOpt, fail, load_cli_settings
from wijkanalyse.config import DEMO_CORPUS, Settings
from wijkanalyse.exceptions import SettingsError, WijkanalyseError

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.coding.codebook import Codebook
    from wijkanalyse.store import Store

__all__ = ["review_app", "memo_app", "export_app", "import_app", "agreement_command"]

OutOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional
    typer.Option("--out", "-o", help="File to write (default under <outputs>/<corpus id>/)."),
]  # noqa: UP045

review_app = typer.Typer(
    help="Code by hand in a spreadsheet: export a coding sheet, import it back.", no_args_is_help=True
)
memo_app = typer.Typer(help="Memos on codes, segments, documents or the project.", no_args_is_help=True)
export_app = typer.Typer(help="Export: REFI-QDA project (.qdpx) or codebook (.qdc), or a coded table.",
                         no_args_is_help=True)  # fmt: skip
import_app = typer.Typer(help="Import a REFI-QDA project (.qdpx) coded elsewhere, or a codebook (.qdc).",
                         no_args_is_help=True)  # fmt: skip


_fail = fail


@contextmanager
def _opened(
    corpus: Path, settings: Path | None, outputs: Path | None, *, codes: bool = False, write: bool = False
) -> Iterator[tuple[Settings, Store]]:
    """Open settings and store for the block; ``write`` claims the store and holds the writer lock.

    With ``codes`` (a verb that writes codings), the settings' codebook is first added to the store's codes.
    """
    from wijkanalyse.store import Store
    from wijkanalyse.update import store_for_writing

    cfg = load_cli_settings(corpus, settings, outputs)
    with store_for_writing(cfg, create=False) if write else Store(cfg.store_path, create=False) as store:
        if codes:
            from wijkanalyse.coding.codebook import settings_codebook
            from wijkanalyse.review.decisions import ensure_codes

            ensure_codes(store, settings_codebook(cfg))
        yield cfg, store


def _out_dir(cfg: Settings, sub: str) -> Path:
    return cfg.store_path.parent / sub


def _pairs(values: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values or []:
        if "=" not in v:
            raise typer.BadParameter(f"{what} must look like 'name in the file=id here'. Got {v!r}.")
        k, _, val = v.partition("=")
        out[k.strip()] = val.strip()
    return out


# -- review ------------------------------------------------------------------------------------------------
def _choose_round(
    cfg: Settings, store: Store, strategy: str, n: int, *, coder: str, seed: int,
    wijk: str | None, code: str | None, blind: bool,
) -> list[str]:  # fmt: skip
    """Choose one round of segments with a sampling strategy and say what was chosen (and marked)."""
    from wijkanalyse.review.decisions import ReviewError
    from wijkanalyse.review.sampling import choose_segments

    before = store.check_segment_ids()
    ids = choose_segments(
        store, strategy, n, coder=coder, seed=seed, settings=cfg, wijk=wijk, code=code, blind=blind,
        report=typer.echo,
    )  # fmt: skip
    if not ids:
        raise ReviewError(
            "No segments left to choose: every segment to code is coded by a person or in the check sample."
        )
    if strategy == "check":
        new = [s for s in ids if s not in before]
        typer.echo(
            f"Check sample: {len(new)} segments newly drawn (stratified per wijk and kind of source), "
            f"{len(ids) - len(new)} drawn earlier that {coder} has not coded; "
            f"{len(store.check_segment_ids())} in the check sample in all. They are never used to train the "
            "machine."
        )
    elif len(ids) < n:
        typer.echo(f"Only {len(ids)} segments left to choose from.")
    return ids


@review_app.command("export")
def review_export(
    coder: Annotated[
        str, typer.Option("--coder", help="Who will fill in the sheet (your name or initials).")
    ],
    wijk: Annotated[Optional[str], typer.Option(help="Only segments of this wijk.")] = None,  # noqa: UP045
    code: Annotated[Optional[str], typer.Option(help="Only segments with this code.")] = None,  # noqa: UP045
    sample: Annotated[Optional[int], typer.Option(help="Choose this many segments (one round).")] = None,  # noqa: UP045
    strategy: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="How --sample chooses: mix (default: uncertain and spread out, to teach the machine), "
            "uncertain, diverse, random, or check (a stratified random check of the machine, held out "
            "from training, blind)."
        ),
    ] = None,
    seed: Annotated[Optional[int], typer.Option(help="Seed of the sample (default: settings).")] = None,  # noqa: UP045
    blind: Annotated[
        Optional[bool],  # noqa: UP045
        typer.Option("--blind/--no-blind", help="Leave out the machine's proposals (default: for check)."),
    ] = None,
    code_columns: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--code-columns",
            min=1,
            help="Theme columns per row (default: the most themes a coder gave one segment, at least 3).",
        ),
    ] = None,
    out: OutOpt = None,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Write a coding sheet (.xlsx): per segment its context, the machine's proposals and code columns."""
    from wijkanalyse.review.context import question_texts
    from wijkanalyse.review.sheet import export_coding_sheet

    if strategy is not None and sample is None:
        _fail(typer.BadParameter("--strategy chooses a round of segments: give its size with --sample N."))
    chosen_by = (strategy or "mix") if sample is not None else None
    is_blind = (chosen_by == "check") if blind is None else blind
    try:
        with _opened(corpus, settings, outputs, codes=True, write=True) as (cfg, store):
            if cfg.codebook_path is None:
                raise SettingsError(
                    "A coding sheet holds the codebook's codes, and the corpus's settings name no codebook. "
                    "Draft one from its own themes (wijkanalyse codebook draft --out codeboek.yml), edit it, "
                    "and set 'codebook: codeboek.yml' in its wijkanalyse.yml."
                )
            picked = None
            if chosen_by is not None and sample is not None:
                picked = _choose_round(
                    cfg, store, chosen_by, sample, coder=coder, seed=cfg.seed if seed is None else seed,
                    wijk=wijk, code=code, blind=is_blind,
                )  # fmt: skip
            what = "controle" if chosen_by == "check" else "steekproef"
            suffix = f"_{chosen_by}" if chosen_by not in (None, "check") else ""
            name = "_".join(
                [
                    "codeerblad",
                    coder,
                    *([wijk] if wijk else []),
                    *([code] if code else []),
                    *([f"{what}{sample}{suffix}"] if sample else []),
                ]  # fmt: skip
            )
            path = out or _out_dir(cfg, "review") / f"{name}.xlsx"
            written = export_coding_sheet(
                store, path, coder=coder, wijk=wijk, code=code, sample=sample,
                seed=cfg.seed if seed is None else seed, blind=is_blind, n_code_columns=code_columns,
                questions=question_texts(cfg), segment_ids=picked, strategy=chosen_by,
            )  # fmt: skip
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(f"Wrote {written}")
    typer.echo(f"Fill in the code columns, then: wijkanalyse review import {written} --coder {coder}")


@review_app.command("import")
def review_import(
    sheet: Annotated[Path, typer.Argument(help="The filled-in coding sheet (.xlsx).")],
    coder: Annotated[str, typer.Option("--coder", help="Whose codings these are.")],
    partial: Annotated[
        bool, typer.Option("--partial", help="Import the valid rows even if other rows have problems.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check only and list what would change per row; write nothing.")
    ] = False,
    allow_shift: Annotated[
        bool,
        typer.Option(
            "--allow-shift", help="Import even if the codes look moved to a neighbouring row (checked first)."
        ),
    ] = False,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Read a coding sheet back: every problem is listed per row; nothing is written if any row is wrong.

    Codes that look moved to a neighbouring row refuse the sheet too (rows named), unless --allow-shift.
    """
    from wijkanalyse.review.sheet import import_coding_sheet

    try:
        with _opened(corpus, settings, outputs, codes=True, write=True) as (_cfg, store):
            result = import_coding_sheet(
                store, sheet, coder, partial=partial, dry_run=dry_run, allow_shift=allow_shift
            )
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(result.describe())


# -- memos -------------------------------------------------------------------------------------------------
@memo_app.command("add")
def memo_add(
    target_kind: Annotated[str, typer.Argument(help="code, segment, document or project.")],
    target_id: Annotated[
        str, typer.Argument(help="Code id, segment id, document id or path; '-' for project.")
    ],
    text: Annotated[str, typer.Argument(help="The memo.")],
    author: Annotated[str, typer.Option("--author", help="Who writes it.")],
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Write a memo on a code, a segment, a document or the project."""
    from wijkanalyse.review.decisions import add_memo

    try:
        with _opened(corpus, settings, outputs, codes=True, write=True) as (_cfg, store):
            memo_id = add_memo(store, target_kind, "" if target_id == "-" else target_id, author, text)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(
        f"Memo {memo_id} saved on the {target_kind}"
        + ("" if target_kind == "project" else f" {target_id}")
        + "."
    )


@memo_app.command("list")
def memo_list(
    on: Annotated[Optional[str], typer.Option("--on", help="Only memos on code/segment/...")] = None,  # noqa: UP045
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """List the memos; a memo on a document or segment shows the document's path."""
    from wijkanalyse.review.decisions import memo_list as list_memos

    try:
        with _opened(corpus, settings, outputs) as (_cfg, store):
            memos = list_memos(store, on)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    if memos.empty:
        typer.echo("No memos yet.")
        return
    shown = memos.assign(  # a document by its path, not its id; a segment by its id and its document's path
        target_id=[
            p if k == "document" and isinstance(p, str) else t
            for k, t, p in zip(memos["target_kind"], memos["target_id"], memos["path"], strict=True)
        ],
        path=memos["path"].fillna(""),
        edited=memos["updated_at"].fillna(""),
    )
    typer.echo(
        shown[["memo_id", "target_kind", "target_id", "path", "author", "created_at", "edited", "text"]]
        .rename(columns={"target_id": "target"})
        .to_string(index=False)
    )


@memo_app.command("edit")
def memo_edit(
    memo_id: Annotated[int, typer.Argument(help="The memo's id (see 'memo list').")],
    text: Annotated[str, typer.Option("--text", help="The new text of the memo.")],
    author: Annotated[str, typer.Option("--author", help="Who edits it (default: the memo's author).")] = "",
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Change a memo's text; the old text is kept in the memo history."""
    from wijkanalyse.review.decisions import edit_memo

    try:
        with _opened(corpus, settings, outputs, write=True) as (_cfg, store):
            row = store.memo_row(memo_id)
            edit_memo(store, memo_id, text, author or (row["author"] if row else ""))
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(f"Memo {memo_id} changed (the old text is kept in the memo history).")


@memo_app.command("delete")
def memo_delete(
    memo_id: Annotated[int, typer.Argument(help="The memo's id (see 'memo list').")],
    author: Annotated[
        str, typer.Option("--author", help="Who deletes it (default: the memo's author).")
    ] = "",
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Delete a memo; it is kept in the memo history."""
    from wijkanalyse.review.decisions import delete_memo

    try:
        with _opened(corpus, settings, outputs, write=True) as (_cfg, store):
            row = store.memo_row(memo_id)
            delete_memo(store, memo_id, author or (row["author"] if row else ""))
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(f"Memo {memo_id} deleted (kept in the memo history).")


# -- export ------------------------------------------------------------------------------------------------
def _codebook(cfg: Settings) -> Codebook:
    from wijkanalyse.coding.codebook import settings_codebook

    return settings_codebook(cfg)


@export_app.command("qdpx")
def export_qdpx_cmd(
    out: OutOpt = None,
    no_machine: Annotated[
        bool, typer.Option("--no-machine", help="Leave out the machine's codings.")
    ] = False,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Write the coded project as REFI-QDA .qdpx (opens in ATLAS.ti, NVivo, MAXQDA, QualCoder)."""
    from wijkanalyse.exchange.qdpx import export_qdpx

    try:
        with _opened(corpus, settings, outputs) as (cfg, store):
            path = out or _out_dir(cfg, "exchange") / f"{cfg.corpus_name}.qdpx"
            result = export_qdpx(
                store,
                path,
                codebook=_codebook(cfg),
                include_machine=not no_machine,
                project_name=cfg.corpus_name,
            )
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(result.describe())


@export_app.command("qdc")
def export_qdc_cmd(
    out: OutOpt = None,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Write the codebook in use as REFI-QDA .qdc."""
    from wijkanalyse.coding.codebook import settings_codebook
    from wijkanalyse.exchange.qdc import export_qdc

    try:
        cfg = load_cli_settings(corpus, settings, outputs)
        cb = settings_codebook(cfg)
        if not cb.codes and not cb.soort:
            raise SettingsError(
                "The corpus's settings name no codebook, so there is none to export. Draft one with "
                "`wijkanalyse codebook draft` and set 'codebook: <file>' in its wijkanalyse.yml."
            )
        path = export_qdc(cb, out or _out_dir(cfg, "exchange") / f"{cb.name}.qdc")
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(f"Wrote {path} ({len(cb.codes)} themes, {len(cb.soort)} kinds of input).")


def _table(
    fmt: str,
    out: Path | None,
    kind: str | None,
    rejected: bool,
    corpus: Path,
    settings: Path | None,
    outputs: Path | None,
) -> None:
    from wijkanalyse.review.coded_table import export_codings_table

    if kind not in (None, "human", "machine"):
        _fail(WijkanalyseError(f"--kind must be 'human' or 'machine'. Got {kind!r}."))
    try:
        with _opened(corpus, settings, outputs) as (cfg, store):
            path = out or _out_dir(cfg, "exchange") / f"codings.{fmt}"
            written = export_codings_table(store, path, kind=kind, include_rejected=rejected)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(f"Wrote {written}")


KindOpt = Annotated[Optional[str], typer.Option("--kind", help="Only 'human' or 'machine' codings.")]  # noqa: UP045
RejectedOpt = Annotated[bool, typer.Option("--rejected", help="Also codes judged not to apply.")]


@export_app.command("csv")
def export_csv_cmd(
    out: OutOpt = None,
    kind: KindOpt = None,
    rejected: RejectedOpt = False,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Write every coding with its segment as CSV (UTF-8; formula-like cells defused)."""
    _table("csv", out, kind, rejected, corpus, settings, outputs)


@export_app.command("xlsx")
def export_xlsx_cmd(
    out: OutOpt = None,
    kind: KindOpt = None,
    rejected: RejectedOpt = False,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Write every coding with its segment as an Excel workbook."""
    _table("xlsx", out, kind, rejected, corpus, settings, outputs)


# -- import ------------------------------------------------------------------------------------------------
@import_app.command("qdpx")
def import_qdpx_cmd(
    file: Annotated[Path, typer.Argument(help="The .qdpx project.")],
    code_map: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--code-map", help="'Code name in the file=code id here' (repeat for more)."),
    ] = None,
    user_map: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--user-map", help="'User name in the file=coder id here' (repeat for more)."),
    ] = None,
    add_codes: Annotated[
        bool, typer.Option("--add-codes", help="Add unknown codes instead of skipping.")
    ] = False,
    min_overlap: Annotated[
        float, typer.Option(help="For a selection across segments: share of a segment its piece must cover.")
    ] = 0.5,
    with_machine: Annotated[
        bool, typer.Option("--with-machine", help="Also import the machine's codings (user 'machine').")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Import people's codings (spans exactly) and memos (with their dates) from a REFI-QDA project.

    E.g. one coded in QualCoder, ATLAS.ti or MAXQDA, or a wijkanalyse export. The machine's codings in the
    file are left out unless --with-machine.
    """
    from wijkanalyse.exchange.qdpx_import import import_qdpx

    try:
        codes = _pairs(code_map, "--code-map")
        users = _pairs(user_map, "--user-map")
        with _opened(corpus, settings, outputs, codes=True, write=True) as (_cfg, store):
            result = import_qdpx(
                store, file, code_map=codes, user_map=users, add_codes=add_codes, min_overlap=min_overlap,
                include_machine=with_machine, dry_run=dry_run,
            )  # fmt: skip
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(result.describe())


@import_app.command("qdc")
def import_qdc_cmd(
    file: Annotated[Path, typer.Argument(help="The .qdc codebook.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The codebook YAML to write.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    name: Annotated[Optional[str], typer.Option(help="Codebook name (default: from the file).")] = None,  # noqa: UP045
) -> None:
    """Turn a REFI-QDA codebook (.qdc) into a wijkanalyse codebook YAML (validated)."""
    from wijkanalyse.coding.codebook import save_codebook
    from wijkanalyse.exchange.qdc import import_qdc

    if out.exists() and not force:
        _fail(WijkanalyseError(f"{out} exists; choose another --out or add --force to overwrite it."))
    try:
        result = import_qdc(file, name=name)
        save_codebook(result.codebook, out)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    cb = result.codebook
    typer.echo(
        f"Wrote {out}: {len(cb.codes)} themes, {len(cb.soort)} kinds of input (version {cb.version_tag})."
    )
    for w in result.warnings:
        typer.secho(f"  note: {w}", fg="yellow")
    typer.echo(f"To use it, set 'codebook: {out}' in the corpus's wijkanalyse.yml.")
