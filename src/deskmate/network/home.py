"""The network panels of the home page (see deskmate.people.home)."""

from __future__ import annotations

from typing import Any

from deskmate.network.selectors import introductions_waiting_for
from deskmate.network.suggestions import suggestions_for
from deskmate.people.home import Panel, register_panel
from deskmate.people.models import Member

TOP_SUGGESTIONS = 3


def _suggestions_panel(viewer: Member) -> dict[str, Any]:
    rows = [
        {"member": item.member, "reason": item.reasons[0] if item.reasons else ""}
        for item in suggestions_for(viewer, limit=TOP_SUGGESTIONS)
    ]
    return {"rows": rows}


def _introductions_panel(viewer: Member) -> dict[str, Any] | None:
    waiting = list(introductions_waiting_for(viewer))
    if not waiting:
        return None
    return {
        "to_make": [i for i in waiting if i.introducer_id == viewer.pk],
        "to_accept": [i for i in waiting if i.target_id == viewer.pk],
    }


def register() -> None:
    register_panel(
        Panel(
            "introductions",
            "Introductions waiting for you",
            "home/introductions.html",
            "member",
            _introductions_panel,
            order=25,
        )
    )
    register_panel(
        Panel(
            "suggestions",
            "People who could help you",
            "home/suggestions.html",
            "member",
            _suggestions_panel,
            order=80,
        )
    )
