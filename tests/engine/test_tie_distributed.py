"""The partitioned tie computation on a Dask cluster of worker processes: exactly the single pass."""

import os

import numpy as np
import pytest
from tests.engine.test_tie_partitions import PARAMETERS, assert_identical, synthetic_community

from deskmate.engine.ties import TiePartitions, TieTable, compute_ties
from deskmate.engine.ties.distributed import compute_tie_chunks_on

distributed = pytest.importorskip("distributed")

AS_OF = "2024-06-01"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        memory_limit="1GiB",
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def test_two_worker_processes_give_the_single_process_ties(client):
    community = synthetic_community(seed=5, n_members=400)
    partitions = TiePartitions(block_members=60, group_stints=150, mutual_members=64)
    expected = compute_ties(community, as_of=AS_OF, parameters=PARAMETERS, partitions=None)
    with distributed.get_task_stream(client) as stream:
        chunks = list(
            compute_tie_chunks_on(
                client, community, as_of=AS_OF, parameters=PARAMETERS, partitions=partitions
            )
        )
    assert len(chunks) == 7
    assert len(expected) > 5000
    assert_identical(TieTable.concatenate(400, chunks), expected)
    # Every task ran in one of the two worker processes, none in this one.
    workers = client.run(os.getpid)
    assert len(set(workers.values())) == 2 and os.getpid() not in workers.values()
    names = [
        task["key"][0] if isinstance(task["key"], tuple) else task["key"] for task in stream.data
    ]
    assert sum(name.startswith("block_ties") for name in names) == 7
    assert {task["worker"] for task in stream.data} <= set(workers)


def test_chunks_arrive_in_row_block_order(client):
    community = synthetic_community(seed=6, n_members=200)
    partitions = TiePartitions(block_members=50, group_stints=100, mutual_members=16)
    firsts = [
        (int(chunk.first.min()), int(chunk.first.max()))
        for chunk in compute_tie_chunks_on(
            client, community, as_of=AS_OF, parameters=PARAMETERS, partitions=partitions
        )
    ]
    assert [low // 50 for low, _ in firsts] == [0, 1, 2, 3]
    assert all(high // 50 == number for number, (_, high) in enumerate(firsts))
    assert np.all(np.diff([low for low, _ in firsts]) > 0)
