"""What every request runs inside: the signed-in person's time zone."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .zones import zone_of


def respond_within(
    request: HttpRequest, get_response: Callable, context: Callable[[], AbstractContextManager]
) -> HttpResponse:
    """``get_response`` inside ``context``, and the body of a streamed response too: it is
    produced after the view returns (a CSV read from a cursor), so it re-enters the context."""
    with context():
        response = get_response(request)
    if response.streaming:
        content = response.streaming_content

        def inside() -> Iterator:
            with context():
                yield from content

        response.streaming_content = inside()
    return response


class TimeZoneMiddleware:
    """Activates the person's time zone for the whole request: templates show every time in
    it (Django's ``date`` filter and ``localtime`` convert to the active zone), forms read
    times typed in it, and CSV downloads write it. Emails are rendered in their recipient's
    zone instead (``mentorship.notifications``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = zone_of(getattr(request, "user", None))
        return respond_within(request, self.get_response, lambda: timezone.override(zone))
