"""A people export is read in chunks and written in batches: the same result, few queries."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskmate.core import background, generations
from deskmate.core.models import AuditEntry
from deskmate.importing.errors import ImportFileError
from deskmate.importing.people_csv import parse_people_file
from deskmate.network import tasks
from deskmate.network.importers import people_file_apply
from deskmate.people.models import Member, Organisation, Position, Unit, User
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

HEADER = "external_id,email,first_name,last_name,kind,organisation,unit,title,start,end,manager_external_id\n"


def export(count: int, *, title: str = "Engineer", first: int = 0) -> bytes:
    """``count`` people at Northwind, each reporting to the first one."""
    rows = [HEADER]
    for i in range(first, first + count):
        manager = "" if i == 0 else "N0"
        rows.append(
            f"N{i},person{i}@northwind.example,Given{i},Family{i},position,Northwind,"
            f"Team {i % 3},{title},2020-0{1 + i % 9},,{manager}\n"
        )
    return "".join(rows).encode()


def apply(payload: bytes, actor: Member | None):
    people = parse_people_file(payload, filename="people.csv", max_bytes=len(payload) + 1)
    return people_file_apply(
        people=people.people, actor=actor, file_name="people.csv", labels=people.labels
    )


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def selects(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT"))


def test_queries_do_not_grow_with_the_number_of_people(admin_member):
    with CaptureQueriesContext(connection) as few:
        apply(export(5), admin_member)
    # The second file starts from the same state: no organisation, unit or person of the first.
    Position.objects.all().delete()
    Unit.objects.all().delete()
    Organisation.objects.all().delete()
    Member.objects.exclude(pk=admin_member.pk).delete()
    User.objects.exclude(pk=admin_member.user_id).delete()
    with CaptureQueriesContext(connection) as many:
        summary = apply(export(60), admin_member)
    assert summary.lines() == [
        "60 members added",
        "59 reporting lines added",
        "60 positions added",
    ]
    # The same reads; the writes are batches (SQLite splits a batch at its parameter limit).
    assert selects(many.captured_queries) == selects(few.captured_queries)
    # Half a query per person at most, beside the one read of the members a new person
    # may be (network.identities).
    assert len(many.captured_queries) <= 60 // 2
    assert Member.objects.filter(manager__external_id="N0").count() == 59


def test_first_import_audits_every_record_and_the_import(admin_member):
    apply(export(12), admin_member)
    created = set(
        AuditEntry.objects.filter(action="member_create", actor=admin_member)
        .exclude(subject_id=admin_member.pk)
        .values_list("subject_id", flat=True)
    )
    assert created == set(
        Member.objects.filter(external_id__startswith="N").values_list("pk", flat=True)
    )
    positions = set(
        AuditEntry.objects.filter(action="position_create", actor=admin_member).values_list(
            "subject_id", flat=True
        )
    )
    assert positions == set(Position.objects.values_list("pk", flat=True))
    entry = AuditEntry.objects.get(action="people_import")
    assert entry.details["created"] == str({"members": 12, "positions": 12, "reporting_lines": 11})


def test_reimport_writes_nothing_but_its_audit_entry(admin_member):
    apply(export(20), admin_member)
    before = (Member.objects.count(), Position.objects.count(), AuditEntry.objects.count())
    with CaptureQueriesContext(connection) as again:
        summary = apply(export(20), admin_member)
    assert summary.lines() == [
        "20 members left alone",
        "19 reporting lines left alone",
        "20 positions left alone",
    ]
    assert [sql.split(None, 3)[:3] for sql in writes(again.captured_queries)] == [
        ["INSERT", "INTO", '"people_auditentry"']
    ]
    assert (Member.objects.count(), Position.objects.count(), AuditEntry.objects.count()) == (
        before[0],
        before[1],
        before[2] + 1,
    )


def refreshes(callbacks) -> list:
    return [callback for callback in callbacks if callback.__module__ != generations.__name__]


def test_one_tie_refresh_for_every_member_whose_history_changed(
    admin_member, monkeypatch, django_capture_on_commit_callbacks
):
    # Ids gathered by earlier tests' transactions, which never commit, are not this test's.
    background._pending.__dict__.pop("gathered", None)
    queued = []
    monkeypatch.setattr(tasks, "ties_refresh_members", SimpleNamespace(enqueue=queued.append))
    with django_capture_on_commit_callbacks(execute=True) as first:
        apply(export(3), admin_member)
    everyone = sorted(
        Member.objects.filter(external_id__startswith="N").values_list("pk", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True) as second:
        # N1 and N2 as before, and N7 new: only N7's history changes.
        apply(export(2, first=1) + export(1, first=7)[len(HEADER) :], admin_member)
    newcomer = Member.objects.get(external_id="N7").pk
    # Besides the cache's generations (replaced again on commit), one callback: the refresh.
    assert (len(refreshes(first)), len(refreshes(second))) == (1, 1)
    assert queued == [everyone, [newcomer]]


def test_existing_members_are_matched_by_id_then_email_and_updated(admin_member):
    kept = make_member("person1@northwind.example", "Someone", "Else")
    apply(export(3), admin_member)
    kept.refresh_from_db()
    assert (kept.external_id, kept.first_name, kept.last_name) == ("N1", "Given1", "Family1")
    assert kept.user.first_name == "Given1"
    assert AuditEntry.objects.filter(action="profile_update", subject_id=kept.pk).get().details == {
        "fields": "first_name,last_name"
    }
    assert Member.objects.filter(external_id__startswith="N").count() == 3


def test_email_of_another_external_id_is_refused_whole(admin_member):
    apply(export(2), admin_member)
    count = Member.objects.count()
    clash = (
        HEADER + "N9,PERSON1@northwind.example,Nine,Nines,position,Northwind,,Engineer,2020-01,,\n"
    )
    with pytest.raises(ImportFileError) as error:
        apply(export(3, first=10) + clash[len(HEADER) :].encode(), admin_member)
    assert str(error.value) == (
        'people.csv, row 5, "email": "PERSON1@northwind.example" belongs to another external_id "N1"'
    )
    assert Member.objects.count() == count


def test_manager_outside_the_file_is_found_by_email(admin_member):
    apply(export(1), admin_member)
    payload = (
        b"external_id,email,first_name,last_name,manager_email\n"
        b"M1,newcomer@northwind.example,New,Comer,Person0@Northwind.example\n"
    )
    summary = apply(payload, admin_member)
    newcomer = Member.objects.get(external_id="M1")
    assert newcomer.manager.external_id == "N0"
    assert summary.lines() == ["1 member added", "1 reporting line added"]


def unit_queries(queries) -> list[str]:
    """Queries on the units themselves (not the joins that read positions with theirs)."""
    return [
        q["sql"]
        for q in queries
        if 'FROM "people_unit"' in q["sql"] or 'INTO "people_unit"' in q["sql"]
    ]


def test_units_are_resolved_once_per_import_not_once_per_row(admin_member):
    # 300 people in 3 teams of one organisation.
    with CaptureQueriesContext(connection) as first:
        apply(export(300), admin_member)
    assert sorted(Unit.objects.values_list("name", flat=True)) == ["Team 0", "Team 1", "Team 2"]
    assert Position.objects.filter(unit__name="Team 1").count() == 100
    # New teams: one look-up and one insert each (the preload finds the organisation new).
    assert len(unit_queries(first.captured_queries)) <= 2 * 3

    # Next month's file: the same people, 30 more, and the same three teams.
    with CaptureQueriesContext(connection) as again:
        summary = apply(export(330), admin_member)
    assert "30 members added" in summary.lines()
    found = unit_queries(again.captured_queries)
    assert len(found) == 1 and found[0].startswith("SELECT"), found
    assert Unit.objects.count() == 3
    assert Position.objects.filter(unit__name="Team 1").count() == 110
