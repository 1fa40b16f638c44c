from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentorship.tenancy import scope

from ..ics import calendar_text, meeting_event
from ..models import CalendarFeed
from ..selectors import calendar_feed_for_token, calendar_meetings_for
from ..services.calendar import calendar_feed_reset


@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The person's calendar address: create it, copy it, or reset it."""
    if request.method == "POST":
        existed = CalendarFeed.objects.filter(user=request.user).exists()
        calendar_feed_reset(user=request.user)
        messages.success(
            request,
            _("Your calendar address was reset; the old one no longer works.")
            if existed
            else _("Your calendar address is ready."),
        )
        return redirect("meetings:calendar-settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("meetings:calendar-feed", kwargs={"token": feed.token})) if feed else None
    )
    return render(request, "meetings/calendar_settings.html", {"feed": feed, "feed_url": feed_url})


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed calendar applications subscribe to. They cannot sign in, so the
    secret address is the key; an unknown or reset address is a plain 404."""
    feed = calendar_feed_for_token(token=token)
    if feed is None:
        raise Http404
    now = timezone.now()
    # The address stands for its person: what they would see signed in.
    with scope(person=feed.user):
        events = [
            meeting_event(meeting, viewer=feed.user) for meeting in calendar_meetings_for(user=feed.user, now=now)
        ]
    # A mentor's group meeting comes once per mentee's seat, all with the group's UID.
    seen: set[str] = set()
    events = [event for event in events if not (event.uid in seen or seen.add(event.uid))]
    body = calendar_text(events, name=_("Mentoring meetings"), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
