"""Contacts stored under the older profile-address key, then the same Connections.csv again.

Before migration ``network.0010`` contacts were keyed by an older reduction of the
address (kept the country sub-domain, the trailing locale and escapes). The rewrite
gives them the importers' ``profile_url_key``, so the next import finds them.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from deskmate.network import importers
from deskmate.network.models import Contact
from deskmate.network.services import contact_match_key
from tests.importing.archives import CONNECTIONS_HEADER, REALISTIC_FILES, build_linkedin_zip

pytestmark = pytest.mark.django_db

migration = importlib.import_module("deskmate.network.migrations.0010_profile_url_keys")

CONNECTIONS = CONNECTIONS_HEADER + (
    "Wei,Zhang,https://uk.linkedin.com/in/Wei-Zhang-1/en,,Globex,Engineer,12 Mar 2024\n"
    "José,Núñez,https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez/,,Initech,CTO,01 Feb 2021\n"
    "Ana,López,https://www.linkedin.com/in/ana-lopez,,Acme,Designer,03 Jan 2023\n"
)


def older_key(url: str) -> str:
    """The reduction contacts were keyed by before 0010, as it was written."""
    text = (url or "").strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if text.startswith("www."):
        text = text[4:]
    return text.split("?")[0].split("#")[0].rstrip("/")


def archive() -> bytes:
    return build_linkedin_zip({**REALISTIC_FILES, "Connections.csv": CONNECTIONS})


def store_as_before(owner, *, member=None) -> None:
    """The three connections as an import before 0010 left them."""
    rows = [
        ("Wei", "Zhang", "https://uk.linkedin.com/in/Wei-Zhang-1/en", "Globex", "Engineer"),
        (
            "José",
            "Núñez",
            "https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez/",
            "Initech",
            "CTO",
        ),
        ("Ana", "López", "https://www.linkedin.com/in/ana-lopez", "Acme", "Designer"),
    ]
    for first, last, url, organisation, title in rows:
        Contact.objects.create(
            owner=owner,
            member=member if last == "Zhang" else None,
            source=Contact.Source.LINKEDIN,
            first_name=first,
            last_name=last,
            profile_url=older_key(url),
            organisation=organisation,
            title=title,
            match_key=f"url:{older_key(url)}",
        )


def rewrite() -> None:
    migration.rewrite_profile_url_keys(apps, None)


def contacts(owner):
    return sorted(
        Contact.objects.filter(owner=owner).values_list(
            "last_name", "profile_url", "match_key", "member_id", "title"
        )
    )


def test_the_older_keys_do_differ_so_without_the_rewrite_a_reimport_duplicates(mentee):
    store_as_before(mentee)
    importers.run("linkedin", owner=mentee, payload=archive())
    # Ana's address reduces the same either way; Wei's and José's do not.
    assert Contact.objects.filter(owner=mentee).count() == 5


def test_reimport_after_the_rewrite_duplicates_no_one_and_loses_nothing(mentee, mentor):
    store_as_before(mentee, member=mentor)
    rewrite()
    assert contacts(mentee) == [
        (
            "López",
            "linkedin.com/in/ana-lopez",
            "url:linkedin.com/in/ana-lopez",
            None,
            "Designer",
        ),
        (
            "Núñez",
            "linkedin.com/in/josé-núñez",
            "url:linkedin.com/in/josé-núñez",
            None,
            "CTO",
        ),
        (
            "Zhang",
            "linkedin.com/in/wei-zhang-1",
            "url:linkedin.com/in/wei-zhang-1",
            mentor.pk,
            "Engineer",
        ),
    ]
    summary = importers.run("linkedin", owner=mentee, payload=archive())
    assert summary.created.get("contacts", 0) == 0
    assert summary.updated_counts["contacts"] == 3  # each gains its "Connected On"
    stored = contacts(mentee)
    assert [row[:4] for row in stored] == [
        ("López", "linkedin.com/in/ana-lopez", "url:linkedin.com/in/ana-lopez", None),
        ("Núñez", "linkedin.com/in/josé-núñez", "url:linkedin.com/in/josé-núñez", None),
        ("Zhang", "linkedin.com/in/wei-zhang-1", "url:linkedin.com/in/wei-zhang-1", mentor.pk),
    ]
    assert Contact.objects.get(owner=mentee, last_name="Zhang").connected_on == dt.date(2024, 3, 12)
    # And once more: nothing left to change.
    again = importers.run("linkedin", owner=mentee, payload=archive())
    assert again.created.get("contacts", 0) == 0 and "contacts" not in again.updated_counts


def test_two_contacts_the_new_key_makes_one_are_merged_keeping_what_each_held(mentee, mentor):
    older = Contact.objects.create(
        owner=mentee,
        source=Contact.Source.LINKEDIN,
        first_name="Wei",
        last_name="Zhang",
        profile_url="uk.linkedin.com/in/wei-zhang-1",
        title="Engineer",
        match_key="url:uk.linkedin.com/in/wei-zhang-1",
    )
    Contact.objects.create(
        owner=mentee,
        member=mentor,
        source=Contact.Source.VCARD,
        first_name="Wei",
        last_name="Zhang",
        profile_url="linkedin.com/in/wei-zhang-1",
        organisation="Globex",
        connected_on=dt.date(2020, 1, 1),
        match_key="url:linkedin.com/in/wei-zhang-1",
    )
    # Someone else's contact under the same old key is theirs alone and stays.
    other = Contact.objects.create(
        owner=mentor,
        source=Contact.Source.LINKEDIN,
        profile_url="uk.linkedin.com/in/wei-zhang-1",
        match_key="url:uk.linkedin.com/in/wei-zhang-1",
    )
    rewrite()
    kept = Contact.objects.get(owner=mentee)
    assert kept.pk == older.pk
    assert (
        kept.match_key,
        kept.profile_url,
        kept.member_id,
        kept.title,
        kept.organisation,
        kept.connected_on,
        kept.source,
    ) == (
        "url:linkedin.com/in/wei-zhang-1",
        "linkedin.com/in/wei-zhang-1",
        mentor.pk,
        "Engineer",
        "Globex",
        dt.date(2020, 1, 1),
        Contact.Source.LINKEDIN,
    )
    other.refresh_from_db()
    assert other.match_key == "url:linkedin.com/in/wei-zhang-1"
    # Run twice, the rewrite changes nothing more.
    rewrite()
    assert Contact.objects.count() == 2


def test_contacts_keyed_by_email_or_name_keep_their_key_and_members_get_the_new_address(
    mentee, mentor
):
    by_email = Contact.objects.create(
        owner=mentee,
        source=Contact.Source.VCARD,
        email="ana@example.es",
        profile_url="es.linkedin.com/in/ana-lopez/es",
        match_key="email:ana@example.es",
    )
    key = contact_match_key(
        email="", profile_url="", first_name="Ana", last_name="Ruiz", organisation="Acme"
    )
    by_name = Contact.objects.create(
        owner=mentee, source=Contact.Source.VCARD, first_name="Ana", match_key=key
    )
    mentor.profile_url = "uk.linkedin.com/in/daniel-okafor/en"
    mentor.save(update_fields=["profile_url"])
    rewrite()
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    mentor.refresh_from_db()
    assert (by_email.match_key, by_email.profile_url) == (
        "email:ana@example.es",
        "linkedin.com/in/ana-lopez",
    )
    assert by_name.match_key == key
    assert mentor.profile_url == "linkedin.com/in/daniel-okafor"
    # An import now links a connection naming that address to the member.
    files = {
        **REALISTIC_FILES,
        "Connections.csv": CONNECTIONS_HEADER
        + "Daniel,Okafor,https://www.linkedin.com/in/daniel-okafor/,,Acme,EM,12 Mar 2024\n",
    }
    importers.run("linkedin", owner=mentee, payload=build_linkedin_zip(files))
    assert Contact.objects.get(owner=mentee, last_name="Okafor").member_id == mentor.pk
