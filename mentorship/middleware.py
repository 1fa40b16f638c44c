"""What every request runs inside: the signed-in person's time zone and language."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

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


class PersonLanguageMiddleware:
    """A signed-in person's own language choice (on their profile) wins over the browser's;
    without one, Django's LocaleMiddleware (before this) has taken the browser's
    Accept-Language or the language cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen in self.codes:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
