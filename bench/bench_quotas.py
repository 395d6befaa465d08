"""Optimal assignment under quotas (HiGHS, ``engine.quotas``) beside the min-cost flow without them.

For each programme size (1,000×250 and 10,000×2,000 mentees × mentors, every
mentor taking 5, 30 random mentors allowed per mentee, scores uniform in
[0, 1), the same instances as "Cohort assignment") every mentee gets two
attributes:

* a university, one of 20, drawn with Zipf-like weights (1, 1/2, 1/3, …), so
  the largest has about 28% of the mentees;
* a cohort, "evening" for 20% of them, "day" for the rest.

Then, in the same process one after another:

1. deskmate's fast path without quotas (``engine.assignment.assign``,
   method "optimal": a min-cost flow) — the reference total;
2. each quota alone through ``engine.quotas.assign_with_quotas`` (its cost is
   the reference total minus its total):
   at most 10% of the mentees per university; at least 25% of the matched
   mentees from the evening cohort; each mentor's mentees from at least 3
   different universities;
3. all three together, with the cost of each measured as a run measures it
   (solving again without that quota, the other two kept).

Times are wall-clock seconds around the call. The tables go to
docs/benchmarks.md under "## Cohort assignment with quotas".

    .venv/bin/python bench/bench_quotas.py [--sizes 1000x250,10000x2000]
        [--time-limit 120] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy as sp
import scipy.sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from report import write_section  # noqa: E402

from deskmate.engine.assignment import assign  # noqa: E402
from deskmate.engine.quotas import (  # noqa: E402
    AT_LEAST_SHARE,
    AT_MOST,
    MIN_DISTINCT,
    Quota,
    assign_with_quotas,
)

CAPACITY = 5
PER_MENTEE = 30
UNIVERSITIES = 20
EVENING_SHARE = 0.2
SECTION = "Cohort assignment with quotas"
NOTES = """\
How to read it. Without quotas the optimal run stays the min-cost flow. An at-most or an at-least quota alone is usually solved at the linear relaxation, which comes out 0/1 and so is optimal (gap 0), at roughly 10 to 25 times the flow's time. The different-values quota needs the integer programme proper: one extra variable per mentor and university. With all three together each solve is an integer programme, and a run with three quotas solves four times, since each quota is priced by solving again without it. When the time limit stops a solve, the run keeps the best assignment found and reports HiGHS's gap. Costs measured from solves stopped that way compare answers that neither solve proved best. They are marked as approximate in the run's words, and they can disagree with where the quota binds (a quota that "binds for 0" yet "costs" several percent). A coordinator who needs exact costs at that size raises `DESKMATE_PROGRAMMES_QUOTA_TIME_LIMIT`, or keeps fewer quotas that couple each mentor's mentees.
"""


def make_instance(n_mentees: int, n_mentors: int, seed: int):
    rng = np.random.default_rng(seed)
    per_mentee = min(PER_MENTEE, n_mentors)
    cols = np.argsort(rng.random((n_mentees, n_mentors)), axis=1)[:, :per_mentee]
    scores = sp.sparse.csr_array(
        (
            rng.random(n_mentees * per_mentee),
            (np.repeat(np.arange(n_mentees), per_mentee), cols.ravel()),
        ),
        shape=(n_mentees, n_mentors),
    )
    weights = 1.0 / np.arange(1, UNIVERSITIES + 1)
    university = rng.choice(UNIVERSITIES, size=n_mentees, p=weights / weights.sum())
    evening = (rng.random(n_mentees) < EVENING_SHARE).astype(np.int64)
    return scores, university, evening


def quotas_for(n_mentees: int, university: np.ndarray, evening: np.ndarray) -> dict[str, Quota]:
    limit = max(1, n_mentees // 10)
    return {
        f"at most {limit:,} matched mentees per university (10%)": Quota(
            groups=university, kind=AT_MOST, limit=limit
        ),
        "at least 25% of matched mentees from the evening cohort": Quota(
            groups=evening, kind=AT_LEAST_SHARE, group=1, share=0.25
        ),
        "each mentor's mentees from at least 3 universities": Quota(
            groups=university, kind=MIN_DISTINCT, limit=3
        ),
    }


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def measure(n_mentees: int, n_mentors: int, time_limit: float) -> list[dict]:
    scores, university, evening = make_instance(n_mentees, n_mentors, seed=n_mentees)
    capacity = np.full(n_mentors, CAPACITY)
    size = f"{n_mentees:,}×{n_mentors:,}"
    flow, seconds = timed(lambda: assign(scores, capacity, "optimal", compare_to_optimum=False))
    reference = float(flow.total_score)
    rows = [
        {
            "instance": size,
            "quotas": "none: min-cost flow (today's fast path)",
            "time": seconds,
            "solves": 1,
            "gap": 0.0,
            "limited": False,
            "total": reference,
            "matched": int(flow.number_matched),
            "costs": "",
        }
    ]
    print(rows[-1], flush=True)
    quotas = quotas_for(n_mentees, university, evening)
    for words, quota in quotas.items():
        solution, seconds = timed(
            lambda quota=quota: assign_with_quotas(
                scores, capacity, [quota], time_limit=time_limit, measure_costs=False
            )
        )
        cost = reference - solution.total
        rows.append(
            {
                "instance": size,
                "quotas": words,
                "time": seconds,
                "solves": 1,
                "gap": solution.gap,
                "limited": solution.time_limited,
                "total": solution.total,
                "matched": int((solution.mentor_of >= 0).sum()),
                "costs": f"{cost:,.3f} ({cost / reference:.2%})",
            }
        )
        print(rows[-1], flush=True)
    solution, seconds = timed(
        lambda: assign_with_quotas(scores, capacity, list(quotas.values()), time_limit=time_limit)
    )
    costs = "; ".join(
        f"{words.split(' (')[0]}: {outcome.cost:,.3f} ({outcome.cost_share:.2%}), "
        f"binds for {len(outcome.binding_groups):,}"
        for words, outcome in zip(quotas, solution.outcomes, strict=True)
    )
    rows.append(
        {
            "instance": size,
            "quotas": "all three, each priced by solving again without it",
            "time": seconds,
            "solves": 1 + len(quotas),
            "gap": solution.gap,
            "limited": solution.time_limited,
            "total": solution.total,
            "matched": int((solution.mentor_of >= 0).sum()),
            "costs": costs,
        }
    )
    print(rows[-1], flush=True)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| instance | quotas | time | solves | optimality gap | total score | matched | cost of each quota |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        gap = f"{row['gap']:.2e}" + (" (time limit)" if row["limited"] else "")
        lines.append(
            f"| {row['instance']} | {row['quotas']} | {row['time']:.2f} s | {row['solves']} | "
            f"{gap} | {row['total']:,.3f} | {row['matched']:,} | {row['costs']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000x250,10000x2000")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--no-write", action="store_true")
    arguments = parser.parse_args()
    rows: list[dict] = []
    for size in arguments.sizes.split(","):
        n_mentees, n_mentors = (int(part) for part in size.split("x"))
        rows += measure(n_mentees, n_mentors, arguments.time_limit)
    body = (
        f"Versions: numpy {np.__version__}, scipy {sp.__version__} (HiGHS through "
        f"`scipy.optimize.milp`), Python {sys.version.split()[0]}. Capacity {CAPACITY} for "
        f"every mentor; {PER_MENTEE} random mentors allowed per mentee; scores uniform in "
        f"[0, 1); 20 universities with Zipf-like weights; 20% of mentees in the evening cohort. "
        f"Time limit {arguments.time_limit:g} s per solve; the relative gap asked for is 1e-9. "
        "Time is wall-clock around the call, in one process, one run each: the machine was "
        "shared with other work during the run, so times vary by tens of percent between runs. "
        "A quota's cost alone is the min-cost-flow total minus its total; with all three, each "
        "is the total gained by solving again without it, the other two kept, as every run with "
        'quotas reports it. "Binds for" counts universities at the limit, the evening cohort '
        "when it is at its share, or mentors at their least number of universities.\n\n"
        + table(rows)
        + "\n\n"
        + NOTES
    )
    print(body)
    if not arguments.no_write:
        write_section(SECTION, body)


if __name__ == "__main__":
    main()
