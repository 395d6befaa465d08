"""Writes a generated demo community to the database, all of it in one transaction.

Shared records (organisations, units, schools, skills) go through
``bulk_create`` and reuse rows that already exist under the same normalised
name. Everything per member goes through one prepared ``INSERT`` executed
for thousands of rows at a time: on SQLite, ``bulk_create`` is held to
999 parameters per statement (76 contacts), which made 100,000 members
take longer than five minutes. Users and members get their primary keys
here so that the rows that point to them need no read-back.

Rows are written without ``full_clean``: the generator keeps the invariants
(end on or after start, no future dates, units of the right organisation)
and its tests check them.
"""

from __future__ import annotations

import itertools
import queue
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from datetime import timedelta
from typing import TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from deskmate.core.audit import AuditEvent
from deskmate.core.models import AuditEntry
from deskmate.core.sql import refresh_statistics, sqlite_page_cache
from deskmate.demo.generator import DEMO_PASSWORD, Community
from deskmate.demo.history import demo_history_load
from deskmate.network.models import Contact, Interaction
from deskmate.network.services import contact_match_key
from deskmate.people.models import (
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

BATCH_SIZE = 5000
#: SQLite page cache during the load, in KiB.
SQLITE_CACHE_KIB = 65536
NOT_EMPTY = (
    "The database already has {count} members; the demo community only goes into an empty one."
)
SIGN_IN_TAKEN = "The demo sign-in {email} already exists."


T = TypeVar("T")


class CommunityNotEmpty(Exception):
    pass


class SignInTaken(Exception):
    pass


def demo_community_load(
    community: Community, *, progress: bool = False, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Writes ``community`` and returns how many rows of each kind were created."""
    total = (
        2 * len(community.members)
        + len(community.positions)
        + len(community.education)
        + len(community.member_skills)
        + len(community.goals)
        + len(community.offers)
        + sum(community.contact_counts)
    )
    bar = tqdm(total=total, unit=" rows", disable=not progress, dynamic_ncols=True)
    with bar, sqlite_page_cache(SQLITE_CACHE_KIB), transaction.atomic():
        counts = _Loader(community, bar, batch_size).run()
        refresh_statistics(
            User,
            Member,
            Organisation,
            Unit,
            School,
            Skill,
            SkillAlias,
            Position,
            Education,
            MemberSkill,
            Goal,
            Offer,
            Contact,
            Interaction,
        )
    return counts


class _Loader:
    def __init__(self, community: Community, bar: tqdm, batch_size: int):
        self.community = community
        self.bar = bar
        self.batch_size = batch_size
        self.now = timezone.now()
        self.db_now = connection.ops.adapt_datetimefield_value(self.now)
        self.db_date = connection.ops.adapt_datefield_value
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        count = Member.objects.count()
        if count:
            raise CommunityNotEmpty(NOT_EMPTY.format(count=count))
        sign_ins = [m.email for m in self.community.members if m.signs_in]
        taken = User.objects.filter(email__in=sign_ins).values_list("email", flat=True).first()
        if taken:
            raise SignInTaken(SIGN_IN_TAKEN.format(email=taken))
        self._shared_records()
        self._members()
        self._histories()
        self._contacts()
        self._interactions()
        if connection.vendor == "postgresql":
            # Keys were given explicitly, so the sequences must catch up.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [User, Member]):
                    cursor.execute(sql)
        self.counts.update(
            demo_history_load(self.community, self.member_ids, today=self.community.today)
        )
        AuditEntry.objects.create(
            actor=None,
            action=AuditEvent.DEMO_COMMUNITY_LOAD,
            subject_type="community",
            details={
                "seed": str(self.community.seed),
                **{k: str(v) for k, v in self.counts.items()},
            },
        )
        return self.counts

    # Organisations, units, schools and skills: found by normalised name or created.

    def _shared_records(self) -> None:
        c = self.community
        self.organisation_ids = _named_ids(Organisation, [org.name for org in c.organisations])
        self.unit_ids = self._unit_ids()
        self.school_ids = _named_ids(School, [school.name for school in c.schools])
        self.skill_ids = _named_ids(Skill, [skill.name for skill in c.skills])
        existing = set(SkillAlias.objects.values_list("normalised_name", flat=True))
        aliases = {}
        for skill, record in zip(self.skill_ids, c.skills, strict=True):
            for alias in record.aliases:
                key = Skill.normalise(alias)
                if key not in existing:
                    aliases.setdefault(key, SkillAlias(skill_id=skill, normalised_name=key))
        SkillAlias.objects.bulk_create(aliases.values(), batch_size=self.batch_size)
        self.counts.update(
            organisations=len(set(self.organisation_ids)),
            units=len(set(self.unit_ids)),
            schools=len(set(self.school_ids)),
            skills=len(set(self.skill_ids)),
            skill_aliases=len(aliases),
        )

    def _unit_ids(self) -> list[int]:
        wanted = [
            (self.organisation_ids[unit.organisation], Unit.normalise(unit.name), unit.name)
            for unit in self.community.units
        ]
        found = {
            (org, key): pk
            for pk, org, key in Unit.objects.filter(
                organisation_id__in={org for org, _, _ in wanted}
            ).values_list("pk", "organisation_id", "normalised_name")
        }
        new = {}
        for org, key, name in wanted:
            if (org, key) not in found:
                new.setdefault(
                    (org, key), Unit(organisation_id=org, name=name, normalised_name=key)
                )
        _create_with_ids(Unit, list(new.values()), self.batch_size)
        found.update({key: unit.pk for key, unit in new.items()})
        return [found[(org, key)] for org, key, _ in wanted]

    # Users and members, with their keys chosen here.

    def _members(self) -> None:
        members = self.community.members
        first_user = (User.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        first_member = (Member.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.member_ids = range(first_member, first_member + len(members))
        # Hashing is slow on purpose: hash the demo password once, and give
        # everyone else an unusable one, as set_unusable_password does.
        demo_hash = make_password(DEMO_PASSWORD)

        def unusable() -> str:
            return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)

        self._insert(
            "users",
            User,
            (
                "id",
                "email",
                "password",
                "first_name",
                "last_name",
                "is_staff",
                "is_superuser",
                "is_active",
                "date_joined",
            ),
            (
                (
                    first_user + i,
                    m.email,
                    demo_hash if m.signs_in else unusable(),
                    m.first_name,
                    m.last_name,
                    m.role == "admin",
                    m.role == "admin",
                    True,
                    self.db_now,
                )
                for i, m in enumerate(members)
            ),
        )
        self._insert(
            "members",
            Member,
            (
                "id",
                "user_id",
                "first_name",
                "last_name",
                "headline",
                "location",
                "about",
                "pronouns",
                "visibility",
                "open_to_mentoring",
                "mentee_capacity",
                "wants_copilot",
                "role",
                "profile_url",
                "created_at",
                "updated_at",
            ),
            (
                (
                    first_member + i,
                    first_user + i,
                    m.first_name,
                    m.last_name,
                    m.headline,
                    m.location,
                    m.about,
                    m.pronouns,
                    m.visibility,
                    m.open_to_mentoring,
                    m.mentee_capacity,
                    m.wants_copilot,
                    m.role,
                    m.profile_url,
                    self.db_now,
                    self.db_now,
                )
                for i, m in enumerate(members)
            ),
        )

    # Careers, studies, skills, goals and offers.

    def _histories(self) -> None:
        c = self.community
        member_ids, date = self.member_ids, self.db_date
        organisation_ids, unit_ids = self.organisation_ids, self.unit_ids
        skill_ids = self.skill_ids
        self._insert(
            "positions",
            Position,
            (
                "member_id",
                "organisation_id",
                "unit_id",
                "title",
                "start",
                "end",
                "location",
                "source",
            ),
            (
                (
                    member_ids[p.member],
                    organisation_ids[p.organisation],
                    None if p.unit is None else unit_ids[p.unit],
                    p.title,
                    date(p.start),
                    date(p.end),
                    p.location,
                    Source.DEMO.value,
                )
                for p in c.positions
            ),
        )
        self._insert(
            "education",
            Education,
            ("member_id", "school_id", "degree", "field", "start", "end", "source"),
            (
                (
                    member_ids[e.member],
                    self.school_ids[e.school],
                    e.degree,
                    e.field,
                    date(e.start),
                    date(e.end),
                    Source.DEMO.value,
                )
                for e in c.education
            ),
        )
        self._insert(
            "member_skills",
            MemberSkill,
            ("member_id", "skill_id", "source"),
            (
                (member_ids[s.member], skill_ids[s.skill], Source.DEMO.value)
                for s in c.member_skills
            ),
        )
        self._insert(
            "goals",
            Goal,
            ("member_id", "text", "target_role", "target_skill_id", "created_at"),
            (
                (
                    member_ids[g.member],
                    g.text,
                    g.target_role,
                    None if g.target_skill is None else skill_ids[g.target_skill],
                    self.db_now,
                )
                for g in c.goals
            ),
        )
        self._insert(
            "offers",
            Offer,
            ("member_id", "text", "created_at"),
            ((member_ids[o.member], o.text, self.db_now) for o in c.offers),
        )

    def _contacts(self) -> None:
        member_ids, date, now = self.member_ids, self.db_date, self.db_now
        source = Contact.Source.LINKEDIN.value
        # Each member is the contact of dozens of others: work out the key of
        # their profile address once (keys from an e-mail address are cheap).
        url_keys: list[str | None] = [None] * len(self.community.members)

        def match_key(k) -> str:
            if k.member is not None and not k.email:
                key = url_keys[k.member]
                if key is None:
                    key = url_keys[k.member] = _match_key(k)
                return key
            return _match_key(k)

        self.met: list[tuple[int, int]] = []

        def batches() -> Iterator[list[tuple]]:
            for chunk in self.community.contact_chunks():
                self.met.extend(
                    (k.owner, k.member)
                    for k in chunk
                    if k.member is not None
                    and _logs_interactions(k.owner, k.member, self.community.seed)
                )
                yield [
                    (
                        member_ids[k.owner],
                        None if k.member is None else member_ids[k.member],
                        source,
                        k.first_name,
                        k.last_name,
                        k.email,
                        k.profile_url,
                        k.organisation,
                        k.title,
                        date(k.connected_on),
                        match_key(k),
                        now,
                        now,
                    )
                    for k in chunk
                ]

        columns = (
            "owner_id",
            "member_id",
            "source",
            "first_name",
            "last_name",
            "email",
            "profile_url",
            "organisation",
            "title",
            "connected_on",
            "match_key",
            "created_at",
            "updated_at",
        )
        self._insert(
            "contacts", Contact, columns, itertools.chain.from_iterable(_made_ahead(batches()))
        )

    def _interactions(self) -> None:
        """A history of logged moments: about one linked contact in twelve met within two years."""
        member_ids, date, now = self.member_ids, self.db_date, self.db_now
        today = self.community.today
        kinds = [kind.value for kind in Interaction.Kind]
        by_email = {member.email: index for index, member in enumerate(self.community.members)}
        rows = []
        for owner, other in self.met:
            mix = (owner * 7919 + other * 104729 + self.community.seed) % 1_000_003
            for repeat in range(1 + mix % 3):
                day = today - timedelta(days=(mix // 7 + repeat * 97) % 720)
                rows.append(
                    (
                        member_ids[owner],
                        member_ids[other],
                        kinds[(mix + repeat) % 4],
                        date(day),
                        "",
                        now,
                    )
                )
        maya, daniel = by_email.get("mentee@deskmate.demo"), by_email.get("mentor@deskmate.demo")
        if maya is not None and daniel is not None:
            rows.append(
                (
                    member_ids[maya],
                    member_ids[daniel],
                    Interaction.Kind.LUNCH.value,
                    date(today - timedelta(days=21)),
                    "Talked about moving into management",
                    now,
                )
            )
        columns = ("logged_by_id", "other_id", "kind", "happened_on", "note", "created_at")
        self._insert("interactions", Interaction, columns, rows)

    def _insert(
        self,
        what: str,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple],
    ) -> None:
        """Inserts ``rows`` (values for ``columns``, ready for the database) in batches.

        Fields not named get their model default, so a field added later with
        a default does not break the demo.
        """
        self.bar.set_description(what)
        opts = model._meta
        named = set(columns)
        rest = [
            field
            for field in opts.concrete_fields
            if field.attname not in named and not field.primary_key
        ]
        rest_values = tuple(self._default(field) for field in rest)
        names = [opts.get_field(name).column for name in columns]
        names += [field.column for field in rest]
        quote = connection.ops.quote_name
        table = f"{quote(opts.db_table)} ({', '.join(quote(name) for name in names)})"
        write = self._copy if connection.vendor == "postgresql" else self._execute_many
        written = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(row + rest_values if rest_values else row)
                if len(batch) >= self.batch_size:
                    write(cursor, table, batch)
                    written += len(batch)
                    self.bar.update(len(batch))
                    batch = []
            if batch:
                write(cursor, table, batch)
                written += len(batch)
                self.bar.update(len(batch))
        self.counts[what] = written

    @staticmethod
    def _execute_many(cursor, table: str, rows: list[tuple]) -> None:
        cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)

    @staticmethod
    def _copy(cursor, table: str, rows: list[tuple]) -> None:
        # PostgreSQL runs each row of an executemany as its own statement;
        # COPY is several times faster.
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _default(self, field: models.Field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.db_now
        return field.get_db_prep_save(field.get_default(), connection)


def _logs_interactions(owner: int, other: int, seed: int) -> bool:
    return (owner * 31 + other * 17 + seed) % 12 == 0


def _match_key(contact) -> str:
    return contact_match_key(
        email=contact.email,
        profile_url=contact.profile_url,
        first_name=contact.first_name,
        last_name=contact.last_name,
        organisation=contact.organisation,
    )


def _named_ids(model: type[models.Model], names: list[str]) -> list[int]:
    """The key of each named record, reusing the row with the same normalised name."""
    keys = [model.normalise(name) for name in names]  # type: ignore[attr-defined]
    found = dict(
        model.objects.filter(normalised_name__in=set(keys)).values_list("normalised_name", "pk")  # type: ignore[attr-defined]
    )
    new = {}
    for name, key in zip(names, keys, strict=True):
        if key not in found:
            new.setdefault(key, model(name=name, normalised_name=key))
    _create_with_ids(model, list(new.values()), BATCH_SIZE)
    found.update({key: record.pk for key, record in new.items()})
    return [found[key] for key in keys]


def _create_with_ids(model: type[models.Model], records: list, batch_size: int) -> None:
    model.objects.bulk_create(records, batch_size=batch_size)  # type: ignore[attr-defined]
    if records and records[0].pk is None:
        # A database that cannot return keys from a bulk insert (SQLite before 3.35).
        for record in records:
            lookup = {"normalised_name": record.normalised_name}
            if isinstance(record, Unit):
                lookup["organisation_id"] = record.organisation_id
            record.pk = model.objects.get(**lookup).pk  # type: ignore[attr-defined]


def _made_ahead(items: Iterator[T], depth: int = 4) -> Iterator[T]:
    """``items``, computed in a thread that runs up to ``depth`` items ahead.

    The database drivers let go of the interpreter lock while they write, so
    the next contacts are generated while the last ones are being stored.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                ready.put((True, item))
            ready.put((False, None))
        except BaseException as error:  # handed over to the consumer, which raises it
            ready.put((False, error))

    thread = threading.Thread(target=produce, name="demo-contacts", daemon=True)
    thread.start()
    try:
        while True:
            more, item = ready.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            with suppress(queue.Empty):
                ready.get(timeout=0.05)
        thread.join()
