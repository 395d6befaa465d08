"""Who learns what from each kind of evidence between two members.

Maya (the person) and Daniel (the other party) share one kind of evidence.
Lee (a third member) worked with Maya at Globex and with Daniel at Initech, so
Lee sees both profiles and may ask either for an introduction to the other.
Sam is a stranger, Claire a coordinator, Adam an admin. For every kind of
evidence and every viewer the matrix checks whose "people I have a tie with"
profile opens, which reasons suggestions give, and who is offered as an
introducer. One kind is not between Maya and Daniel at all: Rae, a member
none of them knows, uploads an address book naming both, which must change
nothing any of them sees.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deskmate.mentoring import services as mentoring_services
from deskmate.network import importers, selectors
from deskmate.network import services as network_services
from deskmate.network.models import Introduction
from deskmate.network.suggestions import suggestions_for
from deskmate.network.tie_store import ties_refresh_all
from deskmate.people import services
from deskmate.people.models import Member
from deskmate.people.selectors import members_visible_to, visible_member_ids
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 1)
KINDS = [
    "worked_together",
    "studied_together",
    "contact",
    "interaction",
    "mentorship",
    "third_members_import",
]
VIEWERS = ["person", "other", "third", "stranger", "coordinator", "admin"]
#: Only a shared workplace or school is evidence both members can see and neither made alone.
SHARED = {"worked_together", "studied_together"}
#: What the person's suggestions say about the other party, per kind; the other party sees it only if shared.
PHRASE = {
    "worked_together": "Payments team at Acme",
    "studied_together": "Computer Science at Northfield University together",
    "contact": "In your contacts",
    "interaction": "lunch",
    "mentorship": None,
    "third_members_import": None,
}

#: What the person's network map shows of the other party, per kind.
MAP_KINDS = {
    "worked_together": ["Former colleague"],
    "studied_together": ["Studied together"],
    "contact": ["In your contacts"],
    "interaction": ["You met recently"],
    "mentorship": None,
    "third_members_import": None,
}
#: Kinds that give the person no tie with the other party.
NO_TIE = {"mentorship", "third_members_import"}
THIRD_AND_PERSON = "You work together on the Design team at Globex since 2022"
THIRD_AND_OTHER = "You overlapped on the Research team at Initech, 2022–2023"
#: Words that name the evidence between the person and the other party.
FORBIDDEN = ("Acme", "Northfield", "In your contacts", "lunch", "mutual")


def vcard(*emails: str) -> bytes:
    """A vCard 3.0 file (RFC 2426) of people known only by their e-mail."""
    return b"".join(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Someone\r\nN:;Someone;;;\r\n"
        + f"EMAIL;TYPE=INTERNET:{email}\r\n".encode()
        + b"END:VCARD\r\n"
        for email in emails
    )


def position(member, organisation, unit, start, end=None, title="Engineer"):
    services.position_create(
        member=member,
        actor=member,
        organisation=organisation,
        unit=unit,
        title=title,
        start=start,
        end=end,
    )


def study(member, start, end):
    services.education_create(
        member=member,
        actor=member,
        school="Northfield University",
        degree="BSc",
        field="Computer Science",
        start=start,
        end=end,
    )


def add_evidence(kind: str, person: Member, other: Member) -> None:
    if kind == "worked_together":
        position(person, "Acme", "Payments", dt.date(2019, 1, 1), dt.date(2021, 12, 31))
        position(other, "Acme", "Payments", dt.date(2019, 6, 1), dt.date(2021, 6, 30))
    elif kind == "studied_together":
        study(person, dt.date(2012, 9, 1), dt.date(2015, 6, 30))
        study(other, dt.date(2012, 9, 1), dt.date(2015, 6, 30))
    elif kind == "contact":
        importers.run("vcard", owner=person, payload=vcard(other.user.email))
    elif kind == "third_members_import":
        rae = make_member("rae@example.org", "Rae", "Quinn")
        importers.run("vcard", owner=rae, payload=vcard(person.user.email, other.user.email))
    elif kind == "interaction":
        network_services.interaction_log(
            logged_by=person, other=other, kind="lunch", happened_on=TODAY - dt.timedelta(days=7)
        )
    else:
        mentorship = mentoring_services.mentorship_request(
            requester=person, recipient=other, message="Private request text"
        )
        mentoring_services.mentorship_accept(mentorship=mentorship, actor=other)


def build(kind: str, mentee, mentor, stranger, coordinator, admin_member) -> dict[str, Member]:
    """Everyone of the matrix, with ``kind`` of evidence between the person and the other party."""
    third = make_member("lee@example.org", "Lee", "Chen", open_to_mentoring=True, mentee_capacity=3)
    services.profile_update(member=mentee, actor=mentee, open_to_mentoring=True, mentee_capacity=3)
    # Daniel is far ahead of Maya: a mentor she may be suggested.
    position(mentor, "Hooli", "Apps", dt.date(2006, 1, 1), dt.date(2018, 12, 31), "Senior Engineer")
    position(mentee, "Globex", "Design", dt.date(2022, 1, 1))
    position(third, "Globex", "Design", dt.date(2022, 3, 1))
    position(mentor, "Initech", "Research", dt.date(2022, 1, 1), title="Engineering Manager")
    position(third, "Initech", "Research", dt.date(2016, 1, 1), dt.date(2023, 12, 31))
    add_evidence(kind, mentee, mentor)
    ties_refresh_all(as_of=TODAY)
    return {
        "person": mentee,
        "other": mentor,
        "third": third,
        "stranger": stranger,
        "coordinator": coordinator,
        "admin": admin_member,
    }


@pytest.fixture
def everyone(request, mentee, mentor, stranger, coordinator, admin_member):
    return lambda kind: build(kind, mentee, mentor, stranger, coordinator, admin_member)


def ties_only(*members: Member) -> None:
    for member in members:
        services.profile_update(member=member, actor=member, visibility=Member.Visibility.TIES)


def opens(viewer: Member, member: Member) -> bool:
    """Whether the viewer's profile page for ``member`` opens, checked against both profile rules."""
    response = client_for(viewer).get(reverse("member_profile", args=[member.pk]))
    assert response.status_code in (200, 404)
    seen = response.status_code == 200
    assert (member.pk in visible_member_ids(viewer, [member.pk])) is seen
    assert members_visible_to(viewer).filter(pk=member.pk).exists() is seen
    return seen


def expected_opens(kind: str, viewer: str) -> tuple[bool, bool]:
    """Whether (the person's, the other party's) ties-only profile opens to ``viewer``."""
    return {
        "person": (True, kind in SHARED),
        "other": (kind in SHARED, True),
        "third": (True, True),
        "stranger": (False, False),
        "coordinator": (True, True),
        "admin": (True, True),
    }[viewer]


@pytest.mark.parametrize("kind", KINDS)
def test_profile_visibility(everyone, kind):
    people = everyone(kind)
    ties_only(people["person"], people["other"])
    for viewer in VIEWERS:
        seen = (opens(people[viewer], people["person"]), opens(people[viewer], people["other"]))
        assert seen == expected_opens(kind, viewer), viewer


def reasons_about(viewer: Member, member: Member) -> list[str]:
    """Every reason the viewer's mentor and copilot suggestions give for ``member``."""
    return [
        reason
        for copilots in (False, True)
        for suggestion in suggestions_for(viewer, as_of=TODAY, copilots=copilots, limit=50)
        if suggestion.member == member
        for reason in suggestion.reasons
    ]


def map_kinds(viewer: Member, member: Member) -> list[str] | None:
    """The kinds of tie the viewer's network map shows for ``member``; ``None`` when not on it."""
    nodes = client_for(viewer).get(reverse("network_map_data")).json()["nodes"]
    return next((node["kinds"] for node in nodes if node["id"] == f"m{member.pk}"), None)


@pytest.mark.parametrize("kind", KINDS)
def test_suggestion_reasons(everyone, kind):
    people = everyone(kind)
    phrase = PHRASE[kind]
    person, other = people["person"], people["other"]
    about_other = " ".join(reasons_about(person, other))
    if phrase is None:
        assert about_other == ""
    else:
        assert phrase in about_other
    if kind not in SHARED:
        assert not [w for w in FORBIDDEN if w in " ".join(reasons_about(other, person))]
    for viewer in ("third", "stranger", "coordinator", "admin"):
        told = [reason for m in (person, other) for reason in reasons_about(people[viewer], m)]
        if viewer == "third":
            assert {THIRD_AND_PERSON, THIRD_AND_OTHER} <= set(told)
            assert not [r for r in told for word in FORBIDDEN if word in r]
        else:
            assert told == []


@pytest.mark.parametrize("kind", KINDS)
def test_network_map(everyone, kind):
    people = everyone(kind)
    person, other = people["person"], people["other"]
    assert map_kinds(person, other) == MAP_KINDS[kind]
    assert map_kinds(other, person) == (MAP_KINDS[kind] if kind in SHARED else None)
    assert map_kinds(people["third"], person) == ["Current colleague"]
    assert map_kinds(people["third"], other) == ["Former colleague"]
    for viewer in ("stranger", "coordinator", "admin"):
        assert map_kinds(people[viewer], person) is None
        assert map_kinds(people[viewer], other) is None


def offered(viewer: Member, target: Member) -> list[str]:
    """The introducers the introduction page offers, checked against the service's rule."""
    page = client_for(viewer).get(reverse("introduction_ask", args=[target.pk]))
    assert page.status_code == 200
    introducers = [option[0] for option in page.context["form"].fields["introducer"].choices]
    assert set(introducers) == set(
        members_visible_to(viewer)
        .filter(pk__in=selectors.mutual_contact_ids(viewer, target))
        .values_list("pk", flat=True)
    )
    return sorted(Member.objects.get(pk=pk).first_name for pk in introducers)


@pytest.mark.parametrize("kind", KINDS)
def test_introducers(everyone, kind):
    people = everyone(kind)
    person, other, third = people["person"], people["other"], people["third"]
    shared = kind in SHARED
    # Lee knows both; either may introduce Lee to the other only on a shared workplace or school.
    assert offered(third, other) == (["Maya"] if shared else [])
    assert offered(third, person) == (["Daniel"] if shared else [])
    # Maya may use her own contacts and lunches to reach Lee through Daniel; Daniel may not use them.
    assert offered(person, third) == ([] if kind in NO_TIE else ["Daniel"])
    assert offered(other, third) == (["Maya"] if shared else [])
    for viewer in ("stranger", "coordinator", "admin"):
        assert offered(people[viewer], person) == []
        assert offered(people[viewer], other) == []
    if not shared:
        with pytest.raises(ValidationError) as refused:
            network_services.introduction_request(
                requester=third, introducer=person, target=other, message="Hello"
            )
        assert refused.value.message_dict == {
            "introducer": [network_services.INTRODUCTION_NOT_MUTUAL]
        }
        assert Introduction.objects.count() == 0


class TestImportsOpenNothing:
    """Uploading an address book that names a member tells the uploader nothing more about them."""

    def test_stranger_importing_a_members_email_cannot_open_a_ties_only_profile(
        self, mentee, stranger
    ):
        ties_only(mentee)
        importers.run("vcard", owner=stranger, payload=vcard("maya@example.org"))
        ties_refresh_all(as_of=TODAY)
        assert selectors.contacts_of(stranger).get().member == mentee
        as_stranger = client_for(stranger)
        assert as_stranger.get(reverse("member_profile", args=[mentee.pk])).status_code == 404
        assert "Maya" not in as_stranger.get(reverse("member_list")).content.decode()
        assert visible_member_ids(stranger, [mentee.pk]) == set()

    def test_a_members_own_import_does_not_open_their_profile_to_the_one_imported(
        self, mentee, stranger
    ):
        ties_only(mentee)
        importers.run("vcard", owner=mentee, payload=vcard("sam@example.org"))
        ties_refresh_all(as_of=TODAY)
        assert (
            client_for(stranger).get(reverse("member_profile", args=[mentee.pk])).status_code == 404
        )
        assert visible_member_ids(stranger, [mentee.pk]) == set()

    def test_mutual_contacts_made_by_imports_do_not_open_a_profile(self, mentee, stranger):
        """Sam uploads Lee's e-mail; Maya did too: Sam and Maya now share a contact."""
        lee = make_member("lee@example.org", "Lee", "Chen")
        ties_only(mentee)
        importers.run("vcard", owner=mentee, payload=vcard("lee@example.org"))
        importers.run("vcard", owner=stranger, payload=vcard("lee@example.org"))
        ties_refresh_all(as_of=TODAY)
        kinds = {
            row["other"]: [item["kind"] for item in row["evidence"]]
            for row in selectors.tie_rows_of(stranger)
        }
        assert kinds == {lee.pk: [5], mentee.pk: [7]}
        assert (
            client_for(stranger).get(reverse("member_profile", args=[mentee.pk])).status_code == 404
        )


def test_an_importers_contact_is_never_offered_as_an_introducer(mentee, mentor, stranger):
    """Sam imports Lee; Sam and Maya worked together. Sam is not Maya's way to Lee."""
    lee = make_member("lee@example.org", "Lee", "Chen")
    position(mentee, "Acme", "Payments", dt.date(2019, 1, 1))
    position(stranger, "Acme", "Payments", dt.date(2019, 1, 1))
    importers.run("vcard", owner=stranger, payload=vcard("lee@example.org"))
    ties_refresh_all(as_of=TODAY)
    assert selectors.mutual_contact_ids(mentee, lee) == set()
    page = client_for(mentee).get(reverse("introduction_ask", args=[lee.pk])).content.decode()
    assert "Sam Stranger" not in page
    with pytest.raises(ValidationError):
        network_services.introduction_request(
            requester=mentee, introducer=stranger, target=lee, message="Hello"
        )
    assert Introduction.objects.count() == 0


class TestContactsNameOnlyVisibleMembers:
    """A contact naming a member hidden from the importer reads like any outside contact."""

    @pytest.fixture
    def book(self, mentee, mentor, stranger):
        services.profile_update(
            member=mentor, actor=mentor, visibility=Member.Visibility.COORDINATORS
        )
        importers.run(
            "vcard",
            owner=stranger,
            payload=vcard("maya@example.org", "daniel@example.org", "lee@elsewhere.org"),
        )
        return {contact.email: contact for contact in selectors.contacts_of(stranger)}

    def test_api(self, book, mentee, stranger):
        from tests.people.test_api import bearer

        rows = bearer(stranger).get("/api/v1/me/contacts").json()
        assert {row["email"]: row["member_id"] for row in rows} == {
            "maya@example.org": mentee.pk,
            "daniel@example.org": None,
            "lee@elsewhere.org": None,
        }
        hidden = next(row for row in rows if row["email"] == "daniel@example.org")
        outside = next(row for row in rows if row["email"] == "lee@elsewhere.org")
        assert set(hidden) == set(outside) and hidden["source"] == outside["source"] == "vcard"

    def test_page(self, book, mentee, mentor, stranger):
        page = client_for(stranger).get(reverse("contacts")).content.decode()
        assert reverse("member_profile", args=[mentee.pk]) in page
        assert reverse("member_profile", args=[mentor.pk]) not in page
        assert book["daniel@example.org"].member == mentor


def test_a_third_members_address_book_makes_no_one_mutual_contacts(mentee, mentor, stranger):
    """Sam uploads Maya's and Daniel's e-mails: Maya and Daniel are still no one to each other."""
    from tests.people.test_api import bearer

    importers.run("vcard", owner=stranger, payload=vcard("maya@example.org", "daniel@example.org"))
    ties_refresh_all(as_of=TODAY)
    assert {row["other"] for row in selectors.tie_rows_of(mentee)} == {stranger.pk}
    assert {row["other"] for row in selectors.tie_rows_of(mentor)} == {stranger.pk}
    for viewer, other in ((mentee, mentor), (mentor, mentee)):
        nodes = bearer(viewer).get("/api/v1/me/ties").json()["nodes"]
        assert [node["id"] for node in nodes if node["id"] != f"m{viewer.pk}"] == []
        assert selectors.how_known(viewer, [other.pk]) == {other.pk: selectors.NOT_KNOWN}
        assert selectors.tie_partner_ids(viewer) == set()
        assert reasons_about(viewer, other) == []
    # Sam's own book still says whom Sam knows, to Sam alone.
    assert selectors.tie_partner_ids(stranger) == {mentee.pk, mentor.pk}


def test_two_members_own_imports_of_one_person_make_them_mutual_contacts(mentee, mentor, stranger):
    """Maya and Daniel both uploaded Sam: each of them sees one mutual contact, never Sam's name."""
    for owner in (mentee, mentor):
        importers.run("vcard", owner=owner, payload=vcard("sam@example.org"))
    ties_refresh_all(as_of=TODAY)
    (row,) = [row for row in selectors.tie_rows_of(mentee) if row["other"] == mentor.pk]
    assert [(item["kind"], item["count"]) for item in row["evidence"]] == [(7, 1)]
    assert selectors.how_known(mentee, [mentor.pk]) == {mentor.pk: "Mutual contacts"}
