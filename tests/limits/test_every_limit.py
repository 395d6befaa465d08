"""Token creation, invitations, imports, the API, admin sign-in and anonymous POSTs are each limited.

Rates are lowered for the test through ``settings.RATE_LIMITS`` (the same
settings the environment fills); each refusal is 429 with the reason in words
and a ``Retry-After``, and the refused request writes nothing.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from deskmate.limits.guards import TOO_MANY
from deskmate.network.models import ImportJob
from deskmate.people.models import ApiToken
from deskmate.programmes import services as programme_services
from deskmate.programmes.models import Invitation, Programme
from tests.conftest import client_for, make_member
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lee Chen\r\nN:Chen;Lee;;;\r\nEMAIL:lee@elsewhere.org\r\nEND:VCARD\r\n"


@pytest.fixture
def rates(settings):
    """Two per account and three per address in every scope."""

    def lower(*scopes):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            **dict.fromkeys(scopes, ("2/h", "3/h")),
        }

    return lower


def assert_refused(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert TOO_MANY.split("{")[0] in response.content.decode()


def test_token_creation_is_limited_per_account(rates, mentee):
    rates("api_token")
    browser = client_for(mentee)
    for name in ("one", "two"):
        assert browser.post(reverse("api_tokens"), {"name": name}).status_code == 200
    assert_refused(browser.post(reverse("api_tokens"), {"name": "three"}))
    assert sorted(ApiToken.objects.filter(member=mentee).values_list("name", flat=True)) == [
        "one",
        "two",
    ]
    # Reading the page is not counted.
    assert browser.get(reverse("api_tokens")).status_code == 200


def test_invitations_are_limited_per_account(rates, coordinator):
    rates("invitations")
    programme = programme_services.programme_create(
        actor=coordinator, name="Spring mentoring", kind=Programme.Kind.ONE_TO_ONE
    )
    browser = client_for(coordinator)
    url = reverse("programme_invite", args=[programme.pk])
    for number in (1, 2):
        browser.post(url, {"emails": f"person{number}@example.org"})
    assert Invitation.objects.count() == 2
    sent = len(mail.outbox)
    assert_refused(browser.post(url, {"emails": "person3@example.org"}))
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == sent


def test_imports_are_limited_on_the_page_and_in_the_api(rates, mentee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rates("imports")

    def upload():
        return SimpleUploadedFile("contacts.vcf", VCARD, content_type="text/vcard")

    browser = client_for(mentee)
    page = {"kind": "vcard", "vcard-vcard": upload()}
    assert browser.post(reverse("imports"), page).status_code == 302
    api = bearer(mentee)
    assert api.post("/api/v1/imports", {"kind": "vcard", "file": upload()}).status_code == 202
    assert ImportJob.objects.count() == 2
    assert_refused(browser.post(reverse("imports"), {"kind": "vcard", "vcard-vcard": upload()}))
    refused = api.post("/api/v1/imports", {"kind": "vcard", "file": upload()})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert ImportJob.objects.count() == 2


def test_one_address_is_limited_across_accounts(rates, mentee, mentor, stranger):
    """Three accounts behind one address: the address's third token is its last."""
    rates("api_token")
    for member in (mentee, mentor, stranger):
        assert client_for(member).post(reverse("api_tokens"), {"name": "a"}).status_code == 200
    fourth = make_member("lee@example.org", "Lee", "Chen")
    assert_refused(client_for(fourth).post(reverse("api_tokens"), {"name": "a"}))
    assert ApiToken.objects.count() == 3


def test_the_api_is_limited_per_member_with_retry_after(settings, mentee):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": ("3/m", "100/m")}
    api = bearer(mentee)
    assert [api.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/v1/me")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_every_anonymous_post_counts_against_the_address(settings, mentee):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "anonymous_post": (None, "3/h")}
    client = Client()
    for _ in range(3):
        assert (
            client.post("/accounts/password/", {"email": "nobody@example.org"}).status_code == 302
        )
    assert_refused(client.post("/accounts/login/", {"username": "x", "password": "y"}))
    assert_refused(client.post("/accounts/password/", {"email": "maya@example.org"}))
    assert len(mail.outbox) == 0


def test_the_admin_sign_in_locks_out_like_the_member_sign_in(admin_member):
    from tests.conftest import PASSWORD

    client = Client()

    def sign_in(password):
        return client.post(
            "/admin/login/?next=/admin/", {"username": "adam@example.org", "password": password}
        )

    answers = [sign_in("wrong-password").status_code for _ in range(11)]
    assert answers[:9] == [200] * 9 and answers[9:] == [429, 429]
    assert sign_in(PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
