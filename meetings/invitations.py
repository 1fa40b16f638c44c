"""Calendar invitations (iCalendar, RFC 5546 iTIP) attached to the emails about a meeting,
so that Outlook, Google Calendar or Apple Calendar offer to add, move or remove the event.

The event is the one the calendar feed shows (``ics.meeting_event``): the same UID, so an
invitation and a subscribed feed describe one event, and a SEQUENCE that grows with each
change, so a calendar replaces what it had. A meeting proposed, confirmed or moved is sent
with METHOD:REQUEST, a meeting cancelled with METHOD:CANCEL. Replies are not collected
(RSVP=FALSE): people confirm on the meeting's page.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .enums import MeetingStatus
from .ics import meeting_event

REQUEST = "REQUEST"
CANCEL = "CANCEL"
FILENAME = "invite.ics"


def _address(person, *, partstat: str | None = None, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(str(person))
    if role:
        address.params["ROLE"] = vText(role)
    if partstat:
        address.params["PARTSTAT"] = vText(partstat)
        address.params["RSVP"] = vText("FALSE")
    return address


def _partstat(meeting, person, *, method: str) -> str:
    if method == CANCEL:
        return "DECLINED" if meeting.logged_by_id == person.pk else "NEEDS-ACTION"
    if meeting.status == MeetingStatus.CONFIRMED or meeting.proposed_by_id == person.pk:
        return "ACCEPTED"
    return "NEEDS-ACTION"


def meeting_invitation(meeting, *, recipient, method: str, now: datetime.datetime | None = None) -> str:
    """The iCalendar text of ``meeting`` as an invitation to ``recipient`` (the event named
    as they see it): the organizer is the person who proposed it (the mentor at a group
    meeting), and both people of the pair attend. Times are in UTC."""
    now = now or timezone.now()
    event = meeting_event(meeting, viewer=recipient)
    pair = meeting.pair
    mentor, mentee = pair.mentor.user, pair.mentee.user
    organizer = meeting.proposed_by if meeting.proposed_by_id and not meeting.group_id else mentor

    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", now.astimezone(datetime.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    vevent.add("dtend", event.ends_at.astimezone(datetime.UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    vevent.add("status", "CANCELLED" if method == CANCEL else event.status)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("url", event.url)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("organizer", _address(organizer))
    for person in (mentor, mentee):
        vevent.add("attendee", _address(person, partstat=_partstat(meeting, person, method=method), role="REQ-PARTICIPANT"))
    calendar.add_component(vevent)
    return calendar.to_ical().decode()


def invitation_attachment(meeting, *, recipient, method: str) -> dict:
    """The invitation as an email attachment (what the mail task accepts)."""
    return {
        "filename": FILENAME,
        "content": meeting_invitation(meeting, recipient=recipient, method=method),
        "mimetype": f"text/calendar; method={method}",
    }
