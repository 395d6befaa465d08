"""Ties between members, computed from evidence without quadratic blow-ups.

The Django side loads the community into the plain arrays of
:class:`Community` (members are numbered ``0 .. n_members - 1``; organisations,
units, schools and programmes keep their database ids), calls
:func:`compute_ties` in a background task, and stores the resulting
:class:`TieTable`. When one member's history changes,
:func:`compute_ties_touching` recomputes only the ties that member is part of,
with exactly the values the full computation gives them.

The package is organised by step: :mod:`~deskmate.engine.ties.inputs` (the
community as arrays, and :class:`TieParameters`),
:mod:`~deskmate.engine.ties.sweep` (overlapping stints),
:mod:`~deskmate.engine.ties.mutual` (mutual contacts),
:mod:`~deskmate.engine.ties.compute` (each kind of evidence and how
strengths combine) and :mod:`~deskmate.engine.ties.tables` (the results).

Cost: overlaps come from sorting stints by (group, start) and binary-searching,
for each stint, the later stints of its group that start before it ends, so
the work is ``O(S log S + P)`` for ``S`` stints and ``P`` overlapping pairs,
and ``P`` is bounded by the size caps. Mutual contacts cost
``sum(min(degree, max_common_contact_degree) ** 2)`` multiply-adds in sparse
products that release the GIL (``threads`` blocks at a time), with memory for
the blocks in flight plus ``mutual_top_k`` partners per member. A synthetic
community of 100,000 members with about 3 positions, 1.5 education stints and
100 contacts each took about 60 s of CPU time in all (two thirds of it for
mutual contacts) and 2.8 GB at peak, giving 8.6 million ties and 13.8 million
pieces of evidence.

Mutual contacts are the people both members imported themselves, shown to
both as a count, never as names; nobody else's address book adds one. A
member with very few contacts of their own can still guess from "1 mutual
contact" which of them the other imported.

Examples
--------
>>> community = Community(
...     n_members=3,
...     positions=Positions.from_rows([
...         (0, 1, 10, "2019-01-01", "2021-01-01"),
...         (1, 1, 10, "2019-06-01", None),
...     ]),
...     contacts=Contacts.from_rows([(2, 0)]),
... )
>>> ties = compute_ties(community, as_of="2024-01-01")
>>> [(int(a), int(b)) for a, b in zip(ties.first, ties.second)]
[(0, 1), (0, 2)]
>>> [e.kind.name for e in ties.evidence_of(ties.find(0, 2))]
['CONTACT']
>>> ties.evidence_of(ties.find(0, 2))[0].private_to
2
"""

from deskmate.engine.ties.compute import compute_ties_touching
from deskmate.engine.ties.inputs import (
    Community,
    Contacts,
    DateLike,
    Educations,
    InteractionKind,
    Interactions,
    Positions,
    StintTable,
    TieParameters,
    TiePartitions,
    as_day,
)
from deskmate.engine.ties.partitions import compute_tie_chunks, compute_ties
from deskmate.engine.ties.sweep import stint_spans
from deskmate.engine.ties.tables import (
    SHARED_HISTORY_KINDS,
    Evidence,
    EvidenceKind,
    EvidenceTable,
    TieTable,
)

__all__ = [
    "SHARED_HISTORY_KINDS",
    "Community",
    "Contacts",
    "DateLike",
    "Educations",
    "Evidence",
    "EvidenceKind",
    "EvidenceTable",
    "InteractionKind",
    "Interactions",
    "Positions",
    "StintTable",
    "TieParameters",
    "TiePartitions",
    "TieTable",
    "as_day",
    "compute_tie_chunks",
    "compute_ties",
    "compute_ties_touching",
    "stint_spans",
]
