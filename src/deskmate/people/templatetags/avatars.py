"""A member's initials in a coloured circle, the same colour for them on every page.

The colour is a class (``avatar-c0`` … ``avatar-c11``, in deskmate.css), never an inline
style, so pages keep a Content-Security-Policy without ``'unsafe-inline'`` for styles.
"""

from django import template
from django.utils.html import format_html

register = template.Library()

#: Backgrounds for white initials, each at least 4.5:1 against white (WCAG AA for small text);
#: ``.avatar-c<i>`` in deskmate.css is the i-th (a test holds the two together).
AVATAR_COLOURS = (
    "#0b5cad",
    "#7a3e9d",
    "#2e7d32",
    "#a4161a",
    "#8a5a00",
    "#00695c",
    "#5d4037",
    "#ad1457",
    "#37474f",
    "#4527a0",
    "#b33c00",
    "#006a8e",
)


def initials_of(first_name: str, last_name: str) -> str:
    """The first letter of the first name and of the last name ("Maya Patel" → "MP")."""
    letters = [part.strip()[:1] for part in (first_name, last_name) if part and part.strip()]
    return "".join(letters).upper() or "?"


def avatar_colour(member_id: int | None) -> int:
    """The palette index fixed by the member's id, so a person keeps theirs whatever their name becomes."""
    return (member_id or 0) % len(AVATAR_COLOURS)


@register.simple_tag
def avatar(member, size: str = "") -> str:
    """The avatar beside a name: decorative, since the name is always written next to it."""
    if member is None:
        return format_html('<span class="avatar{}" aria-hidden="true">?</span>', _size(size))
    return format_html(
        '<span class="avatar avatar-c{}{}" aria-hidden="true">{}</span>',
        avatar_colour(member.pk),
        _size(size),
        initials_of(member.first_name, member.last_name),
    )


def _size(size: str) -> str:
    return " avatar-large" if size == "large" else ""
