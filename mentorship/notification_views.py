"""A person's notification list, the unread count in the navigation, and email preferences.

Everything here is the signed-in person's own: every query is filtered on request.user,
so an id of somebody else's notification is simply not found.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import notifications
from .forms import NotificationPreferencesForm
from .models import Notification

PER_PAGE = 25
# htmx stops polling when an answer has this status: a signed-out page asks no more.
HTMX_STOP_POLLING = 286


def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    items = Notification.objects.filter(user=request.user)
    if unread_only:
        items = items.filter(read_at__isnull=True)
    page = Paginator(items.only("pk", "title", "url", "created_at", "read_at", "email_state"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mentorship/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "query": "show=unread" if unread_only else "",
            "unread": notifications.unread_count(user=request.user),
            "retention_days": settings.NOTIFICATION_RETENTION_DAYS,
        },
    )


@login_not_required
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the navigation, asked for by htmx every minute."""
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    count = notifications.unread_count(user=request.user)
    response = render(request, "mentorship/_notification_badge.html", {"unread": count})
    response["Cache-Control"] = "no-store"
    return response


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("mentorship:notification-list")


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not notifications.notification_mark_read(user=request.user, notification_id=pk):
        messages.error(request, _("This notification no longer exists."))
    return _back(request)


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return _back(request)


def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = Notification.objects.filter(pk=pk, user=request.user).only("url").first()
    if notification is None:
        messages.error(request, _("This notification no longer exists."))
        return redirect("mentorship:notification-list")
    notifications.notification_mark_read(user=request.user, notification_id=pk)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("mentorship:notification-list")


def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notifications.preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your email preferences were saved."))
        return redirect("mentorship:notification-preferences")
    return render(
        request, "mentorship/notification_preferences.html", {"form": form, "digest_hour": settings.DIGEST_HOUR}
    )
