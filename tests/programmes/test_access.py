"""Who may open what: coordinators manage, applicants see their own application, the stranger gets 404."""

import pytest

from deskmate.mentoring.models import Mentorship
from deskmate.people import services as people_services
from deskmate.programmes import services
from deskmate.programmes.models import Application, MatchRun, PairRule, Programme, Publication
from tests.conftest import client_for
from tests.people.test_api import bearer
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db

MANAGEMENT_PAGES = [
    "/programmes/{p}/edit/",
    "/programmes/{p}/applications/",
    "/programmes/{p}/applications/{a}/",
    "/programmes/{p}/invite/",
    "/programmes/{p}/import/",
    "/programmes/{p}/rules/",
    "/programmes/{p}/attributes/",
    "/programmes/{p}/runs/{r}/",
    "/programmes/{p}/runs/{r}/publish/",
    "/programmes/{p}/health/",
    "/programmes/{p}/report.csv",
]
MANAGEMENT_POSTS = [
    "/programmes/{p}/runs/",
    "/programmes/{p}/runs/{r}/publish/",
    "/programmes/{p}/runs/{r}/rule/",
    "/programmes/{p}/rules/{rule}/remove/",
    "/programmes/{p}/applications/{a}/withdraw/",
]
MANAGEMENT_API = [
    ("get", "/api/v1/programmes/{p}/applications"),
    ("get", "/api/v1/programmes/{p}/runs"),
    ("get", "/api/v1/programmes/{p}/runs/{r}"),
    ("post", "/api/v1/programmes/{p}/runs"),
    ("post", "/api/v1/programmes/{p}/runs/{r}/publish"),
    ("get", "/api/v1/programmes/{p}/runs/{r}/publish"),
    ("get", "/api/v1/programmes/{p}/invitations"),
    ("get", "/api/v1/programmes/{p}/at-risk"),
    ("get", "/api/v1/programmes/{p}/rules"),
    ("get", "/api/v1/programmes/{p}/attributes"),
    ("get", "/api/v1/programmes/{p}/attribute-rules"),
    ("get", "/api/v1/programmes/{p}/quotas"),
    ("post", "/api/v1/programmes/{p}/rules"),
    ("delete", "/api/v1/programmes/{p}/rules/{rule}"),
    ("get", "/api/v1/programmes/{p}/report"),
    ("get", "/api/v1/programmes/{p}/report.csv"),
]


@pytest.fixture
def setup(cohort, coordinator, mentee, mentor):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    rule = services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    )
    application = Application.objects.get(programme=cohort, member=mentee)
    return {"p": cohort.pk, "r": run.pk, "rule": rule.pk, "a": application.pk}


def urls(templates, ids):
    return [template.format(**ids) for template in templates]


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_management_pages_are_404_to_members(request, setup, who):
    client = client_for(request.getfixturevalue(who))
    for url in urls(MANAGEMENT_PAGES, setup) + ["/programmes/new/"]:
        assert client.get(url).status_code == 404, url
    for url in urls(MANAGEMENT_POSTS, setup):
        assert (
            client.post(
                url, {"method": "optimal", "kind": "pin", "mentee": 1, "mentor": 2}
            ).status_code
            == 404
        ), url
    assert MatchRun.objects.count() == 1
    assert MatchRun.objects.get().status == MatchRun.Status.DONE
    assert PairRule.objects.count() == 1
    assert Application.objects.filter(status="withdrawn").count() == 0


def test_management_pages_open_for_the_coordinator(setup, as_coordinator):
    for url in urls(MANAGEMENT_PAGES, setup) + ["/programmes/new/", f"/programmes/{setup['p']}/"]:
        assert as_coordinator.get(url).status_code == 200, url


def test_anonymous_is_sent_to_sign_in(client, setup):
    for url in urls(MANAGEMENT_PAGES, setup) + [f"/programmes/{setup['p']}/", "/programmes/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_stranger_sees_an_open_programme_but_no_application(setup, as_stranger):
    response = as_stranger.get(f"/programmes/{setup['p']}/")
    assert response.status_code == 200
    assert b"Apply" in response.content
    assert b"my-application" not in response.content
    assert b"Maya" not in response.content


def test_an_applicant_sees_their_own_application(setup, as_mentee):
    response = as_mentee.get(f"/programmes/{setup['p']}/")
    assert response.status_code == 200
    assert b'id="my-application"' in response.content
    assert b"Lead a team" in response.content
    assert b"Speak at a conference" not in response.content  # Nina's goals


def test_a_closed_programme_is_404_to_the_stranger_but_not_to_its_applicant(
    setup, cohort, as_stranger, as_mentee
):
    cohort.open_signup = False
    cohort.save()
    assert as_stranger.get(f"/programmes/{setup['p']}/").status_code == 404
    assert as_stranger.get(f"/programmes/{setup['p']}/apply/").status_code == 404
    assert as_mentee.get(f"/programmes/{setup['p']}/").status_code == 200


def test_an_invited_member_may_apply_to_a_closed_programme(
    cohort, coordinator, stranger, as_stranger
):
    cohort.open_signup = False
    cohort.save()
    services.invitations_send(programme=cohort, actor=coordinator, emails=["SAM@example.org"])
    response = as_stranger.post(
        f"/programmes/{cohort.pk}/apply/", {"role": "mentee", "goals": "Learn"}
    )
    assert response.status_code == 302
    assert Application.objects.get(member=stranger).source == "invitation"


def test_applying_through_the_page(programme, stranger, as_stranger, mentor):
    apply(programme, mentor, "mentor")
    page = as_stranger.get(f"/programmes/{programme.pk}/apply/")
    assert b"Mentor you would like most" in page.content
    response = as_stranger.post(
        f"/programmes/{programme.pk}/apply/",
        {
            "role": "mentee",
            "goals": "Lead a team",
            "answer_0": "To grow",
            "topic_0": "1",
            "topic_1": "0",
            "mentor_0": str(mentor.pk),
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(member=stranger)
    assert (
        application.role,
        application.topics,
        application.answers,
        application.mentor_preferences,
    ) == (
        "mentee",
        {"Leadership": 1, "Public speaking": 0},
        {"Why do you join?": "To grow"},
        [mentor.pk],
    )


def test_enrolment_closed_refuses_applications(programme, as_stranger, stranger):
    import datetime as dt

    programme.enrolment_closes_on = dt.date(2000, 1, 1)
    programme.save()
    assert as_stranger.get(f"/programmes/{programme.pk}/apply/").status_code == 404
    assert not Application.objects.filter(member=stranger).exists()


# ---------------------------------------------------------------- API


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_management_api_is_404_to_members(request, setup, who):
    client = bearer(request.getfixturevalue(who))
    for method, url in MANAGEMENT_API:
        url = url.format(**setup)
        body = {"mentee_id": 1, "mentor_id": 2, "kind": "pin"} if url.endswith("rules") else {}
        response = (
            getattr(client, method)(url, body, content_type="application/json")
            if method == "post"
            else getattr(client, method)(url)
        )
        assert response.status_code == 404, (method, url, response.status_code)
    assert MatchRun.objects.count() == 1 and PairRule.objects.count() == 1


def test_management_api_for_the_coordinator(setup, coordinator, mentee, second_mentor):
    client = bearer(coordinator)
    p = setup["p"]
    # Maya may only have Olivia (Daniel is forbidden to her); Olivia ranks Maya first.
    services.application_submit(
        programme=Programme.objects.get(pk=p),
        member=second_mentor,
        actor=coordinator,
        role="mentor",
        capacity=1,
        mentee_preferences=[mentee.pk],
    )
    assert len(client.get(f"/api/v1/programmes/{p}/applications").json()) == 4
    run = client.post(
        f"/api/v1/programmes/{p}/runs", {"method": "stable"}, content_type="application/json"
    )
    assert run.status_code == 201
    body = run.json()
    assert body["method"] == "stable" and body["status"] == "done"
    assert len(body["pairs"]) == 2 and all(pair["reasons"] for pair in body["pairs"])
    assert body["metrics"]["number_matched"] == 2
    rule = client.post(
        f"/api/v1/programmes/{p}/rules",
        {"mentee_id": mentee.pk, "mentor_id": second_mentor.pk, "kind": "pin"},
        content_type="application/json",
    )
    assert rule.status_code == 201 and rule.json()["kind"] == "pin"
    publish = f"/api/v1/programmes/{p}/runs/{body['id']}/publish"
    preview = client.get(publish).json()
    assert (preview["pairs"], preview["mentees"], preview["mentors"], preview["unmatched"]) == (
        2,
        2,
        2,
        0,
    )
    assert [sample["role"] for sample in preview["samples"]] == ["mentee", "mentor"]
    unconfirmed = client.post(publish, {"confirm": False}, content_type="application/json")
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["detail"] == [
        {"loc": ["confirm"], "msg": services.PUBLISH_UNCONFIRMED}
    ]
    assert Publication.objects.count() == 0
    published = client.post(publish, {"confirm": True}, content_type="application/json")
    assert published.status_code == 202 and published.json()["status"] == "queued"
    services.publication_execute(Publication.objects.get())
    assert client.get(publish).json()["publication"]["status"] == "done"
    again = client.post(publish, {"confirm": True}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"] == services.RUN_ALREADY_PUBLISHED
    assert Mentorship.objects.count() == 2 and Publication.objects.count() == 1
    report = client.get(f"/api/v1/programmes/{p}/report").json()
    assert (report["matched"], report["seeking"], report["active_mentorships"]) == (2, 2, 2)
    assert client.delete(f"/api/v1/programmes/{p}/rules/{rule.json()['id']}").status_code == 204


def test_programme_list_and_create_through_the_api(setup, coordinator, stranger):
    created = bearer(coordinator).post(
        "/api/v1/programmes",
        {"name": "Reverse 2025", "kind": "reverse", "tie_weight": -0.5},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert (created.json()["slug"], created.json()["tie_weight"]) == ("reverse-2025", -0.5)
    refused = bearer(stranger).post(
        "/api/v1/programmes", {"name": "Mine"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Programme.objects.filter(name="Mine").count() == 0
    names = {p["name"] for p in bearer(stranger).get("/api/v1/programmes").json()}
    assert names == {"Spring mentoring", "Reverse 2025"}


def test_applying_and_reading_your_application_through_the_api(setup, stranger, mentee):
    client = bearer(stranger)
    p = setup["p"]
    assert client.get(f"/api/v1/programmes/{p}/application").status_code == 404
    response = client.post(
        f"/api/v1/programmes/{p}/applications",
        {"role": "mentee", "goals": "Grow", "topics": {"Leadership": 1}},
        content_type="application/json",
    )
    assert response.status_code == 201
    own = client.get(f"/api/v1/programmes/{p}/application").json()
    assert (own["member"]["name"], own["role"], own["topics"]) == (
        "Sam Stranger",
        "mentee",
        {"Leadership": 1},
    )
    refused = client.post(
        f"/api/v1/programmes/{p}/applications", {"role": "sponsor"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert Application.objects.get(member=stranger).role == "mentee"


def test_closed_programme_api_is_404_to_the_stranger(setup, cohort, stranger):
    cohort.open_signup = False
    cohort.save()
    client = bearer(stranger)
    assert client.get(f"/api/v1/programmes/{cohort.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/programmes/{cohort.pk}/applications",
            {"role": "mentee"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert not Application.objects.filter(member=stranger).exists()


def test_schema_lists_programme_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/programmes",
        "/api/v1/programmes/{programme_id}/applications",
        "/api/v1/programmes/{programme_id}/runs",
        "/api/v1/programmes/{programme_id}/runs/{run_id}",
        "/api/v1/programmes/{programme_id}/runs/{run_id}/publish",
        "/api/v1/programmes/{programme_id}/rules",
        "/api/v1/programmes/{programme_id}/report",
    ):
        assert path in paths


@pytest.mark.parametrize("visibility", ["coordinators", "ties"])
def test_ranking_a_hidden_mentor_is_answered_like_an_unknown_id(
    programme, mentee, mentor, visibility
):
    """A mentee may rank only mentors whose profile they may open; anything else reads as no such mentor."""
    apply(programme, mentor, "mentor", capacity=1)
    people_services.profile_update(member=mentor, actor=mentor, visibility=visibility)
    client = bearer(mentee)
    url = f"/api/v1/programmes/{programme.pk}/applications"
    answers = [
        client.post(
            url,
            {"role": "mentee", "mentor_preferences": [member_id]},
            content_type="application/json",
        )
        for member_id in (mentor.pk, 999_999)
    ]
    assert [answer.status_code for answer in answers] == [422, 422]
    assert (
        answers[0].json()
        == answers[1].json()
        == {"detail": [{"loc": ["mentor_preferences"], "msg": services.NOT_A_MENTOR_HERE}]}
    )
    assert Application.objects.filter(member=mentee).count() == 0


def test_a_mentor_ranking_a_hidden_mentee_is_answered_like_an_unknown_id(programme, mentee, mentor):
    apply(programme, mentor, "mentor", capacity=1)
    apply(programme, mentee, "mentee")
    people_services.profile_update(member=mentee, actor=mentee, visibility="coordinators")
    client = bearer(mentor)
    url = f"/api/v1/programmes/{programme.pk}/application/ranking"
    answers = [
        client.post(url, {"mentee_ids": [member_id]}, content_type="application/json")
        for member_id in (mentee.pk, 999_999)
    ]
    assert [answer.status_code for answer in answers] == [422, 422]
    assert (
        answers[0].json()
        == answers[1].json()
        == {"detail": [{"loc": ["mentee_preferences"], "msg": services.NOT_A_MENTEE_HERE}]}
    )
    assert Application.objects.get(member=mentor).mentee_preferences == []
