"""Link prediction on generated communities with planted structure, and on networkx's graphs.

The standard protocol: hide 10 % of the contact edges, give the rest to each
method, and score how well it ranks the hidden pairs above pairs that are not
linked. AUC is measured on every hidden pair against twenty times as many
random unlinked pairs; precision at 10 is, for every member with a hidden
edge, the share of their ten best-scored non-contacts that are hidden edges.
Equal scores are ordered by the same pair hash for every method.

Methods, computed side by side on the same contacts: deskmate's tie strength
(``compute_ties``, with every pair that has a common contact scored through
``MutualContacts.tie_strengths``), the same restricted to the ties
``compute_ties`` stores (each member's best ``mutual_top_k`` mutual-contact
partners besides their contacts and shared history: what suggestions read),
deskmate with the defaults before the degree-power index (``PREVIOUS``),
resource allocation, Adamic–Adar and common neighbours. Each training link
is a contact both ends imported (``link_contacts``), since deskmate's mutual
contacts count only the people both members imported themselves. deskmate's
``TieParameters`` are the defaults, fitted by ``calibrate.py`` on other seeds.

Generated community (``generate``): members hold a current position in a
unit and, for half of them, an earlier one in another unit (a career move);
unit sizes are heavy-tailed, from pairs to departments of hundreds. Each
member belongs to a community, mostly that of their current unit. Contacts
are drawn per member: 35 % among people of one of their units, 40 % within
their community, 25 % anyone; then a round of friend-of-a-friend closure.
"With unit evidence" gives deskmate the positions; "without" gives none.

    .venv/bin/python bench/quality/link_prediction.py [--members 1500] [--seeds 5] [--no-write]
"""

import argparse
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import scipy as sp
from scipy.stats import rankdata

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.report import write_section  # noqa: E402
from deskmate.engine.ties import (  # noqa: E402
    Community,
    Contacts,
    Positions,
    TieParameters,
    compute_ties,
)
from deskmate.engine.ties.mutual import MutualContacts, pair_hash  # noqa: E402

AS_OF = "2026-01-01"


def generate(n: int, seed: int) -> tuple[np.ndarray, Positions]:
    """Undirected contact edges (``a < b``) and positions of a planted community."""
    rng = np.random.default_rng(seed)
    n_units = max(n // 12, 4)
    popularity = rng.pareto(1.2, n_units) + 0.05
    current = rng.choice(n_units, n, p=popularity / popularity.sum())
    moved = rng.random(n) < 0.5
    earlier = np.where(moved, rng.choice(n_units, n, p=popularity / popularity.sum()), -1)
    start = rng.integers(0, 3000, n)
    day0 = np.datetime64("2016-01-01")
    rows = [(m, 1, int(current[m]), day0 + int(start[m]), None) for m in range(n)] + [
        (m, 1, int(earlier[m]), day0 - 2000 + int(start[m]) // 2, day0 + int(start[m]) - 1)
        for m in np.flatnonzero(moved)
    ]
    positions = Positions.from_rows(rows)
    n_communities = max(n // 40, 2)
    unit_community = rng.integers(0, n_communities, n_units)
    community = np.where(
        rng.random(n) < 0.7, unit_community[current], rng.integers(0, n_communities, n)
    )
    members_of_unit = [np.flatnonzero((current == u) | (earlier == u)) for u in range(n_units)]
    members_of_community = [np.flatnonzero(community == c) for c in range(n_communities)]
    degree = np.maximum(2, rng.lognormal(2.2, 0.6, n).astype(int))
    edges = []
    for member in range(n):
        for _ in range(int(degree[member])):
            draw = rng.random()
            if draw < 0.35:
                unit = (
                    current[member]
                    if earlier[member] < 0 or rng.random() < 0.6
                    else earlier[member]
                )
                pool = members_of_unit[unit]
            elif draw < 0.75:
                pool = members_of_community[community[member]]
            else:
                pool = None
            other = int(rng.integers(n)) if pool is None or len(pool) < 2 else int(rng.choice(pool))
            if other != member:
                edges.append((min(member, other), max(member, other)))
    edges = np.unique(np.array(edges), axis=0)
    graph = _adjacency(edges, n)
    closing = []
    for member in rng.choice(n, n, replace=True):
        friends = graph.indices[graph.indptr[member] : graph.indptr[member + 1]]
        if len(friends):
            friend = rng.choice(friends)
            theirs = graph.indices[graph.indptr[friend] : graph.indptr[friend + 1]]
            other = int(rng.choice(theirs))
            if other != member:
                closing.append((min(member, other), max(member, other)))
    if closing:
        edges = np.unique(np.concatenate([edges, np.array(closing)]), axis=0)
    return edges, positions


def _adjacency(edges: np.ndarray, n: int) -> sp.sparse.csr_array:
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    graph = sp.sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    graph.sum_duplicates()
    graph.data[:] = 1
    return graph


def baseline_scores(train: sp.sparse.csr_array, weights: str) -> sp.sparse.csr_array:
    degree = np.asarray(train.sum(axis=1)).ravel()
    if weights == "common neighbours":
        weight = (degree > 0).astype(float)
    elif weights == "resource allocation":
        weight = np.where(degree > 0, 1 / np.maximum(degree, 1), 0)
    else:
        weight = np.where(degree > 1, 1 / np.log(np.maximum(degree, 2)), 0)
    return (train @ sp.sparse.diags_array(weight) @ train).tocsr()


def link_contacts(train_edges: np.ndarray) -> Contacts:
    """The training links as contacts that each end imported.

    A link is a connection both hold (as in both members' LinkedIn archives):
    each imported the other, so mutual contacts, which count only what both
    members imported themselves, read the whole graph.
    """
    return Contacts(
        importer=np.concatenate([train_edges[:, 0], train_edges[:, 1]]),
        contact=np.concatenate([train_edges[:, 1], train_edges[:, 0]]),
    )


def deskmate_scores(
    n: int,
    train_edges: np.ndarray,
    positions: Positions,
    parameters: TieParameters,
    *,
    stored_only: bool = False,
) -> sp.sparse.csr_array:
    """deskmate's tie strength of every pair with a tie or a common contact.

    ``MutualContacts.tie_strengths``: the stored ties' strength, and for pairs
    whose mutual contacts no member kept, the index's exact mutual-contact
    strength. With ``stored_only``, only what ``compute_ties`` stores (what a
    member's suggestions read).
    """
    contacts = link_contacts(train_edges)
    ties = compute_ties(
        Community(n, positions=positions, contacts=contacts), as_of=AS_OF, parameters=parameters
    )
    if stored_only:
        first, second, strength = ties.first, ties.second, ties.strength
    else:
        train = _adjacency(train_edges, n)
        two_steps = sp.sparse.triu(train @ train, k=1).tocoo()
        keys = np.union1d(
            ties.first * n + ties.second,
            two_steps.row.astype(np.int64) * n + two_steps.col.astype(np.int64),
        )
        first, second = keys // n, keys % n
        strength = MutualContacts(contacts, n, parameters).tie_strengths(ties, first, second)
    keep = strength > 0
    full = sp.sparse.csr_array((strength[keep], (first[keep], second[keep])), shape=(n, n))
    return (full + full.T).tocsr()


def evaluate(scores: sp.sparse.csr_array, train, hidden, negatives) -> tuple[float, float]:
    def lookup(pairs):
        return np.asarray(scores[pairs[:, 0], pairs[:, 1]]).ravel() if len(pairs) else np.zeros(0)

    positive, negative = lookup(hidden), lookup(negatives)
    ranks = rankdata(np.concatenate([positive, negative]))
    auc = (ranks[: len(positive)].sum() - len(positive) * (len(positive) + 1) / 2) / (
        len(positive) * len(negative)
    )
    n = scores.shape[0]
    hidden_set = set(map(tuple, np.concatenate([hidden, hidden[:, ::-1]]).tolist()))
    coo = scores.tocoo()
    mask = (coo.row != coo.col) & (np.asarray(train[coo.row, coo.col]).ravel() == 0)
    rows, cols, values = coo.row[mask], coo.col[mask], coo.data[mask]
    order = np.lexsort((pair_hash(rows, cols), -values, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n + 1))
    with_hidden = np.unique(hidden.ravel())
    precision = [
        sum(
            (int(m), int(c)) in hidden_set
            for c in cols[starts[m] : min(starts[m] + 10, starts[m + 1])]
        )
        / 10
        for m in with_hidden
    ]
    return float(auc), float(np.mean(precision))


def split(edges: np.ndarray, n: int, seed: int):
    rng = np.random.default_rng(seed + 1000)
    hidden_mask = np.zeros(len(edges), dtype=bool)
    hidden_mask[rng.permutation(len(edges))[: max(1, round(0.1 * len(edges)))]] = True
    hidden, train_edges = edges[hidden_mask], edges[~hidden_mask]
    known = set(map(tuple, edges.tolist()))
    negatives = []
    while len(negatives) < 20 * len(hidden):
        a, b = rng.integers(n, size=2)
        if a != b and (min(a, b), max(a, b)) not in known:
            negatives.append((min(a, b), max(a, b)))
    return train_edges, hidden, np.array(negatives)


METHODS = [
    "deskmate",
    "deskmate, stored ties only",
    "deskmate, previous defaults",
    "resource allocation",
    "Adamic–Adar",
    "common neighbours",
]


#: The defaults before the degree-power index (resource allocation, fitted on AUC alone).
PREVIOUS = TieParameters(
    mutual_index="resource_allocation",
    mutual_degree_exponent=1.0,
    mutual_endpoint_exponent=0.0,
    group_size_exponent=3.44,
    mutual_contacts=1.0,
    mutual_scale=14.5,
)


def run_case(n, edges, positions, seed, parameters):
    train_edges, hidden, negatives = split(edges, n, seed)
    train = _adjacency(train_edges, n)
    result = {}
    for method in METHODS:
        if method == "deskmate, previous defaults":
            scores = deskmate_scores(n, train_edges, positions, PREVIOUS)
        elif method.startswith("deskmate"):
            scores = deskmate_scores(
                n, train_edges, positions, parameters, stored_only=method != "deskmate"
            )
        else:
            scores = baseline_scores(train, method)
        result[method] = evaluate(scores, train, hidden, negatives)
    return result


def networkx_graphs():
    graphs = {
        "karate club": nx.karate_club_graph(),
        "Les Misérables": nx.les_miserables_graph(),
        "Florentine families": nx.florentine_families_graph(),
        "Davis southern women": nx.davis_southern_women_graph(),
    }
    for name, graph in graphs.items():
        graph = nx.convert_node_labels_to_integers(graph)
        edges = np.array(sorted((min(a, b), max(a, b)) for a, b in graph.edges()))
        yield name, graph.number_of_nodes(), edges


def table(rows: dict[str, list[dict]]) -> str:
    header = "| case | " + " | ".join(f"{m} AUC | {m} P@10" for m in METHODS) + " |"
    lines = [header, "|---" * (1 + 2 * len(METHODS)) + "|"]
    for case, results in rows.items():
        cells = []
        for method in METHODS:
            auc = np.mean([r[method][0] for r in results])
            p10 = np.mean([r[method][1] for r in results])
            cells += [f"{auc:.3f}", f"{p10:.3f}"]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


BASELINES = ["resource allocation", "Adamic–Adar", "common neighbours"]


def targets(rows: dict[str, list[dict]]) -> str:
    """The issue's test on the generated cases: AUC within 0.01 of the best baseline, P@10 at least its."""
    lines = []
    for case, results in rows.items():
        if not case.startswith("generated"):
            continue
        mean = {m: np.mean([r[m] for r in results], axis=0) for m in METHODS}
        for method in ("deskmate", "deskmate, stored ties only", "deskmate, previous defaults"):
            auc, p10 = mean[method]
            best_auc = max(BASELINES, key=lambda m: mean[m][0])
            best_p10 = max(BASELINES, key=lambda m: mean[m][1])
            met = auc >= mean[best_auc][0] - 0.01 and p10 >= mean[best_p10][1]
            lines.append(
                f"- {case}, {method}: AUC {auc:.4f} against {mean[best_auc][0]:.4f} "
                f"({best_auc}), P@10 {p10:.4f} against {mean[best_p10][1]:.4f} ({best_p10}): "
                + ("met." if met else "**missed**.")
            )
    return "\n".join(lines)


READING = """How to read it: *deskmate* is `MutualContacts.tie_strengths`, the stored ties and, \
for pairs no member kept among their best `mutual_top_k`, the exact mutual-contact strength \
from the index, so every pair with a common contact is scored. *Stored ties only* is what \
`compute_ties` stores and suggestions read: every contact, shared history, and each member's \
25 best other mutual-contact partners. Its AUC is low because a hidden pair outside both \
members' best 25 scores 0 like a stranger. Without unit evidence deskmate has only contacts; \
its mutual-contact index is the one `calibrate.py` chose on the calibration seeds \
(`degree_power`: each common contact weighs `degree ** -0.1`, and a pair's score is divided \
by `(n_a n_b) ** 0.2`, `n` being how many contacts each member imported), so it differs from \
the three baselines only in those two exponents. The margin without unit evidence is thin: \
0.0002 in precision at 10 is one more hidden link in the top ten per 500 members, and seed by \
seed deskmate leads the best baseline on two of the five seeds (3 and 5) and trails it on \
three (1, 2 and 4, by 0.0001 to 0.0008). With unit evidence the fitted weights rank the top \
ten slightly worse than the previous defaults on these seeds (0.0320 against 0.0324; on the \
calibration seeds they ranked it better, 0.0337 against 0.0331), both well above the \
baselines. On the small networkx graphs the endpoint exponent costs AUC (karate club 0.650 \
against 0.698)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    parameters = TieParameters()
    rows: dict[str, list[dict]] = {}
    for seed in range(1, args.seeds + 1):
        edges, positions = generate(args.members, seed)
        for label, given in (
            ("with unit evidence", positions),
            ("without unit evidence", Positions.empty()),
        ):
            case = f"generated, {args.members} members, {label}"
            rows.setdefault(case, []).append(run_case(args.members, edges, given, seed, parameters))
            print(case, seed, rows[case][-1], flush=True)
    for name, n, edges in networkx_graphs():
        for seed in range(1, args.seeds + 1):
            rows.setdefault(f"networkx {name}", []).append(
                run_case(n, edges, Positions.empty(), seed, parameters)
            )
    text = table(rows) + "\n\nTargets (mean over the seeds, unrounded):\n\n" + targets(rows)
    print(text)
    if not args.no_write:
        write_section(
            "Link prediction (bench/quality/link_prediction.py)",
            f"Mean over {args.seeds} seeds (1–{args.seeds}); 10 % of contact edges hidden; "
            "default `TieParameters` (mutual-contact index and weights fitted by "
            "`bench/quality/calibrate.py` on seeds 101–105, never on these). "
            "The machine was shared with other work.\n\n" + text + "\n\n" + READING,
        )


if __name__ == "__main__":
    main()
