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
EXAMPLES = 5


def _schema(tmp_dir):
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
    schema = schemathesis.openapi.from_dict(
        api.get_openapi_schema(),
        config=SchemathesisConfig.from_dict(
            {
                "phases": {"coverage": {"enabled": False}},
                "auth": {"wfc": {"path": str(document), "peers": ["maya", "daniel"]}},
            }
        ),
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
