"""Sign-in lockout, capped password-link e-mails, and API tokens that end with the password."""

import datetime as dt

from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.utils import timezone

from deskmate.limits.guards import TOO_MANY
from deskmate.limits.views import SIGN_IN_LOCKED
from deskmate.people.models import ApiToken
from deskmate.people.services import api_token_create
from tests.conftest import PASSWORD


def sign_in(client, password):
    return client.post("/accounts/login/", {"username": "maya@example.org", "password": password})


def test_the_eleventh_wrong_password_is_refused_and_so_is_the_right_one_until_the_window_ends(
    mentee,
):
    client = Client()
    for _ in range(9):
        response = sign_in(client, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    assert sign_in(client, "wrong-password").status_code == 429  # the tenth locks
    eleventh = sign_in(client, "wrong-password")
    assert eleventh.status_code == 429
    assert eleventh["Retry-After"] == "900"
    assert SIGN_IN_LOCKED.format(wait="15 minutes") in eleventh.content.decode()
    right = sign_in(client, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The window ends: every recorded failure is older than the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    after = sign_in(client, PASSWORD)
    assert after.status_code == 302
    assert client.session["_auth_user_id"] == str(mentee.user_id)


def test_password_link_emails_are_capped_per_address(mentee):
    client = Client()
    answers = [client.post("/accounts/password/", {"email": "maya@example.org"}) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert int(answers[3]["Retry-After"]) > 0
    assert TOO_MANY.split("{")[0] in answers[3].content.decode()


def test_a_token_stops_working_after_a_password_change(mentee):
    _, raw_key = api_token_create(member=mentee, name="script")
    client = Client()
    headers = {"Authorization": f"Bearer {raw_key}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    mentee.user.set_password("a-brand-new-long-password")
    mentee.user.save()
    assert ApiToken.objects.filter(member=mentee).count() == 0
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_an_expired_token_is_refused(mentee):
    token, raw_key = api_token_create(member=mentee, name="short", expires_in_days=1)
    headers = {"Authorization": f"Bearer {raw_key}"}
    assert Client().get("/api/v1/me", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert Client().get("/api/v1/me", headers=headers).status_code == 401
