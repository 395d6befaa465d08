"""The page shown while sign-in is locked for an account or an address (django-axes)."""

from axes.helpers import get_cool_off

from deskmate.limits.guards import refused

SIGN_IN_LOCKED = (
    "Too many failed sign-ins for this account or from this address. Sign-in is paused; "
    "try again in {wait}, or set a new password from the e-mailed link."
)


def sign_in_locked_out(request, original_response=None, credentials=None):
    """Every attempt during the lockout starts its cool-off again, so wait the whole of it."""
    seconds = int(get_cool_off(request).total_seconds())
    return refused(request, seconds, message=SIGN_IN_LOCKED, template="limits/locked_out.html")
