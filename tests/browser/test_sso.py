"""Single sign-on end to end: Chromium, deskmate's live server, and a real OpenID Connect provider.

The provider is django-oidc-provider running as its own process on 127.0.0.1 with its own
database; deskmate talks to it over HTTP exactly as it would to an organisation's provider.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deskmate.core.models import AuditEntry
from deskmate.people.models import Member
from deskmate.people.sso import WRONG_DOMAIN

ROOT = Path(__file__).resolve().parents[2]
USERS = [
    "ines:acme-pass-1:ines.moreau@acme.example:Inès:Moreau",
    "eve:elsewhere-pass-1:eve@elsewhere.example:Eve:Martin",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"the provider stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the provider did not answer at {url}")


@pytest.fixture(scope="module")
def provider_process(live_server, tmp_path_factory):
    """The provider, started once for this module's tests."""
    url = f"http://127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
        "PROVIDER_DIR": str(tmp_path_factory.mktemp("provider")),
        "PROVIDER_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    callback = live_server.url + reverse("oidc_authentication_callback")
    subprocess.run(
        [sys.executable, "-m", "tests.sso.provider.setup", callback, *USERS],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", url.removeprefix("http://"), "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"{url}/openid/.well-known/openid-configuration", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def provider(provider_process, settings):
    """deskmate configured, as by its DESKMATE_OIDC_* variables, to sign on through it."""
    url = provider_process
    settings.OIDC_RP_CLIENT_ID = "deskmate"
    settings.OIDC_RP_CLIENT_SECRET = "deskmate-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{url}/openid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{url}/openid/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{url}/openid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{url}/openid/jwks"
    settings.SSO_NAME = "Acme ID"
    settings.SSO_ALLOWED_DOMAINS = ["acme.example"]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "deskmate.people.sso.MemberSignOn",
    ]
    return url


def _sign_on(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    page.get_by_label("Acme user name").fill(username)
    page.get_by_label("Acme password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_a_new_member_signs_in_through_the_provider(page, provider, live_server):
    _sign_on(page, "ines", "acme-pass-1")

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.get_by_role("button", name="Sign out (Inès)")).to_be_visible()
    member = Member.objects.get(user__email="ines.moreau@acme.example")
    assert (member.first_name, member.last_name, member.role) == ("Inès", "Moreau", "member")
    assert not member.user.has_usable_password(), "she signs in through her organisation"
    assert AuditEntry.objects.filter(action="member_create", subject_id=member.pk).count() == 1

    # Signed out of deskmate but still signed in at the provider: one click finds the same member.
    page.get_by_role("button", name="Sign out (Inès)").click()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    expect(page.get_by_role("button", name="Sign out (Inès)")).to_be_visible()
    assert Member.objects.filter(user__email="ines.moreau@acme.example").count() == 1


def test_an_address_outside_the_allowed_domains_is_refused(page, provider):
    before = Member.objects.count()
    _sign_on(page, "eve", "elsewhere-pass-1")

    refusal = WRONG_DOMAIN.format(domains="acme.example", email="eve@elsewhere.example")
    expect(page.locator("#sso-refusal")).to_have_text(refusal)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert Member.objects.count() == before
