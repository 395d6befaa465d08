"""Cached suggestion lists: served while their inputs stand, recomputed when one changes, never shared."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from deskmate.engine.ranking import SuggestionFilter
from deskmate.mentoring import services as mentoring_services
from deskmate.mentoring.models import Availability
from deskmate.network import suggestion_cache
from deskmate.network.models import Contact, Tie
from deskmate.network.suggestions import suggestion_lists, suggestions_for
from deskmate.network.tie_store import ties_refresh_all
from deskmate.people import services
from deskmate.people.models import Member, Organisation, Position, Unit
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 1)
OVERLAP = "You overlapped on the Payments team at Acme, 2019–2021"
TRANSITION = (
    "Moved from senior software engineer to engineering manager in 2021 — one of your goals"
)
REDIS_URL = "redis://127.0.0.1:6379/0"


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


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(params=["locmem", "database", "redis"])
def backend(request):
    """The same tests on the process's memory, deskmate's default (a database table) and Redis."""
    if request.param == "locmem":
        yield
        return
    if request.param == "database":
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "deskmate_cache",
            }
        }
        with override_settings(CACHES=caches):
            call_command("createcachetable", verbosity=0)
            yield
        return
    if not _redis_up():
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    prefix = f"deskmate-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield
        # Only this test's keys: the Redis database may be shared.
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


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
    goal = services.goal_create(
        member=mentee,
        actor=mentee,
        text="Move into engineering management",
        target_role="Engineering Manager",
    )
    ties_refresh_all(as_of=TODAY)
    return {"goal": goal}


def names(member, **options) -> list[str]:
    return [item.member.name for item in suggestions_for(member, as_of=TODAY, **options)]


def unannounced_tie_delete() -> None:
    """Delete every stored tie the way nothing announces (no refresh), to see what is served."""
    Tie.objects.all().delete()


def test_cached_list_is_served_and_a_tie_refresh_replaces_it(backend, community, mentee, mentor):
    first = suggestions_for(mentee, as_of=TODAY)
    assert [(s.member, s.reasons) for s in first] == [(mentor, (OVERLAP, TRANSITION))]
    unannounced_tie_delete()
    # Served from the cache: no tie, history or standing is read, only the members shown.
    with CaptureQueriesContext(connection) as queries:
        again = suggestions_for(mentee, as_of=TODAY)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert Tie._meta.db_table not in read and Position._meta.db_table not in read
    assert Member._meta.db_table in read
    assert [(s.member, s.reasons) for s in again] == [(mentor, (OVERLAP, TRANSITION))]
    # A new colleague written past every receiver: only the refresh tells the cache.
    ana = make_member("ana@example.org", "Ana", "Lima", open_to_mentoring=True, mentee_capacity=2)
    Position.objects.bulk_create(
        [
            Position(
                member=ana,
                organisation=Organisation.objects.get(name="Acme"),
                unit=Unit.objects.get(name="Payments"),
                title="Engineering Manager",
                start=dt.date(2018, 1, 1),
            )
        ]
    )
    assert names(mentee) == ["Daniel Okafor"]
    ties_refresh_all(as_of=TODAY)
    assert set(names(mentee)) == {"Daniel Okafor", "Ana Lima"}


def test_goal_edit_is_shown(backend, community, mentee):
    assert suggestions_for(mentee, as_of=TODAY)[0].reasons == (OVERLAP, TRANSITION)
    services.goal_update(
        goal=community["goal"], actor=mentee, text="Speak at a conference", target_role=""
    )
    # Daniel's experience covers no goal Maya has now.
    assert suggestions_for(mentee, as_of=TODAY) == []


def test_candidate_profile_edit_is_shown(backend, community, mentee, mentor):
    assert names(mentee) == ["Daniel Okafor"]
    services.profile_update(member=mentor, actor=mentor, visibility=Member.Visibility.COORDINATORS)
    assert names(mentee) == []


def test_viewer_history_edit_is_shown(backend, community, mentee):
    assert suggestions_for(mentee, as_of=TODAY)[0].reasons == (OVERLAP, TRANSITION)
    unannounced_tie_delete()
    # The viewer's own history is the viewer's input: the list is ranked again from the ties stored.
    position(mentee, "Acme", "Platform", "Staff Engineer", dt.date(2023, 1, 1))
    suggestion = suggestions_for(mentee, as_of=TODAY)[0]
    assert (suggestion.tie_strength, OVERLAP in suggestion.reasons) == (0.0, False)


def test_availability_changes_are_shown(backend, community, mentee, mentor):
    open_now = SuggestionFilter(open_now=True)
    assert names(mentee, filters=open_now) == ["Daniel Okafor"]
    services.profile_update(member=mentor, actor=mentor, open_to_mentoring=False, mentee_capacity=0)
    assert names(mentee, filters=open_now) == []
    services.profile_update(member=mentor, actor=mentor, open_to_mentoring=True, mentee_capacity=2)
    assert names(mentee, filters=open_now) == ["Daniel Okafor"]
    # Gone quiet, then back (an update() that no receiver sees: the service announces it).
    Availability.objects.create(member=mentor, inactive_since=timezone.now())
    assert names(mentee) == []
    mentoring_services.member_came_back(member=mentor)
    assert names(mentee) == ["Daniel Okafor"]


def test_a_block_is_shown(backend, community, mentee, mentor):
    assert names(mentee) == ["Daniel Okafor"]
    mentoring_services.block_create(blocker=mentor, blocked=mentee)
    assert names(mentee) == []


def test_two_viewers_never_share_an_entry(backend, community, mentee, mentor, stranger):
    Contact.objects.create(
        owner=stranger, member=mentor, source="vcard", match_key="email:daniel@example.org"
    )
    ties_refresh_all(as_of=TODAY)
    # The stranger's list, which names their private contact, is cached first.
    strangers = suggestions_for(stranger, as_of=TODAY)
    mayas = suggestions_for(mentee, as_of=TODAY)
    assert [s.member for s in strangers] == [mentor]
    private = set(strangers[0].reasons)
    assert private and OVERLAP not in private
    assert [(s.member, s.reasons) for s in mayas] == [(mentor, (OVERLAP, TRANSITION))]
    # And the other way round, from an empty cache.
    cache.clear()
    assert [(s.member, s.reasons) for s in suggestions_for(mentee, as_of=TODAY)] == [
        (mentor, (OVERLAP, TRANSITION))
    ]
    assert set(suggestions_for(stranger, as_of=TODAY)[0].reasons) == private
    # The same question from two viewers has two keys under the same generations.
    own = {"community": "g", "member": "m"}
    question = ("mentor", SuggestionFilter(), 20, 5, TODAY.isoformat())
    assert suggestion_cache.entry_key(mentee.pk, question, own) != suggestion_cache.entry_key(
        stranger.pk, question, own
    )


def test_my_contacts_never_change_what_someone_else_sees(
    backend, community, mentee, mentor, stranger
):
    def mayas_page() -> list:
        lists = suggestion_lists(mentee, as_of=TODAY)
        copilots = suggestion_lists(mentee, copilots=True, as_of=TODAY)
        return [
            (item.member.pk, item.reasons, item.score)
            for found in (lists, copilots)
            for item in found.suggestions + found.open_without_history
        ]

    before = mayas_page()
    Contact.objects.create(
        owner=stranger, member=mentee, source="vcard", match_key="email:maya@example.org"
    )
    Contact.objects.create(
        owner=stranger, member=mentor, source="vcard", match_key="email:daniel@example.org"
    )
    ties_refresh_all(as_of=TODAY)
    assert stranger.pk in {
        (tie.member_low_id if tie.member_high_id == mentee.pk else tie.member_high_id)
        for tie in Tie.objects.filter(member_low=mentee.pk)
        | Tie.objects.filter(member_high=mentee.pk)
    }
    assert mayas_page() == before


def test_suggestions_page_shows_the_new_goal_reason(community, mentee, mentor, stranger):
    client = client_for(mentee)
    page = client.get(reverse("mentor_suggestions")).content.decode()
    assert "Daniel Okafor" in page and "engineering manager in 2021" in page
    services.goal_update(
        goal=community["goal"], actor=mentee, text="Speak at a conference", target_role=""
    )
    page = client.get(reverse("mentor_suggestions")).content.decode()
    assert "engineering manager in 2021" not in page and "No suggestions yet." in page
    # The stranger's page, asked for after Maya's was cached, names no one Maya sees.
    strangers_page = client_for(stranger).get(reverse("mentor_suggestions")).content.decode()
    assert "Daniel Okafor" not in strangers_page


def test_caching_off_computes_every_time(community, mentee, settings):
    settings.SUGGESTION_CACHE_SECONDS = 0
    assert suggestions_for(mentee, as_of=TODAY)[0].reasons == (OVERLAP, TRANSITION)
    unannounced_tie_delete()
    assert OVERLAP not in suggestions_for(mentee, as_of=TODAY)[0].reasons


def test_a_history_merged_in_bulk_is_shown_once_announced(backend, community, mentee):
    assert suggestions_for(mentee, as_of=TODAY)[0].reasons == (OVERLAP, TRANSITION)
    unannounced_tie_delete()
    # An import merges histories with bulk_create (no post_save) and announces the change.
    Position.objects.bulk_create(
        [
            Position(
                member=mentee,
                organisation=Organisation.objects.get(name="Globex"),
                unit=Unit.objects.get(name="Platform"),
                title="Software Engineer",
                start=dt.date(2023, 1, 1),
            )
        ]
    )
    assert suggestions_for(mentee, as_of=TODAY)[0].reasons == (OVERLAP, TRANSITION)
    services.history_changed(mentee.pk)
    assert OVERLAP not in suggestions_for(mentee, as_of=TODAY)[0].reasons
