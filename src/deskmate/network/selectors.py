"""Reads about the network, scoped to the viewer: contacts and imports are private to their owner."""

from django.db.models import Q, QuerySet
from django.http import Http404

from deskmate.network.models import Contact, ImportJob, Interaction, Introduction, Tie
from deskmate.people.models import Member
from deskmate.people.selectors import visible_member_ids

IMPORT_NOT_FOUND = "No such import, or it is not yours."


def contacts_of(viewer: Member) -> QuerySet[Contact]:
    return Contact.objects.filter(owner=viewer).select_related("member")


def contacts_shown_to(viewer: Member, contacts) -> list[Contact]:
    """The contacts with ``shown_member``: the member each names, only where the viewer may open that profile.

    A contact naming a member whose profile is hidden from the viewer looks
    like any contact from outside, so an address book cannot be used to
    learn who is a member.
    """
    contacts = list(contacts)
    visible = visible_member_ids(viewer, [c.member_id for c in contacts if c.member_id])
    for contact in contacts:
        contact.shown_member = contact.member if contact.member_id in visible else None
    return contacts


def import_jobs_of(viewer: Member) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(owner=viewer).defer("payload")


def access_import_job(viewer: Member, job_id: int) -> ImportJob:
    try:
        return import_jobs_of(viewer).get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(IMPORT_NOT_FOUND) from None


def tie_rows_of(member: Member) -> list[dict]:
    """The member's stored ties: the other member's id, the strength and the evidence."""
    rows = []
    for low, high, strength, evidence in (
        Tie.objects.filter(member_low=member)
        .values_list("member_low", "member_high", "strength", "evidence")
        .union(
            Tie.objects.filter(member_high=member).values_list(
                "member_low", "member_high", "strength", "evidence"
            ),
            all=True,
        )
    ):
        rows.append(
            {"other": high if low == member.pk else low, "strength": strength, "evidence": evidence}
        )
    return rows


def _sees_some(evidence: list[dict], viewer_id: int) -> bool:
    return any(item.get("private_to") in (None, viewer_id) for item in evidence)


def tie_partner_ids(member: Member) -> set[int]:
    """Members the member shares a tie with, counting only evidence the member may see."""
    return {row["other"] for row in tie_rows_of(member) if _sees_some(row["evidence"], member.pk)}


def shared_history_partner_ids(member: Member) -> set[int]:
    """Members who share a workplace or school with the member: evidence anyone who sees both profiles can read."""
    ties = Tie.objects.filter(shared_history=True)
    lows = ties.filter(member_high=member).values_list("member_low", flat=True)
    highs = ties.filter(member_low=member).values_list("member_high", flat=True)
    return set(lows) | set(highs)


def mutual_contact_ids(viewer: Member, target: Member) -> set[int]:
    """Who could introduce the viewer to the target, from evidence the viewer may see.

    The viewer's side counts what the viewer may see of their own ties (their
    own contacts and logged interactions included). The other side is a tie
    the viewer is not part of, so only a shared workplace or school counts
    there: another member's contacts, interactions and the mutual contacts made
    from them are never used for the viewer.
    """
    return (tie_partner_ids(viewer) & shared_history_partner_ids(target)) - {
        viewer.pk,
        target.pk,
    }


def interactions_logged_by(viewer: Member):
    return Interaction.objects.filter(logged_by=viewer).select_related("other")


def access_interaction(viewer: Member, interaction_id: int):
    try:
        return interactions_logged_by(viewer).get(pk=interaction_id)
    except (Interaction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such interaction, or it is not yours.") from None


def introductions_involving(viewer: Member):
    return Introduction.objects.filter(
        Q(requester=viewer)
        | Q(introducer=viewer)
        | (Q(target=viewer) & ~Q(status=Introduction.Status.ASKED))
    ).select_related("requester", "introducer", "target")


def access_introduction(viewer: Member, introduction_id: int):
    """An introduction the viewer is part of; the person introduced to sees it only once forwarded."""
    try:
        return introductions_involving(viewer).get(pk=introduction_id)
    except (Introduction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such introduction.") from None
