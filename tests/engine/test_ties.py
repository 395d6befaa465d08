import datetime
import math
import time

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmate.engine.ties import (
    Community,
    Contacts,
    Educations,
    EvidenceKind,
    InteractionKind,
    Interactions,
    Positions,
    TieParameters,
    TieTable,
    compute_ties,
    compute_ties_touching,
)
from deskmate.engine.ties.mutual import MutualContacts

AS_OF = datetime.date(2024, 1, 1)
ACME, GLOBEX, TINY, HUGE = 1, 2, 3, 9
PAYMENTS, SEARCH = 10, 11
NORTHFIELD = 7
COMPUTER_SCIENCE, HISTORY = 1, 2


def days_between(start, end_inclusive):
    return (end_inclusive - start).days + 1


def overlap_strength(days, size, weight=1.0, months_scale=12.0):
    months = days / (365.25 / 12)
    size_factor = (math.log(3) / math.log(size + 1)) ** TieParameters().group_size_exponent
    return weight * (1 - math.exp(-months / months_scale)) * size_factor


def tie_pairs(ties):
    return [(int(a), int(b)) for a, b in zip(ties.first, ties.second, strict=True)]


def kinds_of(ties, a, b):
    row = ties.find(a, b)
    return [] if row is None else [item.kind for item in ties.evidence_of(row)]


def assert_same_ties(actual: TieTable, expected: TieTable):
    np.testing.assert_array_equal(actual.first, expected.first)
    np.testing.assert_array_equal(actual.second, expected.second)
    np.testing.assert_array_equal(actual.strength, expected.strength)
    np.testing.assert_array_equal(actual.offsets, expected.offsets)
    actual_rows = actual.evidence_rows(np.arange(len(actual)))
    expected_rows = expected.evidence_rows(np.arange(len(expected)))
    for name in actual.evidence.__dataclass_fields__:
        if name == "tie":
            continue
        np.testing.assert_array_equal(
            getattr(actual.evidence, name)[actual_rows],
            getattr(expected.evidence, name)[expected_rows],
            err_msg=name,
        )


class TestWorkedTogether:
    positions = Positions.from_rows(
        [
            (0, ACME, PAYMENTS, "2018-01-01", None),
            (1, ACME, PAYMENTS, "2019-03-01", "2021-06-30"),
            (2, ACME, PAYMENTS, "2020-01-01", None),
            # Same unit id at another organisation is another unit.
            (3, GLOBEX, PAYMENTS, "2018-01-01", None),
        ]
    )

    def test_pairs_dates_and_currency(self):
        ties = compute_ties(Community(4, positions=self.positions), as_of=AS_OF)
        assert tie_pairs(ties) == [(0, 1), (0, 2), (1, 2)]
        former = ties.evidence_of(ties.find(0, 1))
        assert len(former) == 1
        assert former[0].kind is EvidenceKind.WORKED_TOGETHER
        assert (former[0].organisation, former[0].unit) == (ACME, PAYMENTS)
        assert former[0].start == datetime.date(2019, 3, 1)
        assert former[0].end == datetime.date(2021, 6, 30)
        assert former[0].current is False
        assert former[0].days == days_between(datetime.date(2019, 3, 1), datetime.date(2021, 6, 30))
        assert former[0].private_to is None
        current = ties.evidence_of(ties.find(0, 2))[0]
        assert current.current is True
        assert current.start == datetime.date(2020, 1, 1)
        assert current.end is None
        assert current.days == (AS_OF - datetime.date(2020, 1, 1)).days

    def test_strength_formula_and_order(self):
        ties = compute_ties(Community(4, positions=self.positions), as_of=AS_OF)
        for a, b in [(0, 1), (0, 2), (1, 2)]:
            item = ties.evidence_of(ties.find(a, b))[0]
            assert item.strength == pytest.approx(overlap_strength(item.days, size=3))
            assert ties.strength[ties.find(a, b)] == pytest.approx(item.strength)
        order = np.argsort(-ties.strength)
        assert [tie_pairs(ties)[row] for row in order] == [(0, 2), (0, 1), (1, 2)]

    def test_small_team_is_stronger_than_large_team(self):
        rows = [
            (0, ACME, PAYMENTS, "2020-01-01", "2021-12-31"),
            (1, ACME, PAYMENTS, "2020-01-01", "2021-12-31"),
        ]
        rows += [(m, ACME, SEARCH, "2020-01-01", "2021-12-31") for m in range(2, 10)]
        ties = compute_ties(Community(10, positions=Positions.from_rows(rows)), as_of=AS_OF)
        pair_of_two = ties.strength[ties.find(0, 1)]
        pair_of_eight = ties.strength[ties.find(2, 3)]
        days = days_between(datetime.date(2020, 1, 1), datetime.date(2021, 12, 31))
        assert pair_of_two == pytest.approx(overlap_strength(days, size=2))
        assert pair_of_eight == pytest.approx(overlap_strength(days, size=8))
        assert pair_of_eight / pair_of_two == pytest.approx(
            (math.log(3) / math.log(9)) ** TieParameters().group_size_exponent
        )
        # Acme is small, so people of different teams are paired by the organisation.
        assert kinds_of(ties, 0, 2) == [EvidenceKind.SAME_ORGANISATION]
        assert len(ties) == 1 + 8 * 7 // 2 + 2 * 8

    def test_promotion_in_the_same_unit_is_one_stint(self):
        rows = [
            (0, ACME, PAYMENTS, "2018-01-01", "2019-12-31"),
            (0, ACME, PAYMENTS, "2020-01-01", None),
            (1, ACME, PAYMENTS, "2019-01-01", "2020-12-31"),
        ]
        ties = compute_ties(Community(2, positions=Positions.from_rows(rows)), as_of=AS_OF)
        (item,) = ties.evidence_of(0)
        assert (item.start, item.end) == (datetime.date(2019, 1, 1), datetime.date(2020, 12, 31))
        assert item.days == days_between(datetime.date(2019, 1, 1), datetime.date(2020, 12, 31))

    def test_back_to_back_stints_do_not_overlap(self):
        rows = [
            (0, ACME, PAYMENTS, "2018-01-01", "2019-12-31"),
            (1, ACME, PAYMENTS, "2020-01-01", None),
        ]
        assert (
            len(compute_ties(Community(2, positions=Positions.from_rows(rows)), as_of=AS_OF)) == 0
        )

    def test_units_above_the_cap_are_not_paired(self):
        rows = [(m, ACME, PAYMENTS, "2020-01-01", None) for m in range(6)]
        community = Community(6, positions=Positions.from_rows(rows))
        parameters = TieParameters(max_unit_size=5, max_organisation_size_for_pairs=0)
        assert len(compute_ties(community, as_of=AS_OF, parameters=parameters)) == 0
        parameters = TieParameters(max_unit_size=6, max_organisation_size_for_pairs=0)
        assert len(compute_ties(community, as_of=AS_OF, parameters=parameters)) == 15


class TestSameOrganisation:
    def test_small_organisation_pairs_without_a_shared_unit(self):
        rows = [
            (0, TINY, PAYMENTS, "2019-01-01", None),
            (1, TINY, PAYMENTS, "2020-01-01", None),
            (2, TINY, SEARCH, "2020-06-01", "2022-05-31"),
        ]
        ties = compute_ties(Community(3, positions=Positions.from_rows(rows)), as_of=AS_OF)
        assert kinds_of(ties, 0, 1) == [EvidenceKind.WORKED_TOGETHER]
        (item,) = ties.evidence_of(ties.find(0, 2))
        assert item.kind is EvidenceKind.SAME_ORGANISATION
        assert (item.organisation, item.unit) == (TINY, None)
        assert (item.start, item.end, item.current) == (
            datetime.date(2020, 6, 1),
            datetime.date(2022, 5, 31),
            False,
        )
        assert item.strength == pytest.approx(overlap_strength(item.days, size=3, weight=0.25))
        assert ties.strength[ties.find(0, 2)] < ties.strength[ties.find(0, 1)]

    def test_large_organisation_without_shared_units_creates_no_ties(self):
        size = 50_000
        members = np.arange(size)
        positions = Positions(
            member=members,
            organisation=np.full(size, HUGE),
            # Half have their own unit, half no unit at all.
            unit=np.where(members % 2 == 0, 100_000 + members, -1),
            start=np.full(size, np.datetime64("2015-01-01")),
            end=np.full(size, np.datetime64("NaT")),
        )
        started = time.perf_counter()
        ties = compute_ties(Community(size, positions=positions), as_of=AS_OF)
        assert len(ties) == 0
        assert len(ties.evidence) == 0
        assert time.perf_counter() - started < 5


class TestStudiedTogether:
    educations = Educations.from_rows(
        [
            (0, NORTHFIELD, COMPUTER_SCIENCE, "2015-09-01", "2018-06-30"),
            (1, NORTHFIELD, COMPUTER_SCIENCE, "2016-09-01", "2019-06-30"),
            (2, NORTHFIELD, HISTORY, "2001-09-01", "2004-06-30"),
            (3, NORTHFIELD, COMPUTER_SCIENCE, "2021-09-01", None),
            (4, NORTHFIELD, COMPUTER_SCIENCE, "2022-09-01", None),
        ]
    )

    def test_classmates_with_overlapping_years(self):
        ties = compute_ties(Community(5, educations=self.educations), as_of=AS_OF)
        assert tie_pairs(ties) == [(0, 1), (3, 4)]
        (item,) = ties.evidence_of(ties.find(0, 1))
        assert item.kind is EvidenceKind.STUDIED_TOGETHER
        assert (item.school, item.programme) == (NORTHFIELD, COMPUTER_SCIENCE)
        assert (item.start, item.end) == (datetime.date(2016, 9, 1), datetime.date(2018, 6, 30))
        assert item.strength == pytest.approx(overlap_strength(item.days, size=2, weight=0.7))
        (still_studying,) = ties.evidence_of(ties.find(3, 4))
        assert still_studying.current is True and still_studying.end is None

    def test_alumni_only_where_other_evidence_exists(self):
        contacts = Contacts.from_rows([(2, 0)])
        ties = compute_ties(
            Community(5, educations=self.educations, contacts=contacts), as_of=AS_OF
        )
        assert kinds_of(ties, 0, 2) == [EvidenceKind.ALUMNI, EvidenceKind.CONTACT]
        alumni = ties.evidence_of(ties.find(0, 2))[0]
        assert alumni.school == NORTHFIELD and alumni.strength == pytest.approx(0.1)
        # Classmates are not also called alumni; strangers from other years get nothing.
        assert kinds_of(ties, 0, 1) == [EvidenceKind.STUDIED_TOGETHER]
        assert ties.find(1, 2) is None and ties.find(0, 3) is None


class TestContacts:
    def test_contact_is_private_to_the_importer(self):
        ties = compute_ties(
            Community(3, contacts=Contacts.from_rows([(2, 0), (2, 0), (1, 1)])), as_of=AS_OF
        )
        assert tie_pairs(ties) == [(0, 2)]
        (item,) = ties.evidence_of(0)
        assert item.kind is EvidenceKind.CONTACT
        assert item.private_to == 2
        assert item.visible_to(2) and not item.visible_to(0) and not item.visible_to(1)

    def test_both_directions_are_two_pieces_of_evidence(self):
        ties = compute_ties(
            Community(2, contacts=Contacts.from_rows([(0, 1), (1, 0)])), as_of=AS_OF
        )
        assert [item.private_to for item in ties.evidence_of(0)] == [0, 1]
        assert ties.strength[0] == pytest.approx(1 - 0.5 * 0.5)

    def test_visible_strength_ignores_other_members_private_evidence(self):
        ties = compute_ties(Community(2, contacts=Contacts.from_rows([(1, 0)])), as_of=AS_OF)
        assert ties.visible_strengths(1)[0] == pytest.approx(0.5)
        assert ties.visible_strengths(0)[1] == 0.0
        assert ties.visible_evidence(0, 1) == []


class TestInteractions:
    def test_decay_with_age_and_privacy(self):
        interactions = Interactions.from_rows(
            [
                (0, 1, InteractionKind.LUNCH, AS_OF),
                (0, 2, InteractionKind.LUNCH, AS_OF - datetime.timedelta(days=180)),
                (0, 3, InteractionKind.CALL, AS_OF - datetime.timedelta(days=360)),
            ]
        )
        ties = compute_ties(Community(4, interactions=interactions), as_of=AS_OF)
        fresh, half, quarter = (ties.evidence_of(ties.find(0, b))[0] for b in (1, 2, 3))
        assert (fresh.score, half.score, quarter.score) == pytest.approx((1.0, 0.5, 0.25))
        assert fresh.strength == pytest.approx(0.8 * (1 - math.exp(-1.0)))
        assert half.strength == pytest.approx(0.8 * (1 - math.exp(-0.5)))
        assert fresh.strength > half.strength > quarter.strength
        assert quarter.interaction is InteractionKind.CALL
        assert {fresh.private_to, half.private_to, quarter.private_to} == {0}

    def test_repeated_interactions_count_and_keep_the_latest_day(self):
        days = [AS_OF - datetime.timedelta(days=d) for d in (30, 10, 100)]
        interactions = Interactions.from_rows(
            [(1, 0, InteractionKind.TALKING_SHOP, day) for day in days]
        )
        ties = compute_ties(Community(2, interactions=interactions), as_of=AS_OF)
        (item,) = ties.evidence_of(0)
        assert item.count == 3
        assert (item.start, item.end) == (min(days), max(days))
        assert item.score == pytest.approx(sum(0.5 ** (d / 180) for d in (30, 10, 100)))
        assert item.private_to == 1


class TestMutualContacts:
    # (importer, contact): who imported whom.
    imports = [(0, 2), (1, 2), (0, 3), (1, 3), (3, 4), (5, 4), (0, 6), (7, 6), (7, 8), (5, 8)]
    imports += [(2, 0), (2, 1), (9, 0), (9, 1), (9, 5)]

    def community(self):
        return Community(10, contacts=Contacts.from_rows(self.imports))

    @pytest.mark.parametrize(
        ("index", "expected_of"),
        [
            ("adamic_adar", nx.adamic_adar_index),
            ("resource_allocation", nx.resource_allocation_index),
        ],
    )
    def test_matches_networkx_on_the_import_graph(self, index, expected_of):
        """Two members' common contacts are the people both imported, weighed by how many did.

        In the bipartite graph of importers and the people they imported, that
        is networkx's index between two importers.
        """
        parameters = TieParameters(mutual_index=index, mutual_endpoint_exponent=0.0)
        ties = compute_ties(self.community(), as_of=AS_OF, parameters=parameters)
        graph = nx.Graph([(("importer", a), ("imported", b)) for a, b in self.imports])
        importers = sorted({a for a, _ in self.imports})
        pairs = [(a, b) for a in importers for b in importers if a < b]
        expected = {
            (a[1], b[1]): score
            for a, b, score in expected_of(
                graph, [(("importer", a), ("importer", b)) for a, b in pairs]
            )
            if score > 0
        }
        mutual = {
            (item.first, item.second): item
            for tie in range(len(ties))
            for item in ties.evidence_of(tie)
            if item.kind is EvidenceKind.MUTUAL_CONTACTS
        }
        assert set(mutual) == set(expected) == {(0, 1), (0, 7), (2, 9), (3, 5), (5, 7)}
        imported = {a: {b for x, b in self.imports if x == a} for a in range(10)}
        for pair, score in expected.items():
            assert mutual[pair].score == pytest.approx(score, rel=1e-6)
            assert mutual[pair].count == len(imported[pair[0]] & imported[pair[1]])
            assert mutual[pair].private_to is None
        assert mutual[(0, 1)].count == 2
        assert mutual[(0, 1)].strength == pytest.approx(
            parameters.mutual_contacts
            * (1 - math.exp(-mutual[(0, 1)].score / parameters.mutual_scale)),
            rel=1e-6,
        )
        index_scores = MutualContacts(self.community().contacts, 10, parameters)
        every_pair = [(a, b) for a in range(10) for b in range(a + 1, 10)]
        count, score = index_scores.scores(*np.array(every_pair).T)
        for (a, b), found_count, found_score in zip(every_pair, count, score, strict=True):
            assert found_score == pytest.approx(expected.get((a, b), 0.0), rel=1e-6)
            assert found_count == len(imported[a] & imported[b])

    def test_a_third_members_import_makes_no_one_mutual_contacts(self):
        """9 imported 0, 1 and 5; 2 imported 0 and 1: neither makes 0, 1 and 5 mutual contacts."""
        ties = compute_ties(self.community(), as_of=AS_OF)
        for a, b in [(0, 5), (1, 5)]:
            assert ties.find(a, b) is None
        assert {item.kind for item in ties.evidence_of(ties.find(0, 9))} == {EvidenceKind.CONTACT}
        assert [item.kind for item in ties.evidence_of(ties.find(0, 1))] == [
            EvidenceKind.MUTUAL_CONTACTS
        ]
        # Without 2's and 9's files, 0 and 1 see exactly the same of each other.
        own = Contacts.from_rows([row for row in self.imports if row[0] not in (2, 9)])
        alone = compute_ties(Community(10, contacts=own), as_of=AS_OF)
        assert alone.evidence_of(alone.find(0, 1)) == ties.evidence_of(ties.find(0, 1))

    def test_tie_strengths_of_unkept_pairs_ignore_a_third_members_import(self):
        """Pairs no one kept are scored from the same import graph: 2's and 9's files add nothing."""
        parameters = TieParameters(mutual_top_k=0)
        community = self.community()
        ties = compute_ties(community, as_of=AS_OF, parameters=parameters)
        assert ties.find(0, 1) is None  # not a contact, and no one keeps a non-contact
        own = Contacts.from_rows([row for row in self.imports if row[0] not in (2, 9)])
        alone = compute_ties(Community(10, contacts=own), as_of=AS_OF, parameters=parameters)
        first, second = np.array([0, 0, 1]), np.array([1, 5, 5])
        given = MutualContacts(community.contacts, 10, parameters).tie_strengths(
            ties, first, second
        )
        without = MutualContacts(own, 10, parameters).tie_strengths(alone, first, second)
        _, score = MutualContacts(own, 10, parameters).scores(first[:1], second[:1])
        assert given[0] == pytest.approx(
            parameters.mutual_contacts * (1 - math.exp(-score[0] / parameters.mutual_scale))
        )
        assert given[0] > 0
        assert given.tolist() == pytest.approx(without.tolist())
        assert given[1:].tolist() == [0.0, 0.0]

    def test_a_contact_with_only_one_contact_does_not_hide_the_others(self):
        # 0, 1 and 3 know only 2: as intermediaries they add nothing, and that
        # must not drop 2's own contacts from the graph.
        community = Community(4, contacts=Contacts.from_rows([(0, 2), (1, 2), (3, 2)]))
        ties = compute_ties(community, as_of=AS_OF)
        mutual = ties.evidence.kind == EvidenceKind.MUTUAL_CONTACTS
        pairs = {(int(ties.first[row]), int(ties.second[row])) for row in ties.evidence.tie[mutual]}
        assert pairs == {(0, 1), (0, 3), (1, 3)}

    def test_top_k_bounds_partners_of_a_hub(self):
        # Everyone imported member 0, so everyone shares member 0 with all others.
        rows = [(m, 0) for m in range(1, 40)] + [(m, m + 1) for m in range(1, 39)]
        community = Community(40, contacts=Contacts.from_rows(rows))
        # Neighbours on the chain are contacts who share member 0.
        contacts = {(m, m + 1) for m in range(1, 39)}
        parameters = TieParameters(mutual_top_k=3)

        def mutual_pairs(ties):
            mutual = ties.evidence.kind == EvidenceKind.MUTUAL_CONTACTS
            tie = ties.evidence.tie[mutual]
            return {(int(ties.first[row]), int(ties.second[row])) for row in tie}

        kept = mutual_pairs(compute_ties(community, as_of=AS_OF, parameters=parameters))
        # Contacts keep theirs; the budget of 3 goes to people who are not contacts.
        assert contacts <= kept
        assert len(kept - contacts) <= 39 * 3
        full = mutual_pairs(
            compute_ties(community, as_of=AS_OF, parameters=TieParameters(mutual_top_k=100))
        )
        assert len(full - contacts) > len(kept - contacts)

    def test_equal_scores_are_not_kept_by_member_number(self):
        # Member 0 shares exactly one contact (the hub 1) with each of 2..41.
        rows = [(m, 1) for m in range(2, 42)] + [(0, 1)]
        community = Community(42, contacts=Contacts.from_rows(rows))
        ties = compute_ties(community, as_of=AS_OF, parameters=TieParameters(mutual_top_k=5))
        kept = {int(partner) for partner in ties.partners(0)} - {1}
        assert len(kept) >= 5
        assert kept != set(range(2, 2 + len(kept)))

    def test_blocks_and_threads_do_not_change_results(self):
        rng = np.random.default_rng(3)
        contacts = Contacts(importer=rng.integers(0, 300, 3000), contact=rng.integers(0, 300, 3000))
        community = Community(300, contacts=contacts)
        one = compute_ties(community, as_of=AS_OF, parameters=TieParameters(threads=1))
        many = compute_ties(
            community,
            as_of=AS_OF,
            parameters=TieParameters(threads=2, mutual_block_rows=7, mutual_top_k=5),
        )
        reference = compute_ties(
            community, as_of=AS_OF, parameters=TieParameters(threads=1, mutual_top_k=5)
        )
        assert_same_ties(many, reference)
        assert len(one) >= len(many)


class TestDegreePowerIndex:
    """A hand-computed graph for ``degree_power`` and the endpoint exponent.

    0 imported 2, 3 and 4; 1 imported 2 and 3; 5 imported 2; 6 imported 4.
    So 2 was imported by three members, 3 and 4 by two; 0 imported three
    contacts, 1 two, 5 and 6 one each.
    """

    imports = [(0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (5, 2), (6, 4)]
    pairs = np.array([[0, 0, 0, 1, 1, 5], [1, 5, 6, 5, 6, 6]])

    def scores(self, imports, **parameters):
        parameters.setdefault("mutual_endpoint_exponent", 0.0)
        index = MutualContacts(
            Contacts.from_rows(imports),
            10,
            TieParameters(mutual_index="degree_power", **parameters),
        )
        return index.scores(*self.pairs)

    def test_exponent_weighs_each_common_contact_by_a_power_of_its_degree(self):
        count, score = self.scores(self.imports, mutual_degree_exponent=0.5)
        assert count.tolist() == [2, 1, 1, 1, 0, 0]
        expected = [3**-0.5 + 2**-0.5, 3**-0.5, 2**-0.5, 3**-0.5, 0, 0]
        assert score.tolist() == pytest.approx(expected, rel=1e-6)

    def test_exponents_zero_and_one_are_common_neighbours_and_resource_allocation(self):
        count, score = self.scores(self.imports, mutual_degree_exponent=0.0)
        assert score.tolist() == pytest.approx(count.tolist())
        _, resource = MutualContacts(
            Contacts.from_rows(self.imports),
            10,
            TieParameters(mutual_index="resource_allocation", mutual_endpoint_exponent=0.0),
        ).scores(*self.pairs)
        _, power = self.scores(self.imports, mutual_degree_exponent=1.0)
        assert power.tolist() == pytest.approx(resource.tolist(), rel=1e-6)
        assert power[0] == pytest.approx(1 / 3 + 1 / 2, rel=1e-6)

    def test_endpoint_exponent_divides_by_both_members_own_imports(self):
        _, score = self.scores(
            self.imports, mutual_degree_exponent=0.5, mutual_endpoint_exponent=0.5
        )
        expected = [(3**-0.5 + 2**-0.5) / 6**0.5, 1 / 3, 1 / 6**0.5, 1 / 6**0.5, 0, 0]
        assert score.tolist() == pytest.approx(expected, rel=1e-6)
        # 9 imports 0, 1 and 5: their own numbers of imports, and so their
        # scores, do not change.
        _, with_third = self.scores(
            self.imports + [(9, 0), (9, 1), (9, 5)],
            mutual_degree_exponent=0.5,
            mutual_endpoint_exponent=0.5,
        )
        assert with_third.tolist() == pytest.approx(expected, rel=1e-6)

    def test_stored_evidence_and_kept_partners_follow_the_endpoint_exponent(self):
        parameters = TieParameters(
            mutual_index="degree_power",
            mutual_degree_exponent=0.5,
            mutual_endpoint_exponent=0.5,
            mutual_top_k=1,
        )
        community = Community(10, contacts=Contacts.from_rows(self.imports))
        ties = compute_ties(community, as_of=AS_OF, parameters=parameters)
        mutual = {
            (item.first, item.second): item
            for tie in range(len(ties))
            for item in ties.evidence_of(tie)
            if item.kind is EvidenceKind.MUTUAL_CONTACTS
        }
        # 5's best partner is 1 (1 / sqrt 6) rather than 0 (1 / 3); 0, 1 and 6
        # each keep their best, and no one keeps (0, 5).
        assert set(mutual) == {(0, 1), (0, 6), (1, 5)}
        assert mutual[(1, 5)].score == pytest.approx(1 / 6**0.5, rel=1e-6)
        assert mutual[(0, 1)].count == 2
        assert mutual[(0, 1)].strength == pytest.approx(
            parameters.mutual_contacts
            * (1 - math.exp(-((3**-0.5 + 2**-0.5) / 6**0.5) / parameters.mutual_scale)),
            rel=1e-6,
        )


def test_evidence_of_several_kinds_combines_by_noisy_or():
    community = Community(
        2,
        positions=Positions.from_rows(
            [(0, ACME, PAYMENTS, "2020-01-01", None), (1, ACME, PAYMENTS, "2020-01-01", None)]
        ),
        contacts=Contacts.from_rows([(0, 1)]),
        interactions=Interactions.from_rows([(1, 0, InteractionKind.MEETING, AS_OF)]),
    )
    ties = compute_ties(community, as_of=AS_OF)
    evidence = ties.evidence_of(0)
    assert [item.kind for item in evidence] == [
        EvidenceKind.WORKED_TOGETHER,
        EvidenceKind.CONTACT,
        EvidenceKind.INTERACTION,
    ]
    assert ties.strength[0] == pytest.approx(1 - np.prod([1 - item.strength for item in evidence]))
    assert 0 < ties.strength[0] < 1
    # Each member sees the shared evidence and only their own private evidence.
    assert ties.visible_strengths(0)[1] == pytest.approx(
        1 - (1 - evidence[0].strength) * (1 - evidence[1].strength)
    )


def random_community(seed: int, n_members: int = 60) -> Community:
    rng = np.random.default_rng(seed)
    n_positions = n_members * 2
    start = np.datetime64("2012-01-01") + rng.integers(0, 3000, n_positions).astype(
        "timedelta64[D]"
    )
    end = start + rng.integers(30, 1500, n_positions).astype("timedelta64[D]")
    end[rng.random(n_positions) < 0.3] = np.datetime64("NaT")
    positions = Positions(
        member=rng.integers(0, n_members, n_positions),
        organisation=rng.integers(0, 4, n_positions),
        unit=rng.integers(-1, 3, n_positions),
        start=start,
        end=end,
    )
    n_educations = n_members
    estart = np.datetime64("2005-09-01") + rng.integers(0, 3000, n_educations).astype(
        "timedelta64[D]"
    )
    educations = Educations(
        member=rng.integers(0, n_members, n_educations),
        school=rng.integers(0, 3, n_educations),
        programme=rng.integers(-1, 2, n_educations),
        start=estart,
        end=estart + rng.integers(300, 1500, n_educations).astype("timedelta64[D]"),
    )
    n_contacts = n_members * 4
    contacts = Contacts(
        importer=rng.integers(0, n_members, n_contacts),
        contact=rng.integers(0, n_members, n_contacts),
    )
    n_interactions = n_members
    interactions = Interactions(
        logged_by=rng.integers(0, n_members, n_interactions),
        other=rng.integers(0, n_members, n_interactions),
        kind=rng.integers(0, 5, n_interactions),
        day=np.datetime64("2023-01-01")
        + rng.integers(0, 365, n_interactions).astype("timedelta64[D]"),
    )
    return Community(n_members, positions, educations, contacts, interactions)


@pytest.mark.parametrize("seed", range(4))
def test_incremental_equals_full_for_touched_members(seed):
    community = random_community(seed)
    parameters = TieParameters(mutual_top_k=4, max_organisation_size_for_pairs=40)
    full = compute_ties(community, as_of=AS_OF, parameters=parameters)
    assert {EvidenceKind(kind) for kind in np.unique(full.evidence.kind)} == set(EvidenceKind)
    rng = np.random.default_rng(seed)
    for touched in ([int(rng.integers(0, 60))], rng.choice(60, size=5, replace=False)):
        partial = compute_ties_touching(community, touched, as_of=AS_OF, parameters=parameters)
        assert_same_ties(partial, full.restricted_to(touched))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), touched=st.lists(st.integers(0, 29), min_size=1, max_size=4))
def test_any_community_gives_valid_ties_and_consistent_increments(seed, touched):
    community = random_community(seed, n_members=30)
    parameters = TieParameters(mutual_top_k=2)
    ties = compute_ties(community, as_of=AS_OF, parameters=parameters)
    assert np.all(ties.first < ties.second)
    assert np.all((ties.strength > 0) & (ties.strength < 1))
    assert np.all(np.diff(ties.first * 30 + ties.second) > 0)
    assert np.all((ties.evidence.strength > 0) & (ties.evidence.strength <= 1))
    assert_same_ties(
        compute_ties_touching(community, touched, as_of=AS_OF, parameters=parameters),
        ties.restricted_to(touched),
    )


def test_ids_of_any_width_give_the_same_ties():
    def community(organisations, members):
        rows = []
        for organisation, (start, end) in zip(
            organisations, [("2010-01-01", "2012-12-31"), ("2019-01-01", None)], strict=True
        ):
            units = [PAYMENTS, PAYMENTS, SEARCH, SEARCH]
            rows += [(m, organisation, u, start, end) for m, u in zip(members, units, strict=True)]
        return Community(max(members) + 1, positions=Positions.from_rows(rows))

    narrow = compute_ties(community([0, ACME], [0, 1, 2, 3]), as_of=AS_OF)
    # Organisation ids near 2**31 and member indices near 10**5 are too wide
    # for one integer key per (organisation, member, member) row.
    members = [0, 1, 60_000, 99_999]
    wide = compute_ties(community([0, 2**31 - 1], members), as_of=AS_OF)
    renamed = {0: 0, 1: 1, 60_000: 2, 99_999: 3}
    assert [(renamed[a], renamed[b]) for a, b in tie_pairs(wide)] == tie_pairs(narrow)
    assert len(narrow) == 6
    assert kinds_of(wide, 0, 1) == [EvidenceKind.WORKED_TOGETHER] * 2
    assert kinds_of(wide, 1, 60_000) == [EvidenceKind.SAME_ORGANISATION] * 2
    np.testing.assert_array_equal(wide.strength, narrow.strength)
    with pytest.raises(ValueError, match="below 2"):
        compute_ties(community([0, 2**31], [0, 1, 2, 3]), as_of=AS_OF)


def test_tie_table_round_trips_through_its_evidence():
    from deskmate.engine.ties import (
        Community,
        Contacts,
        Interactions,
        Positions,
        TieTable,
        compute_ties,
    )

    community = Community(
        n_members=4,
        positions=Positions.from_rows(
            [
                (0, 1, 5, "2019-01-01", "2021-06-30"),
                (1, 1, 5, "2020-01-01", None),
                (2, 1, 5, "2018-01-01", None),
            ]
        ),
        contacts=Contacts.from_rows([(0, 3), (1, 3)]),
        interactions=Interactions.from_rows([(3, 0, 1, "2024-01-10")]),
    )
    table = compute_ties(community, as_of="2024-03-01")
    records = [record for tie in range(len(table.first)) for record in table.evidence_of(tie)]
    rebuilt = TieTable.from_evidence(4, records)
    assert rebuilt.first.tolist() == table.first.tolist()
    assert rebuilt.second.tolist() == table.second.tolist()
    assert rebuilt.strength.tolist() == pytest.approx(table.strength.tolist(), abs=1e-12)
    for tie in range(len(table.first)):
        assert rebuilt.evidence_of(tie) == table.evidence_of(tie)


def test_tie_table_from_no_evidence_is_empty():
    from deskmate.engine.ties import TieTable

    table = TieTable.from_evidence(5, [])
    assert (len(table.first), table.visible_strengths(0).tolist()) == (0, [0.0] * 5)
