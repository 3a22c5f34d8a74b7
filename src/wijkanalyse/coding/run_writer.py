"""Write one machine coding run in batches, one transaction per batch, so that a killed run resumes on rerun.

:func:`~wijkanalyse.coding.apply.code_store` codes in partitions (:mod:`.partitions`) and hands each
partition's codings to :class:`RunWriter` as it is done (on a cluster, in the order the workers finish):

``begin``
    One transaction: the codebook's codes, the machine coder, the run in the history (with what it learned
    from), the removal of codings of segments that no longer exist; for a full recode also a *pending*
    marker ``{state, runs}`` (:meth:`~wijkanalyse.store.Store.coding_pending`).
``write``
    One transaction per partition: for a full recode the segments' earlier machine codings are replaced (a
    segment whose partition was not written yet keeps its earlier codings), the new ones are added and
    logged in the history with the run's counts.
``finish``
    One transaction: the coding state (what the next run compares with) and the pending marker cleared.

A run killed between batches leaves the written partitions and the rest as they were. The rerun sees the
same coding state in the pending marker and codes only the segments the pending runs did not write
(``code_store`` reports them as ``resumed``), with the same model (kept next to the store, or refitted on
the same seeded sample: the same model). Codings a person rejected are never written again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE
from wijkanalyse.coding.history import change_counts, change_warnings
from wijkanalyse.coding.partitions import Coded
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE

__all__ = ["RunWriter"]

_IN_CHUNK = 5_000  # segment ids per SQL ``IN (...)`` (SQLite limits the parameters of one statement)


class RunWriter:
    """Writes a coding run's machine codings in batches; see the module docstring.

    Parameters
    ----------
    store : Store
    result : CodingResult
        Updated as batches are written (``coded``, ``written``, ``removed``, ``per_code``, ``per_soort``,
        ``geen``, ``warnings``).
    state : dict
        The coding state of the run.
    codes : pandas.DataFrame
        The codebook's ``codes`` rows (synced in :meth:`begin`).
    soort_ids : sequence of str
    rejected : set of (segment_id, code_id)
        Pairs a person rejected: never written.
    """

    def __init__(
        self,
        store: Store,
        result: Any,
        state: dict[str, Any],
        *,
        codes: pd.DataFrame,
        soort_ids: Sequence[str],
        rejected: set[tuple[str, str]],
    ):
        self.store, self.result, self.state = store, result, state
        self.codes, self.soort_ids, self.rejected = codes, list(soort_ids), rejected
        self.full = result.mode == "full"
        self.previous: str | None = None
        self.changes = [0, 0, 0, 0]  # change_counts summed over the batches

    def begin(self, stale: Sequence[str]) -> None:
        """Start the run in one transaction (codes, coder, the run's history entry, stale codings out)."""
        store, res = self.store, self.result
        with store.transaction():
            store.sync_codes(self.codes, prune=True)
            store.ensure_coder(MACHINE, kind="machine", name="wijkanalyse CodebookCoder")
            store.archive_live_machine_codings(MACHINE)  # what is replaced stays restorable
            runs = store.machine_runs()
            self.previous = str(runs["run_id"].iloc[-1]) if len(runs) else None
            for i in range(0, len(stale), _IN_CHUNK):
                res.removed += store.remove_machine_codings(MACHINE, list(stale[i : i + _IN_CHUNK]))
            store.log_machine_run(
                res.run_id, res.model, res.mode, [], state=self.state, provenance=res.learning,
                counts=(res.segments, 0, 0),
            )  # fmt: skip
            if self.full:
                pending = store.coding_pending()
                earlier = list(pending["runs"]) if pending and pending.get("state") == self.state else []
                store.set_coding_pending({"state": self.state, "runs": [*earlier, res.run_id]})

    def write(self, segment_ids: Sequence[str], coded: Coded) -> None:
        """Write one partition's codings in one transaction (replacing earlier ones in a full recode)."""
        store, res = self.store, self.result
        rows: list[tuple[str, str, float]] = []
        for sid, (applied, soort, sconf) in zip(segment_ids, coded, strict=True):
            rows += [(sid, c, round(float(p), 6)) for c, p in applied if (sid, c) not in self.rejected]
            if soort is not None and (sid, soort) not in self.rejected:  # None: the codebook has no soort
                rows.append((sid, soort, round(float(sconf), 6)))
        ids = list(segment_ids)
        with store.transaction():
            if self.full:
                for i in range(0, len(ids), _IN_CHUNK):
                    part = ids[i : i + _IN_CHUNK]
                    before = store.machine_codings_on(part)
                    before = before[before["status"] == "applied"]
                    done = set(part)
                    counts = change_counts(before, [r for r in rows if r[0] in done], self.soort_ids)
                    self.changes = [a + b for a, b in zip(self.changes, counts, strict=True)]
                    res.removed += store.remove_machine_codings(MACHINE, part)
            store.add_machine_codings(rows, MACHINE, res.model, res.run_id)
            store.log_machine_run(res.run_id, res.model, res.mode, rows)  # the run exists: adds the history
            soort_set = set(self.soort_ids)
            for _, c, _ in rows:
                target = res.per_soort if c in soort_set else res.per_code
                target[c] = target.get(c, 0) + 1
            res.written += len(rows)
            res.coded += len(ids)
            res.geen = res.per_code.get(NONE_CODE, 0)
            store.set_machine_run_counts(res.run_id, (res.segments, res.coded, res.geen))

    def finish(self) -> None:
        """End the run: record the coding state and clear the pending marker (one transaction)."""
        with self.store.transaction():
            self.store.set_coding_state(self.state)
            if self.full:
                self.store.set_coding_pending(None)
            self.store.set_machine_run_counts(
                self.result.run_id, (self.result.segments, self.result.coded, self.result.geen)
            )
        if self.full:
            n, n_old, n_new, n_changed = self.changes
            self.result.warnings = change_warnings(
                pd.DataFrame(), [], self.soort_ids, self.previous, counts=(n, n_old, n_new, n_changed)
            )
