"""A programme is run by its own coordinators: another programme's coordinator gets 404."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from deskmate.core.models import AuditEntry
from deskmate.people.models import Member
from deskmate.programmes import selectors, services
from deskmate.programmes.models import Application, MatchRun, PairRule, Programme, Quota
from tests.conftest import client_for, make_member
from tests.people.test_api import bearer
from tests.programmes.test_access import MANAGEMENT_API, MANAGEMENT_PAGES, MANAGEMENT_POSTS, urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_coordinator(db):
    return make_member("oscar@example.org", "Oscar", "Lind", role=Member.Role.COORDINATOR)


@pytest.fixture
def setup(cohort, coordinator, mentee, mentor):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    rule = services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    )
    application = Application.objects.get(programme=cohort, member=mentee)
    return {"p": cohort.pk, "r": run.pk, "rule": rule.pk, "a": application.pk}


def test_the_creator_coordinates_the_programme_they_create(programme, coordinator):
    assert list(programme.coordinators.all()) == [coordinator]
    assert selectors.coordinates(coordinator, programme)


def test_another_programmes_coordinator_is_refused_everywhere(setup, other_coordinator):
    client = client_for(other_coordinator)
    for url in urls(MANAGEMENT_PAGES, setup) + [f"/programmes/{setup['p']}/coordinators/"]:
        assert client.get(url).status_code == 404, url
    for url in urls(MANAGEMENT_POSTS, setup):
        response = client.post(url, {"method": "optimal", "kind": "pin", "mentee": 1, "mentor": 2})
        assert response.status_code == 404, url
    api = bearer(other_coordinator)
    for method, url in MANAGEMENT_API:
        url = url.format(**setup)
        body = {"mentee_id": 1, "mentor_id": 2, "kind": "pin"} if url.endswith("rules") else {}
        response = (
            getattr(api, method)(url, body, content_type="application/json")
            if method == "post"
            else getattr(api, method)(url)
        )
        assert response.status_code == 404, (method, url, response.status_code)
    assert MatchRun.objects.count() == 1 and MatchRun.objects.get().status == MatchRun.Status.DONE
    assert PairRule.objects.count() == 1
    assert Application.objects.filter(status="withdrawn").count() == 0


def test_another_programmes_coordinator_sees_it_as_a_member_would(setup, other_coordinator):
    page = client_for(other_coordinator).get(f"/programmes/{setup['p']}/")
    assert page.status_code == 200
    assert b"Apply" in page.content and b'id="run-form"' not in page.content
    assert selectors.programmes_at_a_glance(other_coordinator) == []


def test_services_refuse_another_programmes_coordinator(cohort, other_coordinator):
    with pytest.raises(PermissionDenied, match=selectors.PROGRAMME_NOT_FOUND):
        services.match_run_start(programme=cohort, actor=other_coordinator)
    with pytest.raises(PermissionDenied):
        services.quota_add(
            programme=cohort, actor=other_coordinator, attribute="x", kind="at_most", limit=1
        )
    assert MatchRun.objects.count() == 0 and Quota.objects.count() == 0


def test_an_admin_runs_every_programme(setup, admin_member):
    client = client_for(admin_member)
    for url in urls(MANAGEMENT_PAGES, setup):
        assert client.get(url).status_code == 200, url
    assert [row["programme"].pk for row in selectors.programmes_at_a_glance(admin_member)] == [
        setup["p"]
    ]


def test_an_added_coordinator_runs_it_and_can_be_removed(
    cohort, coordinator, other_coordinator, mentee
):
    client = client_for(coordinator)
    page = client.get(f"/programmes/{cohort.pk}/coordinators/")
    assert b"Oscar Lind" in page.content  # offered to be added
    response = client.post(
        f"/programmes/{cohort.pk}/coordinators/",
        {"member": other_coordinator.pk, "action": "add"},
    )
    assert response.status_code == 302
    assert set(cohort.coordinators.all()) == {coordinator, other_coordinator}
    entry = AuditEntry.objects.filter(action="programme_coordinator_add").get()
    assert (entry.actor_id, entry.details) == (
        coordinator.pk,
        {"member": str(other_coordinator.pk)},
    )
    assert client_for(other_coordinator).get(f"/programmes/{cohort.pk}/health/").status_code == 200
    assert [row["programme"] for row in selectors.programmes_at_a_glance(other_coordinator)] == [
        cohort
    ]

    response = client_for(other_coordinator).post(
        f"/programmes/{cohort.pk}/coordinators/", {"member": coordinator.pk, "action": "remove"}
    )
    assert response.status_code == 302
    assert list(cohort.coordinators.all()) == [other_coordinator]
    assert client.get(f"/programmes/{cohort.pk}/health/").status_code == 404


def test_only_a_coordinator_can_be_added_and_the_last_one_stays(cohort, coordinator, mentee):
    with pytest.raises(ValidationError) as refused:
        services.programme_coordinator_add(programme=cohort, actor=coordinator, member=mentee)
    assert refused.value.message_dict == {
        "member": [services.NOT_A_COORDINATOR.format(name="Maya Patel")]
    }
    with pytest.raises(ValidationError) as refused:
        services.programme_coordinator_remove(
            programme=cohort, actor=coordinator, member=coordinator
        )
    assert refused.value.message_dict == {
        "member": [services.LAST_COORDINATOR.format(name="Claire Dubois")]
    }
    assert list(cohort.coordinators.all()) == [coordinator]


def test_the_page_refuses_a_member_who_is_not_a_coordinator(cohort, coordinator, mentee):
    response = client_for(coordinator).post(
        f"/programmes/{cohort.pk}/coordinators/", {"member": mentee.pk, "action": "add"}
    )
    assert response.status_code == 422
    assert list(cohort.coordinators.all()) == [coordinator]


def test_the_coordinators_api(cohort, coordinator, other_coordinator, mentee, stranger):
    api = bearer(coordinator)
    url = f"/api/v1/programmes/{cohort.pk}/coordinators"
    assert api.get(url).json() == [{"id": coordinator.pk, "name": "Claire Dubois"}]
    refused = api.post(url, {"member_id": mentee.pk}, content_type="application/json")
    assert refused.status_code == 422
    assert "Maya Patel is not a coordinator" in refused.content.decode()
    added = api.post(url, {"member_id": other_coordinator.pk}, content_type="application/json")
    assert added.status_code == 201
    assert [person["name"] for person in added.json()] == ["Claire Dubois", "Oscar Lind"]
    stranger_api = bearer(stranger)
    assert stranger_api.get(url).status_code == 404
    assert stranger_api.delete(f"{url}/{coordinator.pk}").status_code == 404
    assert cohort.coordinators.count() == 2
    assert api.delete(f"{url}/{other_coordinator.pk}").status_code == 204
    assert list(cohort.coordinators.all()) == [coordinator]


def test_the_migration_makes_each_creator_the_coordinator(programme, coordinator):
    programme.coordinators.clear()
    Programme.objects.create(name="Nobody's", slug="nobodys", created_by=None)
    migration = importlib.import_module(
        "deskmate.programmes.migrations.0008_programme_coordinators"
    )
    migration.creators_coordinate(apps, None)
    assert list(programme.coordinators.all()) == [coordinator]
    assert Programme.objects.get(slug="nobodys").coordinators.count() == 0
