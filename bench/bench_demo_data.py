"""How long `deskmate demo-data` takes, and how much memory, at 2,000 and 100,000 members.

Each run gets a fresh data directory (SQLite) or a freshly created PostgreSQL
database, is migrated first (not timed), then builds the demo community in a
child process whose wall time, CPU time and peak memory are measured. The
table goes into docs/benchmarks.md under "## Demo community".

    python bench/bench_demo_data.py                      # SQLite, 2,000 and 100,000
    python bench/bench_demo_data.py --sizes 2000         # SQLite, 2,000 only
    python bench/bench_demo_data.py --postgres postgres://postgres@127.0.0.1:5432/deskmate_bench
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Demo community"
SUMMARY = re.compile(r"Created the demo community in [\d.]+ s: (?P<counts>.*)\.")


@dataclass
class Run:
    database: str
    members: int
    rows: int
    contacts: int
    wall: float
    cpu: float
    peak_mib: float
    load: float


def deskmate(*args: str) -> list[str]:
    return [sys.executable, "-m", "deskmate", *args]


def measure(database: str, members: int, seed: int, env: dict[str, str]) -> Run:
    subprocess.run(deskmate("migrate", "-v0"), env=env, check=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(
        deskmate("demo-data", "--members", str(members), "--seed", str(seed), "--no-progress"),
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"demo-data failed for {members} members on {database}")
    found = SUMMARY.search(output)
    if not found:
        raise SystemExit(f"unexpected output: {output!r}")
    counts = {
        what: int(number.replace(",", ""))
        for number, what in (part.split(" ", 1) for part in found["counts"].split(", "))
    }
    return Run(
        database=database,
        members=members,
        rows=sum(counts.values()),
        contacts=counts["contacts"],
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,
        load=load,
    )


def sqlite_run(members: int, seed: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="deskmate-bench-") as directory:
        env = {**os.environ, "DESKMATE_DATA_DIR": directory}
        env.pop("DATABASE_URL", None)
        return measure("SQLite", members, seed, env)


def postgres_run(url: str, members: int, seed: int) -> Run:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = [
        "psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
        "-U", parts.username or "postgres", "-d", "postgres", "-q", "-c",
    ]  # fmt: skip
    subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run([*admin, f'CREATE DATABASE "{name}"'], check=True)
    with tempfile.TemporaryDirectory(prefix="deskmate-bench-") as directory:
        env = {**os.environ, "DESKMATE_DATA_DIR": directory, "DATABASE_URL": url}
        try:
            return measure("PostgreSQL", members, seed, env)
        finally:
            subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{name}"'], check=True)


def table(runs: list[Run]) -> str:
    lines = [
        "| database | members | rows written | of which contacts | wall time | CPU time | peak memory | load average at start |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.database} | {run.members:,} | {run.rows:,} | {run.contacts:,} | {run.wall:.1f} s "
            f"| {run.cpu:.1f} s | {run.peak_mib:.0f} MiB | {run.load:.1f} |"
        )
    return "\n".join(lines)


def section(runs: list[Run], seed: int) -> str:
    return f"""{SECTION}

`deskmate demo-data --members N --seed {seed}` into an empty, migrated database, measured by
`bench/bench_demo_data.py` (wall time of the command; CPU time is user + system of that process;
peak memory is its maximum resident set size; on PostgreSQL the server's own work is in the
wall time only). The machine is shared, so compare CPU time when the load average was high. {os.cpu_count()} CPUs.

{table(runs)}
"""


def write_section(text: str) -> None:
    if not DOC.exists():
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text("# Benchmarks\n\n" + text)
        return
    current = DOC.read_text()
    if SECTION not in current:
        DOC.write_text(current.rstrip("\n") + "\n\n" + text)
        return
    before, _, rest = current.partition(SECTION)
    following = rest.find("\n## ")
    after = rest[following + 1 :] if following != -1 else ""
    DOC.write_text(before + text + ("\n" + after if after else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres", metavar="URL", help="also run the largest size on this database"
    )
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    options = parser.parse_args()
    runs = []
    for members in options.sizes:
        runs.append(sqlite_run(members, options.seed))
        print(table(runs[-1:]).splitlines()[-1], flush=True)
    if options.postgres:
        runs.append(postgres_run(options.postgres, max(options.sizes), options.seed))
        print(table(runs[-1:]).splitlines()[-1], flush=True)
    text = section(runs, options.seed)
    if not options.no_write:
        write_section(text)
    print(text)


if __name__ == "__main__":
    main()
