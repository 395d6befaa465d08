"""The community's vocabulary is counted at a full tie refresh, and text fit weighs terms by it."""

import datetime as dt

import numpy as np
import pytest

from deskmate.network.models import Vocabulary
from deskmate.network.suggestions import suggestions_for
from deskmate.network.tie_store import ties_refresh_all, ties_refresh_members
from deskmate.network.vocabulary import term_weights
from deskmate.people import services
from tests.conftest import make_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 1)
NUCLEAR = "A research career in nuclear engineering"


@pytest.fixture
def faculty():
    """An engineering school where everyone's title says "Engineering"; two open professors offer help."""

    def member(email, first, title, **extra):
        person = make_member(email, first, "Example", **extra)
        services.position_create(
            member=person,
            actor=person,
            organisation="Northfield University",
            unit="School of Engineering",
            title=title,
            start=dt.date(2005, 9, 1),
        )
        return person

    mentee = member("nina@example.org", "Nina", "PhD Student in Nuclear Engineering")
    services.goal_create(member=mentee, actor=mentee, text=NUCLEAR)
    fluids = member(
        "felix@example.org", "Felix", "Professor", open_to_mentoring=True, mentee_capacity=2
    )
    services.offer_create(member=fluids, actor=fluids, text="Fluid mechanics in engineering")
    reactors = member(
        "rosa@example.org", "Rosa", "Professor", open_to_mentoring=True, mentee_capacity=2
    )
    services.offer_create(member=reactors, actor=reactors, text="Nuclear reactor safety research")
    for number, field in enumerate(["Civil", "Electrical", "Mechanical", "Chemical", "Software"]):
        member(f"staff{number}@example.org", field, f"{field} Engineering Lecturer")
    return {"mentee": mentee, "fluids": fluids, "reactors": reactors}


def test_a_full_refresh_counts_each_members_terms_once(faculty):
    assert term_weights() is None
    ties_refresh_all(as_of=TODAY)
    vocabulary = Vocabulary.objects.get()
    assert vocabulary.documents == 8
    # Every title but the two professors' says "Engineering", and so does one professor's offer.
    assert vocabulary.frequencies["engin"] == 7
    assert vocabulary.frequencies["nuclear"] == 2
    assert vocabulary.frequencies["fluid"] == 1
    weights = term_weights()
    assert weights is not None
    assert weights.weight("engin") == pytest.approx(np.log(9 / 8))
    assert weights.weight("fluid") == pytest.approx(np.log(9 / 2))


def test_refreshing_a_few_members_keeps_the_counts(faculty):
    ties_refresh_all(as_of=TODAY)
    before = Vocabulary.objects.get()
    services.offer_create(
        member=faculty["fluids"], actor=faculty["fluids"], text="Nuclear fusion plasmas"
    )
    ties_refresh_members(member_ids=[faculty["fluids"].pk], as_of=TODAY)
    after = Vocabulary.objects.get()
    assert (after.pk, after.frequencies) == (before.pk, before.frequencies)
    ties_refresh_all(as_of=TODAY)
    assert Vocabulary.objects.get().frequencies["nuclear"] == 3


def test_the_generic_word_alone_does_not_suggest_the_fluids_professor(faculty):
    ties_refresh_all(as_of=TODAY)
    suggestions = {s.member: s for s in suggestions_for(faculty["mentee"], as_of=TODAY)}
    assert faculty["fluids"] not in suggestions
    assert suggestions[faculty["reactors"]].reasons[-1] == (
        "Offers help with “Nuclear reactor safety research”"
    )
