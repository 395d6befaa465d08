"""Agreement, milestones, check-ins, feedback, surveys and the timeline of an active mentorship."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from deskmate.mentoring import rules, selectors, services
from deskmate.mentoring.calendar import next_checkin_ics
from deskmate.mentoring.models import Mentorship, SurveyResponse
from deskmate.notifications.models import Notification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_agreement_is_versioned_and_either_side_edits_it(active, mentee, mentor):
    services.agreement_update(
        mentorship=active,
        actor=mentee,
        cadence="weekly",
        duration_weeks=13,
        goals="Lead a team\nRun a retro",
        meeting="Video, Tuesdays",
        confidentiality="Between us.",
    )
    second = services.agreement_update(
        mentorship=active,
        actor=mentor,
        cadence="weekly",
        duration_weeks=13,
        goals="Lead a team\nRun a retro",
        meeting="In person, Tuesdays",
        confidentiality="Between us.",
    )
    assert [v.version for v in selectors.agreement_history(active)] == [3, 2, 1]
    current = selectors.current_agreement(active)
    assert (current.pk, current.meeting, current.updated_by) == (
        second.pk,
        "In person, Tuesdays",
        mentor,
    )
    active.refresh_from_db()
    assert (active.cadence, active.duration_weeks, active.ends_on) == (
        "weekly",
        13,
        active.started_on + dt.timedelta(weeks=13),
    )
    assert Notification.objects.filter(kind="agreement_updated", recipient=mentor).count() == 1
    assert Notification.objects.filter(kind="agreement_updated", recipient=mentee).count() == 1


def test_agreement_only_while_active(asked, mentee):
    with pytest.raises(ValidationError) as refused:
        services.agreement_update(
            mentorship=asked, actor=mentee, cadence="weekly", duration_weeks=8
        )
    assert refused.value.messages == [services.NOT_ACTIVE]


def test_milestone_done_is_celebrated_for_both(active, mentee, mentor):
    milestone = services.milestone_create(
        mentorship=active, actor=mentee, title="Run a retro", due_on=TODAY()
    )
    services.milestone_complete(milestone=milestone, actor=mentee)
    milestone.refresh_from_db()
    assert (milestone.is_done, milestone.done_by) == (True, mentee)
    told = Notification.objects.filter(kind="milestone_done").order_by("recipient_id")
    assert sorted((n.recipient_id, n.title) for n in told) == sorted(
        [
            (mentee.pk, "Milestone reached: Run a retro"),
            (mentor.pk, "Milestone reached: Run a retro"),
        ]
    )
    top = selectors.timeline_of(active).first()
    assert (top.kind, top.text, top.celebrated) == (
        "milestone_done",
        "Milestone reached: Run a retro!",
        True,
    )
    with pytest.raises(ValidationError) as refused:
        services.milestone_complete(milestone=milestone, actor=mentor)
    assert refused.value.messages == [services.MILESTONE_ALREADY_DONE]


def test_checkin_moves_the_next_date(active, mentor):
    next_on = TODAY() + dt.timedelta(days=10)
    checkin = services.checkin_record(
        mentorship=active,
        actor=mentor,
        held_on=TODAY(),
        topics="Hiring",
        notes="Private notes",
        next_steps="Draft a job ad",
        next_checkin_on=next_on,
    )
    active.refresh_from_db()
    assert (active.next_checkin_on, checkin.recorded_by, checkin.notes) == (
        next_on,
        mentor,
        "Private notes",
    )
    services.checkin_record(
        mentorship=active, actor=mentor, held_on=next_on - dt.timedelta(days=10)
    )
    active.refresh_from_db()
    assert active.next_checkin_on == next_on


@pytest.mark.parametrize(
    "held, following, field, message",
    [
        (1, None, "held_on", services.CHECKIN_IN_FUTURE),
        (0, 0, "next_checkin_on", services.NEXT_CHECKIN_BEFORE),
    ],
)
def test_checkin_dates_are_checked(active, mentee, held, following, field, message):
    with pytest.raises(ValidationError) as refused:
        services.checkin_record(
            mentorship=active,
            actor=mentee,
            held_on=TODAY() + dt.timedelta(days=held),
            next_checkin_on=None if following is None else TODAY() + dt.timedelta(days=following),
        )
    assert refused.value.message_dict == {field: [message]}
    assert active.checkins.count() == 0


def test_feedback_both_ways_including_unplanned(active, mentee, mentor):
    services.feedback_give(mentorship=active, actor=mentor, text="Your retro notes were sharp.")
    services.feedback_give(
        mentorship=active,
        actor=mentee,
        text="Your story about the reorg helped.",
        topic="Reorgs",
        unplanned=True,
    )
    assert [(f.author, f.unplanned, f.topic) for f in selectors.feedback_of(active)] == [
        (mentee, True, "Reorgs"),
        (mentor, False, ""),
    ]
    assert selectors.timeline_of(active).first().text == (
        "Maya Patel gave feedback on something neither of you planned to discuss."
    )
    with pytest.raises(ValidationError) as refused:
        services.feedback_give(mentorship=active, actor=mentee, text="   ")
    assert refused.value.message_dict == {"text": [services.TEXT_REQUIRED]}


def test_pulse_dates():
    start = dt.date(2025, 1, 1)
    assert rules.pulse_due_dates(start, dt.date(2025, 1, 30)) == []
    assert rules.pulse_due_dates(start, dt.date(2025, 6, 1)) == [
        dt.date(2025, 1, 31),
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 31),
    ]


def _started_days_ago(mentorship, days):
    Mentorship.objects.filter(pk=mentorship.pk).update(started_on=TODAY() - dt.timedelta(days=days))
    mentorship.refresh_from_db()


def test_pulse_survey_due_after_30_days_then_every_60(active, mentee, mentor):
    assert selectors.survey_due(active, mentee) is None
    with pytest.raises(ValidationError) as refused:
        services.survey_answer(mentorship=active, actor=mentee, satisfaction=4)
    assert refused.value.messages == [services.NO_SURVEY_DUE]
    _started_days_ago(active, 30)
    assert selectors.survey_due(active, mentee) == ("pulse", TODAY())
    response = services.survey_answer(
        mentorship=active, actor=mentee, satisfaction=4, comment="Good pace"
    )
    assert (response.kind, response.due_on, response.satisfaction) == ("pulse", TODAY(), 4)
    assert selectors.survey_due(active, mentee) is None
    assert selectors.survey_due(active, mentor) == ("pulse", TODAY())
    _started_days_ago(active, 91)
    assert selectors.survey_due(active, mentee) == ("pulse", TODAY() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.survey_answer(mentorship=active, actor=mentor, satisfaction=6)


def test_closing_survey_at_completion(active, mentee, mentor):
    active = services.mentorship_complete(mentorship=active, actor=mentee)
    assert selectors.survey_due(active, mentor) == ("closing", TODAY())
    assert Notification.objects.filter(kind="survey_due").count() == 2
    services.survey_answer(mentorship=active, actor=mentor, satisfaction=5)
    assert list(SurveyResponse.objects.values_list("kind", "respondent")) == [
        ("closing", mentor.pk)
    ]


def test_timeline_newest_first(active, mentee, mentor):
    services.milestone_create(mentorship=active, actor=mentor, title="First talk")
    services.checkin_record(mentorship=active, actor=mentee, held_on=TODAY(), topics="Goals")
    kinds = [event.kind for event in selectors.timeline_of(active)]
    assert kinds == ["checkin", "milestone_added", "accepted", "requested"]


def test_next_checkin_invitation(active):
    calendar = Calendar.from_ical(next_checkin_ics(active))
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == active.next_checkin_on
    assert str(event["summary"]) == "Check-in: Maya Patel & Daniel Okafor"
    assert sorted(str(a) for a in event.get("attendee")) == [
        "mailto:daniel@example.org",
        "mailto:maya@example.org",
    ]


def test_end_early_keeps_the_reason(active, mentee, mentor):
    services.mentorship_end_early(mentorship=active, actor=mentee, reason="I moved teams")
    active.refresh_from_db()
    assert (active.state, active.end_reason, active.ended_by, active.next_checkin_on) == (
        "ended_early",
        "I moved teams",
        mentee,
        None,
    )
    assert Notification.objects.get(recipient=mentor, kind="mentorship_ended").title == (
        "Maya Patel ended your mentorship early"
    )
    assert active.ended_at <= timezone.now()
