"""Time and peak memory of importing a LinkedIn archive with 30,000 connections.

Runs `deskmate import-linkedin` in a fresh SQLite data directory (and, with
--postgres, against a scratch PostgreSQL database) as a separate process, and
writes the table to docs/benchmarks.md under "## LinkedIn import".

    .venv/bin/python bench/bench_linkedin_import.py [--connections 30000] [--postgres URL]
        [--community 10000]

With --community N, the current layout is imported once more on each database into a
demo community of N members (``deskmate demo-data``), so that the possible-match pass
(``network.identities``) has a whole community to compare the connections with.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.importing.archives import (  # noqa: E402
    OLDER_LAYOUT,
    REALISTIC_FILES,
    build_linkedin_zip,
    connections_csv,
)

from bench.report import write_section  # noqa: E402


def deskmate(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "deskmate", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def fresh_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", server, "-q", "-c", sql], check=True)


def measure(
    connections: int, database_url: str | None, layout: str = "current", community: int = 0
) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "DESKMATE_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
            fresh_postgres_database(database_url)
        deskmate("migrate", "--no-input", env=env)
        if community:
            deskmate("demo-data", "--members", str(community), "--seed", "1", env=env)
        load_before = os.getloadavg()[0]
        deskmate(
            "shell",
            "-c",
            (
                "from deskmate.people.services import member_create;"
                "member_create(email='bench@example.org', password=None, first_name='Bench')"
            ),
            env=env,
        )
        base = OLDER_LAYOUT if layout == "older" else REALISTIC_FILES
        files = dict(base, **{"Connections.csv": connections_csv(connections)})
        archive = Path(data_dir) / "archive.zip"
        archive.write_bytes(build_linkedin_zip(files))
        started = time.perf_counter()
        process = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%M",
                sys.executable,
                "-m",
                "deskmate",
                "import-linkedin",
                "bench@example.org",
                str(archive),
                "--no-progress",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        peak_kib = int(process.stderr.strip().splitlines()[-1])
        reimport_started = time.perf_counter()
        deskmate("import-linkedin", "bench@example.org", str(archive), "--no-progress", env=env)
        reimport = time.perf_counter() - reimport_started
        return {
            "database": "PostgreSQL" if database_url else "SQLite",
            "layout": layout,
            "community": community + 1,
            "archive_mb": archive.stat().st_size / 1e6,
            "seconds": elapsed,
            "reimport_seconds": reimport,
            "peak_mb": peak_kib / 1024,
            "load": f"{load_before:.1f} / {load_after:.1f}",
        }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument(
        "--postgres", default="", help="a scratch PostgreSQL database URL to measure too"
    )
    parser.add_argument(
        "--community", type=int, default=0, help="also import into a demo community of N members"
    )
    args = parser.parse_args()
    databases = [None, args.postgres] if args.postgres else [None]
    rows = [measure(args.connections, None), measure(args.connections, None, "older")]
    if args.postgres:
        rows.append(measure(args.connections, args.postgres))
    if args.community:
        rows += [measure(args.connections, url, community=args.community) for url in databases]
    lines = [
        f"A member's LinkedIn archive with {args.connections:,} connections (plus profile, 3 positions, "
        "2 education entries, 3 skills), imported by `deskmate import-linkedin` in its own process. "
        "Time is wall-clock for the whole command (start-up, parse, write in one transaction); "
        "peak memory is the process's maximum resident set size. Re-import is the same archive again "
        "(everything already there: each record is left alone, nothing is written). The older "
        "layout is an archive as LinkedIn wrote them before 2019 (file names with spaces, a "
        "tab-separated Recommendations Received.csv, other column orders), with the same "
        "Connections.csv. Members is the community the connections are compared with for "
        "possible matches: the importer alone, or a demo community (`deskmate demo-data`).",
        "",
        "| database | layout | members | archive | import | re-import | peak memory "
        "| load average (1 min) before / after |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['database']} | {row['layout']} | {row['community']:,} | "
            f"{row['archive_mb']:.1f} MB | {row['seconds']:.1f} s | "
            f"{row['reimport_seconds']:.1f} s | {row['peak_mb']:.0f} MB | {row['load']} |"
        )
    write_section("LinkedIn import", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
