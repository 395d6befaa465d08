from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from deskmate.serving.health import database_status, worker_status


@never_cache
@require_safe
def health(request):
    """200 while this web process can serve (its database answers), else 503.

    The worker's state is always in the body; with ``?worker=1`` a stale worker is a 503 too,
    for monitoring that watches the whole installation rather than one web process.
    """
    database = database_status()
    report: dict[str, object] = {"database": database}
    healthy = database["status"] == "ok"
    if healthy:
        worker = worker_status()
        report["worker"] = worker
        if request.GET.get("worker") == "1":
            healthy = worker["status"] == "ok"
    report["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(report, status=200 if healthy else 503)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("deskmate/favicon.ico"))
