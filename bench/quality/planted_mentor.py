"""Find the planted mentor: does a mentee's true mentor come first?

A generated organisation in which every mentee's true mentor is planted by
the process below; each method ranks everyone else for the mentee and is
scored by where the planted mentor lands: hit@1, hit@3 (the share of mentees
whose mentor is first, or in the first three) and MRR (the mean of
1 / rank, 0 when the method does not list the mentor at all).

Generated community (``generate``), one organisation:

- Members follow one of five career tracks (engineering, design, analytics,
  sales, research), each a path of three titles: a first title ("Software
  Engineer"), a senior one ("Senior Software Engineer") and the role a
  mentee wants ("Engineering Manager"). A member is at the first (45 %),
  second (35 %) or third step (20 %); the history holds every step reached,
  with dates, the last one current.
- Units hold about twelve members each; 70 % of a unit's members follow the
  unit's track, the rest any track. Members at the second or third step
  moved unit once (their earlier steps are in another unit, drawn the same
  way).
- Contacts: each member imports 2–14 contacts, 50 % from their units, 50 %
  from anyone; hubs (5 % of members) are drawn three times as often.
- Interactions: every member logs 0–3 moments with random contacts in the
  last year.
- Mentees: a sample of first-step members, each with the goal of their
  track's third title. Each mentee's **planted mentor** is a third-step
  member of the same track (so their history shows the move the mentee
  wants) who was not planted already, and with it, independently:
  the mentor's current position is in the mentee's unit (shared unit and
  time) with probability 0.5; the mentee has imported the mentor as a
  contact with probability 0.6; the mentee has logged 1–4 interactions with
  the mentor in the last six months with probability 0.5. Nothing else
  marks the planted mentor: other third-step members of the track (about
  ten per mentee) have the same career, colleagues share the unit, hubs
  share more contacts, and other moments are logged.

Methods, on the same community and candidates (everyone but the mentee),
equal scores ordered by a per-mentee hash for the baselines:

- deskmate: ``rank_suggestions`` with default weights over every member,
  everyone open to mentoring with one free place; a candidate it does not
  suggest is a miss.
- most shared units: the number of units the two were in at the same time.
- most mutual contacts: contacts in common (either direction).
- random: a per-mentee random order.
- deskmate fit alone (ablation): the same fit, no tie, no availability.
- fit filter, then most shared units / most mutual contacts: the
  candidates deskmate's fit lets through (those who serve the goal), ordered
  by the baseline: a simple combination of the two ideas.

    .venv/bin/python bench/quality/planted_mentor.py [--members 1000] [--mentees 100] [--seeds 5] [--no-write]
"""

import argparse
import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.report import write_section  # noqa: E402
from deskmate.engine.fit import CareerProfile, Goal, Mode, Role  # noqa: E402
from deskmate.engine.ranking import (  # noqa: E402
    Availability,
    RankingWeights,
    rank_suggestions,
    shared_context,
)
from deskmate.engine.reasons import Names  # noqa: E402
from deskmate.engine.ties import (  # noqa: E402
    Community,
    Contacts,
    Interactions,
    Positions,
    compute_ties,
)

AS_OF = "2026-01-01"
ORGANISATION = 1
TRACKS = [
    ("Software Engineer", "Senior Software Engineer", "Engineering Manager"),
    ("Product Designer", "Senior Product Designer", "Head of Design"),
    ("Data Analyst", "Senior Data Analyst", "Director of Analytics"),
    ("Account Executive", "Senior Account Executive", "Sales Manager"),
    ("Research Associate", "Research Scientist", "Research Director"),
]
STEP_SHARES = (0.45, 0.35, 0.20)
P_SHARED_UNIT, P_CONTACT, P_INTERACTIONS = 0.5, 0.6, 0.5


@dataclass
class Generated:
    n: int
    community: Community
    profiles: list[CareerProfile]
    mentees: list[int]
    mentors: list[int]
    #: (member, unit, start day, end day) of every position, for the shared-units baseline.
    stints: list[tuple[int, int, np.datetime64, np.datetime64]]
    contact_sets: list[set[int]]


def _day(year: int, rng: np.random.Generator) -> np.datetime64:
    return np.datetime64(f"{year}-01-01") + int(rng.integers(0, 365))


def _history(step: int, rng: np.random.Generator) -> list[tuple[int, np.datetime64]]:
    """(step, start day) of each title reached, oldest first; each ends when the next starts."""
    if step == 0:
        return [(0, _day(int(rng.integers(2021, 2025)), rng))]
    first = int(rng.integers(2008, 2016))
    second = first + int(rng.integers(3, 6))
    history = [(0, _day(first, rng)), (1, _day(second, rng))]
    if step == 2:
        history.append((2, _day(min(second + int(rng.integers(3, 6)), 2023), rng)))
    return history


def _members(rng: np.random.Generator, n: int):
    """Each member's track, current and earlier unit, step and dated history."""
    n_units = max(n // 12, 5)
    unit_track = rng.integers(0, len(TRACKS), n_units)
    track = np.empty(n, dtype=np.int64)
    current_unit = rng.integers(0, n_units, n)
    for member in range(n):
        track[member] = (
            unit_track[current_unit[member]] if rng.random() < 0.7 else rng.integers(0, len(TRACKS))
        )
    step = rng.choice(3, n, p=STEP_SHARES)
    earlier_unit = np.where(step > 0, rng.integers(0, n_units, n), current_unit)
    histories = [_history(int(step[m]), rng) for m in range(n)]
    return n_units, track, current_unit, step, earlier_unit, histories


def _plant(rng, step, track, current_unit, n_mentees: int) -> tuple[list[int], list[int]]:
    """Mentees and their mentors; half the mentors are moved into their mentee's unit."""
    mentees: list[int] = []
    mentors: list[int] = []
    taken: set[int] = set()
    for mentee in rng.permutation(np.flatnonzero(step == 0)).tolist():
        pool = [
            int(m) for m in np.flatnonzero((step == 2) & (track == track[mentee])) if m not in taken
        ]
        if len(mentees) == n_mentees or not pool:
            continue
        mentor = int(rng.choice(pool))
        mentees.append(mentee)
        taken.add(mentor)
        mentors.append(mentor)
        if rng.random() < P_SHARED_UNIT:
            current_unit[mentor] = current_unit[mentee]
    return mentees, mentors


def _positions(histories, current_unit, earlier_unit):
    """Position rows for the engine, and (member, unit, start, end) stints for the baseline."""
    rows, stints = [], []
    end_of_time = np.datetime64(AS_OF)
    for member, history in enumerate(histories):
        for index, (_, start) in enumerate(history):
            last = index == len(history) - 1
            unit = int(current_unit[member] if last else earlier_unit[member])
            end = None if last else history[index + 1][1] - 1
            rows.append((member, ORGANISATION, unit, start, end))
            stints.append((member, unit, start, end_of_time if end is None else end))
    return rows, stints


def _contacts(rng, n: int, n_units: int, current_unit, earlier_unit) -> set[tuple[int, int]]:
    """Half from the member's current unit, half from anyone, hubs drawn three times as often."""
    units_members: list[list[int]] = [[] for _ in range(n_units)]
    for member in range(n):
        for unit in {int(current_unit[member]), int(earlier_unit[member])}:
            units_members[unit].append(member)
    weights = np.where(rng.random(n) < 0.05, 3.0, 1.0)
    weights /= weights.sum()
    contacts: set[tuple[int, int]] = set()
    for member in range(n):
        for _ in range(int(rng.integers(2, 15))):
            pool = units_members[int(current_unit[member])]
            if rng.random() < 0.5 and len(pool) > 1:
                other = int(rng.choice(pool))
            else:
                other = int(rng.choice(n, p=weights))
            if other != member:
                contacts.add((member, other))
    return contacts


def _interactions(rng, n: int, contacts: set[tuple[int, int]]) -> list:
    """0–3 moments each member logs with random contacts of theirs in the last year."""
    interactions = []
    end_of_time = np.datetime64(AS_OF)
    for member in range(n):
        mine = [other for owner, other in contacts if owner == member]
        for _ in range(int(rng.integers(0, 4))):
            if mine:
                day = end_of_time - int(rng.integers(1, 365))
                interactions.append((member, int(rng.choice(mine)), 1, day))
    return interactions


def _plant_ties(rng, mentees, mentors, contacts: set, interactions: list) -> None:
    end_of_time = np.datetime64(AS_OF)
    for mentee, mentor in zip(mentees, mentors, strict=True):
        if rng.random() < P_CONTACT:
            contacts.add((mentee, mentor))
        if rng.random() < P_INTERACTIONS:
            for _ in range(int(rng.integers(1, 5))):
                interactions.append((mentee, mentor, 2, end_of_time - int(rng.integers(1, 180))))


def _profiles(histories, track, mentees) -> list[CareerProfile]:
    goals = {mentee: Goal(1, "Make the next move", TRACKS[track[mentee]][2]) for mentee in mentees}
    profiles = []
    for member, history in enumerate(histories):
        roles = tuple(
            Role(
                TRACKS[track[member]][title_step],
                int(str(start)[:4]),
                None if index == len(history) - 1 else int(str(history[index + 1][1])[:4]),
            )
            for index, (title_step, start) in enumerate(history)
        )
        profiles.append(
            CareerProfile(member, roles=roles, goals=(goals[member],) if member in goals else ())
        )
    return profiles


def generate(n: int, n_mentees: int, seed: int) -> Generated:
    """A community of ``n`` members with up to ``n_mentees`` planted mentor pairs (module docstring)."""
    rng = np.random.default_rng(seed)
    n_units, track, current_unit, step, earlier_unit, histories = _members(rng, n)
    mentees, mentors = _plant(rng, step, track, current_unit, n_mentees)
    position_rows, stints = _positions(histories, current_unit, earlier_unit)
    contacts = _contacts(rng, n, n_units, current_unit, earlier_unit)
    interactions = _interactions(rng, n, contacts)
    _plant_ties(rng, mentees, mentors, contacts, interactions)
    contact_sets: list[set[int]] = [set() for _ in range(n)]
    for owner, other in contacts:
        contact_sets[owner].add(other)
        contact_sets[other].add(owner)
    community = Community(
        n_members=n,
        positions=Positions.from_rows(position_rows),
        contacts=Contacts.from_rows(sorted(contacts)),
        interactions=Interactions.from_rows(interactions),
    )
    profiles = _profiles(histories, track, mentees)
    return Generated(n, community, profiles, mentees, mentors, stints, contact_sets)


def _hash_order(mentee: int, candidates: np.ndarray, salt: str) -> np.ndarray:
    return np.array(
        [
            int.from_bytes(
                hashlib.blake2b(f"{salt}:{mentee}:{c}".encode(), digest_size=8).digest(), "big"
            )
            for c in candidates
        ],
        dtype=np.uint64,
    )


def rank_by(scores: np.ndarray, mentee: int, salt: str) -> list[int]:
    """Everyone but the mentee, best score first, equal scores in a per-mentee hash order."""
    candidates = np.array([m for m in range(len(scores)) if m != mentee])
    order = np.lexsort((_hash_order(mentee, candidates, salt), -scores[candidates]))
    return candidates[order].tolist()


def shared_units(data: Generated, mentee: int) -> np.ndarray:
    scores = np.zeros(data.n)
    mine = [(unit, start, end) for member, unit, start, end in data.stints if member == mentee]
    for member, unit, start, end in data.stints:
        if member != mentee and any(unit == u and start < e and end > s for u, s, e in mine):
            scores[member] += 1
    return scores


def mutual_contacts(data: Generated, mentee: int) -> np.ndarray:
    mine = data.contact_sets[mentee]
    return np.array([len(mine & data.contact_sets[m]) for m in range(data.n)], dtype=float)


def deskmate_ranking(data: Generated, ties, mentee: int, weights: RankingWeights) -> list[int]:
    ranked = rank_suggestions(
        data.profiles[mentee],
        data.profiles,
        mode=Mode.MENTOR,
        ties=ties,
        context=shared_context(mentee, data.community, as_of=AS_OF),
        availability=Availability.everyone_open(data.n),
        names=Names(organisations={ORGANISATION: "Example"}),
        as_of=AS_OF,
        weights=weights,
        limit=None,
    )
    return [s.candidate for s in ranked.suggestions]


FIT_ALONE = RankingWeights(tie=0.0, availability=0.0, load=0.0)
METHODS = [
    "deskmate",
    "most shared units",
    "most mutual contacts",
    "random",
    "deskmate fit alone (ablation)",
    "fit filter, then most shared units",
    "fit filter, then most mutual contacts",
]


def metrics(rankings: list[list[int]], mentors: list[int]) -> tuple[float, float, float]:
    ranks = [
        ranking.index(mentor) + 1 if mentor in ranking else None
        for ranking, mentor in zip(rankings, mentors, strict=True)
    ]
    hit1 = np.mean([r is not None and r <= 1 for r in ranks])
    hit3 = np.mean([r is not None and r <= 3 for r in ranks])
    mrr = np.mean([0.0 if r is None else 1 / r for r in ranks])
    return float(hit1), float(hit3), float(mrr)


def run(n: int, n_mentees: int, seed: int) -> dict[str, tuple[float, float, float]]:
    data = generate(n, n_mentees, seed)
    ties = compute_ties(data.community, as_of=AS_OF)
    rankings: dict[str, list[list[int]]] = {method: [] for method in METHODS}
    rng = np.random.default_rng(seed + 10_000)
    for mentee in data.mentees:
        rankings["deskmate"].append(deskmate_ranking(data, ties, mentee, RankingWeights()))
        rankings["most shared units"].append(
            rank_by(shared_units(data, mentee), mentee, f"units{seed}")
        )
        rankings["most mutual contacts"].append(
            rank_by(mutual_contacts(data, mentee), mentee, f"mutual{seed}")
        )
        rankings["random"].append(rank_by(rng.random(data.n), mentee, f"random{seed}"))
        fit_alone = deskmate_ranking(data, ties, mentee, FIT_ALONE)
        rankings["deskmate fit alone (ablation)"].append(fit_alone)
        for name, ranking in (
            ("most shared units", rankings["most shared units"][-1]),
            ("most mutual contacts", rankings["most mutual contacts"][-1]),
        ):
            fitting = set(fit_alone)
            rankings[f"fit filter, then {name}"].append([m for m in ranking if m in fitting])
    return {method: metrics(rankings[method], data.mentors) for method in METHODS}


def table(results: list[dict[str, tuple[float, float, float]]]) -> str:
    lines = ["| method | hit@1 | hit@3 | MRR |", "|---|---:|---:|---:|"]
    for method in METHODS:
        values = np.array([result[method] for result in results])
        mean = values.mean(axis=0)
        spread = values.std(axis=0)
        cells = [f"{m:.3f} ± {s:.3f}" for m, s in zip(mean, spread, strict=True)]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--mentees", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    results = []
    for seed in range(1, args.seeds + 1):
        results.append(run(args.members, args.mentees, seed))
        print(seed, results[-1], flush=True)
    text = table(results)
    print(text)
    if not args.no_write:
        write_section(
            "Find the planted mentor (bench/quality/planted_mentor.py)",
            f"{args.members} members, {args.mentees} mentees per community, mean ± standard "
            f"deviation over {args.seeds} generated communities (seeds 1–{args.seeds}); the "
            "planting process is in the script's docstring. Default `RankingWeights` and "
            "`TieParameters` (not calibrated on this process). The machine is a shared virtual "
            f"machine; the run took {time.perf_counter() - started:.0f} s.\n\n" + text + "\n\n"
            "How to read it: the planted mentor is marked by the same kinds of evidence "
            "deskmate reads (a shared unit and time, a contact, logged moments, a career path "
            "ahead) and by nothing else, so the table shows that deskmate combines them as "
            "intended, not how often it finds the right person in a real organisation. The "
            "textbook baselines ignore careers, so they mostly rank colleagues and hubs who "
            "have not made the move; the fit-filtered rows show how much of deskmate's lead "
            "comes from fit and how much from weighing several kinds of tie at once. About "
            "10 % of mentees (0.5 × 0.4 × 0.5) are planted with no tie at all; for them only "
            "career fit is left, among about ten equal candidates, which caps hit@1 near 0.9.",
        )


if __name__ == "__main__":
    main()
