"""Publishing asks first (counts and the e-mails people will get), then the worker publishes and tells."""

import re

import pytest
from django.core import mail

from deskmate.mentoring.models import Mentorship
from deskmate.notifications.models import EmailDelivery, Notification
from deskmate.people.services import WAY_IN, member_create
from deskmate.programmes import publishing, services
from deskmate.programmes.models import MatchRun, Programme, Publication
from tests.conftest import client_for
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def newcomer(db):
    """Imported with no password: she can only sign in through the link her e-mail carries."""
    return member_create(
        email="ines@example.org", password=None, first_name="Inès", last_name="Moreau"
    )


@pytest.fixture
def proposal(cohort, coordinator, newcomer, mentor):
    """Three mentees for two mentor places: two pairs (the newcomer pinned to Daniel), one left out."""
    apply(cohort, newcomer, "mentee", actor=coordinator, goals="Find my feet")
    services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=newcomer, mentor=mentor, kind="pin"
    )
    run = services.match_run_start(programme=cohort, actor=coordinator, method="optimal")
    assert run.pairs.count() == 2 and len(run.metrics["unmatched"]) == 1
    return run


def publish_url(run) -> str:
    return f"/programmes/{run.programme_id}/runs/{run.pk}/publish/"


def test_the_confirmation_shows_the_counts_and_the_e_mails(proposal, as_coordinator, newcomer):
    page = as_coordinator.get(publish_url(proposal))
    text = text_of(page)
    assert page.status_code == 200
    for label, value in (
        ("count-pairs", 2),
        ("count-mentees", 2),
        ("count-mentors", 2),
        ("count-newcomers", 1),
        ("count-unmatched", 1),
    ):
        assert f'id="{label}">{value}<' in text, label
    assert "Inès Moreau" in text
    mentee_sample, mentor_sample = publishing.publication_preview(proposal).samples
    # The sample pair is the one with the newcomer, so the password line shows too.
    assert (mentee_sample.role, mentee_sample.name) == ("mentee", "Inès Moreau")
    assert (mentor_sample.role, mentor_sample.name) == ("mentor", "Daniel Okafor")
    assert (
        mentee_sample.subject
        == "[deskmate] You have been matched with Daniel Okafor in Spring mentoring"
    )
    assert "Why you were matched: " in mentee_sample.body
    # Her sample shows where her link goes, never the link itself (it would let anyone in).
    assert f"{WAY_IN} {publishing.SAMPLE_PASSWORD_LINK}" in mentee_sample.body
    assert WAY_IN not in mentor_sample.body
    assert mentee_sample.body in page.content.decode().replace("&#x27;", "'")
    assert "/accounts/password/reset/" not in page.content.decode()
    assert "/reset/" not in page.content.decode()
    assert Publication.objects.count() == 0 and Mentorship.objects.count() == 0


def test_unconfirmed_publishing_does_nothing(proposal, as_coordinator):
    response = as_coordinator.post(publish_url(proposal), {})
    assert response.status_code == 422
    assert services.PUBLISH_UNCONFIRMED in response.content.decode()
    assert (Publication.objects.count(), Mentorship.objects.count()) == (0, 0)


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_members_may_neither_see_nor_publish(request, proposal, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(publish_url(proposal)).status_code == 404
    assert client.post(publish_url(proposal), {"confirm": "on"}).status_code == 404
    assert (Publication.objects.count(), Mentorship.objects.count()) == (0, 0)
    assert MatchRun.objects.get().status == MatchRun.Status.DONE


def test_the_worker_publishes_and_tells_everyone_once(
    run_tasks, proposal, coordinator, newcomer, client
):
    as_coordinator = client_for(coordinator)
    preview = publishing.publication_preview(proposal)
    response = as_coordinator.post(publish_url(proposal), {"confirm": "on"})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.status == Publication.Status.QUEUED
    assert Mentorship.objects.count() == 0
    waiting = as_coordinator.get(publish_url(proposal))
    assert b'http-equiv="refresh"' in waiting.content and b"Waiting" in waiting.content
    # Asking again while it waits is refused, and queues nothing more.
    again = as_coordinator.post(publish_url(proposal), {"confirm": "on"})
    assert again.status_code == 409 and services.PUBLISH_UNDER_WAY in again.content.decode()
    assert Publication.objects.count() == 1

    run_tasks()

    publication.refresh_from_db()
    proposal.refresh_from_db()
    assert (publication.status, proposal.status, proposal.published_by) == (
        Publication.Status.DONE,
        MatchRun.Status.PUBLISHED,
        coordinator,
    )
    pairs = list(proposal.pairs.all())
    assert {(m.requester_id, m.recipient_id) for m in Mentorship.objects.all()} == {
        (pair.mentee_id, pair.mentor_id) for pair in pairs
    }
    matched = {pair.mentee_id for pair in pairs} | {pair.mentor_id for pair in pairs}
    unmatched = proposal.metrics["unmatched"]
    assert publication.summary == {
        "mentorships": 2,
        "told": 5,
        "newcomers": 1,
        "unmatched": 1,
    }
    # Five people, one e-mail each, all sent.
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 5 and len(by_address) == 5
    assert EmailDelivery.objects.filter(status="sent").count() == 5
    # The newcomer's e-mail, matched or not, carries her way in: a link that opens a password form.
    ines = by_address["ines@example.org"]
    link = re.search(re.escape(WAY_IN) + r" (\S+)", ines.body).group(1)
    form = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert form.status_code == 200 and "password" in form.content.decode().lower()
    # Everyone else has a password: no link for them.
    assert all(WAY_IN not in m.body for to, m in by_address.items() if to != "ines@example.org")
    # The samples were the real thing: the same subject and words, with the links filled in.
    mentorship = Mentorship.objects.get(requester=newcomer)
    for sample, sent in zip(preview.samples, (ines, by_address["daniel@example.org"]), strict=True):
        assert sent.subject == sample.subject
        assert sent.body == sample.body.replace(
            publishing.SAMPLE_MENTORSHIP_PATH, f"/mentorships/{mentorship.pk}/"
        ).replace(publishing.SAMPLE_PASSWORD_LINK, link)
    assert set(
        Notification.objects.filter(kind="programme_unmatched").values_list(
            "recipient_id", flat=True
        )
    ) == set(unmatched)
    assert matched | set(unmatched) == set(
        Notification.objects.values_list("recipient_id", flat=True)
    )

    result = text_of(as_coordinator.get(publish_url(proposal)))
    assert 'id="publication-status">Published<' in result
    assert "5 of 5 sent" in result

    twice = as_coordinator.post(publish_url(proposal), {"confirm": "on"})
    assert twice.status_code == 409 and services.RUN_ALREADY_PUBLISHED in twice.content.decode()
    run_tasks()
    assert (Mentorship.objects.count(), Publication.objects.count(), len(mail.outbox)) == (2, 1, 5)


def test_a_failed_publication_publishes_nothing_and_may_be_tried_again(
    proposal, coordinator, mentor
):
    publication = services.match_run_publish_queue(run=proposal, actor=coordinator)
    # Between the confirmation and the worker, a mentor's account is closed.
    pair = proposal.pairs.first()
    pair.mentor.user.is_active = False
    pair.mentor.user.save()
    services.publication_execute(publication)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.FAILED
    assert pair.mentor.name in publication.error
    assert Mentorship.objects.count() == 0 and Notification.objects.count() == 0
    pair.mentor.user.is_active = True
    pair.mentor.user.save()
    retry = services.match_run_publish_queue(run=proposal, actor=coordinator)
    services.publication_execute(retry)
    retry.refresh_from_db()
    assert (retry.status, Mentorship.objects.count(), Publication.objects.count()) == (
        Publication.Status.DONE,
        2,
        1,
    )


def test_a_publication_runs_once_even_when_its_task_comes_twice(proposal, coordinator):
    publication = services.match_run_publish_queue(run=proposal, actor=coordinator)
    services.publication_execute(publication)
    services.publication_execute(publication)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.DONE
    assert Mentorship.objects.count() == 2
    assert Notification.objects.filter(kind="mentorship_matched").count() == 4


def test_a_peer_round_is_confirmed_as_peers(
    coordinator, as_coordinator, mentee, mentor, second_mentee, second_mentor
):
    peers = services.programme_create(actor=coordinator, name="Copilots", kind=Programme.Kind.PEER)
    for member in (mentee, mentor, second_mentee, second_mentor):
        apply(peers, member, "peer")
    run = services.match_run_start(programme=peers, actor=coordinator)
    text = text_of(as_coordinator.get(publish_url(run)))
    assert 'id="count-pairs">2<' in text and 'id="count-mentees">4<' in text
    assert "<dt>Peers</dt>" in text and 'id="count-mentors"' not in text
    samples = publishing.publication_preview(run).samples
    assert [sample.role for sample in samples] == ["peer", "peer"]
    assert all(sample.subject.endswith(" in Copilots") for sample in samples)
