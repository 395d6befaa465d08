"""A realistic demo community as plain records, the same every time for a given size and seed.

The community is a university's students and alumni: most studied at
Northfield University, a few elsewhere; after graduating they climb job
ladders at a dozen employers and a long tail of small ones, sometimes change
role (engineer to engineering manager, analyst to data scientist), and
import their contacts, who are mostly the colleagues and classmates they
really overlapped with.

Nothing here knows Django: records refer to each other by their index in
the lists of a :class:`Community`, and the loader turns them into rows.
Dates are months (a stint starts on the first of a month and ends on the
last day of one), all on or before ``today``.

>>> import datetime as dt
>>> community = generate_community(members=60, seed=7, today=dt.date(2025, 3, 14))
>>> len(community.members)
60
>>> community.members[0].email
'mentee@deskmate.demo'
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import itertools
import math
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from deskmate.demo import names, vocab

#: The password of the four demo sign-ins.
DEMO_PASSWORD = "deskmate-demo"
#: Members whose contacts are generated with one random stream; fixed so the
#: data never depends on how the loader batches its writes.
CONTACT_CHUNK = 1000
#: Average number of imported contacts per member.
MEAN_CONTACTS = 30
#: How many years of alumni the community spans.
ALUMNI_YEARS = 20

MEMBER, COORDINATOR, ADMIN = "member", "coordinator", "admin"
COMMUNITY, TIES, COORDINATORS = "community", "ties", "coordinators"


class OrganisationRecord(NamedTuple):
    name: str
    city: str


class UnitRecord(NamedTuple):
    organisation: int
    name: str
    kind: str


class SchoolRecord(NamedTuple):
    name: str


class SkillRecord(NamedTuple):
    name: str
    aliases: tuple[str, ...]


class MemberRecord(NamedTuple):
    email: str
    first_name: str
    last_name: str
    headline: str
    location: str
    pronouns: str
    visibility: str
    open_to_mentoring: bool
    mentee_capacity: int
    wants_copilot: bool
    role: str
    profile_url: str
    about: str
    #: Signs in with :data:`DEMO_PASSWORD`; everyone else has no usable password.
    signs_in: bool


class PositionRecord(NamedTuple):
    member: int
    organisation: int
    unit: int | None
    title: str
    start: dt.date
    end: dt.date | None
    location: str


class EducationRecord(NamedTuple):
    member: int
    school: int
    degree: str
    field: str
    start: dt.date
    end: dt.date | None


class MemberSkillRecord(NamedTuple):
    member: int
    skill: int


class GoalRecord(NamedTuple):
    member: int
    text: str
    target_role: str
    target_skill: int | None


class OfferRecord(NamedTuple):
    member: int
    text: str


class ContactRecord(NamedTuple):
    owner: int
    #: The member this contact is, or None for someone outside the community.
    member: int | None
    first_name: str
    last_name: str
    email: str
    profile_url: str
    organisation: str
    title: str
    connected_on: dt.date


@dataclass
class Community:
    """Everything but the contacts, which :meth:`contact_chunks` streams to keep memory low."""

    seed: int
    today: dt.date
    organisations: list[OrganisationRecord] = field(default_factory=list)
    units: list[UnitRecord] = field(default_factory=list)
    schools: list[SchoolRecord] = field(default_factory=list)
    skills: list[SkillRecord] = field(default_factory=list)
    members: list[MemberRecord] = field(default_factory=list)
    positions: list[PositionRecord] = field(default_factory=list)
    education: list[EducationRecord] = field(default_factory=list)
    member_skills: list[MemberSkillRecord] = field(default_factory=list)
    goals: list[GoalRecord] = field(default_factory=list)
    offers: list[OfferRecord] = field(default_factory=list)
    #: How many contacts each member imported.
    contact_counts: list[int] = field(default_factory=list)
    #: Contacts that must exist (the demo personas know each other), by owner.
    known_contacts: dict[int, list[int]] = field(default_factory=dict)

    def contact_chunks(self) -> Iterator[list[ContactRecord]]:
        """The imported contacts, :data:`CONTACT_CHUNK` owners at a time, in owner order."""
        return _ContactMaker(self).chunks()

    def contacts(self) -> list[ContactRecord]:
        return [contact for chunk in self.contact_chunks() for contact in chunk]


# Months are counted as year * 12 + month - 1, so they subtract and compare as integers.


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def first_day(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def last_day(month: int) -> dt.date:
    year, month0 = divmod(month, 12)
    return dt.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])


@functools.cache
def ascii_slug(text: str, joiner: str = "") -> str:
    """Lower-case ASCII letters for an address: "Ondřej" → "ondrej", "de Vries" → "devries"."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(char if char.isalnum() else " " for char in bare.replace("'", "")).split()
    return joiner.join(words)


class _Stint(NamedTuple):
    organisation: int
    unit: int | None
    title: str
    track: str
    start: int
    end: int | None


class _Persona(NamedTuple):
    first_name: str
    last_name: str
    email: str
    role: str
    pronouns: str
    school: str
    degree: str
    field: str
    study: tuple[int, int]
    #: (organisation, unit, title, start, end) with months relative to today.
    career: tuple[tuple[str, str, str, int, int | None], ...]
    skills: tuple[str, ...]
    goals: tuple[vocab.GoalSpec, ...] = ()
    offers: tuple[str, ...] = ()
    capacity: int = 0
    wants_copilot: bool = False
    about: str = ""


#: The people the demo is told through: the four sign-ins, Maya's peer and three classmates.
PERSONAS: tuple[_Persona, ...] = (
    _Persona(
        "Maya",
        "Patel",
        "mentee@deskmate.demo",
        MEMBER,
        "she/her",
        vocab.UNIVERSITY,
        "BSc",
        "Computer Science",
        (-82, -39),
        (
            ("Acme", "Payments", "Junior Engineer", -36, -13),
            ("Acme", "Payments", "Engineer", -12, None),
        ),
        ("Python", "Go", "PostgreSQL", "Payments", "Software testing"),
        goals=(
            vocab.GoalSpec("Move into engineering management", "Engineering Manager", "Management"),
            vocab.GoalSpec("Speak at a conference", "", "Public speaking"),
        ),
        wants_copilot=True,
        about="Backend engineer on Acme's payments team. Curious about leading a team one day.",
    ),
    _Persona(
        "Daniel",
        "Okafor",
        "mentor@deskmate.demo",
        MEMBER,
        "he/him",
        vocab.UNIVERSITY,
        "BSc",
        "Computer Science",
        (-190, -147),
        (
            ("Globex", "Platform", "Junior Engineer", -144, -121),
            ("Globex", "Platform", "Engineer", -120, -97),
            ("Acme", "Payments", "Senior Engineer", -96, -45),
            ("Acme", "Payments", "Engineering Manager", -44, -13),
            ("Northwind Bank", "Digital Banking", "Engineering Manager", -12, None),
        ),
        (
            "Go",
            "Python",
            "Distributed systems",
            "Payments",
            "System design",
            "Management",
            "Hiring",
            "Mentoring",
            "Public speaking",
        ),
        offers=(
            "Preparing for a first management role",
            "Conference talks",
            "Hiring and running interviews",
        ),
        capacity=3,
        about="Went from senior engineer to engineering manager on Acme's payments team; "
        "now leads an engineering team at Northwind Bank.",
    ),
    _Persona(
        "Claire",
        "Dubois",
        "coordinator@deskmate.demo",
        COORDINATOR,
        "she/her",
        vocab.UNIVERSITY,
        "BA",
        "Psychology",
        (-170, -135),
        (
            ("Northfield University", "Careers Service", "Careers Adviser", -120, -61),
            ("Northfield University", "Careers Service", "Programme Coordinator", -60, None),
        ),
        ("Mentoring", "Learning and development", "Public speaking", "Stakeholder management"),
        about="Runs the alumni mentoring programmes at Northfield's careers service.",
    ),
    _Persona(
        "Adam",
        "Novak",
        "admin@deskmate.demo",
        ADMIN,
        "",
        vocab.UNIVERSITY,
        "BSc",
        "Information Systems",
        (-214, -179),
        (
            ("Initech", "Core Systems", "Engineer", -176, -97),
            ("Northfield University", "IT Services", "IT Services Manager", -96, None),
        ),
        ("Python", "PostgreSQL", "Kubernetes", "Management"),
    ),
    _Persona(
        "Tomás",
        "Herrera",
        "",
        MEMBER,
        "he/him",
        "Harbour Institute of Technology",
        "BSc",
        "Computer Science",
        (-82, -39),
        (
            ("Acme", "Payments", "Junior Engineer", -35, -11),
            ("Acme", "Payments", "Engineer", -10, None),
        ),
        ("Java", "Kotlin", "PostgreSQL", "Payments"),
        goals=(vocab.GoalSpec("Become a senior engineer", "Senior Engineer", "System design"),),
        wants_copilot=True,
    ),
    _Persona(
        "Aisha",
        "Khan",
        "",
        MEMBER,
        "she/her",
        vocab.UNIVERSITY,
        "BSc",
        "Computer Science",
        (-82, -39),
        (
            ("Globex", "Platform", "Junior Engineer", -37, -14),
            ("Globex", "Platform", "Engineer", -13, None),
        ),
        ("Python", "Kubernetes", "AWS"),
        goals=(vocab.GoalSpec("Get better at system design", "", "System design"),),
    ),
    _Persona(
        "Lukas",
        "Weber",
        "",
        MEMBER,
        "",
        vocab.UNIVERSITY,
        "BSc",
        "Computer Science",
        (-82, -39),
        (
            ("Northwind Bank", "Digital Banking", "Junior Engineer", -35, -12),
            ("Northwind Bank", "Digital Banking", "Engineer", -11, None),
        ),
        ("Java", "Kotlin", "Mobile development"),
    ),
    _Persona(
        "Chloé",
        "Martin",
        "",
        MEMBER,
        "she/her",
        vocab.UNIVERSITY,
        "BSc",
        "Computer Science",
        (-82, -39),
        (
            ("Lumen Retail", "E-commerce", "Junior Engineer", -36, -19),
            ("Lumen Retail", "E-commerce", "Product Analyst", -18, None),
        ),
        ("JavaScript", "React", "Data analysis", "Product management"),
        goals=(
            vocab.GoalSpec("Become a product manager", "Product Manager", "Product management"),
        ),
    ),
)
MEMBERS_MINIMUM = len(PERSONAS)


def generate_community(*, members: int, seed: int, today: dt.date) -> Community:
    """The demo community of ``members`` members (the personas included).

    The same ``members``, ``seed`` and ``today`` always give the same records.
    """
    if members < MEMBERS_MINIMUM:
        raise ValueError(f"The demo community needs at least {MEMBERS_MINIMUM} members.")
    return _Generator(members=members, seed=seed, today=today).run()


class _Employer(NamedTuple):
    organisation: int
    unit: int | None


class _Generator:
    def __init__(self, *, members: int, seed: int, today: dt.date):
        self.size = members
        self.rng = random.Random(seed)
        self.today = today
        self.now = month_of(today)
        self.community = Community(seed=seed, today=today)
        # Months after which an ended stint would end in the future.
        self.last_ended = self.now - 1
        # The latest June that is over: the most recent graduation.
        self.last_graduation = self.now - (self.now % 12 - 5) - (12 if self.now % 12 < 6 else 0)

    def run(self) -> Community:
        self._world()
        for persona in PERSONAS:
            self._persona(persona)
        for index in range(len(PERSONAS), self.size):
            self._member(index)
        self._persona_contacts()
        return self.community

    # The world: organisations, units, schools and skills.

    def _world(self) -> None:
        c = self.community
        self.org_index: dict[str, int] = {}
        self.unit_index: dict[tuple[int, str], int] = {}
        self.org_weights: list[float] = []
        org_units: list[list[tuple[int, vocab.UnitSpec]]] = []
        for spec in vocab.EMPLOYERS:
            org_units.append(self._add_organisation(spec.name, spec.city, spec.units))
            self.org_weights.append(spec.weight)
        # A long tail of small employers, more of them in a bigger community.
        small_count = min(
            max(15, self.size // 100),
            len(vocab.SMALL_EMPLOYER_FIRST_WORDS) * len(vocab.SMALL_EMPLOYER_SECOND_WORDS),
        )
        pairs = list(
            itertools.product(vocab.SMALL_EMPLOYER_FIRST_WORDS, vocab.SMALL_EMPLOYER_SECOND_WORDS)
        )
        self.rng.shuffle(pairs)
        small_weight = 0.45 * sum(self.org_weights) / small_count
        for first, second in pairs[:small_count]:
            extra = self.rng.sample(vocab.SMALL_EMPLOYER_UNITS[1:], self.rng.randint(1, 4))
            units = (vocab.SMALL_EMPLOYER_UNITS[0], *extra)
            org_units.append(
                self._add_organisation(f"{first} {second}", self.rng.choice(vocab.CITIES), units)
            )
            self.org_weights.append(small_weight)
        self.small_from = len(vocab.EMPLOYERS)
        # For each career, the units that hire into it with cumulative weights.
        self.hiring: dict[str, tuple[list[_Employer], list[float]]] = {}
        for track, kinds in vocab.TRACK_UNIT_KINDS.items():
            employers: list[_Employer] = []
            cumulative: list[float] = []
            total = 0.0
            for org, units in enumerate(org_units):
                fitting = [(unit, spec) for unit, spec in units if spec.kind in kinds]
                all_weight = sum(spec.weight for _, spec in units)
                for unit, spec in fitting:
                    # Designers mostly sit in design units, a few in product teams.
                    affinity = 1.0 if spec.kind == kinds[0] else 0.15
                    total += self.org_weights[org] * spec.weight * affinity / all_weight
                    employers.append(_Employer(org, unit))
                    cumulative.append(total)
            self.hiring[track] = (employers, cumulative)
        self.school_index = {}
        for name in (vocab.UNIVERSITY, *(school for school, _ in vocab.OTHER_SCHOOLS)):
            self.school_index[name] = len(c.schools)
            c.schools.append(SchoolRecord(name))
        self.skill_index = {}
        for name, aliases in vocab.SKILLS:
            self.skill_index[name] = len(c.skills)
            c.skills.append(SkillRecord(name, aliases))
        self.programmes = list(vocab.UNDERGRADUATE_PROGRAMMES)
        self.programme_weights = list(itertools.accumulate(p.intake for p in self.programmes))
        # More recent years have more alumni: intakes grew.
        self.recent_first = list(
            itertools.accumulate(1.0 + 0.05 * (ALUMNI_YEARS - k) for k in range(ALUMNI_YEARS))
        )
        self.cultures = list(names.CULTURES.values())
        self.culture_weights = list(
            itertools.accumulate(culture.weight for culture in self.cultures)
        )

    def _add_organisation(self, name: str, city: str, units) -> list[tuple[int, vocab.UnitSpec]]:
        c = self.community
        org = len(c.organisations)
        self.org_index[name] = org
        c.organisations.append(OrganisationRecord(name, city))
        added = []
        for spec in units:
            self.unit_index[(org, spec.name)] = len(c.units)
            added.append((len(c.units), spec))
            c.units.append(UnitRecord(org, spec.name, spec.kind))
        return added

    # Members.

    def _member(self, index: int) -> None:
        rng = self.rng
        culture = rng.choices(self.cultures, cum_weights=self.culture_weights)[0]
        feminine = rng.random() < 0.5
        first_name = rng.choice(culture.feminine if feminine else culture.masculine)
        last_name = rng.choice(culture.family)
        programme = rng.choices(self.programmes, cum_weights=self.programme_weights)[0]
        track = _weighted(rng, programme.tracks)
        kind = rng.random()
        school = vocab.UNIVERSITY if kind < 0.85 else self._other_school(programme)
        stints: list[_Stint] = []
        transitions: list[tuple[str, str]] = []
        if kind < 0.15:
            # Still studying: started in one of the last few intakes, no end yet.
            intake = self.rng.randint(0, programme.years - 1)
            start = self._last_intake() - 12 * intake
            self._study(index, school, programme, start, None)
            if intake >= 1 and rng.random() < 0.35:
                summer = start + 9 + 12 * rng.randint(0, intake - 1)
                employer = self._hire(track)
                stints.append(
                    _Stint(
                        *employer,
                        vocab.INTERN_TITLES.get(track, "Intern"),
                        track,
                        summer,
                        summer + 2,
                    )
                )
            level = -1
        else:
            years_ago = rng.choices(range(ALUMNI_YEARS), cum_weights=self.recent_first)[0]
            graduation = self.last_graduation - 12 * years_ago
            start = graduation - 12 * programme.years + 3
            self._study(index, school, programme, start, graduation)
            career_start = graduation + rng.randint(1, 8)
            if graduation + 14 <= self.last_ended and rng.random() < 0.12:
                masters = rng.choice(vocab.POSTGRADUATE_PROGRAMMES)
                self._study(index, vocab.UNIVERSITY, masters, graduation + 3, graduation + 14)
                track = _weighted(rng, masters.tracks)
                career_start = graduation + 14 + rng.randint(1, 4)
            level = self._career(stints, transitions, track, career_start)
            if level >= 2 and rng.random() < 0.05:
                mba_start = career_start + 12 * rng.randint(5, 8) + 3
                if mba_start + 21 <= self.last_ended:
                    self._study(index, vocab.UNIVERSITY, vocab.MBA, mba_start, mba_start + 21)
        self._add_member(
            index, first_name, last_name, feminine, programme, school, stints, transitions, level
        )

    def _other_school(self, programme: vocab.Programme) -> str:
        teaching = [name for name, fields in vocab.OTHER_SCHOOLS if programme.field in fields]
        return self.rng.choice(teaching) if teaching else vocab.OTHER_SCHOOLS[0][0]

    def _last_intake(self) -> int:
        """The latest September on or before today."""
        return self.now - ((self.now % 12 - 8) % 12)

    def _study(
        self, index: int, school: str, programme: vocab.Programme, start: int, end: int | None
    ) -> None:
        self.community.education.append(
            EducationRecord(
                index,
                self.school_index[school],
                programme.degree,
                programme.field,
                first_day(start),
                None if end is None else last_day(end),
            )
        )

    def _hire(self, track: str) -> _Employer:
        employers, cumulative = self.hiring[track]
        employer = self.rng.choices(employers, cum_weights=cumulative)[0]
        if employer.organisation >= self.small_from and self.rng.random() < 0.25:
            # Small employers' people often name no team.
            return _Employer(employer.organisation, None)
        return employer

    def _career(
        self, stints: list[_Stint], transitions: list[tuple[str, str]], track: str, start: int
    ) -> int:
        """Jobs from ``start`` to today; returns the level held now (-1 if not working)."""
        rng = self.rng
        pace = rng.uniform(0.75, 1.3)
        month = start
        level = 0
        while month <= self.now and len(stints) < 5:
            level = _level((month - start) * pace / 12)
            if stints:
                track = self._maybe_change(track, level, transitions)
            employer = self._hire(track)
            tenure = int(rng.triangular(12, 72, 24))
            end = month + tenure - 1
            # A promotion inside the job shows as a new position with the next title.
            next_level = level + 1
            if next_level < len(vocab.LEVEL_YEARS) and len(stints) < 4:
                promotion = start + math.ceil(vocab.LEVEL_YEARS[next_level] * 12 / pace)
                if month + 9 <= promotion <= min(end, self.now) - 6 and rng.random() < 0.6:
                    stints.append(
                        _Stint(*employer, _title(track, level), track, month, promotion - 1)
                    )
                    new_track = self._maybe_change(track, next_level, transitions)
                    month, track, level = promotion, new_track, next_level
            if end >= self.now:
                stints.append(_Stint(*employer, _title(track, level), track, month, None))
                return level
            stints.append(_Stint(*employer, _title(track, level), track, month, end))
            month = end + 1 + (0 if rng.random() < 0.7 else rng.randint(1, 4))
        if stints and stints[-1].end is not None:
            if len(stints) == 5 or rng.random() < 0.9:
                # Stayed on in the last job.
                stints[-1] = stints[-1]._replace(end=None)
            else:
                return -1
        return level if stints else -1

    def _maybe_change(self, track: str, level: int, transitions: list[tuple[str, str]]) -> str:
        for source, target, lowest, chance in vocab.ROLE_CHANGES:
            if track == source and level >= lowest and self.rng.random() < chance:
                transitions.append((source, target))
                return target
        return track

    def _add_member(
        self,
        index: int,
        first_name: str,
        last_name: str,
        feminine: bool,
        programme: vocab.Programme,
        school: str,
        stints: list[_Stint],
        transitions: list[tuple[str, str]],
        level: int,
    ) -> None:
        rng = self.rng
        c = self.community
        self._add_positions(index, stints)
        current = stints[-1] if stints and stints[-1].end is None else None
        studying = level == -1 and c.education[-1].end is None
        if current:
            headline = f"{current.title} at {c.organisations[current.organisation].name}"
            location = c.organisations[current.organisation].city
        elif studying:
            headline = f"{programme.degree} {programme.field} student at {vocab.UNIVERSITY}"
            location = vocab.UNIVERSITY_CITY
        else:
            headline = (
                f"{programme.field} graduate, looking for a first role"
                if not stints
                else (
                    f"Previously {stints[-1].title} at {c.organisations[stints[-1].organisation].name}"
                )
            )
            location = rng.choice(vocab.CITIES)
        pronouns = ""
        if rng.random() < 0.35:
            pronouns = (
                names.PRONOUNS_NEUTRAL
                if rng.random() < 0.04
                else (names.PRONOUNS_FEMININE if feminine else names.PRONOUNS_MASCULINE)
            )
        roll = rng.random()
        visibility = TIES if roll < 0.08 else COORDINATORS if roll < 0.11 else COMMUNITY
        capacity = 0
        if level >= 2 and rng.random() < 0.55:
            capacity = rng.randint(1, 4)
        elif level == 1 and rng.random() < 0.1:
            capacity = 1
        wants_copilot = level <= 1 and rng.random() < 0.25
        email = f"{ascii_slug(first_name)}.{ascii_slug(last_name)}.{index}@example.org"
        c.members.append(
            MemberRecord(
                email=email,
                first_name=first_name,
                last_name=last_name,
                headline=headline,
                location=location,
                pronouns=pronouns,
                visibility=visibility,
                open_to_mentoring=capacity > 0,
                mentee_capacity=capacity,
                wants_copilot=wants_copilot,
                role=MEMBER,
                profile_url=_profile_url(first_name, last_name, index),
                about="",
                signs_in=False,
            )
        )
        tracks = list(dict.fromkeys(stint.track for stint in reversed(stints))) or [
            _weighted(rng, programme.tracks)
        ]
        self._add_skills(index, tracks, stints, level)
        self._add_goals(index, tracks[0], level, studying)
        self._add_offers(index, tracks[0], transitions, level)
        c.contact_counts.append(self._contact_count())

    def _add_positions(self, index: int, stints: list[_Stint]) -> None:
        c = self.community
        for stint in stints:
            c.positions.append(
                PositionRecord(
                    index,
                    stint.organisation,
                    stint.unit,
                    stint.title,
                    first_day(stint.start),
                    None if stint.end is None else last_day(stint.end),
                    c.organisations[stint.organisation].city,
                )
            )

    def _add_skills(self, index: int, tracks: list[str], stints: list[_Stint], level: int) -> None:
        rng = self.rng
        chosen = rng.sample(
            vocab.TRACK_SKILLS[tracks[0]],
            min(len(vocab.TRACK_SKILLS[tracks[0]]), rng.randint(2, 6)),
        )
        for earlier in tracks[1:]:
            chosen += rng.sample(vocab.TRACK_SKILLS[earlier], rng.randint(1, 2))
        if level >= 3 or tracks[0] == "engineering_management":
            chosen += rng.sample(vocab.LEAD_SKILLS, rng.randint(1, 3))
        for stint in stints:
            unit_name = None if stint.unit is None else self.community.units[stint.unit].name
            if unit_name in vocab.UNIT_SKILLS:
                chosen.append(vocab.UNIT_SKILLS[unit_name])
        self.community.member_skills.extend(
            MemberSkillRecord(index, self.skill_index[name]) for name in dict.fromkeys(chosen)
        )

    def _add_goals(self, index: int, track: str, level: int, studying: bool) -> None:
        rng = self.rng
        specs: list[vocab.GoalSpec] = []
        if studying:
            if rng.random() < 0.8:
                specs += vocab.STUDENT_GOALS[track]
            if rng.random() < 0.3:
                specs.append(rng.choice(vocab.STUDENT_GENERAL_GOALS))
        else:
            chance = {-1: 0.6, 0: 0.85, 1: 0.85, 2: 0.4}.get(level, 0.1)
            if rng.random() < chance and track in vocab.TRACK_GOALS:
                specs += rng.sample(
                    vocab.TRACK_GOALS[track], rng.randint(1, 2) if level <= 1 else 1
                )
            if rng.random() < 0.25:
                specs.append(rng.choice(vocab.GENERAL_GOALS))
        self._goals(index, specs)

    def _goals(self, index: int, specs) -> None:
        self.community.goals.extend(
            GoalRecord(
                index,
                spec.text,
                spec.target_role,
                self.skill_index[spec.target_skill] if spec.target_skill else None,
            )
            for spec in dict.fromkeys(specs)
        )

    def _add_offers(
        self, index: int, track: str, transitions: list[tuple[str, str]], level: int
    ) -> None:
        rng = self.rng
        if level < 2:
            return
        texts = [vocab.TRANSITION_OFFERS[change] for change in transitions]
        texts += rng.sample(vocab.TRACK_OFFERS[track], rng.randint(0, 2))
        if rng.random() < 0.3:
            texts.append(rng.choice(vocab.GENERAL_OFFERS))
        self.community.offers.extend(OfferRecord(index, text) for text in dict.fromkeys(texts))

    def _contact_count(self) -> int:
        # Log-normal: most people import a few dozen contacts, a few import hundreds.
        sigma = 0.6
        mu = math.log(MEAN_CONTACTS) - sigma * sigma / 2
        return max(2, min(250, round(self.rng.lognormvariate(mu, sigma))))

    # The personas.

    def _persona(self, persona: _Persona) -> None:
        c = self.community
        index = len(c.members)
        school = persona.school
        self.community.education.append(
            EducationRecord(
                index,
                self.school_index[school],
                persona.degree,
                persona.field,
                first_day(self._persona_month(persona.study[0], september=True)),
                last_day(self._persona_month(persona.study[1])),
            )
        )
        stints = []
        for org_name, unit_name, title, start, end in persona.career:
            org = self.org_index[org_name]
            stints.append(
                _Stint(
                    org,
                    self.unit_index[(org, unit_name)],
                    title,
                    "",
                    self.now + start,
                    None if end is None else self.now + end,
                )
            )
        self._add_positions(index, stints)
        current = stints[-1]
        email = persona.email or (
            f"{ascii_slug(persona.first_name)}.{ascii_slug(persona.last_name)}.{index}@example.org"
        )
        c.members.append(
            MemberRecord(
                email=email,
                first_name=persona.first_name,
                last_name=persona.last_name,
                headline=f"{current.title} at {c.organisations[current.organisation].name}",
                location=c.organisations[current.organisation].city,
                pronouns=persona.pronouns,
                visibility=COMMUNITY,
                open_to_mentoring=persona.capacity > 0,
                mentee_capacity=persona.capacity,
                wants_copilot=persona.wants_copilot,
                role=persona.role,
                profile_url=_profile_url(persona.first_name, persona.last_name, index),
                about=persona.about,
                signs_in=bool(persona.email),
            )
        )
        c.member_skills.extend(
            MemberSkillRecord(index, self.skill_index[name]) for name in persona.skills
        )
        self._goals(index, persona.goals)
        c.offers.extend(OfferRecord(index, text) for text in persona.offers)
        c.contact_counts.append(self._contact_count())

    def _persona_month(self, offset: int, september: bool = False) -> int:
        month = self.now + offset
        if september:
            month -= (month % 12 - 8) % 12
        return month

    def _persona_contacts(self) -> None:
        maya, daniel, claire, adam, peer, *classmates = range(len(PERSONAS))
        known = self.community.known_contacts
        known[maya] = [daniel, peer, *classmates, claire]
        known[daniel] = [maya, peer]
        known[peer] = [maya, daniel]
        for classmate in classmates:
            known[classmate] = [maya, *(other for other in classmates if other != classmate)]
        known[claire] = [adam, maya]
        known[adam] = [claire]


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    values, cumulative = _cumulative(options)
    return rng.choices(values, cum_weights=cumulative)[0]


@functools.cache
def _cumulative(
    options: tuple[tuple[str, float], ...],
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(value for value, _ in options), tuple(
        itertools.accumulate(weight for _, weight in options)
    )


def _level(years: float) -> int:
    return bisect.bisect_right(vocab.LEVEL_YEARS, years) - 1


def _title(track: str, level: int) -> str:
    ladder = vocab.LADDERS[track]
    for title in ladder[level:]:
        if title:
            return title
    raise AssertionError(f"the {track} ladder has no title from level {level}")


def _profile_url(first_name: str, last_name: str, index: int) -> str:
    return f"linkedin.com/in/{ascii_slug(first_name, '-')}-{ascii_slug(last_name, '-')}-{index}"


class _Pool(NamedTuple):
    """Stints of one group (a unit, or a programme at a school), and which of them ran in each year."""

    starts: list[int]
    ends: list[int]
    members: list[int]
    by_year: dict[int, list[int]]


def _pools(keyed: dict[object, list[tuple[int, int, int]]]) -> dict[object, _Pool]:
    pools = {}
    for key, rows in keyed.items():
        by_year: dict[int, list[int]] = {}
        for i, (start, end, _member) in enumerate(rows):
            for year in range(start // 12, end // 12 + 1):
                by_year.setdefault(year, []).append(i)
        pools[key] = _Pool(
            [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows], by_year
        )
    return pools


class _ContactMaker:
    """Draws each member's contacts among people they overlapped with, then a few outsiders."""

    def __init__(self, community: Community):
        self.community = community
        self.now = month_of(community.today)
        self.today_ordinal = community.today.toordinal()
        by_unit: dict[int, list[tuple[int, int, int]]] = {}
        self.member_positions: list[list[tuple[int, int, int]]] = [[] for _ in community.members]
        self.current: list[tuple[str, str]] = [("", "")] * len(community.members)
        for position in community.positions:
            end = self.now if position.end is None else month_of(position.end)
            start = month_of(position.start)
            organisation = community.organisations[position.organisation].name
            # Positions come in date order, so the last one seen is the latest.
            self.current[position.member] = (organisation, position.title)
            if position.unit is not None:
                by_unit.setdefault(position.unit, []).append((start, end, position.member))
                self.member_positions[position.member].append((position.unit, start, end))
        self.units = _pools(by_unit)  # type: ignore[arg-type]
        by_class: dict[tuple, list[tuple[int, int, int]]] = {}
        self.member_studies: list[list[tuple[tuple, int, int]]] = [[] for _ in community.members]
        for study in community.education:
            key = (study.school, study.degree, study.field)
            start = month_of(study.start)
            end = self.now if study.end is None else month_of(study.end)
            by_class.setdefault(key, []).append((start, end, study.member))
            self.member_studies[study.member].append((key, start, end))
        self.classes = _pools(by_class)

    def chunks(self) -> Iterator[list[ContactRecord]]:
        count = len(self.community.members)
        for number, first in enumerate(range(0, count, CONTACT_CHUNK)):
            rng = random.Random(f"{self.community.seed}:contacts:{number}")
            chunk: list[ContactRecord] = []
            for owner in range(first, min(first + CONTACT_CHUNK, count)):
                chunk.extend(self._contacts_of(owner, rng))
            yield chunk

    def _contacts_of(self, owner: int, rng: random.Random) -> list[ContactRecord]:
        wanted = self.community.contact_counts[owner]
        known: dict[int, int] = {}  # member -> month they connected
        for member in self.community.known_contacts.get(owner, ()):
            known[member] = self.now - 1 - int(rng.random() * 24)
        positions = self.member_positions[owner]
        studies = self.member_studies[owner]
        colleagues = round(wanted * (0.6 if positions else 0.0))
        classmates = round(wanted * (0.3 if positions else 0.75))
        if positions:
            self._draw(
                rng,
                owner,
                known,
                len(known) + colleagues,
                [(self.units[u], s, e) for u, s, e in positions],
            )
        if studies:
            self._draw(
                rng,
                owner,
                known,
                len(known) + classmates,
                [(self.classes[k], s, e) for k, s, e in studies],
            )
        contacts = [
            self._member_contact(owner, member, month, rng) for member, month in known.items()
        ]
        for number in range(wanted - len(contacts)):
            contacts.append(self._outsider(owner, number, rng))
        return contacts

    def _draw(self, rng, owner, known, target, stints) -> None:
        """Adds people from ``stints``' pools who overlapped with the owner until ``target`` are known.

        Drawing a year of the owner's stint, then someone there that year, makes
        longer overlaps likelier, as they are in life.
        """
        years = [
            (pool, start, end, bucket)
            for pool, start, end in stints
            for year in range(start // 12, end // 12 + 1)
            if (bucket := pool.by_year.get(year))
        ]
        if not years:
            return
        random = rng.random
        now = self.now
        attempts = 3 * max(0, target - len(known))
        while len(known) < target and attempts > 0:
            attempts -= 1
            pool, start, end, bucket = years[int(random() * len(years))]
            i = bucket[int(random() * len(bucket))]
            member = pool.members[i]
            if member == owner or member in known or pool.ends[i] < start or pool.starts[i] > end:
                continue
            overlap_start = max(start, pool.starts[i])
            overlap_end = min(end, pool.ends[i], now)
            known[member] = overlap_start + int(random() * (overlap_end - overlap_start + 1))

    def _member_contact(self, owner: int, member: int, month: int, rng) -> ContactRecord:
        other = self.community.members[member]
        organisation, title = self.current[member]
        return ContactRecord(
            owner,
            member,
            other.first_name,
            other.last_name,
            # Most people keep their address private on LinkedIn.
            other.email if rng.random() < 0.35 else "",
            "https://www." + other.profile_url,
            organisation,
            title,
            self._day_in(month, rng),
        )

    def _outsider(self, owner: int, number: int, rng) -> ContactRecord:
        culture = _CULTURE_LIST[int(rng.random() * len(_CULTURE_LIST))]
        first_names = culture.feminine if rng.random() < 0.5 else culture.masculine
        first_name = first_names[int(rng.random() * len(first_names))]
        last_name = rng.choice(culture.family)
        slug = f"{ascii_slug(first_name, '-')}-{ascii_slug(last_name, '-')}-x{owner}-{number}"
        organisation = rng.choice(self.community.organisations).name
        title = rng.choice(_ALL_TITLES)
        email = f"{ascii_slug(first_name)}.{ascii_slug(last_name)}.x{owner}.{number}@example.net"
        return ContactRecord(
            owner=owner,
            member=None,
            first_name=first_name,
            last_name=last_name,
            email=email if rng.random() < 0.35 else "",
            profile_url=f"https://www.linkedin.com/in/{slug}",
            organisation=organisation,
            title=title,
            connected_on=self._day_in(self.now - int(rng.random() * 121), rng),
        )

    def _day_in(self, month: int, rng: random.Random) -> dt.date:
        """A day of ``month``, not after today."""
        return dt.date.fromordinal(
            min(_first_ordinal(month) + int(rng.random() * 28), self.today_ordinal)
        )


_CULTURE_LIST = tuple(names.CULTURES.values())
_ALL_TITLES = tuple(
    dict.fromkeys(title for ladder in vocab.LADDERS.values() for title in ladder if title)
)


@functools.cache
def _first_ordinal(month: int) -> int:
    return first_day(month).toordinal()
