"""Parts of pages update in place with htmx, never reloading: a job's progress, a notification.

The test marks the loaded page with a value in `window`; a reload would lose it. The job moves
on in the database (as the worker would), and the page shows each step with the mark still there.
"""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from deskmate.network.models import ImportJob
from deskmate.notifications import services as notification_services
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member


@pytest.fixture
def maya(transactional_db):
    return make_member("maya@example.org", "Maya", "Patel")


def test_import_progress_updates_without_a_reload(page, maya):
    job = ImportJob.objects.create(owner=maya, kind=ImportJob.Kind.VCARD, file_name="friends.vcf")
    job.mark_running()
    job.report_progress(10)
    sign_in(page, "maya@example.org", PASSWORD)
    page.wait_for_url("**/")

    page.goto(f"/imports/{job.pk}/")
    progress = page.get_by_role("progressbar", name="Import progress")
    expect(progress).to_have_attribute("value", "10")
    page.evaluate("() => { window.sameDocument = 'still here'; }")

    job.report_progress(60)
    expect(progress).to_have_attribute("value", "60")
    job.mark_done(summary={"lines": ["3 contacts added"], "kinds": {}})
    expect(page.locator("#import-summary")).to_have_text("3 contacts added")

    assert page.evaluate("() => window.sameDocument") == "still here"
    expect(page.locator("#import-status")).to_have_text("Imported")
    expect(page.locator("#import-live")).not_to_have_attribute("hx-trigger", "every 2s")
    assert page.get_by_role("progressbar").count() == 0


def test_a_notification_is_marked_read_in_place(page, maya):
    with transaction.atomic():
        told = notification_services.notify(
            recipient=maya, kind="test", title="Daniel accepted", url="/mentorships/"
        )
    sign_in(page, "maya@example.org", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/notifications/")
    page.evaluate("() => { window.sameDocument = 'still here'; }")

    item = page.locator(f"#notification-{told.pk}")
    item.get_by_role("button", name="Mark as read").click()

    expect(item).to_have_class("read")
    expect(item.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(item.get_by_role("button", name="Daniel accepted")).to_be_visible()
    assert page.evaluate("() => window.sameDocument") == "still here"
    told.refresh_from_db()
    assert told.read_at is not None
