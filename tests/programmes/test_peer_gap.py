"""A large peer round is rounded, and the run page says how far it may be from the best."""

import re

import pytest

from deskmate.engine import peer_pairing
from deskmate.programmes import services
from deskmate.programmes.models import Programme
from tests.conftest import client_for
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_peers(coordinator, mentee, mentor, second_mentee):
    """Three peers: any round leaves one out, which the double cover cannot see."""
    peers = services.programme_create(actor=coordinator, name="Copilots", kind=Programme.Kind.PEER)
    for member in (mentee, mentor, second_mentee):
        apply(peers, member, "peer")
    return peers


def run_page(client, run) -> str:
    response = client.get(f"/programmes/{run.programme_id}/runs/{run.pk}/")
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_rounded_peer_round_reports_its_gap_in_words(
    three_peers, coordinator, as_coordinator, monkeypatch
):
    monkeypatch.setattr(peer_pairing, "EXACT_UP_TO", 2)
    run = services.match_run_start(programme=three_peers, actor=coordinator)
    metrics = run.metrics
    assert run.pairs.count() == 1
    assert metrics["bound"] > metrics["total_score"] > 0
    assert metrics["gap"] == pytest.approx(
        (metrics["bound"] - metrics["total_score"]) / metrics["bound"], abs=1e-6
    )
    assert metrics["peer_gap_words"].startswith("A large round is paired by rounding")
    assert f"within {metrics['gap'] * 100:.2g}% of the best possible" in metrics["peer_gap_words"]
    assert f"its total of {metrics['total_score']:.2f}" in metrics["peer_gap_words"]
    text = run_page(as_coordinator, run)
    assert f'id="run-peer-gap">{metrics["peer_gap_words"]}<' in text


def test_an_exact_peer_round_says_nothing_of_a_gap(three_peers, coordinator, as_coordinator):
    run = services.match_run_start(programme=three_peers, actor=coordinator)
    assert run.pairs.count() == 1
    assert run.metrics["gap"] == 0.0
    assert run.metrics["bound"] == run.metrics["total_score"]
    assert "peer_gap_words" not in run.metrics
    assert 'id="run-peer-gap"' not in run_page(as_coordinator, run)


def test_a_stranger_does_not_see_the_round(three_peers, coordinator, stranger, monkeypatch):
    monkeypatch.setattr(peer_pairing, "EXACT_UP_TO", 2)
    run = services.match_run_start(programme=three_peers, actor=coordinator)
    before = three_peers.runs.count()
    response = client_for(stranger).get(f"/programmes/{run.programme_id}/runs/{run.pk}/")
    assert response.status_code in (403, 404)
    assert "A large round" not in response.content.decode()
    assert three_peers.runs.count() == before
