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

A match that is only likely (same organisation, overlapping dates and the same
start month or a similar title, but another title; same school and overlapping
dates, but another degree wording) is neither merged nor added: the import lists
it as waiting for the member's confirmation, with both versions
(:mod:`deskmate.network.confirmations` carries out the answer).
"""

import datetime as dt
import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from deskmate.core.audit import AuditEvent, audit_many
from deskmate.importing.dates import PartialDate, Precision
from deskmate.importing.merge import date_within, span_of_dates, span_of_partials, spans_compatible
from deskmate.importing.names import normalise_title
from deskmate.network.import_summary import ImportSummary
from deskmate.people import services as people_services
from deskmate.people.models import Education, Member, Organisation, Position, School, Unit

UNTITLED = "(untitled)"
QUOTED_AT_MOST = 60
#: Why an incoming stint waits for the member's confirmation.
OTHER_TITLE_SAME_START = "same organisation and start, but another title"
SIMILAR_TITLE = "same organisation and overlapping dates, but a similar title"
OTHER_DEGREE = "same school and overlapping dates, but another degree"
#: How alike two normalised titles must be (``difflib`` ratio) to be maybe the same role.
SIMILAR_AT_LEAST = 0.6


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

    def __init__(
        self,
        member: Member,
        positions: list[Position] | None = None,
        education: list[Education] | None = None,
    ):
        """Read the member's stints, unless the caller read them already."""
        self.member = member
        if positions is None:
            positions = list(
                Position.objects.filter(member=member).select_related("organisation", "unit")
            )
        if education is None:
            education = list(Education.objects.filter(member=member).select_related("school"))
        self.positions, self.education = positions, education
        #: The stints this import made (by ``id``): never "maybe the same" as another row.
        self.made: set[int] = set()

    def stored_before(self, stint: Position | Education) -> bool:
        return stint.pk is not None and id(stint) not in self.made


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


def _called(stored: str, also_called: list, key: str) -> bool:
    """Whether a stint's title (or degree) or a name the member confirmed for it is ``key``."""
    return normalise_title(stored) == key or key in (also_called or ())


def _position_candidates(history: History, organisation_id: int, incoming: IncomingPosition):
    span = span_of_partials(incoming.start, incoming.end)
    return [
        position
        for position in history.positions
        if position.organisation_id == organisation_id
        and spans_compatible(span_of_dates(position.start, position.end), span)
    ]


def _matching_position(history: History, organisation_id: int, incoming: IncomingPosition):
    candidates = _position_candidates(history, organisation_id, incoming)
    title = normalise_title(incoming.title)
    if not title:
        return candidates[0] if len(candidates) == 1 else None
    return next((p for p in candidates if _called(p.title, p.also_called, title)), None)


def _similar(first: str, second: str) -> bool:
    """Titles alike enough to be one role written two ways ("Senior Engineer", "Engineer II").

    >>> _similar("senior software engineer", "software engineer")
    True
    >>> _similar("engineering manager", "product designer")
    False
    """
    words, others = set(first.split()), set(second.split())
    if words and others and (words <= others or others <= words):
        return True
    return difflib.SequenceMatcher(None, first, second).ratio() >= SIMILAR_AT_LEAST


def _uncertain_position(history: History, organisation_id: int, incoming: IncomingPosition):
    """A stored position the incoming one may be, and why it is only maybe; or ``None``."""
    title = normalise_title(incoming.title)
    if not title:
        return None
    for position in _position_candidates(history, organisation_id, incoming):
        if not history.stored_before(position) or not normalise_title(position.title):
            continue
        if date_within(position.start, _month_of(incoming.start)):
            return position, OTHER_TITLE_SAME_START
        if _similar(normalise_title(position.title), title):
            return position, SIMILAR_TITLE
    return None


def _month_of(partial: PartialDate) -> PartialDate:
    """The month a date falls in, or the year when only the year is known."""
    if partial.precision is Precision.DAY:
        return PartialDate.month(partial.date.year, partial.date.month)
    return partial


def _position_fields_merge(same: Position, source: str, incoming: IncomingPosition) -> FieldMerge:
    merge = FieldMerge(owned=same.source == source)
    merge.text("unit", "the unit", same.unit.name if same.unit else "", incoming.unit)
    merge.text("description", "the description", same.description, incoming.description)
    merge.text("location", "the location", same.location, incoming.location)
    merge.date("start", "the start date", same.start, incoming.start)
    merge.date("end", "the end date", same.end, incoming.end)
    return merge


# What waits for the member's confirmation: both versions in words, and the incoming record.


def _span_text(start: str, end: str) -> str:
    return f"{start} – {end}" if start else (f"until {end}" if end != "now" else "")


def _stored_span(start: dt.date | None, end: dt.date | None) -> str:
    return _span_text(f"{start:%b %Y}" if start else "", f"{end:%b %Y}" if end else "now")


def _incoming_span(start: PartialDate | None, end: PartialDate | None) -> str:
    return _span_text(format_partial(start) if start else "", format_partial(end) if end else "now")


def _described(what: str, span: str) -> str:
    return f"{what}, {span}" if span else what


def _partial_as_dict(partial: PartialDate | None) -> dict | None:
    if partial is None:
        return None
    return {"date": partial.date.isoformat(), "precision": str(partial.precision)}


def partial_from_dict(data: dict | None) -> PartialDate | None:
    if not data:
        return None
    return PartialDate(dt.date.fromisoformat(data["date"]), Precision(data["precision"]))


def incoming_as_dict(incoming: IncomingPosition | IncomingEducation) -> dict:
    record = asdict(incoming)
    record["start"] = _partial_as_dict(incoming.start)
    record["end"] = _partial_as_dict(incoming.end)
    return record


def incoming_position_from_dict(record: dict) -> IncomingPosition:
    start = partial_from_dict(record["start"])
    assert start is not None
    return IncomingPosition(
        **{**record, "start": start, "end": partial_from_dict(record.get("end"))}
    )


def incoming_education_from_dict(record: dict) -> IncomingEducation:
    return IncomingEducation(
        **{
            **record,
            "start": partial_from_dict(record.get("start")),
            "end": partial_from_dict(record.get("end")),
        }
    )


def _position_text(position: Position) -> str:
    unit = f" ({position.unit.name})" if position.unit_id and position.unit else ""
    what = f"{position.title} at {position.organisation.name}{unit}"
    return _described(what, _stored_span(position.start, position.end))


def _incoming_position_text(incoming: IncomingPosition) -> str:
    unit = f" ({incoming.unit.strip()})" if incoming.unit.strip() else ""
    what = f"{incoming.title.strip() or UNTITLED} at {incoming.organisation.strip()}{unit}"
    return _described(what, _incoming_span(incoming.start, incoming.end))


def _education_text(education: Education) -> str:
    return _described(str(education), _stored_span(education.start, education.end))


def _incoming_education_text(incoming: IncomingEducation) -> str:
    what = ", ".join(part for part in (incoming.degree.strip(), incoming.field.strip()) if part)
    school = incoming.school.strip()
    return _described(
        f"{what} at {school}" if what else school, _incoming_span(incoming.start, incoming.end)
    )


def _ask(
    summary: ImportSummary,
    kind: str,
    *,
    history: History,
    uncertain: tuple,
    source: str,
    incoming: IncomingPosition | IncomingEducation,
) -> None:
    """Keep the incoming stint for the member to confirm: it only maybe matches ``stored``."""
    stored, why = uncertain
    if kind == "positions":
        texts = (_position_text(stored), _incoming_position_text(incoming))  # type: ignore[arg-type]
    else:
        texts = (_education_text(stored), _incoming_education_text(incoming))  # type: ignore[arg-type]
    summary.to_confirm(
        kind,
        {
            "member": history.member.pk,
            "stint": stored.pk,
            "source": source,
            "why": why,
            "stored": texts[0],
            "incoming": texts[1],
            "record": incoming_as_dict(incoming),
        },
    )


def position_merge(
    *,
    history: History,
    actor: Member | None,
    source: str,
    incoming: IncomingPosition,
    summary: ImportSummary,
    ask: bool = True,
) -> None:
    """Add the incoming position, or bring the matching one up to date with it.

    A position that only maybe matches one the member has waits for their confirmation,
    unless ``ask`` is false (the member answered "keep both").
    """
    organisation = people_services.organisation_get_or_create(name=incoming.organisation)
    same = _matching_position(history, organisation.pk, incoming)
    uncertain = _uncertain_position(history, organisation.pk, incoming) if ask else None
    if same is None and uncertain is not None:
        _ask(
            summary,
            "positions",
            history=history,
            uncertain=uncertain,
            source=source,
            incoming=incoming,
        )
        return
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
        history.made.add(id(created))
        summary.added("positions", _position_label(created))
        return
    position_fields_update(
        same=same, actor=actor, source=source, incoming=incoming, summary=summary
    )


def position_fields_update(
    *,
    same: Position,
    actor: Member | None,
    source: str,
    incoming: IncomingPosition,
    summary: ImportSummary,
    confirmed: bool = False,
) -> None:
    """Bring ``same`` up to date with the incoming position.

    ``confirmed``: the member said the two are one, though the titles differ; the title is
    then merged as the other fields are, and the file's title is kept as another name of it.
    """
    merge = _position_fields_merge(same, source, incoming)
    if confirmed:
        merge.text("title", "the title", same.title, incoming.title)
        _also_called(same, incoming.title)
    if merge.values or confirmed:
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


def _also_called(stint: Position | Education, name: str) -> None:
    """Keep ``name`` as another name of the stint, for the next import to match."""
    key = normalise_title(name)
    current = normalise_title(stint.title if isinstance(stint, Position) else stint.degree)
    if key and key != current and key not in stint.also_called:
        stint.also_called = [*stint.also_called, key]


def _education_candidates(history: History, school_id: int, incoming: IncomingEducation):
    span = span_of_partials(incoming.start, incoming.end)
    return [
        education
        for education in history.education
        if education.school_id == school_id
        and spans_compatible(span_of_dates(education.start, education.end), span)
    ]


def _matching_education(history: History, school_id: int, incoming: IncomingEducation):
    degree = normalise_title(incoming.degree)
    candidates = [
        education
        for education in _education_candidates(history, school_id, incoming)
        if not degree
        or not education.degree
        or _called(education.degree, education.also_called, degree)
    ]
    exact = [e for e in candidates if _called(e.degree, e.also_called, degree)]
    chosen = exact or candidates
    return chosen[0] if chosen else None


def _uncertain_education(history: History, school_id: int, incoming: IncomingEducation):
    """A stored education at the same school and time, with another degree wording."""
    if not normalise_title(incoming.degree):
        return None
    for education in _education_candidates(history, school_id, incoming):
        if history.stored_before(education) and normalise_title(education.degree):
            return education, OTHER_DEGREE
    return None


def _education_fields_merge(
    same: Education, source: str, incoming: IncomingEducation
) -> FieldMerge:
    merge = FieldMerge(owned=same.source == source)
    merge.text("degree", "the degree", same.degree, incoming.degree)
    merge.text("field", "the field", same.field, incoming.field)
    merge.date("start", "the start date", same.start, incoming.start)
    merge.date("end", "the end date", same.end, incoming.end)
    return merge


def education_merge(
    *,
    history: History,
    actor: Member | None,
    source: str,
    incoming: IncomingEducation,
    summary: ImportSummary,
    ask: bool = True,
) -> None:
    """Add the incoming education, or bring the matching one up to date with it.

    As with positions, one that only maybe matches waits for the member, unless ``ask`` is
    false.
    """
    school = people_services.school_get_or_create(name=incoming.school)
    same = _matching_education(history, school.pk, incoming)
    uncertain = _uncertain_education(history, school.pk, incoming) if ask else None
    if same is None and uncertain is not None:
        _ask(
            summary,
            "education",
            history=history,
            uncertain=uncertain,
            source=source,
            incoming=incoming,
        )
        return
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
        history.made.add(id(created))
        summary.added("education", str(created))
        return
    education_fields_update(
        same=same, actor=actor, source=source, incoming=incoming, summary=summary
    )


def education_fields_update(
    *,
    same: Education,
    actor: Member | None,
    source: str,
    incoming: IncomingEducation,
    summary: ImportSummary,
    confirmed: bool = False,
) -> None:
    """Bring ``same`` up to date with the incoming education (``confirmed``: as for positions)."""
    merge = _education_fields_merge(same, source, incoming)
    if confirmed:
        _also_called(same, incoming.degree)
    if merge.values or confirmed:
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


# Set-based merging, for exports of many people: the same rules, written in batches.

#: Rows per query and per insert or update when an import writes in bulk.
BULK_BATCH = 1000
# A stint is checked before a bulk write on its own fields and ``clean``: the foreign keys
# are the records this import just resolved, and the check constraints are what ``clean``
# already enforces (checking them would cost a query each).


def chunked(items: list, size: int = BULK_BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class HistoryWriter:
    """Shared names resolved once, and the stints an import adds or changes, written at the end.

    A bulk import builds a :class:`History` per member without a query (``histories_read``
    reads them all first), merges into it as :func:`position_merge` would, and ``flush``
    writes what changed in a few inserts and updates, with one audit entry per record as the
    services write them one by one.
    """

    def __init__(self, *, actor: Member | None, source: str):
        self.actor = actor
        self.source = source
        self._named: dict[tuple, object] = {}
        self.new_positions: list[Position] = []
        self.changed_positions: dict[int, Position] = {}
        self.new_education: list[Education] = []
        self.changed_education: dict[int, Education] = {}

    def preload(self, *, organisations=(), schools=(), units=()) -> None:
        """Read the organisations, schools and units named in the file in a few queries.

        ``units`` are (organisation name, unit name) pairs: the units of the organisations
        found are read together, so that a file of many rows sharing a few teams costs one
        query for all of them (plus one insert for each team new to deskmate).
        """
        for model, names in ((Organisation, organisations), (School, schools)):
            normalised = sorted({model.normalise(" ".join(n.split())) for n in names} - {""})
            for chunk in chunked(normalised):
                for record in model.objects.filter(normalised_name__in=chunk):
                    self._named[(model, record.normalised_name)] = record
        self._preload_units(units)

    def _preload_units(self, units) -> None:
        by_org: dict[int, Organisation] = {}
        wanted: set[str] = set()
        for organisation_name, unit_name in units:
            key = (Organisation, Organisation.normalise(" ".join(organisation_name.split())))
            organisation = self._named.get(key)
            normalised = Unit.normalise(" ".join((unit_name or "").split()))
            if isinstance(organisation, Organisation) and normalised:
                by_org[organisation.pk] = organisation
                wanted.add(normalised)
        if not by_org:
            return
        for chunk in chunked(sorted(wanted)):
            for record in Unit.objects.filter(
                organisation_id__in=sorted(by_org), normalised_name__in=chunk
            ):
                organisation = by_org[record.organisation_id]
                self._named[(Unit, record.normalised_name, organisation)] = record

    def _get(self, model, name: str, get_or_create, **extra):
        key = (model, model.normalise(" ".join((name or "").split())), *extra.values())
        found = self._named.get(key)
        if found is None:
            found = self._named[key] = get_or_create(name=name, **extra)
        return found

    def organisation(self, name: str) -> Organisation:
        return self._get(Organisation, name, people_services.organisation_get_or_create)

    def unit(self, organisation: Organisation, name: str) -> Unit | None:
        if not (name or "").strip():
            return None
        return self._get(Unit, name, people_services.unit_get_or_create, organisation=organisation)

    def school(self, name: str) -> School:
        try:
            return self._get(School, name, people_services.school_get_or_create)
        except ValidationError:
            raise ValidationError({"school": "Name the school."}) from None

    @property
    def member_ids(self) -> set[int]:
        """Every member whose history this import changes."""
        stints = [
            *self.new_positions,
            *self.changed_positions.values(),
            *self.new_education,
            *self.changed_education.values(),
        ]
        return {stint.member_id for stint in stints}

    def flush(self) -> None:
        """Write the stints; members created by the import must be saved before."""
        _stints_write(self.actor, Position, self.new_positions, self.changed_positions)
        _stints_write(self.actor, Education, self.new_education, self.changed_education)


def _stints_write(actor: Member | None, model: Any, created: list, changed: dict) -> None:
    events = {
        Position: (AuditEvent.POSITION_CREATE, AuditEvent.POSITION_UPDATE, POSITION_FIELDS),
        Education: (AuditEvent.EDUCATION_CREATE, AuditEvent.EDUCATION_UPDATE, EDUCATION_FIELDS),
    }
    created_event, changed_event, fields = events[model]
    for stint in created:
        stint.member_id = stint.member.pk
    model.objects.bulk_create(created, batch_size=BULK_BATCH)
    model.objects.bulk_update(list(changed.values()), fields, batch_size=BULK_BATCH)
    audit_many(actor=actor, action=created_event, subjects=created)
    audit_many(actor=actor, action=changed_event, subjects=list(changed.values()))


POSITION_FIELDS = ["organisation", "unit", "title", "start", "end", "description", "location"]
EDUCATION_FIELDS = ["school", "degree", "field", "start", "end"]


def histories_read(members: list[Member]) -> dict[int, History]:
    """The histories of members already stored, in a few queries: member id → history."""
    histories = {member.pk: History(member, [], []) for member in members}
    ids = sorted(histories)
    for chunk in chunked(ids):
        for position in Position.objects.filter(member_id__in=chunk).select_related(
            "organisation", "unit"
        ):
            histories[position.member_id].positions.append(position)
        for education in Education.objects.filter(member_id__in=chunk).select_related("school"):
            histories[education.member_id].education.append(education)
    return histories


def _checked(record, *related: str) -> None:
    """Validate a stint about to be bulk-written; ``related`` rows are already checked."""
    record.full_clean(exclude=list(related), validate_unique=False, validate_constraints=False)


def position_merge_pending(
    *,
    history: History,
    writer: HistoryWriter,
    incoming: IncomingPosition,
    summary: ImportSummary,
) -> None:
    """:func:`position_merge` without writing: what changes waits in ``writer``."""
    organisation = writer.organisation(incoming.organisation)
    same = _matching_position(history, organisation.pk, incoming)
    uncertain = _uncertain_position(history, organisation.pk, incoming) if same is None else None
    if uncertain is not None:
        _ask(
            summary,
            "positions",
            history=history,
            uncertain=uncertain,
            source=writer.source,
            incoming=incoming,
        )
        return
    if same is None:
        created = Position(
            member=history.member,
            source=writer.source,
            organisation=organisation,
            unit=writer.unit(organisation, incoming.unit),
            title=(incoming.title.strip() or UNTITLED).strip(),
            start=incoming.start.first_day,
            end=incoming.end.first_day if incoming.end else None,
            description=incoming.description or "",
            location=incoming.location or "",
        )
        _checked(created, "member", "organisation", "unit")
        history.positions.append(created)
        writer.new_positions.append(created)
        summary.added("positions", _position_label(created))
        return
    merge = _position_fields_merge(same, writer.source, incoming)
    if merge.values:
        values = dict(merge.values)
        if "unit" in values:
            values["unit"] = writer.unit(same.organisation, values["unit"])
        for name, value in values.items():
            setattr(same, name, value)
        _checked(same, "member", "organisation", "unit")
        if same.pk is not None:
            writer.changed_positions[same.pk] = same
    _report(summary, "positions", _position_label(same), merge)


def education_merge_pending(
    *,
    history: History,
    writer: HistoryWriter,
    incoming: IncomingEducation,
    summary: ImportSummary,
) -> None:
    """:func:`education_merge` without writing: what changes waits in ``writer``."""
    school = writer.school(incoming.school)
    same = _matching_education(history, school.pk, incoming)
    uncertain = _uncertain_education(history, school.pk, incoming) if same is None else None
    if uncertain is not None:
        _ask(
            summary,
            "education",
            history=history,
            uncertain=uncertain,
            source=writer.source,
            incoming=incoming,
        )
        return
    if same is None:
        created = Education(
            member=history.member,
            source=writer.source,
            school=school,
            degree=(incoming.degree or "").strip(),
            field=(incoming.field or "").strip(),
            start=incoming.start.first_day if incoming.start else None,
            end=incoming.end.first_day if incoming.end else None,
        )
        _checked(created, "member", "school")
        history.education.append(created)
        writer.new_education.append(created)
        summary.added("education", str(created))
        return
    merge = _education_fields_merge(same, writer.source, incoming)
    if merge.values:
        for name, value in merge.values.items():
            setattr(same, name, value)
        _checked(same, "member", "school")
        if same.pk is not None:
            writer.changed_education[same.pk] = same
    _report(summary, "education", str(same), merge)
