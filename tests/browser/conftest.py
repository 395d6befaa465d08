"""A real Chromium, driven by Playwright, against the live test server.

Playwright drives the system's Chromium (Debian's `chromium` package); it never
downloads a browser. Without Chromium the browser tests are skipped loudly, and
in CI (CI=true) they fail instead.
"""

import os
import shutil
import warnings

import pytest

CHROMIUM = os.environ.get("DESKMATE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = (
    "BROWSER TESTS SKIPPED: no Chromium at {path}. Install Debian's `chromium` package "
    "(apt-get install chromium) to run them."
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = NO_CHROMIUM.format(path=CHROMIUM)
        if os.environ.get("CI"):
            pytest.fail(message + " Browser tests may not be skipped in CI.")
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
