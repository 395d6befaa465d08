"""Mentoring groups: one mentor, several mentees, one shared space.

Daniel leads a group with Maya and Nina. Sam (a stranger), Claire (a coordinator)
and Adam (an admin) are not in it: they are refused everything inside it, and
a mentee who leaves is refused too.
"""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import selectors, services
from deskmate.mentoring.models import (
    GroupAgreementVersion,
    GroupCheckIn,
    GroupMembership,
    GroupMilestone,
    MentoringGroup,
    Message,
    MessageReceipt,
)
from deskmate.notifications.models import Notification
from deskmate.people import data_rights
from tests.conftest import client_for, make_member
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
SECRET = "Nina is thinking of leaving Acme"
STARTS = dt.date(2031, 1, 11)
ENDS = dt.date(2031, 6, 28)


@pytest.fixture
def nina(db):
    return make_member("nina@example.org", "Nina", "Berg")


@pytest.fixture
def group(mentor, mentee, nina, coordinator) -> MentoringGroup:
    story = services.MatchStory(
        programme_name="Spring Circles",
        cadence="monthly",
        milestones=("Share a career story",),
        starts_on=STARTS,
        ends_on=ENDS,
    )
    return services.group_create_from_match(
        mentor=mentor,
        matches=[
            services.GroupMatch(mentee=mentee, reasons=("Both in Payments",), goals="Lead a team"),
            services.GroupMatch(mentee=nina, goals="Speak at a conference"),
        ],
        programme=7,
        story=story,
        actor=coordinator,
    )


@pytest.fixture
def lived_in(group, mentor, mentee):
    services.message_post(thread=selectors.thread_of_group(group), author=mentor, text=SECRET)
    services.group_checkin_record(
        group=group, actor=mentee, held_on=timezone.localdate(), notes="Notes on Maya Patel"
    )
    return group


def _counts():
    return (
        Message.objects.count(),
        MessageReceipt.objects.count(),
        GroupMilestone.objects.count(),
        GroupCheckIn.objects.count(),
        GroupAgreementVersion.objects.count(),
        GroupMembership.objects.filter(left_at__isnull=True).count(),
    )


# ---------------------------------------------------------------- services


def test_a_match_makes_one_group_with_its_story(group, mentor, mentee, nina):
    assert MentoringGroup.objects.count() == 1
    assert (group.name, group.programme_id, group.programme_name) == (
        "Daniel Okafor's group",
        7,
        "Spring Circles",
    )
    assert (group.started_on, group.ends_on, group.cadence) == (STARTS, ENDS, "monthly")
    assert group.next_checkin_on == STARTS + dt.timedelta(days=30)
    assert selectors.current_mentees(group) == [mentee, nina]
    agreement = selectors.group_agreement(group)
    assert (agreement.version, agreement.cadence, agreement.duration_weeks) == (1, "monthly", 24)
    assert agreement.goals == "Maya Patel: Lead a team\nNina Berg: Speak at a conference"
    assert [m.title for m in selectors.group_milestones(group)] == ["Share a career story"]
    told = Notification.objects.filter(kind="group_matched").order_by("recipient_id")
    assert {n.recipient_id: n.title for n in told} == {
        mentee.pk: "You have been matched with Daniel Okafor in Spring Circles",
        nina.pk: "You have been matched with Daniel Okafor in Spring Circles",
        mentor.pk: "Your mentoring group in Spring Circles",
    }
    assert all(n.url == reverse("group_detail", args=[group.pk]) for n in told)
    maya_note = told.get(recipient=mentee)
    assert "Why you were matched: Both in Payments." in maya_note.body
    assert "It starts on 11 January 2031." in maya_note.body
    assert told.get(recipient=mentor).body.startswith("Your group: Maya Patel, Nina Berg.")


def test_a_later_round_adds_to_the_mentors_group(group, mentor, coordinator):
    olga = make_member("olga@example.org", "Olga", "Ivanova")
    again = services.group_create_from_match(
        mentor=mentor,
        matches=[services.GroupMatch(mentee=olga, goals="Change career")],
        programme=7,
        story=services.MatchStory(programme_name="Spring Circles"),
        actor=coordinator,
    )
    assert again.pk == group.pk and MentoringGroup.objects.count() == 1
    assert [m.name for m in selectors.current_mentees(group)] == [
        "Maya Patel",
        "Nina Berg",
        "Olga Ivanova",
    ]
    latest = selectors.group_agreement(group)
    assert latest.version == 2 and latest.goals.endswith("Olga Ivanova: Change career")


def test_the_mentor_cannot_be_one_of_the_mentees(mentor, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.group_create_from_match(
            mentor=mentor, matches=[services.GroupMatch(mentee=mentor)], actor=coordinator
        )
    assert refused.value.messages == [services.GROUP_MENTOR_IS_MENTEE]
    assert MentoringGroup.objects.count() == 0


def test_a_message_reaches_everyone_else_in_the_group(group, mentor, mentee, nina):
    thread = selectors.thread_of_group(group)
    services.message_post(thread=thread, author=mentor, text=SECRET)
    services.message_post(thread=thread, author=mentor, text="And a second one")
    receipts = MessageReceipt.objects.filter(message__group=group)
    assert sorted(receipts.values_list("recipient_id", flat=True)) == sorted(
        [mentee.pk, mentee.pk, nina.pk, nina.pk]
    )
    # Told once until they read it, and the notification never carries the text.
    told = Notification.objects.filter(kind="message")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([mentee.pk, nina.pk])
    assert {n.title for n in told} == {"Daniel Okafor wrote to you (Group: Daniel Okafor's group)"}
    assert SECRET not in "".join(n.body for n in told)
    assert selectors.unread_by_group(mentee) == {group.pk: 2}
    assert services.thread_mark_read(thread=thread, reader=mentee) == 2
    assert selectors.unread_by_group(mentee) == {}


def test_agreement_milestones_and_checkins(group, mentor, mentee, nina):
    version = services.group_agreement_update(
        group=group, actor=mentee, cadence="weekly", duration_weeks=12, meeting="Fridays"
    )
    assert (version.version, version.updated_by, version.meeting) == (2, mentee, "Fridays")
    assert [v.version for v in selectors.group_agreement_history(group)] == [2, 1]
    group.refresh_from_db()
    assert (group.cadence, group.ends_on) == ("weekly", STARTS + dt.timedelta(weeks=12))
    assert set(
        Notification.objects.filter(kind="agreement_updated").values_list("recipient_id", flat=True)
    ) == {mentor.pk, nina.pk}

    milestone = services.group_milestone_create(group=group, actor=nina, title="Give a talk")
    services.group_milestone_complete(milestone=milestone, actor=mentor)
    with pytest.raises(ValidationError):
        services.group_milestone_complete(milestone=milestone, actor=mentee)
    milestone.refresh_from_db()
    assert milestone.done_by == mentor

    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.group_checkin_record(
            group=group, actor=mentor, held_on=today + dt.timedelta(days=1)
        )
    assert refused.value.message_dict == {"held_on": [services.CHECKIN_IN_FUTURE]}
    services.group_checkin_record(
        group=group, actor=mentor, held_on=today, next_checkin_on=today + dt.timedelta(days=14)
    )
    group.refresh_from_db()
    assert group.next_checkin_on == today + dt.timedelta(days=14)


def test_people_outside_the_group_cannot_write_in_it(group, stranger, coordinator):
    before = _counts()
    for outsider in (stranger, coordinator):
        with pytest.raises(PermissionDenied):
            services.group_milestone_create(group=group, actor=outsider, title="Sneak in")
        with pytest.raises(PermissionDenied):
            services.message_post(
                thread=selectors.thread_of_group(group), author=outsider, text="Hello"
            )
        with pytest.raises(PermissionDenied):
            services.group_leave(group=group, actor=outsider)
    assert _counts() == before


def test_a_mentee_who_leaves_stops_seeing_the_group(lived_in, mentor, mentee, nina):
    group = lived_in
    assert selectors.unread_by_group(mentee) == {group.pk: 1}
    services.group_leave(group=group, actor=mentee)
    assert list(selectors.groups_of(mentee)) == []
    assert selectors.unread_by_group(mentee) == {}
    assert [m.pk for m in selectors.current_mentees(group)] == [nina.pk]
    assert Notification.objects.get(kind="group_left").recipient == mentor
    services.message_post(thread=selectors.thread_of_group(group), author=mentor, text="Still?")
    assert not MessageReceipt.objects.filter(recipient=mentee, message__text="Still?").exists()
    client = client_for(mentee)
    for name in ("group_detail", "group_messages", "group_agreement"):
        assert client.get(reverse(name, args=[group.pk])).status_code == 404
    assert "Daniel Okafor's group" not in client.get(reverse("mentorships")).content.decode()
    assert bearer(mentee).get(f"/api/v1/groups/{group.pk}/messages").status_code == 404


def test_the_mentor_cannot_leave_their_own_group(group, mentor):
    with pytest.raises(PermissionDenied):
        services.group_leave(group=group, actor=mentor)


# ---------------------------------------------------------------- pages


def test_the_group_page_shows_members_agreement_milestones_checkins_and_thread(
    lived_in, mentee, nina
):
    page = client_for(nina).get(reverse("group_detail", args=[lived_in.pk])).content.decode()
    for text in (
        "Daniel Okafor&#x27;s group",
        "Matched in Spring Circles",
        "Maya Patel",
        "Mentor",
        "Speak at a conference",
        "Share a career story",
        "Notes on Maya Patel",
        SECRET,
        "Leave the group",
    ):
        assert text in page, text
    # Reading the page reads the thread.
    assert selectors.unread_by_group(nina) == {}


def test_posting_on_the_group_page_reaches_the_thread(group, mentor, mentee):
    client = client_for(mentor)
    response = client.post(reverse("group_messages", args=[group.pk]), {"text": "Welcome all"})
    assert response.status_code == 302
    assert Message.objects.get(group=group).text == "Welcome all"
    page = client_for(mentee).get(reverse("group_messages", args=[group.pk])).content.decode()
    assert "Welcome all" in page and "Daniel Okafor" in page


def test_bad_input_on_the_page_is_explained_and_saves_nothing(group, mentee):
    before = _counts()
    client = client_for(mentee)
    response = client.post(reverse("group_milestone_add", args=[group.pk]), {"title": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("group_checkin_add", args=[group.pk]), {"held_on": tomorrow.isoformat()}
    )
    assert services.CHECKIN_IN_FUTURE in response.content.decode()
    assert _counts() == before


def test_the_home_page_and_the_mentorships_list_link_the_group(group, mentor, mentee):
    url = reverse("group_detail", args=[group.pk])
    for member in (mentor, mentee):
        client = client_for(member)
        assert url in client.get(reverse("home")).content.decode()
        assert url in client.get(reverse("mentorships")).content.decode()


GROUP_PAGES = ["group_detail", "group_messages", "group_messages_fragment", "group_agreement"]
GROUP_POSTS = [
    ("group_messages", {"text": "Let me in"}),
    ("group_agreement", {"cadence": "weekly", "duration_weeks": "12"}),
    ("group_milestone_add", {"title": "Sneak in"}),
    ("group_checkin_add", {"held_on": "2020-01-01"}),
    ("group_leave", {}),
]


@pytest.mark.parametrize("who", ["stranger", "coordinator", "admin_member"])
def test_outsiders_are_refused_every_page_and_write(lived_in, request, who):
    outsider = request.getfixturevalue(who)
    client = client_for(outsider)
    before = _counts()
    for name in GROUP_PAGES:
        response = client.get(reverse(name, args=[lived_in.pk]))
        assert response.status_code == 404, name
        assert SECRET not in response.content.decode()
    for name, data in GROUP_POSTS:
        assert client.post(reverse(name, args=[lived_in.pk]), data).status_code == 404, name
    milestone = selectors.group_milestones(lived_in).first()
    done = reverse("group_milestone_complete", args=[lived_in.pk, milestone.pk])
    assert client.post(done).status_code == 404
    assert _counts() == before
    assert SECRET not in client.get(reverse("threads")).content.decode()


# ---------------------------------------------------------------- API


def _send(client, path, body=None, method="post"):
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


def test_the_api_serves_the_group_to_its_people(lived_in, mentee, nina):
    client = bearer(nina)
    base = f"/api/v1/groups/{lived_in.pk}"
    listed = client.get("/api/v1/groups").json()
    assert [g["id"] for g in listed] == [lived_in.pk]
    detail = client.get(base).json()
    assert detail["mentor"]["name"] == "Daniel Okafor"
    assert [m["name"] for m in detail["mentees"]] == ["Maya Patel", "Nina Berg"]
    assert client.get(base + "/agreement").json()["version"] == 1
    assert [m["title"] for m in client.get(base + "/milestones").json()] == ["Share a career story"]
    assert client.get(base + "/checkins").json()[0]["notes"] == "Notes on Maya Patel"
    assert [m["text"] for m in client.get(base + "/messages").json()] == [SECRET]

    posted = _send(client, base + "/messages", {"text": "Thanks, Daniel"})
    assert posted.status_code == 201 and posted.json()["author"]["name"] == "Nina Berg"
    made = _send(client, base + "/milestones", {"title": "Give a talk"})
    assert made.status_code == 201
    done = _send(client, f"{base}/milestones/{made.json()['id']}/complete")
    assert done.json()["done_by"]["name"] == "Nina Berg"
    put = _send(client, base + "/agreement", {"cadence": "weekly", "duration_weeks": 12}, "put")
    assert put.json()["version"] == 2
    held = _send(client, base + "/checkins", {"held_on": timezone.localdate().isoformat()})
    assert held.status_code == 201
    assert _send(client, base + "/messages/read").json() == {"marked": 1}
    threads = client.get("/api/v1/messages").json()
    assert {"kind": "group", "id": lived_in.pk} == {key: threads[0][key] for key in ("kind", "id")}
    assert _send(bearer(mentee), base + "/leave").status_code == 204
    assert bearer(mentee).get(base).status_code == 404


def test_the_api_refuses_bad_input_with_the_field_named(group, mentee):
    client = bearer(mentee)
    base = f"/api/v1/groups/{group.pk}"
    before = _counts()
    response = _send(client, base + "/milestones", {"title": "   "})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["title"], "msg": services.TEXT_REQUIRED}]
    response = _send(client, base + "/agreement", {"cadence": "daily", "duration_weeks": 12}, "put")
    assert response.status_code == 422 and "cadence" in json.dumps(response.json())
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _send(client, base + "/checkins", {"held_on": tomorrow})
    assert response.json()["detail"] == [{"loc": ["held_on"], "msg": services.CHECKIN_IN_FUTURE}]
    assert _send(client, base + "/messages", {"text": ""}).status_code == 422
    assert _counts() == before


@pytest.mark.parametrize("who", ["stranger", "coordinator"])
def test_the_api_refuses_outsiders_with_404(lived_in, request, who):
    client = bearer(request.getfixturevalue(who))
    base = f"/api/v1/groups/{lived_in.pk}"
    before = _counts()
    for path in ("", "/agreement", "/milestones", "/checkins", "/messages"):
        response = client.get(base + path)
        assert response.status_code == 404, path
        assert SECRET not in response.content.decode()
    for method, path, body in (
        ("post", "/messages", {"text": "Hi"}),
        ("post", "/messages/read", {}),
        ("post", "/milestones", {"title": "x"}),
        ("put", "/agreement", {"cadence": "weekly", "duration_weeks": 12}),
        ("post", "/checkins", {"held_on": "2020-01-01"}),
        ("post", "/leave", {}),
    ):
        assert _send(client, base + path, body, method).status_code == 404, path
    assert client.get("/api/v1/groups").json() == []
    assert _counts() == before


def test_coordinators_see_that_the_group_exists_and_its_health_but_no_content(
    lived_in, coordinator, stranger
):
    overview = bearer(coordinator).get("/api/v1/groups/overview?programme_id=7").json()
    assert len(overview) == 1
    row = overview[0]
    assert (row["id"], row["mentee_count"], row["checkin_count"], row["milestone_count"]) == (
        lived_in.pk,
        2,
        1,
        1,
    )
    assert SECRET not in json.dumps(overview) and "Notes on" not in json.dumps(overview)
    assert bearer(stranger).get("/api/v1/groups/overview").status_code == 403
    assert list(selectors.group_overview(stranger)) == []


# ---------------------------------------------------------------- data rights


def _download(member) -> list[dict]:
    import io
    import zipfile

    response = client_for(member).post(reverse("my_data_download"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("mentoring_groups.json"))


def test_the_download_holds_the_group(lived_in, mentee, mentor):
    (group,) = _download(mentee)
    assert group["name"] == "Daniel Okafor's group"
    assert [c["notes"] for c in group["checkins"]] == ["Notes on Maya Patel"]
    assert [m["title"] for m in group["milestones"]] == ["Share a career story"]
    assert group["my_memberships"][0]["match_reasons"] == ["Both in Payments"]
    (led,) = _download(mentor)
    assert led["my_memberships"] == [] and len(led["agreement_versions"]) == 1


def test_erasing_a_mentee_takes_them_out_and_keeps_the_group(lived_in, mentee, nina):
    data_rights.member_erase(member=mentee, actor=mentee)
    assert [m.pk for m in selectors.current_mentees(lived_in)] == [nina.pk]
    agreement = selectors.group_agreement(lived_in)
    assert "Maya" not in agreement.goals and "Nina Berg: Speak at a conference" in agreement.goals
    assert GroupCheckIn.objects.get().notes == "Notes on a former member"
    assert list(selectors.groups_of(nina)) == [lived_in]


def test_erasing_the_mentor_completes_the_group_for_its_mentees(lived_in, mentor, nina):
    data_rights.member_erase(member=mentor, actor=mentor)
    group = MentoringGroup.objects.get()
    assert (group.state, group.name) == ("completed", "a former member's group")
    page = client_for(nina).get(reverse("group_detail", args=[group.pk])).content.decode()
    assert "(message removed)" in page and SECRET not in page
    assert "This conversation is closed" in page
