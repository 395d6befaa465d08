"""How long `deskmate demo` takes to set up the demo from nothing: migrate, build, tie refresh.

Each run gets a fresh data directory (SQLite) or a freshly created PostgreSQL database and runs
`deskmate demo --members N --no-serve` in a child process, exactly as someone trying deskmate
would (without the server it then starts). Wall time, CPU time (user + system of that process;
on PostgreSQL the server's own work is in the wall time only) and peak memory are measured
around the child; the build and the tie refresh are the times those steps report themselves,
and the rest is migrating the empty database and start-up. The table goes into
docs/benchmarks.md under "## The demo, end to end". The issue asks for under 5 minutes at 100,000.

    python bench/bench_demo.py                       # SQLite, 2,000 and 100,000
    python bench/bench_demo.py --sizes 2000 --no-write
    python bench/bench_demo.py --postgres postgres://postgres@127.0.0.1:5432/deskmate_bench_demo
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.report import write_section  # noqa: E402

TITLE = "The demo, end to end"
BUILT = re.compile(r"Created the demo community in (?P<seconds>[\d.]+) s")
TIES = re.compile(r"(?P<ties>\d+) ties stored in (?P<seconds>[\d.]+) s")


@dataclass
class Run:
    database: str
    members: int
    ties: int
    build: float
    refresh: float
    wall: float
    cpu: float
    peak_mib: float
    load: float


def measure(database: str, members: int, seed: int, env: dict[str, str]) -> Run:
    load = os.getloadavg()[0]
    command = [sys.executable, "-m", "deskmate", "demo", "--members", str(members)]
    started = time.perf_counter()
    child = subprocess.Popen(
        [*command, "--seed", str(seed), "--no-serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    built, stored = BUILT.search(output), TIES.search(output)
    if os.waitstatus_to_exitcode(status) != 0 or not built or not stored:
        raise SystemExit(f"deskmate demo failed for {members} members on {database}: {output!r}")
    return Run(
        database=database,
        members=members,
        ties=int(stored["ties"]),
        build=float(built["seconds"]),
        refresh=float(stored["seconds"]),
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
        "| database | members | ties | build | tie refresh | migrate and start-up | wall time | CPU time | peak memory | load average at start |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        rest = run.wall - run.build - run.refresh
        lines.append(
            f"| {run.database} | {run.members:,} | {run.ties:,} | {run.build:.1f} s "
            f"| {run.refresh:.1f} s | {rest:.1f} s | **{run.wall:.1f} s** | {run.cpu:.1f} s "
            f"| {run.peak_mib:.0f} MiB | {run.load:.1f} |"
        )
    return "\n".join(lines)


def body(runs: list[Run], seed: int) -> str:
    return f"""`deskmate demo --members N --seed {seed} --no-serve` from an empty data directory (or an
empty PostgreSQL database), measured by `bench/bench_demo.py`: everything the demo does before it
serves, in one process. *Build* and *tie refresh* are the times `demo-data` and `refresh-ties`
report; the rest is migrating the empty database and Django's start-up. CPU time is user + system
of the process (on PostgreSQL the server's own work is in the wall time only); peak memory is its
maximum resident set size. The machine is shared, so compare CPU time when the load average was
high. Target (issue 14): under 5 minutes at 100,000 members.

{table(runs)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="also run the largest size there")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    options = parser.parse_args()
    runs = []
    for members in options.sizes:
        runs.append(sqlite_run(members, options.seed))
        print(table(runs[-1:]).splitlines()[-1], flush=True)
    if options.postgres:
        runs.append(postgres_run(options.postgres, max(options.sizes), options.seed))
        print(table(runs[-1:]).splitlines()[-1], flush=True)
    text = body(runs, options.seed)
    if not options.no_write:
        write_section(TITLE, text)
    print(text)


if __name__ == "__main__":
    main()
