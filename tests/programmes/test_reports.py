"""Programme health and the CSV report: aggregates only, and no spreadsheet formulas."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from deskmate.mentoring.models import Mentorship, SurveyResponse
from deskmate.mentoring.services import checkin_record, milestone_complete, milestone_create
from deskmate.people.services import profile_update
from deskmate.programmes import reports, services
from deskmate.programmes.reports import csv_safe
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Maya Patel", "Maya Patel"),
        ("", ""),
        (3, 3),
    ],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


@pytest.fixture
def published(cohort, coordinator):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    services.match_run_publish(run=run, actor=coordinator)
    return cohort


def test_the_report_escapes_formulas_in_names(published, coordinator, mentee, as_coordinator):
    profile_update(member=mentee, actor=mentee, first_name="=cmd|' /C calc'!A0", last_name="")
    response = as_coordinator.get(f"/programmes/{published.pk}/report.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == reports.REPORT_HEADER
    mentees = [row[1] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in mentees
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert len(rows) == 3


def test_the_report_lists_the_unmatched_too(cohort, coordinator, mentee, second_mentee, mentor):
    cohort.applications.filter(role="mentor").exclude(member=mentor).update(status="withdrawn")
    run = services.match_run_start(programme=cohort, actor=coordinator)
    services.match_run_publish(run=run, actor=coordinator)
    rows = reports.report_rows(cohort, coordinator)
    assert [row[6] for row in rows] == ["Active", "Not matched"]


def test_health_counts_without_content(published, coordinator, mentee):
    mentorship = Mentorship.objects.get(requester=mentee)
    today = timezone.localdate()
    checkin_record(mentorship=mentorship, actor=mentee, held_on=today, notes="Very private words")
    milestone = milestone_create(mentorship=mentorship, actor=mentee, title="First retro")
    milestone_complete(milestone=milestone, actor=mentee)
    for mentorship_row in Mentorship.objects.filter(programme_id=published.pk):
        for member in (mentorship_row.requester, mentorship_row.recipient):
            SurveyResponse.objects.create(
                mentorship=mentorship_row,
                respondent=member,
                kind="pulse",
                due_on=today,
                satisfaction=4,
            )
    health = reports.programme_health(published)
    assert (
        health["applicants"],
        health["seeking"],
        health["matched"],
        health["matched_share"],
    ) == (4, 2, 2, 1.0)
    assert health["active_mentorships"] == 2
    assert (health["milestones_done"], health["milestones_total"]) == (1, 1)
    assert health["enrolment"][-1]["value"] == 4
    assert health["checkins_per_pair"][-1] == {
        "label": today.strftime("%Y-%m"),
        "value": 0.5,
        "checkins": 1,
        "pairs": 2,
    }
    assert health["satisfaction"] == [
        {"label": today.strftime("%Y-%m"), "value": 4.0, "answers": 4}
    ]
    assert "Very private words" not in json.dumps(health)


def test_satisfaction_hides_months_with_few_answers(published, mentee):
    mentorship = Mentorship.objects.get(requester=mentee)
    SurveyResponse.objects.create(
        mentorship=mentorship,
        respondent=mentee,
        kind="pulse",
        due_on=dt.date(2025, 1, 10),
        satisfaction=1,
    )
    assert reports.programme_health(published)["satisfaction"] == [
        {"label": "2025-01", "value": None, "answers": 1}
    ]


def test_the_health_page_has_charts_and_tables(published, as_coordinator):
    page = as_coordinator.get(f"/programmes/{published.pk}/health/").content.decode()
    assert "deskmate/vendor/chart-4.6.1.umd.min.js" in page
    assert 'id="health-data"' in page
    assert 'id="table-enrolment"' in page and 'id="chart-enrolment"' in page


def test_the_match_command(cohort, capsys):
    call_command("match", cohort.slug, "--method", "stable", "--json")
    output = json.loads(capsys.readouterr().out)
    assert (output["method"], output["metrics"]["number_matched"], len(output["pairs"])) == (
        "stable",
        2,
        2,
    )
    assert all(pair["reasons"] for pair in output["pairs"])
    call_command("match", str(cohort.pk))
    text = capsys.readouterr().out
    assert text.startswith("Spring mentoring: run ")
    assert "Matched 2 (share 100%)" in text


def test_the_match_command_names_a_missing_programme():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No programme has the id or slug 'nope'"):
        call_command("match", "nope")


def test_applications_may_be_added_by_a_coordinator(programme, coordinator, stranger):
    application = apply(programme, stranger, "mentor", actor=coordinator, capacity=2)
    assert (application.source, application.capacity) == ("coordinator", 2)
    stranger.refresh_from_db()
    assert (stranger.open_to_mentoring, stranger.mentee_capacity) == (True, 2)
