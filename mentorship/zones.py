"""Whose time zone a time is shown in. One mechanism: the active zone (Django's
``timezone.override``) is the person's for a request (``middleware.TimeZoneMiddleware``),
the recipient's while an email is rendered (``notifications``), the requester's while an
export is written; templates and code only ever format in the active zone."""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone


def zone_of(user=None) -> ZoneInfo:
    """The zone a person's times are shown in; the site's for anonymous visitors, for an
    address without an account, and for a person who has not given one yet."""
    name = user.time_zone_name if user is not None and user.is_authenticated else settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A zone the system's tz database no longer knows: show the site's rather than fail.
        return ZoneInfo(settings.TIME_ZONE)


def site_today() -> datetime.date:
    """Today on the site's calendar, whoever asks. Program rules that compare with a cohort's
    dates (has the term ended, is a check-in due) use it, so that they decide the same for a
    coordinator in Tokyo, one in Los Angeles and the worker; what a page shows uses the
    active zone instead."""
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))


def site_date(moment: datetime.datetime) -> datetime.date:
    """The date of ``moment`` on the site's calendar (see ``site_today``)."""
    return timezone.localdate(moment, timezone=ZoneInfo(settings.TIME_ZONE))


def local_iso(moment: datetime.datetime | None) -> str:
    """A moment for a CSV cell: in the active zone, with its UTC offset, so that a spreadsheet
    shows the downloader's local time and nothing is ambiguous ("2027-03-01T09:30+01:00")."""
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""
