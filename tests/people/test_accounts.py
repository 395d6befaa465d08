"""Setting a first password, resetting a forgotten one, and joining from a programme invitation."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from deskmate.people import services
from deskmate.people.models import Member, User
from deskmate.programmes import services as programme_services
from deskmate.programmes.models import Invitation, Programme
from tests.conftest import make_member

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-new-and-long-password-42"


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_a_member_made_by_an_import_sets_a_first_password_from_an_emailed_link(db):
    imported = make_member("lena@example.org", "Lena", "Voss")
    User.objects.filter(pk=imported.user_id).update(password="!unusable")
    imported.user.refresh_from_db()
    assert not imported.user.has_usable_password()
    client = Client()
    assert (
        "Forgotten your password, or never set one?"
        in client.get("/accounts/login/").content.decode()
    )
    response = client.post("/accounts/password/", {"email": "LENA@example.org"})
    assert response.status_code == 302 and response.url == "/accounts/password/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lena@example.org"]
    link = path_of(link_in(mail.outbox[0]))
    form = client.get(link, follow=True)
    assert "Choose a password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done.url == "/accounts/password/done/"
    assert Client().login(username="lena@example.org", password=NEW_PASSWORD)
    # The link works once.
    again = client.get(link, follow=True)
    assert "This link has been used or is too old." in again.content.decode()


def test_the_password_page_says_the_same_for_unknown_and_inactive_addresses(mentee):
    User.objects.filter(pk=mentee.user_id).update(is_active=False)
    for email in ("maya@example.org", "nobody@example.org"):
        response = Client().post("/accounts/password/", {"email": email})
        assert response.status_code == 302 and response.url == "/accounts/password/sent/"
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(mentee):
    from tests.conftest import PASSWORD

    client = Client()
    client.post("/accounts/password/", {"email": "maya@example.org"})
    form = client.get(path_of(link_in(mail.outbox[0])), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert Client().login(username="maya@example.org", password=PASSWORD)


@pytest.fixture
def programme(coordinator):
    return programme_services.programme_create(
        actor=coordinator,
        name="Spring mentoring",
        kind=Programme.Kind.ONE_TO_ONE,
        topics=["Leadership"],
        questions="",
        capacity_per_mentor=2,
    )


def test_someone_invited_by_email_joins_and_lands_on_the_programme(
    programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.invitations_send(
            programme=programme, actor=coordinator, emails=["ann@example.org"]
        )
    (message,) = mail.outbox
    tracked = next(
        path_of(link)
        for link in re.findall(r"https?://\S+", message.body)
        if "/invitations/" in link
    )
    client = Client()
    landing = client.get(tracked).content.decode()
    join = re.search(r'id="invitation-join" href="([^"]+)"', landing).group(1)
    join = path_of(join.replace("&amp;", "&"))
    page = client.get(join)
    assert page.status_code == 200 and "ann@example.org" in page.content.decode()
    response = client.post(
        join,
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.url == f"/programmes/{programme.pk}/"
    member = Member.objects.get(user__email="ann@example.org")
    assert (member.first_name, member.last_name) == ("Ann", "Lee")
    # Signed in, and the invitation (matched by address) lets her apply.
    assert client.get(response.url).status_code == 200
    assert programme_services.is_invited(programme, member)
    assert Invitation.objects.get().email == "ann@example.org"
    # The same link again: the address has an account now, so it sends her to sign in.
    again = client.get(join)
    assert again.status_code == 302 and again.url.startswith("/accounts/login/")
    assert Member.objects.filter(user__email="ann@example.org").count() == 1


def test_a_forged_or_expired_join_link_creates_nothing(monkeypatch):
    link = path_of(services.join_link(email="ann@example.org", next_url="/programmes/1/"))
    forged = link.rstrip("/")[:-3] + "abc/"
    response = Client().post(
        forged, {"first_name": "Ann", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert services.JOIN_LINK_INVALID in response.content.decode()
    monkeypatch.setattr(services, "JOIN_LINK_MAX_AGE", dt.timedelta(seconds=-1))
    expired = Client().post(
        link, {"first_name": "Ann", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert expired.status_code == 400
    assert not User.objects.filter(email="ann@example.org").exists()


def test_joining_checks_the_password_and_the_name_and_never_leaves_elsewhere(db):
    link = path_of(
        services.join_link(email="ann@example.org", next_url="https://elsewhere.example/steal")
    )
    client = Client()
    weak = client.post(
        link, {"first_name": "Ann", "password": "password", "password_again": "password"}
    )
    assert weak.status_code == 200 and "This password is too common." in weak.content.decode()
    differ = client.post(
        link, {"first_name": "Ann", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}
    )
    assert "The two passwords differ." in differ.content.decode()
    nameless = client.post(
        link, {"first_name": "", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert nameless.status_code == 200
    assert not User.objects.filter(email="ann@example.org").exists()
    joined = client.post(
        link, {"first_name": "Ann", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    # The link's destination is off-site, so she lands on her profile instead.
    assert joined.status_code == 302 and joined.url == "/profile/edit/"
