"""``wijkanalyse agreement``: agreement between coders, and the honest verdict on the machine.

Everything it prints is in English, figures and verdict alike (the reports follow the report language).

Examples
--------
::

    wijkanalyse agreement --coders anna,piet        # people with people, per dimension, per code, per pair
    wijkanalyse agreement --machine                 # plus the machine on the check sample and as a coder
    wijkanalyse agreement --machine --json
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from wijkanalyse.cli.common import CorpusOpt, OutputsOpt, SettingsOpt, fail, load_cli_settings
from wijkanalyse.config import DEMO_CORPUS
from wijkanalyse.exceptions import WijkanalyseError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wijkanalyse.review.agreement import Agreement
    from wijkanalyse.review.machine_decision import MachineDecision

__all__ = ["agreement_command"]


def _fmt(df: pd.DataFrame) -> str:
    """Return a table as text; an undefined figure shows as ``n/a`` (the ``note`` column says why)."""
    return df.to_string(
        index=False, na_rep="n/a", float_format=lambda x: "n/a" if math.isnan(x) else f"{x:.3f}"
    )


def _print_people(agr: Agreement, disagreements: int) -> None:
    typer.echo(f"Coders: {', '.join(agr.coders) or 'none'}")
    if agr.note:
        typer.secho(agr.note, fg="yellow")
        return
    typer.echo(f"Kappa: {agr.kappa_method}.")
    typer.echo(
        "\nPer dimension (present/absent decisions per segment and code, a coded span counting for its "
        "segment; pooled within a dimension, never across; positive_agreement: agreement on the segments "
        "where at least one coder used the code):\n" + _fmt(agr.overall)
    )
    typer.echo("\nPer code:\n" + _fmt(agr.per_code))
    if len(agr.pairs) > 1:
        typer.echo("\nPer pair of coders:\n" + _fmt(agr.pairs))
    if len(agr.disagreements):
        shown = agr.disagreements.head(disagreements).copy()
        shown["text"] = shown["text"].str.slice(0, 60)
        typer.echo(
            f"\nDisagreements to discuss ({len(agr.disagreements)}; first {len(shown)}):\n" + _fmt(shown)
        )


def _print_machine(decision: MachineDecision, extra: pd.DataFrame, basis: str) -> None:
    check = decision.check
    if check is not None and len(check.overall):
        typer.echo(
            f"\nMachine against people on the check sample ({check.n_check} segments drawn; {check.method}; "
            "human_*: people among themselves, the ceiling):\n" + _fmt(check.overall)
        )
        typer.echo("\nPer code on the check sample (n_machine, n_people: segments each side gave the code):\n"
                   + _fmt(check.per_code))  # fmt: skip
    if len(extra):
        typer.echo(f"\nThe machine as one more coder (mean Cohen's kappa; on {basis}):\n" + _fmt(extra))
    elif decision.n_people >= 2:
        typer.echo(f"\nThe machine as one more coder: {basis}.")


def agreement_command(
    coders: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--coders", help="Comma-separated coder ids (default: every person who coded)."),
    ] = None,
    machine: Annotated[
        bool,
        typer.Option(
            "--machine", help="Include the machine: as a coder, on the check sample, as one more coder."
        ),
    ] = False,
    wijk: Annotated[Optional[str], typer.Option(help="Only segments of this wijk.")] = None,  # noqa: UP045
    disagreements: Annotated[int, typer.Option(help="Show at most this many disagreements.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    corpus: CorpusOpt = DEMO_CORPUS,
    settings: SettingsOpt = None,
    outputs: OutputsOpt = None,
) -> None:
    """Agreement between coders (Krippendorff's alpha, Cohen's kappa, % agreement), per dimension and code.

    Always ends with the verdict on the machine: whether its codes may stand in a report without review,
    judged on the check sample (setting machine_agreement_threshold, default 0.667 after Krippendorff 2004,
    §11.4). With --machine also the machine against people on the check sample (per code, with Wilson
    intervals) and the machine as one more coder (its mean kappa with each person against the people's with
    each other).
    """
    from wijkanalyse.review.agreement import compute_agreement
    from wijkanalyse.review.machine_decision import machine_may_stand
    from wijkanalyse.review.verdict import extra_coder_table
    from wijkanalyse.store import Store

    chosen = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    if chosen is not None and machine and "machine" not in chosen:
        chosen.append("machine")
    try:
        cfg = load_cli_settings(corpus, settings, outputs)
        with Store(cfg.store_path, create=False) as store:
            agr = compute_agreement(store, chosen, wijk=wijk, include_machine=machine)
            decision = machine_may_stand(store, cfg, wijk=wijk)
            extra, basis = extra_coder_table(store, wijk=wijk) if machine else (None, "")
    except (WijkanalyseError, OSError, ValueError) as exc:
        fail(exc)
        return
    if as_json:
        data: dict[str, Any] = {**agr.to_dict(), "machine": decision.to_dict()}
        data["unit"] = "segment (a code applied to a span of a segment counts for the segment)"
        if extra is not None:
            data["machine_as_coder"] = {"basis": basis, "rows": json.loads(extra.to_json(orient="records"))}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_people(agr, disagreements)
    if extra is not None:
        _print_machine(decision, extra, basis)
    typer.echo("\nMachine: " + decision.explain("en"))
