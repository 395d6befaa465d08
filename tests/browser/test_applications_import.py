"""Claire imports a Typeform export of mentees with no e-mail column through the mapping page,
sees sample values under each column, and gives one pending applicant the address she has."""

import pytest
from playwright.sync_api import expect

from deskmate.people.models import Member
from deskmate.programmes import services
from deskmate.programmes.models import Application, Programme
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member
from tests.programmes import form_exports


@pytest.fixture
def programme(transactional_db):
    claire = make_member("claire@example.org", "Claire", "Dubois", role=Member.Role.COORDINATOR)
    make_member("nina@example.org", "Nina", "Berg")
    return services.programme_create(
        actor=claire, name="Robotics mentoring", kind=Programme.Kind.ONE_TO_ONE
    )


def test_a_typeform_export_without_addresses_end_to_end(page, programme):
    sign_in(page, "claire@example.org", PASSWORD)
    page.goto(f"/programmes/{programme.pk}/import/")
    page.get_by_label("Applications file (.csv or .xlsx)").set_input_files(
        files=[
            {
                "name": "typeform mentees.csv",
                "mimeType": "text/csv",
                "buffer": form_exports.typeform(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(
        page.get_by_role("heading", name="Map the columns of typeform mentees.csv")
    ).to_be_visible()
    table = page.locator("#mapping-table")
    expect(table.locator("tr", has_text="What's your full name?")).to_contain_text("Tomás Ruiz")
    expect(table.locator("tr", has_text="Which university")).to_contain_text("ETH Zurich")
    expect(page.get_by_label("Who is in this file")).to_have_value("mentee")
    expect(page.get_by_label("#", exact=True)).to_have_value("identifier")
    expect(page.get_by_label("Graph Theory")).to_have_value("topic")
    page.get_by_label("Which university do you attend?").select_option("attribute_category")
    page.get_by_role("button", name="Import applications").click()

    expect(page.locator("#import-status")).to_have_text("Imported")
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("3 applications added")
    expect(summary).to_contain_text("1 found by identifier or name")
    expect(summary).to_contain_text("2 pending applicants without an e-mail address")
    summary.get_by_role("link", name="add their addresses").click()

    expect(page.get_by_role("heading", name="Pending applicants")).to_be_visible()
    page.get_by_label("E-mail address of Tomás Ruiz").fill("tomas.ruiz@example.edu")
    page.locator("tr", has_text="Tomás Ruiz").get_by_role("button", name="Add").click()
    expect(page.get_by_text("Tomás Ruiz now has an address.")).to_be_visible()
    expect(page.locator("#pending-table")).not_to_contain_text("Tomás Ruiz")
    expect(page.locator("#pending-table")).to_contain_text("Aiko Tanaka")

    applications = {
        a.member.name: (a.role, a.member.user.email, a.topics)
        for a in Application.objects.select_related("member__user")
    }
    assert applications == {
        "Nina Berg": ("mentee", "nina@example.org", {"Graph Theory": 0, "Control": 0}),
        "Tomás Ruiz": ("mentee", "tomas.ruiz@example.edu", {"Robotics": 0}),
        "Aiko Tanaka": ("mentee", None, {"Graph Theory": 0, "Robotics": 0}),
    }
