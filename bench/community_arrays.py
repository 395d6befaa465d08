"""The demo community as the tie engine's arrays, built in memory without a database.

The demo generator (`deskmate.demo.generator`) makes the same members,
careers, schools and imported contacts as `deskmate demo-data`; the logged
interactions follow the demo loader's rule (about one linked contact in twelve
met, one to three times within two years). Nothing is written to a database,
so a community of a million members takes minutes, not hours. The arrays are
saved to an ``.npz`` file so that a benchmark's several runs read the same
community.

    .venv/bin/python bench/community_arrays.py --members 1000000 --out /tmp/community-1m.npz
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TODAY = dt.date(2026, 11, 1)


def _interactions(importer: np.ndarray, contact: np.ndarray, seed: int, today: dt.date):
    """The demo loader's logged moments (`demo/loader.py`, `_interactions`), vectorised."""
    met = (importer * 31 + contact * 17 + seed) % 12 == 0
    owner, other = importer[met], contact[met]
    mix = (owner * 7919 + other * 104729 + seed) % 1_000_003
    repeats = 1 + mix % 3
    row = np.repeat(np.arange(len(owner)), repeats)
    repeat = np.arange(len(row)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    days_ago = (mix[row] // 7 + repeat * 97) % 720
    day = np.datetime64(today, "D") - days_ago.astype("timedelta64[D]")
    # lunch, talking shop, meeting, call: InteractionKind 1 to 4.
    kind = (mix[row] + repeat) % 4 + 1
    return owner[row], other[row], kind, day


def build(members: int, seed: int, today: dt.date = TODAY) -> dict[str, np.ndarray]:
    """The community's columns, keyed as :func:`load` reads them."""
    from deskmate.demo.generator import generate_community

    community = generate_community(members=members, seed=seed, today=today)
    positions = community.positions
    columns = {
        "n_members": np.array([len(community.members)]),
        "position_member": np.array([p.member for p in positions], dtype=np.int64),
        "position_organisation": np.array([p.organisation for p in positions], dtype=np.int64),
        "position_unit": np.array(
            [-1 if p.unit is None else p.unit for p in positions], dtype=np.int64
        ),
        "position_start": np.array([p.start for p in positions], dtype="datetime64[D]"),
        "position_end": np.array([p.end for p in positions], dtype="datetime64[D]"),
    }
    del positions
    programmes: dict[tuple[int, str, str], int] = {}
    education = community.education
    columns |= {
        "education_member": np.array([e.member for e in education], dtype=np.int64),
        "education_school": np.array([e.school for e in education], dtype=np.int64),
        "education_programme": np.array(
            [
                programmes.setdefault(
                    (e.school, e.degree.lower(), e.field.lower()), len(programmes)
                )
                for e in education
            ],
            dtype=np.int64,
        ),
        "education_start": np.array([e.start for e in education], dtype="datetime64[D]"),
        "education_end": np.array([e.end for e in education], dtype="datetime64[D]"),
    }
    importers, contacts = [], []
    for chunk in community.contact_chunks():
        linked = [(k.owner, k.member) for k in chunk if k.member is not None]
        pairs = np.array(linked, dtype=np.int64).reshape(-1, 2)
        importers.append(pairs[:, 0])
        contacts.append(pairs[:, 1])
    importer, contact = np.concatenate(importers), np.concatenate(contacts)
    logged_by, other, kind, day = _interactions(importer, contact, seed, today)
    return columns | {
        "contact_importer": importer,
        "contact_contact": contact,
        "interaction_logged_by": logged_by,
        "interaction_other": other,
        "interaction_kind": kind,
        "interaction_day": day,
    }


def load(path: Path):
    """The saved community as a :class:`deskmate.engine.ties.Community`."""
    return community_of(np.load(path))


def community_of(data):
    """The columns of :func:`build` as a :class:`deskmate.engine.ties.Community`."""
    from deskmate.engine.ties import Community, Contacts, Educations, Interactions, Positions

    return Community(
        n_members=int(data["n_members"][0]),
        positions=Positions(
            member=data["position_member"],
            organisation=data["position_organisation"],
            unit=data["position_unit"],
            start=data["position_start"],
            end=data["position_end"],
        ),
        educations=Educations(
            member=data["education_member"],
            school=data["education_school"],
            programme=data["education_programme"],
            start=data["education_start"],
            end=data["education_end"],
        ),
        contacts=Contacts(importer=data["contact_importer"], contact=data["contact_contact"]),
        interactions=Interactions(
            logged_by=data["interaction_logged_by"],
            other=data["interaction_other"],
            kind=data["interaction_kind"],
            day=data["interaction_day"],
        ),
    )


def ensure(members: int, seed: int, path: Path) -> Path:
    """Build and save the community unless ``path`` holds it already."""
    if not path.exists():
        np.savez(path, **build(members, seed))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    started = time.perf_counter()
    np.savez(options.out, **build(options.members, options.seed))
    print(f"{options.members} members in {time.perf_counter() - started:.0f} s -> {options.out}")


if __name__ == "__main__":
    main()
