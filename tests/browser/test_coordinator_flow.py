"""Claire runs a programme the way coordinators do, through the pages only: she imports a Google
Forms export whose University and Advisor columns become attributes, keeps students of one
advisor away from mentors of the same advisor, allows at most one matched student per
university, runs the optimal matching, reads which quota binds and what it costs, and publishes
after the confirmation. The matched student then finds a mentorship that says where it was made,
why, and that it starts when the programme does.

Everyone ranks the same topics in the same order and has the same kind of profile, so every
allowed pair scores the same: the optimum without the quota matches both TU Delft students, with
it only one, and the quota costs exactly half the total score.
"""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deskmate.mentoring.models import Mentorship
from deskmate.people.models import Member
from deskmate.programmes import services
from deskmate.programmes.models import Application, AttributeRule, Programme, Quota
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member

NAME = "Spring 2027 Research Mentoring"
STUDENTS = {
    "ana.silva@example.edu": "Ana Silva",
    "maya.patel@example.edu": "Maya Patel",
    "tomas.ruiz@example.edu": "Tomás Ruiz",
}

# Google Forms → Responses → Download responses (.csv): Timestamp, Email Address, then one
# column per question; the grid question gives one column per row, "Question [Row]".
HEADER = [
    "Timestamp",
    "Email Address",
    "Full name",
    "I would like to join as",
    "How many mentees can you take?",
    "Rank these topics [Robotics]",
    "Rank these topics [Control]",
    "University",
    "Advisor",
]


def _responses() -> bytes:
    def row(when, email, name, role, capacity, university, advisor):
        # Everyone ranks Robotics first and Control second.
        ranks = ["First Choice", "Second Choice"]
        return [when, email, name, role, capacity, *ranks, university, advisor]

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [
            HEADER,
            row("3/1/2025 10:04:12", "ben.okoro@example.edu", "Ben Okoro", "Mentor", "1",
                "TU Delft", "Prof. Lee"),
            row("3/1/2025 10:20:31", "omar.haddad@example.edu", "Omar Haddad", "Mentor", "1",
                "ETH Zurich", "Prof. Lee"),
            row("3/1/2025 11:30:45", "ana.silva@example.edu", "Ana Silva", "Mentee", "",
                "TU Delft", "Prof. Kim"),
            row("3/2/2025 09:15:00", "maya.patel@example.edu", "Maya Patel", "Mentee", "",
                "TU Delft", "Prof. Park"),
            row("3/2/2025 14:02:09", "tomas.ruiz@example.edu", "Tomás Ruiz", "Mentee", "",
                "ETH Zurich", "Prof. Lee"),
        ]
    )  # fmt: skip
    return buffer.getvalue().encode()


@pytest.fixture
def programme(transactional_db):
    claire = make_member("claire@example.org", "Claire", "Dubois", role=Member.Role.COORDINATOR)
    for email, name in STUDENTS.items():
        make_member(email, *name.split())
    for email, name in (
        ("ben.okoro@example.edu", "Ben Okoro"),
        ("omar.haddad@example.edu", "Omar Haddad"),
    ):
        make_member(email, *name.split(), open_to_mentoring=True, mentee_capacity=1)
    starts_on = timezone.localdate() + dt.timedelta(days=40)
    return services.programme_create(
        actor=claire,
        name=NAME,
        kind=Programme.Kind.ONE_TO_ONE,
        topics=["Robotics", "Control"],
        capacity_per_mentor=1,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(weeks=20),
    )


def _import(page):
    tabs = page.get_by_role("navigation", name="This programme")
    tabs.get_by_role("link", name="Import applications").click()
    page.get_by_label("Applications file (.csv or .xlsx)").set_input_files(
        files=[
            {"name": "Mentoring applications.csv", "mimeType": "text/csv", "buffer": _responses()}
        ]
    )
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(
        page.get_by_role("heading", name="Map the columns of Mentoring applications.csv")
    ).to_be_visible()
    page.get_by_label("Timestamp").select_option("ignore")
    page.get_by_label("I would like to join as").select_option("role")
    page.get_by_label("How many mentees can you take?").select_option("capacity")
    page.get_by_label("University", exact=True).select_option("attribute_category")
    page.get_by_label("Advisor", exact=True).select_option("attribute_category")
    page.get_by_role("button", name="Import applications").click()
    expect(page.locator("#import-status")).to_have_text("Imported")
    expect(page.locator("#import-summary")).to_contain_text("5 applications added")


def _rule_and_quota(page):
    page.get_by_role("navigation", name="This programme").get_by_role(
        "link", name="Rules and quotas"
    ).click()
    attributes = page.locator("#attributes")
    expect(attributes.locator("tr", has_text="University")).to_contain_text("Category")
    expect(attributes.locator("tr", has_text="Advisor")).to_contain_text("Category")

    rule_form = page.get_by_role("form", name="Add a rule or a preference")
    rule_form.get_by_label("Attribute").select_option("Advisor")
    rule_form.get_by_label("Rule").select_option(AttributeRule.Kind.MUST_NOT_SHARE)
    rule_form.get_by_role("button", name="Add rule").click()
    expect(page.locator("#attribute-rules li")).to_have_text(
        ["Rule Mentee and mentor must not share Advisor Remove"]
    )

    quota_form = page.get_by_role("form", name="Add a quota")
    quota_form.get_by_label("Attribute").select_option("University")
    quota_form.get_by_label("Quota").select_option(Quota.Kind.AT_MOST)
    quota_form.get_by_label("Number").fill("1")
    quota_form.get_by_role("button", name="Add quota").click()
    expect(page.locator("#quotas li")).to_have_text(
        ["At most 1 matched mentee per University Remove"]
    )


def test_import_rule_quota_run_publish_and_the_mentees_mentorship(
    page, browser, live_server, programme, run_tasks
):
    sign_in(page, "claire@example.org", PASSWORD)
    page.goto(f"/programmes/{programme.pk}/")
    _import(page)
    attributes = {a.member.name: a.attributes for a in Application.objects.select_related("member")}
    assert attributes["Tomás Ruiz"] == {"University": "ETH Zurich", "Advisor": "Prof. Lee"}
    _rule_and_quota(page)

    page.get_by_role("navigation", name="This programme").get_by_role(
        "link", name="Overview"
    ).click()
    page.get_by_label("Method").select_option("optimal")
    page.get_by_role("button", name="Run matching").click()
    expect(page.locator("#run-status")).to_have_text("Proposed")
    expect(page.locator("#run-quotas li")).to_have_text(
        [
            "At most 1 matched mentee per University: binds for TU Delft, costs 50.0% of the total score"
        ]
    )
    expect(page.locator("#run-rules")).to_contain_text(
        "Mentee and mentor must not share Advisor: rules out 2 of 6 pairs"
    )
    expect(page.locator("#run-metrics")).to_contain_text("1 of 3 mentees")
    pairs = page.locator("tr.pair")
    expect(pairs).to_have_count(1)
    mentee_name = pairs.locator("td").nth(0).inner_text().strip()
    mentor_name = pairs.locator("td").nth(1).inner_text().strip()
    assert mentee_name in {"Ana Silva", "Maya Patel"}
    assert mentor_name in {"Ben Okoro", "Omar Haddad"}
    left_out = ({"Ana Silva", "Maya Patel"} - {mentee_name}) | {"Tomás Ruiz"}
    expect(page.locator("#unmatched li")).to_have_text(sorted(left_out))

    page.locator("#publish").click()
    expect(page.locator("#count-pairs")).to_have_text("1")
    expect(page.locator("#count-mentees")).to_have_text("1")
    expect(page.locator("#count-mentors")).to_have_text("1")
    expect(page.locator("#count-newcomers")).to_have_text("0")
    expect(page.locator("#count-unmatched")).to_have_text("2")
    page.get_by_role("button", name="Publish 1 match").click()
    expect(page.get_by_text("Tick the box to confirm that you want to publish.")).to_be_visible()
    assert Mentorship.objects.count() == 0
    page.get_by_label(re.compile("I have read the counts")).check()
    page.get_by_role("button", name="Publish 1 match").click()
    expect(page.locator("#publication-status")).to_have_text("Waiting")
    run_tasks()
    page.reload()
    expect(page.locator("#publication-status")).to_have_text("Published")
    # Made, told (the pair and the two left out), newcomers, told they were not matched.
    expect(page.locator("#publication-result dd")).to_have_text(["1", "4", "0", "2"])

    mentee_email = next(email for email, name in STUDENTS.items() if name == mentee_name)
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    mentee = context.new_page()
    sign_in(mentee, mentee_email, PASSWORD)
    mentee.goto("/mentorships/")
    mentee.locator("#mentorships-active").get_by_role("link", name=mentor_name).click()
    starts = programme.starts_on
    expect(mentee.locator("#origin")).to_contain_text(f"Matched in {NAME} on ")
    expect(mentee.locator("#origin")).to_contain_text(f"starts {starts.day} {starts:%b %Y}")
    expect(mentee.locator("#match-reasons")).to_contain_text("Both put Robotics first")
    mentorship = Mentorship.objects.get()
    assert mentorship.started_on == programme.starts_on
    context.close()
