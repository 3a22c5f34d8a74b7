"""The ``--scheduler`` and ``--workers`` options of ``wijkanalyse code`` and ``run``: work on a Dask cluster.

``--scheduler tcp://host:8786`` connects to a running Dask scheduler (default: the ``dask:`` setting);
``--workers N`` starts a ``LocalCluster`` of N worker processes on this machine. Inside the block, embedding
and coding run on the workers and this process alone writes the store
(:mod:`wijkanalyse.coding.distributed`); ``run`` also builds its reports on the cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Optional

import typer

__all__ = ["SchedulerOpt", "WorkersOpt", "cluster_for"]

SchedulerOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional
    typer.Option(
        "--scheduler",
        help="Dask scheduler address (tcp://host:8786) to embed and code on; default: the 'dask' setting.",
    ),
]
WorkersOpt = Annotated[
    Optional[int],  # noqa: UP045 - typer needs Optional
    typer.Option("--workers", min=1, help="Start a local Dask cluster of this many worker processes."),
]


@contextmanager
def cluster_for(settings: Any, scheduler: str | None, workers: int | None) -> Iterator[Any | None]:
    """Yield the Dask client of a command (None: local); ``--scheduler``/``--workers`` win over ``dask:``."""
    from wijkanalyse.coding.distributed import cluster  # lazy: --help must not load sklearn (see cli/main.py)

    address = scheduler or (None if workers else getattr(settings, "dask", None))
    # every worker loads the embedder at the start, so that no coding task waits for it
    with cluster(scheduler=address, workers=workers, preload=getattr(settings, "embedder", None)) as client:
        if client is not None:
            typer.secho(f"Embedding and coding on the Dask scheduler {client.scheduler.address}", err=True)
        yield client
