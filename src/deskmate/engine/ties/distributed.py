"""The partitioned tie computation on a Dask distributed cluster, with the same result.

:func:`compute_tie_chunks_on` submits the tasks of
:mod:`~deskmate.engine.ties.partitions` to a ``distributed.Client``: the
group and mutual tasks first, then one block task per row block, which takes
its piece of every first-phase task (each piece stays on the worker that made
it until a block task needs it). The chunks come back in order, so they are
exactly :func:`~deskmate.engine.ties.partitions.compute_tie_chunks`' chunks,
computed elsewhere. The education and the contacts, which every block task
(alumni) and every mutual task read, are sent to each worker once.

Dask is an optional dependency (``pip install 'deskmate[distributed]'``);
workers need deskmate itself installed, the same version as the caller.
docs/network.md says how to run it on a cluster.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any

from deskmate.engine.ties.inputs import Community, DateLike, TieParameters, TiePartitions
from deskmate.engine.ties.partitions import (
    STUDY,
    WORK,
    block_ties,
    group_pieces,
    mutual_pieces,
    plan_partitions,
)
from deskmate.engine.ties.tables import TieTable

__all__ = ["compute_tie_chunks_on", "connect"]


def connect(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (e.g. ``tcp://10.0.0.5:8786``)."""
    try:
        from distributed import Client
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "running on a Dask scheduler needs the distributed extra: "
            "pip install 'deskmate[distributed]'"
        ) from error
    return Client(address)  # type: ignore[no-untyped-call]


def compute_tie_chunks_on(
    client: Any,
    community: Community,
    *,
    as_of: DateLike,
    parameters: TieParameters = TieParameters(),
    partitions: TiePartitions = TiePartitions(),
) -> Iterator[TieTable]:
    """The ties of a community, one row block at a time, computed by ``client``'s workers.

    Yields the same chunks as
    :func:`~deskmate.engine.ties.partitions.compute_tie_chunks`, in order; a
    chunk's task is released once it has been handed over.
    """
    plan = plan_partitions(community, as_of=as_of, parameters=parameters, partitions=partitions)
    day, bounds, n_members = plan.as_of, plan.bounds, plan.n_members
    educations = client.scatter(plan.educations, broadcast=True)
    contacts = client.scatter(plan.contacts, broadcast=True)
    work = [
        client.submit(group_pieces, WORK, stints, day, parameters, bounds, pure=False)
        for stints in plan.work
    ]
    study = [
        client.submit(group_pieces, STUDY, stints, day, parameters, bounds, pure=False)
        for stints in plan.study
    ]
    mutual = [
        client.submit(mutual_pieces, contacts, n_members, parameters, members, bounds, pure=False)
        for members in plan.importers
    ]

    def pieces(tasks: list[Any], block: int) -> list[Any]:
        return [client.submit(operator.getitem, task, block, pure=False) for task in tasks]

    blocks = [
        client.submit(
            block_ties,
            block,
            n_members,
            day,
            parameters,
            pieces(work, number),
            pieces(study, number),
            pieces(mutual, number),
            educations,
            pure=False,
        )
        for number, block in enumerate(plan.blocks)
    ]
    # The first-phase results are freed once every block task has taken its piece.
    del work, study, mutual
    for number in range(len(blocks)):
        future = blocks[number]
        chunk: TieTable = future.result()
        future.release()
        blocks[number] = None
        yield chunk
