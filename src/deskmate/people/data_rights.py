"""A member's data rights: download everything deskmate holds about them, and erase it.

Every app owns some of a member's rows, so every app says what it holds: in its
``AppConfig.ready`` it registers a :class:`Holding` per kind of row, with a
function that exports the member's rows of that kind and one that erases them.
This module only knows the registry, the zip file and the order of work; it
imports no app above ``people``.

Erasure keeps the other person's history. The member's own row stays as a
tombstone named "A former member", with no name, address, profile or sign-in,
so a mentorship, a check-in or a programme pair that the other person lived
through still has someone at the other end; everything that identified the
member is deleted or anonymised. See docs/data-rights.md.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from deskmate.core.audit import AuditEvent, audit
from deskmate.core.models import AuditEntry
from deskmate.people.models import (
    ApiToken,
    Education,
    Goal,
    Member,
    MemberSkill,
    Offer,
    Position,
)

__all__ = [
    "FORMER_MEMBER",
    "Erasure",
    "Holding",
    "holdings",
    "member_erase",
    "member_export",
    "register_holding",
    "rows_as_dicts",
    "scrub_text",
]

#: What the other people see where an erased member was.
FORMER_MEMBER = "A former member"
ERASED_ADDRESS = "erased.invalid"


@dataclass
class Erasure:
    """What one erasure did, per kind: rows deleted and rows anonymised."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, deleted: int = 0, anonymised: int = 0) -> None:
        if deleted:
            self.deleted[kind] = self.deleted.get(kind, 0) + deleted
        if anonymised:
            self.anonymised[kind] = self.anonymised.get(kind, 0) + anonymised


@dataclass(frozen=True)
class Identity:
    """What identifies the member in free text: their full name and their address."""

    member: Member
    name: str
    email: str

    def needles(self) -> list[str]:
        return [text for text in (self.email, self.name) if len(text) >= 3]


@dataclass(frozen=True)
class Holding:
    """One kind of row an app holds about a member.

    ``models`` are the labels ("app.Model") of the tables the kind covers, so
    that a test can check every table that points at a member is covered.
    ``export`` returns the member's rows as plain dicts (or a list of files
    as ``(name, bytes)`` pairs for ``files=True``); ``erase`` deletes or
    anonymises them and counts what it did on the :class:`Erasure`.
    """

    kind: str
    models: tuple[str, ...]
    export: Callable[[Member], list[dict[str, Any]]] | None
    erase: Callable[[Identity, Erasure], None] | None
    files: Callable[[Member], Iterable[tuple[str, bytes]]] | None = None
    order: int = 50


_HOLDINGS: dict[str, Holding] = {}


def register_holding(holding: Holding) -> None:
    """Add an app's kind of row (called from ``AppConfig.ready``; the same kind twice replaces)."""
    _HOLDINGS[holding.kind] = holding


def holdings() -> list[Holding]:
    """Every registered kind, in the order erasure runs them."""
    return sorted(_HOLDINGS.values(), key=lambda holding: (holding.order, holding.kind))


def rows_as_dicts(queryset: models.QuerySet, *, exclude: Iterable[str] = ()) -> list[dict]:
    """Rows as ``{"id": …, field: value}`` dicts, foreign keys as ids, without ``exclude``."""
    skipped = set(exclude)
    rows = []
    for item in serializers.serialize("python", queryset):
        fields = {name: value for name, value in item["fields"].items() if name not in skipped}
        rows.append({"id": item["pk"], **fields})
    return rows


def member_export(*, member: Member, actor: Member) -> bytes:
    """A zip of everything deskmate holds about ``member``: one JSON file per kind, and files.

    ``actor`` is the member themself or an admin handling their request.
    """
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "member": member.pk,
        "exported_at": timezone.now().isoformat(),
        "kinds": {},
    }
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for holding in holdings():
            if holding.export is not None:
                rows = holding.export(member)
                archive.writestr(f"{holding.kind}.json", _json(rows))
                manifest["kinds"][holding.kind] = {"rows": len(rows), "models": holding.models}
            if holding.files is not None:
                for name, content in holding.files(member):
                    archive.writestr(f"files/{holding.kind}/{name}", content)
        archive.writestr("manifest.json", _json(manifest))
    audit(actor=actor, action=AuditEvent.MEMBER_EXPORT, subject=member)
    return buffer.getvalue()


@transaction.atomic
def member_erase(*, member: Member, actor: Member) -> Erasure:
    """Erase ``member``: delete or anonymise every row that identifies them, all or nothing.

    The member's row is kept as a tombstone (``FORMER_MEMBER``) so that other
    people's mentorships, check-ins and programme history keep their other end.
    """
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    identity = Identity(member=member, name=member.name, email=member.user.email or "")
    erasure = Erasure()
    for holding in holdings():
        if holding.erase is not None:
            holding.erase(identity, erasure)
    _tombstone(identity, erasure)
    audit(
        actor=None if actor.pk == member.pk else actor,
        action=AuditEvent.MEMBER_ERASE,
        subject=member,
        deleted=sum(erasure.deleted.values()),
        anonymised=sum(erasure.anonymised.values()),
    )
    return erasure


def _tombstone(identity: Identity, erasure: Erasure) -> None:
    member, user = identity.member, identity.member.user
    for session in _sessions_of(user.pk):
        session.delete()
        erasure.count("sessions", deleted=1)
    Member.objects.filter(manager=member).update(manager=None)
    member.first_name, member.last_name = FORMER_MEMBER, ""
    for name in (
        "headline",
        "location",
        "industry",
        "about",
        "pronouns",
        "profile_url",
        "time_zone",
    ):
        setattr(member, name, "")
    member.external_id = None
    member.manager = None
    member.visibility = Member.Visibility.COORDINATORS
    member.open_to_mentoring = member.wants_copilot = False
    member.mentee_capacity = 0
    member.role = Member.Role.MEMBER
    member.save()
    user.email = f"erased-{member.pk}@{ERASED_ADDRESS}"
    user.first_name = user.last_name = ""
    user.password = make_password(None)
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    erasure.count("member", anonymised=1)


def _sessions_of(user_id: int) -> Iterator[Session]:
    """The signed-in sessions of one user (sessions store the user id inside their data)."""
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            yield session


def scrub_text(
    model: type[models.Model],
    fields: Iterable[str],
    identity: Identity,
    erasure: Erasure,
    *,
    kind: str,
    queryset: models.QuerySet | None = None,
) -> None:
    """Replace the member's name and address wherever they appear in ``fields`` of ``model``.

    Text and JSON fields alike: a JSON document is rewritten string by string.
    Used for rows that belong to someone else but mention the member (another
    person's notification, a coordinator's match-run summary, the audit log).
    """
    needles = identity.needles()
    if not needles:
        return
    pattern = re.compile("|".join(re.escape(text) for text in needles), re.IGNORECASE)
    base = queryset if queryset is not None else model._default_manager.all()
    changed: set[int] = set()
    for name in fields:
        text = Cast(name, models.TextField())
        matches = models.Q()
        for needle in needles:
            matches |= models.Q(**{"_text__icontains": needle})
        for row in base.annotate(_text=text).filter(matches).iterator():
            value = getattr(row, name)
            setattr(row, name, _scrubbed(value, pattern))
            row.save(update_fields=[name])
            changed.add(row.pk)
    erasure.count(kind, anonymised=len(changed))


def _scrubbed(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(FORMER_MEMBER.lower(), value)
    if isinstance(value, list):
        return [_scrubbed(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, pattern) for key, item in value.items()}
    return value


def _json(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# What the people app holds --------------------------------------------------------------


def _profile(member: Member) -> list[dict[str, Any]]:
    (row,) = rows_as_dicts(Member.objects.filter(pk=member.pk))
    user = member.user
    row["email"] = user.email
    row["date_joined"] = user.date_joined
    row["last_login"] = user.last_login
    return [row]


def _own(
    model: type[models.Model], *, exclude: Iterable[str] = ()
) -> Callable[[Member], list[dict]]:
    def export(member: Member) -> list[dict]:
        return rows_as_dicts(model._default_manager.filter(member=member), exclude=exclude)

    return export


def _delete_own(model: type[models.Model], kind: str) -> Callable[[Identity, Erasure], None]:
    def erase(identity: Identity, erasure: Erasure) -> None:
        deleted, _ = model._default_manager.filter(member=identity.member).delete()
        erasure.count(kind, deleted=deleted)

    return erase


def _audit_export(member: Member) -> list[dict]:

    return rows_as_dicts(AuditEntry.objects.filter(actor=member))


def _audit_erase(identity: Identity, erasure: Erasure) -> None:

    scrub_text(AuditEntry, ["details"], identity, erasure, kind="audit")


def _admin_log_export(member: Member) -> list[dict]:

    return rows_as_dicts(LogEntry.objects.filter(user=member.user))


def _admin_log_erase(identity: Identity, erasure: Erasure) -> None:

    scrub_text(LogEntry, ["object_repr", "change_message"], identity, erasure, kind="admin_log")


def register_people_holdings() -> None:
    """The people app's kinds (called from its ``AppConfig.ready``)."""
    register_holding(Holding("profile", ("people.Member", "people.User"), _profile, None, order=0))
    for kind, model in (
        ("positions", Position),
        ("education", Education),
        ("skills", MemberSkill),
        ("goals", Goal),
        ("offers", Offer),
    ):
        register_holding(
            Holding(kind, (model._meta.label,), _own(model), _delete_own(model, kind), order=10)
        )
    register_holding(
        Holding(
            "api_tokens",
            ("people.ApiToken",),
            _own(ApiToken, exclude=("key_hash",)),
            _delete_own(ApiToken, "api_tokens"),
            order=10,
        )
    )
    register_holding(Holding("audit", ("core.AuditEntry",), _audit_export, _audit_erase, order=90))
    register_holding(
        Holding("admin_log", ("admin.LogEntry",), _admin_log_export, _admin_log_erase, order=90)
    )
