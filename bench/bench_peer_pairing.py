"""Peer copilot rounds: deskmate's exact pairing beside networkx's blossom algorithm.

Random groups where every member has 30 candidate peers with scores in
hundredths (coarse scores make the odd cycles that need more than the
double-cover assignment). For each size and seed: deskmate's `pair_peers`,
whether it needed its 0/1-programme fallback, and networkx's
`max_weight_matching` on the same graph where it finishes within the time
limit (run in a child process that is stopped then). Totals must agree.

    .venv/bin/python bench/bench_peer_pairing.py [--sizes 1000 3000 10000] [--seeds 2 3] [--networkx-limit 120]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402

CANDIDATES = 30


def group(size: int, seed: int):
    import numpy as np
    import scipy as sp
    import scipy.sparse

    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(size), CANDIDATES)
    cols = rng.integers(0, size, size=size * CANDIDATES)
    scores = np.round(rng.random(size * CANDIDATES), 2)
    keep = rows != cols
    upper = sp.sparse.coo_array(
        (scores[keep], (np.minimum(rows, cols)[keep], np.maximum(rows, cols)[keep])),
        shape=(size, size),
    ).tocsr()
    upper.sum_duplicates()
    return upper


def run_deskmate(size: int, seed: int) -> dict:
    from deskmate.engine import peer_pairing

    scores = group(size, seed)
    solved = peer_pairing._integer_matching
    fallbacks = []

    def counted(*arguments):
        fallbacks.append(1)
        return solved(*arguments)

    peer_pairing._integer_matching = counted
    started = time.perf_counter()
    result = peer_pairing.pair_peers(scores)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "total": result.total_score,
        "fallback": bool(fallbacks),
        "pairs": len(result.pairs),
    }


def run_networkx(size: int, seed: int) -> dict:
    import networkx as nx

    upper = group(size, seed).tocoo()
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(upper.row.tolist(), upper.col.tolist(), upper.data.tolist(), strict=True)
    )
    started = time.perf_counter()
    found = nx.max_weight_matching(graph)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "total": sum(graph[a][b]["weight"] for a, b in found)}


def child(which: str, size: int, seed: int, limit: float) -> dict | None:
    try:
        output = subprocess.run(
            [sys.executable, __file__, "--child", which, "--size", str(size), "--seed", str(seed)],
            check=True,
            capture_output=True,
            text=True,
            timeout=limit,
        ).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--networkx-limit", type=float, default=120.0)
    parser.add_argument("--child", choices=["deskmate", "networkx"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = run_deskmate if args.child == "deskmate" else run_networkx
        print(json.dumps(run(args.size, args.seed)))
        return

    lines = [
        f"Random groups, {CANDIDATES} candidate peers each, scores in hundredths; one round, no earlier pairs. "
        f"networkx {_networkx_version()} `max_weight_matching` (pure Python blossom) is stopped after "
        f"{args.networkx_limit:.0f} s.",
        "",
        "| people | seed | deskmate | needed the 0/1 programme | networkx | same total |",
        "|---:|---:|---:|---|---:|---|",
    ]
    for size in args.sizes:
        for seed in args.seeds:
            ours = child("deskmate", size, seed, 3600)
            theirs = child("networkx", size, seed, args.networkx_limit)
            same = (
                "—"
                if theirs is None
                else ("yes" if abs(theirs["total"] - ours["total"]) < 1e-6 else "**no**")
            )
            their_time = (
                f"stopped at {args.networkx_limit:.0f} s"
                if theirs is None
                else f"{theirs['seconds']:.2f} s"
            )
            row = (
                f"| {size:,} | {seed} | {ours['seconds']:.2f} s | {'yes' if ours['fallback'] else 'no'} "
                f"| {their_time} | {same} |"
            )
            lines.append(row)
            print(row, flush=True)
    write_section("Peer copilot rounds", "\n".join(lines))


def _networkx_version() -> str:
    import networkx

    return networkx.__version__


if __name__ == "__main__":
    main()
