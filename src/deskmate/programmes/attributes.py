"""Programme attributes: what applications carry beyond answers, and the rules and quotas on them.

A programme declares its attributes (``Programme.attributes``): a name, a kind
(text, number or category) and a source — the application itself (imported
columns, the API) or a field of the member's profile (current organisation,
current unit, school, location). Text and category values are compared
without regard to case or surrounding spaces; a profile field may give a
member several values (two current organisations), and two people share it
when any value is common.

Attribute rules act on the score matrix: hard ones forbid pairs (NaN), soft
ones add their weight to a pair's score. Quotas become constraints of the
optimal assignment (``engine.quotas``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from deskmate.engine.quotas import AT_LEAST_SHARE, AT_MOST, MIN_DISTINCT, Quota
from deskmate.people.models import Education, Member, Position
from deskmate.programmes.applications_file import parse_number
from deskmate.programmes.models import Application, AttributeRule, Programme
from deskmate.programmes.models import Quota as QuotaRow

TEXT, NUMBER, CATEGORY = "text", "number", "category"
KINDS = {TEXT: "Text", NUMBER: "Number", CATEGORY: "Category"}
APPLICATION = "application"
PROFILE_SOURCES = {
    "organisation": "Current organisation (profile)",
    "unit": "Current unit (profile)",
    "school": "School (profile)",
    "location": "Location (profile)",
}
SOURCES = {APPLICATION: "The application (imported or entered)", **PROFILE_SOURCES}
MAX_NAME = 100
MAX_VALUE = 200

NOT_A_NUMBER = '"{value}" is not a number'
UNKNOWN_ATTRIBUTE = '"{name}" is not an attribute of this programme'
UNKNOWN_KIND = '"{kind}" is not a kind of attribute (text, number or category)'
UNKNOWN_SOURCE = '"{source}" is not a source (application, organisation, unit, school or location)'
NAME_REQUIRED = "An attribute needs a name of at most 100 characters."
TOO_LONG_VALUE = "the value is longer than 200 characters"


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: str = TEXT
    source: str = APPLICATION


def declared(programme: Programme) -> dict[str, Attribute]:
    """The programme's attributes by name."""
    return {
        item["name"]: Attribute(
            item["name"], item.get("kind", TEXT), item.get("source", APPLICATION)
        )
        for item in programme.attributes or []
    }


def clean_declaration(name: str, kind: str, source: str = APPLICATION) -> Attribute:
    """An attribute declaration, or ValueError naming what is wrong."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(NAME_REQUIRED)
    if kind not in KINDS:
        raise ValueError(UNKNOWN_KIND.format(kind=kind))
    if source not in SOURCES:
        raise ValueError(UNKNOWN_SOURCE.format(source=source))
    return Attribute(name, kind, source)


def clean_value(kind: str, raw: object) -> str | float | None:
    """A stored value: a number for a number attribute, else stripped text; None when empty."""
    if raw is None:
        return None
    if kind == NUMBER:
        if isinstance(raw, bool):
            raise ValueError(NOT_A_NUMBER.format(value=raw))
        if isinstance(raw, int | float):
            return float(raw) if math.isfinite(raw) else None
        text = str(raw).strip()
        if not text:
            return None
        number = parse_number(text)
        if number is None:
            raise ValueError(NOT_A_NUMBER.format(value=text))
        return number
    text = str(raw).strip()
    if len(text) > MAX_VALUE:
        raise ValueError(TOO_LONG_VALUE)
    return text or None


def key(value: str | float) -> str:
    """How values are compared: numbers exactly, text without case or outer spaces."""
    if isinstance(value, float):
        return repr(value)
    return value.strip().casefold()


# ---------------------------------------------------------------- values of applicants


@dataclass
class Values:
    """One attribute's values over a list of members: keys to compare and words to show."""

    keys: list[frozenset[str]]
    numbers: list[float | None]
    shown: dict[str, str]


def _profile_values(source: str, member_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows: Iterable[tuple[int, str | None]]
    if source in ("organisation", "unit"):
        column = "organisation__name" if source == "organisation" else "unit__name"
        rows = Position.objects.filter(member_id__in=member_ids, end__isnull=True).values_list(
            "member_id", column
        )
    elif source == "school":
        rows = Education.objects.filter(member_id__in=member_ids).values_list(
            "member_id", "school__name"
        )
    else:
        rows = Member.objects.filter(pk__in=member_ids).values_list("pk", "location")
    for member_id, value in rows:
        if value and value.strip():
            found[member_id].append(value.strip())
    return found


def values_of(
    attribute: Attribute, member_ids: list[int], applications: dict[int, Application]
) -> Values:
    """The attribute's values for each member, in order."""
    if attribute.source in PROFILE_SOURCES:
        raw = _profile_values(attribute.source, member_ids)
    else:
        raw = {}
        for member_id in member_ids:
            value = (applications[member_id].attributes or {}).get(attribute.name)
            raw[member_id] = [] if value is None or value == "" else [value]
    shown: dict[str, str] = {}
    keys: list[frozenset[str]] = []
    numbers: list[float | None] = []
    for member_id in member_ids:
        items = raw.get(member_id, [])
        member_keys = set()
        for item in items:
            shown.setdefault(key(item), str(item) if not isinstance(item, float) else f"{item:g}")
            member_keys.add(key(item))
        keys.append(frozenset(member_keys))
        number = items[0] if items and isinstance(items[0], float | int) else None
        numbers.append(None if number is None else float(number))
    return Values(keys=keys, numbers=numbers, shown=shown)


def share_matrix(rows: list[frozenset[str]], cols: list[frozenset[str]]) -> np.ndarray:
    """True where a mentee and a mentor have a value in common."""
    mask = np.zeros((len(rows), len(cols)), dtype=bool)
    by_value: dict[str, list[int]] = defaultdict(list)
    for col, values in enumerate(cols):
        for value in values:
            by_value[value].append(col)
    for row, values in enumerate(rows):
        for value in values:
            mask[row, by_value[value]] = True
    return mask


def has_value(values: list[frozenset[str]]) -> np.ndarray:
    return np.array([bool(v) for v in values], dtype=bool)


# ---------------------------------------------------------------- rules


def rule_words(rule: AttributeRule) -> str:
    """A rule in words, as the rules page and a refused pin say it."""
    name = rule.attribute
    if rule.kind == AttributeRule.Kind.MUST_SHARE:
        return f"they do not share {name}, which this programme requires"
    if rule.kind == AttributeRule.Kind.MUST_NOT_SHARE:
        return f"they share {name}, which this programme rules out"
    if rule.kind == AttributeRule.Kind.MINIMUM:
        return f"the mentee's {name} is missing or below {rule.threshold:g}"
    if rule.kind == AttributeRule.Kind.PREFER_SAME:
        return f"prefer pairs with the same {name} (weight {rule.weight:g})"
    return f"prefer pairs with a different {name} (weight {rule.weight:g})"


def rule_title(rule: AttributeRule) -> str:
    """What a rule asks, in words, as a run reports it."""
    name = rule.attribute
    if rule.kind == AttributeRule.Kind.MUST_SHARE:
        return f"mentee and mentor must share {name}"
    if rule.kind == AttributeRule.Kind.MUST_NOT_SHARE:
        return f"mentee and mentor must not share {name}"
    if rule.kind == AttributeRule.Kind.MINIMUM:
        return f"mentees need {name} of at least {rule.threshold:g}"
    return rule_words(rule)


@dataclass
class RuleEffects:
    masks: dict[str, np.ndarray]
    words: dict[str, str]
    adjustment: np.ndarray
    #: Each hard rule's title, by mask name.
    titles: dict[str, str] = field(default_factory=dict)
    #: Each soft rule's title and how many pairs it raises.
    raised: list[tuple[str, int]] = field(default_factory=list)


def _hard_mask(
    rule: AttributeRule, mentees: Values, mentors: Values, shape: tuple[int, int]
) -> np.ndarray:
    if rule.kind == AttributeRule.Kind.MINIMUM:
        threshold = float(rule.threshold or 0.0)
        low = np.array([n is None or n < threshold for n in mentees.numbers], dtype=bool)
        return np.repeat(low[:, None], shape[1], axis=1)
    shared = share_matrix(mentees.keys, mentors.keys)
    if rule.kind == AttributeRule.Kind.MUST_SHARE:
        return ~shared
    return shared


def rule_effects(
    programme: Programme,
    mentee_ids: list[int],
    mentor_ids: list[int],
    applications: dict[int, Application],
) -> RuleEffects:
    """The programme's attribute rules as forbidden masks and a score adjustment."""
    shape = (len(mentee_ids), len(mentor_ids))
    effects = RuleEffects(masks={}, words={}, adjustment=np.zeros(shape))
    attributes = declared(programme)
    for rule in AttributeRule.objects.filter(programme=programme):
        attribute = attributes.get(rule.attribute)
        if attribute is None:
            continue
        mentees = values_of(attribute, mentee_ids, applications)
        mentors = values_of(attribute, mentor_ids, applications)
        if rule.kind in AttributeRule.HARD:
            name = f"attribute:{rule.pk}"
            effects.masks[name] = _hard_mask(rule, mentees, mentors, shape)
            effects.words[name] = rule_words(rule)
            effects.titles[name] = rule_title(rule)
            continue
        shared = share_matrix(mentees.keys, mentors.keys)
        if rule.kind == AttributeRule.Kind.PREFER_DIFFERENT:
            both = np.outer(has_value(mentees.keys), has_value(mentors.keys))
            shared = both & ~shared
        effects.adjustment += float(rule.weight or 0.0) * shared
        effects.raised.append((rule_title(rule), int(shared.sum())))
    return effects


# ---------------------------------------------------------------- quotas


def quota_words(quota: QuotaRow) -> str:
    if quota.kind == QuotaRow.Kind.AT_MOST:
        mentees = "mentee" if quota.limit == 1 else "mentees"
        return f"at most {quota.limit or 0} matched {mentees} per {quota.attribute}"
    if quota.kind == QuotaRow.Kind.MIN_DISTINCT:
        return (
            f"each mentor's mentees from at least {quota.limit or 0} different "
            f"values of {quota.attribute}"
        )
    return f"at least {(quota.share or 0.0) * 100:g}% of matched mentees with {quota.attribute} {quota.value}"


NOBODY_IN_GROUP = (
    'No mentee has {attribute} "{value}", so the quota "{words}" was left out of this run.'
)


@dataclass
class QuotaPlan:
    """A programme's quotas for the engine, with what the run page needs to word them."""

    quotas: list[Quota]
    words: list[str]
    #: Each quota's group number → the value in words (mentors are named by the run).
    group_names: list[list[str]]
    kinds: list[str]
    warnings: list[str] = field(default_factory=list)


def quota_plan(
    programme: Programme, mentee_ids: list[int], applications: dict[int, Application]
) -> QuotaPlan:
    """The programme's quotas as groups of mentees (a mentee's first value is its group)."""
    plan = QuotaPlan(quotas=[], words=[], group_names=[], kinds=[])
    attributes = declared(programme)
    for row in QuotaRow.objects.filter(programme=programme):
        attribute = attributes.get(row.attribute)
        if attribute is None:
            continue
        values = values_of(attribute, mentee_ids, applications)
        ordered = sorted(values.shown)
        number = {value: index for index, value in enumerate(ordered)}
        groups = np.array(
            [number[min(keys)] if keys else -1 for keys in values.keys], dtype=np.int64
        )
        if row.kind == QuotaRow.Kind.AT_MOST:
            quota = Quota(groups=groups, kind=AT_MOST, limit=int(row.limit or 0))
        elif row.kind == QuotaRow.Kind.MIN_DISTINCT:
            quota = Quota(groups=groups, kind=MIN_DISTINCT, limit=int(row.limit or 0))
        else:
            group = number.get(key(row.value), -1)
            if group < 0:
                plan.warnings.append(
                    NOBODY_IN_GROUP.format(
                        attribute=row.attribute, value=row.value, words=quota_words(row)
                    )
                )
                continue
            quota = Quota(
                groups=groups, kind=AT_LEAST_SHARE, group=group, share=float(row.share or 0)
            )
        plan.quotas.append(quota)
        plan.words.append(quota_words(row))
        plan.group_names.append([values.shown[value] for value in ordered])
        plan.kinds.append(row.kind)
    return plan


def _listed(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    shown = names[:5]
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    if more:
        return ", ".join(shown) + more
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def outcome_words(words: str, binding: list[str], cost_share: float) -> str:
    """ "at most 5 matched mentees per university: binds for Boğaziçi, costs 0.4% of the total" """
    if not binding:
        return f"{words}: does not bind"
    if cost_share <= 0:
        return f"{words}: at its limit for {_listed(binding)}, costs nothing"
    return (
        f"{words}: binds for {_listed(binding)}, costs {cost_share * 100:.1f}% of the total score"
    )
