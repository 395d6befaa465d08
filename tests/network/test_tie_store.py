"""A refresh writes only the ties that changed, leaving what a store from scratch leaves."""

import datetime as dt

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import Count

from deskmate.engine.ties import (
    Community,
    Contacts,
    EvidenceKind,
    Positions,
    compute_ties,
    compute_ties_touching,
)
from deskmate.network.models import Contact, Interaction, Tie
from deskmate.network.tie_store import (
    CommunityArrays,
    community_load,
    community_load_touching,
    tie_digests,
    ties_refresh_all,
    ties_refresh_members,
)
from deskmate.people.models import Education, Member, Position
from tests.conftest import rows_shared_by_the_module

FIRST_DAY = dt.date(2026, 6, 1)
MONTH_LATER = dt.date(2026, 7, 1)


def stored_ties() -> dict[tuple[int, int], tuple[float, list, int]]:
    return {
        (low, high): (strength, evidence, digest)
        for low, high, strength, evidence, digest in Tie.objects.values_list(
            "member_low_id", "member_high_id", "strength", "evidence", "digest"
        )
    }


def stamps() -> dict[tuple[int, int], tuple[int, dt.datetime]]:
    return {
        (low, high): (pk, updated_at)
        for pk, low, high, updated_at in Tie.objects.values_list(
            "pk", "member_low_id", "member_high_id", "updated_at"
        )
    }


def untied_pair() -> tuple[Member, Member]:
    tied = set(Tie.objects.values_list("member_low_id", "member_high_id"))
    members = list(Member.objects.filter(user__is_active=True).order_by("pk")[:60])
    for one in members:
        for other in members:
            if one.pk < other.pk and (one.pk, other.pk) not in tied:
                return one, other
    raise AssertionError("every pair of the first 60 members is tied")


@pytest.fixture(scope="module")
def demo_community(request, django_db_setup, django_db_blocker):
    """The demo community, built once; what a test writes is rolled back after it."""

    def build():
        call_command("demo_data", members=300, seed=7, no_progress=True)

    yield from rows_shared_by_the_module(request, django_db_blocker, build)


@pytest.fixture
def demo(db, demo_community):
    pass


@pytest.mark.django_db
def test_a_refresh_after_changes_stores_what_a_store_from_scratch_stores(demo):
    ties_refresh_all(as_of=FIRST_DAY)
    before, stamps_before = stored_ties(), stamps()
    leaving = Member.objects.get(pk=next(iter(before))[0])
    leaving.user.is_active = False
    leaving.user.save(update_fields=["is_active"])
    one, other = untied_pair()
    Interaction.objects.create(
        logged_by=one, other=other, kind=Interaction.Kind.LUNCH, happened_on=MONTH_LATER
    )

    ties_refresh_all(as_of=MONTH_LATER)
    after, stamps_after = stored_ties(), stamps()
    Tie.objects.all().delete()
    ties_refresh_all(as_of=MONTH_LATER)
    from_scratch = stored_ties()

    assert after == from_scratch
    leavers_ties = {pair for pair in before if leaving.pk in pair}
    assert leavers_ties and leavers_ties <= before.keys() - after.keys()
    assert not any(leaving.pk in pair for pair in after)
    assert (one.pk, other.pk) in after.keys() - before.keys()
    kept = before.keys() & after.keys()
    changed = {pair for pair in kept if before[pair] != after[pair]}
    unchanged = kept - changed
    assert changed and unchanged
    # Only changed ties were written: the others are the very rows stored a month before.
    assert {pair for pair in kept if stamps_after[pair] != stamps_before[pair]} == changed
    assert all(stamps_after[pair][0] == stamps_before[pair][0] for pair in kept)


@pytest.mark.django_db
def test_a_refresh_with_nothing_changed_writes_nothing(demo):
    ties_refresh_all(as_of=FIRST_DAY)
    before = stamps()
    assert ties_refresh_all(as_of=FIRST_DAY) == len(before)
    assert stamps() == before


@pytest.mark.django_db
def test_a_members_refresh_stores_what_a_whole_refresh_stores(demo):
    ties_refresh_all(as_of=FIRST_DAY)
    one, other = untied_pair()
    Interaction.objects.create(
        logged_by=one, other=other, kind=Interaction.Kind.CALL, happened_on=FIRST_DAY
    )
    ties_refresh_members(member_ids=[one.pk, other.pk], as_of=FIRST_DAY)
    after_members = stored_ties()
    ties_refresh_all(as_of=FIRST_DAY)
    assert after_members == stored_ties()
    assert after_members[(one.pk, other.pk)][1][-1]["private_to"] == one.pk


def joins_a_colleagues_team(one: Member) -> Member:
    """``one`` joins an organisation new to them, in another member's current team; returns that member."""
    theirs = (
        Position.objects.filter(end__isnull=True, unit__isnull=False, member__user__is_active=True)
        .exclude(organisation__in=one.positions.values("organisation"))
        .order_by("pk")
        .first()
    )
    Position.objects.create(
        member=one,
        organisation=theirs.organisation,
        unit=theirs.unit,
        title="Engineer",
        start=FIRST_DAY - dt.timedelta(days=400),
    )
    return theirs.member


def imports_someones_contacts(one: Member) -> Member:
    """``one`` imports every member the biggest importer imported; returns that importer."""
    importer = (
        Contact.objects.filter(member__isnull=False)
        .exclude(owner=one)
        .values("owner")
        .annotate(count=Count("id"))
        .order_by("-count", "owner")
        .first()["owner"]
    )
    known = Contact.objects.filter(owner_id=importer, member__isnull=False).exclude(member=one)
    Contact.objects.bulk_create(
        Contact(
            owner=one,
            member_id=member_id,
            source=Contact.Source.VCARD,
            match_key=f"test:{member_id}",
        )
        for member_id in known.values_list("member_id", flat=True)
    )
    return Member.objects.get(pk=importer)


def leaves(one: Member) -> None:
    one.user.is_active = False
    one.user.save(update_fields=["is_active"])


def touching(ties: dict, member_id: int) -> dict:
    return {pair: tie for pair, tie in ties.items() if member_id in pair}


def evidence_between(ties: dict, one: Member, other: Member, kind: EvidenceKind) -> list[dict]:
    pair = (min(one.pk, other.pk), max(one.pk, other.pk))
    return [item for item in ties.get(pair, (0, []))[1] if item["kind"] == kind]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, kind",
    [
        (joins_a_colleagues_team, EvidenceKind.WORKED_TOGETHER),
        (imports_someones_contacts, EvidenceKind.MUTUAL_CONTACTS),
        (leaves, None),
    ],
)
def test_a_members_refresh_stores_what_a_whole_refresh_stores_for_their_ties(demo, change, kind):
    ties_refresh_all(as_of=FIRST_DAY)
    before = stored_ties()
    one = (
        Member.objects.filter(user__is_active=True, contacts__member__isnull=False)
        .distinct()
        .order_by("pk")[3]
    )
    other = change(one)
    ties_refresh_members(member_ids=[one.pk], as_of=FIRST_DAY)
    after_members = stored_ties()
    ties_refresh_all(as_of=FIRST_DAY)
    whole = stored_ties()

    assert touching(after_members, one.pk) == touching(whole, one.pk)
    assert touching(after_members, one.pk) != touching(before, one.pk)
    # Ties not touching the member are the whole refresh's to change, not theirs.
    rest = {pair: tie for pair, tie in after_members.items() if one.pk not in pair}
    assert rest == {pair: tie for pair, tie in before.items() if one.pk not in pair}
    if kind is None:
        assert touching(after_members, one.pk) == {}
    else:
        new = evidence_between(after_members, one, other, kind)
        assert new and new != evidence_between(before, one, other, kind)


@pytest.mark.django_db
def test_a_members_load_reads_only_their_groups_and_contact_neighbourhood(demo):
    one = (
        Member.objects.filter(user__is_active=True, contacts__member__isnull=False)
        .distinct()
        .order_by("pk")[3]
    )
    whole, local = community_load(), community_load_touching([one.pk])
    assert local.member_ids.tolist() == whole.member_ids.tolist()
    index = int(local.index_of([one.pk])[0])
    organisations = set(Position.objects.filter(member=one).values_list("organisation", flat=True))
    assert set(local.community.positions.organisation.tolist()) == organisations
    schools = set(Education.objects.filter(member=one).values_list("school", flat=True))
    assert set(local.community.educations.school.tolist()) == schools
    assert len(local.community.positions) < len(whole.community.positions)
    assert len(local.community.contacts.importer) < len(whole.community.contacts.importer)
    interactions = local.community.interactions
    assert ((interactions.logged_by == index) | (interactions.other == index)).all()
    local_ties = compute_ties_touching(local.community, [index], as_of=FIRST_DAY)
    whole_ties = compute_ties_touching(whole.community, [index], as_of=FIRST_DAY)
    assert len(local_ties) > 0
    for name in ("first", "second", "strength"):
        assert getattr(local_ties, name).tolist() == getattr(whole_ties, name).tolist()
    assert tie_digests(local_ties, local).tolist() == tie_digests(whole_ties, whole).tolist()


def digests_after(change) -> np.ndarray:
    community = Community(
        4,
        positions=Positions.from_rows(
            [
                (0, 1, 1, "2020-01-01", None),
                (1, 1, 1, "2021-01-01", None),
                (2, 1, 1, "2019-01-01", "2022-01-01"),
            ]
        ),
        contacts=Contacts.from_rows([(0, 3), (3, 1)]),
    )
    table = compute_ties(community, as_of="2024-01-01")
    change(table)
    arrays = CommunityArrays(community, np.array([10, 20, 30, 40]), {})
    return tie_digests(table, arrays)


@pytest.mark.parametrize(
    "field, value",
    [
        ("days", 1),
        ("end", np.datetime64("2023-12-31")),
        ("current", False),
        ("unit", 7),
        ("strength", 0.5),
    ],
)
def test_a_digest_changes_with_any_field_of_the_evidence_and_only_for_its_tie(field, value):
    def change(table):
        getattr(table.evidence, field)[table.grouping[0]] = value

    unchanged, changed = digests_after(lambda table: None), digests_after(change)
    assert changed[0] != unchanged[0]
    assert changed[1:].tolist() == unchanged[1:].tolist()
    assert digests_after(lambda table: None).tolist() == unchanged.tolist()


def test_a_digest_changes_with_the_order_of_the_evidence():
    def swap(table):
        first, second = table.grouping[table.offsets[0]], table.grouping[table.offsets[0] + 1]
        table.grouping[table.offsets[0]], table.grouping[table.offsets[0] + 1] = second, first

    assert digests_after(swap)[0] != digests_after(lambda table: None)[0]
