"""Serving in-process: the API docs from the package, static files in every mode, the 404 and
500 pages, the health report, and how `deskmate serve` starts gunicorn."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from deskmate.serving.management.commands import serve
from deskmate.serving.models import WorkerHeartbeat
from deskmate.serving.tasks import WORKER
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_swagger_ui_from_the_site_itself(mentee):
    page = client_for(mentee).get("/api/v1/docs")
    assert page.status_code == 200
    text = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', text)
    assert any(source.endswith("ninja/swagger-ui-bundle.js") for source in sources), sources
    assert [source for source in sources if source.startswith(("http:", "https:", "//"))] == []
    bundle = Client().get(next(s for s in sources if s.endswith("swagger-ui-bundle.js")))
    assert bundle.status_code == 200
    assert b"SwaggerUIBundle" in b"".join(bundle.streaming_content)


def test_static_files_are_served_outside_production_mode_from_the_package(settings):
    """WhiteNoise serves the package's files through the finders, before any collectstatic."""
    assert settings.WHITENOISE_USE_FINDERS is True
    response = Client().get("/static/deskmate/deskmate.css")
    assert response.status_code == 200
    assert b"{" in b"".join(response.streaming_content)


def test_an_unknown_page_is_the_friendly_404_outside_production_mode(settings, mentee):
    """The demo and a development install (debug pages stay off unless DESKMATE_DEBUG is set)."""
    assert settings.DEBUG is False and settings.PRODUCTION is False
    settings.DEMO = True
    response = client_for(mentee).get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found · deskmate" in text
    assert "URLconf" not in text and "urlpatterns" not in text


def test_a_server_error_is_the_friendly_500_page(settings, mentee):
    settings.ROOT_URLCONF = "tests.serving.boom_urls"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "deskmate" in text and "a bug" not in text and "Traceback" not in text


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }


def test_health_reports_the_database_and_whether_the_worker_was_seen(database_tasks, settings):
    client = Client()
    never = client.get("/health/").json()
    assert never["status"] == "ok" and never["database"]["status"] == "ok"
    assert never["worker"]["status"] == "never seen"
    assert client.get("/health/?worker=1").status_code == 503
    WorkerHeartbeat.objects.create(name=WORKER, at=timezone.now())
    seen = client.get("/health/?worker=1")
    assert seen.status_code == 200 and seen.json()["worker"]["status"] == "ok"
    WorkerHeartbeat.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_AFTER + 60)
    )
    stale = client.get("/health/?worker=1")
    assert stale.status_code == 503 and stale.json()["worker"]["status"] == "stale"
    # A stale worker does not take a web process out of the load balancer.
    assert client.get("/health/").status_code == 200


def test_serve_collects_the_static_files_then_runs_gunicorn_with_the_configured_workers(
    settings, monkeypatch
):
    settings.WEB_WORKERS = 5
    settings.SERVE_BIND = "127.0.0.1:8123"
    called, started = [], []
    monkeypatch.setattr(serve, "call_command", lambda name, **options: called.append(name))
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.append(argv))
    serve.Command().handle(bind=None, workers=None, migrate=True)
    assert called == ["migrate", "collectstatic"]
    (argv,) = started
    assert argv[1:4] == ["-m", "gunicorn", "deskmate.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "5"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
