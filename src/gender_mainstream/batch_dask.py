"""Run a batch on a Dask distributed cluster (optional extra: gender-mainstream[distributed]).

The cluster runs the same `review_one` function as local workers; this process streams the
results into the same results.jsonl as they complete, so --resume and the summaries work the
same. The documents and OUTDIR must be on storage every worker can read and write (a shared
file system or a mounted bucket): only paths travel to the workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gender_mainstream.batch import BatchOptions, Executor, review_one, worker_died_record
from gender_mainstream.errors import InputError

__all__ = ["CONNECT_TIMEOUT_S", "ClusterError", "dask_executor"]

CONNECT_TIMEOUT_S = 15


class ClusterError(InputError):
    """The Dask scheduler cannot be reached, or dask[distributed] is not installed."""

    code = "GM-E140"


def dask_executor(address: str | None = None, client: Any = None) -> Executor:
    """Return an executor that maps `review_one` over a Dask cluster.

    Give the scheduler `address` ("tcp://host:8786"), or an existing `client` (a test's
    LocalCluster). With an address, the scheduler is contacted now, so a wrong address is
    reported before any document is read.

    Raises:
        ClusterError: dask[distributed] is missing or the scheduler does not answer.

    """
    try:
        from dask import distributed
    except ImportError:
        raise ClusterError(
            None,
            "--executor dask needs the optional Dask packages",
            "pip install 'gender-mainstream[distributed]'",
        ) from None
    completed: Any = distributed.as_completed
    own = client is None
    if own:
        client_cls: Any = distributed.Client
        try:
            client = client_cls(address, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, ValueError, TypeError) as exc:
            raise ClusterError(
                address,
                f"cannot reach the Dask scheduler ({exc})",
                "check the address and that 'dask scheduler' is running there",
            ) from None

    def run(
        work: list[tuple[str, str | None]], options: BatchOptions, jobs: int
    ) -> Iterator[dict[str, Any]]:
        c = client
        try:
            futures = c.map(
                review_one,
                [p for p, _ in work],
                [s for _, s in work],
                [options] * len(work),
                pure=False,
            )
            items = dict(zip(futures, work, strict=True))
            for fut in completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:  # KilledWorker: Dask retried it and gave up
                    path, sha = items[fut]
                    yield worker_died_record(path, sha, f"{type(exc).__name__}: {exc}")
                fut.release()
        finally:
            if own:
                c.close()

    return run
