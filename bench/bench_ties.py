"""Ties for a whole community, mutual contacts beside networkx, and suggestion latency.

Builds the demo community (`deskmate demo-data`) in a scratch SQLite database,
then in separate processes:

1. reads the community into arrays and computes every tie (time and peak memory);
2. computes the mutual-contact scores alone (a contacts-only community) and
   networkx's `adamic_adar_index` and `resource_allocation_index` on the same
   graph for a sample of the same pairs: equal scores, and the ratio of times;
3. stores the ties (`deskmate refresh-ties`), then times `suggestions_for` for
   random members with goals.

Writes the tables to docs/benchmarks.md under "## Ties and suggestions".

    .venv/bin/python bench/bench_ties.py [--members 100000] [--sample 5000] [--viewers 200]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402


def django_setup(data_dir: Path):
    os.environ["DESKMATE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskmate.settings")
    import django

    django.setup()


def stage_compute(data_dir: Path, sample: int) -> dict:
    import resource

    import networkx as nx
    import numpy as np

    django_setup(data_dir)
    from deskmate.engine.ties import Community, EvidenceKind, compute_ties
    from deskmate.network.tie_store import community_load

    started = time.perf_counter()
    arrays = community_load()
    load_seconds = time.perf_counter() - started
    community = arrays.community
    started = time.perf_counter()
    table = compute_ties(community, as_of="2026-11-01")
    compute_seconds = time.perf_counter() - started
    peak_after_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_ties, n_evidence = len(table.first), len(table.evidence)
    del table

    contacts_only = Community(n_members=community.n_members, contacts=community.contacts)
    started = time.perf_counter()
    mutual_table = compute_ties(contacts_only, as_of="2026-11-01")
    engine_mutual_seconds = time.perf_counter() - started
    evidence = mutual_table.evidence
    mutual = evidence.kind == EvidenceKind.MUTUAL_CONTACTS
    rows = np.flatnonzero(mutual)
    first = mutual_table.first[evidence.tie[rows]]
    second = mutual_table.second[evidence.tie[rows]]
    scores = evidence.score[rows]
    n_mutual = len(rows)

    # Mutual contacts are the people both members imported: networkx's index
    # between two importers in the bipartite graph of importers and imported.
    graph = nx.Graph()
    graph.add_edges_from(
        (("importer", a), ("imported", b))
        for a, b in zip(
            community.contacts.importer.tolist(), community.contacts.contact.tolist(), strict=True
        )
        if a != b
    )
    rng = np.random.default_rng(7)
    picked = rng.choice(n_mutual, size=min(sample, n_mutual), replace=False)
    members = [(int(first[i]), int(second[i])) for i in picked]
    nodes = [(("importer", a), ("importer", b)) for a, b in members]
    started = time.perf_counter()
    nx_scores = {(a[1], b[1]): s for a, b, s in nx.adamic_adar_index(graph, nodes)}
    nx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    list(nx.resource_allocation_index(graph, nodes))
    nx_ra_seconds = time.perf_counter() - started
    differences = [
        abs(nx_scores[pair] - float(scores[i])) for pair, i in zip(members, picked, strict=True)
    ]
    # The sparse product runs in single precision (complex64: count and score in one pass).
    equal = sum(
        difference <= 1e-6 * max(1.0, nx_scores[pair])
        for difference, pair in zip(differences, members, strict=True)
    )
    return {
        "members": community.n_members,
        "positions": len(community.positions.member),
        "educations": len(community.educations.member),
        "contacts": len(community.contacts.importer),
        "interactions": len(community.interactions.logged_by),
        "load_seconds": load_seconds,
        "compute_seconds": compute_seconds,
        "peak_mb": peak_after_all,
        "ties": n_ties,
        "evidence": n_evidence,
        "mutual_pairs": n_mutual,
        "engine_mutual_seconds": engine_mutual_seconds,
        "sample": len(members),
        "nx_aa_seconds": nx_seconds,
        "nx_ra_seconds": nx_ra_seconds,
        "nx_equal": equal,
        "nx_max_difference": max(differences) if differences else 0.0,
    }


def stage_suggestions(data_dir: Path, viewers: int) -> dict:
    """Suggestion latency: each member's first request, then the same members again.

    The first pass reads each member's ties and histories from wherever the
    database's pages are (this machine's memory manager evicts file pages
    eagerly); the second is a server that has been running a while.
    """
    import random
    import statistics

    django_setup(data_dir)
    from deskmate.network.suggestions import suggestions_for
    from deskmate.people.models import Member

    with_goals = list(
        Member.objects.filter(goals__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    chosen = random.Random(11).sample(with_goals, min(viewers, len(with_goals)))
    members = Member.objects.in_bulk(chosen)
    suggestions_for(members[chosen[-1]])  # imports and the lexicon

    def timed(member_ids, **options) -> tuple[list[float], list[int]]:
        timings, counts = [], []
        for member_id in member_ids:
            started = time.perf_counter()
            found = suggestions_for(members[member_id], limit=20, **options)
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(found))
        return sorted(timings), counts

    def p95(timings: list[float]) -> float:
        return timings[int(0.95 * (len(timings) - 1))]

    first, _ = timed(chosen)
    steady, counts = timed(chosen)
    copilot_first, _ = timed(chosen[:50], copilots=True)
    copilot, _ = timed(chosen[:50], copilots=True)
    return {
        "viewers": len(chosen),
        "first_p50_ms": statistics.median(first),
        "first_p95_ms": p95(first),
        "p50_ms": statistics.median(steady),
        "p95_ms": p95(steady),
        "max_ms": steady[-1],
        "mean_suggestions": sum(counts) / len(counts),
        "copilot_p95_ms": p95(copilot),
        "copilot_first_p95_ms": p95(copilot_first),
    }


def environment(data_dir: Path, database_url: str) -> dict:
    env = {**os.environ, "DESKMATE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def deskmate(data_dir: Path, *args, database_url: str = "") -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "deskmate", *args],
        env=environment(data_dir, database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def child(
    stage: str, data_dir: Path, argument: int, *, database_url: str = "", saved_as: str = ""
) -> dict:
    """Run one stage in its own process (its own peak memory); its figures are kept beside the data."""
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--stage",
            stage,
            "--data-dir",
            str(data_dir),
            "--argument",
            str(argument),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=environment(data_dir, database_url),
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    (data_dir / f"{saved_as or stage}.json").write_text(json.dumps(figures, indent=2))
    return figures


def table_rows(
    compute: dict, store_seconds: float, suggest: dict, postgres: dict
) -> list[tuple[str, str, str]]:
    """(step, SQLite figure, PostgreSQL figure) for the main table."""

    def latency(figures: dict) -> tuple[str, str, str]:
        return (
            f"p50 {figures['p50_ms']:.1f} ms, **p95 {figures['p95_ms']:.1f} ms**, max {figures['max_ms']:.1f} ms; "
            f"{figures['mean_suggestions']:.1f} suggestions on average",
            f"p50 {figures['first_p50_ms']:.1f} ms, p95 {figures['first_p95_ms']:.1f} ms",
            f"p95 {figures['copilot_p95_ms']:.1f} ms (first request {figures['copilot_first_p95_ms']:.1f} ms)",
        )

    sqlite = latency(suggest)
    pg = latency(postgres["suggestions"]) if postgres else ("",) * 3
    pg_store = postgres.get("store", {})
    return [
        (
            "read the community into arrays",
            f"{compute['load_seconds']:.1f} s",
            "(read within the store below)",
        ),
        (
            "compute every tie (`compute_ties`)",
            f"**{compute['compute_seconds']:.1f} s**, peak memory of the process {compute['peak_mb']:,.0f} MB",
            "the same arrays, the same work",
        ),
        ("ties / pieces of evidence", f"{compute['ties']:,} / {compute['evidence']:,}", "the same"),
        (
            "store them into an empty table (`deskmate refresh-ties`, whole command: read, compute, write)",
            "—",
            f"{pg_store['fill']:.1f} s" if pg_store else "",
        ),
        (
            "store them again, replacing the stored ties (the nightly refresh; whole command)",
            f"{store_seconds:.1f} s",
            f"{pg_store['seconds']:.1f} s" if pg_store else "",
        ),
        (
            f"suggestions for one member (`suggestions_for`, {suggest['viewers']} members with goals), running server",
            sqlite[0],
            pg[0],
        ),
        ("the same members' first request (their rows possibly not in memory)", sqlite[1], pg[1]),
        ("copilot suggestions, 50 members", sqlite[2], pg[2]),
    ]


def postgres_community(url: str, data_dir: Path, members: int) -> bool:
    """The demo community in a PostgreSQL database of its own, made the first time; whether it was made now."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        server.execute(f'CREATE DATABASE "{name}"')
    deskmate(data_dir, "migrate", "--no-input", database_url=url)
    deskmate(
        data_dir,
        "demo-data",
        "--members",
        str(members),
        "--seed",
        "7",
        "--no-progress",
        database_url=url,
    )
    return True


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "ties")
    parser.add_argument("--stage", choices=["compute", "suggestions"], help=argparse.SUPPRESS)
    parser.add_argument("--argument", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        choices=["compute", "suggestions"],
        help="rerun one stage and reuse the other figures saved beside the data",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default="",
        help="also store ties and time suggestions in this PostgreSQL database (made and loaded the first time)",
    )
    args = parser.parse_args()
    if args.stage == "compute":
        print(json.dumps(stage_compute(args.data_dir, args.argument)))
        return
    if args.stage == "suggestions":
        print(json.dumps(stage_suggestions(args.data_dir, args.argument)))
        return

    data_dir = args.data_dir / str(args.members)
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "deskmate.sqlite3").exists():
        deskmate(data_dir, "migrate", "--no-input")
        deskmate(
            data_dir, "demo-data", "--members", str(args.members), "--seed", "7", "--no-progress"
        )
    saved = {
        name: json.loads((data_dir / f"{name}.json").read_text())
        for name in ("compute", "store", "suggestions")
        if (data_dir / f"{name}.json").exists()
    }
    compute = (
        child("compute", data_dir, args.sample)
        if args.only in (None, "compute")
        else saved["compute"]
    )
    if args.only is None:
        store = {"seconds": deskmate(data_dir, "refresh-ties")}
        (data_dir / "store.json").write_text(json.dumps(store))
    else:
        store = saved["store"]
    store_seconds = store["seconds"]
    postgres: dict = {}
    if args.postgres:
        if postgres_community(args.postgres, data_dir, args.members) or args.only is None:
            # Into the empty table first, then replacing what that stored, as the nightly refresh does.
            fill = deskmate(data_dir, "refresh-ties", database_url=args.postgres)
            replace = deskmate(data_dir, "refresh-ties", database_url=args.postgres)
            (data_dir / "store_postgres.json").write_text(
                json.dumps({"fill": fill, "seconds": replace})
            )
        postgres["store"] = json.loads((data_dir / "store_postgres.json").read_text())
        postgres["suggestions"] = (
            child(
                "suggestions",
                data_dir,
                args.viewers,
                database_url=args.postgres,
                saved_as="suggestions_postgres",
            )
            if args.only in (None, "suggestions")
            else json.loads((data_dir / "suggestions_postgres.json").read_text())
        )
    suggest = (
        child("suggestions", data_dir, args.viewers)
        if args.only in (None, "suggestions")
        else saved["suggestions"]
    )
    ratio = (compute["nx_aa_seconds"] / compute["sample"] * compute["mutual_pairs"]) / compute[
        "engine_mutual_seconds"
    ]
    lines = [
        f"The demo community (`deskmate demo-data --members {compute['members']:,} --seed 7`): "
        f"{compute['positions']:,} positions, {compute['educations']:,} education stints, "
        f"{compute['contacts']:,} contacts linked to members, {compute['interactions']:,} interactions.",
        "",
        f"| step | SQLite |{' PostgreSQL |' if postgres else ''}",
        f"|---|---|{'---|' if postgres else ''}",
        *(
            f"| {step} | {sqlite} |{f' {pg} |' if postgres else ''}"
            for step, sqlite, pg in table_rows(compute, store_seconds, suggest, postgres)
        ),
        "",
        "Mutual contacts beside networkx, on the same graph of who imported whom (networkx's index between two importers of the bipartite importer–imported graph):",
        "",
        "| | deskmate (sparse products) | networkx `adamic_adar_index` | networkx `resource_allocation_index` |",
        "|---|---:|---:|---:|",
        f"| pairs scored | all {compute['mutual_pairs']:,} pairs with a common contact (top 25 per member kept) | sample of {compute['sample']:,} of the same pairs | same sample |",
        f"| time | {compute['engine_mutual_seconds']:.1f} s (contacts-only community: contact and mutual evidence) | {compute['nx_aa_seconds']:.2f} s | {compute['nx_ra_seconds']:.2f} s |",
        f"| time per pair | {compute['engine_mutual_seconds'] / max(compute['mutual_pairs'], 1) * 1e6:.2f} µs | {compute['nx_aa_seconds'] / compute['sample'] * 1e6:.2f} µs | {compute['nx_ra_seconds'] / compute['sample'] * 1e6:.2f} µs |",
        f"| equal scores on the sample (to 1e-6 relative: deskmate's product is single precision) | {compute['nx_equal']:,} of {compute['sample']:,} (largest difference {compute['nx_max_difference']:.2e}) | | |",
        "",
        f"Scoring every pair deskmate scores would take networkx about {ratio:,.0f}× as long as deskmate's whole "
        "mutual-contact step (extrapolated from the sample; networkx also needs the list of candidate pairs, "
        "which deskmate finds itself).",
    ]
    write_section("Ties and suggestions", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
