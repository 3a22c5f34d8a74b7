"""Ingest: find new and changed sources in a corpus folder, read, pseudonymise, segment and store them.

Metadata of a source (wijk, date, kind, session, title, speakers) comes from, in this order:
1. YAML front matter of a ``.md``/``.txt`` file;
2. the corpus manifest (``manifest.yml``: a list ``documents`` of entries with ``path`` and the same keys);
3. the folder name (wijk) and a ``YYYY-MM-DD`` prefix of the file name (date).
Survey exports get the wijk per respondent, from a wijk column or from a postcode column through the lookup
table named by ``postcode_lookup`` (CSV: ``postcode4,wijk``).

Reruns are incremental: a source is identified by its path and fingerprinted by the sha256 of its bytes plus its
metadata and the segmentation settings. Unchanged sources are skipped, changed ones replaced (not duplicated),
removed ones dropped (human codings are kept, see :mod:`wijkanalyse.store`). All writes of one run happen in one
transaction: an interrupted ingest leaves the previous state intact. Raw files are only ever read.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from wijkanalyse.config import Settings, SurveySpec
from wijkanalyse.exceptions import IngestError, InputProblem, SettingsError
from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.readers import SUPPORTED, Block, normalise, read_file, split_front_matter
from wijkanalyse.ingest.segment import SegmentRecord, Unit, build_document
from wijkanalyse.store import Store, now_iso

__all__ = ["ingest_corpus", "IngestResult", "corpus_summary", "corpus_hash", "NON_ANSWERS"]

MANIFEST_NAMES = ("manifest.yml", "manifest.yaml")
IGNORED = ("README*", "*.yml", "*.yaml", ".*", "~$*", "*.tmp")
META_KEYS = {"wijk", "date", "kind", "session", "title", "speakers", "path"}
KINDS = {"notulen", "transcript", "verslag", "enquete", "synthese", "notitie"}
ROLES = {"bewoner", "wijkraadslid", "ambtenaar", "gespreksleider", "partner", "onbekend"}
#: survey answers that carry no content: counted as "not answered" (lower-cased, stripped of punctuation)
NON_ANSWERS = {
    "", "-", "--", "nvt", "n.v.t", "n.v.t.", "weet niet", "weet ik niet", "geen idee", "geen", "nee", "niets", "niks",
    "geen mening", "x", ".", "?", "geen antwoord", "idk", "no", "none", "n/a", "na",
}
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_ID_CANDIDATES = ("respondent_id", "respondent", "respondentid", "responseid", "response id", "id", "nr")
_WIJK_CANDIDATES = ("wijk", "buurt", "wijknaam")
_POSTCODE_CANDIDATES = ("postcode", "pc4", "postcode4", "zip")


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

    def describe(self) -> str:
        """A short human-readable account, with the per-wijk summary."""
        lines = [
            f"Ingest run {self.run_id}: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, {len(self.problems)} problem(s)."
        ]
        if self.summary is not None and len(self.summary):
            lines.append(self.summary.to_string(index=False))
        return "\n".join(lines)


# -- metadata -------------------------------------------------------------------------------------------------
def _load_manifest(corpus: Path, problems: list[InputProblem]) -> dict[str, dict[str, Any]]:
    for name in MANIFEST_NAMES:
        path = corpus / name
        if path.exists():
            break
    else:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Manifest {path} is not valid YAML: {exc}") from exc
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SettingsError(f"Manifest {path} must have a list 'documents' of entries with a 'path'.")
    out: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries, start=1):
        where = f"entry {i}"
        if not isinstance(entry, dict) or "path" not in entry:
            problems.append(InputProblem(name, "each entry needs a 'path' (relative to the corpus folder)", where))
            continue
        rel = str(entry["path"])
        unknown = set(entry) - META_KEYS
        for key in sorted(unknown):
            close = difflib.get_close_matches(key, sorted(META_KEYS), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" Expected one of {sorted(META_KEYS)}."
            problems.append(InputProblem(name, f"unknown key {key!r} for {rel}.{hint}", where))
        if not (corpus / rel).is_file():
            problems.append(InputProblem(name, f"names a file that does not exist: {rel}", where))
            continue
        out[rel] = {k: v for k, v in entry.items() if k in META_KEYS and k != "path"}
    return out


def _check_meta(rel: str, meta: dict[str, Any]) -> list[InputProblem]:
    problems = []
    kind = meta.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append(InputProblem(rel, f"kind {kind!r} is not one of {sorted(KINDS)}", "metadata"))
    date = meta.get("date")
    if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
        problems.append(InputProblem(rel, f"date {date!r} is not a date like 2023-01-24", "metadata"))
    speakers = meta.get("speakers") or {}
    if not isinstance(speakers, dict):
        problems.append(InputProblem(rel, "speakers must map a speaker's name to a role", "metadata"))
    else:
        for name, role in speakers.items():
            if role not in ROLES:
                problems.append(InputProblem(rel, f"speaker {name!r} has role {role!r}; expected one of {sorted(ROLES)}", "metadata"))
    return problems


def _folder_wijk(rel: str, known: dict[str, str]) -> str | None:
    parts = Path(rel).parts
    if len(parts) < 2:
        return None
    slug = parts[0]
    if slug in known:
        return known[slug]
    return "-".join(w.capitalize() for w in slug.split("-"))


def _resolve_meta(rel: str, front: dict[str, Any], manifest: dict[str, Any], folder_wijk: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    meta.update(manifest)
    meta.update({k: v for k, v in front.items() if k in META_KEYS})
    if "wijk" not in meta:
        meta["wijk"] = _folder_wijk(rel, folder_wijk)
    if not meta.get("date"):
        m = _DATE_RE.match(Path(rel).name)
        meta["date"] = m.group(1) if m else None
    if meta.get("date") is not None:
        meta["date"] = str(meta["date"])
    suffix = Path(rel).suffix.lower()
    if not meta.get("kind"):
        meta["kind"] = {".vtt": "transcript", ".srt": "transcript", ".csv": "enquete", ".xlsx": "enquete"}.get(
            suffix, "verslag"
        )
    if not meta.get("session") and meta.get("wijk") and meta["kind"] != "enquete":
        slug = re.sub(r"[^a-z0-9]+", "-", str(meta["wijk"]).lower()).strip("-")
        meta["session"] = f"{slug}-{meta.get('date') or 'onbekend'}"
    if not meta.get("title"):
        meta["title"] = Path(rel).stem
    return meta


# -- surveys --------------------------------------------------------------------------------------------------
def _find_column(columns: list[str], wanted: str | None, candidates: tuple[str, ...], rel: str, what: str) -> str | None:
    if wanted:
        if wanted in columns:
            return wanted
        close = difflib.get_close_matches(wanted, columns, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise IngestError(
            InputProblem(rel, f"column {wanted!r} ({what}) not found.{hint} Columns found: {columns}", f"column '{wanted}'")
        )
    lower = {c.lower().strip(): c for c in columns}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


def _load_postcodes(settings: Settings) -> dict[str, str]:
    if not settings.postcode_lookup:
        return {}
    path = settings.corpus / settings.postcode_lookup
    if not path.exists():
        raise SettingsError(f"The postcode lookup {path} named in the settings does not exist.")
    df = pd.read_csv(path, dtype=str)
    if not {"postcode4", "wijk"} <= set(df.columns):
        raise SettingsError(f"The postcode lookup {path} needs columns 'postcode4' and 'wijk'; found {list(df.columns)}.")
    return {str(p).strip(): str(w).strip() for p, w in zip(df["postcode4"], df["wijk"], strict=True)}


def _is_non_answer(text: str) -> bool:
    return text.lower().strip().strip(".!?").strip() in NON_ANSWERS


def _survey_blocks(
    df: pd.DataFrame, spec: SurveySpec, rel: str, postcodes: dict[str, str]
) -> tuple[list[Block], list[dict[str, Any]], list[InputProblem]]:
    columns = list(df.columns)
    id_col = _find_column(columns, spec.respondent_id, _ID_CANDIDATES, rel, "respondent id")
    wijk_col = _find_column(columns, spec.wijk_column, _WIJK_CANDIDATES, rel, "wijk")
    pc_col = None if wijk_col else _find_column(columns, spec.postcode_column, _POSTCODE_CANDIDATES, rel, "postcode")
    if wijk_col is None and pc_col is None:
        raise IngestError(
            InputProblem(rel, f"no wijk or postcode column; set wijk_column or postcode_column in the settings. Columns found: {columns}")
        )
    if pc_col and not postcodes:
        raise IngestError(InputProblem(rel, "a postcode column is used but the settings name no postcode_lookup table"))
    qmap = spec.question_map()
    if qmap is None:  # detect open questions: text columns with long answers on average
        skip = {id_col, wijk_col, pc_col}
        qmap = {}
        for c in columns:
            if c in skip:
                continue
            lengths = df[c].astype(str).str.len()
            if lengths.mean() > 25 and df[c].nunique() > len(df) / 3:
                qmap[c] = c
        if not qmap:
            raise IngestError(InputProblem(rel, f"no open questions found; set text_columns in the settings. Columns found: {columns}"))
    else:
        missing = [col for col in qmap.values() if col not in columns]
        if missing:
            details = []
            for col in missing:
                close = difflib.get_close_matches(col, columns, n=1)
                details.append(f"{col!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise IngestError(
                InputProblem(rel, f"text column(s) {', '.join(details)} not found. Columns found: {columns}")
            )
    closed = [c for c in columns if c not in set(qmap.values()) | {id_col, wijk_col, pc_col}]
    blocks: list[Block] = []
    respondents: list[dict[str, Any]] = []
    problems: list[InputProblem] = []
    seen_ids: set[str] = set()
    for i, row in enumerate(df.itertuples(index=False), start=2):  # row 1 is the header
        rec = dict(zip(columns, row, strict=True))
        rid = str(rec[id_col]).strip() if id_col else f"rij-{i}"
        if not rid:
            rid = f"rij-{i}"
        if rid in seen_ids:
            problems.append(InputProblem(rel, f"respondent id {rid!r} occurs twice; the later row is skipped", f"row {i}"))
            continue
        seen_ids.add(rid)
        if wijk_col:
            wijk = str(rec[wijk_col]).strip() or None
        else:
            raw_pc = str(rec[pc_col]).strip().upper().replace(" ", "")
            wijk = postcodes.get(raw_pc[:4]) if re.fullmatch(r"\d{4}([A-Z]{2})?", raw_pc) else None
            if wijk is None:
                problems.append(
                    InputProblem(
                        rel,
                        f"postcode {raw_pc[:4] + '..' if raw_pc else '(empty)'} is not in the postcode lookup; "
                        "the answers are kept city-wide without a wijk",
                        f"row {i}, column '{pc_col}'",
                    )
                )
        answered = {}
        for key, col in qmap.items():
            text = normalise(str(rec[col]))
            if _is_non_answer(text):
                answered[key] = "leeg" if not text.strip("-. ") else "geen inhoud"
                continue
            answered[key] = "beantwoord"
            blocks.append(Block(text=text, unit="answer", question=key, respondent_id=rid, wijk=wijk))
        respondents.append(
            {
                "respondent_id": rid,
                "wijk": wijk,
                "answers": {"open": answered, **{c: str(rec[c]) for c in closed}},
            }
        )
    return blocks, respondents, problems


# -- the run --------------------------------------------------------------------------------------------------
def _candidate_files(settings: Settings) -> list[str]:
    corpus = settings.corpus
    ignore = list(IGNORED) + list(settings.ignore)
    if settings.postcode_lookup:
        ignore.append(settings.postcode_lookup)
    files = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(corpus).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue
        if any(fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(rel, pat) for pat in ignore):
            continue
        files.append(rel)
    return files


def _survey_spec(rel: str, settings: Settings) -> SurveySpec:
    for spec in settings.surveys:
        if fnmatch.fnmatch(rel, spec.path):
            return spec
    return SurveySpec(path=rel)


def _fingerprint(raw: bytes, meta: dict[str, Any], settings: Settings, spec: SurveySpec | None) -> str:
    h = hashlib.sha256(raw)
    extra = {"meta": meta, "max": settings.max_segment_chars, "spec": spec.model_dump() if spec else None, "v": 1}
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


@dataclass
class _Prepared:
    rel: str
    doc_id: str
    fingerprint: str
    fmt: str
    meta: dict[str, Any]
    blocks: list[Block]
    respondents: list[dict[str, Any]]


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
    problems = result.problems
    manifest = _load_manifest(settings.corpus, problems)
    folder_wijk: dict[str, str] = {}
    for rel, m in manifest.items():
        if m.get("wijk") and len(Path(rel).parts) > 1:
            folder_wijk.setdefault(Path(rel).parts[0], str(m["wijk"]))
    postcodes = _load_postcodes(settings)
    existing = {r["path"]: r for r in store.con.execute("SELECT doc_id, path, content_hash FROM documents")}

    prepared: list[_Prepared] = []
    present: set[str] = set()
    for rel in _candidate_files(settings):
        path = settings.corpus / rel
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            problems.append(InputProblem(rel, f"unsupported file type {suffix!r}; expected one of {', '.join(SUPPORTED)}"))
            continue
        present.add(rel)
        raw = path.read_bytes()
        spec = _survey_spec(rel, settings) if suffix in (".csv", ".xlsx") else None
        try:
            front: dict[str, Any] = {}
            if suffix in (".md", ".txt") and raw.startswith((b"---", b"\xef\xbb\xbf---")):
                front, _ = split_front_matter(raw.decode("utf-8-sig", errors="replace"), rel)
            meta = _resolve_meta(rel, front, manifest.get(rel, {}), folder_wijk)
            bad = _check_meta(rel, meta)
            if bad:
                raise IngestError(bad)
            fingerprint = _fingerprint(raw, meta, settings, spec)
            old = existing.get(rel)
            if old is not None and old["content_hash"] == fingerprint:
                result.unchanged.append(rel)
                continue
            extracted = read_file(path, rel, sheet=spec.sheet if spec else None)
            respondents: list[dict[str, Any]] = []
            blocks = extracted.blocks
            if extracted.rows is not None:
                assert spec is not None
                blocks, respondents, row_problems = _survey_blocks(extracted.rows, spec, rel, postcodes)
                problems.extend(row_problems)
                if spec.date and not meta.get("date"):
                    meta["date"] = str(spec.date)
                meta["wijk"] = None
                meta["kind"] = "enquete"
                meta["session"] = None
                if not blocks:
                    raise IngestError(InputProblem(rel, "the survey has respondents but not one open answer with content"))
        except IngestError as exc:
            problems.extend(exc.problems)  # a stored earlier version of the file stays as it was
            continue
        except Exception as exc:  # noqa: BLE001 - one unreadable file must never stop the run
            problems.append(
                InputProblem(rel, f"could not be read ({type(exc).__name__}: {exc}); expected a valid {suffix} file")
            )
            continue
        doc_id = hashlib.sha1(rel.encode()).hexdigest()[:12]
        prepared.append(_Prepared(rel, doc_id, fingerprint, suffix.lstrip("."), meta, blocks, respondents))

    # pseudonymise: first collect every name in all new texts, then replace (consistent across documents)
    pseudo = Pseudonymiser(settings.key_path)
    for p in prepared:
        for name in (p.meta.get("speakers") or {}):
            pseudo.register_person(str(name))
        for b in p.blocks:
            if b.speaker:
                pseudo.register_person(b.speaker)
    for p in prepared:
        for b in p.blocks:
            pseudo.detect_names(b.text)

    rows: list[tuple[_Prepared, str, list[SegmentRecord], Counter[str]]] = []
    for p in prepared:
        counts: Counter[str] = Counter()
        speakers = {normalise(str(k)): v for k, v in (p.meta.get("speakers") or {}).items()}
        units = []
        for b in p.blocks:
            text, c = pseudo.pseudonymise(b.text, detect=False)
            counts.update(c)
            section = pseudo.pseudonymise(b.section, detect=False)[0] if b.section else None
            placeholder = role = None
            prefix = ""
            if b.speaker:
                placeholder = pseudo.register_person(b.speaker)
                role = speakers.get(b.speaker, "onbekend")
                counts["PERSOON"] += 1
                prefix = f"{placeholder} ({role}): "
            elif b.respondent_id:
                role = "respondent"
                prefix = f"{b.respondent_id} · {b.question}: "
            units.append(
                Unit(
                    text=text, unit=b.unit, prefix=prefix, speaker=placeholder, role=role,
                    time_start=b.time_start, time_end=b.time_end, section=section,
                    question=b.question, respondent_id=b.respondent_id, wijk=b.wijk if b.respondent_id else p.meta.get("wijk"),
                )
            )
        doc_text, segments = build_document(p.doc_id, units, settings.max_segment_chars)
        rows.append((p, doc_text, segments, counts))

    removed = [rel for rel in existing if rel not in present and not (settings.corpus / rel).exists()]
    stamp = now_iso()
    with store.transaction() as con:
        for p, doc_text, segments, counts in rows:
            if p.rel in existing:
                result.updated.append(p.rel)
                con.execute("DELETE FROM documents WHERE doc_id = ?", (p.doc_id,))
            else:
                result.added.append(p.rel)
            m = p.meta
            con.execute(
                "INSERT INTO documents(doc_id, path, content_hash, format, kind, wijk, date, session, title, text, "
                "ingested_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (p.doc_id, p.rel, p.fingerprint, p.fmt, m.get("kind"), m.get("wijk"), m.get("date"),
                 m.get("session"), str(m.get("title")), doc_text, stamp, run_id),
            )
            con.executemany(
                'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, wijk, date, '
                "session, kind, speaker, role, time_start, time_end, section, question, respondent_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (s.segment_id, p.doc_id, s.position, s.start, s.end, s.text,
                     hashlib.sha256(s.text.encode()).hexdigest(), s.unit, s.wijk, m.get("date"), m.get("session"),
                     m.get("kind"), s.speaker, s.role, s.time_start, s.time_end, s.section, s.question, s.respondent_id)
                    for s in segments
                ],
            )
            con.executemany(
                "INSERT INTO respondents(doc_id, respondent_id, wijk, answers_json) VALUES (?,?,?,?)",
                [(p.doc_id, r["respondent_id"], r["wijk"], json.dumps(r["answers"], ensure_ascii=False)) for r in p.respondents],
            )
            con.executemany(
                "INSERT INTO pseudonym_counts(doc_id, category, n) VALUES (?,?,?)",
                [(p.doc_id, cat, n) for cat, n in sorted(counts.items())],
            )
        for rel in removed:
            con.execute("DELETE FROM documents WHERE path = ?", (rel,))
            result.removed.append(rel)
        # machine codings of segments that no longer exist are dropped; human codings are kept
        con.execute(
            "DELETE FROM codings WHERE kind = 'machine' AND segment_id NOT IN (SELECT segment_id FROM segments)"
        )
        con.executemany(
            "INSERT INTO ingest_problems(run_id, path, location, message) VALUES (?,?,?,?)",
            [(run_id, p.path, p.location, p.message) for p in problems],
        )
    pseudo.close()  # the key is saved after the store commit: a crash before it only re-numbers nothing stored
    result.summary = corpus_summary(store)
    store.finish_run(
        run_id,
        "ok" if not problems else "ok-with-problems",
        json.dumps({"added": len(result.added), "updated": len(result.updated), "removed": len(result.removed),
                    "unchanged": len(result.unchanged), "problems": len(problems)}),
    )
    return result


def corpus_summary(store: Store) -> pd.DataFrame:
    """Documents, sessions, segments and respondents per wijk (plus a city-wide row for sources without one)."""
    seg = store.query(
        "SELECT coalesce(s.wijk, '(stad)') AS wijk, count(DISTINCT s.doc_id) AS documents, "
        "count(DISTINCT CASE WHEN s.kind != 'enquete' THEN s.session END) AS sessions, "
        "count(*) AS segments, count(DISTINCT s.respondent_id) AS respondents_with_answers "
        "FROM segments s GROUP BY 1"
    )
    resp = store.query("SELECT coalesce(wijk, '(stad)') AS wijk, count(*) AS respondents FROM respondents GROUP BY 1")
    dates = store.query(
        "SELECT coalesce(wijk, '(stad)') AS wijk, min(date) AS first_date, max(date) AS last_date FROM segments "
        "WHERE kind != 'enquete' GROUP BY 1"
    )
    out = seg.merge(resp, on="wijk", how="outer").merge(dates, on="wijk", how="left")
    for col in ("documents", "sessions", "segments", "respondents", "respondents_with_answers"):
        out[col] = out[col].fillna(0).astype(int)
    out = out[["wijk", "documents", "sessions", "segments", "respondents", "first_date", "last_date"]]
    return out.sort_values("wijk", key=lambda s: s.str.replace("(", "~", regex=False)).reset_index(drop=True)


def corpus_hash(store: Store) -> str:
    """A short hash of everything ingested (paths and fingerprints): the corpus part of a report's provenance."""
    h = hashlib.sha256()
    for path, fp in store.con.execute("SELECT path, content_hash FROM documents ORDER BY path"):
        h.update(f"{path}\x00{fp}\n".encode())
    return h.hexdigest()[:16]
