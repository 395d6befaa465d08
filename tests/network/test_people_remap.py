"""A refused people file is mapped again from the same upload: no second upload, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deskmate.core.models import AuditEntry
from deskmate.network.models import ImportJob
from deskmate.people.models import Member, Position
from tests.conftest import client_for, make_member
from tests.network.test_people_mapping import BAMBOO, bamboo_mapping_post, bearer
from tests.network.test_people_mapping_fixtures import upload

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    return Member.objects.count(), Position.objects.count()


@pytest.fixture
def refused(admin_member, run_tasks) -> ImportJob:
    """The BambooHR report mapped with dates "as written": 03/04/2019 could be either."""
    admin = client_for(admin_member)
    upload(admin, "bamboo.csv", BAMBOO)
    job = ImportJob.objects.get()
    admin.post(reverse("import_mapping", args=[job.pk]), bamboo_mapping_post(date_order=""))
    run_tasks()
    job.refresh_from_db()
    return job


def test_a_refused_file_is_kept_and_mapped_again(admin_member, refused, run_tasks):
    before = counts()
    assert refused.status == ImportJob.Status.FAILED
    assert any("row 3" in error and "Hire Date" in error for error in refused.errors), (
        refused.errors
    )
    assert refused.can_remap and bytes(refused.payload) == BAMBOO
    admin = client_for(admin_member)
    page = admin.get(reverse("import_detail", args=[refused.pk])).text
    assert "Map the columns of this file again" in page
    assert reverse("import_mapping", args=[refused.pk]) in page

    # The mapping page comes back with the mapping the file was refused with.
    form = admin.get(reverse("import_mapping", args=[refused.pk])).context["form"]
    assert form["date_order"].initial == ""
    assert form["organisation"].initial == "Northwind Traders"
    assert counts() == before

    response = admin.post(
        reverse("import_mapping", args=[refused.pk]), bamboo_mapping_post(date_order="month_first")
    )
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.status == ImportJob.Status.QUEUED and refused.errors == []
    run_tasks()
    refused.refresh_from_db()
    assert refused.status == ImportJob.Status.DONE, refused.errors
    assert refused.summary["lines"][0] == "5 members added"
    assert Member.objects.get(external_id="1002").manager.external_id == "1001"
    # Done: the file goes, and there is nothing left to map again.
    assert refused.payload is None and not refused.can_remap
    assert ImportJob.objects.count() == 1
    assert AuditEntry.objects.filter(action="import_job_map").count() == 2

    after = counts()
    again = admin.post(
        reverse("import_mapping", args=[refused.pk]), bamboo_mapping_post(date_order="month_first")
    )
    assert again.status_code == 302 and again.url == reverse("import_detail", args=[refused.pk])
    run_tasks()
    assert counts() == after


def test_a_bad_mapping_of_a_refused_file_changes_nothing(admin_member, refused):
    before = counts()
    response = bearer(admin_member).post(
        f"/api/v1/imports/{refused.pk}/mapping",
        {"columns": {"Employee #": "ignore"}, "organisation": "Northwind Traders"},
        content_type="application/json",
    )
    assert response.status_code == 422
    refused.refresh_from_db()
    assert refused.status == ImportJob.Status.FAILED and refused.can_remap
    assert refused.errors and counts() == before


def test_the_api_maps_a_refused_file_again(admin_member, refused, run_tasks):
    api = bearer(admin_member)
    shown = api.get(f"/api/v1/imports/{refused.pk}").json()
    assert shown["status"] == "failed" and shown["can_remap"] is True
    response = api.post(
        f"/api/v1/imports/{refused.pk}/mapping",
        {
            "columns": refused.mapping["columns"],
            "organisation": "Northwind Traders",
            "date_order": "month_first",
        },
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    run_tasks()
    refused.refresh_from_db()
    assert refused.status == ImportJob.Status.DONE, refused.errors
    assert Member.objects.filter(external_id__in=["1001", "1002", "1005"]).count() == 3


def test_no_one_else_maps_a_refused_file(admin_member, refused, as_stranger, stranger):
    other_admin = make_member("second.admin@example.org", "Second", "Admin")
    other_admin.role = Member.Role.ADMIN
    other_admin.save()
    before = counts()
    for member, client in ((stranger, as_stranger), (other_admin, client_for(other_admin))):
        url = reverse("import_mapping", args=[refused.pk])
        assert client.get(url).status_code == 404
        post = bamboo_mapping_post(date_order="month_first")
        assert client.post(url, post).status_code == 404
        response = bearer(member).post(
            f"/api/v1/imports/{refused.pk}/mapping",
            {"columns": refused.mapping["columns"], "date_order": "month_first"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert bearer(member).get(f"/api/v1/imports/{refused.pk}").status_code == 404
    refused.refresh_from_db()
    assert refused.status == ImportJob.Status.FAILED and counts() == before


def test_other_refused_imports_keep_nothing(mentee, run_tasks):
    client_for(mentee).post(
        reverse("imports"),
        {"kind": "vcard", "vcard-vcard": SimpleUploadedFile("c.vcf", b"BEGIN:VCARD\nFN:x\n")},
    )
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.payload is None and not job.can_remap
