"""Sign-in attempts and rate-limit counters that name a member's account, erased with it."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from deskmate.limits.limiter import key_digest
from deskmate.limits.models import LimitWindow
from deskmate.people.data_rights import Erasure, Holding, Identity, register_holding


def _erase(identity: Identity, erasure: Erasure) -> None:
    email = identity.email
    accounts = [f"user:{identity.member.user_id}", f"email:{email.lower()}"]
    keys = [key_digest("account", account) for account in accounts]
    deleted, _ = LimitWindow.objects.filter(key__in=keys).delete()
    erasure.count("rate_limits", deleted=deleted)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted, _ = model.objects.filter(username__iexact=email).delete()
        erasure.count("sign_in_attempts", deleted=deleted)


def register() -> None:
    """The limits app's kinds (called from its ``AppConfig.ready``): nothing to export."""
    register_holding(
        Holding(
            "sign_in_attempts",
            ("limits.LimitWindow", "axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"),
            None,
            _erase,
            order=80,
        )
    )
