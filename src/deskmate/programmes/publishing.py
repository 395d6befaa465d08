"""What publishing a run will do (the confirmation) and what it has done (the progress and result).

Reads only: the writes are ``services.match_run_publish_queue`` and the worker's
``services.publication_execute``. The sample e-mails are made by the same functions as
the real ones (``mentoring.services.match_message`` and ``notifications.services.email_preview``),
with a stand-in for the personal password link, which nobody but its owner may see.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from deskmate.mentoring.services import MatchStory, match_message
from deskmate.notifications.models import EmailDelivery, Notification
from deskmate.notifications.services import email_preview
from deskmate.people.models import Member
from deskmate.programmes.models import MatchRun, Programme, ProposedPair

#: Shown in a sample e-mail where the newcomer's own password link will be.
SAMPLE_PASSWORD_LINK = "(their own link to set a password)"
#: Shown in a sample e-mail where the link to the new mentorship will be.
SAMPLE_MENTORSHIP_PATH = "/mentorships/…/"


def story_for(programme: Programme, pair: ProposedPair, *, goals: str) -> MatchStory:
    """What the published mentorship says of how it was made."""
    milestones = tuple(
        line.strip() for line in programme.milestone_template.splitlines() if line.strip()
    )
    return MatchStory(
        programme_name=programme.name,
        reasons=tuple(pair.reasons),
        goals=goals,
        cadence=programme.default_cadence,
        milestones=milestones,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )


def unmatched_message(programme: Programme) -> tuple[str, str]:
    return (
        f"{programme.name}: no match for you this time",
        "The coordinators may match latecomers later; your application stays in.",
    )


@dataclass(frozen=True)
class SampleEmail:
    role: str
    name: str
    subject: str
    body: str


@dataclass(frozen=True)
class Preview:
    """The confirmation's counts and samples for one run."""

    pairs: int
    kept: int
    mentees: int
    mentors: int
    unmatched: int
    newcomers: list[Member] = field(default_factory=list)
    samples: list[SampleEmail] = field(default_factory=list)


def _is_newcomer(member: Member) -> bool:
    return member.user.is_active and not member.user.has_usable_password()


def _new_pairs(run: MatchRun) -> list[ProposedPair]:
    pairs = run.pairs.select_related("mentee__user", "mentor__user").order_by("id")
    return [pair for pair in pairs if not pair.carried]


def _samples(run: MatchRun, pair: ProposedPair) -> list[SampleEmail]:
    programme = run.programme
    goals = (
        programme.applications.filter(member=pair.mentee).values_list("goals", flat=True).first()
    )
    story = story_for(programme, pair, goals=goals or "")
    roles = ("peer", "peer") if programme.is_peer else ("mentee", "mentor")
    samples = []
    for role, member, other in (
        (roles[0], pair.mentee, pair.mentor),
        (roles[1], pair.mentor, pair.mentee),
    ):
        title, body = match_message(member, other, story, password_link=SAMPLE_PASSWORD_LINK)
        message = email_preview(
            to=member.user.email or "", title=title, body=body, url=SAMPLE_MENTORSHIP_PATH
        )
        samples.append(SampleEmail(role, member.name, str(message.subject), str(message.body)))
    return samples


def publication_preview(run: MatchRun) -> Preview:
    """Counts for the confirmation, and the e-mails one pair's mentee and mentor will get.

    The sample pair is the first with a newcomer in it, so the coordinator sees the
    password line too; otherwise the first pair.
    """
    pairs = _new_pairs(run)
    unmatched = list(
        Member.objects.filter(pk__in=run.metrics.get("unmatched", [])).select_related("user")
    )
    people = {member.pk: member for pair in pairs for member in (pair.mentee, pair.mentor)}
    people.update({member.pk: member for member in unmatched})
    newcomers = sorted(
        (member for member in people.values() if _is_newcomer(member)),
        key=lambda member: (member.last_name, member.first_name, member.pk),
    )
    sample_pair = next(
        (pair for pair in pairs if _is_newcomer(pair.mentee) or _is_newcomer(pair.mentor)),
        pairs[0] if pairs else None,
    )
    return Preview(
        pairs=len(pairs),
        kept=run.pairs.filter(carried=True).count(),
        mentees=len({pair.mentee_id for pair in pairs}),
        mentors=len({pair.mentor_id for pair in pairs}),
        unmatched=len(unmatched),
        newcomers=newcomers,
        samples=_samples(run, sample_pair) if sample_pair is not None else [],
    )


def _published_paths(run: MatchRun, field: str, url_name: str):
    marker = 987654321
    before, after = reverse(url_name, args=[marker]).split(str(marker))
    return (
        run.pairs.filter(carried=False, **{f"{field}__isnull": False})
        .annotate(path=Concat(Value(before), Cast(f"{field}_id", CharField()), Value(after)))
        .values("path")
    )


def _notifications_of(run: MatchRun):
    """The notifications a publication made: one per person of each new pair (or group), and
    the unmatched.

    A match notification links to its mentorship's (or group's) page; the paths are built in
    SQL, so a run of any size is one query.
    """
    return Notification.objects.filter(
        Q(
            kind="mentorship_matched",
            url__in=_published_paths(run, "mentorship", "mentorship_detail"),
        )
        | Q(kind="group_matched", url__in=_published_paths(run, "group", "group_detail"))
        | Q(key=f"programme_unmatched:{run.pk}")
    )


def publication_summary(run: MatchRun) -> dict[str, int]:
    """What a finished publication did: mentorships (or groups) made, people told, newcomers
    given a way in."""
    pairs = run.pairs.filter(carried=False, mentorship__isnull=False)
    in_groups = run.pairs.filter(carried=False, group__isnull=False)
    people = set()
    for published in (pairs, in_groups):
        people |= set(published.values_list("mentee_id", flat=True))
        people |= set(published.values_list("mentor_id", flat=True))
    people |= set(run.metrics.get("unmatched", []))
    members = Member.objects.filter(pk__in=people).select_related("user")
    summary = {
        "mentorships": pairs.count(),
        "told": _notifications_of(run).values("recipient_id").distinct().count(),
        "newcomers": sum(1 for member in members if _is_newcomer(member)),
        "unmatched": len(run.metrics.get("unmatched", [])),
    }
    if run.programme.kind == Programme.Kind.GROUP:
        summary["groups"] = in_groups.values("group_id").distinct().count()
    return summary


def delivery_progress(run: MatchRun) -> dict[str, int]:
    """How far the e-mails of a publication have gone, counted from their deliveries."""
    statuses = Counter(
        EmailDelivery.objects.filter(notification__in=_notifications_of(run)).values_list(
            "status", flat=True
        )
    )
    waiting = sum(
        statuses[status]
        for status in (
            EmailDelivery.Status.PENDING,
            EmailDelivery.Status.RETRY,
            EmailDelivery.Status.SENDING,
        )
    )
    return {
        "emails": sum(statuses.values()),
        "sent": statuses[EmailDelivery.Status.SENT],
        "waiting": waiting,
        "failed": statuses[EmailDelivery.Status.FAILED],
    }
