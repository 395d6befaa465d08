"""A published match says how it was made: the programme, its dates, the reasons and the goals."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring.models import Event, Mentorship
from deskmate.notifications.models import Notification
from deskmate.people.services import member_create
from deskmate.programmes import services
from deskmate.programmes.models import Programme
from tests.conftest import client_for
from tests.people.test_api import bearer
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


def _publish(programme, coordinator):
    run = services.match_run_start(programme=programme, actor=coordinator, method="optimal")
    services.match_run_publish(run=run, actor=coordinator)
    return run


def test_a_match_starts_and_ends_with_its_programme(cohort, coordinator, mentee):
    today = timezone.localdate()
    cohort.starts_on, cohort.ends_on = today + dt.timedelta(days=40), today + dt.timedelta(days=222)
    cohort.default_cadence = "monthly"
    cohort.milestone_template = "Agree your goals\n\n  Mid-point review  \n"
    cohort.save()

    run = _publish(cohort, coordinator)

    mentorship = Mentorship.objects.get(requester=mentee)
    pair = run.pairs.get(mentee=mentee)
    agreement = mentorship.agreement_versions.get()
    assert (mentorship.programme_name, mentorship.started_on, mentorship.ends_on) == (
        "Spring mentoring",
        cohort.starts_on,
        cohort.ends_on,
    )
    assert (mentorship.cadence, mentorship.duration_weeks) == ("monthly", 26)
    assert mentorship.next_checkin_on == cohort.starts_on + dt.timedelta(days=30)
    assert mentorship.match_reasons == pair.reasons and pair.reasons
    assert (agreement.cadence, agreement.goals) == ("monthly", "Lead a team")
    assert list(mentorship.milestones.values_list("title", flat=True)) == [
        "Agree your goals",
        "Mid-point review",
    ]
    mentor = pair.mentor
    assert Event.objects.get(mentorship=mentorship, kind="matched").text == (
        f"Maya Patel and {mentor.name} were matched in Spring mentoring."
    )
    told = Notification.objects.get(recipient=mentee, kind="mentorship_matched")
    assert told.title == f"You have been matched with {mentor.name} in Spring mentoring"
    assert f"It starts on {cohort.starts_on:%-d %B %Y}." in told.body
    assert "Why you were matched: " + "; ".join(pair.reasons) + "." in told.body

    page = client_for(mentee).get(reverse("mentorship_detail", args=[mentorship.pk]))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert (
        f"Matched in Spring mentoring on {today:%-d %b %Y} · starts {cohort.starts_on:%-d %b %Y}"
        in text
    )
    assert "Why you were matched" in text and pair.reasons[0] in text
    assert "asked" not in text.split("How it began")[1].split("</section>")[0]


def test_a_programme_under_way_starts_its_matches_on_publishing(cohort, coordinator, mentee):
    cohort.starts_on = timezone.localdate() - dt.timedelta(days=10)
    cohort.save()
    _publish(cohort, coordinator)
    mentorship = Mentorship.objects.get(requester=mentee)
    assert mentorship.started_on == timezone.localdate()
    assert mentorship.agreement_versions.get().goals == "Lead a team"


def test_a_newcomer_without_a_password_gets_a_way_in_with_the_match(
    programme, coordinator, mentor, client
):
    newcomer = member_create(
        email="ines@example.org", password=None, first_name="Inès", last_name="Moreau"
    )
    assert not newcomer.user.has_usable_password()
    apply(programme, newcomer, "mentee", goals="Find my feet")
    apply(programme, mentor, "mentor", capacity=1)
    _publish(programme, coordinator)

    told = Notification.objects.get(recipient=newcomer, kind="mentorship_matched")
    link = re.search(r"Set one to sign in: (\S+)", told.body).group(1)
    path = link.removeprefix("http://127.0.0.1:8000")
    form = client.get(path, follow=True)
    assert "password" in form.content.decode().lower() and form.status_code == 200
    # The mentor has a password: no link for him.
    assert (
        "Set one to sign in"
        not in Notification.objects.get(recipient=mentor, kind="mentorship_matched").body
    )


def test_the_agreement_template_through_the_api(coordinator):
    created = bearer(coordinator).post(
        "/api/v1/programmes",
        {
            "name": "Autumn",
            "default_cadence": "weekly",
            "milestones": [" Kick-off ", "", "Wrap-up"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["default_cadence"], body["milestones"]) == ("weekly", ["Kick-off", "Wrap-up"])
    refused = bearer(coordinator).post(
        "/api/v1/programmes",
        {"name": "Winter", "default_cadence": "hourly"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "default_cadence"
    assert list(Programme.objects.values_list("name", flat=True)) == ["Autumn"]
