"""From an uploaded file to the database: parse it whole, then write it in one transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from deskmate.core.audit import AuditEvent, audit
from deskmate.importing.errors import ImportFileError
from deskmate.importing.linkedin import parse_linkedin_archive
from deskmate.importing.people_csv import parse_people_file
from deskmate.importing.people_mapping import PeopleMapping, parse_people_mapped
from deskmate.importing.vcard import parse_vcards
from deskmate.network.history_merge import (
    History,
    IncomingEducation,
    IncomingPosition,
    education_merge,
    position_merge,
)
from deskmate.network.import_summary import ImportSummary
from deskmate.network.models import ImportJob
from deskmate.network.services import (
    EDUCATION_COLUMNS,
    Progress,
    import_error_from_validation,
    linkedin_archive_apply,
    no_progress,
    vcard_apply,
)
from deskmate.people import services as people_services
from deskmate.people.models import Member, Source, User

PEOPLE_POSITION_COLUMNS = {
    "organisation": "organisation",
    "unit": "unit",
    "title": "title",
    "start": "start",
    "end": "end",
}
START_REQUIRED = "is required for a position"


def run(
    kind: str,
    *,
    owner: Member | None,
    payload: bytes,
    file_name: str = "",
    progress: Progress = no_progress,
    mapping: PeopleMapping | None = None,
) -> ImportSummary:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if kind == ImportJob.Kind.LINKEDIN:
        archive = parse_linkedin_archive(
            payload, filename=file_name or "archive.zip", max_bytes=limit
        )
        return linkedin_archive_apply(member=owner, archive=archive, progress=progress)
    if kind == ImportJob.Kind.VCARD:
        cards = parse_vcards(payload, filename=file_name or "contacts.vcf", max_bytes=limit)
        return vcard_apply(member=owner, cards=cards, progress=progress)
    if kind == ImportJob.Kind.PEOPLE:
        name = file_name or "people.csv"
        if mapping is None:
            people = parse_people_file(payload, filename=name, max_bytes=limit)
        else:
            people = parse_people_mapped(payload, filename=name, mapping=mapping, max_bytes=limit)
        return people_file_apply(
            people=people.people,
            actor=owner,
            file_name=name,
            progress=progress,
            labels=people.labels,
        )
    raise ValueError(f"Unknown import kind {kind!r}")


def _member_for_person(person, actor: Member | None, summary: ImportSummary) -> Member:
    member = Member.objects.filter(external_id=person.external_id).select_related("user").first()
    if member is None and person.email:
        member = (
            Member.objects.filter(user__email__iexact=person.email).select_related("user").first()
        )
        if member is not None and member.external_id and member.external_id != person.external_id:
            raise ImportFileError(
                "",
                person.row,
                "email",
                f'"{person.email}" belongs to another external_id "{member.external_id}"',
            )
    if member is None:
        if not person.email:
            raise ImportFileError(
                "", person.row, "email", "is required for a person who is not yet a member"
            )
        member = people_services.member_create(
            email=person.email,
            password=None,
            first_name=person.first_name or person.email.split("@")[0],
            last_name=person.last_name,
            headline=person.headline,
            location=person.location,
            actor=actor,
        )
        member.external_id = person.external_id
        member.save(update_fields=["external_id"])
        summary.added("members", person.external_id)
        return member
    changes = {
        name: value
        for name, value in (
            ("first_name", person.first_name),
            ("last_name", person.last_name),
            ("headline", person.headline),
            ("location", person.location),
        )
        if value and getattr(member, name) != value
    }
    if changes:
        people_services.profile_update(member=member, actor=actor, **changes)
    if member.external_id != person.external_id:
        member.external_id = person.external_id
        member.save(update_fields=["external_id"])
    if person.email and (member.user.email or "").lower() != person.email.lower():
        if User.objects.filter(email__iexact=person.email).exclude(pk=member.user_id).exists():
            raise ImportFileError(
                "", person.row, "email", f'"{person.email}" is already another member\'s address'
            )
        User.objects.filter(pk=member.user_id).update(email=person.email.lower())
    if changes:
        summary.updated("members", person.external_id, sorted(changes))
    else:
        summary.left_alone("members", person.external_id)
    return member


def _person_member(
    person, actor: Member | None, file_name: str, summary, labels: dict[str, str]
) -> Member:
    try:
        return _member_for_person(person, actor, summary)
    except ImportFileError as error:
        field = labels.get(error.field or "", error.field)
        raise ImportFileError(file_name, error.row, field, error.message) from None
    except ValidationError as error:
        raise import_error_from_validation(
            error, file=file_name, row=person.row, fields={}
        ) from None


def _person_history_merge(
    person, member: Member, actor: Member | None, file_name: str, summary, labels: dict[str, str]
) -> None:
    history = History(member)
    for position in person.positions:
        if position.start is None:
            label = labels.get("start", "start")
            raise ImportFileError(file_name, position.row, label, START_REQUIRED)
        incoming = IncomingPosition(
            organisation=position.organisation,
            unit=position.unit,
            title=position.title,
            start=position.start,
            end=position.end,
        )
        try:
            position_merge(
                history=history,
                actor=actor,
                source=Source.PEOPLE,
                incoming=incoming,
                summary=summary,
            )
        except ValidationError as error:
            columns = {name: labels.get(name, name) for name in PEOPLE_POSITION_COLUMNS}
            raise import_error_from_validation(
                error, file=file_name, row=position.row, fields=columns
            ) from None
    for education in person.educations:
        incoming_education = IncomingEducation(
            school=education.school,
            degree=education.degree,
            field=education.field,
            start=education.start,
            end=education.end,
        )
        try:
            education_merge(
                history=history,
                actor=actor,
                source=Source.PEOPLE,
                incoming=incoming_education,
                summary=summary,
            )
        except ValidationError as error:
            columns = {name: labels.get(name, name) for name in EDUCATION_COLUMNS}
            raise import_error_from_validation(
                error, file=file_name, row=education.row, fields=columns
            ) from None


MANAGER_UNKNOWN = '"{value}" is nobody in this file or on deskmate'
OWN_MANAGER = "a person cannot be their own manager"


def _manager_of(person, members: dict[str, Member], by_email: dict[str, str]) -> Member | None:
    """The person's manager by id, else by e-mail: someone in the file, or a member already."""
    if person.manager_external_id:
        return (
            members.get(person.manager_external_id)
            or Member.objects.filter(external_id=person.manager_external_id).first()
        )
    in_file = by_email.get(person.manager_email.casefold())
    if in_file is not None:
        return members[in_file]
    return Member.objects.filter(user__email__iexact=person.manager_email).first()


def _managers_link(
    people, members: dict[str, Member], file_name: str, labels: dict[str, str], summary
) -> None:
    """Each person's manager becomes their reporting line (``Member.manager``)."""
    by_email = {person.email.casefold(): person.external_id for person in people if person.email}
    for person in people:
        if not (person.manager_external_id or person.manager_email):
            continue
        column = "manager_external_id" if person.manager_external_id else "manager_email"
        label = labels.get(column, column)
        manager = _manager_of(person, members, by_email)
        if manager is None:
            value = person.manager_external_id or person.manager_email
            raise ImportFileError(file_name, person.row, label, MANAGER_UNKNOWN.format(value=value))
        member = members[person.external_id]
        if manager.pk == member.pk:
            raise ImportFileError(file_name, person.row, label, OWN_MANAGER)
        item = f"{person.external_id} reports to {manager.external_id or manager.name}"
        if member.manager_id == manager.pk:
            summary.left_alone("reporting_lines", item)
            continue
        if member.manager_id is None:
            summary.added("reporting_lines", item)
        else:
            summary.updated("reporting_lines", item, ["the manager changed"])
        member.manager = manager
        member.save(update_fields=["manager"])


@transaction.atomic
def people_file_apply(
    *,
    people,
    actor: Member | None,
    file_name: str,
    progress: Progress = no_progress,
    labels: dict[str, str] | None = None,
) -> ImportSummary:
    """Create or update members, and merge their positions and education, from an export.

    ``labels`` names each column as the file spells it, for errors.
    """
    labels = labels or {}
    summary = ImportSummary()
    members: dict[str, Member] = {}
    total = len(people)
    for index, person in enumerate(people, start=1):
        member = members[person.external_id] = _person_member(
            person, actor, file_name, summary, labels
        )
        _person_history_merge(person, member, actor, file_name, summary, labels)
        progress(index, total)
    _managers_link(people, members, file_name, labels, summary)
    audit(actor=actor, action=AuditEvent.PEOPLE_IMPORT, file=file_name, **summary.counts())
    return summary


def import_job_execute(job: ImportJob, *, progress: Progress = no_progress) -> ImportJob:
    """Run one queued import: parse, then write all or nothing; record the outcome on the job."""
    job.mark_running()
    try:
        summary = run(
            job.kind,
            owner=job.owner,
            payload=bytes(job.payload or b""),
            file_name=job.file_name,
            progress=progress,
            mapping=PeopleMapping.from_dict(job.mapping) if job.mapping else None,
        )
    except ImportFileError as error:
        errors = [str(item) for item in getattr(error, "errors", [error])] or [str(error)]
        # The file and its first rows (other people's data) go once the job is over.
        job.mark_failed(errors=errors, payload=None, preview={})
    else:
        job.mark_done(summary=summary.as_dict(), payload=None, preview={})
    return job
