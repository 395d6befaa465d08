"""Cohort assignment: deskmate's three methods beside an exact solver and two peers.

For each programme size (200×50, 1,000×250, 10,000×2,000 mentees × mentors,
every mentor taking 5) and each kind of scores (dense: every pair allowed;
sparse: 30 random mentors allowed per mentee), the instance is written to an
.npz file and every solver runs on it in its own process, so that its peak
memory (the child's high-water resident set size, VmHWM) is its own:

* deskmate ``assign`` with ``optimal``, ``stable`` and ``participation``;
* an independent exact optimum: HiGHS's dual simplex through
  ``scipy.optimize.linprog`` on the sparse instances (the constraint matrix is
  totally unimodular, so its vertex optimum is integral), ``scipy.optimize.linear_sum_assignment`` on the
  capacity-expanded matrix for the dense ones;
* ``matching`` 1.4.3 (its HospitalResident game, resident-optimal) and
  ``mentor-match`` 7.0.1, each in its own virtual environment under
  ``bench/.venvs/`` because both install a top-level package named
  ``matching``. The environments are created on first use.

Every assignment that comes back is scored by deskmate itself
(:func:`deskmate.engine.assignment.evaluate_assignment`). A solver still
running after the time limit is killed and reported as such. The tables go to
docs/benchmarks.md under "## Cohort assignment".

    .venv/bin/python bench/bench_assignment.py [--sizes 200x50,1000x250,10000x2000]
        [--time-limit 300] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VENVS = ROOT / "bench" / ".venvs"
PEERS = {
    "matching": ["matching==1.4.3", "numpy"],
    "mentor-match": ["mentor-match==7.0.1", "numpy"],
}
CAPACITY = 5
SPARSE_MENTORS_PER_MENTEE = 30
SECTION = "Cohort assignment"


# ---------------------------------------------------------------------------
# Instances


def make_instance(n_mentees: int, n_mentors: int, kind: str, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "dense":
        return {"dense": rng.random((n_mentees, n_mentors))}
    per_mentee = min(SPARSE_MENTORS_PER_MENTEE, n_mentors)
    cols = np.argsort(rng.random((n_mentees, n_mentors)), axis=1)[:, :per_mentee]
    return {
        "rows": np.repeat(np.arange(n_mentees), per_mentee),
        "cols": cols.ravel(),
        "data": rng.random(n_mentees * per_mentee),
        "shape": np.array([n_mentees, n_mentors]),
    }


def load_scores(path: str):
    """The instance as deskmate takes it: a dense array or a CSR matrix."""
    import scipy as sp
    import scipy.sparse

    stored = np.load(path)
    if "dense" in stored:
        return stored["dense"]
    return sp.sparse.csr_array(
        (stored["data"], (stored["rows"], stored["cols"])), shape=tuple(stored["shape"])
    )


def allowed_pairs(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Rows, cols, scores of allowed pairs; works without scipy (peer environments)."""
    stored = np.load(path)
    if "dense" in stored:
        dense = stored["dense"]
        rows, cols = np.nonzero(np.isfinite(dense))
        return rows, cols, dense[rows, cols], dense.shape[0], dense.shape[1]
    n_mentees, n_mentors = (int(x) for x in stored["shape"])
    return stored["rows"], stored["cols"], stored["data"], n_mentees, n_mentors


# ---------------------------------------------------------------------------
# Workers: each runs in a child process and writes mentor_of and its solve time


def work_deskmate(path: str, method: str) -> tuple[np.ndarray, float]:
    sys.path.insert(0, str(ROOT / "src"))
    from deskmate.engine.assignment import assign

    scores = load_scores(path)
    started = time.perf_counter()
    result = assign(scores, CAPACITY, method, compare_to_optimum=False)
    return np.asarray(result.mentor_of), time.perf_counter() - started


def work_exact(path: str) -> tuple[np.ndarray, float]:
    import scipy as sp
    import scipy.optimize
    import scipy.sparse

    stored = np.load(path)
    started = time.perf_counter()
    if "dense" in stored:
        dense = stored["dense"]
        n_mentees, n_mentors = dense.shape
        # Every score is positive and there are at least as many places as
        # mentees, so an optimum matches everyone: no "unmatched" columns needed.
        assert (dense > 0).all() and n_mentors * CAPACITY >= n_mentees
        places = np.repeat(np.arange(n_mentors), CAPACITY)
        rows, place_cols = sp.optimize.linear_sum_assignment(dense[:, places], maximize=True)
        mentor_of = np.full(n_mentees, -1)
        mentor_of[rows] = places[place_cols]
        return mentor_of, time.perf_counter() - started
    rows, cols, data, n_mentees, n_mentors = allowed_pairs(path)
    pairs = np.arange(rows.size)
    incidence = sp.sparse.vstack(
        [
            sp.sparse.csr_array((np.ones(rows.size), (rows, pairs)), shape=(n_mentees, rows.size)),
            sp.sparse.csr_array((np.ones(rows.size), (cols, pairs)), shape=(n_mentors, rows.size)),
        ]
    )
    upper = np.concatenate([np.ones(n_mentees), np.full(n_mentors, CAPACITY)])
    # The constraint matrix is totally unimodular, so the simplex method's
    # vertex optimum of the linear programme is already integral (checked).
    solution = sp.optimize.linprog(
        -data, A_ub=incidence, b_ub=upper, bounds=(0, 1), method="highs-ds"
    )
    assert solution.status == 0 and np.allclose(solution.x, np.round(solution.x), atol=1e-6)
    chosen = solution.x > 0.5
    mentor_of = np.full(n_mentees, -1)
    mentor_of[rows[chosen]] = cols[chosen]
    return mentor_of, time.perf_counter() - started


def work_matching(path: str) -> tuple[np.ndarray, float]:
    from matching.games import HospitalResident

    # Residents (mentees) rank mentors by decreasing score, hospitals (mentors)
    # rank the mentees who may have them the same way; lower index first
    # among equals, as in deskmate.
    resident_prefs, hospital_prefs, capacities, n_mentees = matching_preferences(path)
    started = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    solution = game.solve(optimal="resident")
    mentor_of = np.full(n_mentees, -1)
    for hospital, residents in solution.items():
        for resident in residents:
            mentor_of[resident.name] = hospital.name
    return mentor_of, time.perf_counter() - started


def work_matching_core(path: str) -> tuple[np.ndarray, float]:
    """The same game, but straight to the algorithm, past the game's input checks.

    Building a ``HospitalResident`` game validates the preference lists with
    membership tests on Python lists, which is quadratic and dominates its
    time from 1,000 mentees on; the algorithm itself is fast.
    """
    from matching.algorithms import hospital_resident
    from matching.games.hospital_resident import _make_players

    resident_prefs, hospital_prefs, capacities, n_mentees = matching_preferences(path)
    started = time.perf_counter()
    residents, hospitals = _make_players(resident_prefs, hospital_prefs, capacities)
    solution = hospital_resident(residents, hospitals, optimal="resident")
    mentor_of = np.full(n_mentees, -1)
    for hospital, residents_of_hospital in solution.items():
        for resident in residents_of_hospital:
            mentor_of[resident.name] = hospital.name
    return mentor_of, time.perf_counter() - started


def matching_preferences(path: str) -> tuple[dict, dict, dict, int]:
    rows, cols, data, n_mentees, n_mentors = allowed_pairs(path)
    by_mentee = np.lexsort((cols, -data, rows))
    by_mentor = np.lexsort((rows, -data, cols))
    mentee_bounds = np.searchsorted(rows[by_mentee], np.arange(n_mentees + 1))
    mentor_bounds = np.searchsorted(cols[by_mentor], np.arange(n_mentors + 1))
    ranked_mentors = cols[by_mentee].tolist()
    ranked_mentees = rows[by_mentor].tolist()
    resident_prefs = {
        mentee: ranked_mentors[mentee_bounds[mentee] : mentee_bounds[mentee + 1]]
        for mentee in range(n_mentees)
    }
    hospital_prefs = {
        mentor: ranked_mentees[mentor_bounds[mentor] : mentor_bounds[mentor + 1]]
        for mentor in range(n_mentors)
    }
    return resident_prefs, hospital_prefs, dict.fromkeys(range(n_mentors), CAPACITY), n_mentees


def work_mentor_match(path: str) -> tuple[np.ndarray, float]:
    from matching.mentee import Mentee
    from matching.mentor import Mentor
    from matching.process import process_data
    from matching.rules import rule

    rows, cols, data, n_mentees, n_mentors = allowed_pairs(path)
    started = time.perf_counter()
    # mentor-match scores pairs with integer rules; a rule object that returns
    # the instance's score (in millionths) makes its matrix ours. Forbidden
    # pairs are disqualified. Its Munkres assignment gives each mentor one
    # mentee per round, so capacity 5 is five rounds, and a mentee matched in
    # an earlier round is disqualified in the later ones.
    millionths = dict(
        zip(
            (rows * n_mentors + cols).tolist(),
            np.round(data * 1e6).astype(int).tolist(),
            strict=True,
        )
    )

    class InstanceScore:
        def apply(self, match) -> int:
            return millionths.get(match.mentee.index * n_mentors + match.mentor.index, 0)

        def evaluate(self, match) -> bool:
            return True

    mentees = [Mentee(grade=0, email=f"mentee{i}@example.org") for i in range(n_mentees)]
    mentors = [Mentor(grade=0, email=f"mentor{j}@example.org") for j in range(n_mentors)]
    for index, person in enumerate(mentees):
        person.index = index
    for index, person in enumerate(mentors):
        person.index = index
    forbidden = rule.Disqualify(
        lambda match: (match.mentee.index * n_mentors + match.mentor.index) not in millionths
    )
    already_matched = rule.Disqualify(lambda match: len(match.mentee.mentors) > 0)
    rounds = [[InstanceScore(), forbidden, already_matched] for _ in range(CAPACITY)]
    process_data(mentors, mentees, rounds)
    mentor_of = np.full(n_mentees, -1)
    for mentee in mentees:
        if mentee.mentors:
            mentor_of[mentee.index] = mentee.mentors[0].index
    return mentor_of, time.perf_counter() - started


def run_worker(kind: str, path: str, out: str, method: str) -> None:
    workers = {
        "deskmate": lambda: work_deskmate(path, method),
        "exact": lambda: work_exact(path),
        "matching": lambda: work_matching(path),
        "matching-core": lambda: work_matching_core(path),
        "mentor-match": lambda: work_mentor_match(path),
    }
    # Best of up to three runs, repeating only runs shorter than 10 s, so that
    # short timings are not at the mercy of one hiccup on a shared machine.
    mentor_of, seconds = workers[kind]()
    for _ in range(2):
        if seconds >= 10:
            break
        mentor_of, again = workers[kind]()
        seconds = min(seconds, again)
    np.savez(out, mentor_of=mentor_of, seconds=np.array(seconds), peak_kb=np.array(own_peak_kb()))


def own_peak_kb(pid: int | str = "self") -> int:
    """Peak resident memory of a process since its exec (VmHWM), in KiB.

    Not ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts from the
    resident size of the parent that forked it, which here holds the instance
    and would be counted in every solver's figure.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# ---------------------------------------------------------------------------
# The parent: environments, children, measures, tables


def ensure_peer_environment(name: str) -> Path:
    """Create bench/.venvs/NAME with the peer installed, once."""
    python = VENVS / name / "bin" / "python"
    marker = VENVS / name / ".installed"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENVS / name)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEERS[name]], check=True)
        marker.write_text(" ".join(PEERS[name]) + "\n")
    return python


def run_child(python: Path, kind: str, instance: Path, method: str, time_limit: float) -> dict:
    """Run one solver in a child process; wall time, peak memory, its answer."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "answer.npz"
        command = [
            str(python),
            str(Path(__file__).resolve()),
            "--worker", kind,
            "--instance", str(instance),
            "--out", str(out),
            "--method", method,
        ]  # fmt: skip
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        status, timed_out, peak_kb = None, False, 0
        while status is None:
            peak_kb = max(peak_kb, own_peak_kb(child.pid))
            pid, raw_status, _ = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status = raw_status
                break
            if time.perf_counter() - started > time_limit:
                child.kill()
                _, status, _ = os.wait4(child.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        error = child.stderr.read().decode(errors="replace") if child.stderr else ""
        report = {"wall": wall, "peak_mb": peak_kb / 1024, "timed_out": timed_out}
        if timed_out:
            report["note"] = f"killed after {time_limit:.0f} s"
        elif child.returncode != 0 or not out.exists():
            last_line = error.strip().splitlines()[-1] if error.strip() else "no output"
            report["note"] = f"failed: {last_line[:120]}"
        else:
            answer = np.load(out)
            report["mentor_of"] = answer["mentor_of"]
            report["solve"] = float(answer["seconds"])
            report["peak_mb"] = max(peak_kb, int(answer["peak_kb"])) / 1024
        return report


def measure_instance(
    size: tuple[int, int],
    kind: str,
    time_limit: float,
    seed: int,
    only: set[str] | None = None,
    timed_out_before: dict[tuple[str, str], dict] | None = None,
) -> list[dict]:
    sys.path.insert(0, str(ROOT / "src"))
    from deskmate.engine.assignment import evaluate_assignment

    n_mentees, n_mentors = size
    label = f"{n_mentees:,}×{n_mentors:,} {kind}"
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as scratch:
        instance = Path(scratch) / "instance.npz"
        np.savez(instance, **make_instance(n_mentees, n_mentors, kind, seed))
        scores = load_scores(str(instance))
        solvers = [
            ("deskmate optimal", Path(sys.executable), "deskmate", "optimal"),
            ("deskmate stable", Path(sys.executable), "deskmate", "stable"),
            ("deskmate participation", Path(sys.executable), "deskmate", "participation"),
            (
                "exact: HiGHS (simplex)" if kind == "sparse" else "exact: linear_sum_assignment",
                Path(sys.executable),
                "exact",
                "-",
            ),
            ("matching 1.4.3 (HR)", ensure_peer_environment("matching"), "matching", "-"),
            (
                "matching 1.4.3 (HR algorithm only)",
                ensure_peer_environment("matching"),
                "matching-core",
                "-",
            ),
            ("mentor-match 7.0.1", ensure_peer_environment("mentor-match"), "mentor-match", "-"),
        ]
        for name, python, worker, method in solvers:
            if only is not None and worker not in only:
                continue
            if timed_out_before and (label, name) in timed_out_before:
                rows.append(timed_out_before[(label, name)])
                continue
            report = run_child(python, worker, instance, method, time_limit)
            report.update(instance=label, solver=name)
            if "mentor_of" in report:
                try:
                    measured = evaluate_assignment(
                        scores, CAPACITY, report.pop("mentor_of"), compare_to_optimum=False
                    )
                except ValueError as error:
                    report["note"] = f"invalid assignment: {error}"
                else:
                    report.update(
                        total=measured.total_score,
                        matched=measured.number_matched,
                        blocking=measured.blocking_pairs,
                    )
            rows.append(report)
            print(json.dumps({k: v for k, v in report.items() if k != "mentor_of"}), flush=True)
    add_ratios(rows)
    return rows


def add_ratios(rows: list[dict]) -> None:
    """Ratio of each total to the exact solver's total on the same instance."""
    optimum = {
        row["instance"]: row["total"]
        for row in rows
        if row["solver"].startswith("exact") and "total" in row
    }
    for row in rows:
        if row["instance"] in optimum and "total" in row:
            row["ratio"] = row["total"] / optimum[row["instance"]]


SOLVER_ORDER = (
    "deskmate optimal",
    "deskmate stable",
    "deskmate participation",
    "exact",
    "matching 1.4.3 (HR)",
    "matching 1.4.3 (HR algorithm only)",
    "mentor-match",
)


def solver_rank(solver: str) -> int:
    for rank, name in enumerate(SOLVER_ORDER):
        if solver == name or (name in ("exact", "mentor-match") and solver.startswith(name)):
            return rank
    return len(SOLVER_ORDER)


def row_order(rows: list[dict]):
    """Instances in the order first met, solvers in a fixed order within each."""
    instances: dict[str, int] = {}
    for row in rows:
        instances.setdefault(row["instance"], len(instances))
    return lambda row: (instances[row["instance"]], solver_rank(row["solver"]))


def read_log(path: str) -> dict[tuple[str, str], dict]:
    """Rows printed by an earlier run; a later row replaces an earlier one."""
    rows: dict[tuple[str, str], dict] = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            rows[(row["instance"], row["solver"])] = row
    return rows


def format_table(rows: list[dict]) -> str:
    lines = [
        "| instance | solver | solve time | wall time | peak memory | total score "
        "| ratio to exact optimum | matched | blocking pairs | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        solve = f"{row['solve']:.2f} s" if "solve" in row else "—"
        total = f"{row['total']:,.3f}" if "total" in row else "—"
        ratio = f"{row['ratio']:.6f}" if "ratio" in row else "—"
        matched = f"{row['matched']:,}" if "matched" in row else "—"
        blocking = f"{row['blocking']:,}" if "blocking" in row else "—"
        lines.append(
            f"| {row['instance']} | {row['solver']} | {solve} | {row['wall']:.1f} s "
            f"| {row['peak_mb']:,.0f} MB | {total} | {ratio} | {matched} | {blocking} "
            f"| {row.get('note', '')} |"
        )
    return "\n".join(lines)


NOTES = """\
What is and is not comparable:

- deskmate optimal and participation, and the exact solver, maximise the same
  total (every score here is positive, so both also match everyone they
  can); their totals must agree to rounding.
- deskmate stable and `matching`'s HospitalResident game solve the same
  problem (mentee-proposing deferred acceptance, both sides ranking by the
  score, lower index first among equals), so their assignments should be
  identical. `matching` takes full Python preference lists, so the dense
  instances hand it 2,000-long lists per mentee.
- `matching`'s game validates its input on construction with membership
  tests on Python lists, which is quadratic and takes longer than the time
  limit from 1,000 mentees on; the "algorithm only" row builds the same
  players with the library's own helper and calls its HospitalResident
  algorithm directly, so that the algorithms themselves are compared too.
- `mentor-match` has no capacity or weighted-score input of its own: it scores
  each pair by summing integer rules and runs one Munkres assignment per round,
  each mentor taking one mentee per round. It was given a rule returning the
  instance's score in millionths, a rule disqualifying forbidden pairs and one
  disqualifying mentees already matched, over 5 rounds for capacity 5. That is
  its own greedy round-by-round method, not a global optimum, so its total is
  expected below the optimum; its Munkres is pure Python on the full
  mentors × mentees matrix, which limits the size it can reach.
"""


def targets(rows: list[dict]) -> str:
    """Plain statements of the targets, met or missed, from the figures."""
    by_key = {(row["instance"], row["solver"]): row for row in rows}
    lines = ["Targets:", ""]
    for label, limit in (("10,000×2,000 sparse", 2.0), ("10,000×2,000 dense", 20.0)):
        row = by_key.get((label, "deskmate optimal"))
        if row and "solve" in row:
            verdict = "met" if row["solve"] < limit else "**missed**"
            lines.append(f"- {label} optimal under {limit:.0f} s: {row['solve']:.2f} s, {verdict}.")
    for row in rows:
        is_exact_method = row["solver"] in ("deskmate optimal", "deskmate participation")
        if is_exact_method and "ratio" in row and abs(row["ratio"] - 1) > 1e-9:
            lines.append(
                f"- **{row['instance']} {row['solver']} differs from the exact optimum**: "
                f"ratio {row['ratio']:.9f}."
            )
    optimal_rows = [r for r in rows if r["solver"] == "deskmate optimal" and "ratio" in r]
    if optimal_rows and all(abs(r["ratio"] - 1) <= 1e-9 for r in optimal_rows):
        lines.append("- deskmate optimal equals the exact optimum on every instance measured.")
    stable_rows = [r for r in rows if r["solver"] == "deskmate stable" and "blocking" in r]
    if stable_rows:
        blocking = sum(r["blocking"] for r in stable_rows)
        lines.append(f"- deskmate stable: {blocking} blocking pairs in total over all instances.")
    for row in rows:
        if row["solver"].startswith(("matching", "mentor-match")):
            own = by_key.get(
                (
                    row["instance"],
                    "deskmate stable" if "HR" in row["solver"] else "deskmate optimal",
                )
            )
            if "total" not in row:
                lines.append(
                    f"- {row['instance']}, {row['solver']}: did not finish ({row.get('note', '')})."
                )
                continue
            if own and "solve" in own and "solve" in row:
                speedup = row["solve"] / max(own["solve"], 1e-9)
                better = own["total"] >= row["total"] - 1e-9
                verdict = "met" if better and speedup >= 10 else "**missed**"
                lines.append(
                    f"- {row['instance']}, {row['solver']} against {own['solver']}: total "
                    f"{own['total']:,.3f} vs {row['total']:,.3f}, time {own['solve']:.2f} s vs "
                    f"{row['solve']:.2f} s ({speedup:,.0f}× faster): {verdict}."
                )
    return "\n".join(lines)


def versions() -> str:
    import scipy

    return f"numpy {np.__version__}, scipy {scipy.__version__}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200x50,1000x250,10000x2000")
    parser.add_argument("--kinds", default="sparse,dense")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker")
    parser.add_argument("--instance")
    parser.add_argument("--out")
    parser.add_argument("--method", default="-")
    parser.add_argument("--solvers", help="only these workers, e.g. matching-core,exact")
    parser.add_argument(
        "--from-log", help="re-render the tables from the JSON lines a previous run printed"
    )
    parser.add_argument(
        "--reuse-timeouts",
        help="take the rows of solvers that were killed in this earlier log instead of "
        "running them again",
    )
    arguments = parser.parse_args()
    if arguments.worker:
        run_worker(arguments.worker, arguments.instance, arguments.out, arguments.method)
        return

    rows: list[dict] = []
    if arguments.from_log:
        rows = list(read_log(arguments.from_log).values())
        add_ratios(rows)
    else:
        timed_out_before = None
        if arguments.reuse_timeouts:
            timed_out_before = {
                key: row
                for key, row in read_log(arguments.reuse_timeouts).items()
                if row.get("timed_out")
            }
        for size_text in arguments.sizes.split(","):
            size = tuple(int(part) for part in size_text.split("x"))
            for kind in arguments.kinds.split(","):
                only = set(arguments.solvers.split(",")) if arguments.solvers else None
                rows.extend(
                    measure_instance(
                        size, kind, arguments.time_limit, arguments.seed, only, timed_out_before
                    )
                )
    rows.sort(key=row_order(rows))
    table = format_table(rows)
    print(table)
    print(targets(rows))
    if not arguments.no_write:
        sys.path.insert(0, str(ROOT))
        from bench.report import write_section

        reused_note = ""
        if arguments.reuse_timeouts:
            reused_note = (
                " Rows of solvers killed at the time limit are those of the previous run on "
                "the same instances (same seed), which was not waited for again."
            )
        write_section(
            SECTION,
            f"Versions: {versions()}. Capacity 5 for every mentor; sparse instances allow "
            f"{SPARSE_MENTORS_PER_MENTEE} random mentors per mentee; scores uniform in [0, 1); "
            f"time limit {arguments.time_limit:.0f} s per solver. Solve time is the best of up "
            "to three runs in the same process (runs of 10 s or more are not repeated), "
            "measured around the solve call only; deskmate's includes computing its measures "
            "(blocking pairs and the rest). Wall time is the whole child process, start-up, "
            "instance loading and repeats included. Peak memory is the child's VmHWM. "
            "The machine is shared with other work, so times vary by tens of percent "
            f"between runs.{reused_note}\n\n{table}\n\n"
            f"{targets(rows)}\n\n{NOTES}",
        )


if __name__ == "__main__":
    main()
