"""The plain-SQL reads behind suggestions agree with the ORM rules they stand in for."""

import datetime as dt

import pytest

from deskmate.engine.fit import Mode
from deskmate.mentoring.models import Availability, Mentorship
from deskmate.network import neighbourhood
from deskmate.network.models import Contact, Tie
from deskmate.network.suggestions import PLACE_CANDIDATES, PLACE_READ, _neighbourhood, _pool
from deskmate.people import services
from deskmate.people.models import Member, Position
from deskmate.people.selectors import members_visible_to, visible_member_ids
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def position(member, organisation, title, start, end=None, unit=""):
    services.position_create(
        member=member,
        actor=member,
        organisation=organisation,
        unit=unit,
        title=title,
        start=start,
        end=end,
    )


def tie(first, second):
    low, high = sorted((first.pk, second.pk))
    Tie.objects.create(
        member_low_id=low,
        member_high_id=high,
        strength=0.5,
        evidence=[{"kind": 1, "strength": 0.5}],
    )


@pytest.fixture
def mixed(request, db):
    """Members of every visibility, tied to Maya in either order, through contacts either way, or not at all."""
    # Created before Maya, so that her tie with this member has her as the higher id.
    made = {
        "tied_high": make_member(
            "tied_high@example.org", "Early", "Person", visibility=Member.Visibility.TIES
        )
    }
    mentee = request.getfixturevalue("mentee")
    for name, visibility in [
        ("open", Member.Visibility.COMMUNITY),
        ("tied_low", Member.Visibility.TIES),
        ("her_contact", Member.Visibility.TIES),
        ("contact_tie", Member.Visibility.TIES),
        ("has_her", Member.Visibility.TIES),
        ("unlinked", Member.Visibility.TIES),
        ("hidden", Member.Visibility.COORDINATORS),
        ("gone", Member.Visibility.COMMUNITY),
    ]:
        made[name] = make_member(
            f"{name}@example.org", name.title(), "Person", visibility=visibility
        )
    # Member ids grow with creation: one tie has Maya low, the other has her high.
    tie(mentee, made["tied_low"])
    tie(made["tied_high"], mentee)
    assert (
        Tie.objects.filter(member_high=mentee).exists()
        and Tie.objects.filter(member_low=mentee).exists()
    )
    Contact.objects.create(owner=mentee, member=made["her_contact"], source="vcard", match_key="a")
    Contact.objects.create(owner=made["has_her"], member=mentee, source="vcard", match_key="b")
    low, high = sorted((mentee.pk, made["contact_tie"].pk))
    Tie.objects.create(
        member_low_id=low,
        member_high_id=high,
        strength=0.5,
        evidence=[
            {"kind": 5, "strength": 0.5, "private_to": mentee.pk},
            {"kind": 7, "strength": 0.2},
        ],
    )
    made["gone"].user.is_active = False
    made["gone"].user.save()
    return made


def test_visible_member_ids_is_the_profile_rule(mixed, mentee, coordinator, stranger):
    everyone = list(Member.objects.values_list("pk", flat=True))
    for viewer in [mentee, coordinator, stranger, *mixed.values()]:
        expected = set(
            members_visible_to(viewer).filter(pk__in=everyone).values_list("pk", flat=True)
        )
        assert visible_member_ids(viewer, everyone) == expected, viewer
    seen = visible_member_ids(mentee, everyone)
    assert {mixed[name].pk for name in ("open", "tied_low", "tied_high")} <= seen
    # A contact either way is one member's private evidence: it opens no profile.
    hidden = ("her_contact", "has_her", "contact_tie", "unlinked", "hidden", "gone")
    assert not {mixed[name].pk for name in hidden} & seen
    assert mixed["hidden"].pk in visible_member_ids(coordinator, everyone)
    assert visible_member_ids(mentee, []) == set()


def test_histories_number_members_in_the_callers_order(mentee, mentor):
    position(mentee, "Acme", "Software Engineer", dt.date(2019, 3, 1))
    position(mentor, "Acme", "Senior Engineer", dt.date(2015, 1, 1), dt.date(2020, 1, 31))
    position(mentor, "Globex", "Engineering Manager", dt.date(2020, 2, 1))
    services.education_create(
        member=mentor,
        actor=mentor,
        school="Northfield University",
        degree="BSc",
        field="Physics",
        start=dt.date(2010, 9, 1),
        end=dt.date(2013, 6, 30),
    )
    local = neighbourhood.histories([mentor.pk, mentee.pk])
    positions = local.community.positions
    rows = sorted(
        zip(
            positions.member.tolist(),
            local.position_titles,
            positions.start.astype(str).tolist(),
            positions.end.astype(str).tolist(),
            strict=True,
        )
    )
    assert rows == [
        (0, "Engineering Manager", "2020-02-01", "NaT"),
        (0, "Senior Engineer", "2015-01-01", "2020-01-31"),
        (1, "Software Engineer", "2019-03-01", "NaT"),
    ]
    educations = local.community.educations
    assert educations.member.tolist() == [0]
    assert local.programme_names[int(educations.programme[0])] == "BSc, Physics"
    assert educations.start.astype(str).tolist() == ["2010-09-01"]


def test_standings_count_load_and_silence(mentee, mentor, stranger):
    Mentorship.objects.create(requester=mentee, recipient=mentor, state="active")
    Mentorship.objects.create(requester=stranger, recipient=mentor, state="requested")
    Mentorship.objects.create(requester=stranger, recipient=mentee, state="declined")
    Availability.objects.create(
        member=mentor, inactive_since=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    found = neighbourhood.standings([mentee.pk, mentor.pk])
    assert found[mentor.pk] == neighbourhood.Standing(
        open_to_mentoring=True, wants_copilot=False, capacity=3, active=1, waiting=1, inactive=True
    )
    assert found[mentee.pk] == neighbourhood.Standing(
        open_to_mentoring=False, wants_copilot=False, capacity=0
    )


@pytest.fixture
def large_organisation(mentee):
    """Maya works at Acme, with 60 colleagues open to mentoring; she was at Initech before."""
    position(mentee, "Initech", "Analyst", dt.date(2015, 1, 1), dt.date(2018, 12, 31))
    position(mentee, "Acme", "Engineer", dt.date(2019, 1, 1))
    initech = make_member(
        "former@example.org", "Former", "Colleague", open_to_mentoring=True, mentee_capacity=1
    )
    position(initech, "Initech", "Manager", dt.date(2010, 1, 1))
    colleagues = []
    for number in range(60):
        colleague = make_member(
            f"c{number}@example.org",
            "Colleague",
            str(number),
            open_to_mentoring=number % 4 != 0,
            mentee_capacity=1,
        )
        position(colleague, "Acme", "Manager", dt.date(2010, 1, 1))
        colleagues.append(colleague)
    colleagues[1].user.is_active = False
    colleagues[1].user.save()
    return {"initech": initech, "colleagues": colleagues}


def candidates(viewer, mode, day):
    member_ids, _ = _neighbourhood(viewer, mode, _pool(viewer, day))
    return member_ids[1:]


def test_place_candidates_are_open_active_and_vary_by_viewer_and_day(large_organisation, mentee):
    colleagues = large_organisation["colleagues"]
    open_ids = {c.pk for number, c in enumerate(colleagues) if number % 4 != 0 and number != 1}
    monday = candidates(mentee, Mode.MENTOR, dt.date(2024, 3, 4))
    assert len(monday) == PLACE_CANDIDATES == len(set(monday))
    # Current workplace first: 44 open, active colleagues at Acme fill the list before Initech is read.
    assert set(monday) <= open_ids
    days = {tuple(candidates(mentee, Mode.MENTOR, dt.date(2024, 3, day))) for day in range(4, 11)}
    assert len(days) > 1
    assert candidates(mentee, Mode.MENTOR, dt.date(2024, 3, 4)) == monday
    assert candidates(mentee, Mode.COPILOT, dt.date(2024, 3, 4)) == []


def test_place_members_read_each_place_from_a_starting_member_and_wrap(large_organisation, mentee):
    colleagues = sorted(c.pk for c in large_organisation["colleagues"])
    acme = Position.objects.get(member=mentee, end__isnull=True).organisation_id
    initech = Position.objects.get(member=mentee, end__isnull=False).organisation_id
    start_at = colleagues[50]
    found = neighbourhood.place_members(
        organisations=[acme, initech], schools=[], exclude=mentee.pk, start_at=start_at, limit=20
    )
    # From the starting member up, then round from the lowest; Initech is not needed.
    assert found == colleagues[50:] + colleagues[:10]
    everyone = neighbourhood.place_members(
        organisations=[acme, initech], schools=[], exclude=mentee.pk, start_at=start_at, limit=1000
    )
    assert everyone == colleagues[50:] + colleagues[:50] + [large_organisation["initech"].pk]
    assert (
        neighbourhood.place_members(
            organisations=[], schools=[], exclude=mentee.pk, start_at=0, limit=5
        )
        == []
    )


def test_place_candidates_reach_former_workplaces_when_the_current_one_is_small(mentee):
    position(mentee, "Initech", "Analyst", dt.date(2015, 1, 1), dt.date(2018, 12, 31))
    position(mentee, "Acme", "Engineer", dt.date(2019, 1, 1))
    former = make_member(
        "former@example.org", "Former", "Colleague", open_to_mentoring=True, mentee_capacity=1
    )
    position(former, "Initech", "Manager", dt.date(2010, 1, 1))
    current = make_member(
        "current@example.org", "Current", "Colleague", open_to_mentoring=True, mentee_capacity=1
    )
    position(current, "Acme", "Manager", dt.date(2010, 1, 1))
    closed = make_member("closed@example.org", "Closed", "Colleague")
    position(closed, "Acme", "Manager", dt.date(2010, 1, 1))
    assert candidates(mentee, Mode.MENTOR, dt.date(2024, 3, 4)) == sorted([current.pk, former.pk])


def test_storing_every_tie_leaves_planner_statistics(mentee, mentor):
    from django.db import connection

    from deskmate.network.tie_store import ties_refresh_all

    if connection.vendor != "postgresql":
        pytest.skip(
            "Planner statistics after a bulk write are PostgreSQL's; SQLite plans from its indexes."
        )
    position(mentee, "Acme", "Engineer", dt.date(2019, 1, 1), unit="Payments")
    position(mentor, "Acme", "Manager", dt.date(2018, 1, 1), unit="Payments")
    stored = ties_refresh_all(as_of=dt.date(2024, 3, 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Tie._meta.db_table])
        (estimated,) = cursor.fetchone()
    assert stored == 1 and estimated == stored


def test_place_members_limit_counts_people_not_positions(mentee):
    """Colleagues promoted twice have three positions each; the limit still reads that many people."""
    position(mentee, "Acme", "Engineer", dt.date(2019, 1, 1))
    colleagues = []
    for number in range(12):
        colleague = make_member(f"p{number}@example.org", "Promoted", str(number))
        position(colleague, "Acme", "Engineer", dt.date(2010, 1, 1), dt.date(2013, 12, 31))
        position(colleague, "Acme", "Senior Engineer", dt.date(2014, 1, 1), dt.date(2017, 12, 31))
        position(colleague, "Acme", "Staff Engineer", dt.date(2018, 1, 1))
        colleagues.append(colleague.pk)
    position(mentee, "Acme", "Senior Engineer", dt.date(2023, 1, 1))
    acme = Position.objects.filter(member=mentee).first().organisation_id
    assert Position.objects.filter(organisation_id=acme).count() == 38
    for start_at in (0, colleagues[5]):
        found = neighbourhood.place_members(
            organisations=[acme], schools=[], exclude=mentee.pk, start_at=start_at, limit=10
        )
        assert len(found) == len(set(found)) == 10 and mentee.pk not in found
        assert set(found) <= set(colleagues)
    assert (
        neighbourhood.place_members(
            organisations=[acme], schools=[], exclude=mentee.pk, start_at=colleagues[5], limit=10
        )
        == colleagues[5:] + colleagues[:3]
    )


def test_suggestions_read_the_documented_number_of_people(mentee, monkeypatch):
    """``PLACE_READ`` distinct members are read from the viewer's places when that many exist."""
    position(mentee, "Acme", "Engineer", dt.date(2019, 1, 1))
    for number in range(PLACE_READ + 5):
        colleague = make_member(f"r{number}@example.org", "Colleague", str(number))
        position(colleague, "Acme", "Engineer", dt.date(2010, 1, 1), dt.date(2015, 12, 31))
        position(colleague, "Acme", "Senior Engineer", dt.date(2016, 1, 1))
    read = []
    real = neighbourhood.place_members

    def recording(**options):
        read.append(real(**options))
        return read[-1]

    monkeypatch.setattr(neighbourhood, "place_members", recording)
    _neighbourhood(mentee, Mode.MENTOR, _pool(mentee, dt.date(2024, 3, 4)))
    assert [len(set(found)) for found in read] == [PLACE_READ]
