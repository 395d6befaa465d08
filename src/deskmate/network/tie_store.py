"""Ties between members: read the community out of the database, let the engine
compute the ties, and store them so pages read them quickly.

The evidence of each tie is stored as JSON with member ids (not engine indices)
so that a stored tie still reads right after members join or leave.
"""

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from deskmate.engine.ties import (
    Community,
    Contacts,
    Educations,
    Evidence,
    EvidenceKind,
    InteractionKind,
    Interactions,
    Positions,
    TieTable,
    compute_ties,
    compute_ties_touching,
)
from deskmate.network.models import Contact, Interaction, Tie
from deskmate.people.models import Education, Member, Position

INTERACTION_KINDS = {
    Interaction.Kind.LUNCH: InteractionKind.LUNCH,
    Interaction.Kind.TALKING_SHOP: InteractionKind.TALKING_SHOP,
    Interaction.Kind.MEETING: InteractionKind.MEETING,
    Interaction.Kind.CALL: InteractionKind.CALL,
}
BATCH = 5000


def programme_key(school_id: int, degree: str, field: str) -> tuple[int, str, str]:
    return (school_id, " ".join(degree.lower().split()), " ".join(field.lower().split()))


def programme_name(degree: str, field: str) -> str:
    return ", ".join(part for part in (degree.strip(), field.strip()) if part)


@dataclass
class CommunityArrays:
    """The community as the engine sees it, with the maps back to database ids."""

    community: Community
    member_ids: np.ndarray  # engine index → member id
    programme_names: dict[int, str]
    #: Each position's title, in the order of ``community.positions`` (read for local communities).
    position_titles: list[str] | None = None

    def index_of(self, member_ids) -> np.ndarray:
        return np.searchsorted(self.member_ids, np.asarray(list(member_ids), dtype=np.int64))


def community_load(*, member_ids=None, histories_only: bool = False) -> CommunityArrays:
    """Everything the tie engine needs, read with a handful of queries.

    With ``member_ids``, only the histories, contacts and interactions of those
    members are read (a local community, for one viewer's page); with
    ``histories_only``, contacts and interactions are left out (the places two
    members share come from their histories alone).
    """
    if member_ids is None:
        members = Member.objects.filter(user__is_active=True)
    else:
        # The caller chose these members (and their visibility); read them all.
        members = Member.objects.filter(pk__in=list(member_ids))
    ids = np.array(sorted(members.values_list("pk", flat=True)), dtype=np.int64)
    known = set(ids.tolist()) if member_ids is not None else None

    def index(values) -> np.ndarray:
        return np.searchsorted(ids, np.asarray(values, dtype=np.int64))

    positions = Position.objects.all()
    educations = Education.objects.all()
    contacts = Contact.objects.filter(member__isnull=False)
    interactions = Interaction.objects.all()
    if histories_only:
        contacts, interactions = contacts.none(), interactions.none()
    if known is not None:
        positions = positions.filter(member_id__in=known)
        educations = educations.filter(member_id__in=known)
        contacts = contacts.filter(owner_id__in=known, member_id__in=known)
        interactions = interactions.filter(logged_by_id__in=known, other_id__in=known)
    else:
        positions = positions.filter(member__user__is_active=True)
        educations = educations.filter(member__user__is_active=True)
        contacts = contacts.filter(owner__user__is_active=True, member__user__is_active=True)
        interactions = interactions.filter(logged_by__user__is_active=True, other__user__is_active=True)

    columns = ["member_id", "organisation_id", "unit_id", "start", "end"] + (["title"] if histories_only else [])
    rows = list(positions.values_list(*columns))
    position_arrays = Positions(
        member=index([row[0] for row in rows]),
        organisation=np.array([row[1] for row in rows], dtype=np.int64),
        unit=np.array([-1 if row[2] is None else row[2] for row in rows], dtype=np.int64),
        start=np.array([row[3] for row in rows], dtype="datetime64[D]"),
        end=np.array([row[4] if row[4] else np.datetime64("NaT") for row in rows], dtype="datetime64[D]"),
    )
    programmes: dict[tuple[int, str, str], int] = {}
    programme_names: dict[int, str] = {}
    education_rows = []
    for member_id, school_id, degree, field, start, end in educations.values_list(
        "member_id", "school_id", "degree", "field", "start", "end"
    ):
        key = programme_key(school_id, degree, field)
        if key[1] or key[2]:
            programme = programmes.setdefault(key, len(programmes))
            programme_names.setdefault(programme, programme_name(degree, field))
        else:
            programme = -1
        education_rows.append((member_id, school_id, programme, start, end))
    education_arrays = Educations(
        member=index([row[0] for row in education_rows]),
        school=np.array([row[1] for row in education_rows], dtype=np.int64),
        programme=np.array([row[2] for row in education_rows], dtype=np.int64),
        start=np.array([row[3] or np.datetime64("NaT") for row in education_rows], dtype="datetime64[D]"),
        end=np.array([row[4] or np.datetime64("NaT") for row in education_rows], dtype="datetime64[D]"),
    )
    contact_rows = np.array(list(contacts.values_list("owner_id", "member_id")), dtype=np.int64).reshape(-1, 2)
    contact_arrays = Contacts(importer=index(contact_rows[:, 0]), contact=index(contact_rows[:, 1]))
    interaction_rows = list(interactions.values_list("logged_by_id", "other_id", "kind", "happened_on"))
    interaction_arrays = Interactions(
        logged_by=index([row[0] for row in interaction_rows]),
        other=index([row[1] for row in interaction_rows]),
        kind=np.array([int(INTERACTION_KINDS.get(row[2], InteractionKind.OTHER)) for row in interaction_rows], dtype=np.int64),
        day=np.array([row[3] for row in interaction_rows], dtype="datetime64[D]"),
    )
    community = Community(
        n_members=len(ids),
        positions=position_arrays,
        educations=education_arrays,
        contacts=contact_arrays,
        interactions=interaction_arrays,
    )
    return CommunityArrays(
        community=community,
        member_ids=ids,
        programme_names=programme_names,
        position_titles=[row[5] for row in rows] if histories_only else None,
    )


def _evidence_lists(table: TieTable, arrays: CommunityArrays, begin: int, end: int) -> list[list[dict]]:
    """The evidence of ties ``begin:end`` as JSON-ready dicts, built column-wise."""
    evidence = table.evidence
    order = table.grouping[table.offsets[begin] : table.offsets[end]]
    kind = evidence.kind[order].tolist()
    strength = np.round(evidence.strength[order], 6).tolist()
    ids = {name: getattr(evidence, name)[order].tolist() for name in ("organisation", "unit", "school", "programme")}
    days = evidence.days[order].tolist()
    count = evidence.count[order].tolist()
    score = np.round(evidence.score[order], 6).tolist()
    current = evidence.current[order].tolist()
    interaction = evidence.interaction[order].tolist()
    private_to = evidence.private_to[order]
    private_ids = np.where(private_to >= 0, arrays.member_ids[np.maximum(private_to, 0)], -1).tolist()
    start_days = np.datetime_as_string(evidence.start[order], unit="D").tolist()
    end_days = np.datetime_as_string(evidence.end[order], unit="D").tolist()
    programme_names = arrays.programme_names
    items: list[dict] = []
    for row in range(len(order)):
        item: dict = {"kind": kind[row], "strength": strength[row]}
        for name in ("organisation", "unit", "school"):
            if ids[name][row] >= 0:
                item[name] = ids[name][row]
        if ids["programme"][row] >= 0:
            item["programme"] = programme_names.get(ids["programme"][row], "")
        if days[row]:
            item["days"] = days[row]
        if count[row]:
            item["count"] = count[row]
        if score[row]:
            item["score"] = score[row]
        if start_days[row] != "NaT":
            item["start"] = start_days[row]
        if end_days[row] != "NaT":
            item["end"] = end_days[row]
        if current[row]:
            item["current"] = True
        if interaction[row] >= 0:
            item["interaction"] = interaction[row]
        if private_ids[row] >= 0:
            item["private_to"] = private_ids[row]
        items.append(item)
    offsets = (table.offsets[begin : end + 1] - table.offsets[begin]).tolist()
    return [items[offsets[tie] : offsets[tie + 1]] for tie in range(end - begin)]


def _store(table: TieTable, arrays: CommunityArrays, now) -> int:
    """Insert the table's ties in large batches straight through the cursor.

    Millions of ties are normal for a large community; model instances and
    per-row statements would dominate the time.
    """
    low = arrays.member_ids[table.first].tolist()
    high = arrays.member_ids[table.second].tolist()
    strength = table.strength.tolist()
    stamp = connection.ops.adapt_datetimefield_value(now)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("member_low_id", "member_high_id", "strength", "evidence", "updated_at"))
    target = f"{quote(Tie._meta.db_table)} ({columns})"
    with connection.cursor() as cursor:
        for begin in range(0, len(low), BATCH):
            end = min(begin + BATCH, len(low))
            evidence = _evidence_lists(table, arrays, begin, end)
            rows = [
                (low[tie], high[tie], strength[tie], json.dumps(evidence[tie - begin], separators=(",", ":")), stamp)
                for tie in range(begin, end)
            ]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {target} VALUES (%s, %s, %s, %s, %s)", rows)
    return len(low)


@transaction.atomic
def ties_refresh_all(*, as_of: dt.date | None = None) -> int:
    """Recompute every tie of the community and replace the stored ones."""
    arrays = community_load()
    table = compute_ties(arrays.community, as_of=as_of or timezone.localdate())
    Tie.objects.all().delete()
    return _store(table, arrays, timezone.now())


@transaction.atomic
def ties_refresh_members(*, member_ids, as_of: dt.date | None = None) -> int:
    """Recompute the ties touching a few members, after their history changed."""
    arrays = community_load()
    wanted = [member_id for member_id in member_ids if member_id in set(arrays.member_ids.tolist())]
    table = compute_ties_touching(arrays.community, arrays.index_of(wanted), as_of=as_of or timezone.localdate())
    Tie.objects.filter(Q(member_low_id__in=member_ids) | Q(member_high_id__in=member_ids)).delete()
    return _store(table, arrays, timezone.now())


def evidence_records(tie_rows, index_of: dict[int, int], programme_ids: dict[str, int]) -> list[Evidence]:
    """Stored ties read back as engine evidence, in a local index space."""
    records = []
    for low, high, evidence in tie_rows:
        if low not in index_of or high not in index_of:
            continue
        first, second = sorted((index_of[low], index_of[high]))
        for item in evidence:
            programme = item.get("programme")
            private_to = item.get("private_to")
            if private_to is not None and private_to not in index_of:
                continue
            records.append(
                Evidence(
                    kind=EvidenceKind(item["kind"]),
                    first=first,
                    second=second,
                    strength=item["strength"],
                    organisation=item.get("organisation"),
                    unit=item.get("unit"),
                    school=item.get("school"),
                    programme=None if programme is None else programme_ids.setdefault(programme, len(programme_ids)),
                    start=dt.date.fromisoformat(item["start"]) if "start" in item else None,
                    end=dt.date.fromisoformat(item["end"]) if "end" in item else None,
                    current=item.get("current", False),
                    days=item.get("days", 0),
                    count=item.get("count", 0),
                    interaction=InteractionKind(item["interaction"]) if "interaction" in item else None,
                    score=item.get("score", 0.0),
                    private_to=None if private_to is None else index_of[private_to],
                )
            )
    return records
