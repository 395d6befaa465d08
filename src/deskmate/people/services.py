"""Writes about people. Each is atomic, validates with full_clean and leaves an audit entry."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from deskmate.core.audit import AuditEvent, audit
from deskmate.people import signals
from deskmate.people.models import (
    ApiToken,
    Education,
    Goal,
    Member,
    MemberSkill,
    Offer,
    Organisation,
    Position,
    School,
    Skill,
    SkillAlias,
    Source,
    Unit,
    User,
)

EMAIL_TAKEN = "A member with this e-mail address already exists."
HAS_EMAIL = "This member already has an e-mail address."
NAME_REQUIRED = "This name cannot be empty."
PROFILE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "headline",
        "location",
        "industry",
        "time_zone",
        "about",
        "pronouns",
        "visibility",
        "open_to_mentoring",
        "mentee_capacity",
        "wants_copilot",
    }
)
API_TOKEN_PREFIX = "dm_"
API_TOKEN_EXPIRY_INVALID = "A token expires after one day at the soonest."


def history_changed(member_id: int) -> None:
    """Announce that a member's history changed (network recomputes their ties after commit)."""
    signals.history_changed.send(sender=Member, member_id=member_id)


def _named(model, name: str, **extra):
    """Find a shared record by its normalised name, creating it the first time."""
    name = " ".join((name or "").split())
    normalised = model.normalise(name)
    if not normalised:
        raise ValidationError(NAME_REQUIRED)
    found = model.objects.filter(normalised_name=normalised, **extra).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return model.objects.create(name=name, normalised_name=normalised, **extra)
    except IntegrityError:
        # Another request created it between our look-up and our insert.
        return model.objects.get(normalised_name=normalised, **extra)


def organisation_get_or_create(*, name: str) -> Organisation:
    return _named(Organisation, name)


def unit_get_or_create(*, organisation: Organisation, name: str) -> Unit:
    return _named(Unit, name, organisation=organisation)


def school_get_or_create(*, name: str) -> School:
    return _named(School, name)


def skill_get_or_create(*, name: str) -> Skill:
    normalised = Skill.normalise(name)
    alias = SkillAlias.objects.select_related("skill").filter(normalised_name=normalised).first()
    if alias:
        return alias.skill
    return _named(Skill, name)


@transaction.atomic
def member_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str = "",
    role: str = Member.Role.MEMBER,
    actor: Member | None = None,
    **profile,
) -> Member:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user = User(email=email, first_name=first_name, last_name=last_name)
    user.is_staff = user.is_superuser = role == Member.Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    member = Member(user=user, first_name=first_name, last_name=last_name, role=role, **profile)
    member.full_clean()
    member.save()
    audit(actor=actor or member, action=AuditEvent.MEMBER_CREATE, subject=member, role=role)
    return member


def member_create_pending(
    *, first_name: str, last_name: str = "", actor: Member, **profile
) -> Member:
    """A pending applicant: a member a programme's file named without an e-mail address.

    No address is made up: the sign-in has none and no password, so nobody can
    sign in as them, and only coordinators see them, until a coordinator adds
    their real address (:func:`member_add_email`).
    """
    user = User(email=None, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean(exclude=["email"])
    user.email = None  # clean() normalises a missing address to "", which only one user may have
    user.save()
    member = Member(
        user=user,
        first_name=first_name,
        last_name=last_name,
        visibility=Member.Visibility.COORDINATORS,
        **profile,
    )
    member.full_clean()
    member.save()
    audit(actor=actor, action=AuditEvent.MEMBER_CREATE, subject=member, role="pending")
    return member


def member_add_email(*, member: Member, email: str, actor: Member) -> Member:
    """Give a pending applicant their address; they are then a member like one an import created."""
    email = User.objects.normalize_email(email).strip().lower()
    user = member.user
    if user.email:
        raise ValidationError({"email": HAS_EMAIL})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user.email = email
    user.full_clean()
    user.save(update_fields=["email"])
    member.visibility = Member.Visibility.COMMUNITY
    member.save(update_fields=["visibility", "updated_at"])
    audit(actor=actor, action=AuditEvent.MEMBER_ADD_EMAIL, subject=member, email=email)
    return member


#: How long a link to join by invitation works.
JOIN_LINK_MAX_AGE = dt.timedelta(days=30)
JOIN_SALT = "deskmate.people.join"
JOIN_LINK_INVALID = (
    "This link to join is not valid or is too old. Ask whoever invited you to send it again."
)


def join_link(*, email: str, next_url: str = "") -> str:
    """A link for someone without an account to join with this e-mail address, then go to ``next_url``.

    It is sent to that address only, so opening it shows the address is theirs.
    """
    token = signing.dumps(
        {"email": email.strip().lower(), "next": next_url}, salt=JOIN_SALT, compress=True
    )
    return settings.SITE_URL + reverse("join", args=[token])


def join_invitation(token: str) -> dict:
    """What a join link says: ``{"email", "next"}``; refuses a forged or expired link."""
    try:
        return signing.loads(token, salt=JOIN_SALT, max_age=JOIN_LINK_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(JOIN_LINK_INVALID) from None


@transaction.atomic
def member_join(*, token: str, first_name: str, last_name: str, password: str) -> Member:
    """Create the account a join link was sent for; the password must pass the password rules."""
    email = join_invitation(token)["email"]
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        raise ValidationError({"first_name": "Give your first name."})
    try:
        validate_password(password, User(email=email, first_name=first_name, last_name=last_name))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    return member_create(email=email, password=password, first_name=first_name, last_name=last_name)


@transaction.atomic
def profile_update(*, member: Member, actor: Member, **fields) -> Member:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    User.objects.filter(pk=member.user_id).update(
        first_name=member.first_name, last_name=member.last_name
    )
    audit(
        actor=actor,
        action=AuditEvent.PROFILE_UPDATE,
        subject=member,
        fields=",".join(sorted(fields)),
    )
    return member


@transaction.atomic
def member_set_role(*, member: Member, role: str, actor: Member) -> Member:
    member.role = role
    member.full_clean()
    member.save(update_fields=["role", "updated_at"])
    User.objects.filter(pk=member.user_id).update(
        is_staff=role == Member.Role.ADMIN, is_superuser=role == Member.Role.ADMIN
    )
    audit(actor=actor, action=AuditEvent.MEMBER_SET_ROLE, subject=member, role=role)
    return member


def _position_fields(
    organisation_name: str, unit_name: str, title: str, start, end, description: str, location: str
) -> dict:
    errors = {}
    organisation = unit = None
    try:
        organisation = organisation_get_or_create(name=organisation_name)
    except ValidationError:
        errors["organisation"] = "Name the organisation."
    if organisation and unit_name and unit_name.strip():
        unit = unit_get_or_create(organisation=organisation, name=unit_name)
    if not (title or "").strip():
        errors["title"] = "Give the title you held."
    if errors:
        raise ValidationError(errors)
    return {
        "organisation": organisation,
        "unit": unit,
        "title": title.strip(),
        "start": start,
        "end": end,
        "description": description or "",
        "location": location or "",
    }


@transaction.atomic
def position_create(
    *,
    member: Member,
    actor: Member | None,
    organisation: str,
    title: str,
    start: dt.date,
    end: dt.date | None = None,
    unit: str = "",
    description: str = "",
    location: str = "",
    source: str = Source.MANUAL,
) -> Position:
    position = Position(
        member=member,
        source=source,
        **_position_fields(organisation, unit, title, start, end, description, location),
    )
    position.full_clean()
    position.save()
    audit(actor=actor, action=AuditEvent.POSITION_CREATE, subject=position)
    history_changed(position.member_id)
    return position


@transaction.atomic
def position_update(
    *,
    position: Position,
    actor: Member | None,
    organisation: str,
    title: str,
    start: dt.date,
    end: dt.date | None = None,
    unit: str = "",
    description: str = "",
    location: str = "",
    keep_source: bool = False,
) -> Position:
    """Change a position; one corrected by hand counts as the member's own from then on.

    Imports pass ``keep_source`` so that a stint they merge keeps its source.
    """
    for name, value in _position_fields(
        organisation, unit, title, start, end, description, location
    ).items():
        setattr(position, name, value)
    if not keep_source:
        position.source = Source.MANUAL
    position.full_clean()
    position.save()
    audit(actor=actor, action=AuditEvent.POSITION_UPDATE, subject=position)
    history_changed(position.member_id)
    return position


@transaction.atomic
def position_delete(*, position: Position, actor: Member) -> None:
    audit(actor=actor, action=AuditEvent.POSITION_DELETE, subject=position, title=position.title)
    history_changed(position.member_id)
    position.delete()


def _education_fields(school_name: str, degree: str, field: str, start, end) -> dict:
    try:
        school = school_get_or_create(name=school_name)
    except ValidationError:
        raise ValidationError({"school": "Name the school."}) from None
    return {
        "school": school,
        "degree": (degree or "").strip(),
        "field": (field or "").strip(),
        "start": start,
        "end": end,
    }


@transaction.atomic
def education_create(
    *,
    member: Member,
    actor: Member | None,
    school: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    degree: str = "",
    field: str = "",
    source: str = Source.MANUAL,
) -> Education:
    education = Education(
        member=member, source=source, **_education_fields(school, degree, field, start, end)
    )
    education.full_clean()
    education.save()
    audit(actor=actor, action=AuditEvent.EDUCATION_CREATE, subject=education)
    history_changed(education.member_id)
    return education


@transaction.atomic
def education_update(
    *,
    education: Education,
    actor: Member | None,
    school: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    degree: str = "",
    field: str = "",
    keep_source: bool = False,
) -> Education:
    """Change an education entry; as with positions, a hand correction makes it the member's own."""
    for name, value in _education_fields(school, degree, field, start, end).items():
        setattr(education, name, value)
    if not keep_source:
        education.source = Source.MANUAL
    education.full_clean()
    education.save()
    audit(actor=actor, action=AuditEvent.EDUCATION_UPDATE, subject=education)
    history_changed(education.member_id)
    return education


@transaction.atomic
def education_delete(*, education: Education, actor: Member) -> None:
    audit(actor=actor, action=AuditEvent.EDUCATION_DELETE, subject=education)
    history_changed(education.member_id)
    education.delete()


@transaction.atomic
def skill_add(
    *, member: Member, actor: Member, name: str, source: str = Source.MANUAL
) -> MemberSkill:
    try:
        skill = skill_get_or_create(name=name)
    except ValidationError:
        raise ValidationError({"name": "Name the skill."}) from None
    held, created = MemberSkill.objects.get_or_create(
        member=member, skill=skill, defaults={"source": source}
    )
    if created:
        audit(actor=actor, action=AuditEvent.SKILL_ADD, subject=held, skill=skill.name)
    return held


@transaction.atomic
def skill_remove(*, member_skill: MemberSkill, actor: Member) -> None:
    audit(
        actor=actor,
        action=AuditEvent.SKILL_REMOVE,
        subject=member_skill,
        skill=member_skill.skill.name,
    )
    member_skill.delete()


def _goal_target_skill(target_skill: str) -> Skill | None:
    return skill_get_or_create(name=target_skill) if (target_skill or "").strip() else None


@transaction.atomic
def goal_create(
    *, member: Member, actor: Member, text: str, target_role: str = "", target_skill: str = ""
) -> Goal:
    goal = Goal(
        member=member,
        text=(text or "").strip(),
        target_role=(target_role or "").strip(),
        target_skill=_goal_target_skill(target_skill),
    )
    goal.full_clean()
    goal.save()
    audit(actor=actor, action=AuditEvent.GOAL_CREATE, subject=goal)
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, actor: Member, text: str, target_role: str = "", target_skill: str = ""
) -> Goal:
    goal.text = (text or "").strip()
    goal.target_role = (target_role or "").strip()
    goal.target_skill = _goal_target_skill(target_skill)
    goal.full_clean()
    goal.save()
    audit(actor=actor, action=AuditEvent.GOAL_UPDATE, subject=goal)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, actor: Member) -> None:
    audit(actor=actor, action=AuditEvent.GOAL_DELETE, subject=goal)
    goal.delete()


@transaction.atomic
def offer_create(*, member: Member, actor: Member, text: str) -> Offer:
    offer = Offer(member=member, text=(text or "").strip())
    offer.full_clean()
    offer.save()
    audit(actor=actor, action=AuditEvent.OFFER_CREATE, subject=offer)
    return offer


@transaction.atomic
def offer_delete(*, offer: Offer, actor: Member) -> None:
    audit(actor=actor, action=AuditEvent.OFFER_DELETE, subject=offer)
    offer.delete()


def api_token_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, member: Member, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new personal token; the raw key is returned once and never stored."""
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationError({"expires_in_days": API_TOKEN_EXPIRY_INVALID})
    raw_key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        member=member,
        name=(name or "").strip() or "API token",
        prefix=raw_key[:10],
        key_hash=api_token_hash(raw_key),
        expires_at=(
            timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        ),
    )
    token.full_clean()
    token.save()
    audit(actor=member, action=AuditEvent.API_TOKEN_CREATE, subject=token, name=token.name)
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Member) -> None:
    audit(actor=actor, action=AuditEvent.API_TOKEN_REVOKE, subject=token, name=token.name)
    token.delete()


@transaction.atomic
def api_tokens_revoke_on_password_change(*, user: User) -> int:
    """A new password ends every API token made under the old one."""
    tokens = ApiToken.objects.filter(member__user=user)
    member = Member.objects.filter(user=user).first()
    revoked = 0
    for token in tokens:
        audit(
            actor=member,
            action=AuditEvent.API_TOKEN_REVOKE,
            subject=token,
            reason="password changed",
        )
        revoked += 1
    tokens.delete()
    return revoked


#: Before the link that lets someone without a password sign in for the first time.
WAY_IN = "You have no deskmate password yet. Set one to sign in:"


def way_in_line(user: User, *, link: str | None = None) -> str:
    """The line an e-mail to someone without a password carries (``""`` for anyone else).

    ``link`` stands in for the real, personal link in a sample shown to someone else.
    """
    real = first_password_link(user)
    return f"{WAY_IN} {link or real}" if real else ""


def first_password_link(user: User) -> str:
    """A link to set a first password, for an active account that has none; otherwise ``""``.

    It is Django's password-reset link (valid for ``PASSWORD_RESET_TIMEOUT``), so people an
    import or a programme created can sign in from the first e-mail they get.
    """
    if user.has_usable_password() or not user.is_active:
        return ""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL + path


def histories_changed(member_ids) -> None:
    """Announce many members' history changes at once (one refresh task, one on-commit hook)."""
    ids = sorted({int(member_id) for member_id in member_ids})
    if ids:
        signals.history_changed.send(sender=Member, member_id=None, member_ids=ids)
