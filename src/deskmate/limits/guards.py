"""Where the limits apply: a view decorator, a middleware for unauthenticated POSTs, an API throttle.

Every scope has a rate per account and a rate per address (settings.RATE_LIMITS); a request
over either is refused with 429, the reason in words and a Retry-After header.
"""

import functools
import ipaddress
import threading

from django.conf import settings
from django.shortcuts import render
from ninja.throttling import BaseThrottle

from deskmate.limits.limiter import Rate, hit, key_digest, wait_text

TOO_MANY = "You have done this too often in a short time. Try again in {wait}."
TOO_MANY_API = "Too many requests. Try again in {wait}."


def client_address(request) -> str:
    """The client's address: behind the proxy we trust, the hop it added to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def sign_in_address(request) -> str | None:
    """The address recorded with a sign-in attempt: a real IP address, or none (never a word)."""
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def retry_after(request, scope: str, *, account: str | None = None) -> int | None:
    """Count this request against ``scope``; the seconds to wait if it is over a limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    per_account, per_address = settings.RATE_LIMITS[scope]
    waits = []
    if per_account and account:
        waits.append(hit(scope, key_digest("account", account.lower()), Rate.parse(per_account)))
    if per_address:
        address = key_digest("address", client_address(request))
        waits.append(hit(scope, address, Rate.parse(per_address)))
    over = [wait for wait in waits if wait is not None]
    return max(over) if over else None


def refused(request, seconds: int, *, message=TOO_MANY, template="limits/too_many.html"):
    response = render(
        request,
        template,
        {"message": message.format(wait=wait_text(seconds)), "retry_after": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def member_account(request) -> str | None:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


def posted_email(request) -> str | None:
    """The account a password-link request is for: the address typed, whether or not it exists."""
    email = (request.POST.get("email") or "").strip().lower()
    return f"email:{email}" if email else None


def limited(scope: str, *, account=member_account, methods=("POST",)):
    """Limit a view's ``methods`` in ``scope``, per the account ``account(request)`` names."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                seconds = retry_after(request, scope, account=account(request))
                if seconds is not None:
                    return refused(request, seconds)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class AnonymousPostLimitMiddleware:
    """Every POST from someone not signed in counts against their address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.user.is_authenticated:
            seconds = retry_after(request, "anonymous_post")
            if seconds is not None:
                return refused(request, seconds)
        return self.get_response(request)


class ApiLimit(BaseThrottle):
    """django-ninja throttle over the same database counters, per member and per address."""

    def __init__(self, scope: str = "api"):
        self.scope = scope
        self._wait = threading.local()

    def allow_request(self, request) -> bool:
        member = getattr(request, "auth", None)
        user_id = getattr(member, "user_id", None)
        account = f"user:{user_id}" if user_id else None
        self._wait.seconds = retry_after(request, self.scope, account=account)
        return self._wait.seconds is None

    def wait(self) -> float | None:
        return getattr(self._wait, "seconds", None)
