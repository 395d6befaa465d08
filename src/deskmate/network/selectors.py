"""Reads about the network, scoped to the viewer: contacts and imports are private to their owner."""

from django.db.models import Q, QuerySet
from django.http import Http404

from deskmate.network.models import (
    Contact,
    ImportJob,
    Interaction,
    Introduction,
    PeopleMapping,
    Tie,
    Vocabulary,
)
from deskmate.network.network_map import KIND_LABELS, evidence_kind, evidence_visible
from deskmate.people.models import Member
from deskmate.people.selectors import visible_member_ids

IMPORT_NOT_FOUND = "No such import, or it is not yours."
MAPPING_NOT_FOUND = "No such saved mapping, or you may not see it."


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


def access_people_import_job(viewer: Member, job_id: int) -> ImportJob:
    """One of the viewer's people imports, while the viewer is an admin (404 otherwise)."""
    job = access_import_job(viewer, job_id)
    if job.kind != ImportJob.Kind.PEOPLE or not viewer.is_admin:
        raise Http404(IMPORT_NOT_FOUND)
    return job


def people_mappings_for(viewer: Member) -> QuerySet[PeopleMapping]:
    """Saved people-file mappings belong to the organisation: every admin sees them all."""
    if not viewer.is_admin:
        return PeopleMapping.objects.none()
    return PeopleMapping.objects.select_related("created_by")


def access_people_mapping(viewer: Member, mapping_id: int) -> PeopleMapping:
    try:
        return people_mappings_for(viewer).get(pk=mapping_id)
    except (PeopleMapping.DoesNotExist, ValueError, TypeError):
        raise Http404(MAPPING_NOT_FOUND) from None


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


def interactions_seen_by(viewer: Member):
    """The interactions the viewer logged, and the shared ones (vouches) naming them."""
    return Interaction.objects.filter(
        Q(logged_by=viewer) | Q(other=viewer, shared=True)
    ).select_related("logged_by", "other")


def vouches_for_author(viewer: Member):
    """Vouches the viewer gave, imported by the member they vouched for (shared with both)."""
    return Interaction.objects.filter(other=viewer, shared=True).select_related("logged_by")


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


#: How the viewer knows someone, said of the strongest shared history the viewer may see.
NOT_KNOWN = "No shared history on record"


def how_known(viewer: Member, member_ids) -> dict[int, str]:
    """For each member id, how the viewer knows them, from the ties' visible evidence."""
    wanted = set(member_ids)
    found = dict.fromkeys(wanted, NOT_KNOWN)
    for row in tie_rows_of(viewer):
        if row["other"] not in wanted:
            continue
        shown = [item for item in row["evidence"] if evidence_visible(item, viewer.pk)]
        if shown:
            strongest = max(shown, key=lambda item: item["strength"])
            found[row["other"]] = KIND_LABELS[evidence_kind(strongest)]
    return found


def introductions_waiting_for(viewer: Member):
    """Introductions the viewer is asked to make, or to accept once forwarded to them."""
    return (
        Introduction.objects.filter(
            Q(introducer=viewer, status=Introduction.Status.ASKED)
            | Q(target=viewer, status=Introduction.Status.FORWARDED)
        )
        .select_related("requester", "introducer", "target")
        .order_by("created_at", "id")
    )


def import_jobs_waiting(viewer: Member) -> int:
    """How many uploaded files wait for the worker; a count for admins only, no owners named."""
    if not viewer.is_admin:
        return 0
    return ImportJob.objects.filter(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).count()


def last_tie_refresh():
    """When the ties were last refreshed in full, or None if never."""
    return (
        Vocabulary.objects.values_list("refreshed_at", flat=True).order_by("-refreshed_at").first()
    )
