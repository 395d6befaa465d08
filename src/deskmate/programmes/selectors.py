"""Reads about programmes, scoped to the viewer.

A programme is run by its own coordinators (the member who created it and
those added since); admins run every programme. A coordinator of one programme
is, for every other programme, a member like any other. A member sees a
programme that is open to them (open sign-up while enrolment is open, or an
invitation) or that they applied to, and only their own application; anything
else is a 404, exactly as if it did not exist.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from deskmate.mentoring.models import Mentorship
from deskmate.people.models import Member
from deskmate.people.selectors import members_visible_to
from deskmate.programmes.models import (
    Application,
    ApplicationImport,
    AttributeRule,
    Invitation,
    MatchRun,
    PairRule,
    Programme,
    Publication,
    Quota,
)

PROGRAMME_NOT_FOUND = "No such programme."
NOT_FOUND = "Not found."


def programmes_managed_by(viewer: Member) -> QuerySet[Programme]:
    """The programmes the viewer runs: all of them for an admin, their own for a coordinator."""
    if viewer.is_admin:
        return Programme.objects.all()
    if not viewer.is_coordinator:
        return Programme.objects.none()
    return Programme.objects.filter(coordinators=viewer)


def coordinates(viewer: Member, programme: Programme) -> bool:
    """Whether the viewer runs this programme (an admin runs every one)."""
    if viewer.is_admin:
        return True
    return viewer.is_coordinator and programme.coordinators.filter(pk=viewer.pk).exists()


def programmes_visible_to(viewer: Member) -> QuerySet[Programme]:
    programmes = Programme.objects.all()
    if viewer.is_admin:
        return programmes
    applied = Application.objects.filter(programme=OuterRef("pk"), member=viewer)
    invited = Invitation.objects.filter(programme=OuterRef("pk"), email__iexact=viewer.user.email)
    open_to_viewer = Q(open_signup=True) | Exists(invited) | Exists(applied)
    visible = open_to_viewer & (Q(Exists(applied)) | _enrolment_open())
    if viewer.is_coordinator:
        visible |= Q(pk__in=programmes_managed_by(viewer).values("pk"))
    return programmes.filter(visible)


def coordinators_of(programme: Programme) -> QuerySet[Member]:
    return programme.coordinators.select_related("user").order_by("last_name", "first_name", "id")


def coordinator_candidates(programme: Programme) -> QuerySet[Member]:
    """Coordinators (and admins) who could be added to the programme's coordinators."""
    return (
        Member.objects.filter(role__in=[Member.Role.COORDINATOR, Member.Role.ADMIN])
        .exclude(pk__in=programme.coordinators.values("pk"))
        .filter(user__is_active=True)
        .order_by("last_name", "first_name", "id")
    )


def _enrolment_open() -> Q:
    today = timezone.localdate()
    return (Q(enrolment_opens_on__isnull=True) | Q(enrolment_opens_on__lte=today)) & (
        Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=today)
    )


def _by_id_or_slug(programmes: QuerySet[Programme], key) -> Programme:
    try:
        if isinstance(key, int) or str(key).isdigit():
            return programmes.get(pk=int(key))
        return programmes.get(slug=str(key))
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404(PROGRAMME_NOT_FOUND) from None


def access_programme(viewer: Member, key) -> Programme:
    """A programme the viewer may see (to apply, or to follow their application)."""
    return _by_id_or_slug(programmes_visible_to(viewer), key)


def access_managed_programme(viewer: Member, key) -> Programme:
    """A programme to run: its own coordinators and admins only; 404 for everyone else."""
    return _by_id_or_slug(programmes_managed_by(viewer), key)


def _one(queryset, object_id):
    try:
        return queryset.get(pk=object_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def access_application(viewer: Member, programme: Programme, application_id) -> Application:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.applications.select_related("member__user"), application_id)


def access_run(viewer: Member, programme: Programme, run_id) -> MatchRun:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.runs.all(), run_id)


def access_pair_rule(viewer: Member, programme: Programme, rule_id) -> PairRule:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.pair_rules.all(), rule_id)


def access_attribute_rule(viewer: Member, programme: Programme, rule_id) -> AttributeRule:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.attribute_rules.all(), rule_id)


def access_quota(viewer: Member, programme: Programme, quota_id) -> Quota:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.quotas.all(), quota_id)


def attribute_rules_of(programme: Programme) -> QuerySet[AttributeRule]:
    return programme.attribute_rules.order_by("created_at", "id")


def quotas_of(programme: Programme) -> QuerySet[Quota]:
    return programme.quotas.order_by("created_at", "id")


def access_import(viewer: Member, programme: Programme, import_id) -> ApplicationImport:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.imports.all(), import_id)


def access_applicant(viewer: Member, programme: Programme, member_id) -> Member:
    """A member who applied to the programme, for a coordinator choosing pairs."""
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(
        Member.objects.filter(programme_applications__programme=programme).select_related("user"),
        member_id,
    )


def access_programme_mentorship(viewer: Member, programme: Programme, mentorship_id) -> Mentorship:
    """A mentorship the programme made, for its coordinators (to nudge the pair)."""
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(
        Mentorship.objects.filter(programme_id=programme.pk).select_related(
            "requester__user", "recipient__user"
        ),
        mentorship_id,
    )


def access_programme_coordinator(viewer: Member, programme: Programme, member_id) -> Member:
    """One of the programme's coordinators, for those who run it; 404 for everyone else."""
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.coordinators.select_related("user"), member_id)


def access_member_to_coordinate(viewer: Member, programme: Programme, member_id) -> Member:
    """A member the viewer may see, to add as the programme's coordinator; 404 otherwise."""
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(members_visible_to(viewer).select_related("user"), member_id)


def access_invitation(viewer: Member, programme: Programme, invitation_id) -> Invitation:
    if not coordinates(viewer, programme):
        raise Http404(NOT_FOUND)
    return _one(programme.invitations.all(), invitation_id)


def invitation_by_token(invitation_id: int | None) -> Invitation:
    """The invitation a tracked link names (checked by its signature); 404 for anything else."""
    if invitation_id is None:
        raise Http404(NOT_FOUND)
    return _one(Invitation.objects.select_related("programme", "invited_by"), invitation_id)


def invitee_has_account(invitation: Invitation) -> bool:
    return Member.objects.filter(user__email__iexact=invitation.email).exists()


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    #: The invitee's name once they are a member, else "".
    name: str
    #: "declined", "joined" (applied to the programme), "opened" (followed its link) or "sent".
    status: str


def invitation_status(invitation: Invitation, *, applied: bool) -> str:
    if invitation.declined_at is not None:
        return "declined"
    if applied:
        return "joined"
    if invitation.opened_at is not None:
        return "opened"
    return "sent"


def _invitation_rows(programme: Programme) -> QuerySet[Invitation]:
    applied = Application.objects.filter(
        programme=programme, member__user__email__iexact=OuterRef("email")
    )
    members = Member.objects.filter(user__email__iexact=OuterRef("email"))
    return programme.invitations.annotate(
        applied=Exists(applied),
        first_name=Subquery(members.values("first_name")[:1]),
        last_name=Subquery(members.values("last_name")[:1]),
    )


def invitation_row(invitation: Invitation) -> InvitationRow:
    return _as_rows(_invitation_rows(invitation.programme).filter(pk=invitation.pk))[0]


def invitations_of(programme: Programme, *, limit: int = 500) -> list[InvitationRow]:
    """The programme's invitations, newest first, with the invitee's name and status."""
    return _as_rows(_invitation_rows(programme).order_by("-created_at", "-id")[:limit])


def _as_rows(rows) -> list[InvitationRow]:
    return [
        InvitationRow(
            invitation=invitation,
            name=" ".join(part for part in (invitation.first_name, invitation.last_name) if part),
            status=invitation_status(invitation, applied=invitation.applied),
        )
        for invitation in rows
    ]


def own_application(member: Member, programme: Programme) -> Application | None:
    return Application.objects.filter(programme=programme, member=member).first()


def access_own_mentor_application(member: Member, programme: Programme) -> Application:
    """The member's own active application as a mentor (to rank mentees); 404 otherwise."""
    application = Application.objects.filter(
        programme=programme,
        member=member,
        role=Application.Role.MENTOR,
        status=Application.Status.APPLIED,
    ).first()
    if application is None:
        raise Http404(NOT_FOUND)
    return application


def applications_of(programme: Programme) -> QuerySet[Application]:
    return programme.applications.select_related("member__user").order_by(
        "role", "member__last_name", "member__first_name", "id"
    )


def applications_by_member(member: Member) -> QuerySet[Application]:
    return (
        Application.objects.filter(member=member)
        .select_related("programme")
        .order_by("-created_at")
    )


def mentors_to_rank(viewer: Member, programme: Programme) -> QuerySet[Member]:
    """Mentors of the programme an applicant may rank: only those whose profile they may see."""
    mentor_ids = (
        programme.applications.filter(
            role=Application.Role.MENTOR, status=Application.Status.APPLIED
        )
        .exclude(member=viewer)
        .values("member_id")
    )
    return (
        members_visible_to(viewer)
        .filter(pk__in=mentor_ids)
        .order_by("last_name", "first_name", "id")
    )


def applicants_by_role(programme: Programme) -> dict[str, list[Member]]:
    rows = applications_of(programme).filter(status=Application.Status.APPLIED)
    found: dict[str, list[Member]] = {role: [] for role in Application.Role.values}
    for application in rows:
        found[application.role].append(application.member)
    return found


def publication_of(run: MatchRun) -> Publication | None:
    return Publication.objects.filter(run=run).first()


def runs_of(programme: Programme) -> QuerySet[MatchRun]:
    return programme.runs.annotate(pair_count=Count("pairs")).order_by("-created_at", "-id")


def pairs_of(run: MatchRun):
    return run.pairs.select_related("mentee__user", "mentor__user").order_by("-score", "id")


def pair_rules_of(programme: Programme) -> QuerySet[PairRule]:
    return programme.pair_rules.select_related("mentee", "mentor").order_by(
        "kind", "created_at", "id"
    )


def programme_counts(programme: Programme) -> dict[str, int]:
    counts = dict(
        programme.applications.filter(status=Application.Status.APPLIED)
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    return {role: counts.get(role, 0) for role in Application.Role.values}


def members_by_ids(member_ids) -> list[Member]:
    found = Member.objects.in_bulk(list(member_ids or []))
    return [found[member_id] for member_id in member_ids or [] if member_id in found]


def mentees_to_rank(viewer: Member, programme: Programme) -> QuerySet[Member]:
    """Mentees of the programme a mentor may rank: only those whose profile they may see."""
    mentee_ids = (
        programme.applications.filter(
            role=Application.Role.MENTEE, status=Application.Status.APPLIED
        )
        .exclude(member=viewer)
        .values("member_id")
    )
    return (
        members_visible_to(viewer)
        .filter(pk__in=mentee_ids)
        .order_by("last_name", "first_name", "id")
    )


def programme_stage(programme: Programme, *, published: bool, today=None) -> str:
    """Where a programme stands, in words: enrolment, matching, running or finished."""
    today = today or timezone.localdate()
    if published:
        if programme.ends_on and programme.ends_on < today:
            return "Finished"
        if programme.starts_on and programme.starts_on > today:
            return "Pairs published"
        return "Running"
    if programme.enrolment_opens_on and programme.enrolment_opens_on > today:
        return f"Enrolment opens on {programme.enrolment_opens_on:%-d %B %Y}"
    if programme.enrolment_closes_on is None or programme.enrolment_closes_on >= today:
        return "Enrolment open"
    return "Enrolment closed, to be matched"


def programmes_at_a_glance(viewer: Member) -> list[dict]:
    """For coordinators: each programme they run with its stage, pairs and applications waiting."""
    if not viewer.is_coordinator:
        return []
    programmes = list(
        programmes_managed_by(viewer)
        .annotate(
            pair_count=Count(
                "runs__pairs__mentorship",
                filter=Q(runs__status=MatchRun.Status.PUBLISHED),
                distinct=True,
            ),
            waiting=Count(
                "applications",
                filter=Q(applications__status=Application.Status.APPLIED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )
    return [
        {
            "programme": programme,
            "stage": programme_stage(programme, published=programme.pair_count > 0),
            "pairs": programme.pair_count,
            # Once pairs are published, the applications are no longer waiting to be matched.
            "waiting": 0 if programme.pair_count else programme.waiting,
        }
        for programme in programmes
    ]


def application_imports_waiting(viewer: Member) -> int:
    """Uploaded application files still waiting for their column mapping; for admins."""
    if not viewer.is_admin:
        return 0
    return ApplicationImport.objects.filter(status=ApplicationImport.Status.UPLOADED).count()


def pending_in_latest_run(programme: Programme) -> set[int]:
    """Member ids of pending applicants in a pair of the latest run not yet published."""
    run = programme.runs.filter(status=MatchRun.Status.DONE).order_by("-created_at", "-id").first()
    if run is None:
        return set()
    ids: set[int] = set()
    for mentee_id, mentor_id, mentee_email, mentor_email in run.pairs.filter(
        carried=False
    ).values_list("mentee_id", "mentor_id", "mentee__user__email", "mentor__user__email"):
        ids.update(
            m for m, email in ((mentee_id, mentee_email), (mentor_id, mentor_email)) if not email
        )
    return ids


def pending_applicants(programme: Programme) -> list[Application]:
    """The programme's applications whose member has no address yet, in the file's order."""
    return list(
        programme.applications.filter(member__user__email__isnull=True)
        .select_related("member__user")
        .order_by("created_at", "id")
    )
