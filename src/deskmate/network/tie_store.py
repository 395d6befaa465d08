"""Ties between members: read the community out of the database, let the engine
compute the ties, and store them so pages read them quickly.

The evidence of each tie is stored as JSON with member ids (not engine indices)
so that a stored tie still reads right after members join or leave.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import orjson
from django.db import connection, transaction
from django.utils import timezone

from deskmate.core.sql import (
    column,
    fetch,
    marks,
    one_of,
    refresh_statistics,
    select,
    sqlite_page_cache,
    table,
)
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
    compute_tie_chunks,
    compute_ties_touching,
)
from deskmate.engine.ties.distributed import compute_tie_chunks_on, connect
from deskmate.network.models import Contact, Interaction, Tie
from deskmate.network.suggestion_cache import community_changed
from deskmate.network.vocabulary import vocabulary_refresh
from deskmate.people.models import Education, Member, Position, User

INTERACTION_KINDS = {
    Interaction.Kind.LUNCH: InteractionKind.LUNCH,
    Interaction.Kind.TALKING_SHOP: InteractionKind.TALKING_SHOP,
    Interaction.Kind.MEETING: InteractionKind.MEETING,
    Interaction.Kind.CALL: InteractionKind.CALL,
}
#: Ties written in one transaction: small enough that a transaction lasts a few tens of
#: milliseconds, so a sign-in waiting for SQLite's one writer waits no longer than that.
WRITE_BATCH = 2000
#: The columns written for each tie, in the order of a row.
STORED_COLUMNS = (
    "member_low_id",
    "member_high_id",
    "strength",
    "evidence",
    "shared_history",
    "digest",
    "updated_at",
)
#: Part of every digest: change it when what is stored for a tie changes, and the next
#: refresh writes every tie again.
DIGEST_FORMAT = 2
#: PostgreSQL's temporary table a batch is copied into before it is merged into the ties.
INCOMING = "tie_incoming"
#: Page cache SQLite may use while storing ties (KiB): the member_high index takes rows in random order.
SQLITE_STORE_CACHE_KIB = 512 * 1024


def programme_key(school_id: int, degree: str, field: str) -> tuple[int, str, str]:
    return (school_id, " ".join(degree.lower().split()), " ".join(field.lower().split()))


def programme_name(degree: str, field: str) -> str:
    return ", ".join(part for part in (degree.strip(), field.strip()) if part)


def programme_numbers(schools, degrees, fields) -> tuple[list[int], dict[int, str]]:
    """A number for each education's programme (same school, degree and field), ``-1`` without one; and their names.

    Programmes are numbered in the order of their keys, not of the rows, and
    each is named by the least of its rows' names (spellings may differ in
    case and spaces), so that the part of the community that holds a school's
    every row (``community_load_touching``) numbers, orders and names its
    programmes as the whole community does.
    """
    keys = [
        programme_key(school, degree, field)
        for school, degree, field in zip(schools, degrees, fields, strict=True)
    ]
    numbers = {
        key: number for number, key in enumerate(sorted({key for key in keys if key[1] or key[2]}))
    }
    names: dict[int, str] = {}
    for key, degree, field in zip(keys, degrees, fields, strict=True):
        if key in numbers:
            name = programme_name(degree, field)
            number = numbers[key]
            names[number] = min(names.get(number, name), name)
    return [numbers.get(key, -1) for key in keys], names


@dataclass
class CommunityArrays:
    """The community as the engine sees it, with the maps back to database ids."""

    community: Community
    member_ids: np.ndarray  # engine index → member id
    programme_names: dict[int, str]

    def index_of(self, member_ids) -> np.ndarray:
        return np.searchsorted(self.member_ids, np.asarray(list(member_ids), dtype=np.int64))


def _id_pairs(sql: str, params: Sequence = ()) -> np.ndarray:
    """Two integer columns read in chunks straight into an array (millions of contacts, no tuples kept)."""
    chunks = [np.zeros((0, 2), dtype=np.int64)]
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(100_000):
            chunks.append(np.array(rows, dtype=np.int64).reshape(-1, 2))
    return np.concatenate(chunks)


def _columns(rows: list[tuple], width: int) -> list[list]:
    return [list(values) for values in zip(*rows, strict=True)] if rows else [[]] * width


def _active_member_ids() -> np.ndarray:
    user_id, active = column(User, "id"), column(User, "is_active")
    return np.array(
        [
            member_id
            for (member_id,) in fetch(
                f"SELECT m.{column(Member, 'id')} FROM {table(Member)} m JOIN {table(User)} u "
                f"ON u.{user_id} = m.{column(Member, 'user')} WHERE u.{active} ORDER BY m.{column(Member, 'id')}",
                [],
            )
        ],
        dtype=np.int64,
    )


@dataclass
class _Numbering:
    """Engine indices of the active members (``ids``, sorted), shared by every part of a load."""

    ids: np.ndarray

    def index(self, values) -> np.ndarray:
        return np.searchsorted(self.ids, np.asarray(values, dtype=np.int64))

    def known(self, values) -> np.ndarray:
        """Which of ``values`` are active members."""
        ids, values = self.ids, np.asarray(values, dtype=np.int64)
        if not len(ids):
            return np.zeros(len(values), dtype=bool)
        return ids[np.minimum(np.searchsorted(ids, values), len(ids) - 1)] == values


def _positions(numbering: _Numbering, rows: list[tuple]) -> Positions:
    member, organisation, unit, start, end = _columns(rows, 5)
    keep = numbering.known(member)
    return Positions(
        member=numbering.index(member)[keep],
        organisation=np.array(organisation, dtype=np.int64)[keep],
        unit=np.array([-1 if value is None else value for value in unit], dtype=np.int64)[keep],
        start=np.array(start, dtype="datetime64[D]")[keep],
        end=np.array(end, dtype="datetime64[D]")[keep],
    )


def _educations(numbering: _Numbering, rows: list[tuple]) -> tuple[Educations, dict[int, str]]:
    member, school, degree, field, start, end = _columns(rows, 6)
    programme_column, programme_names = programme_numbers(school, degree, field)
    keep = numbering.known(member)
    educations = Educations(
        member=numbering.index(member)[keep],
        school=np.array(school, dtype=np.int64)[keep],
        programme=np.array(programme_column, dtype=np.int64)[keep],
        start=np.array(start, dtype="datetime64[D]")[keep],
        end=np.array(end, dtype="datetime64[D]")[keep],
    )
    return educations, programme_names


def _contacts(numbering: _Numbering, pairs: np.ndarray) -> Contacts:
    pairs = pairs[numbering.known(pairs[:, 0]) & numbering.known(pairs[:, 1])]
    return Contacts(importer=numbering.index(pairs[:, 0]), contact=numbering.index(pairs[:, 1]))


def _interactions(numbering: _Numbering, rows: list[tuple]) -> Interactions:
    logged_by, other, kind, day = _columns(rows, 4)
    keep = numbering.known(logged_by) & numbering.known(other)
    return Interactions(
        logged_by=numbering.index(logged_by)[keep],
        other=numbering.index(other)[keep],
        kind=np.array(
            [int(INTERACTION_KINDS.get(value, InteractionKind.OTHER)) for value in kind],
            dtype=np.int64,
        )[keep],
        day=np.array(day, dtype="datetime64[D]")[keep],
    )


POSITION_FIELDS = ["member", "organisation", "unit", "start", "end"]
EDUCATION_FIELDS = ["member", "school", "degree", "field", "start", "end"]
INTERACTION_FIELDS = ["logged_by", "other", "kind", "happened_on"]


def _community_arrays(
    numbering: _Numbering,
    positions: list[tuple],
    educations: list[tuple],
    contacts: np.ndarray,
    interactions: list[tuple],
) -> CommunityArrays:
    """The rows read, as the engine's arrays (inactive members' rows dropped)."""
    education_arrays, programme_names = _educations(numbering, educations)
    community = Community(
        n_members=len(numbering.ids),
        positions=_positions(numbering, positions),
        educations=education_arrays,
        contacts=_contacts(numbering, contacts),
        interactions=_interactions(numbering, interactions),
    )
    return CommunityArrays(
        community=community, member_ids=numbering.ids, programme_names=programme_names
    )


def community_load() -> CommunityArrays:
    """Everything the tie engine needs about the active members, read with a handful of queries.

    The reads are plain SQL over whole tables (a community's millions of
    contacts come through the ORM thirty times slower), and inactive members'
    rows are dropped with the arrays.
    """
    return _community_arrays(
        _Numbering(_active_member_ids()),
        fetch(select(Position, POSITION_FIELDS), []),
        fetch(select(Education, EDUCATION_FIELDS), []),
        _id_pairs(select(Contact, ["owner", "member"], f"{column(Contact, 'member')} IS NOT NULL")),
        fetch(select(Interaction, INTERACTION_FIELDS), []),
    )


#: Ids in one ``IN`` list of a read (SQLite takes at most 32,766 parameters a statement).
IDS_PER_READ = 10_000


def _contacts_of(side: str, ids: np.ndarray) -> np.ndarray:
    """The contacts (owner, member) whose ``side`` ("owner" or "member") is one of ``ids``, linked to a member."""
    chunks = [np.zeros((0, 2), dtype=np.int64)]
    for begin in range(0, len(ids), IDS_PER_READ):
        condition, params = one_of(
            column(Contact, side), ids[begin : begin + IDS_PER_READ].tolist()
        )
        where = f"{condition} AND {column(Contact, 'member')} IS NOT NULL"
        chunks.append(_id_pairs(select(Contact, ["owner", "member"], where), params))
    return np.concatenate(chunks)


def _touching_contacts(touched: np.ndarray) -> np.ndarray:
    """The contacts (owner, member) that the mutual contacts of the ``touched`` members' pairs depend on.

    A pair (t, j) keeps mutual-contact evidence when they are contacts, or
    when either is among the other's ``mutual_top_k`` best partners
    (:func:`deskmate.engine.ties.mutual.mutual_evidence`). So j's whole row
    counts, for every j who shares an imported contact with t: with ``K1``
    the people the touched members imported, ``R`` everyone who imported
    someone in ``K1`` and ``K2`` the people ``R`` and the touched members
    imported, the rows read are those owned by a touched member or by ``R``
    (their imports), and those naming a touched member, ``R`` or ``K2`` (who
    imported them: a contact either way, and every importer of a common
    contact, which is its degree). Every member a row names thus has all
    their importers read, and every row the engine computes is whole.
    Last, the whole rows of those importers (``P``, the partners of ``R``):
    a pair's score is divided by how many contacts each of the two imported
    (:func:`deskmate.engine.ties.mutual.endpoint_weights`), so j's best
    partners depend on their partners' import counts too.
    """
    first = np.unique(_contacts_of("owner", touched)[:, 1])
    reach = np.unique(_contacts_of("member", first)[:, 0])
    owners = np.union1d(touched, reach)
    owned = _contacts_of("owner", owners)
    named = _contacts_of("member", np.union1d(owners, owned[:, 1]))
    # Every row naming them is owned by ``owners`` or by these, read whole.
    partners = np.setdiff1d(np.unique(named[:, 0]), owners)
    return np.concatenate([owned, _contacts_of("owner", partners)])


def community_load_touching(member_ids: Iterable[int]) -> CommunityArrays:
    """What the ties touching ``member_ids`` depend on, numbered as :func:`community_load` numbers it.

    ``compute_ties_touching`` on the result gives exactly the ties the whole
    community gives these members. Read: every active member's id (engine
    indices are the whole community's, so equal scores break the same way);
    every stint at the organisations and schools the members were at (group
    sizes and alumni are exact); their interactions; and the contacts
    :func:`_touching_contacts` describes. Cost grows with the members'
    groups and contact neighbourhoods, not with the community.
    """
    numbering = _Numbering(_active_member_ids())
    touched = [int(i) for i in member_ids if numbering.known([i])[0]]
    if not touched:
        return _community_arrays(numbering, [], [], np.zeros((0, 2), dtype=np.int64), [])
    organisation, school = column(Position, "organisation"), column(Education, "school")
    in_positions, params = one_of(column(Position, "member"), touched)
    in_educations, _ = one_of(column(Education, "member"), touched)
    logged, _ = one_of(column(Interaction, "logged_by"), touched)
    met, _ = one_of(column(Interaction, "other"), touched)
    return _community_arrays(
        numbering,
        fetch(
            select(
                Position,
                POSITION_FIELDS,
                f"{organisation} IN (SELECT {organisation} FROM {table(Position)} WHERE {in_positions})",
            ),
            params,
        ),
        fetch(
            select(
                Education,
                EDUCATION_FIELDS,
                f"{school} IN (SELECT {school} FROM {table(Education)} WHERE {in_educations})",
            ),
            params,
        ),
        _touching_contacts(np.array(touched, dtype=np.int64)),
        fetch(select(Interaction, INTERACTION_FIELDS, f"{logged} OR {met}"), params * 2),
    )


def _evidence_rows(table: TieTable, ties: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The evidence rows of ``ties`` (rows of the table), tie after tie, and where each tie's begin."""
    starts = table.offsets[ties]
    lengths = table.offsets[ties + 1] - starts
    bounds = np.zeros(len(ties) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    positions = np.arange(bounds[-1], dtype=np.int64) + np.repeat(starts - bounds[:-1], lengths)
    return table.grouping[positions], bounds.tolist()


def _evidence_lists(table: TieTable, arrays: CommunityArrays, ties: np.ndarray) -> list[list[dict]]:
    """The evidence of ``ties`` (rows of the table) as JSON-ready dicts, built column-wise.

    A field is left out where it does not apply (no unit, no end date, public
    evidence). Items with the same fields present are built together, one
    ``dict(zip(...))`` each, rather than field by field.
    """
    evidence = table.evidence
    order, offsets = _evidence_rows(table, ties)
    private_to = evidence.private_to[order]
    start = evidence.start[order]
    end_day = evidence.end[order]
    programme = evidence.programme[order]
    fields = {
        "kind": (evidence.kind[order], None),
        "strength": (np.round(evidence.strength[order], 6), None),
        **{
            name: (getattr(evidence, name)[order], getattr(evidence, name)[order] >= 0)
            for name in ("organisation", "unit", "school")
        },
        "programme": (programme, programme >= 0),
        **{
            name: (getattr(evidence, name)[order], getattr(evidence, name)[order] != 0)
            for name in ("days", "count")
        },
        "score": (np.round(evidence.score[order], 6), evidence.score[order] != 0),
        "start": (start, ~np.isnat(start)),
        "end": (end_day, ~np.isnat(end_day)),
        "current": (evidence.current[order], evidence.current[order]),
        "interaction": (evidence.interaction[order], evidence.interaction[order] >= 0),
        "private_to": (arrays.member_ids[np.maximum(private_to, 0)], private_to >= 0),
    }
    optional = [name for name, (_, present) in fields.items() if present is not None]
    signature = np.zeros(len(order), dtype=np.int64)
    for bit, name in enumerate(optional):
        signature |= fields[name][1].astype(np.int64) << bit
    items = np.empty(len(order), dtype=object)
    programme_names = arrays.programme_names
    for shape in np.unique(signature).tolist():
        rows = np.flatnonzero(signature == shape)
        names = [
            "kind",
            "strength",
            *(name for bit, name in enumerate(optional) if shape >> bit & 1),
        ]
        columns = []
        for name in names:
            values = fields[name][0][rows]
            if name in ("start", "end"):
                columns.append(np.datetime_as_string(values, unit="D").tolist())
            elif name == "programme":
                columns.append([programme_names.get(value, "") for value in values.tolist()])
            else:
                columns.append(values.tolist())
        items[rows] = [
            dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)
        ]
    items = items.tolist()
    return [items[offsets[tie] : offsets[tie + 1]] for tie in range(len(ties))]


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser over uint64 values: each output bit depends on every input bit."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _bits(values: np.ndarray) -> np.ndarray:
    """Values as uint64 bit patterns: floats by their float64 bits, dates by their day number."""
    if values.dtype.kind == "f":
        return values.astype(np.float64).view(np.uint64)
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]").view(np.int64).view(np.uint64)
    return values.astype(np.int64).view(np.uint64)


def _name_digests(names: dict[int, str]) -> np.ndarray:
    """A stable 64-bit number for each programme number's name (Python's ``hash`` of a str changes per process)."""
    digests = np.zeros(max(names, default=-1) + 2, dtype=np.uint64)
    for number, name in names.items():
        digests[number] = int.from_bytes(
            hashlib.blake2b(name.encode(), digest_size=8).digest(), "little"
        )
    return digests


def tie_digests(table: TieTable, arrays: CommunityArrays) -> np.ndarray:
    """Each tie's digest (int64): its strength and every field of its evidence as stored, in order.

    Computed over the columns, without building the evidence, so that a
    refresh writes only the ties whose digest differs from the stored one.
    Member ids and programme names stand in for engine indices, as in the
    stored evidence, so a digest holds across members joining or leaving.
    """
    evidence = table.evidence
    order = table.grouping
    private_to = evidence.private_to[order]
    programme = evidence.programme[order]
    columns = [
        evidence.kind[order],
        np.round(evidence.strength[order], 6),
        evidence.organisation[order],
        evidence.unit[order],
        evidence.school[order],
        _name_digests(arrays.programme_names)[programme],
        evidence.days[order],
        evidence.count[order],
        np.round(evidence.score[order], 6),
        evidence.start[order],
        evidence.end[order],
        evidence.current[order],
        evidence.interaction[order],
        np.where(private_to >= 0, arrays.member_ids[np.maximum(private_to, 0)], -1),
    ]
    lengths = np.diff(table.offsets)
    place = np.arange(len(order), dtype=np.int64) - np.repeat(table.offsets[:-1], lengths)
    items = _mix(place.view(np.uint64) + np.uint64(DIGEST_FORMAT))
    for values in columns:
        items = _mix(items ^ _bits(values))
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    # Every tie has evidence, so each of its items sums into its own total.
    totals = np.add.reduceat(items, table.offsets[:-1])
    return _mix(totals ^ _bits(table.strength)).view(np.int64)


def _keys(low, high) -> np.ndarray:
    """One int64 per pair of member ids, ordered as the pairs are."""
    return (np.asarray(low, dtype=np.int64) << 32) | np.asarray(high, dtype=np.int64)


@dataclass
class StoredTies:
    """The pairs of stored ties as keys (``_keys``), sorted, with each one's digest."""

    keys: np.ndarray
    digests: np.ndarray


def _stored_ties(where: str = "", params: Sequence = ()) -> StoredTies:
    """The stored ties (all, or those ``where`` selects): their pairs and digests, no evidence.

    Read in one statement outside any transaction: on SQLite in WAL mode and on
    PostgreSQL a read never holds up a writer.
    """
    low, high = column(Tie, "member_low"), column(Tie, "member_high")
    sql = f"SELECT {low} * 4294967296 + {high}, {column(Tie, 'digest')} FROM {table(Tie)}"
    if where:
        sql += f" WHERE {where}"
    chunks = [np.zeros((0, 2), dtype=np.int64)]
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(100_000):
            chunks.append(np.array(rows, dtype=np.int64).reshape(-1, 2))
    pairs = np.concatenate(chunks)
    order = np.argsort(pairs[:, 0], kind="stable")
    return StoredTies(keys=pairs[order, 0], digests=pairs[order, 1])


def _found_in(values: np.ndarray, sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``values`` are in ``sorted_values``, and where (meaningful where found)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values, at


def _upsert_sql(source: str) -> str:
    quote = connection.ops.quote_name
    names = [quote(name) for name in STORED_COLUMNS]
    changed = ", ".join(f"{name} = excluded.{name}" for name in names[2:])
    pair = f"{quote('member_low_id')}, {quote('member_high_id')}"
    return (
        f"INSERT INTO {table(Tie)} ({', '.join(names)}) {source} "
        f"ON CONFLICT ({pair}) DO UPDATE SET {changed}"
    )


def _write_rows(cursor, rows: list[tuple]) -> None:
    """Insert ``rows``, or update the stored ties of the same pairs, in the current transaction.

    PostgreSQL copies them into a temporary table first (``COPY`` is many times
    quicker than statements per row, but cannot update); SQLite takes them
    through one prepared statement.
    """
    if connection.vendor != "postgresql":
        cursor.executemany(_upsert_sql(f"VALUES ({marks(STORED_COLUMNS)})"), rows)
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in STORED_COLUMNS)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} "
        f"AS SELECT {names} FROM {table(Tie)} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {INCOMING}")
    with cursor.cursor.copy(f"COPY {INCOMING} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(_upsert_sql(f"SELECT {names} FROM {INCOMING}"))


def _write(
    table_: TieTable, arrays: CommunityArrays, digests: np.ndarray, ties: np.ndarray
) -> None:
    """Store the ties ``ties`` of the table, ``WRITE_BATCH`` to a transaction.

    A batch's rows are built before its transaction begins, so each transaction
    only writes, and other writers (a sign-in, a request saving its session)
    get the database between two batches.
    """
    low = arrays.member_ids[table_.first[ties]].tolist()
    high = arrays.member_ids[table_.second[ties]].tolist()
    strength = table_.strength[ties].tolist()
    digest = digests[ties].tolist()
    shared = table_.shared_history()[ties].tolist()
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    with sqlite_page_cache(SQLITE_STORE_CACHE_KIB):
        for begin in range(0, len(ties), WRITE_BATCH):
            end = min(begin + WRITE_BATCH, len(ties))
            evidence = _evidence_lists(table_, arrays, ties[begin:end])
            rows = [
                (
                    low[tie],
                    high[tie],
                    strength[tie],
                    orjson.dumps(evidence[tie - begin]).decode(),
                    shared[tie],
                    digest[tie],
                    stamp,
                )
                for tie in range(begin, end)
            ]
            with transaction.atomic(), connection.cursor() as cursor:
                _write_rows(cursor, rows)


def _delete(keys: np.ndarray) -> None:
    """Delete the stored ties of these pairs, ``WRITE_BATCH`` to a transaction."""
    low, high = column(Tie, "member_low"), column(Tie, "member_high")
    for begin in range(0, len(keys), WRITE_BATCH):
        batch = keys[begin : begin + WRITE_BATCH]
        pairs = list(zip((batch >> 32).tolist(), (batch & 0xFFFFFFFF).tolist(), strict=True))
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"DELETE FROM {table(Tie)} WHERE ({low}, {high}) IN "
                    "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                    [[pair[0] for pair in pairs], [pair[1] for pair in pairs]],
                )
            else:
                cursor.executemany(
                    f"DELETE FROM {table(Tie)} WHERE {low} = %s AND {high} = %s", pairs
                )


@dataclass
class StoreCounts:
    """What a refresh stored: every tie it computed, of which it wrote some (some of those new), and the ties it deleted."""

    ties: int
    written: int
    inserted: int
    deleted: int


def ties_store(table_: TieTable, arrays: CommunityArrays, stored: StoredTies) -> StoreCounts:
    """Make the ``stored`` ties those of the table, writing only what changed, in short transactions.

    A tie whose digest equals the stored one is left alone (on PostgreSQL, no
    dead row); the others are written over the stored tie of the same pair, or
    inserted; ties of pairs the table no longer has are deleted. A page read
    while this runs sees each tie either as it was or as it is now.
    """
    return ties_store_chunks([table_], arrays, stored)


def ties_store_chunks(
    chunks: Iterable[TieTable], arrays: CommunityArrays, stored: StoredTies
) -> StoreCounts:
    """:func:`ties_store` for a table that comes chunk by chunk (``compute_tie_chunks``).

    Each chunk is written as it arrives and then dropped, so only one chunk's
    ties are in memory; the stored ties no chunk had are deleted at the end.
    """
    seen = np.zeros(len(stored.keys), dtype=bool)
    counts = StoreCounts(ties=0, written=0, inserted=0, deleted=0)
    for table_ in chunks:
        keys = _keys(arrays.member_ids[table_.first], arrays.member_ids[table_.second])
        digests = tie_digests(table_, arrays)
        found, at = _found_in(keys, stored.keys)
        same = found & (stored.digests[at] == digests) if len(stored.keys) else found
        changed = np.flatnonzero(~same)
        _write(table_, arrays, digests, changed)
        seen[at[found]] = True
        counts.ties += len(keys)
        counts.written += len(changed)
        counts.inserted += int((~found).sum())
    gone = stored.keys[~seen]
    _delete(gone)
    counts.deleted = len(gone)
    return counts


def ties_refresh_all(*, as_of: dt.date | None = None, scheduler: str | None = None) -> int:
    """Recompute every tie of the community and store them.

    Nothing here holds a transaction open for long: the community is read and
    the ties computed outside any, and they are written in short transactions,
    so sign-ins and other writes go on while it runs (see docs/network.md).
    The ties are computed and stored one row block of members at a time; with
    ``scheduler`` (a Dask scheduler's address) the blocks are computed by its
    workers.
    """
    arrays = community_load()
    day = as_of or timezone.localdate()
    stored = _stored_ties()
    if scheduler is None:
        counts = ties_store_chunks(compute_tie_chunks(arrays.community, as_of=day), arrays, stored)
    else:
        with connect(scheduler) as client:
            chunks = compute_tie_chunks_on(client, arrays.community, as_of=day)
            counts = ties_store_chunks(chunks, arrays, stored)
    refresh_statistics(Tie)
    vocabulary_refresh()
    community_changed()
    return counts.ties


def ties_refresh_members(*, member_ids, as_of: dt.date | None = None) -> int:
    """Recompute the ties touching a few members, after their history changed."""
    ids = list(member_ids)
    if not ids:
        return 0
    arrays = community_load_touching(ids)
    active = set(arrays.member_ids.tolist())
    wanted = [member_id for member_id in ids if member_id in active]
    table_ = compute_ties_touching(
        arrays.community, arrays.index_of(wanted), as_of=as_of or timezone.localdate()
    )
    low_in, low_params = one_of(column(Tie, "member_low"), ids)
    high_in, high_params = one_of(column(Tie, "member_high"), ids)
    stored = _stored_ties(f"{low_in} OR {high_in}", [*low_params, *high_params])
    counts = ties_store(table_, arrays, stored)
    community_changed()
    return counts.ties


def visible_strength(evidence: list[dict], viewer_id: int) -> float:
    """A stored tie's strength for one of its members: the noisy-or of the evidence they may see."""
    missing = 1.0
    for item in evidence:
        if item.get("private_to") in (None, viewer_id):
            missing *= 1.0 - min(item["strength"], 1.0)
    return 1.0 - missing


def evidence_records(
    tie_rows, index_of: dict[int, int], programme_ids: dict[str, int]
) -> list[Evidence]:
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
                    programme=None
                    if programme is None
                    else programme_ids.setdefault(programme, len(programme_ids)),
                    start=dt.date.fromisoformat(item["start"]) if "start" in item else None,
                    end=dt.date.fromisoformat(item["end"]) if "end" in item else None,
                    current=item.get("current", False),
                    days=item.get("days", 0),
                    count=item.get("count", 0),
                    interaction=InteractionKind(item["interaction"])
                    if "interaction" in item
                    else None,
                    score=item.get("score", 0.0),
                    private_to=None if private_to is None else index_of[private_to],
                )
            )
    return records
