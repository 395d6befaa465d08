"""deskmate served the way the README's production section says: gunicorn, production settings."""

import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.serving.production import (
    deskmate,
    free_port,
    production_environment,
    wait_until_listening,
)

# What the reverse proxy in front adds to every request it passes on.
PROXY_HEADERS = {"Host": "mentoring.example.org", "X-Forwarded-Proto": "https"}


def test_documented_production_settings_pass_the_deploy_check(tmp_path):
    result = deskmate(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def fetch(url: str, headers: dict[str, str]):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, migrated_sqlite):
    data_dir = tmp_path_factory.mktemp("production")
    if migrated_sqlite is not None:  # `serve --migrate` then has nothing left to apply
        shutil.copyfile(migrated_sqlite, data_dir / "deskmate.sqlite3")
    port = free_port()
    env = production_environment(data_dir, DESKMATE_BIND=f"127.0.0.1:{port}")
    server = subprocess.Popen(
        [sys.executable, "-m", "deskmate", "serve", "--migrate", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_listening(port, server)
        yield f"http://127.0.0.1:{port}", data_dir
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_production_server_serves_a_page_and_its_stylesheet(production_server):
    base, data_dir = production_server
    status, headers, page = fetch(f"{base}/accounts/login/", PROXY_HEADERS)
    assert status == 200
    assert "Sign in" in page
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert stylesheet == "/static/deskmate/deskmate.css"
    status, headers, css = fetch(base + stylesheet, PROXY_HEADERS)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert ".skip" in css  # the stylesheet itself, not an error page
    assert (data_dir / "static" / "deskmate" / "deskmate.css").exists()  # collected by serve
    assert (data_dir / "static" / "deskmate" / "deskmate.css.gz").exists()  # and compressed


def test_the_production_server_redirects_plain_http_to_https(production_server):
    base, _ = production_server
    request = urllib.request.Request(
        f"{base}/accounts/login/", headers={"Host": PROXY_HEADERS["Host"]}
    )
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=30)
    assert refused.value.code == 301
    assert refused.value.headers["Location"] == "https://mentoring.example.org/accounts/login/"


def test_the_health_endpoint_answers_over_plain_http(production_server):
    base, _ = production_server
    status, _, body = fetch(f"{base}/health/", {"Host": PROXY_HEADERS["Host"]})
    assert status == 200
    assert '"database": {"status": "ok", "vendor": "sqlite"}' in body


def test_an_unknown_page_is_the_friendly_404(production_server):
    base, _ = production_server
    status, _, page = fetch(f"{base}/no/such/page/", PROXY_HEADERS)
    assert status == 404
    assert "Page not found" in page
    assert "URLconf" not in page


def test_the_icon_is_served_where_browsers_look_for_it(production_server):
    base, _ = production_server
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(urllib.request.Request(f"{base}/favicon.ico", headers=PROXY_HEADERS))
    assert (moved.value.code, moved.value.headers["Location"]) == (
        301,
        "/static/deskmate/favicon.ico",
    )
    request = urllib.request.Request(base + "/static/deskmate/favicon.ico", headers=PROXY_HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        icon = response.read()
    assert icon[:4] == b"\x00\x00\x01\x00" and icon[22:26] == b"\x89PNG"  # an ICO holding a PNG
    _, _, page = fetch(f"{base}/accounts/login/", PROXY_HEADERS)
    assert '<link rel="icon" href="/static/deskmate/favicon.svg" type="image/svg+xml">' in page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
