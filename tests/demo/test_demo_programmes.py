"""The demo's two programmes: one finished with a history, one waiting to be matched."""

import pytest
from django.urls import reverse

from deskmate.demo.history import (
    FINISHED_PAIRS,
    FINISHED_PROGRAMME,
    MATCH_REASONS,
    OPEN_MENTEES,
    OPEN_MENTORS,
    OPEN_PROGRAMME,
    PROGRAMME_TOPICS,
)
from tests.demo.test_demo_data import _run

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    _run(members=120, seed=2)


def test_the_finished_programme_has_published_mentorships_that_tell_their_story(demo):
    from deskmate.mentoring.models import Event, Mentorship
    from deskmate.mentoring.states import State
    from deskmate.programmes.models import Programme

    finished = Programme.objects.get(name=FINISHED_PROGRAMME)
    run = finished.runs.get()
    assert (run.status, run.publication.status) == ("published", "done")
    mentorships = Mentorship.objects.filter(programme_id=finished.pk).order_by("pk")
    assert mentorships.count() == FINISHED_PAIRS
    assert set(mentorships.values_list("state", "origin", "programme_name")) == {
        (State.COMPLETED, Mentorship.Origin.PROGRAMME, FINISHED_PROGRAMME)
    }
    assert [m.match_reasons for m in mentorships] == [
        list(MATCH_REASONS[n % len(MATCH_REASONS)]) for n in range(FINISHED_PAIRS)
    ]
    # Each published pair points at its mentorship, with the same reasons.
    for pair in run.pairs.select_related("mentorship"):
        assert pair.mentorship.programme_id == finished.pk
        assert pair.reasons == pair.mentorship.match_reasons
        assert (pair.mentee_id, pair.mentor_id) == (
            pair.mentorship.requester_id,
            pair.mentorship.recipient_id,
        )
    first = mentorships.first()
    matched = Event.objects.get(mentorship=first, kind=Event.Kind.MATCHED)
    assert matched.text == (
        f"{first.requester.name} and {first.recipient.name} were matched in {FINISHED_PROGRAMME}."
    )


def test_the_finished_programme_has_months_of_health_history(demo):
    from deskmate.programmes.models import Programme
    from deskmate.programmes.reports import MIN_RESPONSES_SHOWN, programme_health

    health = programme_health(Programme.objects.get(name=FINISHED_PROGRAMME))
    held = [month for month in health["checkins_per_pair"] if month["checkins"]]
    assert len(held) >= 6
    assert all(month["checkins"] == month["pairs"] == FINISHED_PAIRS for month in held)
    shown = [month for month in health["satisfaction"] if month["value"] is not None]
    assert len(shown) >= 6
    assert all(month["answers"] == 2 * FINISHED_PAIRS >= MIN_RESPONSES_SHOWN for month in shown)
    assert all(3 <= month["value"] <= 5 for month in shown)
    assert health["milestones_done"] == health["milestones_total"] == FINISHED_PAIRS
    assert health["mentorship_states"] == [{"label": "Completed", "value": FINISHED_PAIRS}]
    assert health["matched"] == health["seeking"] == FINISHED_PAIRS


def test_the_open_programme_has_applications_with_topics_and_no_run(demo):
    from deskmate.mentoring.models import Mentorship
    from deskmate.programmes.models import Application, Programme

    waiting = Programme.objects.get(name=OPEN_PROGRAMME)
    assert waiting.enrolment_is_open()
    assert not waiting.runs.exists()
    assert not Mentorship.objects.filter(programme_id=waiting.pk).exists()
    applications = list(waiting.applications.all())
    roles = sorted(a.role for a in applications)
    assert roles == [Application.Role.MENTEE] * OPEN_MENTEES + [Application.Role.MENTOR] * (
        OPEN_MENTORS
    )
    assert all(a.status == Application.Status.APPLIED for a in applications)
    for application in applications:
        assert application.topics
        assert set(application.topics) <= set(PROGRAMME_TOPICS)
        assert sorted(application.topics.values()) == list(range(1, len(application.topics) + 1))
    # Not every applicant ranks the same first topic.
    firsts = {min(a.topics, key=a.topics.get) for a in applications}
    assert firsts == set(PROGRAMME_TOPICS)


def test_the_coordinator_lands_on_a_home_with_both_programmes_and_their_stage(demo, client):
    from deskmate.people.models import Member
    from deskmate.programmes.models import Programme
    from deskmate.programmes.reports import programme_health

    claire = Member.objects.get(user__email="coordinator@deskmate.demo")
    client.force_login(claire.user)
    page = client.get(reverse("home")).content.decode()
    rows = page.split("<th>Applications waiting</th>")[1]
    winter = rows.index(OPEN_PROGRAMME)
    spring = rows.index(FINISHED_PROGRAMME)
    assert winter < spring
    assert "<td>Enrolment open</td><td>0</td><td>14</td>" in rows[winter:spring]
    assert f"<td>Finished</td><td>{FINISHED_PAIRS}</td><td>0</td>" in rows[spring:]

    finished = Programme.objects.get(name=FINISHED_PROGRAMME)
    page = client.get(reverse("programme_health", args=[finished.pk])).content.decode()
    table = page.split('id="table-satisfaction"')[1].split("</table>")[0]
    expected = [
        f"<tr><td>{month['label']}</td><td>{month['value']}</td></tr>"
        for month in programme_health(finished)["satisfaction"]
    ]
    assert len(expected) >= 6
    assert table.count("<tr><td>") == len(expected)
    assert all(row in table for row in expected)
    assert "too few answers" not in table


def test_a_member_does_not_see_the_programmes_panel(demo, client):
    from deskmate.people.models import Member

    maya = Member.objects.get(user__email="mentee@deskmate.demo")
    client.force_login(maya.user)
    page = client.get(reverse("home")).content.decode()
    assert "Maya" in page
    assert FINISHED_PROGRAMME not in page
    assert OPEN_PROGRAMME not in page
