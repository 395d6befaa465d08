"""Every page refuses a signed-out visitor, and a stranger cannot reach what is not theirs."""

import datetime as dt

import pytest
from django.urls import reverse

from deskmate.people import services
from deskmate.people.models import Member, Position

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    "home",
    "my_profile",
    "profile_edit",
    "position_add",
    "education_add",
    "skill_add",
    "goal_add",
    "offer_add",
    "member_list",
    "api_tokens",
    "imports",
    "contacts",
]


@pytest.mark.parametrize("name", OWN_PAGES)
def test_signed_out_visitor_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", OWN_PAGES)
def test_member_opens_own_pages(as_mentee, name):
    assert as_mentee.get(reverse(name)).status_code == 200


@pytest.fixture
def maya_history(mentee):
    position = services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme",
        unit="Payments",
        title="Engineer",
        start=dt.date(2020, 1, 1),
    )
    education = services.education_create(
        member=mentee, actor=mentee, school="Northfield University"
    )
    goal = services.goal_create(member=mentee, actor=mentee, text="Lead a team")
    offer = services.offer_create(member=mentee, actor=mentee, text="Python code reviews")
    skill = services.skill_add(member=mentee, actor=mentee, name="Python")
    token, _ = services.api_token_create(member=mentee, name="laptop")
    return {
        "position": position,
        "education": education,
        "goal": goal,
        "offer": offer,
        "skill": skill,
        "token": token,
    }


@pytest.mark.parametrize(
    "name, key, method",
    [
        ("position_edit", "position", "get"),
        ("position_edit", "position", "post"),
        ("position_delete", "position", "post"),
        ("education_edit", "education", "get"),
        ("education_delete", "education", "post"),
        ("goal_edit", "goal", "get"),
        ("goal_delete", "goal", "post"),
        ("offer_delete", "offer", "post"),
        ("skill_remove", "skill", "post"),
        ("api_token_revoke", "token", "post"),
    ],
)
def test_stranger_cannot_touch_another_members_things(as_stranger, maya_history, name, key, method):
    target = maya_history[key]
    url = reverse(name, args=[target.pk])
    data = {"organisation": "Evil", "title": "Hacked", "start": "2020-01-01"}
    response = getattr(as_stranger, method)(url, data) if method == "post" else as_stranger.get(url)
    assert response.status_code == 404
    assert type(target).objects.filter(pk=target.pk).exists()
    if key == "position":
        assert Position.objects.get(pk=target.pk).title == "Engineer"


def test_delete_needs_post(as_mentee, maya_history):
    url = reverse("position_delete", args=[maya_history["position"].pk])
    assert as_mentee.get(url).status_code == 405
    assert Position.objects.filter(pk=maya_history["position"].pk).exists()


def test_owner_deletes_own_position(as_mentee, maya_history):
    url = reverse("position_delete", args=[maya_history["position"].pk])
    assert as_mentee.post(url).status_code == 302
    assert not Position.objects.filter(pk=maya_history["position"].pk).exists()


class TestProfileVisibility:
    def test_community_profile_is_visible_to_members(self, as_stranger, mentee):
        response = as_stranger.get(reverse("member_profile", args=[mentee.pk]))
        assert response.status_code == 200
        assert "Maya Patel" in response.content.decode()

    def test_ties_only_profile_is_hidden_from_a_stranger(self, as_stranger, mentee):
        services.profile_update(member=mentee, actor=mentee, visibility=Member.Visibility.TIES)
        assert as_stranger.get(reverse("member_profile", args=[mentee.pk])).status_code == 404
        assert "Maya" not in as_stranger.get(reverse("member_list")).content.decode()

    def test_ties_only_profile_stays_closed_to_a_contact(self, as_mentor, mentor, mentee):
        """Maya's address book is hers: having Daniel in it shows him nothing of her."""
        from deskmate.network.models import Contact, Tie

        services.profile_update(member=mentee, actor=mentee, visibility=Member.Visibility.TIES)
        Contact.objects.create(
            owner=mentee, member=mentor, source="linkedin", match_key="email:daniel@example.org"
        )
        low, high = sorted([mentee, mentor], key=lambda m: m.pk)
        Tie.objects.create(
            member_low=low,
            member_high=high,
            strength=0.5,
            evidence=[{"kind": 5, "strength": 0.5, "private_to": mentee.pk}],
        )
        assert as_mentor.get(reverse("member_profile", args=[mentee.pk])).status_code == 404

    def test_ties_only_profile_is_visible_to_someone_with_a_tie(self, as_mentor, mentor, mentee):
        from deskmate.network.models import Tie

        services.profile_update(member=mentee, actor=mentee, visibility=Member.Visibility.TIES)
        low, high = sorted([mentee, mentor], key=lambda m: m.pk)
        tie = Tie.objects.create(
            member_low=low, member_high=high, strength=0.5, evidence=[{"kind": 1, "strength": 0.5}]
        )
        assert tie.shared_history is True
        assert as_mentor.get(reverse("member_profile", args=[mentee.pk])).status_code == 200

    def test_coordinators_only_profile(self, as_stranger, as_coordinator, mentee):
        services.profile_update(
            member=mentee, actor=mentee, visibility=Member.Visibility.COORDINATORS
        )
        assert as_stranger.get(reverse("member_profile", args=[mentee.pk])).status_code == 404
        assert as_coordinator.get(reverse("member_profile", args=[mentee.pk])).status_code == 200

    def test_unknown_member_is_404(self, as_mentee):
        assert as_mentee.get(reverse("member_profile", args=[999999])).status_code == 404

    def test_other_profile_has_no_edit_links(self, as_stranger, maya_history, mentee):
        page = as_stranger.get(reverse("member_profile", args=[mentee.pk])).content.decode()
        assert "Engineer" in page
        assert reverse("position_edit", args=[maya_history["position"].pk]) not in page


@pytest.mark.parametrize(
    "name, key",
    [
        ("member_profile", None),
        ("position_edit", "position"),
        ("education_edit", "education"),
        ("goal_edit", "goal"),
        ("import_detail", "import"),
    ],
)
def test_signed_out_visitor_cannot_open_object_pages(client, maya_history, mentee, name, key):
    from deskmate.network.models import ImportJob

    objects = dict(
        maya_history,
        **{"import": ImportJob.objects.create(owner=mentee, kind="vcard", file_name="a.vcf")},
    )
    target = mentee if key is None else objects[key]
    response = client.get(reverse(name, args=[target.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_admin_site_refuses_members_and_coordinators(as_mentee, as_coordinator):
    for client in (as_mentee, as_coordinator):
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_site_opens_for_admins(admin_member):
    from tests.conftest import client_for

    assert client_for(admin_member).get("/admin/people/member/").status_code == 200
