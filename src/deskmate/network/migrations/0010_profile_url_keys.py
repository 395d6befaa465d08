"""Rewrite stored profile addresses and contact keys to ``importing.names.profile_url_key``.

Contacts were keyed by an older reduction of the profile address, which kept a country
sub-domain ("uk.linkedin.com"), a trailing locale ("/en") and escapes ("%C3%A9"); the
importers now key them by ``profile_url_key``. Without this rewrite the next import of
the same Connections.csv would add every such connection a second time.

Two contacts of one owner that the new key makes one (the same person imported once
from "uk.linkedin.com/in/x" and once from "linkedin.com/in/x") become one: the older row
is kept, its empty fields filled from the other, and the other deleted, so nothing
either held is lost. Members' profile addresses, which contacts are linked by, get the
same key.
"""

from django.db import migrations

from deskmate.importing.names import profile_url_key

BATCH = 2000
URL_PREFIX = "url:"
FILLED = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "title",
    "connected_on",
    "member_id",
)


def _members_rewrite(Member) -> None:
    changed = []
    for member in (
        Member.objects.exclude(profile_url="").only("id", "profile_url").iterator(chunk_size=BATCH)
    ):
        key = profile_url_key(member.profile_url)[:300]
        if key != member.profile_url:
            member.profile_url = key
            changed.append(member)
    Member.objects.bulk_update(changed, ["profile_url"], batch_size=BATCH)


def _new_key(contact) -> str:
    if contact.match_key.startswith(URL_PREFIX):
        return URL_PREFIX + profile_url_key(contact.match_key[len(URL_PREFIX) :])
    return contact.match_key


def _merged(keeper, others) -> None:
    """Fill what the kept contact lacks from the ones it absorbs, oldest first."""
    for other in others:
        for name in FILLED:
            if getattr(keeper, name) in ("", None) and getattr(other, name) not in ("", None):
                setattr(keeper, name, getattr(other, name))
        keeper.created_at = min(keeper.created_at, other.created_at)
        if not keeper.profile_url:
            keeper.profile_url = profile_url_key(other.profile_url)[:300]


def _owner_rewrite(Contact, owner_id: int) -> None:
    by_key: dict[str, list] = {}
    for contact in Contact.objects.filter(owner_id=owner_id).order_by("id"):
        by_key.setdefault(_new_key(contact), []).append(contact)
    changed, gone = [], []
    for key, contacts in by_key.items():
        keeper, *others = contacts
        before = (keeper.match_key, keeper.profile_url)
        keeper.profile_url = profile_url_key(keeper.profile_url)[:300]
        _merged(keeper, others)
        gone.extend(other.pk for other in others)
        keeper.match_key = key
        if others or (keeper.match_key, keeper.profile_url) != before:
            changed.append(keeper)
    Contact.objects.filter(pk__in=gone).delete()
    # Through a key no contact holds, so that two rows trading keys never collide.
    for contact in changed:
        contact.final_key, contact.match_key = contact.match_key, f"rewriting:{contact.pk}"
    fields = ["match_key", "profile_url", "created_at", *FILLED]
    Contact.objects.bulk_update(changed, ["match_key"], batch_size=BATCH)
    for contact in changed:
        contact.match_key = contact.final_key
    Contact.objects.bulk_update(changed, fields, batch_size=BATCH)


def rewrite_profile_url_keys(apps, schema_editor) -> None:
    Contact = apps.get_model("network", "Contact")
    _members_rewrite(apps.get_model("people", "Member"))
    owners = (
        Contact.objects.exclude(profile_url="")
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
        .distinct()
    )
    for owner_id in list(owners):
        _owner_rewrite(Contact, owner_id)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0009_vouches"),
        ("people", "0008_stint_also_called"),
    ]

    operations = [
        migrations.RunPython(rewrite_profile_url_keys, migrations.RunPython.noop, elidable=True),
    ]
