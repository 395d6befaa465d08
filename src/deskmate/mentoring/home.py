"""The mentoring panels of the home page (see deskmate.people.home)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from deskmate.mentoring import selectors
from deskmate.mentoring.models import Mentorship
from deskmate.network.selectors import how_known
from deskmate.people.home import Panel, register_panel
from deskmate.people.models import Member


def _rows(mentorships: list[Mentorship], viewer: Member, today: dt.date) -> list[dict[str, Any]]:
    milestones = selectors.open_milestones_by_mentorship([m.pk for m in mentorships])
    unread = selectors.unread_by_mentorship(viewer)
    times = selectors.next_times_by_mentorship([m.pk for m in mentorships])
    rows = []
    for mentorship in mentorships:
        other = (
            mentorship.recipient if mentorship.requester_id == viewer.pk else mentorship.requester
        )
        due = mentorship.next_checkin_on
        rows.append(
            {
                "mentorship": mentorship,
                "other": other,
                "next_checkin_on": due,
                "next_checkin_at": times.get(mentorship.pk),
                "unread_messages": unread.get(mentorship.pk, 0),
                "checkin_overdue": due is not None and due < today,
                "milestones": [
                    {"milestone": m, "overdue_since": selectors.milestone_overdue_since(m, today)}
                    for m in milestones.get(mentorship.pk, [])
                ],
            }
        )
    return rows


def _mentorships_panel(viewer: Member) -> dict[str, Any] | None:
    mentorships = list(selectors.mentorships_as_mentee(viewer))
    if not mentorships:
        return None
    return {"rows": _rows(mentorships, viewer, viewer.local_date())}


def _groups_panel(viewer: Member) -> dict[str, Any] | None:
    groups = list(selectors.active_groups_of(viewer))
    if not groups:
        return None
    today = viewer.local_date()
    unread = selectors.unread_by_group(viewer)
    return {
        "rows": [
            {
                "group": group,
                "leads": group.mentor_id == viewer.pk,
                "next_checkin_on": group.next_checkin_on,
                "checkin_overdue": group.next_checkin_on is not None
                and group.next_checkin_on < today,
                "unread_messages": unread.get(group.pk, 0),
            }
            for group in groups
        ]
    }


def _waiting_panel(viewer: Member) -> dict[str, Any] | None:
    received = [
        m for m in selectors.requests_to_answer(viewer) if m.kind == Mentorship.Kind.COPILOT
    ]
    questions = list(selectors.questions_to_answer(viewer))
    if not received and not questions:
        return None
    return {"received": received, "questions": questions}


def _requests_panel(viewer: Member) -> dict[str, Any] | None:
    requests = [
        m for m in selectors.requests_to_answer(viewer) if m.kind == Mentorship.Kind.MENTORSHIP
    ]
    known = how_known(viewer, [m.requester_id for m in requests])
    return {"rows": [{"mentorship": m, "known": known[m.requester_id]} for m in requests]}


def _mentees_panel(viewer: Member) -> dict[str, Any]:
    rows = _rows(list(selectors.mentees_of(viewer)), viewer, viewer.local_date())
    return {
        "rows": rows,
        "free_places": max(viewer.mentee_capacity - len(rows), 0),
        "capacity": viewer.mentee_capacity,
        "overdue": [row for row in rows if row["checkin_overdue"]],
    }


def register() -> None:
    for panel in (
        Panel(
            "mentorships",
            "Your mentorships",
            "home/mentorships.html",
            "member",
            _mentorships_panel,
            order=10,
        ),
        Panel(
            "groups",
            "Your mentoring groups",
            "home/groups.html",
            "member",
            _groups_panel,
            order=15,
        ),
        Panel(
            "requests_waiting",
            "Requests waiting for you",
            "home/requests_waiting.html",
            "member",
            _waiting_panel,
            order=20,
        ),
        Panel(
            "requests_to_answer",
            "Requests to answer",
            "home/requests_to_answer.html",
            "mentor",
            _requests_panel,
            order=30,
        ),
        Panel("mentees", "Your mentees", "home/mentees.html", "mentor", _mentees_panel, order=40),
    ):
        register_panel(panel)
