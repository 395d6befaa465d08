"""Possible matches: a person in an imported file who may be a member, and the importer's answer.

An import links a person to a member on certain evidence only (the same external id,
e-mail or profile address). A person who only maybe is a member
(:mod:`deskmate.importing.identity`: an e-mail apart from dots or a +tag, the mailbox
name at another domain of the organisation, a name written another way with a shared
organisation) is neither merged nor added silently:

- **People files** (HR and alumni exports): the import writes nothing and waits
  (``ImportJob.Status.CONFIRMING``) with the possible matches and their evidence. The
  admin answers every one at once; the file is then imported with the answers: a person
  confirmed as a member updates that member (who takes the file's external id, so next
  month's export matches at once), one confirmed as someone else becomes a new member.
- **Contacts** (LinkedIn connections, vCards): the contacts are imported, the possible
  ones not linked. Confirmed, a contact is linked to the member; rejected, the member is
  remembered on the contact (``Contact.not_members``) so that no later import asks again.

Answers are all or nothing, and giving the same answers again changes nothing.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from deskmate.core.audit import AuditEvent, audit
from deskmate.importing.identity import MatchIndex, Person, evidence_for
from deskmate.importing.names import normalise_organisation_name
from deskmate.network import signals
from deskmate.network.history_merge import chunked
from deskmate.network.import_summary import (
    DIFFERENT,
    SAME,
    ImportSummary,
    possible_match_lines,
)
from deskmate.network.models import Contact, ImportJob
from deskmate.people import services as people_services
from deskmate.people.models import Member, Position
from deskmate.people.selectors import visible_member_ids

ANSWERS = {SAME: "The same person", DIFFERENT: "Different people"}
NOTHING_WAITING = "This import has no possible matches waiting for your answer."
NOT_YOURS = "Only the person who ran this import can answer for it."
ANSWER_EVERY_ONE = "possible match {number} needs an answer: “same” or “different”"
NO_SUCH_MATCH = "there is no possible match {number}"
NOT_AN_ANSWER = "“{value}” is not an answer: say “same” or “different”"
ANSWERED_OTHERWISE = "possible match {number} was answered “{decision}” already"
ONE_MEMBER_ONCE = "{member} is confirmed for possible matches {numbers}: one person can be only one"
LINKED = "linked to {member}"
KEPT_APART = "kept apart from {member}"
GONE = "the contact is no longer in your contacts; nothing changed"
ALREADY_LINKED = "the contact was linked to a member since; nothing changed"
MEMBER_GONE = "{member} is no longer a member you can see; nothing changed"
#: Possible matches kept on one job at most; an import with more is refused as unclear.
MAX_POSSIBLE = 500
TOO_MANY = (
    "{count} people in this file may already be members under another e-mail or name, "
    "more than the {limit} that can be confirmed one by one: add their external ids or "
    "e-mail addresses as deskmate has them, and import the file again"
)


class MatchesToConfirm(Exception):
    """A people file that waits for the admin's answers before anything is written."""

    def __init__(self, summary: ImportSummary):
        super().__init__("possible matches wait for confirmation")
        self.summary = summary


# Reading what is stored of the members a file's people may be.


def _organisations_of(member_ids: Iterable[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for chunk in chunked(sorted(set(member_ids))):
        for member_id, name in Position.objects.filter(member_id__in=chunk).values_list(
            "member_id", "organisation__normalised_name"
        ):
            found.setdefault(member_id, set()).add(name)
    return found


def _index(members) -> MatchIndex[int]:
    return MatchIndex(
        (member_id, Person(first, last, email or ""))
        for member_id, first, last, email in members.values_list(
            "id", "first_name", "last_name", "user__email"
        ).iterator(chunk_size=2000)
    )


def _with_organisations(index: MatchIndex[int], member_ids: set[int]) -> dict[int, Person]:
    organisations = _organisations_of(member_ids)
    people = {}
    for member_id in member_ids:
        stored = index.stored(member_id)
        people[member_id] = Person(
            stored.first_name,
            stored.last_name,
            stored.email,
            tuple(sorted(organisations.get(member_id, ()))),
        )
    return people


def _found(
    index: MatchIndex[int], incoming: list[Person], allowed
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(position in ``incoming``, member id, evidence) for every possible match, in order.

    ``allowed`` narrows the candidates (to those who may be asked about) before their
    organisations are read.
    """
    candidates = [index.candidates(person) for person in incoming]
    stored = _with_organisations(index, allowed({i for ids in candidates for i in ids}))
    return [
        (position, member_id, evidence)
        for position, person in enumerate(incoming)
        for member_id in candidates[position]
        if member_id in stored and (evidence := evidence_for(person, stored[member_id]))
    ]


def _described(person: Person, *, email: bool) -> str:
    parts = [person.name or "(no name)"]
    if email and person.email:
        parts.append(person.email)
    return ", ".join(parts)


# People files.


def _file_person(person) -> Person:
    organisations = {normalise_organisation_name(p.organisation) for p in person.positions}
    return Person(person.first_name, person.last_name, person.email, tuple(sorted(organisations)))


def people_possible_matches(people, *, known: set[int], answered: Mapping[str, int]) -> list[dict]:
    """The file's people not known for certain who may be members without an external id.

    ``people`` are those the import found no member for by external id or e-mail;
    ``known`` the members it did find (they are no one else's match). People the admin
    answered for already are not asked about again.
    """
    asked: dict[str, Any] = {}
    for person in people:
        if person.external_id not in answered:
            asked.setdefault(person.external_id, person)
    if not asked:
        return []
    rows = list(asked.values())
    incoming = [_file_person(person) for person in rows]
    index = _index(Member.objects.filter(Q(external_id__isnull=True) | Q(external_id="")))
    items = []
    for position, member_id, evidence in _found(index, incoming, lambda ids: ids - known):
        person = rows[position]
        items.append(
            {
                "key": person.external_id,
                "row": person.row,
                "member": member_id,
                "incoming": f"{_described(incoming[position], email=True)}"
                f" ({person.external_id}, row {person.row})",
                "stored": _described(index.stored(member_id), email=True),
                "evidence": list(evidence),
            }
        )
    return items


def people_answers(items: list[dict]) -> dict[str, int]:
    """External id → the member confirmed as that person, or 0 for "someone new"."""
    answers: dict[str, int] = {}
    for item in items:
        answers.setdefault(item["key"], 0)
        if item["decision"] == SAME:
            answers[item["key"]] = item["member"]
    return answers


# Contacts.


def contacts_possible_matches(
    *, owner: Member, unlinked: list[tuple[Contact, Person]]
) -> list[dict]:
    """Possible members among the owner's unlinked contacts, among those the owner may see."""
    if not unlinked:
        return []
    taken = set(
        Contact.objects.filter(owner=owner, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    taken.add(owner.pk)
    index = _index(Member.objects.filter(user__is_active=True))
    incoming = [person for _, person in unlinked]
    found = _found(index, incoming, lambda ids: visible_member_ids(owner, ids - taken))
    items = []
    for position, member_id, evidence in found:
        contact = unlinked[position][0]
        if member_id in (contact.not_members or []):
            continue
        items.append(
            {
                "key": contact.match_key,
                "member": member_id,
                "incoming": f"Your contact {_described(incoming[position], email=True)}",
                "stored": f"the member {index.stored(member_id).name}",
                "evidence": list(evidence),
            }
        )
    return items


# Answers.


def waiting_matches(job: ImportJob) -> list[tuple[int, dict]]:
    """The job's possible matches, each with the number it is answered by (from 1)."""
    items = (job.summary or {}).get("possible_matches") or []
    return list(enumerate(items, start=1))


def _parsed(items: list[dict], answers: Mapping[str, str]) -> dict[int, str]:
    """Match number → answer for the ones not yet answered; every fault named at once."""
    errors: dict[str, list[str]] = {}
    parsed: dict[int, str] = {}
    for key, value in answers.items():
        number = int(key) if str(key).isdigit() else 0
        if not 1 <= number <= len(items):
            errors[str(key)] = [NO_SUCH_MATCH.format(number=key)]
        elif value not in ANSWERS:
            errors[str(key)] = [NOT_AN_ANSWER.format(value=value)]
        elif items[number - 1]["decision"] not in ("", value):
            decision = items[number - 1]["decision"]
            errors[str(key)] = [ANSWERED_OTHERWISE.format(number=number, decision=decision)]
        elif not items[number - 1]["decision"]:
            parsed[number] = value
    for number, item in enumerate(items, start=1):
        if not item["decision"] and number not in parsed and str(number) not in errors:
            errors[str(number)] = [ANSWER_EVERY_ONE.format(number=number)]
    if errors:
        raise ValidationError(errors)
    return parsed


def _one_member_once(items: list[dict]) -> None:
    """Two people of one file confirmed as one member: refused, naming both."""
    by_member: dict[int, list[int]] = {}
    for number, item in enumerate(items, start=1):
        if item["decision"] == SAME:
            by_member.setdefault(item["member"], []).append(number)
    errors = {
        str(numbers[-1]): [
            ONE_MEMBER_ONCE.format(
                member=items[numbers[0] - 1]["stored"], numbers=", ".join(map(str, numbers))
            )
        ]
        for numbers in by_member.values()
        if len(numbers) > 1
    }
    if errors:
        raise ValidationError(errors)


def _contact_answer(job: ImportJob, item: dict, decision: str) -> str:
    contact = (
        Contact.objects.select_for_update().filter(owner=job.owner, match_key=item["key"]).first()
    )
    name = item["stored"].removeprefix("the member ")
    if contact is None:
        return GONE
    if decision == SAME:
        if contact.member_id is not None:
            return ALREADY_LINKED
        if not visible_member_ids(job.owner, [item["member"]]):
            return MEMBER_GONE.format(member=name)
        contact.member_id = item["member"]
        contact.save(update_fields=["member", "updated_at"])
        return LINKED.format(member=name)
    if item["member"] not in contact.not_members:
        contact.not_members = [*contact.not_members, item["member"]]
        contact.save(update_fields=["not_members", "updated_at"])
    return KEPT_APART.format(member=name)


def _store(job: ImportJob, items: list[dict]) -> None:
    summary = dict(job.summary)
    before = possible_match_lines(summary["possible_matches"])
    summary["possible_matches"] = items
    summary["lines"] = [
        line for line in summary.get("lines", []) if line not in before
    ] + possible_match_lines(items)
    job.summary = summary


def _answer_people(job: ImportJob, items: list[dict]) -> None:
    """The answers go with the file to the worker, which imports it with them."""
    for item in items:
        item["outcome"] = LINKED.format(member=item["stored"]) if item["decision"] == SAME else ""
    # Answers given before (a file asked about twice, as members joined meanwhile) still hold.
    members = {**(job.answers or {}).get("members", {}), **people_answers(items)}
    job.answers = {**(job.answers or {}), "members": members}
    job.status = ImportJob.Status.QUEUED
    job.progress, job.started_at, job.finished_at = 0, None, None
    _store(job, items)
    job.save(
        update_fields=["answers", "status", "progress", "started_at", "finished_at", "summary"]
    )
    transaction.on_commit(lambda: signals.import_job_queued.send(sender=ImportJob, job_id=job.pk))


def _answer_contacts(job: ImportJob, items: list[dict], parsed: dict[int, str]) -> None:
    for number in sorted(parsed):
        items[number - 1]["outcome"] = _contact_answer(job, items[number - 1], parsed[number])
    _store(job, items)
    job.save(update_fields=["summary"])
    if any(decision == SAME for decision in parsed.values()):
        people_services.history_changed(job.owner_id)


def _can_answer(job: ImportJob) -> bool:
    if job.kind == ImportJob.Kind.PEOPLE:
        return job.status == ImportJob.Status.CONFIRMING
    return job.status == ImportJob.Status.DONE


def _same_answers_again(items: list[dict], answers: Mapping[str, str]) -> bool:
    """Every answer given is the one already recorded for that match."""
    return all(item["decision"] for item in items) and all(
        str(key).isdigit()
        and 1 <= int(key) <= len(items)
        and items[int(key) - 1]["decision"] == value
        for key, value in answers.items()
    )


@transaction.atomic
def import_matches_answer(
    *, job: ImportJob, actor: Member, answers: Mapping[str, str]
) -> ImportJob:
    """The importer's answers (match number → ``same`` or ``different``), all or nothing.

    Every match still waiting must be answered. Answers given before may be given again
    unchanged (nothing happens); a different answer to one is refused.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.owner_id != actor.pk:
        raise PermissionDenied(NOT_YOURS)
    items = [dict(item) for _, item in waiting_matches(job)]
    if not items:
        raise ValidationError(NOTHING_WAITING)
    if not _can_answer(job) or all(item["decision"] for item in items):
        if answers and _same_answers_again(items, answers):
            return job
        raise ValidationError(NOTHING_WAITING)
    parsed = _parsed(items, answers)
    for number, decision in parsed.items():
        items[number - 1]["decision"] = decision
    _one_member_once(items)
    if job.kind == ImportJob.Kind.PEOPLE:
        _answer_people(job, items)
    else:
        _answer_contacts(job, items, parsed)
    audit(
        actor=actor,
        action=AuditEvent.IMPORT_MATCHES_ANSWER,
        subject=job,
        same=sum(1 for decision in parsed.values() if decision == SAME),
        different=sum(1 for decision in parsed.values() if decision == DIFFERENT),
    )
    return job
