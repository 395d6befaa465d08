"""Writes about programmes. Each is atomic, validates, and leaves an audit entry.

Publishing a match run locks the run and the programme rows, so publishing
twice (two clicks, two coordinators) creates each mentorship once; the
mentorships themselves are made by mentoring's own service, which locks the
mentor's row and respects their capacity.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from deskmate.core.audit import AuditEvent, audit
from deskmate.importing.errors import ErrorCollector, ImportFileError
from deskmate.importing.names import is_email_address
from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.selectors import active_mentee_count
from deskmate.mentoring.services import (
    GroupMatch,
    group_create_from_match,
    mentorship_create_from_match,
)
from deskmate.network.services import import_error_from_validation
from deskmate.notifications.models import Notification
from deskmate.notifications.services import notify
from deskmate.people import services as people_services
from deskmate.people.decorators import COORDINATORS_ONLY
from deskmate.people.models import Member
from deskmate.people.selectors import visible_member_ids
from deskmate.programmes import (
    applications_file,
    attributes,
    matching,
    publishing,
    reports,
    selectors,
    signals,
)
from deskmate.programmes.models import (
    MAX_CAPACITY,
    Application,
    ApplicationImport,
    AttributeRule,
    Invitation,
    MatchRun,
    PairRule,
    Programme,
    ProposedPair,
    Publication,
    Quota,
)

logger = logging.getLogger(__name__)

ENROLMENT_CLOSED = "Enrolment in this programme is closed."
INVITATION_ONLY = "This programme takes applications by invitation only."
ROLE_NOT_OFFERED = "Choose a role this programme has: {roles}."
NOT_A_MENTOR_HERE = "Rank only mentors of this programme."
TOO_MANY_PREFERENCES = "Rank at most {limit} mentors."
NOT_A_MENTEE_HERE = "Rank only mentees of this programme."
ONLY_MENTORS_RANK = "Only a mentor of this programme ranks its mentees."
TOO_MANY_MENTEES = "Rank at most {limit} mentees."
NOT_APPLICANTS = "Both people must have applied to this programme: {who} has not."
WRONG_ROLES = "Choose a mentee and a mentor of this programme."
SAME_PERSON = "Choose two different people."
PAIR_NOT_ALLOWED = "{first} and {second} cannot be paired: {reasons}."
FORBIDDEN_BECAUSE = (
    "{mentee} and {mentor} are forbidden because {reason} ({who}, {when}); pin anyway?"
)
FORBIDDEN_NO_REASON = (
    "{mentee} and {mentor} are forbidden ({who}, {when}; no reason was given); pin anyway?"
)
UNKNOWN_RULE = "Choose to pin or to forbid."
REASON_TOO_LONG = "Say why in at most {limit} characters."
ALREADY_PINNED = "{name} is already pinned to {other}; remove that pin first."
MENTOR_PINS_FULL = "{name} has no place left for another pin."
UNKNOWN_METHOD = "Choose one of the matching methods offered."
UNKNOWN_PROPOSING = "Choose which side proposes: mentees or mentors."
RUN_NOT_READY = "Only a finished proposal can be published."
RUN_ALREADY_PUBLISHED = "This proposal has already been published."
RUN_OUT_OF_DATE = "Matches were published after this proposal was made; run the matching again."
PUBLISH_UNDER_WAY = "This proposal is being published already; its page shows how far it has gone."
PUBLISH_UNCONFIRMED = "Tick the box to confirm that you want to publish."
PUBLISHER_GONE = "The coordinator who asked for this publication is no longer a member."
INVITATION_DECLINED = "{email} said no thanks to this invitation; it is not sent again."
INVITATION_JOINED = "{name} has applied already; there is nothing to resend."
NOT_AT_RISK = "{first} and {second} are not at risk; there is nothing to nudge them about."
NUDGED_TODAY = "{first} and {second} were nudged today already; try again tomorrow."
NUDGE_CHECKIN = "It has been a while since your last check-in: a short one keeps things going."
NUDGE_WAITING = "A request or a question between you is waiting for an answer."
NUDGE_GENERAL = "If something stands in the way, tell your coordinators: they are glad to help."
NOT_A_COORDINATOR = "{name} is not a coordinator: an admin gives the role first."
ALREADY_COORDINATES = "{name} already coordinates this programme."
NOT_ITS_COORDINATOR = "{name} does not coordinate this programme."
LAST_COORDINATOR = "{name} is its only coordinator: add another before removing them."
INVALID_EMAILS = "These are not e-mail addresses: {emails}."
NO_EMAILS = "Give at least one e-mail address."
IMPORT_DONE_ALREADY = "This file has already been dealt with; upload it again to import it again."
FILE_ROLE_UNKNOWN = 'Say "mentor", "mentee" or nothing (a column says) for the whole file.'
PENDING_NEEDS_NAME = "a name is needed for an applicant without an e-mail address"
UNKNOWN_TOPIC = "Choose topics of this programme."
ATTRIBUTE_EXISTS = 'The programme already has an attribute called "{name}".'
UNKNOWN_RULE_KIND = "Choose a kind of attribute rule: {kinds}."
UNKNOWN_QUOTA_KIND = "Choose a kind of quota: {kinds}."
THRESHOLD_REQUIRED = "A minimum rule needs a threshold (a number)."
THRESHOLD_NUMBER_ONLY = 'A minimum applies to a number attribute; "{name}" is {kind}.'
WEIGHT_REQUIRED = "A preference needs a weight from 0 to 1."
LIMIT_REQUIRED = "An at-most quota needs a limit: a whole number of mentees, 1 or more."
SHARE_REQUIRED = "An at-least quota needs a share from 0 to 1 (0.4 is 40%)."
VALUE_REQUIRED = "An at-least quota needs the group's value of the attribute."
DISTINCT_REQUIRED = (
    "A different-values quota needs how many different values each mentor's mentees "
    "come from: a whole number, 2 or more."
)

MAX_PREFERENCES = 5
PAIR_REASON_MAX = 300
#: A mentor may rank more people than a mentee: they take several and read many applications.
MAX_MENTEE_PREFERENCES = 20
#: Programmes with more applicants than this, or more candidate pairs to score than
#: BACKGROUND_PAIRS_ABOVE, are matched by the task worker rather than in the request.
BACKGROUND_ABOVE = 500
BACKGROUND_PAIRS_ABOVE = 2_000
METHODS = ("optimal", "stable", "participation")
INVITATION_SALT = "deskmate.programmes.invitation"


def runs_in_background(programme: Programme) -> bool:
    counts = dict(
        programme.applications.filter(status=Application.Status.APPLIED)
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    applicants = sum(counts.values())
    if programme.is_peer:
        pairs = counts.get(Application.Role.PEER, 0) ** 2
    else:
        pairs = counts.get(Application.Role.MENTEE, 0) * counts.get(Application.Role.MENTOR, 0)
    return applicants > getattr(
        settings, "PROGRAMMES_BACKGROUND_ABOVE", BACKGROUND_ABOVE
    ) or pairs > getattr(settings, "PROGRAMMES_BACKGROUND_PAIRS_ABOVE", BACKGROUND_PAIRS_ABOVE)


def _require_coordinator(actor: Member, programme: Programme | None = None) -> None:
    """A coordinator; of this programme when one is given (admins run every programme)."""
    if not actor.is_coordinator:
        raise PermissionDenied(COORDINATORS_ONLY)
    if programme is not None and not selectors.coordinates(actor, programme):
        raise PermissionDenied(selectors.PROGRAMME_NOT_FOUND)


def _programme_url(programme: Programme) -> str:
    return reverse("programme_detail", args=[programme.pk])


# ---------------------------------------------------------------- programmes

PROGRAMME_FIELDS = frozenset(
    {
        "name",
        "kind",
        "description",
        "questions",
        "topics",
        "starts_on",
        "ends_on",
        "enrolment_opens_on",
        "enrolment_closes_on",
        "open_signup",
        "capacity_per_mentor",
        "avoid_reporting_line",
        "avoid_same_unit",
        "organisation_rule",
        "tie_weight",
        "mentor_weight",
        "proposing",
        "default_cadence",
        "milestone_template",
    }
)


def _clean_topics(topics) -> list[str]:
    cleaned = [" ".join(str(topic).split())[:100] for topic in topics or []]
    return list(dict.fromkeys(topic for topic in cleaned if topic))


def _unique_slug(name: str, exclude: int | None = None) -> str:
    base = slugify(name)[:70] or "programme"
    slug, number = base, 1
    while Programme.objects.filter(slug=slug).exclude(pk=exclude).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def programme_create(*, actor: Member, name: str, **fields) -> Programme:
    _require_coordinator(actor)
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValidationError(f"Unknown programme fields: {', '.join(sorted(unknown))}.")
    if "topics" in fields:
        fields["topics"] = _clean_topics(fields["topics"])
    programme = Programme(
        name=(name or "").strip(), slug=_unique_slug(name or ""), created_by=actor, **fields
    )
    programme.full_clean()
    programme.save()
    programme.coordinators.add(actor)
    audit(actor=actor, action=AuditEvent.PROGRAMME_CREATE, subject=programme, kind=programme.kind)
    return programme


@transaction.atomic
def programme_coordinator_add(*, programme: Programme, actor: Member, member: Member) -> Member:
    """Another coordinator runs the programme too; only a coordinator (or an admin) can be added."""
    _require_coordinator(actor, programme)
    if not member.is_coordinator or not member.user.is_active:
        raise ValidationError({"member": NOT_A_COORDINATOR.format(name=member.name)})
    if programme.coordinators.filter(pk=member.pk).exists():
        raise ValidationError({"member": ALREADY_COORDINATES.format(name=member.name)})
    programme.coordinators.add(member)
    audit(
        actor=actor,
        action=AuditEvent.PROGRAMME_COORDINATOR_ADD,
        subject=programme,
        member=member.pk,
    )
    return member


@transaction.atomic
def programme_coordinator_remove(*, programme: Programme, actor: Member, member: Member) -> None:
    """Someone stops running the programme; a programme always keeps one coordinator."""
    _require_coordinator(actor, programme)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    coordinators = set(programme.coordinators.values_list("pk", flat=True))
    if member.pk not in coordinators:
        raise ValidationError({"member": NOT_ITS_COORDINATOR.format(name=member.name)})
    if coordinators == {member.pk}:
        raise ValidationError({"member": LAST_COORDINATOR.format(name=member.name)})
    programme.coordinators.remove(member)
    audit(
        actor=actor,
        action=AuditEvent.PROGRAMME_COORDINATOR_REMOVE,
        subject=programme,
        member=member.pk,
    )


@transaction.atomic
def programme_update(*, programme: Programme, actor: Member, **fields) -> Programme:
    _require_coordinator(actor, programme)
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValidationError(f"Unknown programme fields: {', '.join(sorted(unknown))}.")
    if "topics" in fields:
        fields["topics"] = _clean_topics(fields["topics"])
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.name = programme.name.strip()
    programme.full_clean()
    programme.save()
    audit(
        actor=actor,
        action=AuditEvent.PROGRAMME_UPDATE,
        subject=programme,
        fields=",".join(sorted(fields)),
    )
    return programme


# ---------------------------------------------------------------- applications


def roles_for(programme: Programme) -> list[str]:
    if programme.is_peer:
        return [Application.Role.PEER]
    return [Application.Role.MENTEE, Application.Role.MENTOR]


def may_apply(programme: Programme, member: Member) -> bool:
    if not programme.enrolment_is_open():
        return False
    return programme.open_signup or is_invited(programme, member)


def is_invited(programme: Programme, member: Member) -> bool:
    return programme.invitations.filter(email__iexact=member.user.email).exists()


def _ensure_mentor_places(member: Member, capacity: int, actor: Member | None) -> None:
    """A mentor in a programme is open to mentoring, with places for the mentees it may bring."""
    needed = min(active_mentee_count(member) + capacity, MAX_CAPACITY)
    if member.open_to_mentoring and member.mentee_capacity >= needed:
        return
    people_services.profile_update(
        member=member,
        actor=actor or member,
        open_to_mentoring=True,
        mentee_capacity=max(member.mentee_capacity, needed),
    )


def _application_save(
    *,
    programme: Programme,
    member: Member,
    actor: Member | None,
    role: str,
    capacity: int | None = None,
    goals: str = "",
    answers: dict | None = None,
    topics: dict | None = None,
    mentor_preferences: list | None = None,
    mentee_preferences: list | None = None,
    attributes: dict | None = None,
    source: str = Application.Source.SIGNUP,
) -> tuple[Application, str]:
    """Create or update the member's application; says "created", "updated" or "unchanged"."""
    if role not in roles_for(programme):
        labels = dict(Application.Role.choices)
        raise ValidationError(
            {
                "role": ROLE_NOT_OFFERED.format(
                    roles=", ".join(labels[r].lower() for r in roles_for(programme))
                )
            }
        )
    if role == Application.Role.MENTOR:
        capacity = capacity or programme.capacity_per_mentor
    else:
        capacity = None
    questions = programme.question_list
    answers = {
        question: str(value).strip()[:3000]
        for question, value in (answers or {}).items()
        if question in questions and str(value).strip()
    }
    topics = {topic: int(rank) for topic, rank in (topics or {}).items() if rank is not None}
    if set(topics) - set(programme.topics or []):
        raise ValidationError({"topics": UNKNOWN_TOPIC})
    application = Application.objects.filter(programme=programme, member=member).first()
    preferences, mentee_ranking = _clean_rankings(
        programme, role, mentor_preferences, mentee_preferences, application, viewer=actor or member
    )
    values = {
        "role": role,
        "capacity": capacity,
        "goals": (goals or "").strip(),
        "answers": answers,
        "topics": topics,
        "mentor_preferences": preferences,
        "mentee_preferences": mentee_ranking,
        "status": Application.Status.APPLIED,
    }
    if attributes is not None:
        values["attributes"] = _merged_attributes(programme, application, attributes)
    if application is None:
        application = Application(programme=programme, member=member, source=source, **values)
        outcome = "created"
    else:
        outcome = (
            "unchanged"
            if all(getattr(application, k) == v for k, v in values.items())
            else "updated"
        )
        for name, value in values.items():
            setattr(application, name, value)
    if outcome != "unchanged":
        application.full_clean()
        application.save()
        audit(
            actor=actor,
            action=(
                AuditEvent.APPLICATION_CREATE
                if outcome == "created"
                else AuditEvent.APPLICATION_UPDATE
            ),
            subject=application,
            role=role,
        )
    if role == Application.Role.MENTOR:
        _ensure_mentor_places(member, capacity, actor)
    return application, outcome


def _ranked_applicants(programme: Programme, role: str, member_ids: list[int]) -> set[int]:
    return set(
        programme.applications.filter(
            role=role, status=Application.Status.APPLIED, member_id__in=member_ids
        ).values_list("member_id", flat=True)
    )


def _clean_ranking(
    programme: Programme,
    ranked_role: str,
    values: list | None,
    kept: list[int],
    *,
    viewer: Member,
    field: str,
    limit: int,
    too_many: str,
    not_here: str,
) -> list[int]:
    """One side's ranking; None keeps the current one, less anyone who has left the programme.

    Only applicants the viewer may see can be ranked: a hidden one is refused
    exactly like an id that names no one, so the answer never tells they exist.
    """
    if values is None:
        still_here = _ranked_applicants(programme, ranked_role, kept)
        return [member_id for member_id in kept if member_id in still_here][:limit]
    ranking = list(dict.fromkeys(int(member_id) for member_id in values))
    if len(ranking) > limit:
        raise ValidationError({field: too_many.format(limit=limit)})
    if ranking and set(ranking) - (
        _ranked_applicants(programme, ranked_role, ranking) & visible_member_ids(viewer, ranking)
    ):
        raise ValidationError({field: not_here})
    return ranking


def _clean_rankings(
    programme: Programme,
    role: str,
    mentor_preferences: list | None,
    mentee_preferences: list | None,
    current: Application | None,
    *,
    viewer: Member,
) -> tuple[list[int], list[int]]:
    """A mentee's ranking of mentors and a mentor's of mentees, each of this programme's applicants."""
    mentors: list[int] = []
    mentees: list[int] = []
    if role == Application.Role.MENTEE:
        mentors = _clean_ranking(
            programme,
            Application.Role.MENTOR,
            mentor_preferences,
            current.mentor_preferences if current else [],
            viewer=viewer,
            field="mentor_preferences",
            limit=MAX_PREFERENCES,
            too_many=TOO_MANY_PREFERENCES,
            not_here=NOT_A_MENTOR_HERE,
        )
    if role == Application.Role.MENTOR and not programme.is_peer:
        mentees = _clean_ranking(
            programme,
            Application.Role.MENTEE,
            mentee_preferences,
            current.mentee_preferences if current else [],
            viewer=viewer,
            field="mentee_preferences",
            limit=MAX_MENTEE_PREFERENCES,
            too_many=TOO_MANY_MENTEES,
            not_here=NOT_A_MENTEE_HERE,
        )
    return mentors, mentees


@transaction.atomic
def application_submit(
    *, programme: Programme, member: Member, actor: Member, **fields
) -> Application:
    """A member applies (or changes their application); its coordinators may do it for anyone."""
    if not selectors.coordinates(actor, programme):
        if actor.pk != member.pk:
            raise PermissionDenied(COORDINATORS_ONLY)
        if not programme.enrolment_is_open():
            raise ValidationError(ENROLMENT_CLOSED)
        if not (programme.open_signup or is_invited(programme, member)):
            raise ValidationError(INVITATION_ONLY)
        fields["source"] = (
            Application.Source.INVITATION
            if is_invited(programme, member)
            else Application.Source.SIGNUP
        )
    else:
        fields.setdefault(
            "source",
            Application.Source.COORDINATOR if actor.pk != member.pk else Application.Source.SIGNUP,
        )
    if Application.objects.filter(programme=programme, member=member).exists():
        fields.pop("source", None)
    application, _ = _application_save(programme=programme, member=member, actor=actor, **fields)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: Member) -> Application:
    if actor.pk != application.member_id and not selectors.coordinates(
        actor, application.programme
    ):
        raise PermissionDenied(COORDINATORS_ONLY)
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action=AuditEvent.APPLICATION_WITHDRAW, subject=application)
    return application


@transaction.atomic
def mentee_ranking_set(
    *, application: Application, actor: Member, mentee_ids: list[int]
) -> Application:
    """A mentor ranks the programme's mentees, best first, once their applications are in.

    Unlike the application itself this stays open after enrolment closes: mentors
    rank when they can read who applied. Its coordinators may do it for any mentor.
    """
    if actor.pk != application.member_id and not selectors.coordinates(
        actor, application.programme
    ):
        raise PermissionDenied(COORDINATORS_ONLY)
    if not application.is_active or application.role != Application.Role.MENTOR:
        raise ValidationError({"mentee_preferences": ONLY_MENTORS_RANK})
    _, ranking = _clean_rankings(
        application.programme, application.role, None, mentee_ids, application, viewer=actor
    )
    if ranking != application.mentee_preferences:
        application.mentee_preferences = ranking
        application.save(update_fields=["mentee_preferences", "updated_at"])
        audit(
            actor=actor,
            action=AuditEvent.APPLICATION_UPDATE,
            subject=application,
            mentees_ranked=len(ranking),
        )
    return application


# ---------------------------------------------------------------- invitations


def split_emails(text: str) -> list[str]:
    return [
        part.strip().lower()
        for part in text.replace(",", "\n").replace(";", "\n").split()
        if part.strip()
    ]


@transaction.atomic
def invitations_send(*, programme: Programme, actor: Member, emails: list[str]) -> int:
    """Invite people by e-mail; someone already invited is not invited twice. Returns how many are new."""
    _require_coordinator(actor, programme)
    emails = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    if not emails:
        raise ValidationError({"emails": NO_EMAILS})
    bad = [email for email in emails if not is_email_address(email)]
    if bad:
        raise ValidationError({"emails": INVALID_EMAILS.format(emails=", ".join(bad[:10]))})
    already = set(programme.invitations.filter(email__in=emails).values_list("email", flat=True))
    members = {
        (user_email or "").lower(): member
        for user_email, member in (
            (member.user.email, member)
            for member in Member.objects.select_related("user").filter(user__email__in=emails)
        )
    }
    new = 0
    for email in emails:
        if email in already:
            continue
        invitation = Invitation.objects.create(
            programme=programme, email=email, member=members.get(email), invited_by=actor
        )
        new += 1
        _deliver_invitation(invitation, actor)
        audit(actor=actor, action=AuditEvent.INVITATION_CREATE, subject=invitation, email=email)
    return new


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> int | None:
    """The invitation id a tracked link names; None for a forged or mangled link."""
    try:
        return int(signing.loads(token, salt=INVITATION_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def invitation_path(invitation: Invitation) -> str:
    """The tracked link of an invitation: opening it is what marks the invitation opened."""
    return reverse("programme_invitation_open", args=[invitation_token(invitation)])


def _deliver_invitation(invitation: Invitation, actor: Member) -> None:
    """A member is told in deskmate (and by e-mail as they like); anyone else by e-mail."""
    programme = invitation.programme
    if invitation.member is not None:
        notify(
            recipient=invitation.member,
            kind="programme_invitation",
            title=f"You are invited to {programme.name}",
            body=_with_way_in(f"{actor.name} invites you to apply.", invitation.member),
            url=invitation_path(invitation),
            key=f"programme_invitation:{programme.pk}:{invitation.sends}",
        )
        return
    link = settings.SITE_URL + invitation_path(invitation)
    programme_link = settings.SITE_URL + _programme_url(programme)
    email = invitation.email
    transaction.on_commit(lambda: _send_invitation(programme, actor, email, link, programme_link))


def _send_invitation(
    programme: Programme, actor: Member, email: str, link: str, programme_link: str
) -> None:
    try:
        send_mail(
            subject=f"You are invited to {programme.name}",
            message=(
                f"{actor.name} invites you to apply to {programme.name} on deskmate.\n\n"
                f"{programme.description}\n\n"
                f"See the invitation, then join deskmate with this address and apply, "
                f"or tell us no thanks:\n{link}\n\n"
                f"Already have an account? Sign in and apply here: {programme_link}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    except OSError:
        logger.exception("Could not send the invitation to programme %s", programme.pk)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: Member) -> Invitation:
    """Send an invitation again, unless it was declined or the person has applied."""
    _require_coordinator(actor, invitation.programme)
    invitation = (
        Invitation.objects.select_for_update().select_related("programme").get(pk=invitation.pk)
    )
    if invitation.declined_at is not None:
        raise ValidationError(INVITATION_DECLINED.format(email=invitation.email))
    member = (
        Member.objects.select_related("user").filter(user__email__iexact=invitation.email).first()
    )
    if member is not None and invitation.programme.applications.filter(member=member).exists():
        raise ValidationError(INVITATION_JOINED.format(name=member.name))
    invitation.member = member
    invitation.sends += 1
    invitation.last_sent_at = timezone.now()
    invitation.save(update_fields=["member", "sends", "last_sent_at"])
    _deliver_invitation(invitation, actor)
    audit(
        actor=actor,
        action=AuditEvent.INVITATION_RESEND,
        subject=invitation,
        email=invitation.email,
        sends=invitation.sends,
    )
    return invitation


@transaction.atomic
def invitation_open(*, invitation: Invitation) -> Invitation:
    """Someone followed the invitation's tracked link: the first time marks it opened."""
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        invitation.refresh_from_db(fields=["opened_at"])
    return invitation


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> Invitation:
    """The invitee says no thanks, through the tracked link; they are not invited again."""
    if invitation.declined_at is None:
        now = timezone.now()
        Invitation.objects.filter(pk=invitation.pk, declined_at__isnull=True).update(
            declined_at=now, opened_at=invitation.opened_at or now
        )
        invitation.refresh_from_db(fields=["declined_at", "opened_at"])
        audit(
            actor=invitation.member,
            action=AuditEvent.INVITATION_DECLINE,
            subject=invitation,
            programme=invitation.programme_id,
        )
    return invitation


# ---------------------------------------------------------------- application imports


@transaction.atomic
def application_import_create(
    *, programme: Programme, actor: Member, file_name: str, payload: bytes
) -> ApplicationImport:
    """Keep an uploaded file for the mapping step; a file without a readable header is refused at once."""
    _require_coordinator(actor, programme)
    layout = applications_file.read_layout(
        payload, filename=file_name, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES
    )
    mapping = applications_file.guess_mapping(
        layout.labels,
        topics=programme.topics or [],
        questions=programme.question_list,
        names=layout.names,
        samples=layout.samples,
    )
    file_role = ""
    if not programme.is_peer and applications_file.ROLE not in mapping.values():
        file_role = applications_file.guess_file_role(file_name)
    upload = ApplicationImport.objects.create(
        programme=programme,
        owner=actor,
        file_name=file_name[:255],
        payload=payload,
        columns=layout.labels,
        column_names=layout.names,
        samples=layout.samples,
        mapping=mapping,
        file_role=file_role,
    )
    audit(actor=actor, action=AuditEvent.APPLICATION_IMPORT_CREATE, subject=upload, file=file_name)
    return upload


#: Applications files larger than this are imported by the task worker after the mapping step.
IMPORT_BACKGROUND_ABOVE_BYTES = 512 * 1024


def import_runs_in_background(upload: ApplicationImport) -> bool:
    limit = getattr(settings, "PROGRAMMES_IMPORT_BACKGROUND_ABOVE_BYTES", None)
    return len(upload.payload or b"") > (IMPORT_BACKGROUND_ABOVE_BYTES if limit is None else limit)


def _import_checked(
    upload: ApplicationImport, mapping: dict[str, str], file_role: str | None
) -> tuple[ApplicationImport, str]:
    """The upload, locked, and the file's role, once the mapping can be used; else refused."""
    upload = ApplicationImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status in (ApplicationImport.Status.DONE, ApplicationImport.Status.QUEUED):
        raise ValidationError(IMPORT_DONE_ALREADY)
    if upload.payload is None:
        raise ValidationError(IMPORT_DONE_ALREADY)
    role = upload.file_role if file_role is None else file_role
    if role not in applications_file.FILE_ROLES:
        raise ValidationError({"file_role": FILE_ROLE_UNKNOWN})
    problems = applications_file.mapping_problems(mapping, peer=upload.programme.is_peer, role=role)
    if problems:
        raise ValidationError(problems)
    return upload, role


def application_import_apply(
    *,
    upload: ApplicationImport,
    actor: Member,
    mapping: dict[str, str],
    file_role: str | None = None,
    background: bool | None = None,
) -> ApplicationImport:
    """Read the whole file with the coordinator's mapping, then write all of it or nothing.

    A large file (or ``background=True``) is queued for the task worker instead.
    A refused file keeps its bytes, so that it can be mapped again without uploading it again.
    """
    _require_coordinator(actor, upload.programme)
    with transaction.atomic():
        upload, role = _import_checked(upload, mapping, file_role)
        upload.mapping = mapping
        upload.file_role = role
        upload.owner = actor
        if background is None:
            background = import_runs_in_background(upload)
        if not background:
            return _import_run(upload, actor)
        upload.status = ApplicationImport.Status.QUEUED
        upload.save(update_fields=["mapping", "file_role", "owner", "status"])
        audit(
            actor=actor, action=AuditEvent.APPLICATION_IMPORT_APPLY, subject=upload, status="queued"
        )
        transaction.on_commit(
            lambda: signals.application_import_queued.send(
                sender=ApplicationImport, import_id=upload.pk
            )
        )
    return upload


def application_import_execute(upload: ApplicationImport) -> ApplicationImport:
    """The worker's half: import a queued file as its coordinator mapped it."""
    with transaction.atomic():
        upload = (
            # Lock the upload's own row: its owner may be gone (a nullable join).
            ApplicationImport.objects.select_for_update(of=("self",))
            .select_related("programme", "owner")
            .get(pk=upload.pk)
        )
        if upload.status != ApplicationImport.Status.QUEUED or upload.owner is None:
            return upload
        return _import_run(upload, upload.owner)


def _import_run(upload: ApplicationImport, actor: Member) -> ApplicationImport:
    """Parse and write the locked upload in one savepoint; its status says how it went."""
    try:
        with transaction.atomic():
            applicants = applications_file.parse_applicants(
                bytes(upload.payload or b""),
                filename=upload.file_name,
                mapping=upload.mapping,
                peer=upload.programme.is_peer,
                max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
                role=upload.file_role,
                topics=upload.programme.topics or [],
            )
            summary = _applicants_apply(
                upload.programme, applicants, actor=actor, file_name=upload.file_name
            )
    except ImportFileError as error:
        upload.status = ApplicationImport.Status.FAILED
        upload.errors = [str(item) for item in error.errors]
    else:
        upload.status = ApplicationImport.Status.DONE
        upload.summary = summary
        upload.errors = []
        upload.payload = None
    upload.finished_at = timezone.now()
    upload.save()
    audit(
        actor=actor,
        action=AuditEvent.APPLICATION_IMPORT_APPLY,
        subject=upload,
        status=upload.status,
    )
    return upload


IMPORT_FIELD_COLUMNS = {
    "email": applications_file.EMAIL,
    "first_name": applications_file.FIRST_NAME,
    "last_name": applications_file.LAST_NAME,
    "role": applications_file.ROLE,
    "capacity": applications_file.CAPACITY,
    "mentee_capacity": applications_file.CAPACITY,
    "mentor_preferences": applications_file.RANKING,
    "mentee_preferences": applications_file.RANKING,
}
RANKED_UNKNOWN = '"{value}" is not a {role} of this programme or of this file'
RANKED_AMBIGUOUS = '"{value}" names {count} {role}s of this programme; give their e-mail address'
OTHER_SIDE: dict[str, str] = {
    Application.Role.MENTEE: Application.Role.MENTOR,
    Application.Role.MENTOR: Application.Role.MENTEE,
}


@contextmanager
def _about_row(applicant: applications_file.Applicant, file_name: str) -> Iterator[None]:
    """A service's refusal while importing a row, reworded to name the row and column."""
    labels = {
        name: applicant.labels.get(field, field) for name, field in IMPORT_FIELD_COLUMNS.items()
    }
    try:
        yield
    except ValidationError as error:
        raise import_error_from_validation(
            error, file=file_name, row=applicant.row, fields=labels
        ) from None


def _import_new_attributes(programme: Programme, applicants) -> None:
    """Attribute columns declare the programme's attributes, of the kind the column was mapped to."""
    known = attributes.declared(programme)
    new = {}
    for applicant in applicants:
        for name, kind in applicant.attribute_kinds.items():
            if name not in known and name not in new:
                new[name] = attributes.clean_declaration(name, kind)
    if new:
        programme.attributes = [*(programme.attributes or []), *(vars(a) for a in new.values())]
        programme.save(update_fields=["attributes", "updated_at"])


def _import_new_topics_and_questions(programme: Programme, applicants) -> None:
    topics = list(programme.topics or [])
    new_topics = [t for a in applicants for t in a.topics if t not in topics]
    if new_topics:
        programme.topics = topics + list(dict.fromkeys(new_topics))
        programme.save(update_fields=["topics", "updated_at"])
    questions = programme.question_list
    new_questions = [q for a in applicants for q in a.answers if q not in questions]
    if new_questions:
        programme.questions = "\n".join([*questions, *dict.fromkeys(new_questions)])
        programme.save(update_fields=["questions", "updated_at"])


def _import_member(
    programme: Programme, applicant: applications_file.Applicant, actor: Member
) -> tuple[Member, str]:
    """The applicant's member and how it was found: "found", "created", "linked" or "pending".

    Without an e-mail address: the programme's applicant the file named so
    before, else the member with that identifier, else the one member with
    that name; otherwise a pending applicant. No address is ever made up.
    """
    if not applicant.email:
        return _import_member_without_email(programme, applicant, actor)
    member = (
        Member.objects.select_related("user").filter(user__email__iexact=applicant.email).first()
    )
    if member is not None:
        return member, "found"
    member = people_services.member_create(
        email=applicant.email,
        password=None,
        first_name=applicant.first_name or applicant.email.split("@")[0],
        last_name=applicant.last_name,
        actor=actor,
        **_mentor_profile(programme, applicant),
    )
    return member, "created"


def _mentor_profile(programme: Programme, applicant: applications_file.Applicant) -> dict:
    if applicant.role != Application.Role.MENTOR:
        return {}
    return {
        "open_to_mentoring": True,
        "mentee_capacity": applicant.capacity or programme.capacity_per_mentor,
    }


def _import_member_without_email(
    programme: Programme, applicant: applications_file.Applicant, actor: Member
) -> tuple[Member, str]:
    key = applicant.key.casefold()[:200]
    before = (
        programme.applications.filter(file_key=key).select_related("member__user").first()
        if key
        else None
    )
    if before is not None:
        return before.member, "found"
    members = Member.objects.select_related("user").filter(user__email__isnull=False)
    by_id = members.filter(external_id=applicant.identifier) if applicant.identifier else None
    if by_id is not None and len(found := list(by_id[:2])) == 1:
        return found[0], "linked"
    if applicant.name:
        named = members.annotate(full_name=Concat("first_name", Value(" "), "last_name")).filter(
            full_name__iexact=applicant.name
        )
        if len(found := list(named[:2])) == 1:
            return found[0], "linked"
    if not applicant.first_name:
        raise ValidationError({"first_name": PENDING_NEEDS_NAME})
    member = people_services.member_create_pending(
        first_name=applicant.first_name,
        last_name=applicant.last_name,
        actor=actor,
        **_mentor_profile(programme, applicant),
    )
    return member, "pending"


def _import_application(
    programme: Programme,
    applicant: applications_file.Applicant,
    member: Member,
    actor: Member,
    ranking: list[int] | None = None,
) -> str:
    """Save the row's application; a ranking is given to the side the applicant ranks."""
    _, outcome = _application_save(
        programme=programme,
        member=member,
        actor=actor,
        role=applicant.role,
        capacity=applicant.capacity,
        goals=applicant.goals,
        answers=applicant.answers,
        topics=applicant.topics,
        mentor_preferences=ranking if applicant.role == Application.Role.MENTEE else None,
        mentee_preferences=ranking if applicant.role == Application.Role.MENTOR else None,
        attributes=applicant.attributes if applicant.attribute_kinds else None,
        source=Application.Source.IMPORT,
    )
    return outcome


def _applicant_directory(programme: Programme) -> dict[str, dict[str, list[int]]]:
    """Active applicants by role, findable by e-mail address and by full name (lower case)."""
    directory: dict[str, dict[str, list[int]]] = {
        Application.Role.MENTEE: {},
        Application.Role.MENTOR: {},
    }
    for role, member_id, email, first, last in programme.applications.filter(
        status=Application.Status.APPLIED, role__in=list(directory)
    ).values_list(
        "role", "member_id", "member__user__email", "member__first_name", "member__last_name"
    ):
        for key in {(email or "").casefold(), " ".join(f"{first} {last}".casefold().split())}:
            if key:
                directory[role].setdefault(key, []).append(member_id)
    return directory


def _resolve_ranking(
    applicant: applications_file.Applicant,
    directory: dict[str, dict[str, list[int]]],
    report: Callable[[str], None],
) -> list[int]:
    role = OTHER_SIDE.get(applicant.role)
    if role is None:
        return []
    ranked = []
    for entry in applicant.ranking or ():
        found = directory[role].get(" ".join(entry.casefold().split()), [])
        if len(found) == 1:
            ranked.append(found[0])
        elif not found:
            report(RANKED_UNKNOWN.format(value=entry, role=role))
        else:
            report(RANKED_AMBIGUOUS.format(value=entry, count=len(found), role=role))
    return ranked


def _import_rankings(
    programme: Programme, saved: list, *, actor: Member, file_name: str
) -> list[str]:
    """Once every row has applied, give each row's ranking (when the file has the column)."""
    directory = _applicant_directory(programme)
    collector = ErrorCollector()
    rankings = []
    for applicant, _, _ in saved:
        label = applicant.labels.get(applications_file.RANKING)

        def report(message: str, row: int = applicant.row, label: str | None = label) -> None:
            collector.add(ImportFileError(file_name, row, label, message))

        rankings.append(_resolve_ranking(applicant, directory, report))
    collector.raise_if_any()
    outcomes = []
    for (applicant, member, outcome), ranking in zip(saved, rankings, strict=True):
        if applicant.ranking is not None:
            with _about_row(applicant, file_name):
                again = _import_application(programme, applicant, member, actor, ranking)
            if outcome == "unchanged":
                outcome = again
        outcomes.append(outcome)
    return outcomes


_MEMBER_OUTCOMES = {
    "created": "members_created",
    "found": "members_found",
    "linked": "members_linked",
    "pending": "pending",
}


def _applicants_apply(programme: Programme, applicants, *, actor: Member, file_name: str) -> dict:
    summary: dict[str, Any] = {
        "members_created": 0,
        "members_found": 0,
        "members_linked": 0,
        "pending": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "notes": [],
    }
    _import_new_topics_and_questions(programme, applicants)
    _import_new_attributes(programme, applicants)
    saved = []
    for applicant in applicants:
        with _about_row(applicant, file_name):
            member, how = _import_member(programme, applicant, actor)
            # Rankings wait until everyone in the file has applied: they may name later rows.
            saved.append(
                (applicant, member, _import_application(programme, applicant, member, actor))
            )
            if not applicant.email and applicant.key:
                Application.objects.filter(programme=programme, member=member).update(
                    file_key=applicant.key.casefold()[:200]
                )
        summary[_MEMBER_OUTCOMES[how]] += 1
        summary["notes"].extend(applicant.notes)
    for outcome in _import_rankings(programme, saved, actor=actor, file_name=file_name):
        summary[outcome] += 1
    audit(
        actor=actor,
        action=AuditEvent.APPLICATIONS_IMPORT,
        subject=programme,
        file=file_name,
        **summary,
    )
    return summary


# ---------------------------------------------------------------- pending applicants

PENDING_IN_PAIRS = "Add an e-mail address for {names}, or leave them out, before publishing."
NOT_PENDING = "{name} is not a pending applicant of this programme."
ADDRESS_IS_A_MEMBER = (
    "{email} is the address of {name}, who is already a member: leave the pending applicant "
    "out and add {name} to the programme instead."
)
PENDING_UNKNOWN = '"{value}" is not a pending applicant of this programme'
PENDING_FILE_COLUMNS = 'no header row with an "email" column and an identifier or name column'


def _pending_application(programme: Programme, member: Member) -> Application:
    application = (
        programme.applications.filter(member=member, member__user__email__isnull=True)
        .select_related("member__user")
        .first()
    )
    if application is None:
        raise ValidationError(NOT_PENDING.format(name=member.name))
    return application


@transaction.atomic
def pending_applicant_add_email(
    *, programme: Programme, member: Member, email: str, actor: Member
) -> Member:
    """Give a pending applicant the address the coordinator typed (never one made up)."""
    _require_coordinator(actor, programme)
    application = _pending_application(programme, member)
    email = email.strip().lower()
    if not is_email_address(email):
        raise ValidationError({"email": INVALID_EMAILS.format(emails=email)})
    owner = Member.objects.filter(user__email__iexact=email).first()
    if owner is not None:
        raise ValidationError({"email": ADDRESS_IS_A_MEMBER.format(email=email, name=owner.name)})
    # The file's key stays: importing the same file again still finds this applicant.
    return people_services.member_add_email(member=application.member, email=email, actor=actor)


@transaction.atomic
def pending_applicant_leave_out(*, programme: Programme, member: Member, actor: Member) -> None:
    """Leave a pending applicant out: withdrawn, so no pair with them is published."""
    _require_coordinator(actor, programme)
    application = _pending_application(programme, member)
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action=AuditEvent.PENDING_APPLICANT_LEAVE_OUT, subject=application)


@transaction.atomic
def pending_emails_from_file(
    *, programme: Programme, actor: Member, file_name: str, payload: bytes
) -> int:
    """Addresses for pending applicants from a second file (identifier or name, and e-mail).

    Every row must name a pending applicant of the programme; the file is taken whole or not at all.
    """
    _require_coordinator(actor, programme)
    rows = applications_file.parse_pending_emails(
        payload, filename=file_name, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES
    )
    by_key = {a.file_key: a for a in selectors.pending_applicants(programme) if a.file_key}
    collector = ErrorCollector()
    for row, label, key, email in rows:
        application = by_key.get(key.casefold())
        if application is None:
            collector.add(ImportFileError(file_name, row, label, PENDING_UNKNOWN.format(value=key)))
            continue
        try:
            with transaction.atomic():
                pending_applicant_add_email(
                    programme=programme, member=application.member, email=email, actor=actor
                )
        except ValidationError as error:
            collector.add(ImportFileError(file_name, row, "email", " ".join(error.messages)))
    collector.raise_if_any()
    return len(rows)


def _pairs_to_publish(programme: Programme, pairs: list) -> list:
    """The run's new pairs, without those of a pending applicant left out; refused while one waits."""
    left_out = set(
        programme.applications.filter(status=Application.Status.WITHDRAWN).values_list(
            "member_id", flat=True
        )
    )
    waiting: list[str] = []
    publish = []
    for pair in pairs:
        if pair.carried:
            continue
        pending = [m for m in (pair.mentee, pair.mentor) if m.is_pending]
        if any(m.pk in left_out for m in pending):
            continue
        waiting += [m.name for m in pending]
        publish.append(pair)
    if waiting:
        raise ValidationError(PENDING_IN_PAIRS.format(names=", ".join(dict.fromkeys(waiting))))
    return publish


# ---------------------------------------------------------------- pins and forbids


def _applicant(programme: Programme, member: Member) -> Application:
    application = programme.applications.filter(
        member=member, status=Application.Status.APPLIED
    ).first()
    if application is None:
        raise ValidationError(NOT_APPLICANTS.format(who=member.name))
    return application


class PinOverForbid(ValidationError):
    """A pin would replace a forbid: the coordinator is asked first; ``rule`` is the forbid."""

    def __init__(self, message: str, *, rule: PairRule):
        super().__init__(message, code="pin_over_forbid")
        self.rule = rule


def _forbid_words(rule: PairRule) -> str:
    who = rule.created_by.name if rule.created_by else "a coordinator"
    when = f"{timezone.localtime(rule.created_at):%-d %B %Y}"
    if rule.reason:
        return FORBIDDEN_BECAUSE.format(
            mentee=rule.mentee.name, mentor=rule.mentor.name, reason=rule.reason, who=who, when=when
        )
    return FORBIDDEN_NO_REASON.format(
        mentee=rule.mentee.name, mentor=rule.mentor.name, who=who, when=when
    )


def _ask_before_unforbidding(
    programme: Programme, mentee: Member, mentor: Member, confirmed: bool
) -> PairRule | None:
    forbid = (
        programme.pair_rules.filter(mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID)
        .select_related("mentee", "mentor", "created_by")
        .first()
    )
    if forbid is not None and not confirmed:
        raise PinOverForbid(_forbid_words(forbid), rule=forbid)
    return forbid


def _check_pin(programme: Programme, mentee: Member, mentor: Member, second: Application) -> None:
    """A pin must be a pair the rules allow, with nobody pinned twice and places left."""
    refusals = matching.rule_refusals(programme, mentee.pk, mentor.pk)
    if refusals:
        raise ValidationError(
            PAIR_NOT_ALLOWED.format(
                first=mentee.name, second=mentor.name, reasons="; ".join(refusals)
            )
        )
    pins = (
        programme.pair_rules.filter(kind=PairRule.Kind.PIN)
        .exclude(mentee=mentee, mentor=mentor)
        .select_related("mentee", "mentor")
    )
    people = {mentee.pk, mentor.pk} if programme.is_peer else {mentee.pk}
    for pin in pins:
        if programme.is_peer:
            clash = people & {pin.mentee_id, pin.mentor_id}
        else:
            clash = people & {pin.mentee_id}
        if clash:
            name = mentee.name if mentee.pk in clash else mentor.name
            other = pin.mentor.name if pin.mentee_id in clash else pin.mentee.name
            raise ValidationError(ALREADY_PINNED.format(name=name, other=other))
    if not programme.is_peer:
        places = matching.capacity_of(programme, [second], {})[0]
        taken = pins.filter(mentor=mentor).count()
        if taken >= places:
            raise ValidationError(MENTOR_PINS_FULL.format(name=mentor.name))


@transaction.atomic
def pair_rule_set(
    *,
    programme: Programme,
    actor: Member,
    mentee: Member,
    mentor: Member,
    kind: str,
    reason: str = "",
    confirmed: bool = False,
) -> PairRule:
    """Pin or forbid a pair; an earlier rule for the same pair is replaced.

    A pin over a forbid is refused with :class:`PinOverForbid` (the forbid's reason in
    words) unless ``confirmed``: the coordinator is asked first.
    """
    _require_coordinator(actor, programme)
    if kind not in PairRule.Kind.values:
        raise ValidationError({"kind": UNKNOWN_RULE})
    reason = " ".join((reason or "").split())
    if len(reason) > PAIR_REASON_MAX:
        raise ValidationError({"reason": REASON_TOO_LONG.format(limit=PAIR_REASON_MAX)})
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if mentee.pk == mentor.pk:
        raise ValidationError(SAME_PERSON)
    first, second = _applicant(programme, mentee), _applicant(programme, mentor)
    if programme.is_peer:
        if mentee.pk > mentor.pk:
            mentee, mentor = mentor, mentee
    elif (first.role, second.role) != (Application.Role.MENTEE, Application.Role.MENTOR):
        raise ValidationError(WRONG_ROLES)
    replaced = None
    if kind == PairRule.Kind.PIN:
        _check_pin(programme, mentee, mentor, second)
        # Asked last: only a pin that could be made is worth the question.
        replaced = _ask_before_unforbidding(programme, mentee, mentor, confirmed)
    rule, _ = PairRule.objects.update_or_create(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        defaults={"kind": kind, "created_by": actor, "reason": reason},
    )
    audit(
        actor=actor,
        action=AuditEvent(f"pair_{kind}"),
        subject=rule,
        mentee=mentee.pk,
        mentor=mentor.pk,
        replaced_forbid=replaced is not None,
    )
    return rule


@transaction.atomic
def pair_rule_remove(*, rule: PairRule, actor: Member) -> None:
    _require_coordinator(actor, rule.programme)
    audit(actor=actor, action=AuditEvent.PAIR_RULE_REMOVE, subject=rule, kind=rule.kind)
    rule.delete()


# ---------------------------------------------------------------- attributes, rules, quotas


@transaction.atomic
def attribute_declare(
    *, programme: Programme, actor: Member, name: str, kind: str, source: str = "application"
) -> attributes.Attribute:
    """Declare an attribute applications carry (or a profile field the programme reads)."""
    _require_coordinator(actor, programme)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    programme.refresh_from_db(fields=["attributes"])
    try:
        attribute = attributes.clean_declaration(name, kind, source)
    except ValueError as error:
        field = (
            "name"
            if str(error) == attributes.NAME_REQUIRED
            else ("kind" if kind not in attributes.KINDS else "source")
        )
        raise ValidationError({field: str(error)}) from None
    if attribute.name in attributes.declared(programme):
        raise ValidationError({"name": ATTRIBUTE_EXISTS.format(name=attribute.name)})
    programme.attributes = [*(programme.attributes or []), vars(attribute)]
    programme.save(update_fields=["attributes", "updated_at"])
    audit(actor=actor, action=AuditEvent.ATTRIBUTE_DECLARE, subject=programme, **vars(attribute))
    return attribute


def _merged_attributes(
    programme: Programme, application: Application | None, given: dict
) -> dict[str, str | float]:
    """The application's attributes with ``given`` applied (None or "" clears one)."""
    declared = attributes.declared(programme)
    merged = dict(application.attributes or {}) if application is not None else {}
    for name, raw in given.items():
        attribute = declared.get(name)
        if attribute is None or attribute.source != attributes.APPLICATION:
            raise ValidationError({"attributes": attributes.UNKNOWN_ATTRIBUTE.format(name=name)})
        try:
            value = attributes.clean_value(attribute.kind, raw)
        except ValueError as error:
            raise ValidationError({"attributes": f"{name}: {error}"}) from None
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


@transaction.atomic
def application_attributes_set(
    *, application: Application, actor: Member, values: dict
) -> Application:
    """A coordinator sets attribute values of an application."""
    _require_coordinator(actor, application.programme)
    merged = _merged_attributes(application.programme, application, values)
    if merged != application.attributes:
        application.attributes = merged
        application.save(update_fields=["attributes", "updated_at"])
        audit(
            actor=actor,
            action=AuditEvent.APPLICATION_ATTRIBUTES_SET,
            subject=application,
            names=sorted(values),
        )
    return application


def _declared_attribute(programme: Programme, name: str) -> attributes.Attribute:
    attribute = attributes.declared(programme).get((name or "").strip())
    if attribute is None:
        raise ValidationError({"attribute": attributes.UNKNOWN_ATTRIBUTE.format(name=name)})
    return attribute


def _in_unit_range(value, field: str, message: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: message}) from None
    if not 0.0 <= number <= 1.0:
        raise ValidationError({field: message})
    return number


def _rule_fields(kind: str, attribute: attributes.Attribute, threshold, weight) -> dict:
    if kind not in AttributeRule.Kind.values:
        raise ValidationError(
            {"kind": UNKNOWN_RULE_KIND.format(kinds=", ".join(AttributeRule.Kind.values))}
        )
    if kind == AttributeRule.Kind.MINIMUM:
        if attribute.kind != attributes.NUMBER:
            raise ValidationError(
                {
                    "attribute": THRESHOLD_NUMBER_ONLY.format(
                        name=attribute.name, kind=attribute.kind
                    )
                }
            )
        try:
            return {"threshold": float(threshold), "weight": None}
        except (TypeError, ValueError):
            raise ValidationError({"threshold": THRESHOLD_REQUIRED}) from None
    if kind in AttributeRule.HARD:
        return {"threshold": None, "weight": None}
    return {"threshold": None, "weight": _in_unit_range(weight, "weight", WEIGHT_REQUIRED)}


@transaction.atomic
def attribute_rule_add(
    *,
    programme: Programme,
    actor: Member,
    attribute: str,
    kind: str,
    threshold=None,
    weight=None,
) -> AttributeRule:
    """A hard rule (must or must not share, a minimum) or a weighted preference on an attribute."""
    _require_coordinator(actor, programme)
    declared = _declared_attribute(programme, attribute)
    fields = _rule_fields(kind, declared, threshold, weight)
    rule = AttributeRule(
        programme=programme, attribute=declared.name, kind=kind, created_by=actor, **fields
    )
    rule.full_clean()
    rule.save()
    audit(
        actor=actor,
        action=AuditEvent.ATTRIBUTE_RULE_ADD,
        subject=rule,
        attribute=rule.attribute,
        kind=kind,
        **fields,
    )
    return rule


@transaction.atomic
def attribute_rule_remove(*, rule: AttributeRule, actor: Member) -> None:
    _require_coordinator(actor, rule.programme)
    audit(
        actor=actor,
        action=AuditEvent.ATTRIBUTE_RULE_REMOVE,
        subject=rule,
        attribute=rule.attribute,
        kind=rule.kind,
    )
    rule.delete()


def _whole_number(value, minimum: int, message: str) -> int:
    if isinstance(value, bool) or not str(value or "").strip().isdigit():
        raise ValidationError({"limit": message})
    number = int(str(value).strip())
    if number < minimum:
        raise ValidationError({"limit": message})
    return number


def _quota_fields(kind: str, limit, value, share) -> dict:
    if kind == Quota.Kind.AT_MOST:
        return {"limit": _whole_number(limit, 1, LIMIT_REQUIRED), "value": "", "share": None}
    if kind == Quota.Kind.MIN_DISTINCT:
        return {"limit": _whole_number(limit, 2, DISTINCT_REQUIRED), "value": "", "share": None}
    if kind == Quota.Kind.AT_LEAST_SHARE:
        if not str(value or "").strip():
            raise ValidationError({"value": VALUE_REQUIRED})
        share_value = _in_unit_range(share, "share", SHARE_REQUIRED)
        return {"limit": None, "value": str(value).strip()[:200], "share": share_value}
    raise ValidationError({"kind": UNKNOWN_QUOTA_KIND.format(kinds=", ".join(Quota.Kind.values))})


@transaction.atomic
def quota_add(
    *,
    programme: Programme,
    actor: Member,
    attribute: str,
    kind: str,
    limit=None,
    value: str = "",
    share=None,
) -> Quota:
    """A quota over the matched mentees of the programme's optimal runs."""
    _require_coordinator(actor, programme)
    declared = _declared_attribute(programme, attribute)
    fields = _quota_fields(kind, limit, value, share)
    quota = Quota(
        programme=programme, attribute=declared.name, kind=kind, created_by=actor, **fields
    )
    quota.full_clean()
    quota.save()
    audit(
        actor=actor,
        action=AuditEvent.QUOTA_ADD,
        subject=quota,
        attribute=quota.attribute,
        kind=kind,
        **fields,
    )
    return quota


@transaction.atomic
def quota_remove(*, quota: Quota, actor: Member) -> None:
    _require_coordinator(actor, quota.programme)
    audit(actor=actor, action=AuditEvent.QUOTA_REMOVE, subject=quota, attribute=quota.attribute)
    quota.delete()


# ---------------------------------------------------------------- match runs


def _last_published_round(programme: Programme) -> int:
    published = (
        programme.runs.filter(status=MatchRun.Status.PUBLISHED)
        .order_by("-round")
        .values_list("round", flat=True)
    )
    return published.first() or 0


def active_applicant_count(programme: Programme) -> int:
    return programme.applications.filter(status=Application.Status.APPLIED).count()


@transaction.atomic
def match_run_start(
    *,
    programme: Programme,
    actor: Member | None,
    method: str = "optimal",
    proposing: str | None = None,
    new_round: bool = False,
    background: bool | None = None,
) -> MatchRun:
    """A new proposal: computed now for a small programme, by the task worker for a large one.

    ``proposing`` says which side proposes in a stable run (the programme's
    setting when not given); ``background`` forces one or the other (the
    command line always solves at once).
    """
    if actor is not None:
        _require_coordinator(actor, programme)
    if programme.is_peer:
        method = MatchRun.Method.PEER
        last = _last_published_round(programme)
        round_ = last + 1 if new_round or last == 0 else last
    else:
        if method not in METHODS:
            raise ValidationError({"method": UNKNOWN_METHOD})
        round_ = 1
    proposing = proposing or programme.proposing
    if proposing not in Programme.Proposing.values:
        raise ValidationError({"proposing": UNKNOWN_PROPOSING})
    applicants = active_applicant_count(programme)
    run = MatchRun.objects.create(
        programme=programme,
        method=method,
        round=round_,
        created_by=actor,
        parameters={
            "tie_weight": programme.tie_weight,
            "mentor_weight": programme.mentor_weight,
            "proposing": proposing,
            "avoid_reporting_line": programme.avoid_reporting_line,
            "avoid_same_unit": programme.avoid_same_unit,
            "organisation_rule": programme.organisation_rule,
            "capacity_per_mentor": programme.capacity_per_mentor,
            "applicants": applicants,
            "new_round": bool(new_round),
            "pins": programme.pair_rules.filter(kind=PairRule.Kind.PIN).count(),
            "forbids": programme.pair_rules.filter(kind=PairRule.Kind.FORBID).count(),
            "attribute_rules": [
                attributes.rule_words(rule) for rule in programme.attribute_rules.all()
            ],
            "quotas": [attributes.quota_words(quota) for quota in programme.quotas.all()],
            "quota_time_limit": matching.quota_time_limit(),
        },
    )
    audit(
        actor=actor,
        action=AuditEvent.MATCH_RUN_START,
        subject=run,
        method=method,
        applicants=applicants,
    )
    if background is None:
        background = runs_in_background(programme)
    if background:
        transaction.on_commit(lambda: signals.match_run_queued.send(sender=MatchRun, run_id=run.pk))
    else:
        match_run_execute(run)
    return run


def match_run_execute(run: MatchRun) -> MatchRun:
    """Build the matrix, solve it and store the proposal; a failure is recorded on the run."""
    run.mark_running()
    try:
        matrix = matching.build_matrix(
            run.programme, round_=run.round, progress=run.report_progress
        )
        result = matching.solve(
            matrix,
            "optimal" if run.method == MatchRun.Method.PEER else run.method,
            proposing=run.parameters.get("proposing", Programme.Proposing.MENTEES),
            # Ties between equal preferences are broken by a hash of the run and the pair.
            seed=run.pk,
        )
        with transaction.atomic():
            ProposedPair.objects.filter(run=run).delete()
            ProposedPair.objects.bulk_create(
                [
                    ProposedPair(
                        run=run,
                        mentee_id=matrix.mentee_ids[row],
                        mentor_id=matrix.mentor_ids[col],
                        score=round(float(matrix.scores[row, col]), 6),
                        fit=round(float(matrix.fit[row, col]), 6),
                        tie_strength=round(float(matrix.tie[row, col]), 6),
                        topic_agreement=round(float(matrix.topics[row, col]), 6),
                        preference_rank=int(matrix.preference_rank[row, col]) or None,
                        reasons=matching.reasons_for(matrix, row, col),
                        pinned=(row, col) in matrix.pins and (row, col) not in matrix.published,
                        mentorship_id=matrix.published.get((row, col)),
                        carried=(row, col) in matrix.published,
                    )
                    for row, col in result.pairs
                ]
            )
            run.mark_done(metrics=result.metrics, warnings=matrix.warnings)
    except (ValueError, ValidationError) as error:
        logger.warning("Match run %s failed: %s", run.pk, error)
        run.mark_failed(error=str(error))
    return run


def _standing_keys(run: MatchRun) -> set[tuple[int, int]]:
    published = matching.published_pairs(run.programme)
    if run.method == MatchRun.Method.PEER:
        return {pair for pair, (_, round_) in published.items() if round_ == run.round}
    return set(published)


@transaction.atomic
def match_run_publish(*, run: MatchRun, actor: Member) -> MatchRun:
    """Create the proposed mentorships, all or none, and tell the people."""
    _require_coordinator(actor, run.programme)
    Programme.objects.select_for_update().filter(pk=run.programme_id).first()
    run = MatchRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    if run.status == MatchRun.Status.PUBLISHED:
        raise ValidationError(RUN_ALREADY_PUBLISHED)
    if run.status != MatchRun.Status.DONE:
        raise ValidationError(RUN_NOT_READY)
    programme = run.programme
    pairs = list(run.pairs.select_related("mentee__user", "mentor__user").order_by("id"))
    carried = {(pair.mentee_id, pair.mentor_id) for pair in pairs if pair.carried}
    if carried != _standing_keys(run):
        raise ValidationError(RUN_OUT_OF_DATE)
    goals = dict(programme.applications.values_list("member_id", "goals"))
    if programme.kind == Programme.Kind.GROUP:
        created = _publish_groups(programme, _pairs_to_publish(programme, pairs), goals, actor)
    else:
        created = _publish_pairs(programme, _pairs_to_publish(programme, pairs), goals, actor)
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.published_by = actor
    run.save(update_fields=["status", "published_at", "published_by"])
    title, body = publishing.unmatched_message(programme)
    for member in Member.objects.filter(pk__in=run.metrics.get("unmatched", [])).select_related(
        "user"
    ):
        notify(
            recipient=member,
            kind="programme_unmatched",
            title=title,
            body=_with_way_in(body, member),
            url=_programme_url(programme),
            key=f"programme_unmatched:{run.pk}",
        )
    made = "groups" if programme.kind == Programme.Kind.GROUP else "mentorships"
    audit(actor=actor, action=AuditEvent.MATCH_RUN_PUBLISH, subject=run, **{made: created})
    return run


def _publish_groups(programme: Programme, pairs: list, goals: dict, actor: Member) -> int:
    """A group programme's pairs as one group per mentor with the mentees matched to them."""
    by_mentor: dict[int, list] = {}
    for pair in pairs:
        by_mentor.setdefault(pair.mentor_id, []).append(pair)
    for mentor_pairs in by_mentor.values():
        mentor = mentor_pairs[0].mentor
        story = publishing.story_for(programme, mentor_pairs[0], goals="")
        matches = [
            GroupMatch(
                mentee=pair.mentee, reasons=tuple(pair.reasons), goals=goals.get(pair.mentee_id, "")
            )
            for pair in mentor_pairs
        ]
        try:
            group = group_create_from_match(
                mentor=mentor, matches=matches, programme=programme, story=story, actor=actor
            )
        except ValidationError as error:
            raise ValidationError(f"{mentor.name}'s group: {' '.join(error.messages)}") from None
        ProposedPair.objects.filter(pk__in=[pair.pk for pair in mentor_pairs]).update(group=group)
    return len(by_mentor)


def _publish_pairs(programme: Programme, pairs: list, goals: dict, actor: Member) -> int:
    kind = Mentorship.Kind.COPILOT if programme.is_peer else Mentorship.Kind.MENTORSHIP
    created = 0
    for pair in pairs:
        try:
            mentorship = mentorship_create_from_match(
                mentor=pair.mentor,
                mentee=pair.mentee,
                kind=kind,
                programme=programme,
                story=publishing.story_for(programme, pair, goals=goals.get(pair.mentee_id, "")),
                actor=actor,
            )
        except ValidationError as error:
            raise ValidationError(
                f"{pair.mentee.name} and {pair.mentor.name}: {' '.join(error.messages)}"
            ) from None
        pair.mentorship = mentorship
        pair.save(update_fields=["mentorship"])
        created += 1
    return created


def _with_way_in(body: str, member: Member) -> str:
    """Never an e-mail without a way in: a newcomer's carries the link to set a password."""
    way_in = people_services.way_in_line(member.user)
    return f"{body}\n{way_in}" if way_in else body


class PublishRefused(ValidationError):
    """Publishing refused because the run is published, or is being published, already."""


def _check_publishable(run: MatchRun) -> None:
    existing = Publication.objects.filter(run=run).first()
    if run.status == MatchRun.Status.PUBLISHED or (
        existing is not None and existing.status == Publication.Status.DONE
    ):
        raise PublishRefused(RUN_ALREADY_PUBLISHED)
    if existing is not None and existing.status != Publication.Status.FAILED:
        raise PublishRefused(PUBLISH_UNDER_WAY)
    if run.status != MatchRun.Status.DONE:
        raise ValidationError(RUN_NOT_READY)
    carried = set(run.pairs.filter(carried=True).values_list("mentee_id", "mentor_id"))
    if carried != _standing_keys(run):
        raise ValidationError(RUN_OUT_OF_DATE)
    # A pending applicant in a pair needs an address (or to be left out) before anyone is told.
    _pairs_to_publish(run.programme, list(run.pairs.select_related("mentee", "mentor")))


@transaction.atomic
def match_run_publish_queue(*, run: MatchRun, actor: Member) -> Publication:
    """After the confirmation: the task worker publishes the run and tells everyone.

    A second request (two clicks, two coordinators) is refused while the first is
    waiting, running or done; after a failure the coordinator may try again.
    """
    _require_coordinator(actor, run.programme)
    Programme.objects.select_for_update().filter(pk=run.programme_id).first()
    run = MatchRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    _check_publishable(run)
    Publication.objects.filter(run=run, status=Publication.Status.FAILED).delete()
    run.published_by = actor
    run.save(update_fields=["published_by"])
    publication = Publication.objects.create(run=run)
    audit(
        actor=actor,
        action=AuditEvent.MATCH_RUN_PUBLISH_QUEUE,
        subject=publication,
        run=run.pk,
        pairs=run.pairs.filter(carried=False).count(),
    )
    transaction.on_commit(
        lambda: signals.publication_queued.send(sender=Publication, publication_id=publication.pk)
    )
    return publication


def publication_execute(publication: Publication) -> Publication:
    """The worker's part: all the mentorships or none, then the summary of who was told.

    The publication is claimed in one ``UPDATE``, so a task delivered twice publishes once.
    """
    claimed = Publication.objects.filter(
        pk=publication.pk, status=Publication.Status.QUEUED
    ).update(status=Publication.Status.RUNNING, started_at=timezone.now(), progress=1)
    if not claimed:
        return publication
    run = publication.run
    actor = run.published_by
    try:
        if actor is None:
            raise ValidationError(PUBLISHER_GONE)
        run = match_run_publish(run=run, actor=actor)
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        logger.warning("Publishing run %s failed: %s", run.pk, reason)
        publication.mark_failed(error=reason)
        return publication
    publication.mark_done(summary=publishing.publication_summary(run))
    return publication


# ---------------------------------------------------------------- pairs at risk


def _nudge_body(actor: Member, programme: Programme, kinds: frozenset[str]) -> str:
    """What a nudge says: the facts the pair shares, never one person's pulse answer."""
    lines = [f"{actor.name}, who coordinates {programme.name}, checks in on your pair."]
    if reports.CHECKIN in kinds:
        lines.append(NUDGE_CHECKIN)
    if reports.WAITING in kinds:
        lines.append(NUDGE_WAITING)
    lines.append(NUDGE_GENERAL)
    return "\n".join(lines)


@transaction.atomic
def pair_nudge(*, programme: Programme, mentorship: Mentorship, actor: Member) -> int:
    """Tell both people of a pair at risk that their coordinator is asking; once a day per pair.

    They are told through notifications (by e-mail only as each of them likes). Returns
    how many were told.
    """
    _require_coordinator(actor, programme)
    at_risk = {pair.mentorship.pk: pair for pair in reports.pairs_at_risk(programme)}
    first, second = mentorship.requester, mentorship.recipient
    if mentorship.programme_id != programme.pk or mentorship.pk not in at_risk:
        raise ValidationError(NOT_AT_RISK.format(first=first.name, second=second.name))
    key = f"programme_nudge:{mentorship.pk}:{timezone.localdate().isoformat()}"
    if Notification.objects.filter(key=key).exists():
        raise ValidationError(NUDGED_TODAY.format(first=first.name, second=second.name))
    reasons = at_risk[mentorship.pk].reasons
    body = _nudge_body(actor, programme, at_risk[mentorship.pk].kinds)
    told = 0
    for member in (first, second):
        told += (
            notify(
                recipient=member,
                kind="programme_nudge",
                title=f"{programme.name}: how is your mentorship going?",
                body=_with_way_in(body, member),
                url=reverse("mentorship_detail", args=[mentorship.pk]),
                key=key,
            )
            is not None
        )
    audit(
        actor=actor,
        action=AuditEvent.PAIR_NUDGE,
        subject=mentorship,
        programme=programme.pk,
        reasons=" | ".join(reasons),
        told=told,
    )
    return told
