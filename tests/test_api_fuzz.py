"""Generated requests to every API operation: no server error, no authorization failure.

Schemathesis reads the app's own OpenAPI schema and sends requests built from
it, valid values and invalid ones, to the app in-process through its WSGI
handler. Three identities sign the requests, described as a Web Fuzzing
Commons authentication document: Maya and Daniel (members) and Claire (a
coordinator). Schemathesis tries them in that order for each operation and
keeps the first one the operation admits, so coordinators' operations are
fuzzed as Claire. The checks:

- ``not_a_server_error``: no 5xx, whatever the input;
- ``ignored_auth``: every operation the schema says needs credentials answers
  401 without them and with invalid ones;
- ``object_level_authorization``: an object Maya reads is not served to
  Daniel (the two are peers), and the other way round.

Schemathesis draws ids at random, which seldom name a real object, so a
second pass fixes every id in the path to one of Maya's own objects (her
positions, goals, interactions, import, notification, her mentorship with
Claire and its milestone) and sends each generated request as Daniel first:
none may succeed. Then Maya sends it, and it must not be a server error.

All operations run in one test, so the personas and the database are set up
once. Generation is derandomised, so a run is the same every time. The
coverage phase is left out to keep the suite fast (the bounds it would probe
are tested by hand in ``test_api_input.py``).
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, object_level_authorization

from deskmate.api import api
from deskmate.people.models import ApiToken
from deskmate.people.services import API_TOKEN_PREFIX, api_token_hash

pytestmark = pytest.mark.django_db

#: Each persona's token; the rows are made by the ``personas`` fixture inside the test's transaction.
KEYS = {
    "maya": API_TOKEN_PREFIX + "fuzz-maya-" + "m" * 32,
    "daniel": API_TOKEN_PREFIX + "fuzz-daniel-" + "d" * 32,
    "claire": API_TOKEN_PREFIX + "fuzz-claire-" + "c" * 32,
}
CHECKS = [not_a_server_error, ignored_auth, object_level_authorization]
#: Generated requests per operation, valid and invalid ones.
EXAMPLES = 4


def _schema(tmp_dir, *, identities: bool = True):
    document = tmp_dir / "identities.json"
    document.write_text(
        json.dumps(
            {
                "auth": [
                    {
                        "name": name,
                        "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {key}"}],
                    }
                    for name, key in KEYS.items()
                ]
            }
        )
    )
    config: dict = {"phases": {"coverage": {"enabled": False}}}
    if identities:
        config["auth"] = {"wfc": {"path": str(document), "peers": ["maya", "daniel"]}}
    schema = schemathesis.openapi.from_dict(
        api.get_openapi_schema(), config=SchemathesisConfig.from_dict(config)
    )
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection open across requests, as Django's test client does.

    The WSGI handler closes connections when a request starts and ends; inside a
    test that would close the connection holding the test's transaction.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def personas(settings, in_test_transaction, mentee, mentor, coordinator, stranger):
    settings.RATE_LIMITS_ENABLED = False
    for member, key in zip((mentee, mentor, coordinator), KEYS.values(), strict=True):
        ApiToken.objects.create(
            member=member, name="fuzz", prefix=key[:10], key_hash=api_token_hash(key)
        )


def failures_of(operation) -> list[str]:
    """What the checks found on ``EXAMPLES`` generated requests to ``operation``."""
    found: list[str] = []

    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
    )
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, FailureGroup) as failure:
            found.append(f"{operation.label} as {case.auth_identity}: {failure}")

    run()
    return found


def test_generated_requests_meet_no_server_error_and_no_authorization_failure(personas, tmp_path):
    schema = _schema(tmp_path)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80
    failures = [failure for operation in operations for failure in failures_of(operation)]
    assert failures == []


@pytest.fixture
def mayas_objects(personas, mentee, coordinator) -> dict[str, int]:
    """An object of Maya's for each id a path may take, none of them Daniel's."""
    import datetime as dt

    from deskmate.mentoring import services as mentoring_services
    from deskmate.network import services as network_services
    from deskmate.network.models import ImportJob
    from deskmate.notifications.services import notify
    from deskmate.people import services as people_services

    position = people_services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme",
        unit="Payments",
        title="Engineer",
        start=dt.date(2020, 1, 1),
    )
    education = people_services.education_create(
        member=mentee,
        actor=mentee,
        school="Northfield University",
        degree="BSc",
        field="Computer Science",
        start=dt.date(2012, 9, 1),
        end=dt.date(2015, 6, 30),
    )
    people_services.profile_update(
        member=coordinator, actor=coordinator, open_to_mentoring=True, mentee_capacity=2
    )
    mentorship = mentoring_services.mentorship_request(
        requester=mentee, recipient=coordinator, message="Would you mentor me?"
    )
    mentorship = mentoring_services.mentorship_accept(mentorship=mentorship, actor=coordinator)
    milestone = mentoring_services.milestone_create(
        mentorship=mentorship, actor=mentee, title="Give the talk"
    )
    interaction = network_services.interaction_log(
        logged_by=mentee, other=coordinator, kind="lunch"
    )
    return {
        "position_id": position.pk,
        "education_id": education.pk,
        "goal_id": people_services.goal_create(member=mentee, actor=mentee, text="Lead a team").pk,
        "offer_id": people_services.offer_create(member=mentee, actor=mentee, text="CV reviews").pk,
        "member_skill_id": people_services.skill_add(member=mentee, actor=mentee, name="Go").pk,
        "interaction_id": interaction.pk,
        "job_id": ImportJob.objects.create(
            owner=mentee, kind="vcard", file_name="maya.vcf", status="done"
        ).pk,
        "notification_id": notify(recipient=mentee, kind="welcome", title="Welcome").pk,
        "mentorship_id": mentorship.pk,
        "milestone_id": milestone.pk,
    }


def failures_on_owned(operation, ids: dict[str, int]) -> list[str]:
    """Requests naming Maya's objects: refused to Daniel, never a server error for Maya."""
    found: list[str] = []
    as_daniel = {"Authorization": f"Bearer {KEYS['daniel']}"}
    as_maya = {"Authorization": f"Bearer {KEYS['maya']}"}

    @given(case=operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids))
    @settings(
        max_examples=OWNED_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        stranger = case.call(headers=as_daniel)
        if 200 <= stranger.status_code < 300:
            found.append(f"{operation.label}: Daniel got {stranger.status_code} on Maya's {ids}")
        response = case.call(headers=as_maya)
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=as_maya)
        except (AssertionError, FailureGroup) as failure:
            found.append(f"{operation.label} as maya: {failure}")

    run()
    return found


#: Generated requests per operation whose path names Maya's objects.
OWNED_EXAMPLES = 3


def test_requests_naming_a_members_own_objects_are_refused_to_another_member(
    mayas_objects, tmp_path
):
    schema = _schema(tmp_path, identities=False)
    owned = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {parameter.name for parameter in operation.path_parameters}
        if names and names <= set(mayas_objects):
            owned.append((operation, {name: mayas_objects[name] for name in names}))
    assert len(owned) >= 25
    failures = [
        failure for operation, ids in owned for failure in failures_on_owned(operation, ids)
    ]
    assert failures == []
