"""Pages whose parts update in place: htmx asks for the part alone, a browser without it gets the page."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def wants_part(request: HttpRequest) -> bool:
    """True when htmx polls or posts for the part of a page it swaps, not the whole page."""
    details = getattr(request, "htmx", None)
    return isinstance(details, HtmxDetails) and bool(details)


def page_or_part(request: HttpRequest, page: str, part: str) -> str:
    """The template to render: the page, or its live part when htmx asks for it."""
    return part if wants_part(request) else page
