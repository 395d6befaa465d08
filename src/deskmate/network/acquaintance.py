"""How one member knows another, in the words the suggestions page uses.

Two readings of a stored tie:

- the viewer's own tie, told to the viewer: every piece of evidence the viewer
  may see (their own contacts and logged interactions included), explained by
  ``deskmate.engine.reasons.explain`` exactly as on the suggestions page;
- a tie between two other members, told to a third: only their shared
  workplace or school, the evidence anyone who sees both profiles can read.
  Contacts, interactions and mutual contacts of other people are never named,
  counted or used to rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from deskmate.engine.reasons import Names, explain
from deskmate.engine.ties import SHARED_HISTORY_KINDS, EvidenceKind
from deskmate.network import neighbourhood
from deskmate.network.models import Tie
from deskmate.network.network_map import KIND_LABELS, evidence_kind
from deskmate.network.tie_store import evidence_records, visible_strength
from deskmate.people.models import Member, Organisation, School, Unit

#: Said when nothing the viewer may see joins two members.
NO_SHARED_HISTORY = "No shared history on record"


def _shared_items(evidence: list[dict]) -> list[dict]:
    return [
        item
        for item in evidence
        if item.get("private_to") is None and EvidenceKind(item["kind"]) in SHARED_HISTORY_KINDS
    ]


def shared_history_strength(evidence: list[dict]) -> float:
    """A tie's strength for someone outside it: the noisy-or of its shared workplace and school only."""
    missing = 1.0
    for item in _shared_items(evidence):
        missing *= 1.0 - min(item["strength"], 1.0)
    return 1.0 - missing


def _tie_evidence(first: int, second: int) -> list[dict]:
    low, high = sorted((first, second))
    row = Tie.objects.filter(member_low_id=low, member_high_id=high).values_list(
        "evidence", flat=True
    )
    return list(row.first() or [])


def _names_for(records) -> Names:
    organisations, units, schools = neighbourhood.names(
        [
            (Organisation, {r.organisation for r in records if r.organisation is not None}),
            (Unit, {r.unit for r in records if r.unit is not None}),
            (School, {r.school for r in records if r.school is not None}),
        ]
    )
    return Names(organisations=organisations, units=units, schools=schools)


def _explain_pair(
    viewer_id: int, other_id: int, evidence: list[dict], as_of: dt.date
) -> tuple[str, ...]:
    programme_ids: dict[str, int] = {}
    records = evidence_records(
        [(viewer_id, other_id, evidence)], {viewer_id: 0, other_id: 1}, programme_ids
    )
    names = _names_for(records)
    names = Names(
        organisations=names.organisations,
        units=names.units,
        schools=names.schools,
        programmes={index: name for name, index in programme_ids.items()},
    )
    return explain(0, 1, evidence=records, names=names, as_of=as_of)


def tie_reasons(
    viewer: Member, member_ids: Iterable[int], *, as_of: dt.date | None = None
) -> dict[int, tuple[str, ...]]:
    """For each member id, how the viewer knows them, strongest evidence first; empty if not at all."""
    as_of = as_of or timezone.localdate()
    wanted = set(member_ids) - {viewer.pk}
    found: dict[int, tuple[str, ...]] = dict.fromkeys(wanted, ())
    for low, high, evidence in neighbourhood.viewer_ties(viewer.pk):
        other = high if low == viewer.pk else low
        if other in wanted:
            found[other] = _explain_pair(viewer.pk, other, evidence, as_of)
    return found


def reasons_for_profile(viewer: Member, member: Member) -> tuple[str, ...]:
    """What a member's profile tells the viewer of how they know each other."""
    return tie_reasons(viewer, [member.pk])[member.pk]


def shared_history_labels(first: Member, second: Member) -> list[str]:
    """How two members know each other, told to someone else: shared workplace and school only."""
    items = sorted(_shared_items(_tie_evidence(first.pk, second.pk)), key=lambda i: -i["strength"])
    return list(dict.fromkeys(KIND_LABELS[evidence_kind(item)] for item in items))


@dataclass(frozen=True)
class RankedIntroducer:
    member: Member
    #: The weaker of the two ties: the requester's (as the requester sees it) and the target's
    #: (shared workplace or school only).
    strength: float
    reason: str


def introducers_ranked(requester: Member, target: Member, introducers) -> list[RankedIntroducer]:
    """Possible introducers, best first: by the weaker of their two visible ties, then by name."""
    introducers = list(introducers)
    ids = {member.pk for member in introducers}
    requester_side = {
        (high if low == requester.pk else low): visible_strength(evidence, requester.pk)
        for low, high, evidence in neighbourhood.viewer_ties(requester.pk)
        if (high if low == requester.pk else low) in ids
    }
    target_side = {
        (high if low == target.pk else low): shared_history_strength(evidence)
        for low, high, evidence in neighbourhood.viewer_ties(target.pk)
        if (high if low == target.pk else low) in ids
    }
    reasons = tie_reasons(requester, ids)
    ranked = []
    for member in introducers:
        strength = min(requester_side.get(member.pk, 0.0), target_side.get(member.pk, 0.0))
        yours = reasons.get(member.pk) or (NO_SHARED_HISTORY,)
        theirs = shared_history_labels(member, target) or [NO_SHARED_HISTORY]
        reason = f"{yours[0]} · {member.first_name} and {target.first_name}: {', '.join(theirs)}"
        ranked.append(RankedIntroducer(member=member, strength=strength, reason=reason))
    ranked.sort(
        key=lambda item: (
            -item.strength,
            item.member.last_name,
            item.member.first_name,
            item.member.pk,
        )
    )
    return ranked
