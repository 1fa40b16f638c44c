"""iCalendar (RFC 5545) files for meetings, written by hand: the format is small and a
dependency would be larger than this module.

What the RFC asks and this module does: CRLF line ends; content lines folded at 75 octets
(a continuation line starts with one space, and a multi-byte character is never split);
TEXT values with backslash, semicolon, comma and newlines escaped; UTC date-times in the
"Z" form; one VEVENT per meeting with a UID that stays the same when the meeting moves and a
SEQUENCE that grows with each change.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .enums import GroupMeetingStatus, MeetingStatus

LINE_LIMIT = 75
CRLF = "\r\n"

STATUS = {
    MeetingStatus.PROPOSED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
    MeetingStatus.MISSED: "CANCELLED",
}


GROUP_STATUS = {
    GroupMeetingStatus.SCHEDULED: "CONFIRMED",
    GroupMeetingStatus.HELD: "CONFIRMED",
    GroupMeetingStatus.CANCELLED: "CANCELLED",
}


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuation lines starting
    with a space (which counts in their 75)."""
    if len(line.encode()) <= LINE_LIMIT:
        return line
    parts, current, size, limit = [], [], 0, LINE_LIMIT
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_LIMIT - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def format_utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    status: str
    sequence: int = 0
    location: str = ""
    url: str = ""
    description: str = ""


def meeting_event(meeting, *, viewer) -> Event:
    """The meeting as ``viewer`` sees it in their calendar: named after the other person."""
    pair = meeting.pair
    mentor, mentee = pair.mentor.user, pair.mentee.user
    if viewer.pk == mentor.pk:
        summary = _("Mentoring meeting with %(name)s") % {"name": mentee}
    elif viewer.pk == mentee.pk:
        summary = _("Mentoring meeting with %(name)s") % {"name": mentor}
    else:
        summary = _("Mentoring meeting: %(mentor)s and %(mentee)s") % {"mentor": mentor, "mentee": mentee}
    page = settings.SITE_URL + meeting.get_absolute_url()
    description = [_("Agenda and notes: %(url)s") % {"url": page}]
    if meeting.video_url:
        description.insert(0, _("Video link: %(url)s") % {"url": meeting.video_url})
    uid, status, sequence = meeting.uid, STATUS[meeting.status], meeting.sequence
    if meeting.group_id:
        group = meeting.group
        summary = _("Group mentoring meeting: %(title)s") % {"title": group.title}
        if viewer.pk == mentor.pk:
            # The mentor has one event for the whole group, whichever seat it comes from.
            uid, status, sequence = group.uid, GROUP_STATUS[group.status], group.sequence
    if status == "TENTATIVE":
        description.insert(0, _("Proposed, not confirmed yet."))
    return Event(
        uid=f"{uid}@{_site_domain()}",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=summary,
        status=status,
        sequence=sequence,
        location=meeting.location or meeting.video_url,
        url=page,
        description="\n".join(description),
    )


def _event_lines(event: Event, *, stamp: datetime.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{format_utc(stamp)}",
        f"DTSTART:{format_utc(event.starts_at)}",
        f"DTEND:{format_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"STATUS:{event.status}",
        f"SEQUENCE:{event.sequence}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        # A URI value: not escaped as text (RFC 5545, 3.3.13).
        lines.append(f"URL:{event.url}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(events: Iterable[Event], *, name: str, now: datetime.datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(settings.SITE_NAME)}//Meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event, stamp=now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
