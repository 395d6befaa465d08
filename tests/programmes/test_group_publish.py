"""Publishing a group programme makes one real group per mentor, not one-to-one mentorships.

Claire runs "Spring circles" (group mentoring): Maya, Nina and Olga are mentees;
Daniel and Olivia mentor up to two each.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import selectors
from deskmate.mentoring.models import GroupMembership, MentoringGroup, Mentorship
from deskmate.notifications.models import Notification
from deskmate.programmes import publishing, services
from deskmate.programmes.models import MatchRun, Programme
from tests.conftest import client_for, make_member
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def circles(coordinator, mentee, second_mentee, mentor, second_mentor):
    today = timezone.localdate()
    programme = services.programme_create(
        actor=coordinator,
        name="Spring circles",
        kind=Programme.Kind.GROUP,
        topics=["Leadership"],
        capacity_per_mentor=2,
    )
    programme.starts_on = today + dt.timedelta(days=30)
    programme.ends_on = today + dt.timedelta(days=30 + 7 * 20)
    programme.default_cadence = "monthly"
    programme.milestone_template = "Agree the group's goals"
    programme.save()
    olga = make_member("olga@example.org", "Olga", "Ivanova")
    apply(programme, mentee, "mentee", goals="Lead a team")
    apply(programme, second_mentee, "mentee", goals="Speak at a conference")
    apply(programme, olga, "mentee", goals="Change career")
    apply(programme, mentor, "mentor", capacity=2)
    apply(programme, second_mentor, "mentor", capacity=2)
    return programme


def _groups_by_mentor(programme) -> dict[int, set[int]]:
    return {
        group.mentor_id: {m.mentee_id for m in selectors.current_memberships(group)}
        for group in MentoringGroup.objects.filter(programme_id=programme.pk)
    }


def test_publishing_makes_one_group_per_mentor_with_their_matched_mentees(circles, coordinator):
    run = services.match_run_start(programme=circles, actor=coordinator, method="optimal")
    proposed: dict[int, set[int]] = {}
    for mentee_id, mentor_id in run.pairs.values_list("mentee_id", "mentor_id"):
        proposed.setdefault(mentor_id, set()).add(mentee_id)
    assert sum(len(mentees) for mentees in proposed.values()) == 3

    services.match_run_publish(run=run, actor=coordinator)

    assert _groups_by_mentor(circles) == proposed
    assert Mentorship.objects.count() == 0
    for group in MentoringGroup.objects.all():
        assert (group.programme_name, group.started_on, group.ends_on, group.cadence) == (
            "Spring circles",
            circles.starts_on,
            circles.ends_on,
            "monthly",
        )
        assert [m.title for m in selectors.group_milestones(group)] == ["Agree the group's goals"]
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED
    assert all(pair.group_id for pair in run.pairs.all())
    # Everyone is told once, with a link to their group.
    told = Notification.objects.filter(kind="group_matched")
    assert told.count() == 3 + len(proposed)
    for note in told:
        group = MentoringGroup.objects.get(pk=int(note.url.strip("/").split("/")[-1]))
        assert note.recipient_id in {group.mentor_id, *_groups_by_mentor(circles)[group.mentor_id]}
    assert publishing.publication_summary(run)["groups"] == len(proposed)
    assert publishing.publication_summary(run)["told"] == 3 + len(proposed)


def test_the_mentee_sees_how_the_group_was_made(circles, coordinator, mentee):
    run = services.match_run_start(programme=circles, actor=coordinator, method="optimal")
    services.match_run_publish(run=run, actor=coordinator)
    membership = GroupMembership.objects.get(mentee=mentee)
    page = client_for(mentee).get(reverse("group_detail", args=[membership.group_id]))
    text = page.content.decode()
    assert "Matched in Spring circles" in text
    assert f'From <span id="group-starts">{circles.starts_on:%-d %b %Y}</span>' in text
    assert "Maya Patel: Lead a team" in text
    assert membership.match_reasons == run.pairs.get(mentee=mentee).reasons


def test_a_second_run_keeps_the_published_groups(circles, coordinator):
    first = services.match_run_start(programme=circles, actor=coordinator, method="optimal")
    services.match_run_publish(run=first, actor=coordinator)
    before = _groups_by_mentor(circles)
    second = services.match_run_start(programme=circles, actor=coordinator, method="optimal")
    assert second.pairs.filter(carried=True).count() == 3
    services.match_run_publish(run=second, actor=coordinator)
    assert _groups_by_mentor(circles) == before
    assert GroupMembership.objects.count() == 3


def test_a_coordinator_sees_the_groups_health_but_not_their_thread(circles, coordinator, mentee):
    run = services.match_run_start(programme=circles, actor=coordinator, method="optimal")
    services.match_run_publish(run=run, actor=coordinator)
    group = GroupMembership.objects.get(mentee=mentee).group
    from deskmate.mentoring import services as mentoring_services

    mentoring_services.message_post(
        thread=selectors.thread_of_group(group), author=mentee, text="Only for us"
    )
    overview = selectors.group_overview(coordinator, programme_id=circles.pk)
    assert {row.pk: row.mentee_count for row in overview} == {
        g.pk: len(selectors.current_mentees(g)) for g in MentoringGroup.objects.all()
    }
    client = client_for(coordinator)
    assert client.get(reverse("group_messages", args=[group.pk])).status_code == 404
    health = client.get(reverse("programme_health", args=[circles.pk])).content.decode()
    assert f'id="group-health-{group.pk}"' in health
    assert "Only for us" not in health
