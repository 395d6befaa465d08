"""Ties, suggestions with reasons, interactions and warm introductions, on a hand-built community."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from deskmate.network import services as network_services
from deskmate.network.models import Interaction, Introduction, Tie
from deskmate.network.suggestions import suggestions_for
from deskmate.network.tie_store import ties_refresh_all
from deskmate.people import services
from deskmate.people.models import Member
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 1)
OVERLAP = "You overlapped on the Payments team at Acme, 2019–2021"
TRANSITION = (
    "Moved from senior software engineer to engineering manager in 2021 — one of your goals"
)


def position(member, organisation, unit, title, start, end=None):
    services.position_create(
        member=member,
        actor=member,
        organisation=organisation,
        unit=unit,
        title=title,
        start=start,
        end=end,
    )


@pytest.fixture
def community(mentee, mentor, stranger):
    """Maya is an engineer on Acme's Payments team; Daniel was a senior engineer there, now a manager."""
    position(mentee, "Acme", "Payments", "Software Engineer", dt.date(2019, 3, 1))
    position(
        mentor,
        "Acme",
        "Payments",
        "Senior Software Engineer",
        dt.date(2017, 1, 1),
        dt.date(2021, 6, 30),
    )
    position(mentor, "Globex", "Platform", "Engineering Manager", dt.date(2021, 7, 1))
    position(stranger, "Initech", "Sales", "Account Executive", dt.date(2015, 1, 1))
    services.goal_create(
        member=mentee,
        actor=mentee,
        text="Move into engineering management",
        target_role="Engineering Manager",
    )
    hidden = make_member(
        "priya@example.org",
        "Priya",
        "Shah",
        open_to_mentoring=True,
        mentee_capacity=2,
        visibility=Member.Visibility.COORDINATORS,
    )
    position(hidden, "Acme", "Payments", "Engineering Manager", dt.date(2018, 1, 1))
    return {"hidden": hidden}


def refresh():
    return ties_refresh_all(as_of=TODAY)


def tie_between(first, second):
    return Tie.objects.get(
        member_low=min(first.pk, second.pk), member_high=max(first.pk, second.pk)
    )


def test_colleague_ties_are_stored_with_their_evidence(community, mentee, mentor):
    refresh()
    former = tie_between(mentee, mentor)
    assert [item["kind"] for item in former.evidence] == [1]
    assert (
        former.evidence[0]["start"],
        former.evidence[0]["end"],
        former.evidence[0].get("current"),
    ) == (
        "2019-03-01",
        "2021-06-30",
        None,
    )
    assert former.strength == pytest.approx(former.evidence[0]["strength"], abs=1e-6)
    current = tie_between(mentee, community["hidden"])
    assert (
        current.evidence[0]["start"],
        current.evidence[0].get("end"),
        current.evidence[0]["current"],
    ) == (
        "2019-03-01",
        None,
        True,
    )
    # Five years side by side and still together is a stronger tie than two years, long ago.
    assert current.strength > former.strength
    assert Tie.objects.count() == 3


def test_mentor_suggested_with_true_reasons(community, mentee, mentor):
    refresh()
    suggestions = suggestions_for(mentee, as_of=TODAY)
    assert [s.member for s in suggestions] == [mentor]
    assert suggestions[0].reasons == (OVERLAP, TRANSITION)
    assert suggestions[0].goals == tuple(mentee.goals.values_list("pk", flat=True))


def test_hidden_profile_is_never_suggested(community, mentee):
    refresh()
    assert community["hidden"] not in [s.member for s in suggestions_for(mentee, as_of=TODAY)]
    assert community["hidden"] not in [
        s.member for s in suggestions_for(mentee, as_of=TODAY, copilots=True)
    ]


def test_stranger_without_a_tie_sees_no_one(community, stranger):
    refresh()
    assert suggestions_for(stranger, as_of=TODAY) == []


def test_blocked_mentor_is_not_suggested(community, mentee, mentor):
    from deskmate.mentoring import services as mentoring_services

    refresh()
    mentoring_services.block_create(blocker=mentor, blocked=mentee)
    assert suggestions_for(mentee, as_of=TODAY) == []


def test_full_mentor_drops_with_open_now_filter(community, mentee, mentor):
    from deskmate.engine.ranking import SuggestionFilter

    refresh()
    services.profile_update(member=mentor, actor=mentor, open_to_mentoring=False, mentee_capacity=0)
    assert suggestions_for(mentee, as_of=TODAY, filters=SuggestionFilter(open_now=True)) == []


def test_private_contact_is_named_only_to_its_importer(community, mentee, mentor, stranger):
    from deskmate.network.models import Contact

    Contact.objects.create(
        owner=stranger, member=mentee, source="vcard", match_key="email:maya@example.org"
    )
    refresh()
    tie = Tie.objects.get(
        member_low=min(mentee.pk, stranger.pk), member_high=max(mentee.pk, stranger.pk)
    )
    assert [item.get("private_to") for item in tie.evidence] == [stranger.pk]
    mayas_map = network_services_map(mentee)
    assert stranger.pk not in mayas_map
    assert mentee.pk in network_services_map(stranger)


def network_services_map(member):
    from deskmate.network.network_map import network_map_for

    return {int(node["id"][1:]) for node in network_map_for(member)["nodes"] if not node.get("me")}


class TestPages:
    def test_suggestions_page_shows_reasons(self, community, mentee, as_mentee):
        refresh()
        page = as_mentee.get(reverse("mentor_suggestions")).content.decode()
        assert (
            "Daniel Okafor" in page
            and OVERLAP in page
            and "Move into engineering management" in page
        )
        assert "Priya" not in page

    def test_pages_refuse_signed_out(self, client):
        for name in (
            "mentor_suggestions",
            "copilot_suggestions",
            "network",
            "network_map_data",
            "interactions",
            "introductions",
        ):
            response = client.get(reverse(name))
            assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_map_data_for_the_viewer_only(self, community, mentee, mentor, as_mentee, as_stranger):
        refresh()
        data = as_mentee.get(reverse("network_map_data")).json()
        assert [node["label"] for node in data["nodes"]] == ["Maya Patel", "Daniel Okafor"]
        assert data["edges"][0]["kind"] == "former_colleague"
        assert [
            node["label"] for node in as_stranger.get(reverse("network_map_data")).json()["nodes"]
        ] == ["Sam Stranger"]


class TestInteractions:
    def test_one_click_from_a_profile(self, mentee, mentor, as_mentee):
        response = as_mentee.post(reverse("interaction_log", args=[mentor.pk]), {"kind": "lunch"})
        assert response.status_code == 302
        interaction = Interaction.objects.get()
        assert (
            interaction.logged_by,
            interaction.other,
            interaction.kind,
            interaction.happened_on,
        ) == (
            mentee,
            mentor,
            "lunch",
            dt.date.today(),
        )

    def test_with_a_hidden_member_is_refused(self, community, as_stranger):
        response = as_stranger.post(
            reverse("interaction_log", args=[community["hidden"].pk]), {"kind": "lunch"}
        )
        assert response.status_code == 404
        assert Interaction.objects.count() == 0

    def test_future_date_is_refused(self, mentee, mentor, as_mentee):
        response = as_mentee.post(
            reverse("interaction_log", args=[mentor.pk]),
            {"kind": "call", "happened_on": "2999-01-01"},
        )
        assert response.status_code == 200
        assert "The interaction date is in the future." in response.content.decode()
        assert Interaction.objects.count() == 0

    def test_private_to_the_one_who_logged_it(self, mentee, mentor, as_stranger, as_mentor):
        interaction = network_services.interaction_log(
            logged_by=mentee, other=mentor, kind="meeting", note="Talked about OKRs"
        )
        assert "OKRs" not in as_mentor.get(reverse("interactions")).content.decode()
        assert (
            as_stranger.post(reverse("interaction_delete", args=[interaction.pk])).status_code
            == 404
        )
        assert Interaction.objects.count() == 1

    def test_recent_lunch_is_a_reason(self, community, mentee, mentor):
        network_services.interaction_log(
            logged_by=mentee, other=mentor, kind="lunch", happened_on=TODAY - dt.timedelta(days=14)
        )
        refresh()
        reasons = [reason for s in suggestions_for(mentee, as_of=TODAY) for reason in s.reasons]
        # Reasons come strongest first: with the calibrated unit weights, years
        # in a team of three say more than one recent lunch.
        assert reasons == [OVERLAP, "You had lunch 2 weeks ago", TRANSITION]
        # Daniel does not see Maya's private log as a reason.
        assert all(
            "lunch" not in reason
            for s in suggestions_for(mentor, as_of=TODAY, copilots=True)
            for reason in s.reasons
        )


class TestIntroductions:
    @pytest.fixture
    def trio(self, mentee, mentor, stranger):
        from deskmate.network.models import Contact

        target = make_member("lee@example.org", "Lee", "Chen")
        Contact.objects.create(owner=mentee, member=mentor, source="vcard", match_key="a")
        Contact.objects.create(owner=mentor, member=mentee, source="vcard", match_key="b")
        # Maya cannot see Daniel's and Lee's contacts: Daniel introduces her because they worked together.
        position(mentor, "Globex", "Platform", "Engineering Manager", dt.date(2021, 7, 1))
        position(target, "Globex", "Platform", "Engineer", dt.date(2022, 1, 1))
        refresh()
        return target

    def test_each_of_the_three_agrees_before_anything_is_shared(
        self, trio, mentee, mentor, as_mentee, as_mentor
    ):
        target = trio
        response = as_mentee.post(
            reverse("introduction_ask", args=[target.pk]),
            {"introducer": mentor.pk, "message": "I'd love advice on payments."},
        )
        assert response.status_code == 302
        introduction = Introduction.objects.get()
        as_target = client_for(target)
        assert "advice on payments" not in as_target.get(reverse("introductions")).content.decode()
        assert (
            as_target.post(
                reverse("introduction_answer", args=[introduction.pk]), {"answer": "agree"}
            ).status_code
            == 404
        )
        as_mentor.post(
            reverse("introduction_answer", args=[introduction.pk]),
            {"answer": "agree", "note": "Maya is great"},
        )
        introduction.refresh_from_db()
        assert introduction.status == Introduction.Status.FORWARDED
        assert "advice on payments" in as_target.get(reverse("introductions")).content.decode()
        as_target.post(reverse("introduction_answer", args=[introduction.pk]), {"answer": "agree"})
        introduction.refresh_from_db()
        assert introduction.status == Introduction.Status.MADE

    def test_introducer_must_be_a_mutual_contact(self, trio, mentee, stranger):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as error:
            network_services.introduction_request(
                requester=mentee, introducer=stranger, target=trio, message="hi"
            )
        assert error.value.message_dict == {
            "introducer": [network_services.INTRODUCTION_NOT_MUTUAL]
        }
        assert Introduction.objects.count() == 0

    def test_stranger_cannot_open_or_answer(self, trio, mentee, mentor, as_stranger):
        introduction = network_services.introduction_request(
            requester=mentee, introducer=mentor, target=trio, message="hi"
        )
        assert (
            as_stranger.post(
                reverse("introduction_answer", args=[introduction.pk]), {"answer": "agree"}
            ).status_code
            == 404
        )
        assert (
            as_stranger.post(reverse("introduction_withdraw", args=[introduction.pk])).status_code
            == 404
        )
        introduction.refresh_from_db()
        assert introduction.status == Introduction.Status.ASKED


class TestApiAndCli:
    def test_api_suggestions(self, community, mentee, mentor, stranger):
        from tests.people.test_api import bearer

        refresh()
        body = bearer(mentee).get("/api/v1/suggestions/mentors").json()
        assert [(item["name"], item["reasons"][0]) for item in body] == [("Daniel Okafor", OVERLAP)]
        assert bearer(stranger).get("/api/v1/suggestions/mentors").json() == []

    def test_api_refuses_anonymous(self, client):
        for path in (
            "/api/v1/suggestions/mentors",
            "/api/v1/suggestions/copilots",
            "/api/v1/me/ties",
            "/api/v1/introductions",
        ):
            assert client.get(path).status_code == 401

    def test_api_interaction_with_hidden_member_is_404(self, community, stranger):
        from tests.people.test_api import bearer

        response = bearer(stranger).post(
            "/api/v1/me/interactions",
            json.dumps({"member_id": community["hidden"].pk, "kind": "lunch"}),
            content_type="application/json",
        )
        assert response.status_code == 404
        assert Interaction.objects.count() == 0

    def test_cli_suggest_json(self, community, mentee, mentor):
        refresh()
        out = io.StringIO()
        call_command("suggest", "maya@example.org", "--json", "--goal", "management", stdout=out)
        assert [(item["name"], item["reasons"]) for item in json.loads(out.getvalue())] == [
            ("Daniel Okafor", [OVERLAP, TRANSITION])
        ]


def test_history_change_refreshes_ties_in_the_background(mentee, mentor, run_tasks):
    position(mentee, "Acme", "Payments", "Software Engineer", dt.date(2019, 3, 1))
    position(
        mentor,
        "Acme",
        "Payments",
        "Senior Software Engineer",
        dt.date(2017, 1, 1),
        dt.date(2021, 6, 30),
    )
    run_tasks()
    assert (
        Tie.objects.filter(
            member_low=min(mentee.pk, mentor.pk), member_high=max(mentee.pk, mentor.pk)
        ).count()
        == 1
    )
