"""Large programmes are matched by the real task worker; the run page shows the progress."""

import pytest

from deskmate.programmes import services
from deskmate.programmes.models import MatchRun
from tests.conftest import client_for
from tests.programmes.conftest import apply


@pytest.fixture
def big_threshold(settings):
    settings.PROGRAMMES_BACKGROUND_ABOVE = 3


def test_a_large_run_goes_to_the_worker(
    run_tasks, big_threshold, programme, coordinator, mentee, second_mentee, mentor, second_mentor
):
    for member, role in (
        (mentee, "mentee"),
        (second_mentee, "mentee"),
        (mentor, "mentor"),
        (second_mentor, "mentor"),
    ):
        apply(programme, member, role)
    client = client_for(coordinator)
    response = client.post(f"/programmes/{programme.pk}/runs/", {"method": "optimal"})
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert run.status == MatchRun.Status.QUEUED
    page = client.get(f"/programmes/{programme.pk}/runs/{run.pk}/")
    assert b'http-equiv="refresh"' in page.content
    assert b"Waiting" in page.content

    run_tasks()
    run.refresh_from_db()
    assert (run.status, run.progress, run.pairs.count()) == (MatchRun.Status.DONE, 100, 2)
    page = client.get(f"/programmes/{programme.pk}/runs/{run.pk}/")
    assert b'http-equiv="refresh"' not in page.content
    assert b"Proposed" in page.content


def test_a_small_run_is_solved_at_once(db, programme, coordinator, mentee, mentor):
    apply(programme, mentee, "mentee")
    apply(programme, mentor, "mentor")
    run = services.match_run_start(programme=programme, actor=coordinator)
    assert run.status == MatchRun.Status.DONE
