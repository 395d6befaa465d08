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

from django.db.models import Q
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


def _tie_rows(member: Member, others: set[int]) -> list[tuple[int, int, list[dict]]]:
    """The stored ties between one member and each of ``others``: (member_low, member_high, evidence)."""
    if not others:
        return []
    ties = Tie.objects.filter(
        Q(member_low=member, member_high__in=others) | Q(member_high=member, member_low__in=others)
    )
    return list(ties.values_list("member_low", "member_high", "evidence"))


def _other(member_id: int, low: int, high: int) -> int:
    return high if low == member_id else low


def _names_for(records, programme_ids: dict[str, int]) -> Names:
    organisations, units, schools = neighbourhood.names(
        [
            (Organisation, {r.organisation for r in records if r.organisation is not None}),
            (Unit, {r.unit for r in records if r.unit is not None}),
            (School, {r.school for r in records if r.school is not None}),
        ]
    )
    return Names(
        organisations=organisations,
        units=units,
        schools=schools,
        programmes={index: name for name, index in programme_ids.items()},
    )


def tie_reasons(
    viewer: Member, member_ids: Iterable[int], *, as_of: dt.date | None = None
) -> dict[int, tuple[str, ...]]:
    """For each member id, how the viewer knows them, strongest evidence first; empty if not at all.

    The sentences are the suggestions page's (``engine.reasons.explain``); evidence private to
    anyone but the viewer is dropped there. One read of the ties and one of the names, whatever
    the number of members.
    """
    as_of = as_of or timezone.localdate()
    wanted = sorted(set(member_ids) - {viewer.pk})
    index_of = {viewer.pk: 0} | {member_id: i + 1 for i, member_id in enumerate(wanted)}
    programme_ids: dict[str, int] = {}
    records = evidence_records(_tie_rows(viewer, set(wanted)), index_of, programme_ids)
    names = _names_for(records, programme_ids)
    return {
        member_id: explain(0, index_of[member_id], evidence=records, names=names, as_of=as_of)
        for member_id in wanted
    }


def reasons_for_profile(viewer: Member, member: Member) -> tuple[str, ...]:
    """What a member's profile tells the viewer of how they know each other."""
    return tie_reasons(viewer, [member.pk]).get(member.pk, ())


def _labels(evidence: list[dict]) -> list[str]:
    items = sorted(_shared_items(evidence), key=lambda item: -item["strength"])
    return list(dict.fromkeys(KIND_LABELS[evidence_kind(item)] for item in items))


def shared_history_labels(first: Member, second: Member) -> list[str]:
    """How two members know each other, told to someone else: shared workplace and school only."""
    rows = _tie_rows(first, {second.pk})
    return _labels(rows[0][2]) if rows else []


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
        _other(requester.pk, low, high): visible_strength(evidence, requester.pk)
        for low, high, evidence in _tie_rows(requester, ids)
    }
    target_evidence = {
        _other(target.pk, low, high): evidence for low, high, evidence in _tie_rows(target, ids)
    }
    reasons = tie_reasons(requester, ids)
    ranked = []
    for member in introducers:
        theirs = target_evidence.get(member.pk, [])
        strength = min(requester_side.get(member.pk, 0.0), shared_history_strength(theirs))
        yours = reasons.get(member.pk) or (NO_SHARED_HISTORY,)
        how = ", ".join(_labels(theirs)) or NO_SHARED_HISTORY
        reason = f"{yours[0]} · {member.first_name} and {target.first_name}: {how}"
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
