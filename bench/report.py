"""Writes benchmark tables into docs/benchmarks.md, one section per benchmark."""

import os
import platform
import re
import subprocess
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
TITLE = "# Benchmarks\n\nEvery table here was written by a script under `bench/`; rerun it to refresh its section.\n"


def machine_description() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    sqlite = subprocess.run(
        ["python3", "-c", "import sqlite3; print(sqlite3.sqlite_version)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB memory, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite}"
    )


def write_section(title: str, body: str) -> None:
    """Replace (or add) the section "## title" of docs/benchmarks.md, keeping the others."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else TITLE
    section = f"## {title}\n\nMachine: {machine_description()}.\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip() + "\n\n" + section
    BENCHMARKS.parent.mkdir(exist_ok=True)
    BENCHMARKS.write_text(text.rstrip() + "\n")
