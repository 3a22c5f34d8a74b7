"""``wijkanalyse analyse``: the analysis tables of a wijk or the city, printed or written as CSV.

The tables are those of the reports (:func:`wijkanalyse.analysis.wijk_tables`, ``city_tables``) and the QDA
views (:func:`wijkanalyse.analysis.code_tables.code_view_tables`): code frequencies by coder and by kind of
source, code co-occurrence (the city and every wijk, or one wijk) and, with ``--code``, every quote of a code.
All of them with small counts suppressed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wijkanalyse.cli.common import USER_ERRORS, CorpusOpt, OutputsOpt, SettingsOpt, fail, load_cli_settings
from wijkanalyse.config import DEMO_CORPUS

__all__ = ["analyse_command"]


def analyse_command(
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    wijk: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option("--wijk", "-w", help="The wijk; default: the whole city."),
    ] = None,
    table: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional
        typer.Option(
            "--table",
            "-t",
            help="Only this table (repeat for more), e.g. prevalentie, citaten, codefrequentie_codeur, "
            "codefrequentie_bron, samen_voorkomen, citaten_code (with --code).",
        ),
    ] = None,
    code: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option(
            "--code", "-k", help="Add the table citaten_code: every quote of this code (of the wijk)."
        ),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option(
            "--out", "-o", help="Write the tables as CSV into this folder instead of printing them."
        ),
    ] = None,
    language: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional
        typer.Option("--language", "-l", help="Report language: nl or en (default: the settings, else nl)."),
    ] = None,
    outputs: OutputsOpt = None,
) -> None:
    """Print (or export as CSV) the analysis tables of a wijk or the city, with small counts suppressed."""
    from wijkanalyse import analysis
    from wijkanalyse.analysis.code_tables import code_view_tables
    from wijkanalyse.report.render import save_tables
    from wijkanalyse.store import Store

    try:
        cfg = load_cli_settings(corpus, settings, outputs, language=language)
        with Store(cfg.store_path, create=False) as store:
            data = analysis.load(store, cfg)
            tables = analysis.wijk_tables(data, wijk, store) if wijk else analysis.city_tables(data, store)
            tables.update(code_view_tables(store, data.min_count, wijk, code))
    except USER_ERRORS as exc:
        fail(exc)
        return
    if table:
        unknown = [t for t in table if t not in tables]
        if unknown:
            hint = " (citaten_code needs --code)" if "citaten_code" in unknown else ""
            fail(ValueError(f"Unknown table(s) {unknown}{hint}. Tables: {', '.join(tables)}."))
        tables = {t: tables[t] for t in table}
    if out is not None:
        try:
            written = save_tables(tables, out)
        except OSError as exc:
            fail(exc)
            return
        for path in written:
            typer.echo(str(path))
        return
    for name, df in tables.items():
        typer.secho(f"\n== {name} ==", bold=True)
        typer.echo(df.to_string(index=False, max_colwidth=80) if len(df) else "(empty)")
