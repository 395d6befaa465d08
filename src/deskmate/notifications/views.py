from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from deskmate.core.live import wants_part
from deskmate.notifications import selectors, services
from deskmate.notifications.forms import PreferenceForm
from deskmate.people.decorators import member_required

MARKED_READ = "Marked as read."


@member_required
def notifications(request):
    page = Paginator(selectors.notifications_of(request.member), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(request.member)},
    )


@require_POST
@member_required
def notification_open(request, notification_id: int):
    notification = selectors.access_notification(request.member, notification_id)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications")


@require_POST
@member_required
def notification_read(request, notification_id: int):
    """Mark one notification read: htmx swaps the item in place, a plain form comes back."""
    notification = selectors.access_notification(request.member, notification_id)
    services.notification_mark_read(notification=notification)
    if wants_part(request):
        return render(request, "notifications/_item.html", {"n": notification})
    messages.success(request, MARKED_READ)
    return redirect("notifications")


@require_POST
@member_required
def notifications_read_all(request):
    count = services.notifications_mark_all_read(member=request.member)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications")


@member_required
def notification_preferences(request):
    initial = {"email": selectors.email_preference(request.member)}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            member=request.member, email=form.cleaned_data["email"], actor=request.member
        )
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})
