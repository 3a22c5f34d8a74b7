"""Apply the coder to a store (:func:`code_store`) or to a table a user brings (:func:`code_table`).

:func:`code_store` writes machine codings through the store's named writers and returns a
:class:`CodingResult`; how it decides what to (re)code is in its docstring.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Codebook, settings_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.distributed import code_in_partitions, embedder_for
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.coding.history import (
    coding_state,
    engine_base,
    model_name,
    rejected_pairs,
    store_coder,
)
from wijkanalyse.coding.partitions import FIT_SAMPLE_SIZE
from wijkanalyse.coding.run_writer import RunWriter
from wijkanalyse.config import Settings
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE

__all__ = ["CodingResult", "code_store", "code_table", "codebook_codes"]

#: The ``codes`` row of ``geen``, the outcome "none of these" (its codebook version is added per codebook).
_NONE_ROW = {
    "code_id": NONE_CODE,
    "dimension": "thema",
    "label_nl": "geen van deze",
    "label_en": "none of these",
    "parent": None,
    "definition": "Geen van de codes in het codeboek past (uitkomst van de machine of een codeur).",
    "color": "#BBBBBB",
}


#: ``CodingResult.mode`` of a run whose settings name no codebook.
NO_CODEBOOK_MODE = "no codebook"

@dataclass
class CodingResult:
    """What :func:`code_store` did.

    Attributes
    ----------
    run_id : str
    mode : str
        ``full`` (every segment recoded), ``incremental`` (only segments without machine codings),
        ``unchanged`` (nothing to do) or ``no codebook`` (the settings name none: nothing coded, see
        :func:`code_store`).
    model : str
        ``"<embedder model id>+codebook:<version tag>"``.
    codebook_version : str
    segments, coded, embedded, human_codings, written, removed, geen : int
        Segments in the store, segments coded, texts embedded (not in the cache), human codings learned from,
        machine codings written and removed, ``geen`` codings written.
    per_code, per_soort : dict
        Machine codings written per theme code (``geen`` included) and per soort.
    refit : bool
        True when the coder was fitted in this run; False when the model kept next to the store for the
        same coding state (human codings, check sample, codebook, embedder, threshold; fitted by an earlier
        ``code`` run or by ``review export``) coded the segments.
    learning : dict
        How the coder learned and decides (:meth:`~wijkanalyse.coding.guard.Choice.provenance`): the
        model chosen by cross-validation, the codes learned and kept from the codebook, the threshold and
        its source.
    warnings : list of str
        Said when a run changed many machine codes (see :mod:`wijkanalyse.coding.history`).
    fit_segments : int
        Segments the coder was fitted on in this run (0: a kept model): every human-coded segment plus at
        most ``fit_sample`` others (:mod:`wijkanalyse.coding.partitions`).
    resumed : int
        Segments an interrupted full recode of the same coding state had written already (not coded again).
    """

    run_id: str
    mode: str
    model: str
    codebook_version: str
    segments: int
    coded: int = 0
    embedded: int = 0
    human_codings: int = 0
    written: int = 0
    removed: int = 0
    geen: int = 0
    per_code: dict[str, int] = field(default_factory=dict)
    per_soort: dict[str, int] = field(default_factory=dict)
    refit: bool = False
    learning: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fit_segments: int = 0
    resumed: int = 0

    @property
    def changed(self) -> bool:
        """True when the machine codings may have changed (the mode is not ``unchanged``)."""
        return self.mode not in ("unchanged", NO_CODEBOOK_MODE)

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict (the run's summary in the store)."""
        return asdict(self)

    def describe(self) -> str:
        """Return a short account: one line of counts, then the codings per theme and per kind of input."""
        if self.mode == NO_CODEBOOK_MODE:
            return (
                f"Coding skipped: the corpus's settings name no codebook ({self.segments} segments). "
                "Discovery and the reports still run. Draft a codebook from the corpus's own themes with "
                "`wijkanalyse codebook draft`, edit it, and name it in the corpus's wijkanalyse.yml "
                "('codebook: <file>')."
            )
        lines = [
            f"Coding ({self.mode}): {self.coded} of {self.segments} segments coded, "
            f"{self.written} machine codings written, {self.embedded} texts embedded, "
            f"{self.human_codings} human codings used. Model: {self.model}."
        ]
        if self.resumed:
            lines.append(f"Resumed an interrupted run: {self.resumed} segments were coded by it already.")
        if self.per_code:
            counts = sorted(self.per_code.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append("Themes: " + ", ".join(f"{c} {n}" for c, n in counts))
            lines.append("Kind of input: " + ", ".join(f"{c} {n}" for c, n in sorted(self.per_soort.items())))
        if self.learning.get("human_coded_segments_in_cv"):
            lines.append(_describe_learning(self.learning))
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _describe_learning(learning: dict[str, Any]) -> str:
    scores = ", ".join(f"{k} {v:.2f}" for k, v in learning.get("cross_validated_agreement", {}).items())
    text = (
        f"Learning: model '{learning.get('model')}' chosen by cross-validated agreement with people on "
        f"{learning.get('human_coded_segments_in_cv')} segments ({scores}); "
        f"threshold {learning.get('threshold')}"
        f"{', forced choice' if learning.get('forced_choice') else ''} ({learning.get('threshold_source')})."
    )
    kept = learning.get("codes_kept_prior") or {}
    if learning.get("model") == "per-code":
        text += f" Learned for {', '.join(learning.get('codes_learned', [])) or 'no code'}"
        text += f"; codebook prior kept for {', '.join(sorted(kept)) or 'no code'}."
    return text


def codebook_codes(codebook: Codebook) -> pd.DataFrame:
    """Return the ``codes`` rows of a codebook: its codes of both dimensions, then ``geen``.

    Parameters
    ----------
    codebook : Codebook

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Codebook.to_frame`, one row per code, ``geen`` last.
    """
    none_row = {**_NONE_ROW, "codebook_version": codebook.version_tag}
    return pd.DataFrame([*codebook.to_frame().to_dict("records"), none_row])


def code_store(
    store: Store,
    settings: Settings,
    embedder: Embedder | None = None,
    codebook: Codebook | None = None,
    run_id: str | None = None,
    progress: bool | None = None,
    fit_sample: int | None = None,
) -> CodingResult:
    """Code every segment of a store on both dimensions and write machine codings.

    Reads the segments, embeds them with the cache next to the store, learns from the human codings
    (``kind='human' AND status='applied'``) and writes machine codings (``coder_id='machine'``,
    ``kind='machine'``, ``model``, ``confidence``, ``run_id``): the applied theme codes (or ``geen``) and one
    soort per segment. The codebook is synced into the ``codes`` table (dimension ``thema`` / ``soort``; plus
    ``geen``).

    Rerun semantics: when the model (embedder and codebook version), the threshold, the human codings and
    the check sample are unchanged, only segments without machine codings are coded (nothing is written when
    there are none), with the fitted model kept next to the store (:mod:`wijkanalyse.coding.history`): only
    the new texts are embedded, nothing is refitted, and the other segments' codings and run ids stay as they
    are. When any of them changed, every machine coding is recomputed and replaced, by the coder refitted
    (on every segment, or on the human-coded ones plus a seeded sample of ``fit_sample`` others in a larger
    store: :mod:`wijkanalyse.coding.partitions`) or by the model ``review export`` already fitted and kept
    for this very coding state (:func:`~wijkanalyse.coding.history.store_coder`). The codings are written
    per partition of about 2,048 distinct texts, one transaction each (:mod:`~wijkanalyse.coding.run_writer`):
    a killed run leaves every segment either with its new codings or with its earlier ones, and the rerun
    codes only what was not written yet (``resumed``). The replaced codings stay in the store's history
    (``wijkanalyse code-runs`` lists the runs, ``wijkanalyse code-runs restore RUN_ID`` brings one back) and
    the result warns when many codes changed. The model id names the embedder, the codebook version and,
    once people have coded, a hash of their codings (``...+learned:<hash>``), so it changes with the model.
    Human codings of check-sample segments (``store.check_segment_ids()``) are never trained on; they
    calibrate the threshold (:mod:`wijkanalyse.coding.guard`). Machine codings
    of segments that no longer exist are removed. Human codings are never changed or deleted, and a machine
    coding that a reviewer set to ``status='rejected'`` is kept as it is; a code that a person rejected for a
    segment (a rejected machine coding or a human ``rejected`` row) is not proposed again for that segment.

    Parameters
    ----------
    store : Store
    settings : Settings
        Uses ``embedder``, ``codebook_path``, ``coding_threshold`` and ``seed``.
    embedder : Embedder, optional
        Default: ``get_embedder(settings.embedder)``; inside :func:`~wijkanalyse.coding.distributed.cluster`
        the cluster's (embedding and coding run on the workers, this process writes).
    codebook : Codebook, optional
        Default: the codebook at ``settings.codebook_path``.
    run_id : str, optional
        Record the work under this run (the caller starts and finishes it). Default: a new run ``code``.
    progress : bool, optional
        Progress bar while embedding and coding.
    fit_sample : int, optional
        Fit on every human-coded segment plus a seeded random sample of this many others when the store has
        more; default :data:`~wijkanalyse.coding.partitions.FIT_SAMPLE_SIZE` (20,000). Below it the fit is
        on every segment.

    Returns
    -------
    CodingResult
    """
    cb = codebook if codebook is not None else settings_codebook(settings)
    if not cb.codes:  # no codebook: nothing to code with; human and earlier machine codings stay as they are
        return _no_codebook(store, cb, run_id)
    emb = embedder if embedder is not None else embedder_for(settings)  # on the cluster in a cluster() block
    threshold = float(getattr(settings, "coding_threshold", 0.35))
    own_run = run_id is None
    if own_run:
        run_id = store.start_run("code", json.dumps({"embedder": emb.model_id, "codebook": cb.version_tag}))
    try:
        seed = int(getattr(settings, "seed", 0))
        sample = FIT_SAMPLE_SIZE if fit_sample is None else int(fit_sample)
        result = _code_store(store, cb, emb, threshold, seed, str(run_id), progress, sample)
    except BaseException:
        if own_run:
            store.finish_run(str(run_id), status="failed")
        raise
    if own_run:
        store.finish_run(str(run_id), status="ok", summary_json=json.dumps(result.to_dict(), default=str))
    return result


def _code_store(
    store: Store,
    cb: Codebook,
    emb: Embedder,
    threshold: float,
    seed: int,
    run_id: str,
    progress: bool | None,
    fit_sample: int = FIT_SAMPLE_SIZE,
) -> CodingResult:
    segs = store.segment_texts()
    state = coding_state(store, engine_base(emb, cb), threshold)
    # the model id names what the machine learned from: it changes whenever the human codings do
    model_id = model_name(state)
    coded_ids = set(store.coder_codings(MACHINE)["segment_id"])  # the ids only, not the table
    resumed = 0
    if store.coding_state() != state:
        mode, todo = "full", segs
        pending = store.coding_pending()
        if pending and pending.get("state") == state:  # a full recode of this state was interrupted: resume
            done = store.segments_coded_in_runs(pending.get("runs", []))
            todo = segs[~segs["segment_id"].isin(done)]
            resumed = len(segs) - len(todo)
    else:
        todo = segs[~segs["segment_id"].isin(coded_ids)]
        mode = "incremental" if len(todo) else "unchanged"
    result = CodingResult(
        run_id=run_id,
        mode=mode,
        model=model_id,
        codebook_version=cb.version_tag,
        segments=len(segs),
        human_codings=int(state["n_human"]),
        resumed=resumed,
    )
    stale = sorted(coded_ids - set(segs["segment_id"]))
    if mode == "unchanged" and not stale:
        store.sync_codes(codebook_codes(cb), prune=True)
        return result

    writer = RunWriter(
        store, result, state, codes=codebook_codes(cb), soort_ids=cb.soort_ids, rejected=rejected_pairs(store)
    )
    if len(todo):
        _propose(
            store, todo, result, writer, stale,
            cb=cb, emb=emb, threshold=threshold, seed=seed, progress=progress, fit_sample=fit_sample,
        )  # fmt: skip
    else:
        writer.begin(stale)
    writer.finish()
    return result


def _propose(
    store: Store,
    todo: pd.DataFrame,
    result: CodingResult,
    writer: RunWriter,
    stale: list[str],
    *,
    cb: Codebook,
    emb: Embedder,
    threshold: float,
    seed: int,
    progress: bool | None,
    fit_sample: int,
) -> None:
    """Code the ``todo`` segments with the coder of the coding state and write them partition by partition.

    The coder is :func:`~.history.store_coder`'s: the model kept next to the store when its key matches
    (fitted by an earlier ``code`` run or ``review export`` with the same human codings, codebook and
    embedder), else a fit on the human-coded segments plus a seeded sample of ``fit_sample`` others
    (:mod:`wijkanalyse.coding.partitions`). Then :func:`~.distributed.code_in_partitions` embeds what is not
    cached and codes, here or on the cluster's workers, and ``writer`` writes each partition in one
    transaction. Sets ``result.embedded`` (texts not in the embedding cache), ``result.refit``,
    ``result.fit_segments`` and ``result.learning``.
    """
    stats: dict[str, int] = {}
    with EmbeddingCache.for_store(store) as cache:
        kept = store_coder(
            store, cb, emb, cache, threshold=threshold, seed=seed, progress=progress, fit_sample=fit_sample
        )
        coder, result.refit, result.fit_segments = kept.coder, kept.refit, kept.fit_segments
        result.learning = dict(getattr(coder, "learning_", {}))
        writer.begin(stale)
        ids = todo["segment_id"].to_numpy()
        code_in_partitions(
            coder, emb, todo["text"].tolist(), todo["question"].tolist(), cache,
            lambda rows, coded: writer.write(ids[rows].tolist(), coded),
            hashes=todo["text_hash"].tolist(), stats=stats, progress=progress,
        )  # fmt: skip
        coder.cache = None
    result.embedded = stats.get("embedded", 0) + kept.embedded


def code_table(
    df: pd.DataFrame,
    text_column: str,
    id_column: str | None = None,
    codebook: Codebook | None = None,
    examples: pd.DataFrame | None = None,
    embedder: Embedder | str | None = None,
    threshold: float = 0.35,
    question_column: str | None = None,
    cache: EmbeddingCache | None = None,
    language: str = "nl",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Code the texts of any table (a CSV or XLSX a user brings) against a codebook.

    Parameters
    ----------
    df : pandas.DataFrame
    text_column : str
        Column with the texts.
    id_column : str, optional
        Column with row ids; default: the row number (from 1).
    codebook : Codebook
        Required, with at least one theme (there is no bundled default codebook).
    examples : pandas.DataFrame, optional
        Hand-coded examples: columns ``text`` and ``code`` (a theme code, a soort code, ``geen``, or several
        separated by ``;``). With examples the coder learns from them (few-shot); without, it codes from the
        codebook alone (zero-shot).
    embedder : Embedder or str, optional
        Default ``use-m3``.
    threshold : float, default 0.35
    question_column : str, optional
        Column with the survey question key (helps the soort).
    cache : EmbeddingCache, optional
    language : str, default "nl"
        Language of ``best_label``.
    progress : bool, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``text``, ``best_code``, ``best_label``, ``codes`` (every applied code, ``;``-joined),
        ``confidence``, ``soort``, ``soort_confidence``.

    Raises
    ------
    SettingsError
        If a column is missing (the columns found are listed) or an example uses an unknown code.
    """
    for col in (text_column, id_column, question_column):
        if col is not None and col not in df.columns:
            raise SettingsError(
                f"Column {col!r} not in the table. Columns found: {list(map(str, df.columns))}."
            )
    cb = _required(codebook)
    texts = df[text_column].fillna("").astype(str).tolist()
    ids = df[id_column].tolist() if id_column else list(range(1, len(df) + 1))
    ex_texts, ex_y, ex_soort = _example_labels(examples, cb)
    fit_texts = texts + ex_texts
    y: list[Any] = [None] * len(texts) + ex_y
    y_soort: list[Any] = [None] * len(texts) + ex_soort
    emb = embedder if isinstance(embedder, Embedder) else get_embedder(embedder or "use-m3")
    E = embed_with_cache(emb, fit_texts, cache, progress=progress)
    coder = CodebookCoder(codebook=cb, embedder=emb, threshold=threshold, cache=cache, language=language)
    coder.fit(fit_texts, y, y_soort=y_soort, embeddings=E)
    questions = df[question_column].tolist() if question_column else None
    res = coder.code(texts, embeddings=E[: len(texts)], questions=questions)
    return pd.DataFrame(
        {
            "id": ids,
            "text": texts,
            "best_code": res["best_code"],
            "best_label": [cb.label(c, language) for c in res["best_code"]],
            "codes": [";".join(c for c, _ in applied) for applied in res["codes"]],
            "confidence": res["confidence"].round(4),
            "soort": res["soort"],
            "soort_confidence": res["soort_confidence"].round(4),
        }
    )


def _no_codebook(store: Store, cb: Codebook, run_id: str | None) -> CodingResult:
    """Return the result of a coding run whose settings name no codebook: nothing coded."""
    return CodingResult(
        run_id=str(run_id or ""), mode=NO_CODEBOOK_MODE, model="-", codebook_version=cb.version_tag,
        segments=store.counts()["segments"],
    )


def _required(codebook: Codebook | None) -> Codebook:
    """Return the codebook to code a table with; raise when there is none or it has no theme."""
    if codebook is None or not codebook.codes:
        raise SettingsError(
            "Coding a table needs a codebook with at least one theme (--codebook FILE). Write one (format: "
            "wijkanalyse.coding.codebook), starting from the themes `wijkanalyse discover-file` finds in the "
            "table, or draft one from a corpus with `wijkanalyse codebook draft`."
        )
    return codebook


def _example_labels(
    examples: pd.DataFrame | None, cb: Codebook
) -> tuple[list[str], list[list[str] | None], list[list[str] | None]]:
    """Texts, theme codes and soort codes of hand-coded examples (columns ``text`` and ``code``)."""
    if examples is None or not len(examples):
        return [], [], []
    missing = [c for c in ("text", "code") if c not in examples.columns]
    if missing:
        raise SettingsError(
            f"The examples table needs columns 'text' and 'code'. Missing: {missing}. "
            f"Columns found: {list(map(str, examples.columns))}."
        )
    soort_ids = set(cb.soort_ids)
    texts: list[str] = []
    y: list[list[str] | None] = []
    y_soort: list[list[str] | None] = []
    for text, codes in zip(examples["text"].astype(str), examples["code"].astype(str), strict=True):
        parts = [c.strip() for c in codes.split(";") if c.strip()]
        texts.append(text)
        y.append([c for c in parts if c not in soort_ids] or None)
        y_soort.append([c for c in parts if c in soort_ids] or None)
    return texts, y, y_soort
