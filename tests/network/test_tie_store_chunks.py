"""Ties stored chunk by chunk as the partitioned engine streams them, and refreshed on a Dask cluster."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from deskmate.engine.ties import TiePartitions, compute_tie_chunks
from deskmate.network.management.commands.refresh_ties import DASK_WITH_EMAILS
from deskmate.network.models import Tie
from deskmate.network.tie_store import (
    _stored_ties,
    community_load,
    ties_refresh_all,
    ties_store_chunks,
)
from deskmate.people.models import Member
from tests.network.test_tie_store import demo, demo_community, stored_ties  # noqa: F401

AS_OF = dt.date(2026, 6, 1)


@pytest.mark.django_db
def test_storing_small_chunks_stores_what_a_whole_refresh_stores(demo):  # noqa: F811
    ties_refresh_all(as_of=AS_OF)
    whole = stored_ties()
    Tie.objects.all().delete()
    arrays = community_load()
    chunks = list(
        compute_tie_chunks(
            arrays.community, as_of=AS_OF, partitions=TiePartitions(block_members=37)
        )
    )
    assert len(chunks) == 9

    counts = ties_store_chunks(iter(chunks), arrays, _stored_ties())

    assert stored_ties() == whole
    assert counts.ties == counts.written == counts.inserted == len(whole)
    assert counts.deleted == 0
    # Stored again: every digest matches, nothing is written or deleted.
    again = ties_store_chunks(iter(chunks), arrays, _stored_ties())
    assert (again.written, again.deleted) == (0, 0)


@pytest.mark.django_db
def test_a_stale_tie_is_deleted_whichever_chunk_would_have_held_it(demo):  # noqa: F811
    ties_refresh_all(as_of=AS_OF)
    whole = stored_ties()
    arrays = community_load()
    ids = arrays.member_ids.tolist()
    untied = next(
        (low, high)
        for low in ids[-40:]
        for high in ids[-40:]
        if low < high and (low, high) not in whole
    )
    Tie.objects.create(
        member_low_id=untied[0], member_high_id=untied[1], strength=0.3, evidence=[], digest=1
    )
    chunks = compute_tie_chunks(
        arrays.community, as_of=AS_OF, partitions=TiePartitions(block_members=50)
    )
    counts = ties_store_chunks(chunks, arrays, _stored_ties())
    assert (counts.deleted, counts.written) == (1, 0)
    assert stored_ties() == whole


@pytest.mark.django_db
def test_refresh_ties_on_a_dask_scheduler_stores_the_single_process_ties(demo):  # noqa: F811
    distributed = pytest.importorskip("distributed")
    ties_refresh_all(as_of=AS_OF)
    expected = stored_ties()
    Tie.objects.all().delete()
    # Worker processes are tests/engine/test_tie_distributed.py's concern; here the scheduler's
    # chunks reach the store, so in-process workers serve (no process start, no re-import).
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        assert ties_refresh_all(as_of=AS_OF, scheduler=cluster.scheduler_address) == len(expected)
        assert stored_ties() == expected
        Tie.objects.all().delete()
        call_command("refresh_ties", dask=cluster.scheduler_address)
    on_the_cluster = stored_ties()
    Tie.objects.all().delete()
    call_command("refresh_ties")
    assert on_the_cluster == stored_ties()


@pytest.mark.django_db
def test_refresh_ties_refuses_dask_for_a_few_members(demo):  # noqa: F811
    ties_refresh_all(as_of=AS_OF)
    before = stored_ties()
    email = Member.objects.order_by("pk").first().user.email
    with pytest.raises(CommandError) as refused:
        call_command("refresh_ties", email, dask="tcp://127.0.0.1:1")
    assert str(refused.value) == DASK_WITH_EMAILS
    assert stored_ties() == before
