"""The administration panel of the home page (see deskmate.people.home)."""

from __future__ import annotations

from typing import Any

from deskmate.mentoring.selectors import reports_queue
from deskmate.network.selectors import import_jobs_waiting, last_tie_refresh
from deskmate.people.home import Panel, register_panel
from deskmate.people.models import Member
from deskmate.programmes.selectors import application_imports_waiting
from deskmate.serving.health import worker_status


def _admin_panel(viewer: Member) -> dict[str, Any]:
    return {
        "member_imports": import_jobs_waiting(viewer),
        "application_imports": application_imports_waiting(viewer),
        "reports": reports_queue(viewer).count(),
        "worker": worker_status(),
        "last_tie_refresh": last_tie_refresh(),
    }


def register() -> None:
    register_panel(
        Panel("admin", "Running deskmate", "home/admin.html", "admin", _admin_panel, order=60)
    )
