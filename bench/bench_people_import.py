"""Time and peak memory of importing a 200,000-row HR export, before and after the mapping step.

Writes two files with the same people, one row per person, a current position each and a
reporting line (every eighth person manages the next seven):

- an export in BambooHR's own columns (``Employee #``, ``Work Email``, ``Job Title``,
  ``Department``, ``Hire Date`` as MM/DD/YYYY, ``Supervisor Email``…), which the code before the
  mapping step refused at once ("no header row with the columns external_id"), and which now
  imports through a saved mapping;
- the same people in deskmate's own columns (``external_id``, ``email``, ``kind``…), the only
  shape the old code read, which still imports without a mapping.

Each import runs as the worker runs it (``import_job_execute`` on an ``ImportJob``) in its own
process on a fresh database, and writes the table under "## People import (HR export)" in
docs/benchmarks.md.

    .venv/bin/python bench/bench_people_import.py [--rows 200000] [--postgres URL] [--no-write]

With ``--writes 1000,10000,200000`` it measures writing instead: a first import and a re-import
of the file in deskmate's own columns, each size on a fresh database, with the code of this
checkout ("new") and, with ``--old-src DIR``, the code under ``DIR`` (a ``git archive`` of an
older revision's ``src``: "old"), and writes the section "People import: writing".
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

HR_HEADER = (
    "Employee #,First Name,Last Name,Preferred Name,Work Email,Job Title,Department,"
    "Division,Location,Hire Date,Termination Date,Reporting to,Supervisor Email,"
    "Employment Status"
)
OWN_HEADER = (
    "external_id,email,first_name,last_name,kind,organisation,unit,title,start,end,"
    "location,manager_external_id"
)
TITLES = ("Software Engineer", "Account Executive", "Analyst", "Designer", "Support Specialist")
UNITS = 400


def person(i: int) -> dict:
    hired = dt.date(2010, 1, 1) + dt.timedelta(days=(i * 37) % 5000)
    manager = (i - 1) // 8 if i else None
    return {
        "id": f"{100000 + i}",
        "first": f"Given{i}",
        "last": f"Family{i}",
        "email": f"person{i}@northwind.example",
        "title": "Manager" if i % 8 == 0 else TITLES[i % len(TITLES)],
        "unit": f"Team {i // 8 % UNITS}",
        "hired": hired,
        "manager_id": f"{100000 + manager}" if manager is not None else "",
        "manager_email": f"person{manager}@northwind.example" if manager is not None else "",
    }


def write_files(rows: int, folder: Path) -> tuple[Path, Path]:
    hr, own = folder / "bamboohr_headcount.csv", folder / "people.csv"
    with hr.open("w", encoding="utf-8", newline="") as h, own.open("w", encoding="utf-8") as o:
        h.write(HR_HEADER + "\r\n")
        o.write(OWN_HEADER + "\n")
        for i in range(rows):
            p = person(i)
            h.write(
                f"{p['id']},{p['first']},{p['last']},,{p['email']},{p['title']},{p['unit']},"
                f"North America,Denver,{p['hired']:%m/%d/%Y},,,{p['manager_email']},Active\r\n"
            )
            o.write(
                f"{p['id']},{p['email']},{p['first']},{p['last']},position,Northwind Traders,"
                f"{p['unit']},{p['title']},{p['hired']:%Y-%m-%d},,Denver,{p['manager_id']}\n"
            )
    return hr, own


#: Run in the child: queue the file as the upload page does, map it if it waits, run the job.
CHILD = r"""
import json, sys, time
from deskmate.importing import people_mapping
from deskmate.network import services
from deskmate.network.importers import import_job_execute
from deskmate.network.models import ImportJob
from deskmate.people.models import Member
from deskmate.people.services import member_create

path, mapped = sys.argv[1], sys.argv[2] == "mapped"
admin = member_create(email="admin@example.org", password=None, first_name="Ada",
                      role=Member.Role.ADMIN)
payload = open(path, "rb").read()
started = time.perf_counter()
job = services.import_job_create(owner=admin, kind="people", file_name=path.rsplit("/", 1)[1],
                                 payload=payload)
if job.status == ImportJob.Status.MAPPING:
    guess = job.preview["guess"]
    services.people_import_map(
        job=job, actor=admin, save_as="BambooHR headcount",
        mapping=people_mapping.PeopleMapping(columns=guess, organisation="Northwind Traders",
                                             date_order=job.preview["date_order"]))
    job.refresh_from_db()
queued = time.perf_counter()
job = import_job_execute(job)
done = time.perf_counter()
assert job.status == "done", job.errors[:3]
members = Member.objects.filter(manager__isnull=False).count()
print(json.dumps({"upload_s": queued - started, "import_s": done - queued,
                  "lines": job.summary["lines"], "with_manager": members}))
"""

#: Reading only: the whole file parsed into people, as the worker does before writing.
PARSE = r"""
import json, sys, time
from deskmate.importing import people_mapping
from deskmate.importing.people_csv import parse_people_file
path, mapped = sys.argv[1], sys.argv[2] == "mapped"
payload = open(path, "rb").read()
limit = len(payload) + 1
started = time.perf_counter()
preview = people_mapping.read_people_preview(payload, filename="f.csv", max_bytes=limit)
routed = time.perf_counter()
if mapped:
    mapping = people_mapping.PeopleMapping(
        columns=people_mapping.guess_people_mapping(preview.labels),
        organisation="Northwind Traders", date_order=preview.date_order)
    people = people_mapping.parse_people_mapped(payload, filename="f.csv", mapping=mapping,
                                               max_bytes=limit)
else:
    people = parse_people_file(payload, filename="f.csv", max_bytes=limit)
done = time.perf_counter()
assert len(people.people) == int(sys.argv[3])
managers = sum(1 for p in people.people if p.manager_email or p.manager_external_id)
print(json.dumps({"upload_s": routed - started, "parse_s": done - routed,
                  "people": len(people.people), "managers": managers}))
"""

#: The code before the mapping step, on the HR export: the parser refuses it at once.
OLD_PARSE = r"""
import sys, time
from deskmate.importing.errors import ImportFileError
from deskmate.importing.people_csv import parse_people_file
payload = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    parse_people_file(payload, filename="bamboohr_headcount.csv", max_bytes=len(payload) + 1)
except ImportFileError as error:
    print(f"{time.perf_counter() - started:.2f}|{error}")
"""


#: Run in the child: a first import and a re-import of the same file, as the worker runs them.
WRITES = r"""
import json, sys, time
from deskmate.network import services
from deskmate.network.importers import import_job_execute
from deskmate.people.models import Member, Position
from deskmate.people.services import member_create

path = sys.argv[1]
admin = member_create(email="admin@example.org", password=None, first_name="Ada",
                      role=Member.Role.ADMIN)
payload = open(path, "rb").read()
result = {}
for run in ("first", "again"):
    job = services.import_job_create(owner=admin, kind="people", file_name="people.csv",
                                     payload=payload)
    started = time.perf_counter()
    job = import_job_execute(job)
    result[run + "_s"] = time.perf_counter() - started
    assert job.status == "done", job.errors[:3]
    result[run + "_lines"] = job.summary["lines"]
result["members"] = Member.objects.filter(manager__isnull=False).count() + 1
result["positions"] = Position.objects.count()
print(json.dumps(result))
"""


def measure_writes(path: Path, database_url: str | None, source: str | None) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "DESKMATE_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "deskmate.settings",
        }
        env.pop("DATABASE_URL", None)
        if source:
            env["PYTHONPATH"] = source
        if database_url:
            env["DATABASE_URL"] = database_url
            fresh_postgres_database(database_url)
        subprocess.run(
            [sys.executable, "-m", "deskmate", "migrate", "--no-input"],
            env=env,
            check=True,
            capture_output=True,
        )
        script = Path(data_dir) / "child.py"
        script.write_text("import django; django.setup()\n" + WRITES)
        process = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, str(script), str(path)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(process.stdout.strip().splitlines()[-1])
        result.update(
            peak_mb=int(process.stderr.strip().splitlines()[-1]) / 1024,
            database="PostgreSQL" if database_url else "SQLite",
            code="old" if source else "new",
        )
        return result


def writes_main(args) -> None:
    header = load()
    sizes = [int(size) for size in args.writes.split(",")]
    old_sizes = [int(size) for size in args.old_rows.split(",")] if args.old_src else []
    rows = []
    databases = [None, *([args.postgres] if args.postgres else [])]
    for database in databases[1:] if args.postgres_only else databases:
        for _code, source, counts in (("new", None, sizes), ("old", args.old_src, old_sizes)):
            for count in counts:
                with tempfile.TemporaryDirectory() as folder:
                    _hr, own = write_files(count, Path(folder))
                    result = measure_writes(own, database, source)
                result.update(rows=count)
                rows.append(result)
                print(json.dumps(result), flush=True)
    lines = writes_table(rows, header)
    print("\n".join(lines))
    if not args.no_write:
        write_section("People import: writing", "\n".join(lines))


def writes_table(rows: list[dict], header: str) -> list[str]:
    """The table of ``measure_writes`` results (also for results gathered by separate runs)."""
    lines = [
        header,
        "",
        "A people file in deskmate's own columns (one current position and a reporting line "
        "a person, every eighth person managing the next seven), imported as the worker does "
        "(`import_job_execute`) on a fresh database, then the same file again. Time is the "
        "import alone (reading and writing, one transaction); peak memory is the process's "
        'maximum resident set size over both imports. "Old" is the code that wrote one person '
        'at a time; "new" reads in chunks, checks in memory and writes in batches.',
        "",
        "| database | code | rows | first import | per person | re-import | peak memory | "
        "first result |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['database']} | {row['code']} | {row['rows']:,} | {row['first_s']:.1f} s | "
            f"{row['first_s'] / row['rows'] * 1000:.1f} ms | {row['again_s']:.1f} s | "
            f"{row['peak_mb']:.0f} MB | {'; '.join(row['first_lines'])} |"
        )
    return lines


def fresh_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", server, "-q", "-c", sql], check=True)


def measure(path: Path, mapped: bool, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "DESKMATE_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "deskmate.settings",
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
            fresh_postgres_database(database_url)
        subprocess.run(
            [sys.executable, "-m", "deskmate", "migrate", "--no-input"],
            env=env,
            check=True,
            capture_output=True,
        )
        script = Path(data_dir) / "child.py"
        script.write_text("import django; django.setup()\n" + CHILD)
        started = time.perf_counter()
        process = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%M",
                sys.executable,
                str(script),
                str(path),
                "mapped" if mapped else "own",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        result = json.loads(process.stdout.strip().splitlines()[-1])
        result.update(
            wall_s=wall,
            peak_mb=int(process.stderr.strip().splitlines()[-1]) / 1024,
            database="PostgreSQL" if database_url else "SQLite",
        )
        return result


def measure_parse(path: Path, mapped: bool, rows: int) -> dict:
    started = time.perf_counter()
    process = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M",
            sys.executable,
            "-c",
            PARSE,
            str(path),
            "mapped" if mapped else "own",
            str(rows),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(process.stdout.strip().splitlines()[-1])
    result.update(
        wall_s=time.perf_counter() - started,
        peak_mb=int(process.stderr.strip().splitlines()[-1]) / 1024,
    )
    return result


def old_refusal(path: Path) -> tuple[float, str]:
    process = subprocess.run(
        [sys.executable, "-c", OLD_PARSE, str(path)], check=True, capture_output=True, text=True
    )
    seconds, message = process.stdout.strip().split("|", 1)
    return float(seconds), message


def load() -> str:
    return f"Load average {os.getloadavg()[0]:.1f} at the start (the machine is shared)."


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the file read whole")
    parser.add_argument(
        "--write-rows", type=int, default=2_000, help="rows of the file imported end to end"
    )
    parser.add_argument("--postgres", default="", help="a scratch PostgreSQL database URL too")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--writes", default="", help="row counts to import twice, e.g. 1000,10000")
    parser.add_argument("--old-src", default="", help="the src folder of the code to compare")
    parser.add_argument("--old-rows", default="1000", help="row counts for the old code")
    parser.add_argument("--postgres-only", action="store_true", help="writes on PostgreSQL only")
    args = parser.parse_args()
    if args.writes:
        writes_main(args)
        return
    header = load()
    with tempfile.TemporaryDirectory() as folder:
        hr, own = write_files(args.rows, Path(folder))
        sizes = {"own columns": own.stat().st_size / 1e6, "HR export": hr.stat().st_size / 1e6}
        refused_s, refused = old_refusal(hr)
        reads = []
        for label, path, mapped in (("own columns", own, False), ("HR export", hr, True)):
            result = measure_parse(path, mapped, args.rows)
            result.update(file=label, mb=sizes[label])
            reads.append(result)
            print(json.dumps(result), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        hr, own = write_files(args.write_rows, Path(folder))
        imports = []
        for database in [None, *([args.postgres] if args.postgres else [])]:
            for label, path, mapped in (("own columns", own, False), ("HR export", hr, True)):
                result = measure(path, mapped, database)
                result.update(file=label)
                imports.append(result)
                print(json.dumps(result), flush=True)
    lines = [
        header,
        "",
        "The same people written twice, one row each with a current position and a reporting "
        "line (every eighth person manages the next seven): in BambooHR's columns "
        "(`Employee #`, `Work Email`, `Job Title`, `Department`, `Hire Date` as MM/DD/YYYY, "
        "`Supervisor Email`…), read through the mapping step's guesses, and in deskmate's own "
        'columns, read as before. "Route" is what the upload does now (read the header and first '
        'rows, guess, find a saved mapping); "read" is parsing the whole file into people, '
        "all its rows checked; each runs in its own process, and peak memory is that process's "
        "maximum resident set size.",
        "",
        f"Reading {args.rows:,} rows:",
        "",
        "| file | size | route | read | wall time | peak memory | people | with a manager |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in reads:
        lines.append(
            f"| {row['file']} | {row['mb']:.1f} MB | {row['upload_s']:.2f} s | "
            f"{row['parse_s']:.1f} s | {row['wall_s']:.1f} s | {row['peak_mb']:.0f} MB | "
            f"{row['people']:,} | {row['managers']:,} |"
        )
    lines += [
        "",
        f"Before the mapping step, the HR export was refused in {refused_s:.2f} s with "
        f"`{refused}`.",
        "",
        f"Importing {args.write_rows:,} rows end to end, as the worker does "
        "(`import_job_execute` on a fresh database; the HR export first mapped by "
        '`people_import_map` and the mapping saved). "Import" is reading and writing in one '
        "transaction:",
        "",
        "| database | file | route | import | wall time | peak memory | result |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in imports:
        lines.append(
            f"| {row['database']} | {row['file']} | {row['upload_s']:.2f} s | "
            f"{row['import_s']:.1f} s | {row['wall_s']:.1f} s | {row['peak_mb']:.0f} MB | "
            f"{'; '.join(row['lines'])} |"
        )
    per_person = max(row["import_s"] for row in imports) / args.write_rows
    lines += [
        "",
        f"Both shapes read at the same speed, and write through the same code. Writing costs "
        f"about {per_person * 1000:.0f} ms a person here (creating the member, merging the "
        "position into their history, one by one), so a "
        f"{args.rows:,}-row export would take about {per_person * args.rows / 3600:.0f} hours end "
        "to end on this machine, in either shape: the reading above is not what limits a large "
        "import, the per-person writes are.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section("People import (HR export)", "\n".join(lines))


if __name__ == "__main__":
    main()
