"""A member signs in, edits the profile, uploads a LinkedIn archive and sees what it brought."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member
from tests.importing.archives import build_linkedin_zip


@pytest.fixture
def maya(transactional_db):
    return make_member("maya@example.org", "Maya", "Patel")


def run_worker():
    call_command(
        "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--interval", "0"
    )


def test_edit_profile_and_import_linkedin_archive(page, maya, tmp_path):
    sign_in(page, "maya@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Maya")).to_be_visible()

    page.get_by_role("link", name="My profile").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Headline").fill("Engineer on the Payments team")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_text("Engineer on the Payments team")).to_be_visible()

    # A bad date is explained on the form and nothing is saved.
    page.get_by_role("link", name="Add a position").click()
    page.get_by_label("Organisation").fill("Acme")
    page.get_by_label("Title").fill("Engineer")
    page.get_by_label("Started").fill("2022-05-01")
    page.get_by_label("Ended").fill("2021-05-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Ended: The end date is before the start date.")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#positions")).to_contain_text("No positions yet.")

    archive = tmp_path / "Basic_LinkedInDataExport_03-14-2024.zip"
    archive.write_bytes(build_linkedin_zip())
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("LinkedIn data archive (.zip)").set_input_files(str(archive))
    page.get_by_role("button", name="Import archive").click()
    expect(page.get_by_role("heading", name=re.compile("Import of"))).to_be_visible()

    run_worker()
    page.reload()
    expect(page.locator("#import-status")).to_have_text("Imported")
    expect(page.locator("#import-summary")).to_contain_text("3 positions added")

    page.get_by_role("link", name="See your profile").click()
    positions = page.locator("#positions")
    expect(positions).to_contain_text("Engineering Manager at Acme, Inc.")
    expect(positions).to_contain_text("Senior Software Engineer")
    expect(positions).to_contain_text("Software Engineer at Globex")
    expect(page.locator("#education")).to_contain_text("University of Lisbon")
    expect(page.locator("#education")).to_contain_text("BSc")
    for skill in ("Python", "C++", "Engineering Management"):
        expect(page.locator("#skills")).to_contain_text(skill)


def test_stranger_cannot_open_anothers_import(page, maya, transactional_db):
    from deskmate.network.models import ImportJob

    make_member("sam@example.org", "Sam", "Stranger")
    job = ImportJob.objects.create(owner=maya, kind="linkedin", file_name="maya.zip")
    sign_in(page, "sam@example.org", PASSWORD)
    response = page.goto(f"/imports/{job.pk}/")
    assert response.status == 404
