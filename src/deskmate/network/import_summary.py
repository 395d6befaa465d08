"""What an import did, kind by kind: added, updated, left alone and why.

The summary is stored on the import job as plain JSON and shown on the
result page, by the API and by the CLI.  Counts are kept for every record;
the names of the records and the reasons are kept for the first
``ITEMS_KEPT`` of each outcome, so a file of 50,000 contacts stays small.
"""

from dataclasses import dataclass, field

#: How a kind is named, one and many: "1 position added", "2 positions added".
NOUNS = {
    "contacts": ("contact", "contacts"),
    "endorsements": ("endorsement", "endorsements"),
    "recommendations": ("recommendation", "recommendations"),
    "education": ("education entry", "education entries"),
    "members": ("member", "members"),
    "positions": ("position", "positions"),
    "profile": ("profile field", "profile fields"),
    "reporting_lines": ("reporting line", "reporting lines"),
    "skills": ("skill", "skills"),
}
#: The order kinds are reported in.
KIND_ORDER = (
    "members",
    "reporting_lines",
    "profile",
    "positions",
    "education",
    "skills",
    "contacts",
    "recommendations",
    "endorsements",
)
ITEMS_KEPT = 200
UP_TO_DATE = "already up to date"
#: The answers a member gives to a stint waiting for their confirmation.
MERGE = "merge"
KEEP_BOTH = "keep_both"
#: What each answer did, in the summary's lines.
CONFIRMATION_STATES = (
    ("", "{count} {verb} your confirmation", ("needs", "need")),
    (MERGE, "{count} merged as you confirmed", None),
    (KEEP_BOTH, "{count} kept as separate entries, as you chose", None),
)


#: The answers an importer gives to a possible match of a person with a member.
SAME = "same"
DIFFERENT = "different"
#: What each answer did, in the summary's lines.
POSSIBLE_MATCH_STATES = (
    ("", "{count} may already be on deskmate: confirm or reject each"),
    (SAME, "{count} confirmed as the member they may be"),
    (DIFFERENT, "{count} confirmed as different people"),
)


def possible_match_lines(items: list[dict]) -> list[str]:
    """ "2 members may already be on deskmate: …", "1 contact confirmed as …"."""
    lines = []
    for kind in sorted({item["kind"] for item in items}, key=_kind_rank):
        for decision, template in POSSIBLE_MATCH_STATES:
            count = sum(1 for i in items if i["kind"] == kind and i["decision"] == decision)
            if count:
                lines.append(template.format(count=counted(count, kind)))
    return lines


def counted(count: int, kind: str) -> str:
    """ "1 position", "3 positions", "1 education entry"."""
    one, many = NOUNS.get(kind, (kind, kind))
    return f"{count} {one if count == 1 else many}"


@dataclass
class KindOutcome:
    added: int = 0
    updated: int = 0
    left_alone: int = 0
    added_items: list[str] = field(default_factory=list)
    updated_items: list[dict] = field(default_factory=list)
    left_alone_items: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "left_alone": self.left_alone,
            "added_items": self.added_items,
            "updated_items": self.updated_items,
            "left_alone_items": self.left_alone_items,
        }


def confirmation_lines(items: list[dict]) -> list[str]:
    """ "2 positions need your confirmation", "1 education entry merged as you confirmed"."""
    lines = []
    for kind in sorted({item["kind"] for item in items}, key=_kind_rank):
        for decision, template, verbs in CONFIRMATION_STATES:
            count = sum(1 for i in items if i["kind"] == kind and i.get("decision", "") == decision)
            if count:
                verb = (verbs[0] if count == 1 else verbs[1]) if verbs else ""
                lines.append(template.format(count=counted(count, kind), verb=verb))
    return lines


@dataclass
class ImportSummary:
    kinds: dict[str, KindOutcome] = field(default_factory=dict)
    #: Stints that only maybe match one stored, with both versions: never cut short, as
    #: nothing may be lost (an import's rows are capped, and so are these).
    waiting: list[dict] = field(default_factory=list)
    #: People in the file who may be members already (``network.identities``), with the
    #: evidence: linked or kept apart only as the importer answers.
    possible: list[dict] = field(default_factory=list)

    def possible_match(self, kind: str, entry: dict) -> None:
        self.possible.append({"kind": kind, **entry, "decision": "", "outcome": ""})

    def to_confirm(self, kind: str, entry: dict) -> None:
        """An incoming record the member decides about: merged into ``entry["stint"]`` or not."""
        self.waiting.append({"kind": kind, **entry, "decision": "", "outcome": ""})

    def _kind(self, kind: str) -> KindOutcome:
        return self.kinds.setdefault(kind, KindOutcome())

    def added(self, kind: str, item: str = "") -> None:
        outcome = self._kind(kind)
        outcome.added += 1
        if item and len(outcome.added_items) < ITEMS_KEPT:
            outcome.added_items.append(item)

    def updated(self, kind: str, item: str = "", changes=(), kept=()) -> None:
        outcome = self._kind(kind)
        outcome.updated += 1
        if item and len(outcome.updated_items) < ITEMS_KEPT:
            outcome.updated_items.append(
                {"item": item, "changes": list(changes), "kept": list(kept)}
            )

    def left_alone(self, kind: str, item: str = "", why: str = UP_TO_DATE) -> None:
        outcome = self._kind(kind)
        outcome.left_alone += 1
        if item and len(outcome.left_alone_items) < ITEMS_KEPT:
            outcome.left_alone_items.append({"item": item, "why": why})

    @property
    def created(self) -> dict[str, int]:
        return {kind: o.added for kind, o in sorted(self.kinds.items()) if o.added}

    @property
    def updated_counts(self) -> dict[str, int]:
        return {kind: o.updated for kind, o in sorted(self.kinds.items()) if o.updated}

    @property
    def left_alone_counts(self) -> dict[str, int]:
        return {kind: o.left_alone for kind, o in sorted(self.kinds.items()) if o.left_alone}

    def lines(self) -> list[str]:
        """One sentence per kind and outcome: "1 position added", "2 skills left alone"."""
        lines = []
        for kind in sorted(self.kinds, key=_kind_rank):
            outcome = self.kinds[kind]
            for count, verb in (
                (outcome.added, "added"),
                (outcome.updated, "updated"),
                (outcome.left_alone, "left alone"),
            ):
                if count:
                    lines.append(f"{counted(count, kind)} {verb}")
        return lines + confirmation_lines(self.waiting) + possible_match_lines(self.possible)

    def counts(self) -> dict:
        """The numbers alone, for the audit log."""
        counts = {
            "created": self.created,
            "updated": self.updated_counts,
            "left_alone": self.left_alone_counts,
        }
        if self.waiting:
            waiting: dict[str, int] = {}
            for item in self.waiting:
                waiting[item["kind"]] = waiting.get(item["kind"], 0) + 1
            counts["to_confirm"] = dict(sorted(waiting.items()))
        if self.possible:
            possible: dict[str, int] = {}
            for item in self.possible:
                possible[item["kind"]] = possible.get(item["kind"], 0) + 1
            counts["possible_matches"] = dict(sorted(possible.items()))
        return counts

    def as_dict(self) -> dict:
        shown = {
            **self.counts(),
            "lines": self.lines(),
            "kinds": {
                kind: self.kinds[kind].as_dict() for kind in sorted(self.kinds, key=_kind_rank)
            },
        }
        if self.waiting:
            shown["to_confirm"] = list(self.waiting)
        if self.possible:
            shown["possible_matches"] = list(self.possible)
        return shown


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind)
