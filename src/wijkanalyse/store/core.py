"""The project store: one SQLite database per corpus.

Documents, segments, respondents, codes, codings (with coder and time), memos and runs live in
``<store_dir>/wijkanalyse.sqlite`` so that a notebook kernel and the command line can both read it safely
(WAL mode, a busy timeout). Every change happens inside :meth:`Store.transaction`, so an interrupted run
leaves the previous state intact. Large arrays (the embedding cache) live next to it, in their own file.

Codings are *not* tied to segments by a foreign key: a human coding survives its segment being re-ingested
(segment ids are derived from the document path and the segment text, so an unchanged segment keeps its id and
its codings), and is never deleted by the machine.
"""

from __future__ import annotations

from wijkanalyse.store._connection import new_run_id, now_iso
from wijkanalyse.store.check_sample import CheckSampleQueries
from wijkanalyse.store.codings import CodingQueries
from wijkanalyse.store.documents import DocumentQueries
from wijkanalyse.store.machine_runs import MachineRunQueries
from wijkanalyse.store.ownership import OwnershipQueries
from wijkanalyse.store.reports import ReportQueries
from wijkanalyse.store.review import ReviewQueries
from wijkanalyse.store.runs import RunQueries
from wijkanalyse.store.schema import SCHEMA_VERSION
from wijkanalyse.store.search_index import SearchQueries
from wijkanalyse.store.themes import ThemeQueries

__all__ = ["Store", "SCHEMA_VERSION", "now_iso", "new_run_id"]


class Store(
    OwnershipQueries,
    DocumentQueries,
    CodingQueries,
    ThemeQueries,
    RunQueries,
    ReviewQueries,
    CheckSampleQueries,
    MachineRunQueries,
    ReportQueries,
    SearchQueries,
):
    """The SQLite store of one corpus: the only place in the project that holds SQL.

    Each base class adds the named queries and writers of one part of the data model (documents, codings,
    themes, runs); every stage asks the store instead of writing SQL.

    Parameters
    ----------
    folder : path
        Folder that holds ``wijkanalyse.sqlite`` (created if missing, unless ``create=False``).
    create : bool, default True
        Create the folder and the schema if they do not exist. With False a missing store raises.

    Examples
    --------
    >>> with Store(tmp_path) as store:                # doctest: +SKIP
    ...     store.documents()
    """

    def __enter__(self) -> Store:
        return self
