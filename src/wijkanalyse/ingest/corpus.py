"""Ingest: find new and changed sources in a corpus folder, read, pseudonymise, segment and store them.

Metadata of a source (wijk, date, kind, session, title, speakers) comes from its front matter, the corpus
manifest, or its folder and file name (see :mod:`.metadata`); survey exports get the wijk per respondent (see
:mod:`.surveys`).

Reruns are incremental: a source is identified by its document id (a hash of its path relative to the corpus)
and fingerprinted by the sha256 of its bytes plus its metadata and the segmentation and markup settings.
Unchanged sources are skipped, changed ones replaced (not duplicated), removed ones dropped (human codings are
kept, see :mod:`wijkanalyse.store`). All writes of one run happen in one transaction: an interrupted ingest
leaves the previous state intact. Raw files are only ever read. A changed survey export is pseudonymised only
in its new and changed rows; the others keep what they gave before when it cannot differ (:mod:`.row_reuse`).

Personal data outside the text is pseudonymised too (:mod:`.labels`): the stored path, title and session id
of a document pass through the same pseudonymiser as its text, and so do survey respondent ids and the
values of closed survey columns (personal columns are not stored at all, see :mod:`.surveys`).

Website markup (:mod:`.markdown_text`, :mod:`.html_text`): sections under a heading listed in
``markup.skip_headings`` are left out; table rows are kept as segments of unit ``table-row`` (counted, never
quoted) or left out with ``markup.tables: skip``. After the writes, every segment whose text recurs verbatim
in at least ``markup.boilerplate_min_documents`` documents is flagged as boilerplate (neither coded nor
quoted; see :meth:`wijkanalyse.store.Store.mark_boilerplate`); :attr:`IngestResult.boilerplate` lists them.

One run, step by step (:func:`ingest_corpus`): :func:`_prepare` reads each new or changed file,
:func:`_pseudonymiser_for` learns every name in them, :func:`_build_document` pseudonymises and segments each
one, and :func:`_write` stores everything in one transaction.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.config import Settings, SurveySpec
from wijkanalyse.exceptions import IngestError, InputProblem
from wijkanalyse.ingest import row_reuse
from wijkanalyse.ingest.labels import learn_path, learn_slug, pseudonymise_path, pseudonymise_slug
from wijkanalyse.ingest.markup import ROLE_WORDS, turn_role
from wijkanalyse.ingest.metadata import (
    check_metadata,
    dated_by_opening,
    load_manifest,
    manifest_folder_wijks,
    resolve_metadata,
)
from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.readers import (
    SUPPORTED,
    Block,
    normalise,
    read_file,
    split_front_matter,
    unsupported_format,
)
from wijkanalyse.ingest.row_reuse import RowOutput
from wijkanalyse.ingest.segment import TABLE_ROW, SegmentRecord, Unit, build_document
from wijkanalyse.ingest.surveys import load_postcodes, survey_blocks, survey_spec
from wijkanalyse.ingest.units import corpus_units
from wijkanalyse.store import DocumentRecord, RespondentRecord, RowMemory, Store, now_iso

__all__ = ["ingest_corpus", "IngestResult", "corpus_summary", "corpus_hash", "describe_boilerplate"]

#: files in a corpus folder that are never sources (besides the postcode lookup and the settings' ``ignore``)
IGNORED = ("README*", "*.yml", "*.yaml", ".*", "~$*", "*.tmp")
_SURVEY_SUFFIXES = (".csv", ".xlsx")
_FRONT_MATTER_SUFFIXES = (".md", ".txt")


@dataclass
class IngestResult:
    """What one ingest run did."""

    run_id: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    summary: pd.DataFrame | None = None
    #: what a person should know that is not a problem of one file (an empty corpus, columns not stored)
    warnings: list[str] = field(default_factory=list)
    #: the boilerplate texts in the store (:meth:`~wijkanalyse.store.Store.boilerplate_paragraphs`)
    boilerplate: pd.DataFrame | None = None

    def describe(self) -> str:
        """Return a short account for people: counts, warnings, boilerplate and the per-wijk summary."""
        lines = [
            f"Ingest run {self.run_id}: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, {len(self.problems)} problem(s)."
        ]
        lines.extend(f"Warning: {w}" for w in self.warnings)
        if self.boilerplate is not None and len(self.boilerplate):
            lines.append(describe_boilerplate(self.boilerplate))
        if self.summary is not None and len(self.summary):
            lines.append(self.summary.to_string(index=False))
        return "\n".join(lines)


def describe_boilerplate(boilerplate: pd.DataFrame, width: int = 90) -> str:
    """Describe the boilerplate texts (``text, documents, segments``) in a few lines, for people.

    Parameters
    ----------
    boilerplate : pandas.DataFrame
        :meth:`~wijkanalyse.store.Store.boilerplate_paragraphs`.
    width : int, default 90
        Texts are cut to this many characters.
    """
    n_seg = int(boilerplate["segments"].sum())
    lines = [
        f"Boilerplate: {len(boilerplate)} text(s) recur verbatim in many documents ({n_seg} segments); "
        "they are neither coded nor quoted:"
    ]
    for row in boilerplate.itertuples(index=False):
        text = str(row.text)
        shown = text if len(text) <= width else text[: width - 1].rstrip() + "…"
        lines.append(f"  - {shown!r} ({int(row.documents)} documents)")
    return "\n".join(lines)


@dataclass
class _Context:
    """What every file of one run is read against."""

    settings: Settings
    manifest: dict[str, dict[str, Any]]
    folder_wijk: dict[str, str]
    postcodes: dict[str, str]
    existing: dict[str, str]  # doc_id -> fingerprint of the documents already in the store
    stored_paths: dict[str, str]  # doc_id -> the (pseudonymised) path stored for it
    files: list[str]  # the corpus's candidate files (the folder is walked once per run)
    stored_units: list[str]  # the units of the documents already in the store
    units: list[str] = field(default_factory=list)  # the units apart from survey columns (ingest.units)


@dataclass
class _Prepared:
    """A new or changed source, read but not yet pseudonymised."""

    rel: str
    doc_id: str
    fingerprint: str
    fmt: str
    meta: dict[str, Any]
    blocks: list[Block]
    respondents: list[RespondentRecord]
    #: a survey's raw respondent id -> hash of its raw row, and the rows whose earlier output is reused
    row_hashes: dict[str, str] = field(default_factory=dict)
    reuse: dict[str, RowOutput] = field(default_factory=dict)


@dataclass
class _Built:
    """A source ready to be stored: its pseudonymised text and segments."""

    prepared: _Prepared
    text: str
    segments: list[SegmentRecord]
    counts: Counter[str]
    path: str  # the pseudonymised path, title and session shown for the document
    title: str
    session: str | None
    respondents: list[RespondentRecord]
    remember: list[tuple[str, str, str]] = field(default_factory=list)  # rows for the row memory


# -- finding and reading the sources ------------------------------------------------------------------------
def _candidate_files(settings: Settings) -> list[str]:
    corpus = settings.corpus
    ignore = [*IGNORED, *settings.ignore, *([settings.postcode_lookup] if settings.postcode_lookup else [])]
    files = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(corpus).as_posix()
        hidden = any(part.startswith(".") for part in Path(rel).parts)
        if hidden or any(fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(rel, pat) for pat in ignore):
            continue
        files.append(rel)
    return files


def _fingerprint(raw: bytes, meta: dict[str, Any], ctx: _Context, spec: SurveySpec | None) -> str:
    h, settings = hashlib.sha256(raw), ctx.settings
    extra: dict[str, Any] = {"units": ctx.units} if spec else {}  # a survey is matched to these (units.py)
    extra |= {
        "meta": meta,
        "max": settings.max_segment_chars,
        "spec": spec.model_dump() if spec else None,
        "markup": [settings.markup.tables, sorted(settings.markup.skip_headings)],
        "v": 3,  # 2: website markup cleaned, personal data outside the text pseudonymised; 3: roles from
        # speaker labels, PDF running headers dropped, short questions kept, a second header row skipped
    }
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _doc_id(rel: str) -> str:
    return hashlib.sha1(rel.encode()).hexdigest()[:12]


def _prepare(rel: str, ctx: _Context, result: IngestResult) -> _Prepared | None:
    """Read one supported source; None when it is unchanged (noted in ``result``).

    Raises
    ------
    IngestError
        If the metadata is wrong or the file cannot be read as a source; a stored earlier version stays.
    """
    path = ctx.settings.corpus / rel
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    spec = survey_spec(rel, ctx.settings) if suffix in _SURVEY_SUFFIXES else None
    front: dict[str, Any] = {}
    if suffix in _FRONT_MATTER_SUFFIXES and raw.startswith((b"---", b"\xef\xbb\xbf---")):
        front, _ = split_front_matter(raw.decode("utf-8-sig", errors="replace"), rel)
    meta = resolve_metadata(rel, front, ctx.manifest.get(rel, {}), ctx.folder_wijk)
    bad = check_metadata(rel, meta)
    if bad:
        raise IngestError(bad)
    fingerprint = _fingerprint(raw, meta, ctx, spec)  # before a survey changes ``meta`` below
    if ctx.existing.get(_doc_id(rel)) == fingerprint:
        result.unchanged.append(rel)
        return None
    extracted = read_file(path, rel, sheet=spec.sheet if spec else None)
    blocks = _apply_markup_settings(extracted.blocks, ctx.settings)
    if not meta.get("date") and extracted.rows is None:  # the date a title or date line states
        dated_by_opening(meta, [t for b in blocks[:3] for t in (b.section or "", b.text)])
    respondents: list[RespondentRecord] = []
    if extracted.rows is not None:
        assert spec is not None  # only survey suffixes give rows
        rows = survey_blocks(extracted.rows, spec, rel, ctx.postcodes, ctx.units)
        blocks, respondents = rows.blocks, rows.respondents
        result.problems.extend(rows.problems)
        result.warnings.extend(rows.notes)
        if rows.dropped_columns:
            result.warnings.append(
                f"{rel}: column(s) {', '.join(repr(c) for c in rows.dropped_columns)} hold personal data "
                "(name, e-mail, phone, address, date of birth, ...) and were not stored."
            )
        if spec.date and not meta.get("date"):
            meta["date"] = str(spec.date)
        meta.update(wijk=None, kind="enquete", session=None)
        if not blocks:
            raise IngestError(InputProblem(rel, "the survey has respondents but no open answer with content"))
    return _Prepared(rel, _doc_id(rel), fingerprint, suffix.lstrip("."), meta, blocks, respondents)


def _apply_markup_settings(blocks: list[Block], settings: Settings) -> list[Block]:
    """Leave out blocks under a heading of ``markup.skip_headings``, and table rows with ``tables: skip``."""
    skip = {_heading_key(h) for h in settings.markup.skip_headings}
    keep_tables = settings.markup.tables == "count"
    return [
        b
        for b in blocks
        if not (b.section and _heading_key(b.section) in skip) and (keep_tables or b.unit != TABLE_ROW)
    ]


def _heading_key(heading: str) -> str:
    return normalise(heading).casefold().rstrip(":").strip()


def _prepare_all(ctx: _Context, result: IngestResult) -> tuple[list[_Prepared], set[str]]:
    """Read every new or changed source; return them and the paths of all supported files present.

    Bad files do not stop the run: each one becomes a problem in ``result`` and is left out.
    """
    prepared: list[_Prepared] = []
    present: set[str] = set()
    for rel in ctx.files:
        suffix = Path(rel).suffix.lower()
        if suffix not in SUPPORTED:
            result.problems.append(unsupported_format(rel, suffix))
            continue
        present.add(rel)
        try:
            p = _prepare(rel, ctx, result)
        except IngestError as exc:
            result.problems.extend(exc.problems)  # a stored earlier version of the file stays as it was
            continue
        except Exception as exc:  # noqa: BLE001 - one unreadable file must never stop the run
            why = f"could not be read ({type(exc).__name__}: {exc}); expected a valid {suffix} file"
            result.problems.append(InputProblem(rel, why))
            continue
        if p is not None:
            prepared.append(p)
    return prepared, present


# -- pseudonymising and segmenting ---------------------------------------------------------------------------
def _kept_words(ctx: _Context, prepared: list[_Prepared]) -> list[str]:
    """Words the pseudonymiser must never take for a person: the settings' ``keep`` and every wijk name."""
    wijken = {str(p.meta["wijk"]) for p in prepared if p.meta.get("wijk")}
    wijken |= {str(b.wijk) for p in prepared for b in p.blocks if b.wijk}
    wijken |= {str(w) for w in (*ctx.folder_wijk.values(), *ctx.postcodes.values()) if w}
    wijken |= set(ctx.stored_units)
    return [*ctx.settings.pseudonymise.keep, *sorted(wijken)]


def _pseudonymiser_for(
    prepared: list[_Prepared], key_path: Path, keep: list[str] | None = None, always: list[str] | None = None
) -> Pseudonymiser:
    """Open the key and learn every name in all new texts first, so replacement is consistent across them."""
    pseudo = Pseudonymiser(key_path, keep=keep or [], always=always or [])
    for p in prepared:
        for name in p.meta.get("speakers") or {}:
            pseudo.register_person(str(name))
        for b in p.blocks:
            if b.speaker:
                pseudo.register_person(b.speaker)
    for p in prepared:
        for b in p.blocks:
            if b.respondent_id in p.reuse:  # an unchanged survey row (see .row_reuse)
                continue
            pseudo.detect_names(b.text)
            if b.label:
                pseudo.detect_names(b.label)
    for p in prepared:  # rows whose earlier output may not stand now that the new names are known
        for text in row_reuse.confirm(p.reuse, p.blocks, p.respondents, pseudo):
            pseudo.detect_names(text)
    # after the texts, so that the placeholders of names in the texts do not depend on the file names
    for p in prepared:
        learn_path(pseudo, p.rel)
        if p.meta.get("session"):
            learn_slug(pseudo, str(p.meta["session"]))
        title = str(p.meta.get("title") or "")
        if title == Path(p.rel).stem:
            learn_slug(pseudo, title)
        else:
            pseudo.detect_names(title)
    return pseudo


def _unit(
    b: Block, p: _Prepared, speakers: dict[str, Any], pseudo: Pseudonymiser, counts: Counter[str]
) -> Unit:
    """Pseudonymise one block into a unit of the document text; count the replacements in ``counts``."""
    text, c = pseudo.pseudonymise(b.text, detect=False)
    counts.update(c)
    section = pseudo.pseudonymise(b.section, detect=False)[0] if b.section else None
    placeholder = role = respondent = None
    prefix = ""
    if b.speaker:
        placeholder = pseudo.register_person(b.speaker)
        # the metadata's role; else a label that starts with a role word ("Gespreksleider", "Bewoner 2")
        first = (b.speaker.split() or [""])[0].lower()
        role = speakers.get(b.speaker) or (turn_role(b.speaker) if first in ROLE_WORDS else "onbekend")
        counts["PERSOON"] += 1
        prefix = f"{placeholder} ({role}): "
    elif b.label:  # a labelled turn of a written account: a role ("Bewoner: ..."), never a registered person
        role = b.role
        prefix = f"{pseudo.pseudonymise(b.label, detect=False)[0]}: "
    elif b.respondent_id:
        role = "respondent"
        respondent = pseudo.pseudonymise(b.respondent_id, detect=False)[0]
        prefix = f"{respondent} · {b.question}: "
    return Unit(
        text=text,
        unit=b.unit,
        prefix=prefix,
        speaker=placeholder,
        role=role,
        time_start=b.time_start,
        time_end=b.time_end,
        section=section,
        question=b.question,
        respondent_id=respondent,
        wijk=b.wijk if b.respondent_id else p.meta.get("wijk"),
    )


def _build_document(p: _Prepared, pseudo: Pseudonymiser, max_chars: int, context: str = "") -> _Built:
    """Pseudonymise the blocks of one source and lay them out as its document text and segments.

    The answers of a survey row in ``p.reuse`` are taken from the row memory instead (:mod:`.row_reuse`).
    """
    counts: Counter[str] = Counter()
    speakers = {normalise(str(k)): v for k, v in (p.meta.get("speakers") or {}).items()}
    units: list[Unit] = []
    per_row: dict[str, list[tuple[Unit, Counter[str]]]] = {}
    for b in p.blocks:
        if b.respondent_id in p.reuse:
            units.append(row_reuse.reused_unit(b, p.reuse[str(b.respondent_id)]))
            continue
        c: Counter[str] = Counter()
        units.append(_unit(b, p, speakers, pseudo, c))
        counts.update(c)
        per_row.setdefault(str(b.respondent_id), []).append((units[-1], c))
    for out in p.reuse.values():
        counts.update(out.counts)
    text, segments = build_document(p.doc_id, units, max_chars)
    respondents = [
        p.reuse[r.respondent_id].respondent if r.respondent_id in p.reuse else _respondent(r, pseudo)
        for r in p.respondents
    ]
    title = str(p.meta.get("title"))
    if title == Path(p.rel).stem:
        title = pseudonymise_slug(pseudo, title)
    else:
        title = pseudo.pseudonymise(title, detect=False)[0]
    session = p.meta.get("session")
    return _Built(
        prepared=p,
        text=text,
        segments=segments,
        counts=counts,
        path=pseudonymise_path(pseudo, p.rel),
        title=title,
        session=pseudonymise_slug(pseudo, str(session)) if session else None,
        respondents=respondents,
        remember=row_reuse.memory_rows(p.row_hashes, context, p.reuse, per_row, p.respondents, respondents),
    )


def _respondent(r: RespondentRecord, pseudo: Pseudonymiser) -> RespondentRecord:
    """Pseudonymise a respondent's id and the values of the closed questions (known names, e-mails, ...)."""

    def clean(value: Any) -> Any:
        return pseudo.pseudonymise(value, detect=False)[0] if isinstance(value, str) and value else value

    answers = {k: v if k == "open" else clean(v) for k, v in r.answers.items()}
    return RespondentRecord(respondent_id=clean(r.respondent_id), wijk=r.wijk, answers=answers)


# -- storing -------------------------------------------------------------------------------------------------
def _record(b: _Built, path: str, stamp: str, run_id: str) -> DocumentRecord:
    p, m = b.prepared, b.prepared.meta
    return DocumentRecord(
        doc_id=p.doc_id,
        path=path,
        content_hash=p.fingerprint,
        format=p.fmt,
        kind=m.get("kind"),
        wijk=m.get("wijk"),
        date=m.get("date"),
        session=b.session,
        title=b.title,
        text=b.text,
        ingested_at=stamp,
        run_id=run_id,
    )


def _unique_paths(built: list[_Built], ctx: _Context, removed: list[str]) -> dict[str, str]:
    """Return ``{doc_id: stored path}``; two sources whose pseudonymised paths coincide get distinct ones."""
    replaced = {b.prepared.doc_id for b in built} | set(removed)
    taken = {path for doc_id, path in ctx.stored_paths.items() if doc_id not in replaced}
    out = {}
    for b in built:
        path = b.path
        if path in taken:
            stem, dot, suffix = path.rpartition(".")
            path = f"{stem}~{b.prepared.doc_id[:6]}.{suffix}" if dot else f"{path}~{b.prepared.doc_id[:6]}"
        taken.add(path)
        out[b.prepared.doc_id] = path
    return out


def _stored_problem(problem: InputProblem, pseudo: Pseudonymiser) -> InputProblem:
    """Return a problem as the store keeps it: path and message pseudonymised (the result keeps them)."""
    return InputProblem(
        path=pseudonymise_path(pseudo, problem.path),
        message=pseudo.pseudonymise(problem.message, detect=False)[0],
        location=problem.location,
    )


def _write(
    store: Store,
    built: list[_Built],
    removed: list[str],
    ctx: _Context,
    result: IngestResult,
    pseudo: Pseudonymiser,
) -> None:
    """Store new and changed sources, drop removed ones, flag boilerplate, record problems, in one go."""
    stamp = now_iso()
    paths = _unique_paths(built, ctx, removed)
    with store.transaction():
        for b in built:
            p = b.prepared
            (result.updated if p.doc_id in ctx.existing else result.added).append(p.rel)
            record = _record(b, paths[p.doc_id], stamp, result.run_id)
            store.replace_document(record, b.segments, b.respondents, b.counts)
        for doc_id in removed:
            store.remove_document_id(doc_id)
            result.removed.append(ctx.stored_paths[doc_id])
        store.mark_boilerplate(ctx.settings.markup.boilerplate_min_documents)
        store.drop_orphan_machine_codings()  # of segments that no longer exist; human codings are kept
        store.record_problems(result.run_id, [_stored_problem(p, pseudo) for p in result.problems])


def ingest_corpus(settings: Settings, store: Store) -> IngestResult:
    """Ingest every new or changed source of ``settings.corpus`` into ``store``.

    Bad files do not stop the run: each is reported in :attr:`IngestResult.problems` (file, row or column,
    what was expected) and the good files are ingested.

    Parameters
    ----------
    settings : Settings
        The corpus and its settings.
    store : Store
        The store to write to.

    Returns
    -------
    IngestResult
    """
    run_id = store.start_run("ingest", json.dumps({"corpus": str(settings.corpus)}))
    result = IngestResult(run_id=run_id)
    manifest = load_manifest(settings.corpus, result.problems)
    ctx = _Context(
        settings=settings,
        manifest=manifest,
        folder_wijk=manifest_folder_wijks(manifest),
        postcodes=load_postcodes(settings),
        existing=store.document_fingerprints_by_id(),
        stored_paths=store.document_paths_by_id(),
        files=_candidate_files(settings),
        stored_units=[str(w) for w in store.documents().wijk.dropna()],
    )
    ctx.units = corpus_units(ctx.files, _SURVEY_SUFFIXES, manifest, ctx.folder_wijk, ctx.postcodes,
                             ctx.stored_units)  # fmt: skip
    prepared, present = _prepare_all(ctx, result)
    if not present:
        result.warnings.append(_empty_corpus_warning(settings))
    keep = _kept_words(ctx, prepared)
    settings_hash = row_reuse.context_hash(keep, settings.pseudonymise.always)
    with RowMemory(row_reuse.memory_path(settings)) as memory:
        for p in prepared:
            p.row_hashes = row_reuse.row_hashes(p.blocks, p.respondents)
            p.reuse = row_reuse.remembered(memory, p.doc_id, p.row_hashes, settings_hash)
    pseudo = _pseudonymiser_for(prepared, settings.key_path, keep, settings.pseudonymise.always)
    context = row_reuse.key_context(settings_hash, pseudo)
    built = [_build_document(p, pseudo, settings.max_segment_chars, context) for p in prepared]
    on_disk = {_doc_id(path.relative_to(settings.corpus).as_posix()) for path in settings.corpus.rglob("*")}
    removed = [doc_id for doc_id in ctx.existing if doc_id not in on_disk]
    _write(store, built, removed, ctx, result, pseudo)
    # the key is saved after the store commit: a crash before it only re-numbers nothing stored; the row
    # memory after the key, so that it never holds a placeholder the key lacks
    pseudo.close()
    with RowMemory(row_reuse.memory_path(settings)) as memory:
        for b in built:
            memory.replace(b.prepared.doc_id, b.remember)
        memory.forget(removed)
    result.summary = corpus_summary(store)
    result.boilerplate = store.boilerplate_paragraphs()
    counts = {k: len(getattr(result, k)) for k in ("added", "updated", "removed", "unchanged", "problems")}
    store.finish_run(run_id, "ok" if not result.problems else "ok-with-problems", json.dumps(counts))
    return result


def _empty_corpus_warning(settings: Settings) -> str:
    ignored = ", ".join([*IGNORED, *settings.ignore])
    return (
        f"the corpus folder {settings.corpus} holds no file to ingest: none of the types "
        f"{', '.join(SUPPORTED)} outside the ignored ones ({ignored}). Put the sources in it (one subfolder "
        "per wijk, e.g. noord/2024-03-01-verslag.md; see the README, 'The corpus folder'), or point --corpus "
        "at the folder that holds them."
    )


def corpus_summary(store: Store) -> pd.DataFrame:
    """Documents, sessions, segments and respondents per wijk (plus a city-wide row for sources without one).

    Parameters
    ----------
    store : Store

    Returns
    -------
    pandas.DataFrame
        ``wijk, documents, sessions, segments, respondents, first_date, last_date``, one row per wijk and
        ``(stad)`` last.
    """
    seg = store.segment_counts_per_wijk()
    resp = store.respondent_counts_per_wijk()
    dates = store.session_dates_per_wijk()
    out = seg.merge(resp, on="wijk", how="outer").merge(dates, on="wijk", how="left")
    for col in ("documents", "sessions", "segments", "respondents", "respondents_with_answers"):
        out[col] = out[col].fillna(0).astype(int)
    out = out[["wijk", "documents", "sessions", "segments", "respondents", "first_date", "last_date"]]
    return out.sort_values("wijk", key=lambda s: s.str.replace("(", "~", regex=False)).reset_index(drop=True)


def corpus_hash(store: Store) -> str:
    """Return a short hash of everything ingested (paths and fingerprints), for a report's provenance."""
    h = hashlib.sha256()
    for path, fp in store.document_fingerprints().items():
        h.update(f"{path}\x00{fp}\n".encode())
    return h.hexdigest()[:16]
