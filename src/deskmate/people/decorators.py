from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from deskmate.core.live import sign_in_again, wants_part
from deskmate.people.selectors import member_for_user

NO_MEMBER = "This sign-in has no member profile."
COORDINATORS_ONLY = "Only coordinators may open this page."


def member_required(view):
    """Signed in, with a member profile, which is put on request.member."""

    @wraps(view)
    def signed_in(request, *args, **kwargs):
        if not request.user.is_authenticated and wants_part(request):
            return sign_in_again(request)
        return wrapper(request, *args, **kwargs)

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = member_for_user(request.user)
        if member is None:
            raise PermissionDenied(NO_MEMBER)
        request.member = member
        return view(request, *args, **kwargs)

    return signed_in


def coordinator_required(view):
    @member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.member.is_coordinator:
            raise PermissionDenied(COORDINATORS_ONLY)
        return view(request, *args, **kwargs)

    return wrapper
