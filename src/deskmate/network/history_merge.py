"""Merging imported positions and education into the history a member already has.

An incoming stint that matches one the member has (same organisation or school
by normalised name, dates overlapping at month precision, titles or degrees
equal once normalised) updates it; anything else is added.  A match is
updated only with what the file knows: an empty cell never clears a value,
and what the file does not carry (the unit, a description) stays.  A stint
the member typed or corrected, or that another source brought in, only has
its blanks filled: where the file says something else, the stored value is
kept and the summary says so.  A stint the same source brought in and nobody
edited since follows the file.
"""

import datetime as dt
from dataclasses import dataclass, field

from deskmate.importing.dates import PartialDate, Precision
from deskmate.importing.merge import date_within, span_of_dates, span_of_partials, spans_compatible
from deskmate.importing.names import normalise_title
from deskmate.network.import_summary import ImportSummary
from deskmate.people import services as people_services
from deskmate.people.models import Education, Member, Position

UNTITLED = "(untitled)"
QUOTED_AT_MOST = 60


@dataclass(frozen=True)
class IncomingPosition:
    organisation: str
    title: str
    start: PartialDate
    end: PartialDate | None
    unit: str = ""
    description: str = ""
    location: str = ""


@dataclass(frozen=True)
class IncomingEducation:
    school: str
    start: PartialDate | None
    end: PartialDate | None
    degree: str = ""
    field: str = ""


class History:
    """A member's stints, read once per import and kept current as the import adds to them."""

    def __init__(self, member: Member):
        self.member = member
        self.positions = list(
            Position.objects.filter(member=member).select_related("organisation", "unit")
        )
        self.education = list(Education.objects.filter(member=member).select_related("school"))


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def format_partial(partial: PartialDate) -> str:
    if partial.precision is Precision.YEAR:
        return str(partial.date.year)
    if partial.precision is Precision.MONTH:
        return f"{partial.date:%b %Y}"
    return format_date(partial.date)


def quoted(text: str) -> str:
    """Text shown in a reason, on one line and cut short."""
    text = " ".join(text.split())
    if len(text) > QUOTED_AT_MOST:
        text = text[: QUOTED_AT_MOST - 1].rstrip() + "…"
    return f'"{text}"'


def _same_text(stored: str, incoming: str) -> bool:
    return normalise_title(stored) == normalise_title(incoming)


@dataclass
class FieldMerge:
    """The new values for one matched stint, what changed and what was kept."""

    owned: bool
    values: dict = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def text(self, name: str, label: str, stored: str, incoming: str) -> None:
        incoming = (incoming or "").strip()
        if not incoming or _same_text(stored, incoming):
            return
        if not stored:
            self.values[name] = incoming
            self.changes.append(f"{label} filled in")
        elif self.owned:
            self.values[name] = incoming
            self.changes.append(f"{label} changed to {quoted(incoming)}")
        else:
            self.kept.append(f"kept {label} {quoted(stored)} (the file says {quoted(incoming)})")

    def date(
        self, name: str, label: str, stored: dt.date | None, incoming: PartialDate | None
    ) -> None:
        if incoming is None or date_within(stored, incoming):
            return
        shown = format_partial(incoming)
        if stored is None:
            self.values[name] = incoming.first_day
            self.changes.append(f"{label} filled in ({shown})")
        elif self.owned:
            self.values[name] = incoming.first_day
            self.changes.append(f"{label} changed to {shown}")
        else:
            self.kept.append(f"kept {label} {format_date(stored)} (the file says {shown})")


def _report(summary: ImportSummary, kind: str, item: str, merge: FieldMerge) -> None:
    if merge.changes:
        summary.updated(kind, item, merge.changes, merge.kept)
    elif merge.kept:
        summary.left_alone(kind, item, "; ".join(merge.kept))
    else:
        summary.left_alone(kind, item)


def _position_label(position: Position) -> str:
    return f"{position.title} at {position.organisation.name}"


def _matching_position(history: History, organisation_id: int, incoming: IncomingPosition):
    span = span_of_partials(incoming.start, incoming.end)
    candidates = [
        position
        for position in history.positions
        if position.organisation_id == organisation_id
        and spans_compatible(span_of_dates(position.start, position.end), span)
    ]
    title = normalise_title(incoming.title)
    if not title:
        return candidates[0] if len(candidates) == 1 else None
    return next((p for p in candidates if normalise_title(p.title) == title), None)


def position_merge(
    *,
    history: History,
    actor: Member | None,
    source: str,
    incoming: IncomingPosition,
    summary: ImportSummary,
) -> None:
    """Add the incoming position, or bring the matching one up to date with it."""
    organisation = people_services.organisation_get_or_create(name=incoming.organisation)
    same = _matching_position(history, organisation.pk, incoming)
    if same is None:
        created = people_services.position_create(
            member=history.member,
            actor=actor,
            source=source,
            organisation=incoming.organisation,
            title=incoming.title.strip() or UNTITLED,
            start=incoming.start.first_day,
            end=incoming.end.first_day if incoming.end else None,
            unit=incoming.unit,
            description=incoming.description,
            location=incoming.location,
        )
        history.positions.append(created)
        summary.added("positions", _position_label(created))
        return
    merge = FieldMerge(owned=same.source == source)
    merge.text("unit", "the unit", same.unit.name if same.unit else "", incoming.unit)
    merge.text("description", "the description", same.description, incoming.description)
    merge.text("location", "the location", same.location, incoming.location)
    merge.date("start", "the start date", same.start, incoming.start)
    merge.date("end", "the end date", same.end, incoming.end)
    if merge.values:
        current = {
            "organisation": same.organisation.name,
            "title": same.title,
            "unit": same.unit.name if same.unit else "",
            "description": same.description,
            "location": same.location,
            "start": same.start,
            "end": same.end,
        }
        people_services.position_update(
            position=same, actor=actor, keep_source=True, **{**current, **merge.values}
        )
    _report(summary, "positions", _position_label(same), merge)


def _matching_education(history: History, school_id: int, incoming: IncomingEducation):
    span = span_of_partials(incoming.start, incoming.end)
    degree = normalise_title(incoming.degree)
    candidates = [
        education
        for education in history.education
        if education.school_id == school_id
        and spans_compatible(span_of_dates(education.start, education.end), span)
        and (not degree or not education.degree or normalise_title(education.degree) == degree)
    ]
    exact = [e for e in candidates if normalise_title(e.degree) == degree]
    chosen = exact or candidates
    return chosen[0] if chosen else None


def education_merge(
    *,
    history: History,
    actor: Member | None,
    source: str,
    incoming: IncomingEducation,
    summary: ImportSummary,
) -> None:
    """Add the incoming education, or bring the matching one up to date with it."""
    school = people_services.school_get_or_create(name=incoming.school)
    same = _matching_education(history, school.pk, incoming)
    if same is None:
        created = people_services.education_create(
            member=history.member,
            actor=actor,
            source=source,
            school=incoming.school,
            degree=incoming.degree,
            field=incoming.field,
            start=incoming.start.first_day if incoming.start else None,
            end=incoming.end.first_day if incoming.end else None,
        )
        history.education.append(created)
        summary.added("education", str(created))
        return
    merge = FieldMerge(owned=same.source == source)
    merge.text("degree", "the degree", same.degree, incoming.degree)
    merge.text("field", "the field", same.field, incoming.field)
    merge.date("start", "the start date", same.start, incoming.start)
    merge.date("end", "the end date", same.end, incoming.end)
    if merge.values:
        current = {
            "school": same.school.name,
            "degree": same.degree,
            "field": same.field,
            "start": same.start,
            "end": same.end,
        }
        people_services.education_update(
            education=same, actor=actor, keep_source=True, **{**current, **merge.values}
        )
    _report(summary, "education", str(same), merge)
