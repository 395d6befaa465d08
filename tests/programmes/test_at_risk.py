"""The health page lists pairs at risk with their reasons in words, and nudges a pair."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deskmate.core.models import AuditEntry
from deskmate.mentoring import services as mentoring_services
from deskmate.mentoring.models import CheckIn, InfoRequest, Mentorship, SurveyResponse
from deskmate.notifications import services as notification_services
from deskmate.notifications.models import EmailDelivery, Notification
from deskmate.programmes import reports, services
from tests.conftest import client_for
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def pairs(cohort, coordinator, mentee, second_mentee):
    """Maya's and Nina's mentorships, published and begun 20 days before TODAY."""
    run = services.match_run_start(programme=cohort, actor=coordinator)
    services.match_run_publish(run=run, actor=coordinator)
    Mentorship.objects.filter(programme_id=cohort.pk).update(
        started_on=TODAY - dt.timedelta(days=20), cadence="fortnightly"
    )
    return (
        Mentorship.objects.get(requester=mentee),
        Mentorship.objects.get(requester=second_mentee),
    )


def at_risk(programme, today=TODAY) -> dict[int, tuple[str, ...]]:
    return {
        pair.mentorship.pk: pair.reasons for pair in reports.pairs_at_risk(programme, today=today)
    }


def test_no_check_in_within_the_cadence(pairs, cohort):
    maya, nina = pairs
    CheckIn.objects.create(
        mentorship=nina, recorded_by=nina.requester, held_on=TODAY - dt.timedelta(days=3)
    )
    assert at_risk(cohort) == {
        maya.pk: (
            "No check-in in the 20 days since they started; they agreed to meet every two weeks.",
        )
    }
    CheckIn.objects.create(
        mentorship=maya, recorded_by=maya.requester, held_on=TODAY - dt.timedelta(days=15)
    )
    assert at_risk(cohort) == {
        maya.pk: (
            "No check-in since 14 February 2027 (15 days); they agreed to meet every two weeks.",
        )
    }
    # Ten days earlier, both were still within their first fortnight.
    assert at_risk(cohort, today=TODAY - dt.timedelta(days=10)) == {}


def test_a_low_pulse_counts_only_when_its_respondent_was_told(pairs, cohort):
    maya, nina = pairs
    for mentorship in pairs:
        CheckIn.objects.create(
            mentorship=mentorship,
            recorded_by=mentorship.requester,
            held_on=TODAY - dt.timedelta(days=1),
        )
    # An answer given before the survey page said anything is never shared.
    SurveyResponse.objects.create(
        mentorship=nina, respondent=nina.recipient, kind="pulse", due_on=TODAY, satisfaction=1
    )
    assert at_risk(cohort) == {}
    SurveyResponse.objects.create(
        mentorship=maya,
        respondent=maya.recipient,
        kind="pulse",
        due_on=TODAY,
        satisfaction=2,
        low_score_shared=True,
    )
    assert at_risk(cohort) == {maya.pk: (reports.LOW_PULSE_WORDS,)}
    # A later, better answer from the same person clears it.
    SurveyResponse.objects.create(
        mentorship=maya,
        respondent=maya.recipient,
        kind="pulse",
        due_on=TODAY + dt.timedelta(days=60),
        satisfaction=4,
        low_score_shared=True,
    )
    assert at_risk(cohort) == {}


def test_answers_in_a_programme_are_shared_when_low_and_the_page_says_so(pairs, cohort):
    maya, _ = pairs
    started = timezone.localdate() - dt.timedelta(days=31)
    Mentorship.objects.filter(pk=maya.pk).update(started_on=started)
    maya.refresh_from_db()
    page = client_for(maya.requester).get(f"/mentorships/{maya.pk}/surveys/")
    assert "if you answer 1 or 2 in a pulse survey" in page.content.decode()
    response = mentoring_services.survey_answer(
        mentorship=maya, actor=maya.requester, satisfaction=1
    )
    assert response.low_score_shared is True
    assert reports.LOW_PULSE_WORDS in at_risk(cohort, today=timezone.localdate())[maya.pk]


def test_an_unanswered_question_waits_a_week(pairs, cohort):
    maya, nina = pairs
    for mentorship in pairs:
        CheckIn.objects.create(
            mentorship=mentorship,
            recorded_by=mentorship.requester,
            held_on=TODAY - dt.timedelta(days=1),
        )
    asked = timezone.now() - dt.timedelta(days=9)
    InfoRequest.objects.create(mentorship=nina, question="Can we move to Tuesdays?", asked_at=asked)
    InfoRequest.objects.create(mentorship=maya, question="Fresh one", asked_at=timezone.now())
    found = at_risk(cohort, today=timezone.localdate())
    assert list(found) == [nina.pk]
    assert found[nina.pk] == ("A question has waited 9 days for an answer.",)
    assert "Tuesdays" not in str(found)


def test_the_health_page_lists_them_with_a_nudge(pairs, cohort, as_coordinator, coordinator):
    maya, nina = pairs
    # Both began long ago with no check-in; the page reads today's date.
    Mentorship.objects.filter(pk__in=[maya.pk, nina.pk]).update(
        started_on=timezone.localdate() - dt.timedelta(days=40)
    )
    mentoring_services.checkin_record(
        mentorship=nina, actor=nina.requester, held_on=timezone.localdate()
    )
    page = re.sub(
        r"\s+", " ", as_coordinator.get(f"/programmes/{cohort.pk}/health/").content.decode()
    )
    row = page.split(f'id="at-risk-{maya.pk}"')[1].split("</tr>")[0]
    assert f"{maya.requester.name} and {maya.recipient.name}" in row
    assert (
        "No check-in in the 40 days since they started; they agreed to meet every two weeks." in row
    )
    assert f'action="/programmes/{cohort.pk}/health/nudge/{maya.pk}/"' in row
    assert f'id="at-risk-{nina.pk}"' not in page


@pytest.fixture
def risky(pairs):
    """Maya's pair is at risk today (no check-in for 40 days); Nina's is fine."""
    maya, nina = pairs
    Mentorship.objects.filter(pk__in=[maya.pk, nina.pk]).update(
        started_on=timezone.localdate() - dt.timedelta(days=40)
    )
    mentoring_services.checkin_record(
        mentorship=nina, actor=nina.requester, held_on=timezone.localdate()
    )
    return maya, nina


def test_a_nudge_tells_both_as_each_chose_once_a_day(risky, cohort, as_coordinator, coordinator):
    maya, nina = risky
    notification_services.preference_update(
        member=maya.recipient, email="none", actor=maya.recipient
    )
    url = f"/programmes/{cohort.pk}/health/nudge/{maya.pk}/"
    response = as_coordinator.post(url)
    assert response.status_code == 302
    told = Notification.objects.filter(kind="programme_nudge")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(maya.party_ids())
    nudge = told.get(recipient=maya.requester)
    assert nudge.title == "Spring mentoring: how is your mentorship going?"
    assert nudge.url == f"/mentorships/{maya.pk}/"
    assert services.NUDGE_CHECKIN in nudge.body and "Claire Dubois" in nudge.body
    # The mentee likes e-mails as they happen; the mentor chose none.
    assert list(
        EmailDelivery.objects.filter(notification__kind="programme_nudge").values_list(
            "recipient_id", flat=True
        )
    ) == [maya.requester_id]
    entry = AuditEntry.objects.get(action="pair_nudge")
    assert (entry.actor, entry.subject_id, entry.details["told"]) == (coordinator, maya.pk, "2")

    again = as_coordinator.post(url, follow=True)
    assert (
        services.NUDGED_TODAY.format(first=maya.requester.name, second=maya.recipient.name)
        in again.content.decode()
    )
    assert told.count() == 2 and AuditEntry.objects.filter(action="pair_nudge").count() == 1


def test_a_pair_not_at_risk_is_not_nudged(risky, cohort, coordinator):
    _, nina = risky
    with pytest.raises(ValidationError) as refused:
        services.pair_nudge(programme=cohort, mentorship=nina, actor=coordinator)
    assert refused.value.messages == [
        services.NOT_AT_RISK.format(first=nina.requester.name, second=nina.recipient.name)
    ]
    assert Notification.objects.filter(kind="programme_nudge").count() == 0


def test_a_low_pulse_nudge_does_not_tell_the_other_person_about_it(risky, cohort, coordinator):
    maya, _ = risky
    mentoring_services.checkin_record(
        mentorship=maya, actor=maya.requester, held_on=timezone.localdate()
    )
    SurveyResponse.objects.create(
        mentorship=maya,
        respondent=maya.recipient,
        kind="pulse",
        due_on=timezone.localdate(),
        satisfaction=1,
        low_score_shared=True,
    )
    assert services.pair_nudge(programme=cohort, mentorship=maya, actor=coordinator) == 2
    for body in Notification.objects.filter(kind="programme_nudge").values_list("body", flat=True):
        assert "pulse" not in body.lower() and "score" not in body.lower()
        assert services.NUDGE_GENERAL in body


def test_nudging_is_rate_limited(risky, cohort, as_coordinator, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "nudges": ("1/h", "100/h")}
    maya, _ = risky
    url = f"/programmes/{cohort.pk}/health/nudge/{maya.pk}/"
    assert [as_coordinator.post(url).status_code for _ in range(2)] == [302, 429]
    assert Notification.objects.filter(kind="programme_nudge").count() == 2


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_members_may_neither_see_nor_nudge(request, risky, cohort, who):
    maya, _ = risky
    member = request.getfixturevalue(who)
    assert (
        client_for(member).post(f"/programmes/{cohort.pk}/health/nudge/{maya.pk}/").status_code
        == 404
    )
    api = bearer(member)
    assert api.get(f"/api/v1/programmes/{cohort.pk}/at-risk").status_code == 404
    assert api.post(f"/api/v1/programmes/{cohort.pk}/at-risk/{maya.pk}/nudge").status_code == 404
    assert Notification.objects.filter(kind="programme_nudge").count() == 0
    assert AuditEntry.objects.filter(action="pair_nudge").count() == 0


def test_the_at_risk_api(risky, cohort, coordinator, stranger):
    maya, _ = risky
    client = bearer(coordinator)
    rows = client.get(f"/api/v1/programmes/{cohort.pk}/at-risk").json()
    assert rows == [
        {
            "mentorship_id": maya.pk,
            "people": [
                {"id": maya.requester_id, "name": maya.requester.name},
                {"id": maya.recipient_id, "name": maya.recipient.name},
            ],
            "reasons": [
                "No check-in in the 40 days since they started; they agreed to meet every two weeks."
            ],
        }
    ]
    nudged = client.post(f"/api/v1/programmes/{cohort.pk}/at-risk/{maya.pk}/nudge")
    assert nudged.status_code == 200 and nudged.json() == {"told": 2}
    twice = client.post(f"/api/v1/programmes/{cohort.pk}/at-risk/{maya.pk}/nudge")
    assert twice.status_code == 422
    # A mentorship of another programme, or none at all, is not found here.
    other = mentoring_services.mentorship_request(requester=stranger, recipient=maya.recipient)
    assert (
        client.post(f"/api/v1/programmes/{cohort.pk}/at-risk/{other.pk}/nudge").status_code == 404
    )
    assert Notification.objects.filter(kind="programme_nudge").count() == 2
