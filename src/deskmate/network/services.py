"""Writes about the network: imports of histories and contacts.

Every import is all-or-nothing: a file is parsed whole first, and only a file
without errors is written, inside one transaction. Re-importing the same file
updates what is there instead of adding it twice.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deskmate.core.audit import AuditEvent, audit
from deskmate.importing import people_mapping
from deskmate.importing.errors import ImportFileError
from deskmate.importing.identity import Person
from deskmate.importing.names import normalise_organisation_name, profile_url_key
from deskmate.importing.people_csv import COLUMNS as PEOPLE_COLUMNS
from deskmate.importing.people_mapping import PeopleMapping as ColumnMapping
from deskmate.importing.safety import format_size
from deskmate.importing.tables import header_key
from deskmate.network import identities, signals
from deskmate.network.acquaintance import NO_SHARED_HISTORY, shared_history_labels, tie_reasons
from deskmate.network.history_merge import (
    History,
    IncomingEducation,
    IncomingPosition,
    education_merge,
    position_merge,
    quoted,
)
from deskmate.network.import_summary import ImportSummary
from deskmate.network.models import Contact, ImportJob, Interaction, Introduction, PeopleMapping
from deskmate.network.selectors import mutual_contact_ids
from deskmate.network.vouches import vouches_merge
from deskmate.notifications.services import notify
from deskmate.people import services as people_services
from deskmate.people.models import Member, MemberSkill, Source, User

Progress = Callable[[int, int], None]
UPLOAD_TOO_LARGE = "{name} is larger than the {limit} limit for imports."
UPLOAD_EMPTY = "{name} is empty."
BATCH = 2000


def no_progress(done: int, total: int) -> None:
    return None


def contact_match_key(
    *, email: str, profile_url: str, first_name: str, last_name: str, organisation: str
) -> str:
    """How a contact is recognised on a later import: by e-mail, else profile address, else name.

    The profile address is compared by :func:`~deskmate.importing.names.profile_url_key`, the
    key every import uses (migration ``network.0010`` rewrote the keys stored before it).
    """
    if email:
        return f"email:{email.strip().lower()}"
    url = profile_url_key(profile_url)
    if url:
        return f"url:{url}"
    name = " ".join(f"{first_name} {last_name}".lower().split())
    return f"name:{name}|{organisation.strip().lower()}"


def partial_to_date(partial) -> dt.date | None:
    return None if partial is None else partial.date


def _members_by_email(emails: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted({e.lower() for e in emails if e})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for email, member_id in User.objects.filter(
            email__in=chunk, member__isnull=False
        ).values_list("email", "member__id"):
            found[(email or "").lower()] = member_id
    return found


def _members_by_url(urls: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted({u for u in urls if u})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for url, member_id in Member.objects.filter(profile_url__in=chunk).values_list(
            "profile_url", "id"
        ):
            found[url] = member_id
    return found


@dataclass(frozen=True)
class ContactRecord:
    first_name: str
    last_name: str
    email: str
    profile_url: str
    organisation: str
    title: str
    connected_on: dt.date | None


CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "profile_url",
    "organisation",
    "title",
    "connected_on",
    "member_id",
)


def _contact_values(record: ContactRecord, member_id: int | None) -> dict:
    return {
        "first_name": record.first_name[:100],
        "last_name": record.last_name[:100],
        "email": record.email[:254],
        "profile_url": profile_url_key(record.profile_url)[:300],
        "organisation": record.organisation[:200],
        "title": record.title[:200],
        "connected_on": record.connected_on,
        "member_id": member_id,
    }


def _contact_fill(contact: Contact, values: dict) -> bool:
    """Take the file's values where it has one; an empty cell keeps what is there."""
    changed = False
    for name, value in values.items():
        if value not in ("", None) and getattr(contact, name) != value:
            setattr(contact, name, value)
            changed = True
    return changed


def _contact_person(record: ContactRecord) -> Person:
    organisations = (
        (normalise_organisation_name(record.organisation),) if record.organisation else ()
    )
    return Person(record.first_name, record.last_name, record.email, organisations)


def contacts_merge(
    *,
    owner: Member,
    records: list[ContactRecord],
    source: str,
    summary: ImportSummary,
    progress: Progress,
) -> None:
    """Create or update the owner's contacts, linking those who are members.

    A contact who only maybe is a member is not linked: the summary lists it among its
    possible matches, for the owner to confirm or reject (:mod:`deskmate.network.identities`).
    """
    existing = {contact.match_key: contact for contact in Contact.objects.filter(owner=owner)}
    by_email = _members_by_email(record.email for record in records)
    by_url = _members_by_url(profile_url_key(record.profile_url) for record in records)
    to_create: dict[str, Contact] = {}
    to_update: dict[str, Contact] = {}
    unlinked: dict[str, tuple[Contact, Person]] = {}
    total = len(records)
    for index, record in enumerate(records, start=1):
        key = contact_match_key(
            email=record.email,
            profile_url=record.profile_url,
            first_name=record.first_name,
            last_name=record.last_name,
            organisation=record.organisation,
        )
        member_id = by_email.get(record.email.lower()) or by_url.get(
            profile_url_key(record.profile_url)
        )
        values = _contact_values(record, None if member_id == owner.pk else member_id)
        contact = existing.get(key) or to_create.get(key)
        if contact is None:
            to_create[key] = Contact(owner=owner, source=source, match_key=key, **values)
            summary.added("contacts")
        elif _contact_fill(contact, values) and contact.pk:
            to_update[key] = contact
            summary.updated("contacts")
        else:
            summary.left_alone("contacts")
        contact = existing.get(key) or to_create[key]
        if contact.member_id is None:
            unlinked[key] = (contact, _contact_person(record))
        else:
            unlinked.pop(key, None)
        if index % BATCH == 0:
            progress(index, total)
    Contact.objects.bulk_create(to_create.values(), batch_size=BATCH)
    Contact.objects.bulk_update(
        to_update.values(), [*CONTACT_FIELDS, "updated_at"], batch_size=BATCH
    )
    possible = identities.contacts_possible_matches(owner=owner, unlinked=list(unlinked.values()))
    for item in possible[: identities.MAX_POSSIBLE]:
        summary.possible_match("contacts", item)
    progress(total, total)
    if to_create or to_update:
        people_services.history_changed(owner.pk)


def _skill_merge(
    *, member: Member, actor: Member, name: str, source: str, summary: ImportSummary
) -> None:
    try:
        skill = people_services.skill_get_or_create(name=name)
    except ValidationError:
        raise ValidationError({"name": "Name the skill."}) from None
    if MemberSkill.objects.filter(member=member, skill=skill).exists():
        summary.left_alone("skills", skill.name, "already on your profile")
        return
    people_services.skill_add(member=member, actor=actor, name=name, source=source)
    summary.added("skills", skill.name)


def import_error_from_validation(
    error: ValidationError, *, file: str, row: int, fields: dict[str, str]
) -> ImportFileError:
    """A model's refusal, reworded to name the file, row and column it came from."""
    if hasattr(error, "error_dict"):
        name, messages = next(iter(error.message_dict.items()))
        return ImportFileError(file, row, fields.get(name, name), messages[0])
    return ImportFileError(file, row, None, error.messages[0])


POSITION_COLUMNS = {
    "organisation": "Company Name",
    "title": "Title",
    "start": "Started On",
    "end": "Finished On",
    "description": "Description",
    "location": "Location",
}
EDUCATION_COLUMNS = {
    "school": "School Name",
    "start": "Start Date",
    "end": "End Date",
    "degree": "Degree Name",
    "field": "Degree Name",
}


#: Profile.csv's columns and the profile fields they fill, as the summary names them.
PROFILE_FIELDS = (
    ("headline", "headline", "Headline"),
    ("about", "summary", "Summary"),
    ("location", "location", "Geo Location"),
    ("industry", "industry", "Industry"),
)


def _profile_merge(*, member: Member, actor: Member, profile, summary: ImportSummary) -> None:
    """Fill the profile fields the member left empty; never replace one they filled."""
    changes = {}
    for name, attribute, column in PROFILE_FIELDS:
        limit = Member._meta.get_field(name).max_length or 5000
        value = (getattr(profile, attribute) or "").strip()[:limit].strip()
        stored = getattr(member, name)
        if not value:
            continue
        if not stored:
            changes[name] = value
            summary.updated("profile", name, [f'filled in from "{column}"'])
        elif " ".join(stored.split()) == " ".join(value.split()):
            summary.left_alone("profile", name)
        else:
            why = f"kept yours, {quoted(stored)} (the file says {quoted(value)})"
            summary.left_alone("profile", name, why)
    if changes:
        people_services.profile_update(member=member, actor=actor, **changes)


def _positions_merge(*, history: History, actor: Member, positions, summary) -> None:
    for position in positions:
        incoming = IncomingPosition(
            organisation=position.company,
            title=position.title,
            start=position.started_on,
            end=position.finished_on,
            description=(position.description or "")[:5000],
            location=(position.location or "")[:120],
        )
        try:
            position_merge(
                history=history,
                actor=actor,
                source=Source.LINKEDIN,
                incoming=incoming,
                summary=summary,
            )
        except ValidationError as error:
            raise import_error_from_validation(
                error, file="Positions.csv", row=position.row, fields=POSITION_COLUMNS
            ) from None


def _educations_merge(*, history: History, actor: Member, educations, summary) -> None:
    for education in educations:
        incoming = IncomingEducation(
            school=education.school,
            degree=(education.degree or "")[:120],
            field=(education.field or "")[:120],
            start=education.started_on,
            end=education.finished_on,
        )
        try:
            education_merge(
                history=history,
                actor=actor,
                source=Source.LINKEDIN,
                incoming=incoming,
                summary=summary,
            )
        except ValidationError as error:
            raise import_error_from_validation(
                error, file="Education.csv", row=education.row, fields=EDUCATION_COLUMNS
            ) from None


@transaction.atomic
def linkedin_archive_apply(
    *,
    member: Member,
    archive,
    actor: Member | None = None,
    progress: Progress = no_progress,
    use_vouches: bool = False,
) -> ImportSummary:
    """Merge a parsed LinkedIn archive into the member's profile, history, skills and contacts.

    With ``use_vouches``, recommendations and endorsements by members the importer knows
    become shared interactions (:mod:`deskmate.network.vouches`).
    """
    actor = actor or member
    summary = ImportSummary()
    if archive.profile is not None:
        _profile_merge(member=member, actor=actor, profile=archive.profile, summary=summary)
    history = History(member)
    _positions_merge(history=history, actor=actor, positions=archive.positions, summary=summary)
    _educations_merge(history=history, actor=actor, educations=archive.educations, summary=summary)
    for skill in archive.skills:
        _skill_merge(
            member=member, actor=actor, name=skill.name, source=Source.LINKEDIN, summary=summary
        )
    records = [
        ContactRecord(
            first_name=connection.first_name,
            last_name=connection.last_name,
            email=connection.email,
            profile_url=connection.url,
            organisation=connection.company,
            title=connection.position,
            connected_on=partial_to_date(connection.connected_on),
        )
        for connection in archive.connections
    ]
    contacts_merge(
        owner=member,
        records=records,
        source=Contact.Source.LINKEDIN,
        summary=summary,
        progress=progress,
    )
    if use_vouches:
        vouches_merge(member=member, archive=archive, summary=summary)
    audit(actor=actor, action=AuditEvent.LINKEDIN_IMPORT, subject=member, **summary.counts())
    return summary


@transaction.atomic
def vcard_apply(
    *, member: Member, cards, actor: Member | None = None, progress: Progress = no_progress
) -> ImportSummary:
    actor = actor or member
    summary = ImportSummary()
    records = [
        ContactRecord(
            first_name=card.first_name,
            last_name=card.last_name,
            email=card.emails[0] if card.emails else "",
            profile_url=card.urls[0] if card.urls else "",
            organisation=card.organisation,
            title=card.title,
            connected_on=None,
        )
        for card in cards
    ]
    contacts_merge(
        owner=member,
        records=records,
        source=Contact.Source.VCARD,
        summary=summary,
        progress=progress,
    )
    audit(actor=actor, action=AuditEvent.VCARD_IMPORT, subject=member, **summary.counts())
    return summary


def upload_read_bounded(upload) -> bytes:
    """An uploaded file's bytes, refusing one over the import limit before reading it all."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(UPLOAD_TOO_LARGE.format(name=upload.name, limit=format_size(limit)))
    return upload.read(limit + 1)


def import_job_create(
    *, owner: Member, kind: str, file_name: str, payload: bytes, use_vouches: bool = False
) -> ImportJob:
    """Keep an uploaded file for the worker; a people file may first wait for its mapping."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(payload) > limit:
        raise ValidationError(UPLOAD_TOO_LARGE.format(name=file_name, limit=format_size(limit)))
    if not payload:
        raise ValidationError(UPLOAD_EMPTY.format(name=file_name))
    if kind == ImportJob.Kind.PEOPLE and not owner.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    routed = people_file_route(payload, file_name) if kind == ImportJob.Kind.PEOPLE else {}
    job = ImportJob.objects.create(
        owner=owner,
        kind=kind,
        file_name=file_name[:255],
        file_size=len(payload),
        payload=payload,
        use_vouches=use_vouches and kind == ImportJob.Kind.LINKEDIN,
        **routed,
    )
    audit(
        actor=owner,
        action=AuditEvent.IMPORT_JOB_CREATE,
        subject=job,
        kind=kind,
        file=file_name,
        status=job.status,
    )
    if job.status == ImportJob.Status.QUEUED:
        _import_job_queue(job)
    return job


def _import_job_queue(job: ImportJob) -> None:
    transaction.on_commit(lambda: signals.import_job_queued.send(sender=ImportJob, job_id=job.pk))


ADMINS_ONLY = "Only admins may import an organisation's people."
IMPORT_NOT_WAITING = (
    "This import is not waiting for its columns to be mapped, nor a refused people file."
)
MAPPING_NAME_REQUIRED = "Name the mapping, such as “Workday monthly report”."

#: Header spellings of deskmate's own people-file columns.
_OWN_COLUMNS = {
    header_key(spelling) for column in PEOPLE_COLUMNS for spelling in (column.name, *column.aliases)
}


def _in_own_columns(preview: people_mapping.PeoplePreview) -> bool:
    """A file with an external_id column whose other columns are deskmate's or look like nothing.

    Such a file needs no mapping: it is read as documented, as it always was.
    """
    keys = [header_key(label) for label in preview.labels]
    if "external id" not in keys:
        return False
    guesses = people_mapping.guess_people_mapping(preview.labels)
    return all(
        key in _OWN_COLUMNS or guesses[label] == people_mapping.IGNORE
        for key, label in zip(keys, preview.labels, strict=True)
    )


def _preview_json(preview: people_mapping.PeoplePreview) -> dict:
    return {
        "labels": list(preview.labels),
        "header_row": preview.header_row,
        "samples": [list(row) for row in preview.samples],
        "guess": people_mapping.guess_people_mapping(preview.labels),
        "date_order": preview.date_order,
    }


def saved_mapping_for(saved: PeopleMapping, labels: list[str]) -> ColumnMapping:
    """A saved mapping applied to a file whose headers match it (whatever their case or order)."""
    by_key = {header_key(label): field for label, field in saved.fields.items()}
    return ColumnMapping(
        columns={label: by_key.get(header_key(label), people_mapping.IGNORE) for label in labels},
        organisation=saved.organisation,
        school=saved.school,
        date_order=saved.date_order,
    )


def people_file_route(payload: bytes, file_name: str) -> dict:
    """How a people file goes on: at once (own columns, or a saved mapping knows its headers),
    or to the mapping page. A file without a readable header is refused here."""
    try:
        preview = people_mapping.read_people_preview(
            payload, filename=file_name, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES
        )
    except ImportFileError as error:
        raise ValidationError({"file": [str(item) for item in error.errors]}) from None
    shown = _preview_json(preview)
    saved = PeopleMapping.objects.filter(
        source_key=people_mapping.source_key(preview.labels)
    ).first()
    if saved is not None:
        mapping = saved_mapping_for(saved, list(preview.labels))
        return {
            "status": ImportJob.Status.QUEUED,
            "preview": shown,
            "mapping": mapping.as_dict(),
            "saved_mapping": saved,
        }
    if _in_own_columns(preview):
        return {"status": ImportJob.Status.QUEUED, "preview": shown}
    return {"status": ImportJob.Status.MAPPING, "preview": shown}


def _require_admin(actor: Member) -> None:
    if not actor.is_admin:
        raise PermissionDenied(ADMINS_ONLY)


def _mapping_check(mapping: ColumnMapping, labels: list[str]) -> None:
    unknown = {
        label: [f"“{field}” is not a field a column can be mapped to."]
        for label, field in mapping.columns.items()
        if field not in people_mapping.FIELDS
    }
    if mapping.date_order not in people_mapping.DATE_ORDERS:
        unknown["date_order"] = [f"“{mapping.date_order}” is not a date order."]
    problems = unknown or people_mapping.mapping_problems(mapping, labels)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def people_import_map(
    *, job: ImportJob, actor: Member, mapping: ColumnMapping, save_as: str = ""
) -> ImportJob:
    """The admin's confirmed mapping: the file goes to the worker, and the mapping is kept if named."""
    _require_admin(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    remapped = job.can_remap
    if job.status != ImportJob.Status.MAPPING and not remapped:
        raise ValidationError(IMPORT_NOT_WAITING)
    labels = list(job.preview.get("labels") or [])
    columns = {label: mapping.columns.get(label, people_mapping.IGNORE) for label in labels}
    mapping = ColumnMapping(
        columns=columns,
        organisation=mapping.organisation.strip(),
        school=mapping.school.strip(),
        date_order=mapping.date_order,
    )
    _mapping_check(mapping, labels)
    saved = None
    if save_as.strip():
        saved = people_mapping_save(actor=actor, name=save_as, labels=labels, mapping=mapping)
    job.mapping = mapping.as_dict()
    job.saved_mapping = saved
    job.status = ImportJob.Status.QUEUED
    # A refused file mapped again starts over: its earlier refusal is no longer its outcome.
    job.errors, job.progress, job.started_at, job.finished_at = [], 0, None, None
    job.save(
        update_fields=[
            "mapping",
            "saved_mapping",
            "status",
            "errors",
            "progress",
            "started_at",
            "finished_at",
        ]
    )
    audit(
        actor=actor,
        action=AuditEvent.IMPORT_JOB_MAP,
        subject=job,
        remapped=remapped,
        saved_mapping=saved.pk if saved else None,
        fields=sorted({f for f in columns.values() if f != people_mapping.IGNORE}),
    )
    _import_job_queue(job)
    return job


def _mapping_fill(saved: PeopleMapping, *, name: str, mapping: ColumnMapping) -> None:
    saved.name = " ".join(name.split())
    saved.fields = {
        label: mapping.columns.get(label, people_mapping.IGNORE) for label in saved.columns
    }
    saved.organisation = mapping.organisation.strip()
    saved.school = mapping.school.strip()
    saved.date_order = mapping.date_order
    if not saved.name:
        raise ValidationError({"name": MAPPING_NAME_REQUIRED})
    saved.full_clean()
    saved.save()


@transaction.atomic
def people_mapping_save(
    *, actor: Member, name: str, labels: list[str], mapping: ColumnMapping
) -> PeopleMapping:
    """Keep a mapping for every later file with these headers; replaces one kept for them."""
    _require_admin(actor)
    _mapping_check(mapping, labels)
    key = people_mapping.source_key(labels)
    saved = PeopleMapping.objects.select_for_update().filter(source_key=key).first()
    if saved is None:
        saved = PeopleMapping(source_key=key, created_by=actor)
    saved.columns = list(labels)
    _mapping_fill(saved, name=name, mapping=mapping)
    audit(actor=actor, action=AuditEvent.PEOPLE_MAPPING_SAVE, subject=saved, name=saved.name)
    return saved


@transaction.atomic
def people_mapping_update(
    *, saved: PeopleMapping, actor: Member, name: str, mapping: ColumnMapping
) -> PeopleMapping:
    _require_admin(actor)
    saved = PeopleMapping.objects.select_for_update().get(pk=saved.pk)
    _mapping_check(mapping, list(saved.columns))
    before = saved.fields
    _mapping_fill(saved, name=name, mapping=mapping)
    changed = sorted(label for label in saved.columns if before.get(label) != saved.fields[label])
    audit(
        actor=actor,
        action=AuditEvent.PEOPLE_MAPPING_UPDATE,
        subject=saved,
        name=saved.name,
        changed=", ".join(changed),
    )
    return saved


@transaction.atomic
def people_mapping_delete(*, saved: PeopleMapping, actor: Member) -> None:
    _require_admin(actor)
    audit(actor=actor, action=AuditEvent.PEOPLE_MAPPING_DELETE, subject=saved, name=saved.name)
    saved.delete()


INTERACTION_WITH_SELF = "You cannot log an interaction with yourself."
INTERACTION_IN_FUTURE = "The interaction date is in the future."
INTERACTION_KIND_IMPORTED = "this kind comes from a LinkedIn import and cannot be logged by hand"
INTRODUCTION_NOT_MUTUAL = "Choose someone you both know to introduce you."
INTRODUCTION_ALREADY_OPEN = "You have already asked for an introduction to this person."
INTRODUCTION_NOT_YOURS = "Only the person asked can answer this introduction."
INTRODUCTION_CLOSED = "This introduction is no longer waiting for an answer."
INTRODUCTION_ASKED = "{requester} asks you to introduce them to {target}"
INTRODUCTION_FORWARDED = "{introducer} would like to introduce {requester} to you"
INTRODUCTION_MADE = "{target} accepted your introduction"
HOW_YOU_KNOW = "How you know {name}: {how}"
HOW_THEY_KNOW = "How {name} knows {other}: {how}"


@transaction.atomic
def interaction_log(
    *,
    logged_by: Member,
    other: Member,
    kind: str,
    happened_on: dt.date | None = None,
    note: str = "",
):
    if other.pk == logged_by.pk:
        raise ValidationError({"other": INTERACTION_WITH_SELF})
    if kind not in Interaction.LOGGABLE:
        raise ValidationError({"kind": INTERACTION_KIND_IMPORTED})
    happened_on = happened_on or timezone.localdate()
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": INTERACTION_IN_FUTURE})
    interaction = Interaction(
        logged_by=logged_by, other=other, kind=kind, happened_on=happened_on, note=note.strip()
    )
    interaction.full_clean()
    interaction.save()
    audit(actor=logged_by, action=AuditEvent.INTERACTION_LOG, subject=interaction, kind=kind)
    _refresh_ties_on_commit([logged_by.pk, other.pk])
    return interaction


@transaction.atomic
def interaction_delete(*, interaction, actor: Member) -> None:
    audit(actor=actor, action=AuditEvent.INTERACTION_DELETE, subject=interaction)
    members = [interaction.logged_by_id, interaction.other_id]
    interaction.delete()
    _refresh_ties_on_commit(members)


def _refresh_ties_on_commit(member_ids) -> None:
    for member_id in member_ids:
        people_services.history_changed(int(member_id))


@transaction.atomic
def introduction_request(*, requester: Member, introducer: Member, target: Member, message: str):
    if introducer.pk not in mutual_contact_ids(requester, target):
        raise ValidationError({"introducer": INTRODUCTION_NOT_MUTUAL})
    if Introduction.objects.filter(
        requester=requester,
        target=target,
        status__in=[Introduction.Status.ASKED, Introduction.Status.FORWARDED],
    ).exists():
        raise ValidationError(INTRODUCTION_ALREADY_OPEN)
    introduction = Introduction(
        requester=requester, introducer=introducer, target=target, message=message.strip()
    )
    introduction.full_clean()
    introduction.save()
    audit(actor=requester, action=AuditEvent.INTRODUCTION_REQUEST, subject=introduction)
    notify(
        recipient=introducer,
        kind="introduction_asked",
        title=INTRODUCTION_ASKED.format(requester=requester.name, target=target.name),
        body=introduction.message,
        url=reverse("introductions"),
        key=f"introduction_asked:{introduction.pk}",
    )
    return introduction


def _introduction_forwarded_body(introduction) -> str:
    """What the person introduced to reads: the message, the note, and how each knows the other.

    Their own tie with the introducer is told as the suggestions page tells it (what they may see
    of it); the introducer's tie with the requester is not theirs, so only a shared workplace or
    school is named.
    """
    introducer, requester, target = (
        introduction.introducer,
        introduction.requester,
        introduction.target,
    )
    yours = tie_reasons(target, [introducer.pk])[introducer.pk] or (NO_SHARED_HISTORY,)
    theirs = shared_history_labels(introducer, requester) or [NO_SHARED_HISTORY]
    lines = [f"{requester.first_name} wrote: {introduction.message}"]
    if introduction.introducer_note:
        lines.append(f"{introducer.first_name} adds: {introduction.introducer_note}")
    lines.append(HOW_YOU_KNOW.format(name=introducer.first_name, how="; ".join(yours)))
    lines.append(
        HOW_THEY_KNOW.format(
            name=introducer.first_name, other=requester.first_name, how=", ".join(theirs)
        )
    )
    return "\n".join(lines)


def _introduction_notify(introduction) -> None:
    if introduction.status == Introduction.Status.FORWARDED:
        notify(
            recipient=introduction.target,
            kind="introduction_forwarded",
            title=INTRODUCTION_FORWARDED.format(
                introducer=introduction.introducer.name, requester=introduction.requester.name
            ),
            body=_introduction_forwarded_body(introduction),
            url=reverse("introductions"),
            key=f"introduction_forwarded:{introduction.pk}",
        )
    elif introduction.status == Introduction.Status.MADE:
        notify(
            recipient=introduction.requester,
            kind="introduction_made",
            title=INTRODUCTION_MADE.format(target=introduction.target.name),
            url=reverse("member_profile", args=[introduction.target_id]),
            key=f"introduction_made:{introduction.pk}",
        )


def _locked_introduction(introduction):
    return (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("requester", "introducer", "target")
        .get(pk=introduction.pk)
    )


@transaction.atomic
def introduction_answer(*, introduction, actor: Member, agree: bool, note: str = ""):
    """The introducer, then the person introduced to, each agree (or decline) in turn."""
    introduction = _locked_introduction(introduction)
    waiting_for = {
        Introduction.Status.ASKED: introduction.introducer_id,
        Introduction.Status.FORWARDED: introduction.target_id,
    }
    if introduction.status not in waiting_for:
        raise ValidationError(INTRODUCTION_CLOSED)
    if waiting_for[introduction.status] != actor.pk:
        raise ValidationError(INTRODUCTION_NOT_YOURS)
    if not agree:
        introduction.status = Introduction.Status.DECLINED
    elif introduction.status == Introduction.Status.ASKED:
        introduction.status = Introduction.Status.FORWARDED
        introduction.introducer_note = note.strip()
    else:
        introduction.status = Introduction.Status.MADE
    introduction.save()
    audit(
        actor=actor,
        action=AuditEvent.INTRODUCTION_ANSWER,
        subject=introduction,
        status=introduction.status,
    )
    _introduction_notify(introduction)
    return introduction


@transaction.atomic
def introduction_withdraw(*, introduction, actor: Member):
    introduction = _locked_introduction(introduction)
    if introduction.requester_id != actor.pk:
        raise ValidationError(INTRODUCTION_NOT_YOURS)
    if introduction.status not in {Introduction.Status.ASKED, Introduction.Status.FORWARDED}:
        raise ValidationError(INTRODUCTION_CLOSED)
    introduction.status = Introduction.Status.WITHDRAWN
    introduction.save()
    audit(actor=actor, action=AuditEvent.INTRODUCTION_WITHDRAW, subject=introduction)
    return introduction
