"""The home page: one page that adapts to who is looking.

Every app knows what work it holds for a member, so every app contributes its
own panels: in its ``AppConfig.ready`` it registers a :class:`Panel` with the
audience it is for (members, mentors, coordinators, admins), the template
that draws it and a function that reads the viewer's items through that
app's own selectors. This module only knows the registry and the order; it
imports no app above ``people``, so the layers stay as they are. A panel's
``build`` is handed the viewer and nothing else, so it can only show what the
viewer's own selectors let them see. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deskmate.people import selectors
from deskmate.people.models import Member

__all__ = [
    "AUDIENCES",
    "Panel",
    "is_admin",
    "is_coordinator",
    "is_member",
    "is_mentor",
    "panels",
    "panels_for",
    "register_panel",
]


def is_member(member: Member) -> bool:
    return True


def is_mentor(member: Member) -> bool:
    """A mentor takes mentees: open to mentoring, or with places set aside for mentees."""
    return member.open_to_mentoring or member.mentee_capacity > 0


def is_coordinator(member: Member) -> bool:
    return member.is_coordinator


def is_admin(member: Member) -> bool:
    return member.is_admin


AUDIENCES: dict[str, Callable[[Member], bool]] = {
    "member": is_member,
    "mentor": is_mentor,
    "coordinator": is_coordinator,
    "admin": is_admin,
}


@dataclass(frozen=True)
class Panel:
    """One panel of the home page.

    ``build`` returns the template's context for the viewer, or None when the
    panel has nothing to say to them.
    """

    key: str
    title: str
    template: str
    audience: str
    build: Callable[[Member], dict[str, Any] | None]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    if panel.audience not in AUDIENCES:
        raise ValueError(
            f"Unknown home audience {panel.audience!r}: use one of {sorted(AUDIENCES)}."
        )
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def panels_for(viewer: Member) -> list[dict[str, Any]]:
    """The panels this viewer sees, each as {"panel", "context"}, in page order."""
    shown = []
    for panel in panels():
        if not AUDIENCES[panel.audience](viewer):
            continue
        context = panel.build(viewer)
        if context is not None:
            shown.append({"panel": panel, "context": context})
    return shown


#: Facts that feed suggestions, with what each adds to them, in the order they are asked for.
PROFILE_FACTS = [
    ("goals", "a goal, so suggestions can look for people who have done it"),
    ("positions", "your positions, so colleagues past and present are found"),
    ("education", "your education, so people who studied with you are found"),
    ("skills", "your skills, so mentors are matched on what you already know"),
    ("headline", "a headline, so people see what you do"),
]


def missing_profile_facts(member: Member) -> list[str]:
    present = {
        "goals": selectors.goals_of(member).exists(),
        "positions": selectors.positions_of(member).exists(),
        "education": selectors.education_of(member).exists(),
        "skills": selectors.skills_of(member).exists(),
        "headline": bool(member.headline.strip()),
    }
    return [text for fact, text in PROFILE_FACTS if not present[fact]]


def _profile_panel(member: Member) -> dict[str, Any]:
    missing = missing_profile_facts(member)
    return {
        "missing": missing,
        "done": len(PROFILE_FACTS) - len(missing),
        "total": len(PROFILE_FACTS),
        "goals": selectors.goals_of(member),
    }


def register_people_panels() -> None:
    register_panel(
        Panel(
            key="profile",
            title="Your profile",
            template="home/profile.html",
            audience="member",
            build=_profile_panel,
            order=90,
        )
    )
