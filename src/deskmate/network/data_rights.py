"""What the network app holds about a member, for their data download and their erasure.

Registered with :mod:`deskmate.people.data_rights` in ``NetworkConfig.ready``.
Contacts in *other* people's address books are theirs: erasure unlinks them
from the member and keeps only what the importer's own file said.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from deskmate.network.models import (
    Contact,
    ImportJob,
    Interaction,
    Introduction,
    PeopleMapping,
    Tie,
)
from deskmate.network.tie_store import visible_strength
from deskmate.people.data_rights import (
    Erasure,
    Holding,
    Identity,
    register_holding,
    rows_as_dicts,
    scrub_text,
)
from deskmate.people.models import Member


def _contacts(member: Member) -> list[dict[str, Any]]:
    return rows_as_dicts(Contact.objects.filter(owner=member), exclude=("match_key", "not_members"))


def _contacts_erase(identity: Identity, erasure: Erasure) -> None:
    deleted, _ = Contact.objects.filter(owner=identity.member).delete()
    unlinked = Contact.objects.filter(member=identity.member).update(member=None)
    erasure.count("contacts", deleted=deleted, anonymised=unlinked)


def _ties(member: Member) -> list[dict[str, Any]]:
    """The member's ties with the evidence *they* may see, and the strength it makes."""
    rows = []
    ties = Tie.objects.filter(Q(member_low=member) | Q(member_high=member)).order_by("id")
    for tie in ties.iterator():
        visible = [item for item in tie.evidence if item.get("private_to") in (None, member.pk)]
        other = tie.member_high_id if tie.member_low_id == member.pk else tie.member_low_id
        rows.append(
            {
                "id": tie.pk,
                "other_member": other,
                "strength": round(visible_strength(tie.evidence, member.pk), 6),
                "evidence": visible,
            }
        )
    return rows


def _ties_erase(identity: Identity, erasure: Erasure) -> None:
    member = identity.member
    deleted, _ = Tie.objects.filter(Q(member_low=member) | Q(member_high=member)).delete()
    erasure.count("ties", deleted=deleted)


def _imports(member: Member) -> list[dict[str, Any]]:
    return rows_as_dicts(ImportJob.objects.filter(owner=member), exclude=("payload",))


def _import_files(member: Member) -> list[tuple[str, bytes]]:
    jobs = ImportJob.objects.filter(owner=member, payload__isnull=False)
    return [(f"{job.pk}-{job.file_name}", bytes(job.payload or b"")) for job in jobs]


def _imports_erase(identity: Identity, erasure: Erasure) -> None:
    deleted, _ = ImportJob.objects.filter(owner=identity.member).delete()
    erasure.count("imports", deleted=deleted)


def _people_mappings(member: Member) -> list[dict[str, Any]]:
    """People-file mappings the member saved (as an admin, for the organisation)."""
    return rows_as_dicts(PeopleMapping.objects.filter(created_by=member))


def _people_mappings_erase(identity: Identity, erasure: Erasure) -> None:
    # The mapping is the organisation's and stays; only who saved it is forgotten.
    unlinked = PeopleMapping.objects.filter(created_by=identity.member).update(created_by=None)
    erasure.count("people_mappings", anonymised=unlinked)


def _interactions(member: Member) -> list[dict[str, Any]]:
    """Interactions the member logged (private to them), and vouches shared with them."""
    return rows_as_dicts(
        Interaction.objects.filter(Q(logged_by=member) | Q(other=member, shared=True))
    )


def _interactions_erase(identity: Identity, erasure: Erasure) -> None:
    # A vouch the member gave is theirs as much as the importer's: it goes too.
    deleted, _ = Interaction.objects.filter(
        Q(logged_by=identity.member) | Q(other=identity.member, shared=True)
    ).delete()
    erasure.count("interactions", deleted=deleted)
    about = Interaction.objects.filter(other=identity.member)
    scrub_text(Interaction, ["note"], identity, erasure, kind="interactions", queryset=about)


def _introductions(member: Member) -> list[dict[str, Any]]:
    """Introductions the member asked for, was asked to make, or was introduced in."""
    involved = Q(requester=member) | Q(introducer=member) | Q(target=member)
    return rows_as_dicts(Introduction.objects.filter(involved))


def _introductions_erase(identity: Identity, erasure: Erasure) -> None:
    member = identity.member
    waiting = Introduction.objects.filter(
        Q(requester=member) | Q(introducer=member) | Q(target=member),
        status__in=[Introduction.Status.ASKED, Introduction.Status.FORWARDED],
    )
    withdrawn = waiting.update(status=Introduction.Status.WITHDRAWN)
    erasure.count("introductions", anonymised=withdrawn)
    scrub_text(
        Introduction, ["message", "introducer_note"], identity, erasure, kind="introductions"
    )


def register() -> None:
    """The network app's kinds (called from its ``AppConfig.ready``)."""
    for holding in (
        Holding("contacts", ("network.Contact",), _contacts, _contacts_erase, order=20),
        Holding("ties", ("network.Tie",), _ties, _ties_erase, order=20),
        Holding(
            "imports",
            ("network.ImportJob",),
            _imports,
            _imports_erase,
            files=_import_files,
            order=20,
        ),
        Holding(
            "people_mappings",
            ("network.PeopleMapping",),
            _people_mappings,
            _people_mappings_erase,
            order=20,
        ),
        Holding(
            "interactions", ("network.Interaction",), _interactions, _interactions_erase, order=20
        ),
        Holding(
            "introductions",
            ("network.Introduction",),
            _introductions,
            _introductions_erase,
            order=20,
        ),
    ):
        register_holding(holding)
