import datetime as dt
import io
from collections import defaultdict
from itertools import combinations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from deskmate.core.models import AuditEntry
from deskmate.demo.generator import (
    DEMO_PASSWORD,
    MEMBERS_MINIMUM,
    generate_community,
    month_of,
)
from deskmate.demo.loader import NOT_EMPTY, SIGN_IN_TAKEN
from deskmate.demo.management.commands.demo_data import REFUSED, TOO_FEW_MEMBERS
from deskmate.network.models import Contact
from deskmate.people.models import (
    Education,
    Goal,
    Member,
    MemberSkill,
    Offer,
    Organisation,
    Position,
    Skill,
    SkillAlias,
    Source,
    Unit,
    User,
)
from tests.conftest import make_member

TODAY = dt.date(2025, 3, 14)
SIGN_INS = {
    "mentee@deskmate.demo": ("Maya", "Patel", Member.Role.MEMBER),
    "mentor@deskmate.demo": ("Daniel", "Okafor", Member.Role.MEMBER),
    "coordinator@deskmate.demo": ("Claire", "Dubois", Member.Role.COORDINATOR),
    "admin@deskmate.demo": ("Adam", "Novak", Member.Role.ADMIN),
}
MAYA, DANIEL, CLAIRE, ADAM, TOMAS = range(5)
MAYA_CLASSMATES = (5, 6, 7)


@pytest.fixture(scope="module")
def community():
    return generate_community(members=150, seed=3, today=TODAY)


@pytest.fixture(scope="module")
def contacts(community):
    return community.contacts()


def _overlap_months(a_start, a_end, b_start, b_end, today=TODAY):
    start = max(month_of(a_start), month_of(b_start))
    end = min(month_of(a_end or today), month_of(b_end or today))
    return end - start + 1


def _colleague_pairs(community):
    by_unit = defaultdict(list)
    for p in community.positions:
        if p.unit is not None:
            by_unit[p.unit].append(p)
    pairs = set()
    for positions in by_unit.values():
        for a, b in combinations(positions, 2):
            if a.member != b.member and _overlap_months(a.start, a.end, b.start, b.end) > 0:
                pairs.add(frozenset((a.member, b.member)))
    return pairs


def _classmate_pairs(community):
    by_class = defaultdict(list)
    for e in community.education:
        by_class[(e.school, e.degree, e.field)].append(e)
    pairs = set()
    for studies in by_class.values():
        for a, b in combinations(studies, 2):
            if a.member != b.member and _overlap_months(a.start, a.end, b.start, b.end) > 0:
                pairs.add(frozenset((a.member, b.member)))
    return pairs


# The generator, without a database.


def test_the_same_size_seed_and_day_give_identical_records(community, contacts):
    again = generate_community(members=150, seed=3, today=TODAY)

    assert again.members == community.members
    assert again.positions == community.positions
    assert again.education == community.education
    assert again.member_skills == community.member_skills
    assert again.goals == community.goals
    assert again.offers == community.offers
    assert again.organisations == community.organisations
    assert again.units == community.units
    assert again.contacts() == contacts


def test_another_seed_gives_other_people(community):
    other = generate_community(members=150, seed=4, today=TODAY)

    assert other.members[:8] == community.members[:8]  # the personas are fixed
    assert [m.email for m in other.members[8:]] != [m.email for m in community.members[8:]]


def test_a_community_smaller_than_its_personas_is_refused():
    with pytest.raises(ValueError, match=f"at least {MEMBERS_MINIMUM} members"):
        generate_community(members=MEMBERS_MINIMUM - 1, seed=1, today=TODAY)


def test_members_are_as_many_as_asked_with_unique_addresses(community):
    emails = [m.email for m in community.members]

    assert len(emails) == 150
    assert len(set(emails)) == 150
    assert all(email.endswith("@example.org") for email in emails[4:])


def test_no_stint_ends_before_it_starts_or_lies_in_the_future(community, contacts):
    stints = community.positions + community.education

    assert [s for s in stints if s.end is not None and s.end < s.start] == []
    assert [s for s in stints if s.start > TODAY or (s.end or TODAY) > TODAY] == []
    assert [c for c in contacts if c.connected_on > TODAY] == []


def test_every_unit_belongs_to_the_organisation_of_its_position(community):
    wrong = [
        p
        for p in community.positions
        if p.unit is not None and community.units[p.unit].organisation != p.organisation
    ]

    assert wrong == []


def test_colleagues_and_classmates_really_overlap(community):
    assert len(_colleague_pairs(community)) >= 200
    assert len(_classmate_pairs(community)) >= 200


def test_contacts_among_members_are_colleagues_classmates_or_the_personas_friends(
    community, contacts
):
    ties = _colleague_pairs(community) | _classmate_pairs(community)
    known = {frozenset((owner, m)) for owner, ms in community.known_contacts.items() for m in ms}
    linked = [c for c in contacts if c.member is not None]

    assert [c for c in linked if frozenset((c.owner, c.member)) not in ties | known] == []
    assert [c for c in linked if c.owner == c.member] == []
    # In a community of 150 most of a member's network is not on the platform.
    assert len(linked) >= 700


def test_contacts_are_unique_per_owner_and_about_thirty_each(community, contacts):
    keys = [(c.owner, c.member if c.member is not None else c.profile_url) for c in contacts]

    assert len(keys) == len(set(keys))
    assert 20 <= len(contacts) / len(community.members) <= 40
    assert {c.owner for c in contacts} == set(range(150))


def test_students_started_within_four_years_and_alumni_span_twenty(community):
    studying = [e for e in community.education if e.end is None]
    graduation_years = {e.end.year for e in community.education if e.end is not None}

    assert len(studying) >= 10
    assert all(TODAY - dt.timedelta(days=4 * 366) <= e.start <= TODAY for e in studying)
    assert min(graduation_years) <= TODAY.year - 17
    assert max(graduation_years) == TODAY.year - 1


def test_careers_climb_ladders_and_some_change_role(community):
    titles_by_member = defaultdict(list)
    for p in community.positions:
        titles_by_member[p.member].append(p.title)
    changes = [
        titles
        for titles in titles_by_member.values()
        if any(t in titles for t in ("Engineer", "Senior Engineer"))
        and any(t in titles for t in ("Engineering Manager", "Product Manager"))
    ]

    assert len(changes) >= 3
    assert all(1 <= len(titles) <= 5 for titles in titles_by_member.values())
    assert all(
        len([p for p in community.positions if p.member == m and p.end is None]) <= 1
        for m in range(150)
    )


def test_maya_and_daniel_overlapped_on_acme_payments_for_about_two_years(community, contacts):
    acme = next(i for i, o in enumerate(community.organisations) if o.name == "Acme")
    payments = next(
        i for i, u in enumerate(community.units) if u.organisation == acme and u.name == "Payments"
    )
    maya = [p for p in community.positions if p.member == MAYA]
    daniel = [p for p in community.positions if p.member == DANIEL]
    overlap = sum(
        max(0, _overlap_months(a.start, a.end, b.start, b.end))
        for a in maya
        for b in daniel
        if a.unit == b.unit == payments
    )

    assert [p.title for p in maya] == ["Junior Engineer", "Engineer"]
    assert maya[0].start == dt.date(2022, 3, 1)
    assert [p.title for p in daniel][-3:] == [
        "Senior Engineer",
        "Engineering Manager",
        "Engineering Manager",
    ]
    assert daniel[-1].end is None and daniel[-1].unit != payments
    assert overlap == 24
    assert DANIEL in {c.member for c in contacts if c.owner == MAYA}
    assert community.members[DANIEL].mentee_capacity == 3


def test_maya_has_classmates_and_a_peer_who_wants_a_copilot(community):
    classmates = {m for pair in _classmate_pairs(community) if MAYA in pair for m in pair} - {MAYA}
    maya_now = next(p for p in community.positions if p.member == MAYA and p.end is None)
    tomas_now = next(p for p in community.positions if p.member == TOMAS and p.end is None)

    assert set(MAYA_CLASSMATES) <= classmates
    assert tomas_now.unit == maya_now.unit
    assert tomas_now.title == maya_now.title == "Engineer"
    assert community.members[TOMAS].wants_copilot is True


def test_maya_wants_management_and_a_conference_talk(community):
    skill_names = [s.name for s in community.skills]
    goals = [(g.text, g.target_role, g.target_skill) for g in community.goals if g.member == MAYA]

    assert goals == [
        (
            "Move into engineering management",
            "Engineering Manager",
            skill_names.index("Management"),
        ),
        ("Speak at a conference", "", skill_names.index("Public speaking")),
    ]


# The command and the loader, with a database.


def _run(**options):
    out = io.StringIO()
    call_command("demo_data", progress=False, stdout=out, **options)
    return out.getvalue()


def _counts():
    return (
        Member.objects.count(),
        Position.objects.count(),
        Contact.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_the_command_writes_exactly_what_the_generator_made():
    output = _run(members=80, seed=5)
    community = generate_community(members=80, seed=5, today=timezone.localdate())
    contacts = community.contacts()

    assert "Created the demo community" in output
    assert Member.objects.count() == User.objects.count() == 80
    assert Position.objects.filter(source=Source.DEMO).count() == len(community.positions)
    assert Education.objects.filter(source=Source.DEMO).count() == len(community.education)
    assert MemberSkill.objects.count() == len(community.member_skills)
    assert Goal.objects.count() == len(community.goals)
    assert Offer.objects.count() == len(community.offers)
    assert Contact.objects.count() == len(contacts)
    assert Contact.objects.filter(member__isnull=False).count() == sum(
        c.member is not None for c in contacts
    )
    assert Organisation.objects.count() == len(community.organisations)
    assert Unit.objects.count() == len(community.units)
    assert Skill.objects.count() == len(community.skills)
    assert SkillAlias.objects.get(normalised_name="js").skill.name == "JavaScript"
    assert SkillAlias.objects.get(normalised_name="people management").skill.name == "Management"
    assert list(AuditEntry.objects.values_list("action", "subject_type")) == [
        ("demo_community_load", "community")
    ]
    assert (
        Position.objects.exclude(unit=None).exclude(unit__organisation=F("organisation")).count()
        == 0
    )


@pytest.mark.django_db
def test_maya_daniel_and_their_history_are_in_the_database():
    _run(members=60, seed=2)
    today = timezone.localdate()
    maya = Member.objects.get(user__email="mentee@deskmate.demo")
    daniel = Member.objects.get(user__email="mentor@deskmate.demo")
    maya_positions = list(
        maya.positions.order_by("start").values_list(
            "organisation__name", "unit__name", "title", "end"
        )
    )
    contact = Contact.objects.get(owner=maya, member=daniel)

    assert maya_positions == [
        ("Acme", "Payments", "Junior Engineer", maya_positions[0][3]),
        ("Acme", "Payments", "Engineer", None),
    ]
    assert maya.positions.order_by("start").first().start == dt.date(
        (month_of(today) - 36) // 12, (month_of(today) - 36) % 12 + 1, 1
    )
    assert list(maya.goals.values_list("text", "target_role")) == [
        ("Move into engineering management", "Engineering Manager"),
        ("Speak at a conference", ""),
    ]
    assert (daniel.open_to_mentoring, daniel.mentee_capacity) == (True, 3)
    assert daniel.headline == "Engineering Manager at Northwind Bank"
    assert contact.source == Contact.Source.LINKEDIN
    assert contact.match_key in {
        "email:mentor@deskmate.demo",
        "url:linkedin.com/in/daniel-okafor-1",
    }
    assert Education.objects.get(member=maya).school.name == "Northfield University"


@pytest.mark.django_db
def test_the_four_sign_ins_work_with_the_demo_password_and_no_one_else_can_sign_in():
    _run(members=60, seed=2)

    for email, (first_name, last_name, role) in SIGN_INS.items():
        user = authenticate(username=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert (user.member.first_name, user.member.last_name, user.member.role) == (
            first_name,
            last_name,
            role,
        )
        assert user.is_staff is user.is_superuser is (role == Member.Role.ADMIN)
    generated = User.objects.exclude(email__endswith="@deskmate.demo")
    assert generated.count() == 56
    assert not any(user.has_usable_password() for user in generated)
    assert authenticate(username=generated.first().email, password=DEMO_PASSWORD) is None
    assert authenticate(username="mentee@deskmate.demo", password="wrong") is None


@pytest.mark.django_db
def test_a_database_with_members_is_refused_and_left_alone():
    make_member("sam@example.org", "Sam", "Stranger")
    before = _counts()

    with pytest.raises(CommandError) as refused:
        _run(members=60, seed=1)

    assert str(refused.value) == REFUSED.format(count=1)
    assert REFUSED.startswith(NOT_EMPTY)
    assert _counts() == before
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_if_empty_does_nothing_quietly_when_members_exist():
    _run(members=60, seed=1)
    before = _counts()

    output = _run(members=90, seed=9, if_empty=True)

    assert output == ""
    assert _counts() == before == (60, Position.objects.count(), Contact.objects.count(), 1)


@pytest.mark.django_db
def test_if_empty_fills_an_empty_database():
    _run(members=60, seed=1, if_empty=True)

    assert Member.objects.count() == 60


@pytest.mark.django_db
def test_members_can_still_be_added_after_the_demo():
    _run(members=60, seed=1)

    added = make_member("sam@example.org", "Sam", "Stranger")

    assert added.pk == Member.objects.exclude(pk=added.pk).order_by("-pk").first().pk + 1
    assert Member.objects.count() == 61


@pytest.mark.django_db
def test_an_existing_demo_sign_in_is_refused():
    User.objects.create_user("admin@deskmate.demo", "another-password")

    with pytest.raises(CommandError) as refused:
        _run(members=60, seed=1)

    assert str(refused.value) == SIGN_IN_TAKEN.format(email="admin@deskmate.demo")
    assert _counts() == (0, 0, 0, 0)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_too_few_members_is_refused_before_anything_is_written():
    with pytest.raises(CommandError) as refused:
        _run(members=MEMBERS_MINIMUM - 1, seed=1)

    assert str(refused.value) == TOO_FEW_MEMBERS.format(minimum=MEMBERS_MINIMUM)
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_the_demo_has_a_history_in_every_state_and_each_persona_has_work_waiting():
    from deskmate.mentoring.models import CheckIn, Feedback, Mentorship, Milestone, Report
    from deskmate.mentoring.states import State
    from deskmate.network.models import Introduction
    from deskmate.people import home
    from deskmate.programmes.models import Programme

    _run(members=120, seed=2)
    assert set(Mentorship.objects.values_list("state", flat=True)) == set(State.values)
    today = timezone.localdate()
    assert Milestone.objects.filter(done_at=None, due_on__lt=today).count() == 2
    months = {held.replace(day=1) for held in CheckIn.objects.values_list("held_on", flat=True)}
    assert len(months) >= 6
    assert Feedback.objects.count() == 9
    assert sorted(Introduction.objects.values_list("status", flat=True)) == [
        "asked",
        "forwarded",
        "made",
    ]
    assert Report.objects.filter(status="open").count() == 1

    def panels(email):
        member = Member.objects.get(user__email=email)
        return {item["panel"].key: item["context"] for item in home.panels_for(member)}

    maya = panels("mentee@deskmate.demo")
    (row,) = maya["mentorships"]["rows"]
    assert (row["other"].name, row["next_checkin_on"]) == (
        "Daniel Okafor",
        today + dt.timedelta(days=5),
    )
    assert [(m["milestone"].title, m["overdue_since"]) for m in row["milestones"]] == [
        ("Draft an onboarding plan for a new joiner", today - dt.timedelta(days=14)),
        ("Send a talk proposal to a conference", None),
    ]
    assert [m.requester.name for m in maya["requests_waiting"]["received"]] == ["Tomás Herrera"]
    assert len(maya["requests_waiting"]["questions"]) == 1
    assert [i.requester.name for i in maya["introductions"]["to_make"]] == ["Lukas Weber"]

    daniel = panels("mentor@deskmate.demo")
    assert [r["mentorship"].requester.name for r in daniel["requests_to_answer"]["rows"]] == [
        "Chloé Martin",
        "Lukas Weber",
    ]
    assert [r["other"].name for r in daniel["mentees"]["rows"]] == ["Aisha Khan", "Maya Patel"]
    assert daniel["mentees"]["free_places"] == 1
    assert [r["other"].name for r in daniel["mentees"]["overdue"]] == ["Aisha Khan"]
    assert [i.requester.name for i in daniel["introductions"]["to_accept"]] == ["Chloé Martin"]

    claire = panels("coordinator@deskmate.demo")
    assert [
        (r["programme"].name, r["stage"], r["pairs"], r["waiting"])
        for r in claire["programmes"]["rows"]
    ] == [
        ("Alumni mentoring circle, winter", "Enrolment open", 0, 14),
        ("Alumni mentoring circle, spring", "Finished", 6, 0),
    ]
    assert Programme.objects.get(slug="alumni-circle-spring").runs.get().status == "published"
    adam = panels("admin@deskmate.demo")
    assert adam["admin"]["reports"] == 1


@pytest.mark.django_db
def test_the_smallest_demo_still_loads_its_history():
    from deskmate.mentoring.models import Mentorship

    _run(members=MEMBERS_MINIMUM, seed=1)
    assert Mentorship.objects.filter(state="active").count() == 2


@pytest.mark.django_db
def test_the_demo_has_conversations_with_messages_waiting_and_a_check_in_at_a_time():
    from deskmate.mentoring import selectors
    from deskmate.mentoring.models import Message, PlannedCheckIn

    _run(members=MEMBERS_MINIMUM, seed=1)
    maya = Member.objects.get(user__email="mentee@deskmate.demo")
    daniel = Member.objects.get(user__email="mentor@deskmate.demo")
    assert Message.objects.count() == 8
    assert selectors.unread_message_count(maya) == 1
    # Aisha's question, Lukas's request and Chloé's message in the introduction wait for Daniel.
    assert selectors.unread_message_count(daniel) == 3
    titles = {item.title: item.unread for item in selectors.threads_of(daniel)}
    assert titles["Request with Lukas Weber"] == 1
    assert titles["Introduction: Chloé Martin and Aisha Khan"] == 1
    (planned,) = PlannedCheckIn.objects.all()
    assert (planned.status, planned.mentorship.requester, planned.mentorship.recipient) == (
        "accepted",
        maya,
        daniel,
    )
    assert timezone.localdate(planned.starts_at) == timezone.localdate() + dt.timedelta(days=5)
    for thread in selectors.threads_of(maya):
        assert maya in thread.thread.participants
