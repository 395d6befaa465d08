"""On the demo community, the demo mentee's suggestions carry reasons that are true."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from deskmate.engine.fit import Mode
from deskmate.engine.ranking import OPEN_WITHOUT_HISTORY
from deskmate.network.models import Contact, Interaction, Tie
from deskmate.network.suggestions import suggestion_lists, suggestions_for
from deskmate.people.models import Education, Member, Position
from deskmate.people.selectors import members_visible_to
from tests.conftest import client_for, rows_shared_by_the_module

pytestmark = pytest.mark.django_db

OVERLAP = re.compile(r"You overlapped on the (.+) team at (.+), (\d{4})(?:–(\d{4}))?$")
TOGETHER = re.compile(r"You work together on the (.+) team at (.+) since (\d{4})$")
MUTUAL = re.compile(r"(\d+) mutual contacts?$")
ALUMNI = re.compile(r"You are both alumni of (.+)$")
MOVED = re.compile(r"Moved from (.+) to (.+) in (\d{4}) — one of your goals$")
LUNCH = re.compile(r"You had (lunch|a meeting|a call|a chat about work)")


@pytest.fixture(scope="module")
def demo_community(request, django_db_setup, django_db_blocker):
    """The demo community with its ties, built once: every test here only reads it."""

    def build():
        call_command("demo_data", members=300, seed=7, no_progress=True)
        call_command("refresh_ties")

    yield from rows_shared_by_the_module(request, django_db_blocker, build)


@pytest.fixture
def demo(db, demo_community):
    return Member.objects.get(user__email="mentee@deskmate.demo")


def worked_in(member, unit, organisation):
    return Position.objects.filter(member=member, unit__name=unit, organisation__name=organisation)


def check_reason(reason: str, viewer: Member, candidate: Member) -> None:
    tie = Tie.objects.filter(
        member_low=min(viewer.pk, candidate.pk), member_high=max(viewer.pk, candidate.pk)
    ).first()
    if match := OVERLAP.match(reason):
        unit, organisation, start, end = match.groups()
        mine, theirs = (
            worked_in(viewer, unit, organisation),
            worked_in(candidate, unit, organisation),
        )
        assert mine.exists() and theirs.exists(), reason
        assert not all(p.end is None for p in mine) or not all(p.end is None for p in theirs), (
            reason
        )
        assert tie is not None
    elif match := TOGETHER.match(reason):
        unit, organisation, _ = match.groups()
        assert worked_in(viewer, unit, organisation).filter(end__isnull=True).exists(), reason
        assert worked_in(candidate, unit, organisation).filter(end__isnull=True).exists(), reason
        assert tie is not None
    elif match := MUTUAL.match(reason):
        evidence = [item for item in tie.evidence if item["kind"] == 7]
        assert [item["count"] for item in evidence] == [int(match.group(1))], reason
    elif match := ALUMNI.match(reason):
        for member in (viewer, candidate):
            assert Education.objects.filter(member=member, school__name=match.group(1)).exists(), (
                reason
            )
    elif match := MOVED.match(reason):
        year = int(match.group(3))
        titles = [
            p.title.lower() for p in Position.objects.filter(member=candidate, start__year=year)
        ]
        assert match.group(2) in titles, reason
    elif reason == "In your contacts":
        assert Contact.objects.filter(owner=viewer, member=candidate).exists(), reason
    elif LUNCH.match(reason):
        assert Interaction.objects.filter(logged_by=viewer, other=candidate).exists(), reason


def test_demo_mentee_reasons_are_true(demo):
    suggestions = suggestions_for(demo)
    assert len(suggestions) >= 3
    assert suggestions[0].member.user.email == "mentor@deskmate.demo"
    checked = 0
    for suggestion in suggestions:
        for reason in suggestion.reasons:
            check_reason(reason, demo, suggestion.member)
            checked += 1
    assert checked >= 10


def test_demo_mentee_never_sees_a_hidden_member(demo):
    hidden = set(
        Member.objects.exclude(pk__in=members_visible_to(demo).values("pk")).values_list(
            "pk", flat=True
        )
    )
    assert hidden, "the demo community has members with restricted profiles"
    for copilots in (False, True):
        shown = {s.member.pk for s in suggestions_for(demo, copilots=copilots, limit=100)}
        assert shown and not shown & hidden


def test_demo_copilot_is_the_peer_on_her_team(demo):
    peers = [s.member.first_name for s in suggestions_for(demo, copilots=True)]
    assert "Tomás" in peers


def test_reasons_never_name_anothers_private_contact(demo):
    """Suggestions say "In your contacts" exactly for the people in the viewer's *own* contacts.

    People who have the viewer in their own address book, and whom the viewer has not
    imported, are suggested without that reason. Daniel first, then the other demo
    members, until some of them have been suggested.
    """
    daniel = Member.objects.get(user__email="mentor@deskmate.demo")
    others = Member.objects.exclude(pk=daniel.pk).order_by("pk")[:40]
    seen_only_theirs = seen_with_reason = 0
    for viewer in [daniel, *others]:
        suggested = {
            s.member.pk: s.reasons for s in suggestions_for(viewer, copilots=True, limit=100)
        }
        his = set(Contact.objects.filter(owner=viewer).values_list("member", flat=True))
        only_theirs = (
            set(Contact.objects.filter(member=viewer).values_list("owner", flat=True)) - his
        ) & suggested.keys()
        with_reason = {pk for pk, reasons in suggested.items() if "In your contacts" in reasons}
        assert with_reason == his & suggested.keys(), viewer.name
        assert not only_theirs & with_reason, viewer.name
        seen_only_theirs += len(only_theirs)
        seen_with_reason += len(with_reason)
        if seen_only_theirs >= 3 and seen_with_reason:
            break
    assert seen_with_reason, "some suggestions are in the viewer's own contacts"
    assert seen_only_theirs >= 3, "some suggestions have the viewer in their contacts only"


def test_no_demo_suggestion_without_a_reason(demo):
    """Across the demo community, every suggestion names a reason; the open rest are listed apart, honestly."""
    apart = 0
    for member in Member.objects.order_by("pk")[:60]:
        for copilots in (False, True):
            lists = suggestion_lists(member, copilots=copilots, limit=100)
            assert all(s.reasons for s in lists.suggestions), member.name
            mode = Mode.COPILOT if copilots else Mode.MENTOR
            for item in lists.open_without_history:
                assert item.reasons == (OPEN_WITHOUT_HISTORY[mode],)
                assert item.member.open_to_mentoring or copilots
            shown = {s.member.pk for s in lists.suggestions}
            assert not shown & {s.member.pk for s in lists.open_without_history}
            apart += len(lists.open_without_history)
    assert apart > 0, "the demo community has open mentors with nothing shared yet"


def test_page_lists_open_members_without_history_apart(demo):
    viewer, lists = next(
        (member, lists)
        for member in Member.objects.order_by("pk")
        if (lists := suggestion_lists(member)).open_without_history
    )
    page = client_for(viewer).get(reverse("mentor_suggestions")).content.decode()
    main, apart = page.split('id="open-without-history"')
    assert "Open to mentoring, no shared history yet</h2>" in apart
    for item in lists.open_without_history:
        assert item.member.name in apart
        profile = reverse("member_profile", args=[item.member.pk])
        assert f'href="{profile}"' in apart
        assert f'href="{profile}"' not in main.split('id="suggestions"')[1]
    for item in lists.suggestions:
        assert item.member.name in main
