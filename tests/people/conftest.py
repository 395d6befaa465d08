"""Rows shared by the People directory's page and API tests."""

import datetime as dt

import pytest

from deskmate.people import services
from deskmate.people.models import Member
from tests.conftest import make_member
from tests.network.test_privacy import position, study


@pytest.fixture
def people(mentee, mentor):
    """Daniel works on the Payments team at Acme and knows Python; Lee studied at Northfield
    University until 2015; Hana hides her profile from everyone but coordinators and matches
    every filter, so she shows where a hidden member would leak."""
    lee = make_member("lee@example.org", "Lee", "Chen", wants_copilot=True)
    hana = make_member(
        "hana@example.org", "Hana", "Acme", visibility=Member.Visibility.COORDINATORS
    )
    position(mentor, "Acme", "Payments", dt.date(2019, 1, 1))
    position(mentor, "Acme", "Payments", dt.date(2012, 1, 1), dt.date(2015, 1, 1))
    services.skill_add(member=mentor, actor=mentor, name="Python")
    study(lee, dt.date(2011, 9, 1), dt.date(2015, 6, 30))
    for member in (hana,):
        position(member, "Acme", "Payments", dt.date(2019, 1, 1))
        services.skill_add(member=member, actor=member, name="Python")
        study(member, dt.date(2011, 9, 1), dt.date(2015, 6, 30))
    return {"maya": mentee, "daniel": mentor, "lee": lee, "hana": hana}
