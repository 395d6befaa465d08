"""Initials avatars: the letters of a member's name on a colour fixed by their id, legible (WCAG AA)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from deskmate.people import services
from deskmate.people.templatetags.avatars import AVATAR_COLOURS, avatar_colour, initials_of
from tests.conftest import client_for

STYLESHEET = Path(__file__).parents[2] / "src/deskmate/static/deskmate/deskmate.css"


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", AVATAR_COLOURS)
def test_white_initials_are_legible_on_every_colour(colour):
    contrast = (1.0 + 0.05) / (relative_luminance(colour) + 0.05)
    assert contrast >= 4.5, colour


@pytest.mark.parametrize(
    ("first", "last", "letters"),
    [("Maya", "Patel", "MP"), ("lee", "chen", "LC"), ("Ōsaka", "", "Ō"), ("  ", "  ", "?")],
)
def test_initials(first, last, letters):
    assert initials_of(first, last) == letters


def test_the_colour_follows_the_id_not_the_name():
    assert avatar_colour(1) == 1
    assert avatar_colour(1 + len(AVATAR_COLOURS)) == 1
    assert avatar_colour(2) == 2
    assert avatar_colour(None) == 0


def test_the_stylesheet_has_one_class_per_colour_of_the_palette():
    """The contrast test above checks the Python palette; the page uses the stylesheet's."""
    classes = re.findall(
        r"\.avatar-c(\d+) \{ background-color:(#[0-9a-f]{6}); \}", STYLESHEET.read_text()
    )
    assert classes == [(str(i), colour) for i, colour in enumerate(AVATAR_COLOURS)]


@pytest.mark.django_db
def test_a_member_keeps_their_colour_after_changing_their_name(mentee):
    render = Template("{% avatar member %}").render
    before = render(Context({"member": mentee}))
    services.profile_update(member=mentee, actor=mentee, last_name="Khan")
    mentee.refresh_from_db()
    after = render(Context({"member": mentee}))
    colour = avatar_colour(mentee.pk)
    assert before == f'<span class="avatar avatar-c{colour}" aria-hidden="true">MP</span>'

    assert after == before.replace(">MP<", ">MK<")


@pytest.mark.django_db
def test_the_directory_and_the_profile_show_the_avatar(mentee, mentor):
    colour = avatar_colour(mentor.pk)
    directory = client_for(mentee).get(reverse("member_list")).content.decode()
    assert (
        f'<li><span class="avatar avatar-c{colour}" aria-hidden="true">DO</span>'
        f'<a href="{reverse("member_profile", args=[mentor.pk])}">Daniel Okafor</a>'
    ) in directory
    profile = client_for(mentee).get(reverse("member_profile", args=[mentor.pk])).content.decode()
    assert (
        f'<h1 class="with-avatar"><span class="avatar avatar-c{colour} avatar-large" '
        'aria-hidden="true">DO</span>Daniel Okafor'
    ) in profile
