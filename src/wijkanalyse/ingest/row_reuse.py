"""Row-level reruns of a survey export: an updated export pseudonymises only its new and changed rows.

A survey export is re-exported whole when answers come in: with 1 % more answers, 99 % of its rows are the
rows ingested before, and pseudonymising every one of them again was most of the rerun (9 of 50 s at 10k
answers, ``benchmarks/results/bench_rerun.md``). Ingest still reads the whole file and replaces the
document (its text, segments and respondents); what it reuses is what pseudonymising a row gave, kept in a
private :class:`~wijkanalyse.store.RowMemory` next to the key (:func:`memory_path`).

A row is the respondent and its answers as read (:class:`~wijkanalyse.store.RespondentRecord` and the
answer blocks of that respondent); its hash covers the respondent id, the wijk, every closed and open answer.
A remembered row's output is reused only when all of these hold, so that the document equals the one a
whole re-ingest with the same key would give (``tests/test_row_reuse.py`` compares them):

1. the raw row is the same (same hash) and the pseudonymisation settings are the same (:func:`context_hash`:
   the ``keep`` words, including every wijk name, and the ``always`` words);
2. the key is the one the row was done with, grown since: every placeholder of the output is in it, and its
   first ``n`` person names are the ``n`` names it held then (a digest of them is remembered with ``n``; a
   key file only ever adds names, in order);
3. none of the names the key learned since — from a new row, or from a session ingested in between — occurs
   in the row where the pseudonymiser looks for names
   (:meth:`~wijkanalyse.ingest.pseudonymise.Pseudonymiser.finds_names`): pseudonymising the row now would
   replace it, so such a row is done again. Everything else pseudonymisation does to a row is a function of
   its text, the settings and placeholders the key already held, so it gives what it gave then.

The pseudonym of a person therefore stays consistent across rows and documents: new and changed rows are
read for names (and pseudonymised) in file order as before, and a reused row names nobody the key knows.
Reused rows keep their segment ids (the id is a hash of the document, the text and its occurrence), so their
codings, embeddings and theme assignments stay; a changed row is a new text with a new segment id, and its
old segment's machine codings go as before (human codings are never removed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wijkanalyse.config import Settings
from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.readers import Block
from wijkanalyse.ingest.segment import Unit
from wijkanalyse.store import RespondentRecord, RowMemory

__all__ = [
    "MEMORY_FILE",
    "RowOutput",
    "memory_path",
    "context_hash",
    "key_context",
    "row_hashes",
    "remembered",
    "confirm",
    "reused_unit",
    "memory_rows",
]

#: The file of the row memory, in the folder of the pseudonymisation key.
MEMORY_FILE = "survey_rows.sqlite"
#: Raised when the format of an output or what a row's hash covers changes: old rows are then not reused.
_VERSION = 1
_PLACEHOLDER_RE = re.compile(r"\[[A-Z]+-\d+\]")


@dataclass(frozen=True)
class RowOutput:
    """What pseudonymising one survey row gave."""

    respondent: RespondentRecord  # pseudonymised id, the wijk, closed answers pseudonymised
    texts: dict[str, str]  # question key -> the pseudonymised answer
    counts: dict[str, int]  # replacements per category in the answers
    done_with: str = ""  # the context (:func:`key_context`) it was made with, when read from the memory
    raw: str = ""  # the JSON it was read from

    def to_json(self) -> str:
        """Return the output as JSON, as the row memory keeps it (the order of the answers is kept)."""
        if self.raw:
            return self.raw
        r = self.respondent
        respondent = {"respondent_id": r.respondent_id, "wijk": r.wijk, "answers": r.answers}
        return json.dumps(
            {"respondent": respondent, "texts": self.texts, "counts": self.counts}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str, done_with: str = "") -> RowOutput:
        """Read an output written by :meth:`to_json`."""
        d = json.loads(text)
        counts = {str(k): int(v) for k, v in d["counts"].items()}
        return cls(RespondentRecord(**d["respondent"]), dict(d["texts"]), counts, done_with, text)


def memory_path(settings: Settings) -> Path:
    """Return the row memory's file: next to the pseudonymisation key, as private."""
    return settings.key_path.with_name(MEMORY_FILE)


def context_hash(keep: Iterable[str], always: Iterable[str]) -> str:
    """Return the hash of the settings a row's pseudonymisation depended on besides the key."""
    data = {"keep": sorted(set(keep)), "always": sorted(set(always)), "v": _VERSION}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _names_digest(names: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(names, ensure_ascii=False).encode()).hexdigest()[:32]


def key_context(settings_hash: str, pseudo: Pseudonymiser) -> str:
    """Return what a row done now is remembered with: the settings, and the key's person names so far."""
    names = pseudo.names_known()
    return f"{settings_hash}/{len(names)}/{_names_digest(names)}"


def _survey_blocks_only(blocks: list[Block]) -> bool:
    return all(b.respondent_id and not (b.speaker or b.label or b.section) for b in blocks)


def row_hashes(blocks: list[Block], respondents: list[RespondentRecord]) -> dict[str, str]:
    """Return ``{raw respondent id: hash of its raw row}``; empty for a document that is no plain survey."""
    if not respondents or not _survey_blocks_only(blocks):
        return {}
    answers: dict[str, list[list[Any]]] = {}
    for b in blocks:
        answers.setdefault(str(b.respondent_id), []).append([b.question, b.text, b.wijk, b.unit])
    out = {}
    for r in respondents:
        raw = [_VERSION, r.respondent_id, r.wijk, r.answers, answers.get(r.respondent_id, [])]
        out[r.respondent_id] = hashlib.sha256(
            json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str).encode()
        ).hexdigest()
    return out


def remembered(memory: RowMemory, doc_id: str, hashes: dict[str, str], context: str) -> dict[str, RowOutput]:
    """Return the remembered outputs of the rows whose raw row and settings are unchanged (check 1)."""
    if not hashes:
        return {}
    kept = memory.rows(doc_id)
    out = {}
    for rid, h in hashes.items():
        hit = kept.get(h)
        if hit is not None and hit[0].split("/")[0] == context:
            out[rid] = RowOutput.from_json(hit[1], hit[0])
    return out


def _row_texts(blocks: list[Block], respondent: RespondentRecord) -> list[str]:
    closed = [v for k, v in respondent.answers.items() if k != "open" and isinstance(v, str) and v]
    return [b.text for b in blocks] + [respondent.respondent_id, *closed]


def confirm(
    reuse: dict[str, RowOutput],
    blocks: list[Block],
    respondents: list[RespondentRecord],
    pseudo: Pseudonymiser,
) -> list[str]:
    """Drop the rows that must be done again (checks 2 and 3) from ``reuse``; return their raw texts.

    Call it after the pseudonymiser learned the names of every row that is done anew, so that check 3 sees
    them. The caller reads the returned texts for names like the other new texts (they give none the key
    lacks, by check 3's reasoning, but reading them costs little and keeps the order of a whole re-ingest).
    """
    by_rid: dict[str, list[Block]] = {}
    for b in blocks:
        by_rid.setdefault(str(b.respondent_id), []).append(b)
    names, known = pseudo.names_known(), pseudo.placeholders()
    tests: dict[str, Callable[[str], bool] | None] = {}  # per context: the test of the names learned since
    again: list[str] = []
    for r in respondents:
        out = reuse.get(r.respondent_id)
        if out is None:
            continue
        if out.done_with not in tests:
            tests[out.done_with] = _since(out.done_with, names, pseudo)
        test = tests[out.done_with]
        texts = _row_texts(by_rid.get(r.respondent_id, []), r)
        made = set(_PLACEHOLDER_RE.findall(out.to_json()))
        if test is None or not made <= known or any(test(t) for t in texts):
            del reuse[r.respondent_id]
            again += [b.text for b in by_rid.get(r.respondent_id, [])]
    return again


def _since(
    done_with: str, names: list[tuple[str, str]], pseudo: Pseudonymiser
) -> Callable[[str], bool] | None:
    """Return the test for the names learned since ``done_with``; None when the key is not the one it had."""
    try:
        _, n_text, digest = done_with.split("/")
        n = int(n_text)
    except ValueError:
        return None
    if n > len(names) or _names_digest(names[:n]) != digest:
        return None
    return pseudo.finds_names([name for name, _ in names[n:]])


def reused_unit(b: Block, out: RowOutput) -> Unit:
    """Return the unit of an answer block of a reused row (as :func:`.corpus._unit` makes it anew)."""
    rid = out.respondent.respondent_id
    return Unit(
        text=out.texts[str(b.question)],
        unit=b.unit,
        prefix=f"{rid} · {b.question}: ",
        role="respondent",
        question=b.question,
        respondent_id=rid,
        wijk=b.wijk,
    )


def memory_rows(
    hashes: dict[str, str],
    context: str,
    reuse: dict[str, RowOutput],
    units: dict[str, list[tuple[Unit, Counter[str]]]],
    raw: list[RespondentRecord],
    done: list[RespondentRecord],
) -> list[tuple[str, str, str]]:
    """Return the rows to remember for one survey: ``(row_hash, context, output)`` for every respondent.

    Parameters
    ----------
    hashes : dict
        :func:`row_hashes` of the raw rows (empty for a document that is no survey: nothing to remember).
    context : str
        :func:`context_hash` of this ingest.
    reuse : dict
        The reused rows' outputs (raw respondent id -> :class:`RowOutput`), remembered as they are.
    units : dict
        Raw respondent id -> the units of its answers done anew, each with its replacement counts.
    raw, done : list of RespondentRecord
        The respondents as read and as pseudonymised, in row order.
    """
    if not hashes:
        return []
    out = []
    for r, resp in zip(raw, done, strict=True):
        row = reuse.get(r.respondent_id)
        if row is None:
            made = units.get(r.respondent_id, [])
            counts: Counter[str] = sum((c for _, c in made), Counter())
            row = RowOutput(resp, {str(u.question): u.text for u, _ in made}, dict(counts))
        out.append((hashes[r.respondent_id], context, row.to_json()))
    return out
