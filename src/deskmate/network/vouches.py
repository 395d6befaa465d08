"""Recommendations and endorsements from a LinkedIn archive, as evidence of who vouched for whom.

Only when the importing member chose it on the import form. A vouch becomes a shared
interaction (both members see it) when its author is a member the importer already knows
here (a contact naming a member, or a tie) whose profile the importer may open. An
endorsement carries its author's profile address: when a connection of the importer has
that address (compared by :func:`~deskmate.importing.names.profile_url_key`), the vouch is
that connection's, namesakes or not, and a connection who is no member is no member;
otherwise, as for recommendations (which carry no address), the author's name must be one
no other such member shares: namesakes are never told apart by guessing.
Only vouches LinkedIn shows on the profile count (status ``VISIBLE`` or ``ACCEPTED``, or
no status column in older archives); hidden ones stay out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from deskmate.core.audit import AuditEvent, audit
from deskmate.importing.linkedin import SHOWN_STATUSES
from deskmate.importing.names import profile_url_key
from deskmate.network.import_summary import ImportSummary
from deskmate.network.models import Contact, Interaction, Tie
from deskmate.people import services as people_services
from deskmate.people.models import Member
from deskmate.people.selectors import visible_member_ids

RECOMMENDED = "recommended you"
ENDORSED = "endorsed you for {skill}"
NOT_A_MEMBER = "not a member you know here"
AMBIGUOUS = "more than one member you know has this name"
HIDDEN = "hidden on your LinkedIn profile"


@dataclass(frozen=True, slots=True)
class Vouch:
    kind: str
    first_name: str
    last_name: str
    skill: str
    day: dt.date | None
    status: str
    url: str = ""


def name_key(first: str, last: str) -> str:
    return " ".join(f"{first} {last}".split()).casefold()


@dataclass(frozen=True, slots=True)
class _Known:
    #: Name key → the members the importer knows here and may open.
    by_name: dict[str, list[Member]]
    #: Profile address key → the members of the importer's connections with that address
    #: (``None`` for a connection who is no member, or one the importer may not open).
    by_url: dict[str, set[int | None]]
    members: dict[int, Member]


def _known_members(member: Member) -> _Known:
    """The members the importer knows here and may open, by name and by profile address."""
    contacts = list(
        Contact.objects.filter(owner=member)
        .exclude(profile_url="", member__isnull=True)
        .values_list("member_id", "profile_url")
    )
    ids = {member_id for member_id, _ in contacts if member_id is not None}
    for low, high in Tie.objects.filter(Q(member_low=member) | Q(member_high=member)).values_list(
        "member_low_id", "member_high_id"
    ):
        ids.update((low, high))
    ids.discard(member.pk)
    ids = visible_member_ids(member, ids)
    by_name: dict[str, list[Member]] = {}
    members = {}
    for known in Member.objects.filter(pk__in=ids):
        by_name.setdefault(name_key(known.first_name, known.last_name), []).append(known)
        members[known.pk] = known
    by_url: dict[str, set[int | None]] = {}
    for member_id, url in contacts:
        if key := profile_url_key(url):
            by_url.setdefault(key, set()).add(member_id if member_id in members else None)
    return _Known(by_name, by_url, members)


def _authors(known: _Known, vouch: Vouch) -> list[Member]:
    """Who may have written the vouch: by profile address first, else by name."""
    if (key := profile_url_key(vouch.url)) and key in known.by_url:
        return [known.members[pk] for pk in sorted(known.by_url[key], key=str) if pk is not None]
    return known.by_name.get(name_key(vouch.first_name, vouch.last_name), [])


def vouches_of(archive) -> list[Vouch]:
    vouches = [
        Vouch(
            Interaction.Kind.RECOMMENDED,
            item.first_name,
            item.last_name,
            "",
            item.created_on,
            item.status,
        )
        for item in archive.recommendations
    ]
    vouches += [
        Vouch(
            Interaction.Kind.ENDORSED,
            item.first_name,
            item.last_name,
            item.skill,
            item.endorsed_on,
            item.status,
            item.url,
        )
        for item in archive.endorsements
    ]
    return vouches


def vouches_merge(*, member: Member, archive, summary: ImportSummary) -> None:
    """Record each vouch by a member the importer knows as a shared interaction, once."""
    vouches = vouches_of(archive)
    if not vouches:
        return
    known = _known_members(member)
    today = timezone.localdate()
    touched: set[int] = set()
    for vouch in vouches:
        kind = "recommendations" if vouch.kind == Interaction.Kind.RECOMMENDED else "endorsements"
        name = f"{vouch.first_name} {vouch.last_name}".strip()
        words = ENDORSED.format(skill=vouch.skill) if vouch.skill else RECOMMENDED
        item = f"{name} {words}"
        candidates = _authors(known, vouch)
        if vouch.status not in SHOWN_STATUSES:
            summary.left_alone(kind, item, HIDDEN)
        elif not candidates:
            summary.left_alone(kind, item, NOT_A_MEMBER)
        elif len(candidates) > 1:
            summary.left_alone(kind, item, AMBIGUOUS)
        elif _vouch_record(member=member, voucher=candidates[0], vouch=vouch, today=today):
            summary.added(kind, item)
            touched.add(candidates[0].pk)
        else:
            summary.left_alone(kind, item)
    for member_id in (member.pk, *touched) if touched else ():
        people_services.history_changed(member_id)


def _vouch_record(*, member: Member, voucher: Member, vouch: Vouch, today: dt.date) -> bool:
    """Store the vouch unless it is stored already; whether it was new."""
    stored = Interaction.objects.filter(
        logged_by=member, other=voucher, kind=vouch.kind, skill=vouch.skill, shared=True
    )
    if stored.exists():
        return False
    interaction = Interaction(
        logged_by=member,
        other=voucher,
        kind=vouch.kind,
        skill=vouch.skill,
        shared=True,
        happened_on=min(vouch.day or today, today),
    )
    interaction.full_clean()
    interaction.save()
    audit(actor=member, action=AuditEvent.INTERACTION_LOG, subject=interaction, kind=vouch.kind)
    return True
