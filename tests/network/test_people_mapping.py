"""The people file's mapping step: saved mappings, the API, access and refusals."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deskmate.core.models import AuditEntry
from deskmate.importing import people_mapping
from deskmate.network import services
from deskmate.network.models import ImportJob, PeopleMapping
from deskmate.people.models import Member, Position
from tests.conftest import client_for
from tests.network.test_people_mapping_fixtures import BAMBOOHR, FIXTURES, upload

pytestmark = pytest.mark.django_db

BAMBOO = (FIXTURES / "bamboohr_custom_report.csv").read_bytes()
#: Next month's report from the same BambooHR custom report: the same columns, one more hire,
#: Sofia moved to the Denver office and Hannah left.
NEXT_MONTH = (
    BAMBOO.decode()
    .replace("Chicago,08/23/2021", "Denver,08/23/2021")
    .replace("06/01/2022,,Olivia", "06/01/2022,09/30/2024,Olivia")
    .replace(
        "Berlin,06/01/2022,09/30/2024,Olivia Bennett,olivia.bennett@northwind.example,Active",
        "Berlin,06/01/2022,09/30/2024,Olivia Bennett,olivia.bennett@northwind.example,Terminated",
    )
    + "1006,Ravi,Patel,,ravi.patel@northwind.example,Operations Analyst,Operations,"
    "North America,Denver,10/01/2024,,Sofia Rossi,sofia.rossi@northwind.example,Active\r\n"
).encode()


def bamboo_mapping_post(**extra) -> dict:
    labels = list(BAMBOOHR.guesses)
    data = {f"column_{i}": BAMBOOHR.guesses[label] for i, label in enumerate(labels)}
    data.update(date_order="month_first", organisation="Northwind Traders")
    data.update(extra)
    return data


def bearer(member):
    from tests.people.test_api import bearer as make

    return make(member)


def test_saved_mapping_imports_next_months_export_without_questions(admin_member, run_tasks):
    admin = client_for(admin_member)
    upload(admin, "bamboohr-2024-09.csv", BAMBOO)
    job = ImportJob.objects.get()
    response = admin.post(
        reverse("import_mapping", args=[job.pk]),
        bamboo_mapping_post(save_as="BambooHR monthly headcount"),
    )
    assert response.status_code == 302
    saved = PeopleMapping.objects.get()
    assert saved.name == "BambooHR monthly headcount"
    assert saved.created_by == admin_member
    assert saved.organisation == "Northwind Traders" and saved.date_order == "month_first"
    assert saved.fields["Supervisor Email"] == "manager_email"
    assert saved.source_key == people_mapping.source_key(BAMBOOHR.guesses)
    run_tasks()

    response = upload(admin, "bamboohr-2024-10.csv", NEXT_MONTH)
    second = ImportJob.objects.order_by("-pk").first()
    # No mapping page: straight to the worker.
    assert response.url == reverse("import_detail", args=[second.pk])
    assert second.status == ImportJob.Status.QUEUED
    assert second.saved_mapping == saved
    run_tasks()
    second.refresh_from_db()
    assert second.status == ImportJob.Status.DONE, second.errors
    assert second.summary["lines"] == [
        "1 member added",
        "1 member updated",
        "4 members left alone",
        "1 reporting line added",
        "4 reporting lines left alone",
        "1 position added",
        "1 position updated",
        "4 positions left alone",
    ]
    assert Member.objects.get(external_id="1003").location == "Denver"
    hannah = Position.objects.get(member__external_id="1005")
    assert (hannah.start, hannah.end) == (dt.date(2022, 6, 1), dt.date(2024, 9, 30))
    ravi = Member.objects.get(external_id="1006")
    assert ravi.manager.external_id == "1003"
    assert list(
        Position.objects.filter(member=ravi).values_list("title", "organisation__name")
    ) == [("Operations Analyst", "Northwind Traders")]
    page = admin.get(reverse("import_detail", args=[second.pk]))
    assert "Columns mapped by the saved mapping “BambooHR monthly headcount”." in page.text


def test_reimporting_the_same_mapped_file_changes_nothing(admin_member, run_tasks):
    admin = client_for(admin_member)
    upload(admin, "bamboo.csv", BAMBOO)
    job = ImportJob.objects.get()
    admin.post(reverse("import_mapping", args=[job.pk]), bamboo_mapping_post(save_as="Bamboo"))
    run_tasks()
    before = list(Position.objects.order_by("pk").values_list("pk", "title", "start", "end"))
    upload(admin, "bamboo.csv", BAMBOO)
    run_tasks()
    again = ImportJob.objects.order_by("-pk").first()
    assert again.summary["lines"] == [
        "5 members left alone",
        "4 reporting lines left alone",
        "5 positions left alone",
    ]
    assert (
        list(Position.objects.order_by("pk").values_list("pk", "title", "start", "end")) == before
    )


def test_file_in_deskmates_own_columns_needs_no_mapping(admin_member, run_tasks):
    admin = client_for(admin_member)
    data = b"external_id,email,first_name,kind,organisation,title,start\nE1,ada@acme.example,Ada,position,Acme,Engineer,2020\n"
    response = upload(admin, "people.csv", data)
    job = ImportJob.objects.get()
    assert response.url == reverse("import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.QUEUED and job.mapping == {}
    run_tasks()
    job.refresh_from_db()
    assert job.summary["lines"] == ["1 member added", "1 position added"]


def test_mapping_without_an_id_column_is_refused_with_the_reason(admin_member):
    admin = client_for(admin_member)
    upload(admin, "bamboo.csv", BAMBOO)
    job = ImportJob.objects.get()
    response = admin.post(
        reverse("import_mapping", args=[job.pk]), bamboo_mapping_post(column_0="ignore")
    )
    assert response.status_code == 200
    assert people_mapping.MAP_ID in response.context["form"].non_field_errors()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING and job.mapping == {}
    assert PeopleMapping.objects.count() == 0


def test_positions_without_an_organisation_ask_for_one(admin_member):
    admin = client_for(admin_member)
    upload(admin, "bamboo.csv", BAMBOO)
    job = ImportJob.objects.get()
    response = admin.post(
        reverse("import_mapping", args=[job.pk]), bamboo_mapping_post(organisation="")
    )
    assert response.context["form"].errors["organisation"] == [people_mapping.MAP_ORGANISATION]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING


def test_a_column_mapped_twice_is_named(admin_member):
    admin = client_for(admin_member)
    upload(admin, "bamboo.csv", BAMBOO)
    job = ImportJob.objects.get()
    # "Division" (column 7) mapped to the unit as well as "Department".
    response = admin.post(
        reverse("import_mapping", args=[job.pk]), bamboo_mapping_post(column_7="unit")
    )
    assert response.context["form"].errors["column_7"] == [
        people_mapping.MAP_ONCE.format(field="unit (team or department)")
    ]


def test_unreadable_file_is_refused_at_upload(admin_member):
    admin = client_for(admin_member)
    response = upload(admin, "people.csv", b"\x00\x01\x02binary")
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
    assert "people.csv" in " ".join(response.context["forms"]["people"].non_field_errors())


class TestAccess:
    def test_stranger_cannot_open_the_mapping_page_of_an_admins_import(
        self, admin_member, as_stranger
    ):
        upload(client_for(admin_member), "bamboo.csv", BAMBOO)
        job = ImportJob.objects.get()
        assert as_stranger.get(reverse("import_mapping", args=[job.pk])).status_code == 404
        response = as_stranger.post(reverse("import_mapping", args=[job.pk]), bamboo_mapping_post())
        assert response.status_code == 404
        job.refresh_from_db()
        assert job.status == ImportJob.Status.MAPPING and job.mapping == {}

    def test_member_cannot_upload_a_people_file(self, as_mentee):
        response = upload(as_mentee, "bamboo.csv", BAMBOO)
        assert response.status_code == 403
        assert ImportJob.objects.count() == 0

    def test_former_admin_cannot_map_their_own_upload(self, admin_member):
        upload(client_for(admin_member), "bamboo.csv", BAMBOO)
        job = ImportJob.objects.get()
        Member.objects.filter(pk=admin_member.pk).update(role=Member.Role.MEMBER)
        admin_member.refresh_from_db()
        response = client_for(admin_member).post(
            reverse("import_mapping", args=[job.pk]), bamboo_mapping_post()
        )
        assert response.status_code == 404
        job.refresh_from_db()
        assert job.status == ImportJob.Status.MAPPING

    def test_saved_mappings_are_for_admins_only(self, admin_member, as_stranger, stranger):
        saved = services.people_mapping_save(
            actor=admin_member,
            name="Bamboo",
            labels=list(BAMBOOHR.guesses),
            mapping=people_mapping.PeopleMapping(columns=BAMBOOHR.guesses, organisation="N"),
        )
        assert as_stranger.get(reverse("people_mappings")).status_code == 403
        assert as_stranger.get(reverse("people_mapping_edit", args=[saved.pk])).status_code == 404
        response = as_stranger.post(reverse("people_mapping_delete", args=[saved.pk]))
        assert response.status_code == 404
        assert PeopleMapping.objects.count() == 1
        api = bearer(stranger)
        assert api.get("/api/v1/people-mappings").status_code == 403
        assert api.get(f"/api/v1/people-mappings/{saved.pk}").status_code == 404
        assert api.delete(f"/api/v1/people-mappings/{saved.pk}").status_code == 404
        response = api.put(
            f"/api/v1/people-mappings/{saved.pk}",
            {"name": "Mine", "columns": {}},
            content_type="application/json",
        )
        assert response.status_code == 404
        saved.refresh_from_db()
        assert saved.name == "Bamboo" and PeopleMapping.objects.count() == 1


def test_saved_mapping_can_be_edited_and_deleted_on_its_page(admin_member):
    admin = client_for(admin_member)
    saved = services.people_mapping_save(
        actor=admin_member,
        name="Bamboo",
        labels=list(BAMBOOHR.guesses),
        mapping=people_mapping.PeopleMapping(columns=BAMBOOHR.guesses, organisation="Northwind"),
    )
    listing = admin.get(reverse("people_mappings"))
    assert "Bamboo" in listing.text and "Employee #, First Name" in listing.text
    data = bamboo_mapping_post(name="BambooHR headcount", column_7="unit", column_6="ignore")
    del data["organisation"]
    data["organisation"] = "Northwind Traders Inc."
    response = admin.post(reverse("people_mapping_edit", args=[saved.pk]), data)
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "BambooHR headcount"
    assert saved.fields["Division"] == "unit" and saved.fields["Department"] == "ignore"
    assert saved.organisation == "Northwind Traders Inc."
    entry = AuditEntry.objects.filter(action="people_mapping_update").get()
    assert entry.details["changed"] == "Department, Division"

    admin.post(reverse("people_mapping_delete", args=[saved.pk]))
    assert PeopleMapping.objects.count() == 0
    assert AuditEntry.objects.filter(action="people_mapping_delete").count() == 1


def test_api_upload_map_and_save(admin_member, run_tasks):
    api = bearer(admin_member)
    response = api.post(
        "/api/v1/imports",
        {
            "kind": "people",
            "file": SimpleUploadedFile(
                "hibob.csv", (FIXTURES / "hibob_people_report.csv").read_bytes()
            ),
        },
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "mapping"
    assert body["preview"]["guess"]["Reports to email"] == "manager_email"
    assert body["preview"]["samples"][1][:3] == ["3332883884017713241", "Ben Cohen", "Ben"]
    assert body["preview"]["date_order"] == "day_first"

    bad = api.post(
        f"/api/v1/imports/{body['id']}/mapping",
        {"columns": {**body["preview"]["guess"], "Employee ID": "ignore"}, "organisation": "G"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == [{"loc": ["__all__"], "msg": people_mapping.MAP_ID}]
    unknown = api.post(
        f"/api/v1/imports/{body['id']}/mapping",
        {"columns": {**body["preview"]["guess"], "Site": "office"}, "organisation": "Globex"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["Site"]
    assert ImportJob.objects.get().status == ImportJob.Status.MAPPING

    response = api.post(
        f"/api/v1/imports/{body['id']}/mapping",
        {
            "columns": body["preview"]["guess"],
            "organisation": "Globex Ltd",
            "date_order": "day_first",
            "save_as": "HiBob people report",
        },
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    run_tasks()
    done = api.get(f"/api/v1/imports/{body['id']}").json()
    assert done["status"] == "done", done["errors"]
    assert done["mapping"]["organisation"] == "Globex Ltd"
    lior = Member.objects.get(external_id="3332883884017713262")
    assert lior.manager.external_id == "3332883884017713270"
    saved = api.get("/api/v1/people-mappings").json()
    assert [item["name"] for item in saved] == ["HiBob people report"]

    renamed = api.put(
        f"/api/v1/people-mappings/{saved[0]['id']}",
        {
            "name": "HiBob monthly",
            "columns": saved[0]["fields"],
            "organisation": "Globex Ltd",
            "date_order": "day_first",
        },
        content_type="application/json",
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "HiBob monthly"
    assert api.delete(f"/api/v1/people-mappings/{saved[0]['id']}").status_code == 204
    assert PeopleMapping.objects.count() == 0


def test_mapping_an_import_twice_is_refused(admin_member):
    upload(client_for(admin_member), "bamboo.csv", BAMBOO)
    job = ImportJob.objects.get()
    mapping = people_mapping.PeopleMapping(columns=BAMBOOHR.guesses, organisation="Northwind")
    services.people_import_map(job=job, actor=admin_member, mapping=mapping)
    with pytest.raises(services.ValidationError) as error:
        services.people_import_map(job=job, actor=admin_member, mapping=mapping)
    assert error.value.messages == [services.IMPORT_NOT_WAITING]
    assert AuditEntry.objects.filter(action="import_job_map").count() == 1


def test_saved_mapping_is_in_its_authors_data_download_and_survives_their_erasure(
    admin_member, stranger
):
    from deskmate.people.data_rights import holdings, member_erase

    saved = services.people_mapping_save(
        actor=admin_member,
        name="Bamboo",
        labels=list(BAMBOOHR.guesses),
        mapping=people_mapping.PeopleMapping(columns=BAMBOOHR.guesses, organisation="N"),
    )
    holding = next(h for h in holdings() if h.kind == "people_mappings")
    assert [row["name"] for row in holding.export(admin_member)] == ["Bamboo"]
    assert holding.export(stranger) == []
    erasure = member_erase(member=admin_member, actor=admin_member)
    assert erasure.anonymised["people_mappings"] == 1
    saved.refresh_from_db()
    assert saved.created_by is None and saved.name == "Bamboo"


def test_cli_uses_the_saved_mapping_and_refuses_unknown_columns(admin_member, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from deskmate.network.management.commands.import_people import NEEDS_MAPPING

    path = tmp_path / "bamboohr.csv"
    path.write_bytes(BAMBOO)
    with pytest.raises(CommandError) as error:
        call_command("import_people", str(path), "--no-progress")
    assert str(error.value) == NEEDS_MAPPING.format(name="bamboohr.csv")
    assert Member.objects.count() == 1

    services.people_mapping_save(
        actor=admin_member,
        name="Bamboo",
        labels=list(BAMBOOHR.guesses),
        mapping=people_mapping.PeopleMapping(
            columns=BAMBOOHR.guesses, organisation="Northwind Traders", date_order="month_first"
        ),
    )
    out = io.StringIO()
    call_command("import_people", str(path), "--no-progress", stdout=out)
    assert out.getvalue().strip() == (
        "Imported bamboohr.csv: 5 members added, 4 reporting lines added, 5 positions added"
    )
    assert Member.objects.get(external_id="1002").manager.external_id == "1001"
