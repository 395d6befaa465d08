"""From an uploaded file to the database: parse it whole, then write it in one transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deskmate.core.audit import AuditEvent, audit, audit_many
from deskmate.importing.errors import ImportFileError
from deskmate.importing.linkedin import parse_linkedin_archive
from deskmate.importing.names import full_name_key
from deskmate.importing.people_csv import parse_people_file
from deskmate.importing.people_mapping import PeopleMapping, parse_people_mapped
from deskmate.importing.vcard import parse_vcards
from deskmate.network.history_merge import (
    BULK_BATCH,
    History,
    HistoryWriter,
    IncomingEducation,
    IncomingPosition,
    chunked,
    education_merge_pending,
    histories_read,
    position_merge_pending,
)
from deskmate.network.identities import (
    MAX_POSSIBLE,
    TOO_MANY,
    MatchesToConfirm,
    people_possible_matches,
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
from deskmate.network.suggestion_cache import community_changed
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
# A member or user is checked before a bulk write on their own fields: uniqueness against
# what the import read and holds in memory, and the one check constraint (a mentee capacity
# of at most 50) cannot fail, as an import leaves the capacity at its default.


def run(
    kind: str,
    *,
    owner: Member | None,
    payload: bytes,
    file_name: str = "",
    progress: Progress = no_progress,
    mapping: PeopleMapping | None = None,
    use_vouches: bool = False,
    answers: dict[str, int] | None = None,
) -> ImportSummary:
    """Parse and write one file; a people file with possible matches raises ``MatchesToConfirm``.

    ``answers`` are the admin's answers to a people file's possible matches (external id →
    the member that person is, or 0 for someone new).
    """
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if kind == ImportJob.Kind.LINKEDIN:
        archive = parse_linkedin_archive(
            payload, filename=file_name or "archive.zip", max_bytes=limit
        )
        return linkedin_archive_apply(
            member=owner, archive=archive, progress=progress, use_vouches=use_vouches
        )
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
            answers=answers,
        )
    raise ValueError(f"Unknown import kind {kind!r}")


class PeopleWrite:
    """One people export written set by set: every read in a few queries, every write in batches.

    The rules are those of the services one member at a time (a member by ``external_id``,
    else by e-mail; stints merged by :mod:`deskmate.network.history_merge`; the first refusal
    in file order names its row and column); only the queries are gathered.
    """

    def __init__(
        self,
        people,
        *,
        actor: Member | None,
        file_name: str,
        labels: dict[str, str],
        answers: dict[str, int] | None = None,
    ):
        self.people = people
        #: External id → the member the admin confirmed that person is (0: someone new).
        self.answers = dict(answers or {})
        self.actor = actor
        self.file_name = file_name
        self.labels = labels
        self.summary = ImportSummary()
        self.writer = HistoryWriter(actor=actor, source=Source.PEOPLE)
        self.members: dict[str, Member] = {}
        self.histories: dict[int, History] = {}
        self.new_histories: dict[str, History] = {}
        self.by_external_id: dict[str, Member] = {}
        #: Lower-cased e-mail → the member holding it, as stored or as this import leaves it.
        self.by_email: dict[str, Member] = {}
        self.by_pk: dict[int, Member] = {}
        self.new_members: list[Member] = []
        self.changed_members: dict[int, tuple[Member, list[str]]] = {}
        self.changed_emails: dict[int, Member] = {}
        self.new_managers: dict[int, Member] = {}

    # Reading what is stored, in chunks.

    def read(self) -> None:
        ids = {person.external_id for person in self.people}
        emails = {e for p in self.people if p.email for e in (p.email, p.email.lower())}
        self._read_members(ids=ids, emails=emails)
        confirmed = sorted({member_id for member_id in self.answers.values() if member_id})
        for chunk in chunked(confirmed):
            for member in Member.objects.select_related("user").filter(pk__in=chunk):
                self._know(member)
        self.histories = histories_read(list(self.by_pk.values()))
        self.writer.preload(
            organisations=[p.organisation for person in self.people for p in person.positions],
            schools=[e.school for person in self.people for e in person.educations],
            units=[(p.organisation, p.unit) for person in self.people for p in person.positions],
        )

    def _read_members(self, *, ids: set[str], emails: set[str]) -> None:
        stored = Member.objects.select_related("user")
        for chunk in chunked(sorted(ids)):
            for member in stored.filter(external_id__in=chunk):
                self._know(member)
        for chunk in chunked(sorted(emails)):
            for member in stored.filter(user__email__in=chunk):
                self._know(member)

    def _know(self, member: Member) -> None:
        """Keep one instance per stored member, found by id and by e-mail."""
        member = self.by_pk.setdefault(member.pk, member)
        if member.external_id:
            self.by_external_id.setdefault(member.external_id, member)
        if member.user.email:  # a pending applicant has no address yet
            self.by_email.setdefault(member.user.email.casefold(), member)

    def possible_matches(self) -> list[dict]:
        """People the file names for no member for certain, who may be members all the same."""
        unknown = [
            person
            for person in self.people
            if person.external_id not in self.by_external_id
            and not (person.email and person.email.casefold() in self.by_email)
        ]
        answered = {
            external_id: member_id
            for external_id, member_id in self.answers.items()
            if member_id == 0 or member_id in self.by_pk
        }
        return people_possible_matches(unknown, known=set(self.by_pk), answered=answered)

    # One person at a time, in memory.

    def person(self, person) -> None:
        try:
            member = self._member_for(person)
        except ImportFileError as error:
            field = self.labels.get(error.field or "", error.field)
            raise ImportFileError(self.file_name, error.row, field, error.message) from None
        except ValidationError as error:
            raise import_error_from_validation(
                error, file=self.file_name, row=person.row, fields={}
            ) from None
        self.members[person.external_id] = member
        if member.pk is None:
            history = self.new_histories.setdefault(person.external_id, History(member, [], []))
        else:
            history = self.histories[member.pk]
        self._history_merge(person, history)

    def _member_for(self, person) -> Member:
        member = self.by_external_id.get(person.external_id)
        if member is None and (confirmed := self.answers.get(person.external_id)):
            member = self.by_pk.get(confirmed)
        if member is None and person.email:
            member = self.by_email.get(person.email.casefold())
            if (
                member is not None
                and member.external_id
                and member.external_id != person.external_id
            ):
                raise ImportFileError(
                    "",
                    person.row,
                    "email",
                    f'"{person.email}" belongs to another external_id "{member.external_id}"',
                )
        if member is None:
            return self._member_new(person)
        self._member_update(person, member)
        return member

    def _member_new(self, person) -> Member:
        if not person.email:
            raise ImportFileError(
                "", person.row, "email", "is required for a person who is not yet a member"
            )
        email = User.objects.normalize_email(person.email).strip().lower()
        if email.casefold() in self.by_email:
            raise ValidationError({"email": people_services.EMAIL_TAKEN})
        first_name = person.first_name or person.email.split("@")[0]
        user = User(email=email, first_name=first_name, last_name=person.last_name)
        user.set_unusable_password()
        user.full_clean(validate_unique=False, validate_constraints=False)
        member = Member(
            user=user,
            first_name=first_name,
            last_name=person.last_name,
            headline=person.headline,
            location=person.location,
            external_id=person.external_id,
        )
        member.full_clean(
            exclude=["user", "manager"], validate_unique=False, validate_constraints=False
        )
        self.by_external_id[person.external_id] = self.by_email[email.casefold()] = member
        self.new_members.append(member)
        self.summary.added("members", person.external_id)
        return member

    def _member_update(self, person, member: Member) -> None:
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
        if member.pk is None:
            return self._member_update_new(person, member, changes)
        for name, value in changes.items():
            setattr(member, name, value)
        if changes:
            member.full_clean(
                exclude=["user", "manager"], validate_unique=False, validate_constraints=False
            )
        fields = sorted(changes)
        if member.external_id != person.external_id:
            member.external_id = person.external_id
            self.by_external_id[person.external_id] = member
            fields.append("external_id")
        if fields:
            previous = self.changed_members.get(member.pk, (member, []))[1]
            self.changed_members[member.pk] = (member, sorted({*previous, *fields}))
        self._email_update(person, member)
        if changes:
            self.summary.updated("members", person.external_id, sorted(changes))
        else:
            self.summary.left_alone("members", person.external_id)
        return None

    def _member_update_new(self, person, member: Member, changes: dict) -> None:
        """The same person twice in one file: the second row fills the member being created."""
        for name, value in changes.items():
            setattr(member, name, value)
        member.full_clean(
            exclude=["user", "manager"], validate_unique=False, validate_constraints=False
        )
        self.summary.left_alone("members", person.external_id)

    def _email_update(self, person, member: Member) -> None:
        if not person.email or (member.user.email or "").lower() == person.email.lower():
            return
        holder = self.by_email.get(person.email.casefold())
        if holder is not None and holder is not member:
            raise ImportFileError(
                "", person.row, "email", f'"{person.email}" is already another member\'s address'
            )
        self.by_email.pop((member.user.email or "").casefold(), None)
        member.user.email = person.email.lower()
        self.by_email[person.email.casefold()] = member
        self.changed_emails[member.user_id] = member

    def _history_merge(self, person, history: History) -> None:
        for position in person.positions:
            if position.start is None:
                label = self.labels.get("start", "start")
                raise ImportFileError(self.file_name, position.row, label, START_REQUIRED)
            incoming = IncomingPosition(
                organisation=position.organisation,
                unit=position.unit,
                title=position.title,
                start=position.start,
                end=position.end,
            )
            try:
                position_merge_pending(
                    history=history, writer=self.writer, incoming=incoming, summary=self.summary
                )
            except ValidationError as error:
                columns = {name: self.labels.get(name, name) for name in PEOPLE_POSITION_COLUMNS}
                raise import_error_from_validation(
                    error, file=self.file_name, row=position.row, fields=columns
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
                education_merge_pending(
                    history=history,
                    writer=self.writer,
                    incoming=incoming_education,
                    summary=self.summary,
                )
            except ValidationError as error:
                columns = {name: self.labels.get(name, name) for name in EDUCATION_COLUMNS}
                raise import_error_from_validation(
                    error, file=self.file_name, row=education.row, fields=columns
                ) from None

    # Reporting lines.

    def managers(self) -> None:
        """Each person's manager becomes their reporting line (``Member.manager``)."""
        self._read_outside_managers()
        by_email = {p.email.casefold(): p.external_id for p in self.people if p.email}
        by_name: dict[str, list[str]] = {}
        for p in self.people:
            by_name.setdefault(full_name_key(p.first_name, p.last_name), []).append(p.external_id)
        for person in self.people:
            if not (person.manager_external_id or person.manager_email):
                if person.manager_name:
                    self._manager_by_name(person, by_name)
                continue
            column = "manager_external_id" if person.manager_external_id else "manager_email"
            label = self.labels.get(column, column)
            manager = self._manager_of(person, by_email)
            if manager is None:
                value = person.manager_external_id or person.manager_email
                raise ImportFileError(
                    self.file_name, person.row, label, MANAGER_UNKNOWN.format(value=value)
                )
            member = self.members[person.external_id]
            if manager is member:
                raise ImportFileError(self.file_name, person.row, label, OWN_MANAGER)
            self._report_to(member, manager, person)

    def _report_to(self, member: Member, manager: Member, person) -> None:
        item = f"{person.external_id} reports to {manager.external_id or manager.name}"
        if member.manager_id is not None and member.manager_id == manager.pk:
            self.summary.left_alone("reporting_lines", item)
            return
        if member.manager_id is None:
            self.summary.added("reporting_lines", item)
        else:
            self.summary.updated("reporting_lines", item, ["the manager changed"])
        member.manager = manager
        self.new_managers[id(member)] = member

    def _manager_by_name(self, person, by_name: dict[str, list[str]]) -> None:
        """A manager named only by name: the one person of this file with that full name.

        No one, several people or the person themself: left alone and said so, with the row
        and column; a name is never guessed at.
        """
        label = self.labels.get("manager_name", "manager_name")
        found = [
            external_id
            for external_id in by_name.get(full_name_key(person.manager_name), [])
            if external_id != person.external_id
        ]
        if len(found) == 1:
            self._report_to(self.members[person.external_id], self.members[found[0]], person)
            return
        where = MANAGER_WHERE.format(file=self.file_name, row=person.row, column=label)
        why = MANAGER_NAME_AMBIGUOUS if found else MANAGER_NAME_UNKNOWN
        item = f'{person.external_id} reports to "{person.manager_name}" ({where})'
        self.summary.left_alone("reporting_lines", item, why.format(count=len(found)))

    def _read_outside_managers(self) -> None:
        """Managers named by the file who are not in it, read in chunks."""
        ids = {p.manager_external_id for p in self.people if p.manager_external_id} - set(
            self.by_external_id
        )
        emails = {
            e
            for p in self.people
            if p.manager_email and not p.manager_external_id
            for e in (p.manager_email, p.manager_email.lower())
        } - set(self.by_email)
        self._read_members(ids=ids, emails=emails)

    def _manager_of(self, person, by_email: dict[str, str]) -> Member | None:
        if person.manager_external_id:
            return self.members.get(person.manager_external_id) or self.by_external_id.get(
                person.manager_external_id
            )
        in_file = by_email.get(person.manager_email.casefold())
        if in_file is not None:
            return self.members[in_file]
        return self.by_email.get(person.manager_email.casefold())

    # Writing.

    def write(self) -> None:
        users = [member.user for member in self.new_members]
        User.objects.bulk_create(users, batch_size=BULK_BATCH)
        self._members_create()
        audit_many(
            actor=self.actor,
            action=AuditEvent.MEMBER_CREATE,
            subjects=self.new_members,
            role=Member.Role.MEMBER,
        )
        self._members_update()
        for member in self.new_managers.values():
            manager = member.manager
            assert manager is not None
            member.manager_id = manager.pk
        Member.objects.bulk_update(
            list(self.new_managers.values()), ["manager"], batch_size=BULK_BATCH
        )
        self.writer.flush()
        people_services.histories_changed(self.writer.member_ids)

    def _members_create(self) -> None:
        """Insert the new members in file order, batch by batch.

        A manager inserted in an earlier batch (or stored already) is set on the insert; the
        others wait for the update after every member has an id.
        """
        for chunk in chunked(self.new_members):
            for member in chunk:
                member.user_id = member.user.pk
                manager = member.manager
                if manager is not None and manager.pk is None:
                    member.manager = None
                    member.__dict__["_manager_waiting"] = manager
                else:
                    self.new_managers.pop(id(member), None)
            Member.objects.bulk_create(chunk, batch_size=BULK_BATCH)
        for member in self.new_members:
            waiting = member.__dict__.pop("_manager_waiting", None)
            if waiting is not None:
                member.manager = waiting

    def _members_update(self) -> None:
        now = timezone.now()
        by_fields: dict[tuple[str, ...], list[Member]] = {}
        for member, changed in self.changed_members.values():
            member.updated_at = now
            by_fields.setdefault(tuple(changed), []).append(member)
        for fields, members in by_fields.items():
            Member.objects.bulk_update(members, [*fields, "updated_at"], batch_size=BULK_BATCH)
            profile = sorted(set(fields) - {"external_id"})
            if profile:
                users = []
                for member in members:
                    member.user.first_name, member.user.last_name = (
                        member.first_name,
                        member.last_name,
                    )
                    users.append(member.user)
                User.objects.bulk_update(users, ["first_name", "last_name"], batch_size=BULK_BATCH)
                audit_many(
                    actor=self.actor,
                    action=AuditEvent.PROFILE_UPDATE,
                    subjects=members,
                    fields=",".join(profile),
                )
        User.objects.bulk_update(
            [member.user for member in self.changed_emails.values()],
            ["email"],
            batch_size=BULK_BATCH,
        )


MANAGER_UNKNOWN = '"{value}" is nobody in this file or on deskmate'
MANAGER_WHERE = "{file}, row {row}, column {column}"
MANAGER_NAME_UNKNOWN = "nobody else in this file has this full name"
MANAGER_NAME_AMBIGUOUS = "{count} people in this file have this full name; none was chosen"
OWN_MANAGER = "a person cannot be their own manager"


@transaction.atomic
def people_file_apply(
    *,
    people,
    actor: Member | None,
    file_name: str,
    progress: Progress = no_progress,
    labels: dict[str, str] | None = None,
    answers: dict[str, int] | None = None,
) -> ImportSummary:
    """Create or update members, and merge their positions and education, from an export.

    Everything is read in chunks and checked in memory first, person by person in file order;
    then written in batches, all or nothing. ``labels`` names each column as the file spells
    it, for errors. People who may be members under another e-mail or name, and whom
    ``answers`` does not answer for, stop the import before anything is written
    (``MatchesToConfirm``, :mod:`deskmate.network.identities`).
    """
    write = PeopleWrite(
        people, actor=actor, file_name=file_name, labels=labels or {}, answers=answers
    )
    write.read()
    possible = write.possible_matches()
    if len(possible) > MAX_POSSIBLE:
        message = TOO_MANY.format(count=len(possible), limit=MAX_POSSIBLE)
        raise ImportFileError(file_name, None, None, message)
    if possible:
        waiting = ImportSummary()
        for item in possible:
            waiting.possible_match("members", item)
        raise MatchesToConfirm(waiting)
    total = len(people)
    for index, person in enumerate(people, start=1):
        write.person(person)
        if index % BULK_BATCH == 0:
            progress(index, total)
    write.managers()
    write.write()
    # Members and histories written in bulk, past every receiver: every cached list may be stale.
    community_changed()
    progress(total, total)
    audit(actor=actor, action=AuditEvent.PEOPLE_IMPORT, file=file_name, **write.summary.counts())
    return write.summary


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
            use_vouches=job.use_vouches,
            answers=(job.answers or {}).get("members"),
        )
    except MatchesToConfirm as waiting:
        # Nothing was written: the file and its first rows stay for the import with the answers.
        job.mark_waiting(status=ImportJob.Status.CONFIRMING, summary=waiting.summary.as_dict())
    except ImportFileError as error:
        errors = [str(item) for item in getattr(error, "errors", [error])] or [str(error)]
        if job.kind == ImportJob.Kind.PEOPLE and job.preview.get("labels"):
            # Kept so that its columns can be mapped again without uploading it again.
            job.mark_failed(errors=errors)
        else:
            # The file and its first rows (other people's data) go once the job is over.
            job.mark_failed(errors=errors, payload=None, preview={})
    else:
        job.mark_done(summary=_with_answers(summary, job), payload=None, preview={})
    return job


def _with_answers(summary: ImportSummary, job: ImportJob) -> dict:
    """The import's summary, still showing the possible matches the admin answered before it."""
    if job.kind == ImportJob.Kind.PEOPLE:
        summary.possible = list((job.summary or {}).get("possible_matches") or [])
    return summary.as_dict()
