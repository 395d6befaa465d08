"""A manager column holding a name: matched by full name within the same file, never guessed."""

import pytest

from deskmate.network import importers
from deskmate.network.importers import (
    MANAGER_NAME_AMBIGUOUS,
    MANAGER_NAME_UNKNOWN,
    MANAGER_WHERE,
)
from deskmate.people.models import Member

pytestmark = pytest.mark.django_db

# Two Sam Lees, so "Sam Lee" names nobody for sure; "Kim, Ana" is Ana Kim written as a
# directory writes it; "Chris Doe" is nobody in the file; Ana names herself.
PEOPLE = """\
external_id,email,first_name,last_name,kind,organisation,title,start,manager_name
E1,ana@acme.example,Ana,Kim,position,Acme,CTO,2015-01,ana kim
E2,sam.one@acme.example,Sam,Lee,position,Acme,Engineer,2019-03,"Kim, Ana"
E3,sam.two@acme.example,Sam,Lee,position,Acme,Designer,2020-04,  ANA   KIM
E4,jo@acme.example,Jo,Park,position,Acme,Analyst,2021-05,Sam Lee
E5,max@acme.example,Max,Rye,position,Acme,Engineer,2022-06,Chris Doe
E6,eve@acme.example,Eve,Moss,position,Acme,Engineer,2022-06,Jo Park
"""


def managers() -> dict[str, str | None]:
    return dict(
        Member.objects.filter(external_id__startswith="E").values_list(
            "external_id", "manager__external_id"
        )
    )


def left_alone(summary) -> dict[str, str]:
    return {
        entry["item"]: entry["why"]
        for entry in summary.as_dict()["kinds"]["reporting_lines"]["left_alone_items"]
    }


def test_names_become_reporting_lines_and_the_rest_is_said_per_row(admin_member):
    summary = importers.run("people", owner=admin_member, payload=PEOPLE.encode())
    assert managers() == {
        "E1": None,
        "E2": "E1",
        "E3": "E1",
        "E4": None,
        "E5": None,
        "E6": "E4",
    }
    assert summary.created["reporting_lines"] == 3

    def where(row: int) -> str:
        return MANAGER_WHERE.format(file="people.csv", row=row, column="manager_name")

    assert left_alone(summary) == {
        f'E1 reports to "ana kim" ({where(2)})': MANAGER_NAME_UNKNOWN.format(count=0),
        f'E4 reports to "Sam Lee" ({where(5)})': MANAGER_NAME_AMBIGUOUS.format(count=2),
        f'E5 reports to "Chris Doe" ({where(6)})': MANAGER_NAME_UNKNOWN.format(count=0),
    }
    assert "2 people in this file have this full name; none was chosen" in (
        MANAGER_NAME_AMBIGUOUS.format(count=2)
    )


def test_importing_twice_changes_nothing_the_second_time(admin_member):
    importers.run("people", owner=admin_member, payload=PEOPLE.encode())
    before = (managers(), Member.objects.count())
    second = importers.run("people", owner=admin_member, payload=PEOPLE.encode())
    assert (managers(), Member.objects.count()) == before
    assert "reporting_lines" not in second.created
    assert "reporting_lines" not in second.updated_counts
    assert second.left_alone_counts["reporting_lines"] == 6


def test_an_id_or_email_wins_over_the_name(admin_member):
    payload = (
        b"external_id,email,first_name,last_name,manager_external_id,manager_name\n"
        b"E1,ana@acme.example,Ana,Kim,,\n"
        b"E2,bo@acme.example,Bo,Hale,,\n"
        b"E3,cy@acme.example,Cy,Ross,E2,Ana Kim\n"
    )
    importers.run("people", owner=admin_member, payload=payload)
    assert managers() == {"E1": None, "E2": None, "E3": "E2"}
