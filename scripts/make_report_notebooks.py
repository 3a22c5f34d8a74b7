#!/usr/bin/env python3
"""Write the report notebooks ``notebooks/reports/{wijkrapport,stadsoverzicht}.ipynb`` (outputs stripped).

The notebooks are thin: one ``parameters`` cell (papermill) whose defaults make a bare run work on the demo
corpus, then one library call per section (``wijkanalyse.report.render``). Markdown cells are notes for people
who open the notebook; the HTML report leaves them out (its texts come from ``data/report_text.yml`` in two
languages).

Usage::

    python scripts/make_report_notebooks.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "reports"

COMMON_PARAMS = """\
corpus = "corpora/demo"  # corpus folder; a relative path starts at the project root
settings_file = None  # settings YAML; None: wijkanalyse.yml in the corpus folder
language = "nl"  # report language: nl or en
min_count = None  # counts of fewer respondents are suppressed; None: from the settings (default 5)
store_dir = None  # folder of the store; None: outputs/<corpus>/store
embedder = None  # embedding model for choosing quotes; None: from the settings (use-m3)
run_id = None  # set by the runner (wijkanalyse run / report)
tables_dir = None  # folder for the report tables as CSV; None: not written
build_store = True  # ingest and code the corpus first when its store is empty (a bare run)
"""

OPEN = """\
from wijkanalyse import analysis
from wijkanalyse.report import render as r

ctx = r.open_report(
    corpus, settings_file, {"min_count": min_count, "store_dir": store_dir, "embedder": embedder},
    language=language, run_id=run_id, build_store=build_store,
)
"""


def _notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives the same file
        cell.id = f"cell-{i:02d}"
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def _params(extra: str = "") -> nbformat.NotebookNode:
    cell = new_code_cell(extra + COMMON_PARAMS)
    cell.metadata["tags"] = ["parameters"]
    return cell


def wijkrapport() -> nbformat.NotebookNode:
    """Build the notebook of the report of one wijk."""
    return _notebook(
        [
            new_markdown_cell(
                "# Wijkrapport\n\n"
                "Dit notebook maakt het rapport van één wijk. `wijkanalyse run` voert het met papermill uit "
                "voor elke "
                "wijk en zet het om naar HTML zonder code. Je kunt het ook zelf draaien: de "
                "standaardwaarden hieronder "
                "werken op het demo-corpus.\n\n"
                "Deze uitleg (markdown) staat niet in het HTML-rapport; de teksten van het rapport komen uit "
                "`wijkanalyse/data/report_text.yml`, in het Nederlands en het Engels."
            ),
            new_markdown_cell(
                "## Parameters\nDe cel hieronder heeft de tag `parameters`: papermill vult haar in."
            ),
            _params('wijk = "Schalkwijk"  # the wijk of this report\n'),
            new_markdown_cell(
                "## Gegevens\nDe store openen en alle tabellen van het rapport berekenen met "
                "`wijkanalyse.analysis.tables` "
                "(dezelfde functies als in de verkenningsnotebooks). De tabellen gaan ook als CSV naar "
                "`tables_dir`."
            ),
            new_code_cell(
                OPEN
                + "tables = analysis.wijk_tables(ctx.data, wijk, ctx.store)\n"
                + "written = r.save_tables(tables, tables_dir)"
            ),
            new_markdown_cell("## Titel, inleiding en samenvatting"),
            new_code_cell("r.show(r.wijk_header(ctx, wijk, tables))"),
            new_markdown_cell(
                "## Het goede behouden · Wat moet er echt verbeteren · Vragen en zorgen\n"
                "Dezelfde drie delen als de opbrengst van de sessies met de wijkraden (Haarlem, maart "
                "2023), per thema "
                "met hoe vaak, in hoeveel sessies en door hoeveel respondenten."
            ),
            new_code_cell('r.show(r.kind_sections(ctx, tables["soort_per_thema"], tables["citaten"]))'),
            new_markdown_cell("## De wijk vergeleken met de stad, en onderscheidende thema's"),
            new_code_cell('r.show(r.prevalence_section(ctx, wijk, tables["onderscheidend"]))'),
            new_markdown_cell("## Verloop tussen de sessies"),
            new_code_cell('r.show(r.change_section(ctx, tables["verloop"]))'),
            new_markdown_cell("## Citaten per thema (representatief en divers)"),
            new_code_cell('r.show(r.quotes_section(ctx, tables["citaten"]))'),
            new_markdown_cell("## Nieuwe thema's uit de thema-ontdekking"),
            new_code_cell('r.show(r.new_themes_section(ctx, tables["nieuwe_themas"]))'),
            new_markdown_cell("## Zekerheid: mensen en computer, overeenstemming"),
            new_code_cell("r.show(r.certainty_section(ctx, tables, wijk))"),
            new_markdown_cell("## Onderdrukking van kleine aantallen en herkomst"),
            new_code_cell('r.show(r.about_section(ctx, {"wijk": wijk}))'),
        ]
    )


def stadsoverzicht() -> nbformat.NotebookNode:
    """Build the notebook of the city overview."""
    return _notebook(
        [
            new_markdown_cell(
                "# Stadsoverzicht\n\n"
                "Dit notebook vergelijkt alle wijken: een heatmap van thema's per wijk, de drie delen voor "
                "de hele stad "
                "en per wijk een link naar het wijkrapport. `wijkanalyse run` voert het met papermill uit; "
                "de "
                "standaardwaarden hieronder werken op het demo-corpus. Deze uitleg staat niet in het "
                "HTML-rapport."
            ),
            new_markdown_cell(
                "## Parameters\nDe cel hieronder heeft de tag `parameters`: papermill vult haar in."
            ),
            _params(),
            new_markdown_cell("## Gegevens"),
            new_code_cell(
                OPEN
                + "tables = analysis.city_tables(ctx.data, ctx.store)\n"
                + "written = r.save_tables(tables, tables_dir)"
            ),
            new_markdown_cell("## Titel en inleiding"),
            new_code_cell("r.show(r.city_header(ctx, tables))"),
            new_markdown_cell("## Thema's per wijk (heatmap)"),
            new_code_cell('r.show(r.heatmap_section(ctx, tables["thema_per_wijk"]))'),
            new_markdown_cell("## Per wijk, met links naar de wijkrapporten"),
            new_code_cell('r.show(r.wijken_section(ctx, tables["overzicht"], tables["thema_per_wijk"]))'),
            new_markdown_cell("## De drie delen voor de hele stad"),
            new_code_cell(
                'r.show(r.heading(ctx.t("city_sections_heading")))\n'
                'r.show(r.kind_sections(ctx, tables["soort_per_thema"], tables["citaten"], level=3))'
            ),
            new_markdown_cell("## Nieuwe thema's, zekerheid, herkomst"),
            new_code_cell('r.show(r.new_themes_section(ctx, tables["nieuwe_themas"]))'),
            new_code_cell("r.show(r.certainty_section(ctx, tables))"),
            new_code_cell("r.show(r.about_section(ctx))"),
        ]
    )


def main() -> None:
    """Write both notebooks."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in (("wijkrapport.ipynb", wijkrapport()), ("stadsoverzicht.ipynb", stadsoverzicht())):
        nbformat.validate(nb)
        nbformat.write(nb, OUT / name)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
