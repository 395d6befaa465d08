"""An admin uploads a BambooHR report, corrects the mapping, imports it, and next month's imports alone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deskmate.people.models import Member, Position
from tests.browser.conftest import sign_in
from tests.browser.test_profile_and_import import run_worker
from tests.conftest import PASSWORD, make_member

REPORT = Path(__file__).parents[1] / "fixtures" / "people" / "bamboohr_custom_report.csv"


@pytest.fixture
def adam(transactional_db):
    return make_member("adam@example.org", "Adam", "Novak", role=Member.Role.ADMIN)


def test_upload_map_and_import_an_hr_export(page, adam, tmp_path):
    sign_in(page, "adam@example.org", PASSWORD)
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("People file (.csv or .xlsx)").set_input_files(str(REPORT))
    page.get_by_role("button", name="Import people").click()

    expect(
        page.get_by_role("heading", name="Map the columns of bamboohr_custom_report.csv")
    ).to_be_visible()
    # The guesses, with the first values under each column.
    expect(page.get_by_label("Employee #")).to_have_value("external_id")
    expect(page.get_by_label("Supervisor Email")).to_have_value("manager_email")
    expect(page.get_by_label("Department")).to_have_value("unit")
    supervisor_row = page.locator('tr[data-column="Supervisor Email"]')
    expect(supervisor_row).to_contain_text("olivia.bennett@northwind.example")
    expect(page.get_by_label("Dates such as 03/04/2024 are written")).to_have_value("month_first")

    # Without an organisation column, the page asks for one.
    page.get_by_role("button", name="Import people").click()
    expect(page.get_by_text("name the organisation everyone in this file works at")).to_be_visible()

    # The admin prefers the division as the unit.
    page.get_by_label("Department").select_option("ignore")
    page.get_by_label("Division").select_option("unit")
    page.get_by_label("Everyone in this file works at").fill("Northwind Traders")
    page.get_by_label("Keep this mapping for next time, named").fill("BambooHR headcount")
    page.get_by_role("button", name="Import people").click()
    expect(page.get_by_role("heading", name=re.compile("Import of"))).to_be_visible()

    run_worker()
    page.reload()
    expect(page.locator("#import-status")).to_have_text("Imported")
    expect(page.locator("#import-summary")).to_contain_text("5 members added")
    expect(page.locator("#import-summary")).to_contain_text("4 reporting lines added")
    assert sorted(Position.objects.values_list("unit__name", flat=True)) == [
        "Corporate",
        "EMEA",
        "North America",
        "North America",
        "North America",
    ]
    assert Member.objects.get(external_id="1003").manager.external_id == "1002"

    # Next month's report, same columns: no questions.
    later = tmp_path / "bamboohr-next-month.csv"
    later.write_bytes(REPORT.read_bytes())
    page.get_by_role("link", name="Back to imports").click()
    page.get_by_label("People file (.csv or .xlsx)").set_input_files(str(later))
    page.get_by_role("button", name="Import people").click()
    expect(page.locator("#import-mapping")).to_have_text(
        "Columns mapped by the saved mapping “BambooHR headcount”."
    )
    run_worker()
    page.reload()
    expect(page.locator("#import-summary")).to_contain_text("5 members left alone")

    page.get_by_role("link", name="Back to imports").click()
    page.get_by_role("link", name="saved mapping").click()
    expect(page.locator("#people-mappings")).to_contain_text("BambooHR headcount")
