"""Imports and match runs are one kind of background job, shown by one progress fragment."""

import pytest
from django.urls import reverse

from deskmate.network.models import ImportJob
from deskmate.programmes.models import MatchRun
from tests.conftest import client_for
from tests.programmes.conftest import programme  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(mentee):
    return ImportJob.objects.create(owner=mentee, kind=ImportJob.Kind.VCARD, file_name="a.vcf")


def test_a_job_moves_through_its_states(job):
    job.mark_running()
    job.refresh_from_db()
    assert (job.status, job.progress, job.is_finished) == ("running", 1, False)
    assert job.started_at is not None

    job.report_progress(140)
    job.refresh_from_db()
    assert job.progress == 99, "only a finished job is at 100"

    job.mark_done(summary={"created": {"contacts": 2}})
    assert (job.status, job.progress, job.summary, job.is_finished) == (
        "done",
        100,
        {"created": {"contacts": 2}},
        True,
    )
    assert job.finished_at >= job.started_at


def test_a_failed_job_keeps_its_reason_and_its_progress(job):
    job.mark_running()
    job.report_progress(40)
    job.mark_failed(errors=["a.vcf: not a vCard"])
    assert (job.status, job.progress, job.errors, job.is_finished) == (
        "failed",
        40,
        ["a.vcf: not a vCard"],
        True,
    )


def test_a_published_run_is_finished(programme, coordinator):  # noqa: F811
    run = MatchRun.objects.create(programme=programme, method="optimal")
    assert not run.is_finished
    run.status = MatchRun.Status.PUBLISHED
    assert run.is_finished


def test_both_pages_show_the_same_progress(job, mentee, programme, coordinator):  # noqa: F811
    job.mark_running()
    job.report_progress(30)
    run = MatchRun.objects.create(programme=programme, method="optimal", created_by=coordinator)
    run.mark_running()
    run.report_progress(55)

    import_page = client_for(mentee).get(reverse("import_detail", args=[job.pk])).content.decode()
    run_page = (
        client_for(coordinator)
        .get(reverse("programme_run", args=[programme.pk, run.pk]))
        .content.decode()
    )

    assert (
        '<progress max="100" value="30" aria-label="Import progress">30 %</progress>' in import_page
    )
    assert (
        '<progress max="100" value="55" aria-label="Matching progress">55 %</progress>' in run_page
    )
    for page in (import_page, run_page):
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
        assert "This page updates by itself; you can leave it." in page
