"""Pages that wait for background work: htmx polls their live part, which stops once the job is done.

Each page answers an htmx request (the ``HX-Request`` header) with its live part alone, through
the same view and so the same access check; a browser without JavaScript gets the whole page
with a <noscript> refresh.
"""

import pytest
from django.urls import reverse

from deskmate.network.models import ImportJob
from deskmate.programmes.models import ApplicationImport, MatchRun, Publication
from tests.conftest import client_for
from tests.programmes.conftest import programme  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
POLLING = 'hx-trigger="every 2s"'


@pytest.fixture
def job(mentee):
    job = ImportJob.objects.create(owner=mentee, kind=ImportJob.Kind.VCARD, file_name="a.vcf")
    job.mark_running()
    job.report_progress(40)
    return job


def part_of(client, url) -> str:
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_a_running_import_answers_htmx_with_its_progress_only(job, mentee):
    url = reverse("import_detail", args=[job.pk])
    part = part_of(client_for(mentee), url)

    assert part.startswith(f'<div id="import-live" hx-get="{url}" {POLLING}')
    assert 'value="40" aria-label="Import progress"' in part
    assert "<html" not in part and "Back to imports" not in part


def test_a_finished_import_part_shows_the_result_and_stops_polling(job, mentee):
    job.mark_done(summary={"lines": ["2 contacts added"], "kinds": {}})
    url = reverse("import_detail", args=[job.pk])
    part = part_of(client_for(mentee), url)

    assert part.startswith('<div id="import-live">')
    assert "hx-trigger" not in part and "<progress" not in part
    assert "<li>2 contacts added</li>" in part


def test_without_javascript_the_import_page_refreshes_itself(job, mentee):
    page = client_for(mentee).get(reverse("import_detail", args=[job.pk])).content.decode()

    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "/static/deskmate/vendor/htmx-2.0.11.min.js" in page
    assert f'<a href="{reverse("import_detail", args=[job.pk])}">Refresh</a>' in page


def test_a_stranger_polling_someone_elses_import_is_refused(job, stranger):
    response = client_for(stranger).get(reverse("import_detail", args=[job.pk]), **HTMX)

    assert response.status_code == 404
    assert "Import progress" not in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == "running"


def test_a_running_match_run_polls_and_a_finished_one_stops(programme, coordinator):  # noqa: F811
    run = MatchRun.objects.create(programme=programme, method="optimal", created_by=coordinator)
    run.mark_running()
    run.report_progress(55)
    url = reverse("programme_run", args=[programme.pk, run.pk])
    client = client_for(coordinator)

    running = part_of(client, url)
    assert running.startswith(f'<div id="run-live" hx-get="{url}" {POLLING}')
    assert 'value="55" aria-label="Matching progress"' in running
    assert "Spring mentoring" not in running, "the programme's header is not sent again"

    run.mark_done()
    finished = part_of(client, url)
    assert finished.startswith('<div id="run-live">')
    assert "hx-trigger" not in finished
    assert '<h2 id="pairs-h">Proposed pairs</h2>' in finished


def test_a_stranger_polling_a_match_run_is_refused(programme, coordinator, stranger):  # noqa: F811
    run = MatchRun.objects.create(programme=programme, method="optimal", created_by=coordinator)
    run.mark_running()
    url = reverse("programme_run", args=[programme.pk, run.pk])

    response = client_for(stranger).get(url, **HTMX)

    assert response.status_code == 404
    assert "Matching progress" not in response.content.decode()
    assert MatchRun.objects.filter(programme=programme).count() == 1


def test_a_publication_in_progress_polls_its_part(programme, coordinator, stranger):  # noqa: F811
    run = MatchRun.objects.create(programme=programme, method="optimal", created_by=coordinator)
    run.mark_done()
    publication = Publication.objects.create(run=run)
    publication.mark_running()
    publication.report_progress(20)
    url = reverse("programme_run_publish", args=[programme.pk, run.pk])

    part = part_of(client_for(coordinator), url)
    assert part.startswith(f'<div id="publish-live" hx-get="{url}" {POLLING}')
    assert 'value="20" aria-label="Publishing progress"' in part

    refused = client_for(stranger).get(url, **HTMX)
    assert refused.status_code == 404
    assert "Publishing progress" not in refused.content.decode()
    assert Publication.objects.get(pk=publication.pk).status == "running"


def test_an_application_import_polls_until_it_is_done(programme, coordinator, stranger):  # noqa: F811
    upload = ApplicationImport.objects.create(
        programme=programme, owner=coordinator, file_name="apps.csv", status="queued"
    )
    url = reverse("programme_import_result", args=[programme.pk, upload.pk])
    client = client_for(coordinator)

    queued = part_of(client, url)
    assert queued.startswith(f'<div id="import-live" hx-get="{url}" {POLLING}')
    assert 'id="import-queued"' in queued

    refused = client_for(stranger).get(url, **HTMX)
    assert refused.status_code == 404
    assert "apps.csv" not in refused.content.decode()

    upload.status = ApplicationImport.Status.DONE
    upload.summary = {"created": 3, "updated": 0, "unchanged": 0, "members_created": 1}
    upload.save()
    done = part_of(client, url)
    assert done.startswith('<div id="import-live">') and "hx-trigger" not in done
    assert "<li>3 applications added</li>" in done


def test_a_poll_after_signing_out_sends_the_browser_to_sign_in(job, client):
    url = reverse("import_detail", args=[job.pk])
    response = client.get(
        url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{url}"
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next={url}"
    assert "Import progress" not in response.content.decode()
    plain = client.get(url)
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/?next=")
