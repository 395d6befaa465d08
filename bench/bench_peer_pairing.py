"""Peer copilot rounds: odd-set cuts beside the previous 0/1 programme and networkx's blossom.

Random groups where every member has 30 candidate peers with scores in
hundredths (coarse scores make the odd cycles that need more than the
double-cover assignment). For each size and seed, each in its own child
process: deskmate's `pair_peers` (double cover, then linear programmes with
odd-set cuts), the previous method (double cover, then the plain 0/1
programme), and networkx's `max_weight_matching` where it finishes within the
time limit (the child is stopped then). All three are exact: totals must agree.

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
    started = time.perf_counter()
    result = peer_pairing.pair_peers(scores)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "total": result.total_score,
        "solved_by": result.solved_by,
        "cut_rounds": result.cut_rounds,
        "pairs": len(result.pairs),
    }


def run_previous(size: int, seed: int) -> dict:
    """The method before odd-set cuts: the plain 0/1 programme whenever an odd cycle remains."""
    import numpy as np

    from deskmate.engine import peer_pairing

    scores = group(size, seed)
    started = time.perf_counter()
    n_members, first, second, weights = peer_pairing._allowed_pairs(scores)
    keep = weights > 0
    first, second, weights = first[keep], second[keep], weights[keep]
    order = np.argsort(first * n_members + second)
    first, second, weights = first[order], second[order], weights[order]
    matching, solved_by, _ = peer_pairing._exact_matching(
        n_members, first, second, weights, odd_set_cuts=False
    )
    seconds = time.perf_counter() - started
    keys = first * n_members + second
    chosen = np.array([one * n_members + other for one, other in matching], dtype=np.int64)
    total = float(weights[np.searchsorted(keys, chosen)].sum()) if matching else 0.0
    return {"seconds": seconds, "total": total, "solved_by": solved_by}


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
    parser.add_argument(
        "--child", choices=["deskmate", "previous", "networkx"], help=argparse.SUPPRESS
    )
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = {"deskmate": run_deskmate, "previous": run_previous, "networkx": run_networkx}
        print(json.dumps(run[args.child](args.size, args.seed)))
        return

    lines = [
        f"Random groups, {CANDIDATES} candidate peers each, scores in hundredths; one round, "
        "no earlier pairs. *deskmate*: double cover, then linear programmes with odd-set cuts "
        "(HiGHS dual simplex), then a 0/1 programme only if the cuts do not settle it. "
        "*previous*: double cover, then the plain 0/1 programme (HiGHS). "
        f"networkx {_networkx_version()} `max_weight_matching` (pure Python blossom) is stopped "
        f"after {args.networkx_limit:.0f} s. All three are exact. The machine was shared with "
        "other work while this ran, so times vary by a few seconds.",
        "",
        "| people | seed | deskmate | solved by | previous | networkx | same total |",
        "|---:|---:|---:|---|---:|---:|---|",
    ]
    for size in args.sizes:
        for seed in args.seeds:
            ours = child("deskmate", size, seed, 3600)
            previous = child("previous", size, seed, 3600)
            theirs = child("networkx", size, seed, args.networkx_limit)
            totals = [ours["total"], previous["total"]] + (
                [] if theirs is None else [theirs["total"]]
            )
            same = "yes" if max(totals) - min(totals) < 1e-6 else "**no**"
            their_time = (
                f"stopped at {args.networkx_limit:.0f} s"
                if theirs is None
                else f"{theirs['seconds']:.2f} s"
            )
            solved_by = ours["solved_by"]
            if ours["cut_rounds"]:
                solved_by += f" ({ours['cut_rounds']} LP)"
            row = (
                f"| {size:,} | {seed} | {ours['seconds']:.2f} s | {solved_by} "
                f"| {previous['seconds']:.2f} s | {their_time} | {same} |"
            )
            lines.append(row)
            print(row, flush=True)
    write_section("Peer copilot rounds", "\n".join(lines))


def _networkx_version() -> str:
    import networkx

    return networkx.__version__


if __name__ == "__main__":
    main()
