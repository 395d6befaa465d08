"""What the fitted mutual-contact index costs at 100,000 members, beside the previous defaults.

The demo's statistics built in memory (``bench/community_arrays.py``, seed 7);
``compute_ties`` in its own process for each set of parameters, the defaults
and ``link_prediction.PREVIOUS``: wall time, CPU time and peak resident memory
(``getrusage``) of the process. Targets: ties under 60 s and under 4 GB.

    .venv/bin/python bench/quality/compute_cost.py [--members 100000]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

DATA = Path(os.environ.get("DESKMATE_BENCH_DATA", "/tmp/deskmate-bench"))
AS_OF = "2026-11-01"


def run(which: str, members: int) -> dict:
    from bench.community_arrays import ensure, load
    from bench.quality.link_prediction import PREVIOUS
    from deskmate.engine.ties import EvidenceKind, TieParameters, compute_ties

    DATA.mkdir(parents=True, exist_ok=True)
    community = load(ensure(members, 7, DATA / f"community-{members}.npz"))
    parameters = TieParameters() if which == "defaults" else PREVIOUS
    load_before = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    ties = compute_ties(community, as_of=AS_OF, parameters=parameters)
    return {
        "which": which,
        "members": members,
        "wall_seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ties": len(ties),
        "mutual": int((ties.evidence.kind == EvidenceKind.MUTUAL_CONTACTS).sum()),
        "load_average": [load_before, os.getloadavg()[0]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--child", choices=["defaults", "previous"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.members)), flush=True)
        return
    from bench.report import write_section

    rows = []
    for which in ("defaults", "previous"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", which, "--members", str(args.members)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(r, flush=True)
        label = {
            "defaults": "current defaults (`degree_power`, exponents 0.1 and 0.2)",
            "previous": "previous defaults (resource allocation)",
        }[which]
        load = " / ".join(f"{value:.1f}" for value in r["load_average"])
        rows.append(
            f"| {label} | {r['wall_seconds']:.1f} s | {r['cpu_seconds']:.1f} s | "
            f"{r['peak_mb']:,.0f} MB | {r['ties']:,} | {r['mutual']:,} | {load} |"
        )
    body = "\n".join(
        [
            f"{args.members:,} members, the demo's statistics built in memory "
            "(`bench/community_arrays.py`, seed 7), `compute_ties` in its own process for each "
            "set of parameters. Targets: under 60 s and under 4 GB. The machine was shared with "
            "other work (load average before / after in the last column): CPU time, in two "
            "threads, is the figure to compare.",
            "",
            "| parameters | wall | CPU | peak memory | ties | mutual-contact evidence | load average |",
            "|---|---:|---:|---:|---:|---:|---|",
            *rows,
        ]
    )
    write_section("Ties at 100,000 members with the fitted mutual-contact index", body)


if __name__ == "__main__":
    main()
