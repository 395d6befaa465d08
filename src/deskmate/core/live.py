"""Pages whose parts update in place: htmx asks for the part alone, a browser without it gets the page."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


def wants_part(request: HttpRequest) -> bool:
    """True when htmx polls or posts for the part of a page it swaps, not the whole page."""
    details = getattr(request, "htmx", None)
    return isinstance(details, HtmxDetails) and bool(details)


def page_or_part(request: HttpRequest, page: str, part: str) -> str:
    """The template to render: the page, or its live part when htmx asks for it."""
    return part if wants_part(request) else page


def sign_in_again(request: HttpRequest) -> HttpResponse:
    """Send a signed-out htmx request to the sign-in page, then back to the page it came from.

    A plain redirect would be followed inside the request, and the sign-in page swapped into
    the part being updated.
    """
    details = getattr(request, "htmx", None)
    back_to = (details.current_url_abs_path if details else None) or request.get_full_path()
    return HttpResponseClientRedirect(redirect_to_login(back_to).url)
