"""The one command-line program, ``wijkanalyse``: one verb per pipeline stage.

Every verb takes ``--corpus`` (default: the bundled demo corpus), ``--settings`` (default:
``wijkanalyse.yml`` in the corpus folder) and ``--outputs`` (default: ``outputs/`` in the folder you work in;
see :mod:`.common`). Errors a person can cause, a folder one may not write to included, are shown as one
clear message (exit code 2), never as a traceback.

The stages are imported inside the commands that use them, so that ``wijkanalyse --help`` and a mistyped
option answer at once instead of after loading scikit-learn, BERTopic, papermill and the embedders.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from wijkanalyse.cli.analyse import analyse_command
from wijkanalyse.cli.cluster import SchedulerOpt, WorkersOpt, cluster_for
from wijkanalyse.cli.code_runs import code_runs_app
from wijkanalyse.cli.codebook import check_command, codebook_app
from wijkanalyse.cli.common import (
    USER_ERRORS,
    CorpusOpt,
    OutputsOpt,
    SettingsOpt,
    default_outputs,
    fail,
    load_cli_settings,
)
from wijkanalyse.cli.review import agreement_command, export_app, import_app, memo_app, review_app
from wijkanalyse.config import DEMO_CORPUS, Settings
from wijkanalyse.exceptions import SettingsError, WijkanalyseError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wijkanalyse.coding.codebook import Codebook
    from wijkanalyse.report import JobResult, RunResult

__all__ = ["app", "main"]

app = typer.Typer(
    name="wijkanalyse",
    help="Coded themes and reproducible reports per wijk from participation sessions and surveys.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _settings(
    corpus: Path, settings: Path | None, outputs: Path | None = None, **overrides: object
) -> Settings:
    return load_cli_settings(corpus, settings, outputs, **overrides)


_fail = fail


# ------------------------------------------------------------------------------------------------------------
# Stage 1-3: ingest (with pseudonymisation and segmentation) and status
# ------------------------------------------------------------------------------------------------------------
@app.command()
def ingest(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Ingest new and changed files: read, pseudonymise, segment, store. Unchanged files are skipped.

    The store belongs to this corpus (another corpus is refused); while another run writes to it, this one
    waits. A corpus without any text to analyse is an error (exit code 2).
    """
    from wijkanalyse.update import check_not_empty, ingest_store

    try:
        cfg = _settings(corpus, settings, outputs)
        result = ingest_store(cfg)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(result.describe())
    if result.problems:
        typer.secho(f"{len(result.problems)} file(s) or row(s) could not be ingested:", fg="yellow", err=True)
        for p in result.problems:
            typer.secho(f"  - {p}", fg="yellow", err=True)
    try:
        check_not_empty(cfg, result, list_problems=False)
    except USER_ERRORS as exc:
        _fail(exc)


@app.command()
def status(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    outputs: OutputsOpt = None,
) -> None:
    """Show what the store holds: documents, segments and respondents per wijk, codings, last runs.

    Reads only: works on a store one may not write to.
    """
    from wijkanalyse.ingest.corpus import corpus_summary, describe_boilerplate
    from wijkanalyse.store import Store

    try:
        cfg = _settings(corpus, settings, outputs)
        with Store(cfg.store_path, read_only=True) as store:
            summary = corpus_summary(store)
            counts = store.counts()
            runs = store.recent_runs(5)
            boilerplate = store.boilerplate_paragraphs()
    except USER_ERRORS as exc:
        _fail(exc)
        return
    if as_json:
        # missing values (a wijk without session dates) become null: NaN is not JSON
        per_wijk = summary.astype(object).where(summary.notna(), None).to_dict("records")
        data = {"per_wijk": per_wijk, "counts": counts, "boilerplate": boilerplate.to_dict("records")}
        typer.echo(json.dumps(data, indent=2, allow_nan=False))
        return
    typer.echo(f"Store: {cfg.store_path}")
    typer.echo(summary.to_string(index=False))
    typer.echo("\n" + "  ".join(f"{k}: {v}" for k, v in counts.items()))
    if len(boilerplate):
        typer.echo("\n" + describe_boilerplate(boilerplate))
    if len(runs):
        typer.echo("\nLast runs:\n" + runs.to_string(index=False))


# ------------------------------------------------------------------------------------------------------------
# Stage 4-5: embed, code, discover  (coding engine)
# ------------------------------------------------------------------------------------------------------------

EmbedderOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional
    typer.Option("--embedder", help="use-m3, tfidf, hashing or a local sentence-transformers folder."),
]
CodebookOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional
    typer.Option("--codebook", help="Codebook YAML (default: the corpus's settings; none is bundled)."),
]
SheetOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional
    typer.Option("--sheet", help="Sheet of an .xlsx file (default: the first)."),
]


def _read_user_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX a user brings (any common encoding and separator) as a DataFrame of strings."""
    from wijkanalyse.ingest.readers import read_table

    if not path.is_file():
        raise SettingsError(f"File {path} does not exist.")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise SettingsError(
            f"{path.name} must be a .csv or .xlsx file. Got {path.suffix or 'no extension'!r} instead."
        )
    chosen: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    return read_table(path, path.name, chosen)


def _user_codebook(path: Path | None) -> Codebook:
    """Return the codebook of --codebook; without one the empty codebook (code-file says what to do)."""
    from wijkanalyse.coding.codebook import empty_codebook, load_codebook

    return load_codebook(path) if path else empty_codebook()


@app.command("code")
def code_cmd(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    embedder: EmbedderOpt = None,
    codebook: CodebookOpt = None,
    outputs: OutputsOpt = None,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Code the segments of the store: themes (or 'geen') and kind of input; learns from hand-coded segments.

    Only new segments are coded, unless the codebook, model or hand coding changed. Human codes stay.
    Earlier runs' machine codes are kept: `wijkanalyse code-runs` lists them and restores one.
    """
    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.update import store_for_writing

    try:
        cfg = _settings(corpus, settings, outputs, embedder=embedder, codebook=codebook)
        with store_for_writing(cfg, create=False) as store, cluster_for(cfg, scheduler, workers):
            result = code_store(store, cfg)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(result.describe())


# the table a user brings to code-file / discover-file
InputArg = Annotated[Path, typer.Argument(metavar="INPUT", help="CSV or XLSX with one text per row.")]
TextColOpt = Annotated[str, typer.Option("--text-col", help="Header of the text column.")]
IdColOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional
    typer.Option("--id-col", help="Header of the id column (default: the row number)."),
]


@app.command("code-file")
def code_file(
    input_file: InputArg,
    text_col: TextColOpt,
    id_col: IdColOpt = None,
    codebook: CodebookOpt = None,
    examples: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option("--examples", help="CSV/XLSX of hand-coded examples: columns 'text' and 'code'."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option("--out", "-o", help="Output CSV or XLSX (default: <outputs>/<INPUT name>_codes.csv)."),
    ] = None,
    embedder: Annotated[
        str, typer.Option("--embedder", help="use-m3, tfidf, hashing or a local folder.")
    ] = "use-m3",
    threshold: Annotated[
        float, typer.Option("--threshold", help="Apply codes with at least this confidence.")
    ] = 0.35,
    question_col: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option("--question-col", help="Header of a survey-question column (helps the kind of input)."),
    ] = None,
    sheet: SheetOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Code any CSV/XLSX against a codebook: best code, all codes above the threshold, confidence, soort."""
    from wijkanalyse.coding.apply import code_table
    from wijkanalyse.table_files import write_table

    try:
        df = _read_user_table(input_file, sheet)
        cb = _user_codebook(codebook)
        ex = _read_user_table(examples) if examples else None
        result = code_table(
            df, text_col, id_col, codebook=cb, examples=ex, embedder=embedder, threshold=threshold,
            question_column=question_col,
        )
        target = write_table(result, out or default_outputs(outputs) / f"{input_file.stem}_codes.csv")
    except (WijkanalyseError, OSError, ValueError) as exc:
        _fail(exc)
        return
    counts = result["best_code"].value_counts()
    typer.echo(f"{len(result)} rows coded ({'few-shot' if examples else 'zero-shot'}) -> {target}")
    typer.echo("Best code: " + ", ".join(f"{c} {n}" for c, n in counts.items()))


def _echo_themes(themes: pd.DataFrame) -> None:
    from wijkanalyse.vocabulary import NONE_CODE

    no_codebook = bool(len(themes)) and bool((themes["closest_code"] == NONE_CODE).all())
    for r in themes.itertuples(index=False):
        if no_codebook:  # nothing to compare with: the label alone
            typer.echo(f"  {r.theme_id:>3}  {r.size:>5}  {r.label}")
            continue
        mark = "" if r.covered else "  [not in the codebook]"
        typer.echo(f"  {r.theme_id:>3}  {r.size:>5}  {r.label}  (closest: {r.closest_code}){mark}")
    if no_codebook:
        typer.echo("No codebook to compare with: `wijkanalyse codebook draft` drafts one from them.")


@app.command()
def discover(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    embedder: EmbedderOpt = None,
    codebook: CodebookOpt = None,
    min_theme_size: Annotated[
        Optional[int],  # noqa: UP045 - typer needs Optional
        typer.Option("--min-theme-size", help="Smallest theme (default: chosen from the data)."),
    ] = None,
    refit: Annotated[
        bool, typer.Option("--refit", help="Fit every theme anew (a theme that continues one keeps its id).")
    ] = False,
    outputs: OutputsOpt = None,
) -> None:
    """Discover themes in the store and mark those the codebook does not cover.

    A later run keeps the themes of the last one and places only new segments in them; it refits every theme
    when many segments fit none, or with --refit (themes that continue an old one keep its id).
    """
    from wijkanalyse.coding.discovery import discover_store, load_themes
    from wijkanalyse.update import store_for_writing

    try:
        cfg = _settings(corpus, settings, outputs, embedder=embedder, codebook=codebook)
        with store_for_writing(cfg, create=False) as store:
            result = discover_store(store, cfg, min_theme_size=min_theme_size, refit=refit)
            themes, _ = load_themes(store, result.run_id)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(result.describe())
    _echo_themes(themes)


@app.command("discover-file")
def discover_file(
    input_file: InputArg,
    text_col: TextColOpt,
    id_col: IdColOpt = None,
    codebook: CodebookOpt = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option("--out", "-o", help="Output folder (default: --outputs, else outputs/ in the folder "
                     "you work in); writes <INPUT>_themes.csv and <INPUT>_theme_assignments.csv."),
    ] = None,
    embedder: Annotated[
        str, typer.Option("--embedder", help="use-m3, tfidf, hashing or a local folder.")
    ] = "use-m3",
    min_theme_size: Annotated[
        Optional[int],  # noqa: UP045 - typer needs Optional
        typer.Option("--min-theme-size", help="Smallest theme (default: grows with the number of rows)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same input and seed, same themes).")] = 42,
    sheet: SheetOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Discover themes in any CSV/XLSX: labelled themes, representative rows, and which the codebook lacks."""
    from wijkanalyse.coding.discovery import ThemeModel

    try:
        df = _read_user_table(input_file, sheet)
        for col in (text_col, id_col):
            if col is not None and col not in df.columns:
                raise SettingsError(
                    f"Column {col!r} not in {input_file.name}. Columns found: {list(df.columns)}"
                )
        texts = df[text_col].fillna("").astype(str).tolist()
        ids = df[id_col].tolist() if id_col else list(range(1, len(texts) + 1))
        model = ThemeModel(min_theme_size=min_theme_size, random_state=seed, embedder=embedder)
        model.fit(texts, ids=ids)
        themes = model.coverage(_user_codebook(codebook))
        written = _write_themes(themes, model.assignments_, out or default_outputs(outputs), input_file.stem)
    except USER_ERRORS as exc:
        _fail(exc)
        return
    typer.echo(f"{len(themes)} themes in {len(texts)} rows -> {written}")
    _echo_themes(themes)


def _write_themes(themes: pd.DataFrame, assignments: pd.DataFrame, folder: Path, stem: str) -> Path:
    """Write ``<stem>_themes.csv`` (list cells joined with `` | ``) and ``<stem>_theme_assignments.csv``."""
    from wijkanalyse.table_files import write_table

    table = themes.copy()
    for col in ("top_words", "representative_ids", "representative_texts"):
        table[col] = table[col].map(lambda v: " | ".join(map(str, v)))
    path = write_table(table, folder / f"{stem}_themes.csv")
    write_table(assignments, folder / f"{stem}_theme_assignments.csv")
    return path


app.add_typer(codebook_app, name="codebook")
app.add_typer(code_runs_app, name="code-runs")  # cli/code_runs.py: list and restore
app.command("codebook-check")(check_command)  # the older name of `codebook check`

# ------------------------------------------------------------------------------------------------------------
# Stage 6: review and agreement  (qualitative workflow)
# ------------------------------------------------------------------------------------------------------------
app.add_typer(review_app, name="review")
app.add_typer(memo_app, name="memo")
app.command("agreement")(agreement_command)

# ------------------------------------------------------------------------------------------------------------
# Stage 7-8: analyse and report  (the main job: `wijkanalyse run`)
# ------------------------------------------------------------------------------------------------------------
JobsOpt = Annotated[
    Optional[int],  # noqa: UP045 - typer needs Optional
    typer.Option(
        "--jobs", "-j", min=1, help="Reports built at the same time (default: 2 on 2 or more cores, else 1)."
    ),
]
LanguageOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional
    typer.Option("--language", "-l", help="Report language: nl or en (default: the settings, else nl)."),
]
WijkOpt = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional
    typer.Option("--wijk", "-w", help="Only this wijk (repeat for more). Default: every wijk."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Rebuild every report, also those whose inputs did not change.")
]


def _report_progress(job: JobResult) -> None:
    typer.echo(f"  {job.describe()}", err=True)


def _report_outcome(result: RunResult) -> None:
    typer.echo(result.describe(every_report=False))
    if not result.ok:
        typer.secho(
            f"{len(result.failed)} report(s) failed; the others were built. The failed notebooks are kept "
            "as *.failed.ipynb in the run folder.",
            fg="red",
            err=True,
        )
        raise typer.Exit(code=1)


@app.command()
def run(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    jobs: JobsOpt = None,
    language: LanguageOpt = None,
    wijk: WijkOpt = None,
    force: ForceOpt = False,
    outputs: OutputsOpt = None,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Run the main job: ingest what is new, code and discover themes, build the reports per wijk and city.

    Reports whose inputs did not change since the last run are reused, not rebuilt. The reports go to
    outputs/<corpus>/runs/<run id>/index.html (outputs/<corpus>/latest.html points to the newest). A --wijk
    that neither the store nor the corpus folder knows is refused before any work.
    """
    from wijkanalyse.pipeline import run_pipeline
    from wijkanalyse.report.runner import default_jobs

    try:
        cfg = _settings(corpus, settings, outputs, language=language)
        with cluster_for(cfg, scheduler, workers) as client:  # embed, code and build reports on it
            result = run_pipeline(
                cfg, jobs=jobs or default_jobs(), wijken=wijk, force=force, executor=client,
                on_done=_report_progress,
            )  # fmt: skip
    except USER_ERRORS as exc:
        _fail(exc)
        return
    if result.update is not None:
        typer.echo(result.update.describe())
        for p in result.update.ingest.problems:
            typer.secho(f"  - {p}", fg="yellow", err=True)
    _report_outcome(result)


@app.command()
def report(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    jobs: JobsOpt = None,
    language: LanguageOpt = None,
    wijk: WijkOpt = None,
    force: ForceOpt = False,
    outputs: OutputsOpt = None,
) -> None:
    """Build the reports from the store as it is (no ingest, no coding); unchanged reports are reused."""
    from wijkanalyse.report import run_reports
    from wijkanalyse.report.runner import default_jobs

    try:
        cfg = _settings(corpus, settings, outputs, language=language)
        result = run_reports(
            cfg, wijken=wijk, jobs=jobs or default_jobs(), force=force, on_done=_report_progress
        )
    except USER_ERRORS as exc:
        _fail(exc)
        return
    _report_outcome(result)


app.command("analyse")(analyse_command)  # cli/analyse.py: report tables and the QDA views


# ------------------------------------------------------------------------------------------------------------
# Stage 9: exchange (REFI-QDA, CSV/XLSX)
# ------------------------------------------------------------------------------------------------------------
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

# ------------------------------------------------------------------------------------------------------------
# Evaluation
# ------------------------------------------------------------------------------------------------------------
@app.command()
def evaluate(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Labelled CSV or XLSX: one text and one code per row.")
    ],
    text_col: Annotated[str, typer.Option("--text-col", help="Header of the text column.")],
    label_col: Annotated[str, typer.Option("--label-col", help="Header of the label (code) column.")],
    codebook: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option("--codebook", help="Codebook YAML the labels belong to (default: the label names)."),
    ] = None,
    examples_per_code: Annotated[
        int,
        typer.Option(
            "--examples-per-code", help="Rows per label used as hand-coded examples (0: zero-shot)."
        ),
    ] = 0,
    draws: Annotated[int, typer.Option("--draws", help="Random draws of examples (few-shot).")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws and of discovery.")] = 42,
    embedder: Annotated[
        str, typer.Option("--embedder", help="use-m3, tfidf, hashing or a local model folder.")
    ] = "use-m3",
    none_label: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional
        typer.Option("--none-label", help="A label value meaning 'no code', e.g. None (repeatable)."),
    ] = None,
    json_out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option("--json", help="Also write the figures to this JSON file ('-' prints JSON only)."),
    ] = None,
    discover: Annotated[
        bool, typer.Option("--discover", help="Also compare discovered themes with the labels (NMI, ARI).")
    ] = False,
) -> None:
    """Measure automatic coding against your own labels: macro-F1, accuracy, kappa, per code, confusion."""
    from wijkanalyse.coding.codebook import load_codebook
    from wijkanalyse.review.evaluate import evaluate_labelled, load_labelled, write_json

    try:
        data = load_labelled(input_file, text_col, label_col)
        cb = load_codebook(codebook) if codebook else None
        result = evaluate_labelled(
            data, codebook=cb, examples_per_code=examples_per_code, draws=draws, seed=seed, embedder=embedder,
            discover=discover, none_labels=none_label or (), source=input_file.name,
        )
    except USER_ERRORS as exc:
        _fail(exc)
        return
    if json_out is not None and str(json_out) == "-":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(result.describe())
    if json_out is not None:
        try:
            written = write_json(result, json_out)
        except OSError as exc:
            _fail(exc)
            return
        typer.echo(f"\nFigures written to {written}")


def main() -> None:  # pragma: no cover - console entry point
    """Entry point for ``python -m wijkanalyse``."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
