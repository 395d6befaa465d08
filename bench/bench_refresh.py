"""The nightly tie refresh: storing only what changed, in short transactions, beside the old store.

Builds the demo community (`deskmate demo-data --seed 7`) in a scratch SQLite
database and, with ``--postgres``, in a PostgreSQL database (its public schema
is emptied and loaded the first time, or when it holds another size). Then, in
one process per database:

1. the first store into an empty table (`ties_store`): read the community,
   compute every tie as of day 0, write them all;
2. the nightly refresh of day 1 (`ties_store`): read and compute again, read
   the stored pairs and digests, write only the ties that changed, delete the
   vanished ones;
3. the old nightly store of day 2, the method before this change: one
   transaction that deletes every tie and inserts every tie again (the same
   evidence builder, ``executemany`` on SQLite, ``COPY`` on PostgreSQL).

Writes the table to docs/benchmarks.md under "## Tie refresh".

    .venv/bin/python bench/bench_refresh.py [--members 20000] [--postgres URL]
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

#: Ties per statement batch of the old store, as it was.
OLD_BATCH = 5000


def old_replace(table, arrays) -> int:
    """The store before this change: delete every tie and insert every tie, in one transaction."""
    # Imported here: Django is set up in the child process only, before this runs.
    import numpy as np
    import orjson
    from django.db import connection, transaction
    from django.utils import timezone

    from deskmate.core.sql import sqlite_page_cache
    from deskmate.network.models import Tie
    from deskmate.network.tie_store import SQLITE_STORE_CACHE_KIB, _evidence_lists

    low = arrays.member_ids[table.first].tolist()
    high = arrays.member_ids[table.second].tolist()
    strength = table.strength.tolist()
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(name)
        for name in (
            "member_low_id",
            "member_high_id",
            "strength",
            "evidence",
            "digest",
            "updated_at",
        )
    )
    target = f"{quote(Tie._meta.db_table)} ({columns})"
    with (
        transaction.atomic(),
        sqlite_page_cache(SQLITE_STORE_CACHE_KIB),
        connection.cursor() as cursor,
    ):
        Tie.objects.all().delete()
        for begin in range(0, len(low), OLD_BATCH):
            end = min(begin + OLD_BATCH, len(low))
            evidence = _evidence_lists(table, arrays, np.arange(begin, end))
            rows = [
                (
                    low[tie],
                    high[tie],
                    strength[tie],
                    orjson.dumps(evidence[tie - begin]).decode(),
                    0,  # the column this change adds; the old store wrote no digest
                    stamp,
                )
                for tie in range(begin, end)
            ]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {target} VALUES (%s, %s, %s, %s, %s, %s)", rows)
    return len(low)


def stage_run(data_dir: Path) -> dict:
    """The three stores in this process, each timed; figures as JSON."""
    # Django is set up here, in the child process, before its modules are imported.
    os.environ["DESKMATE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskmate.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from deskmate.engine.ties import compute_ties
    from deskmate.network.models import Tie
    from deskmate.network.tie_store import _stored_ties, community_load, ties_store

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE network_tie"
            if connection.vendor == "postgresql"
            else "DELETE FROM network_tie"
        )
    today = timezone.localdate()
    figures: dict = {"vendor": connection.vendor}

    def read_and_compute(day: int):
        started = time.perf_counter()
        arrays = community_load()
        table = compute_ties(arrays.community, as_of=today + dt.timedelta(days=day))
        return arrays, table, time.perf_counter() - started

    for name, day in (("fill", 0), ("nightly", 1)):
        arrays, table, compute_seconds = read_and_compute(day)
        started = time.perf_counter()
        counts = ties_store(table, arrays, _stored_ties())
        figures[name] = {
            "compute_seconds": compute_seconds,
            "store_seconds": time.perf_counter() - started,
            **vars(counts),
        }
        del table
    arrays, table, compute_seconds = read_and_compute(2)
    stored_before = Tie.objects.count()
    started = time.perf_counter()
    ties = old_replace(table, arrays)
    figures["old"] = {
        "compute_seconds": compute_seconds,
        "store_seconds": time.perf_counter() - started,
        "ties": ties,
        "written": ties,
        "inserted": ties,
        "deleted": stored_before,
    }
    figures["members"] = len(arrays.member_ids)
    return figures


def environment(data_dir: Path, database_url: str) -> dict:
    env = {**os.environ, "DESKMATE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def deskmate(data_dir: Path, *args, database_url: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "deskmate", *args],
        env=environment(data_dir, database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def community(data_dir: Path, members: int, database_url: str = "") -> None:
    """The demo community of ``members`` in the database, loaded unless it is already there."""
    stamp = data_dir / ("postgres.loaded" if database_url else "sqlite.loaded")
    if stamp.exists() and stamp.read_text() == str(members):
        return
    if database_url:
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as server:
            server.execute("DROP SCHEMA public CASCADE")
            server.execute("CREATE SCHEMA public")
    else:
        (data_dir / "deskmate.sqlite3").unlink(missing_ok=True)
    deskmate(data_dir, "migrate", "--no-input", database_url=database_url)
    deskmate(
        data_dir,
        "demo-data",
        "--members",
        str(members),
        "--seed",
        "7",
        "--no-progress",
        database_url=database_url,
    )
    stamp.write_text(str(members))


def run(data_dir: Path, database_url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--stage", "run", "--data-dir", str(data_dir)],
        check=True,
        capture_output=True,
        text=True,
        env=environment(data_dir, database_url),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def table_lines(results: list[dict]) -> list[str]:
    lines = [
        "| database | store | read and compute | store | store ÷ read and compute | ties | written | of which new | deleted | dead rows left (PostgreSQL) | longest transaction |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    labels = {
        "fill": "first store, empty table (new)",
        "nightly": "**nightly, next day (new: only what changed)**",
        "old": "nightly, next day (old: delete all, insert all)",
    }
    for figures in results:
        vendor = "SQLite" if figures["vendor"] == "sqlite" else "PostgreSQL"
        for name in ("fill", "nightly", "old"):
            row = figures[name]
            dead = row["written"] - row["inserted"] + row["deleted"]
            longest = "the whole store" if name == "old" else "one batch of 2,000 ties"
            lines.append(
                f"| {vendor} | {labels[name]} | {row['compute_seconds']:.1f} s | {row['store_seconds']:.1f} s "
                f"| {row['store_seconds'] / row['compute_seconds']:.2f} | {row['ties']:,} | {row['written']:,} "
                f"| {row['inserted']:,} | {row['deleted']:,} | {dead:,} | {longest} |"
            )
    return lines


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "refresh")
    parser.add_argument("--postgres", metavar="URL", default="")
    parser.add_argument(
        "--only",
        choices=["sqlite", "postgresql"],
        help="measure this database only; the other's saved figures are reported beside it",
    )
    parser.add_argument("--stage", choices=["run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "run":
        print(json.dumps(stage_run(args.data_dir)))
        return
    data_dir = args.data_dir / str(args.members)
    data_dir.mkdir(parents=True, exist_ok=True)
    urls = {"sqlite": "", **({"postgresql": args.postgres} if args.postgres else {})}
    for vendor, url in urls.items():
        if args.only in (None, vendor):
            community(data_dir, args.members, url)
            (data_dir / f"figures_{vendor}.json").write_text(
                json.dumps(run(data_dir, url), indent=2)
            )
    # Figures of a database measured by an earlier run (``--only``) are reported beside these.
    results = [
        json.loads((data_dir / f"figures_{vendor}.json").read_text())
        for vendor in ("sqlite", "postgresql")
        if (data_dir / f"figures_{vendor}.json").exists()
    ]
    lines = [
        f"The demo community (`deskmate demo-data --members {args.members:,} --seed 7`), "
        "measured by `bench/bench_refresh.py` in one process per database, the three stores one "
        "after another: day 0 into an empty table, then day 1 and day 2 as the nightly refresh "
        "would (day 2 the old way, for comparison). *Read and compute* is `community_load` and "
        "`compute_ties`; *store* is everything after: for the new store, reading the stored pairs "
        "and digests, computing the digests, building and writing the changed ties, deleting the "
        "vanished ones. Each updated or deleted row leaves a dead row on PostgreSQL until vacuumed. "
        "The machine is shared (2 cores, 24 GB, a VM), so times vary by tens of percent between runs.",
        "",
        *table_lines(results),
    ]
    write_section("Tie refresh", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
