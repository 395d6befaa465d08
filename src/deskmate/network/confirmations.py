"""The member's answers to what an import asked: merge a maybe-matching stint, or keep both.

An import never merges a stint that only maybe matches one stored
(:mod:`deskmate.network.history_merge`): it keeps the incoming record on the job,
with both versions in words. Here the member (or the admin who ran a people
import) answers item by item. "Merge" brings the stored stint up to date as a
certain match would, and keeps the file's title or degree as another name of it,
so the next import of the same file matches it without asking; "keep both" adds
the incoming stint. A stored stint deleted in between is no reason to lose the
incoming one: it is added. Every answer is written once, all or nothing.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from deskmate.core.audit import AuditEvent, audit
from deskmate.network.history_merge import (
    History,
    education_fields_update,
    education_merge,
    incoming_education_from_dict,
    incoming_position_from_dict,
    position_fields_update,
    position_merge,
)
from deskmate.network.import_summary import (
    KEEP_BOTH,
    MERGE,
    ImportSummary,
    confirmation_lines,
)
from deskmate.network.models import ImportJob
from deskmate.people.models import Education, Member, Position

DECISIONS = {MERGE: "Merge them", KEEP_BOTH: "Keep both"}
NOTHING_WAITING = "This import has nothing waiting for your confirmation."
CHOOSE_ONE = "Choose “Merge them” or “Keep both” for at least one entry."
NO_SUCH_ITEM = "there is no entry {number} waiting for your confirmation"
ALREADY_DECIDED = "entry {number} was decided already"
NOT_A_DECISION = "“{value}” is not a choice: answer “merge” or “keep_both”"
NOT_YOURS = "Only the person who ran this import can answer for it."
MERGED = "merged into {stored}"
KEPT_BOTH = "kept as a separate entry"
ALREADY_THERE = "already there, left alone"
GONE = "the entry to merge it into is gone, so it was added"


def waiting_items(job: ImportJob) -> list[tuple[int, dict]]:
    """The job's entries still waiting, each with the number the member answers by (from 1)."""
    items = (job.summary or {}).get("to_confirm") or []
    return [(number, item) for number, item in enumerate(items, start=1) if not item["decision"]]


def _parsed(items: list[dict], decisions: Mapping[str, str]) -> dict[int, str]:
    """Entry number → answer; every bad answer named by its entry, all at once."""
    errors: dict[str, list[str]] = {}
    parsed: dict[int, str] = {}
    for key, value in decisions.items():
        number = int(key) if str(key).isdigit() else 0
        if not 1 <= number <= len(items):
            errors[str(key)] = [NO_SUCH_ITEM.format(number=key)]
        elif items[number - 1]["decision"]:
            errors[str(key)] = [ALREADY_DECIDED.format(number=number)]
        elif value not in DECISIONS:
            errors[str(key)] = [NOT_A_DECISION.format(value=value)]
        else:
            parsed[number] = value
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError(CHOOSE_ONE)
    return parsed


def _outcome(summary: ImportSummary) -> str:
    for outcome in summary.kinds.values():
        if outcome.added:
            return KEPT_BOTH
        if outcome.updated or outcome.left_alone:
            return ALREADY_THERE
    return ALREADY_THERE


@dataclass(frozen=True)
class _StintKind:
    """How one kind of stint is read back from an entry, merged into, or added."""

    stored: Callable[[], QuerySet]
    incoming_from_dict: Callable
    fields_update: Callable
    merge: Callable


_KINDS = {
    "positions": _StintKind(
        stored=lambda: Position.objects.select_related("organisation", "unit"),
        incoming_from_dict=incoming_position_from_dict,
        fields_update=position_fields_update,
        merge=position_merge,
    ),
    "education": _StintKind(
        stored=lambda: Education.objects.select_related("school"),
        incoming_from_dict=incoming_education_from_dict,
        fields_update=education_fields_update,
        merge=education_merge,
    ),
}


def _answer(item: dict, decision: str, actor: Member | None) -> str:
    kind = _KINDS[item["kind"]]
    member = Member.objects.get(pk=item["member"])
    incoming = kind.incoming_from_dict(item["record"])
    stored = kind.stored().filter(pk=item["stint"], member=member).first()
    summary = ImportSummary()
    if decision == MERGE and stored is not None:
        kind.fields_update(
            same=stored,
            actor=actor,
            source=item["source"],
            incoming=incoming,
            summary=summary,
            confirmed=True,
        )
        return MERGED.format(stored=item["stored"])
    kind.merge(
        history=History(member),
        actor=actor,
        source=item["source"],
        incoming=incoming,
        summary=summary,
        ask=False,
    )
    return GONE if decision == MERGE else _outcome(summary)


@transaction.atomic
def import_confirm(*, job: ImportJob, actor: Member, decisions: Mapping[str, str]) -> ImportJob:
    """Carry out the member's answers (entry number → ``merge`` or ``keep_both``).

    Entries left unanswered keep waiting. Refused whole, naming each bad entry, when an
    answer is unknown or given twice.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.owner_id != actor.pk:
        raise PermissionDenied(NOT_YOURS)
    if job.status != ImportJob.Status.DONE or not waiting_items(job):
        raise ValidationError(NOTHING_WAITING)
    summary = dict(job.summary)
    items = [dict(item) for item in summary["to_confirm"]]
    before = confirmation_lines(items)
    for number, decision in sorted(_parsed(items, decisions).items()):
        item = items[number - 1]
        # An education entry's member may have been the importer's own or, in a people
        # file, anyone's; either way the member is the one stored with the entry.
        item["outcome"] = _answer(item, decision, actor)
        item["decision"] = decision
    summary["to_confirm"] = items
    summary["lines"] = [
        line for line in summary.get("lines", []) if line not in before
    ] + confirmation_lines(items)
    job.summary = summary
    job.save(update_fields=["summary"])
    audit(
        actor=actor,
        action=AuditEvent.IMPORT_CONFIRM,
        subject=job,
        merged=sum(1 for i in items if i["decision"] == MERGE),
        kept_both=sum(1 for i in items if i["decision"] == KEEP_BOTH),
        waiting=sum(1 for i in items if not i["decision"]),
    )
    return job
