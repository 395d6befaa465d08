"""The partitioned, streamed tie computation gives exactly the single pass's ties."""

import datetime

import numpy as np
import pytest
from bench.community_arrays import build, community_of

from deskmate.engine.ties import (
    Community,
    Contacts,
    Educations,
    EvidenceKind,
    Interactions,
    Positions,
    TieParameters,
    TiePartitions,
    TieTable,
    compute_tie_chunks,
    compute_ties,
)
from deskmate.engine.ties.partitions import plan_partitions

AS_OF = "2024-06-01"


def assert_identical(actual: TieTable, expected: TieTable):
    """Same ties, strengths (bit for bit) and each tie's evidence in the same order."""
    assert actual.n_members == expected.n_members
    for name in ("first", "second", "strength", "offsets"):
        np.testing.assert_array_equal(getattr(actual, name), getattr(expected, name), name)
    assert actual.strength.tobytes() == expected.strength.tobytes()
    actual_rows, expected_rows = actual.grouping, expected.grouping
    for name in expected.evidence.__dataclass_fields__:
        mine = getattr(actual.evidence, name)[actual_rows]
        theirs = getattr(expected.evidence, name)[expected_rows]
        assert mine.dtype == theirs.dtype, name
        assert mine.tobytes() == theirs.tobytes(), name


def synthetic_community(seed: int, n_members: int) -> Community:
    """Many places of every size, stints across them, contacts dense enough for mutual contacts.

    Includes what the engine must skip: members out of range, self-contacts,
    repeated contacts, stints without a start, interactions without a day.
    """
    rng = np.random.default_rng(seed)
    n_positions = n_members * 3
    n_orgs = max(3, n_members // 40)
    start = np.datetime64("2010-01-01") + rng.integers(0, 4000, n_positions).astype(
        "timedelta64[D]"
    )
    end = start + rng.integers(-5, 1500, n_positions).astype("timedelta64[D]")
    end[rng.random(n_positions) < 0.3] = np.datetime64("NaT")
    start[rng.random(n_positions) < 0.02] = np.datetime64("NaT")
    member = rng.integers(0, n_members, n_positions)
    member[:3] = [-1, n_members, n_members + 5]
    positions = Positions(
        member=member,
        # Skewed: a few large organisations, a long tail of small ones.
        organisation=np.minimum(rng.zipf(1.6, n_positions), n_orgs) * 3,
        unit=rng.integers(-1, 6, n_positions),
        start=start,
        end=end,
    )
    n_educations = n_members + n_members // 2
    estart = np.datetime64("2004-09-01") + rng.integers(0, 4000, n_educations).astype(
        "timedelta64[D]"
    )
    educations = Educations(
        member=rng.integers(0, n_members, n_educations),
        school=rng.integers(0, max(2, n_members // 150), n_educations),
        programme=rng.integers(-1, 4, n_educations),
        start=estart,
        end=estart + rng.integers(300, 1500, n_educations).astype("timedelta64[D]"),
    )
    n_contacts = n_members * 12
    importer = rng.integers(0, n_members, n_contacts)
    # Contacts mostly near the importer (so ties span blocks both near and far).
    contact = np.where(
        rng.random(n_contacts) < 0.7,
        (importer + rng.integers(-30, 30, n_contacts)) % n_members,
        rng.integers(0, n_members, n_contacts),
    )
    contact[:2] = [importer[0], n_members + 1]
    importer = np.concatenate([importer, importer[:50]])
    contact = np.concatenate([contact, contact[:50]])
    n_interactions = n_members * 2
    day = np.datetime64("2022-01-01") + rng.integers(0, 800, n_interactions).astype(
        "timedelta64[D]"
    )
    day[:2] = np.datetime64("NaT")
    pick = rng.integers(0, len(importer), n_interactions)
    interactions = Interactions(
        logged_by=importer[pick],
        other=contact[pick],
        kind=rng.integers(0, 5, n_interactions),
        day=day,
    )
    return Community(n_members, positions, educations, Contacts(importer, contact), interactions)


PARTITIONS = [
    TiePartitions(block_members=1, group_stints=1, mutual_members=1),
    TiePartitions(block_members=7, group_stints=10, mutual_members=3),
    TiePartitions(block_members=64, group_stints=200, mutual_members=100),
    TiePartitions(block_members=1000, group_stints=100_000, mutual_members=100_000),
]
# Small blocks of mutual-contact rows, so that the small community has several.
PARAMETERS = TieParameters(mutual_block_rows=16, mutual_top_k=5, max_unit_size=60)


@pytest.mark.parametrize("partitions", PARTITIONS)
def test_small_community_equals_single_pass(partitions):
    community = synthetic_community(seed=1, n_members=150)
    expected = compute_ties(community, as_of=AS_OF, parameters=PARAMETERS, partitions=None)
    actual = compute_ties(community, as_of=AS_OF, parameters=PARAMETERS, partitions=partitions)
    assert len(expected) > 1000
    assert set(expected.evidence.kind.tolist()) == {int(kind) for kind in EvidenceKind}
    assert_identical(actual, expected)


@pytest.mark.parametrize(
    "partitions",
    [
        TiePartitions(block_members=97, group_stints=300, mutual_members=64),
        TiePartitions(block_members=500, group_stints=2000, mutual_members=512),
    ],
)
@pytest.mark.parametrize("seed", [2, 3])
def test_medium_community_equals_single_pass(seed, partitions):
    community = synthetic_community(seed=seed, n_members=2500)
    plan = plan_partitions(community, as_of=AS_OF, parameters=PARAMETERS, partitions=partitions)
    assert len(plan.blocks) >= 5 and len(plan.work) >= 3 and len(plan.importers) >= 4
    expected = compute_ties(community, as_of=AS_OF, parameters=PARAMETERS, partitions=None)
    actual = compute_ties(community, as_of=AS_OF, parameters=PARAMETERS, partitions=partitions)
    assert_identical(actual, expected)


def test_demo_community_equals_single_pass():
    """The demo generator's community, with the default parameters and partitions cut small."""
    community = community_of(build(1500, seed=7, today=datetime.date(2026, 11, 1)))
    partitions = TiePartitions(block_members=200, group_stints=500, mutual_members=1)
    expected = compute_ties(community, as_of="2026-11-01", partitions=None)
    actual = compute_ties(community, as_of="2026-11-01", partitions=partitions)
    assert len(expected) > 10_000
    assert_identical(actual, expected)


def test_chunks_hold_the_ties_of_their_row_block_and_span_blocks():
    community = synthetic_community(seed=4, n_members=300)
    partitions = TiePartitions(block_members=50, group_stints=50, mutual_members=40)
    expected = compute_ties(community, as_of=AS_OF, parameters=PARAMETERS, partitions=None)
    chunks = list(
        compute_tie_chunks(community, as_of=AS_OF, parameters=PARAMETERS, partitions=partitions)
    )
    assert len(chunks) == 6
    for number, chunk in enumerate(chunks):
        assert ((chunk.first >= 50 * number) & (chunk.first < 50 * (number + 1))).all()
        wanted = (expected.first >= 50 * number) & (expected.first < 50 * (number + 1))
        np.testing.assert_array_equal(chunk.second, expected.second[wanted])
        assert chunk.find(int(chunk.first[0]), int(chunk.second[0])) == 0
    # Ties whose members fall in different row blocks, of every kind.
    spanning = expected.first // 50 != expected.second // 50
    kinds = set(expected.evidence.kind[spanning[expected.evidence.tie]].tolist())
    assert kinds == {int(kind) for kind in EvidenceKind}
    assert_identical(TieTable.concatenate(300, chunks), expected)


def test_a_pair_in_two_places_keeps_its_evidence_in_place_order_across_group_tasks():
    positions = Positions.from_rows(
        [
            (0, 9, 1, "2019-01-01", None),
            (5, 9, 1, "2019-06-01", None),
            (0, 2, 4, "2015-01-01", "2017-01-01"),
            (5, 2, 4, "2016-01-01", "2018-01-01"),
            (0, 5, -1, "2012-01-01", "2014-01-01"),
            (5, 5, -1, "2012-06-01", "2013-01-01"),
        ]
    )
    community = Community(6, positions=positions, contacts=Contacts.from_rows([(5, 0)]))
    partitions = TiePartitions(block_members=2, group_stints=1)
    assert len(plan_partitions(community, as_of=AS_OF, partitions=partitions).work) == 3
    actual = compute_ties(community, as_of=AS_OF, partitions=partitions)
    assert_identical(actual, compute_ties(community, as_of=AS_OF, partitions=None))
    evidence = actual.evidence_of(actual.find(0, 5))
    assert [(item.kind.name, item.organisation) for item in evidence] == [
        ("WORKED_TOGETHER", 2),
        ("WORKED_TOGETHER", 9),
        ("SAME_ORGANISATION", 5),
        ("CONTACT", None),
    ]


def test_empty_community_gives_one_empty_chunk():
    chunks = list(compute_tie_chunks(Community(0), as_of=AS_OF))
    assert [len(chunk) for chunk in chunks] == [0]
    assert len(compute_ties(Community(0), as_of=AS_OF)) == 0


def test_partition_sizes_must_be_positive():
    with pytest.raises(ValueError, match="block_members must be at least 1"):
        TiePartitions(block_members=0)
