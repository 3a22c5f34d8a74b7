"""Apply the coder to a store (:func:`code_store`) or to a table a user brings (:func:`code_table`).

:func:`code_store` writes machine codings through the store's named writers and returns a
:class:`CodingResult`; how it decides what to (re)code is in its docstring.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Codebook, default_codebook, load_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.distributed import code_texts, embedder_for
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.coding.history import change_warnings, load_fitted, model_key, rejected_pairs, save_fitted
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


@dataclass
class CodingResult:
    """What :func:`code_store` did.

    Attributes
    ----------
    run_id : str
    mode : str
        ``full`` (every segment recoded), ``incremental`` (only segments without machine codings) or
        ``unchanged`` (nothing to do).
    model : str
        ``"<embedder model id>+codebook:<version tag>"``.
    codebook_version : str
    segments, coded, embedded, human_codings, written, removed, geen : int
        Segments in the store, segments coded, texts embedded (not in the cache), human codings learned from,
        machine codings written and removed, ``geen`` codings written.
    per_code, per_soort : dict
        Machine codings written per theme code (``geen`` included) and per soort.
    refit : bool
        True when the coder was fitted in this run; False when the model kept from an earlier run with the
        same human codings, codebook and embedder coded the new segments.
    learning : dict
        How the coder learned and decides (:meth:`~wijkanalyse.coding.guard.Choice.provenance`): the
        model chosen by cross-validation, the codes learned and kept from the codebook, the threshold and
        its source.
    warnings : list of str
        Said when a run changed many machine codes (see :mod:`wijkanalyse.coding.history`).
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

    @property
    def changed(self) -> bool:
        """True when the machine codings may have changed (the mode is not ``unchanged``)."""
        return self.mode != "unchanged"

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict (the run's summary in the store)."""
        return asdict(self)

    def describe(self) -> str:
        """Return a short account: one line of counts, then the codings per theme and per kind of input."""
        lines = [
            f"Coding ({self.mode}): {self.coded} of {self.segments} segments coded, "
            f"{self.written} machine codings written, {self.embedded} texts embedded, "
            f"{self.human_codings} human codings used. Model: {self.model}."
        ]
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


def _state_fingerprint(
    model_id: str, threshold: float, human: pd.DataFrame, check: set[str]
) -> dict[str, Any]:
    pairs = sorted(zip(human["segment_id"], human["code_id"], strict=True))
    h = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    state: dict[str, Any] = {
        "model": model_id,
        "threshold": float(threshold),
        "n_human": len(pairs),
        "human_hash": h,
    }
    if check:  # the check sample changes what is trained on
        state["check_hash"] = hashlib.sha256("\x00".join(sorted(check)).encode("utf-8")).hexdigest()[:16]
    return state


def _check_ids(store: Store) -> set[str]:
    """Return the segments of the check sample (never trained on), where the store has one."""
    return set(store.check_segment_ids()) if hasattr(store, "check_segment_ids") else set()


def code_store(
    store: Store,
    settings: Settings,
    embedder: Embedder | None = None,
    codebook: Codebook | None = None,
    run_id: str | None = None,
    progress: bool | None = None,
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
    are. When any of them changed, the coder is refitted on every segment and every machine coding is
    recomputed and replaced in one transaction; the replaced codings stay in the store's history
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
        Progress bar while embedding.

    Returns
    -------
    CodingResult
    """
    cb = codebook if codebook is not None else load_codebook(settings.codebook_path)
    emb = embedder if embedder is not None else embedder_for(settings)  # on the cluster in a cluster() block
    threshold = float(getattr(settings, "coding_threshold", 0.35))
    own_run = run_id is None
    if own_run:
        run_id = store.start_run("code", json.dumps({"embedder": emb.model_id, "codebook": cb.version_tag}))
    try:
        seed = int(getattr(settings, "seed", 0))
        result = _code_store(store, cb, emb, threshold, seed, str(run_id), progress)
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
) -> CodingResult:
    segs = store.segment_texts()
    human = store.human_codings("applied")
    check = _check_ids(store)
    base = f"{emb.model_id}+codebook:{cb.version_tag}"
    state = _state_fingerprint(base, threshold, human, check)
    # the model id names what the machine learned from: it changes whenever the human codings do
    model_id = f"{base}+learned:{state['human_hash'][:8]}" if len(human) else base
    machine = store.coder_codings(MACHINE)
    coded_ids = set(machine["segment_id"])
    if store.coding_state() != state:
        mode, todo = "full", segs
    else:
        todo = segs[~segs["segment_id"].isin(coded_ids)]
        mode = "incremental" if len(todo) else "unchanged"
    result = CodingResult(
        run_id=run_id,
        mode=mode,
        model=model_id,
        codebook_version=cb.version_tag,
        segments=len(segs),
        human_codings=len(human),
    )
    stale = sorted(coded_ids - set(segs["segment_id"]))
    if mode == "unchanged" and not stale:
        store.sync_codes(codebook_codes(cb), prune=True)
        return result

    rows: list[tuple[str, str, float]] = []
    if len(todo):
        rows = _propose(
            store, segs, human, todo, machine, result,
            cb=cb, emb=emb, threshold=threshold, seed=seed, progress=progress, key=model_key(state, seed),
        )  # fmt: skip
        result.coded = len(todo)
    _write(store, cb, result, rows, stale, state, machine)
    return result


def _write(
    store: Store,
    cb: Codebook,
    result: CodingResult,
    rows: list[tuple[str, str, float]],
    stale: list[str],
    state: dict[str, Any],
    machine: pd.DataFrame,
) -> None:
    """Write a run's codings in one transaction, keep them in the history, and warn about large changes."""
    with store.transaction():
        store.sync_codes(codebook_codes(cb), prune=True)
        store.ensure_coder(MACHINE, kind="machine", name="wijkanalyse CodebookCoder")
        store.archive_live_machine_codings(MACHINE)  # what is replaced stays restorable
        runs = store.machine_runs()
        previous = str(runs["run_id"].iloc[-1]) if len(runs) else None
        if stale:
            result.removed += store.remove_machine_codings(MACHINE, stale)
        if result.mode == "full":
            result.removed += store.remove_machine_codings(MACHINE)
        store.add_machine_codings(rows, MACHINE, result.model, result.run_id)
        store.set_coding_state(state)
        result.written = len(rows)
        soort_set = set(cb.soort_ids)
        for _, c, _ in rows:
            target = result.per_soort if c in soort_set else result.per_code
            target[c] = target.get(c, 0) + 1
        result.geen = result.per_code.get(NONE_CODE, 0)
        if result.mode == "full":
            applied = machine[machine["status"] == "applied"]
            result.warnings = change_warnings(applied, rows, cb.soort_ids, previous)
        store.log_machine_run(
            result.run_id, result.model, result.mode, rows, state=state, provenance=result.learning,
            counts=(result.segments, result.coded, result.geen),
        )  # fmt: skip


def _propose(
    store: Store,
    segs: pd.DataFrame,
    human: pd.DataFrame,
    todo: pd.DataFrame,
    machine: pd.DataFrame,
    result: CodingResult,
    *,
    cb: Codebook,
    emb: Embedder,
    threshold: float,
    seed: int,
    progress: bool | None,
    key: str,
) -> list[tuple[str, str, float]]:
    """Code the ``todo`` segments: with the kept model when its key matches, else fit on every segment.

    Sets ``result.embedded`` (texts not in the embedding cache), ``result.refit`` and ``result.learning``.

    Returns
    -------
    list of (segment_id, code_id, confidence)
        The codings to write: applied theme codes (or ``geen``) and the soort, less what a person rejected.
    """
    stats: dict[str, int] = {}
    todo_texts = todo["text"].tolist()
    with EmbeddingCache.for_store(store) as cache:
        coder = load_fitted(store, key, emb) if result.mode == "incremental" else None
        if coder is not None:  # the same human codings, codebook and embedder: embed and code the new only
            coder.cache = cache
            E_todo = embed_with_cache(emb, todo_texts, cache, progress=progress, stats=stats)
        else:
            texts, ids = segs["text"].tolist(), segs["segment_id"].tolist()
            theme_y, soort_y = _human_labels(cb, human)
            check = _check_ids(store)
            E = embed_with_cache(emb, texts, cache, progress=progress, stats=stats)
            coder = CodebookCoder(
                codebook=cb, embedder=emb, threshold=threshold, random_state=seed, cache=cache
            ).fit(
                texts, [theme_y.get(s) for s in ids], y_soort=[soort_y.get(s) for s in ids], embeddings=E,
                holdout=[s in check for s in ids],
            )  # fmt: skip
            result.refit = True
            save_fitted(store, key, coder)
            pos = {s: i for i, s in enumerate(ids)}
            E_todo = E[[pos[s] for s in todo["segment_id"]]]
        coded = code_texts(coder, emb, todo_texts, E_todo, todo["question"].tolist())  # local or cluster
        coder.cache = None
    result.embedded = stats.get("embedded", 0)
    result.learning = dict(getattr(coder, "learning_", {}))
    rejected = rejected_pairs(store)
    rows: list[tuple[str, str, float]] = []
    for sid, applied, soort, sconf in zip(
        todo["segment_id"], coded["codes"], coded["soort"], coded["soort_confidence"], strict=True
    ):
        for code, conf in applied:
            if (sid, code) not in rejected:
                rows.append((sid, code, round(float(conf), 6)))
        if soort is not None and (sid, soort) not in rejected:  # None: the codebook has no soort
            rows.append((sid, soort, round(float(sconf), 6)))
    return rows


def _human_labels(cb: Codebook, human: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Split human codings into theme codes (``geen`` included) and soort codes per segment."""
    theme_y: dict[str, list[str]] = {}
    soort_y: dict[str, list[str]] = {}
    soort_ids = set(cb.soort_ids)
    known = set(cb.ids) | {NONE_CODE}
    for sid, code in zip(human["segment_id"], human["code_id"], strict=True):
        if code in soort_ids:
            soort_y.setdefault(sid, []).append(code)
        elif code in known:
            theme_y.setdefault(sid, []).append(code)
    return theme_y, soort_y


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
    codebook : Codebook, optional
        Default: the bundled wijkplatform codebook.
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
    cb = codebook if codebook is not None else default_codebook()
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
