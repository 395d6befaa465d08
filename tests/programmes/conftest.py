"""Programme fixtures on top of the suite's personas.

Claire (coordinator) runs "Spring mentoring"; Maya and Nina are mentees; Daniel
and Olivia are mentors. Sam, the stranger, is in no programme.
"""

import pytest

from deskmate.programmes import services
from deskmate.programmes.models import Programme
from tests.conftest import make_member


@pytest.fixture
def programme(coordinator):
    return services.programme_create(
        actor=coordinator,
        name="Spring mentoring",
        kind=Programme.Kind.ONE_TO_ONE,
        topics=["Leadership", "Public speaking", "Career change"],
        questions="Why do you join?",
        capacity_per_mentor=2,
    )


@pytest.fixture
def second_mentee(db):
    return make_member("nina@example.org", "Nina", "Berg")


@pytest.fixture
def second_mentor(db):
    return make_member(
        "olivia@example.org", "Olivia", "Reyes", open_to_mentoring=True, mentee_capacity=2
    )


def apply(programme, member, role, actor=None, **fields):
    return services.application_submit(
        programme=programme, member=member, actor=actor or member, role=role, **fields
    )


@pytest.fixture
def cohort(programme, mentee, second_mentee, mentor, second_mentor):
    """Two mentees, two mentors, all applied."""
    apply(programme, mentee, "mentee", goals="Lead a team")
    apply(programme, second_mentee, "mentee", goals="Speak at a conference")
    apply(programme, mentor, "mentor", capacity=1)
    apply(programme, second_mentor, "mentor", capacity=1)
    return programme
