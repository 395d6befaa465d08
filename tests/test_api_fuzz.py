"""Generated requests to every API operation never meet a server error.

Schemathesis reads the app's own OpenAPI schema and sends requests built from
it (valid and invalid values) to the app in-process through its WSGI handler.
The examples of each operation are sent in turn as Maya and Daniel (members)
and Claire (a coordinator). Generation is derandomised, so a run is the same
every time; the coverage phase is left out to keep the suite fast (the bounds
it would probe are tested by hand in ``test_api_input.py``).
"""

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from deskmate.api import api
from deskmate.people import services as people_services
from tests.conftest import new_coordinator, new_mentee, new_mentor, rows_shared_by_the_module

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
schema.app = get_wsgi_application()


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


@pytest.fixture(scope="module")
def persona_keys(request, django_db_setup, django_db_blocker):
    """Maya, Daniel and Claire with an API token each, made once for every operation's test."""

    def build():
        members = (new_mentee(), new_mentor(), new_coordinator())
        return [people_services.api_token_create(member=m, name="fuzz")[1] for m in members]

    yield from rows_shared_by_the_module(request, django_db_blocker, build)


@pytest.fixture
def next_token(settings, in_test_transaction, persona_keys):
    """The personas' API tokens, one after the other."""
    settings.RATE_LIMITS_ENABLED = False
    return itertools.cycle(persona_keys).__next__


@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case, next_token):
    response = case.call(headers={"Authorization": f"Bearer {next_token()}"})
    case.validate_response(response, checks=[not_a_server_error])
