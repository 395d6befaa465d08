"""Single sign-on's rules, without the provider (the browser test signs in through a real one)."""

import pytest
from django.urls import reverse

from deskmate.people import sso

pytestmark = pytest.mark.django_db


def test_without_configuration_there_is_no_sign_on(client):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_only_verified_addresses_in_the_allowed_domains(settings):
    settings.SSO_ALLOWED_DOMAINS = ["acme.example", "@Acme.org"]
    assert sso.claimed_email({"email": " Ines@ACME.example "}) == "ines@acme.example"
    assert sso.claimed_email({"email": "ana@acme.org", "email_verified": True}) == "ana@acme.org"
    for claims, message in (
        ({"email": "ines@acme.example", "email_verified": False}, sso.NO_EMAIL),
        ({"sub": "42"}, sso.NO_EMAIL),
        (
            {"email": "eve@acme.example.evil"},
            sso.WRONG_DOMAIN.format(
                domains="acme.example, acme.org", email="eve@acme.example.evil"
            ),
        ),
    ):
        with pytest.raises(sso.SignOnRefused) as refused:
            sso.claimed_email(claims)
        assert str(refused.value) == message


def test_names_come_from_the_claims_or_the_address():
    assert sso.claimed_names({"given_name": "Inès", "family_name": "Moreau"}, "x@a") == (
        "Inès",
        "Moreau",
    )
    assert sso.claimed_names({"name": "Ana Lucia Souza"}, "x@a") == ("Ana", "Lucia Souza")
    assert sso.claimed_names({}, "j.doe@acme.example") == ("j.doe", "")


def test_a_member_s_own_profile_wins_over_the_claims(mentee, settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/"
    backend = sso.MemberSignOn()
    claims = {"email": "MAYA@example.org", "given_name": "M.", "family_name": "P."}
    (user,) = backend.filter_users_by_claims(claims)
    assert backend.update_user(user, claims) == mentee.user
    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.last_name) == ("Maya", "Patel")
