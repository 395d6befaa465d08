"""The programmes panel of the home page (see deskmate.people.home)."""

from __future__ import annotations

from typing import Any

from deskmate.people.home import Panel, register_panel
from deskmate.people.models import Member
from deskmate.programmes.selectors import programmes_at_a_glance


def _programmes_panel(viewer: Member) -> dict[str, Any]:
    return {"rows": programmes_at_a_glance(viewer)}


def register() -> None:
    register_panel(
        Panel(
            "programmes",
            "Programmes",
            "home/programmes.html",
            "coordinator",
            _programmes_panel,
            order=50,
        )
    )
