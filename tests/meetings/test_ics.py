import datetime
from zoneinfo import ZoneInfo

import pytest

from meetings.enums import MeetingStatus
from meetings.ics import Event, calendar_text, escape_text, fold, meeting_event
from tests.factories import MeetingFactory
from tests.meetings.ics_parser import events, parse, unescape

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def _event(**changes) -> Event:
    values = {
        "uid": "abc@example.test",
        "starts_at": datetime.datetime(2027, 3, 12, 17, 0, tzinfo=UTC),
        "ends_at": datetime.datetime(2027, 3, 12, 18, 0, tzinfo=UTC),
        "summary": "Mentoring",
        "status": "CONFIRMED",
    }
    return Event(**{**values, **changes})


def test_calendar_round_trips_through_a_parser():
    text = calendar_text([_event(location="Room 3", url="https://example.test/m/1", sequence=2)], name="Mine", now=NOW)

    (calendar,) = parse(text.encode())
    (event,) = events(text.encode())
    assert calendar["props"]["VERSION"] == "2.0"
    assert calendar["props"]["PRODID"].startswith("-//")
    assert event == {
        "UID": "abc@example.test",
        "DTSTAMP": "20270310T120000Z",
        "DTSTART": "20270312T170000Z",
        "DTEND": "20270312T180000Z",
        "SUMMARY": "Mentoring",
        "STATUS": "CONFIRMED",
        "SEQUENCE": "2",
        "LOCATION": "Room 3",
        "URL": "https://example.test/m/1",
    }


def test_date_times_are_written_in_utc_whatever_their_zone():
    tokyo = datetime.datetime(2027, 3, 13, 2, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

    (event,) = events(calendar_text([_event(starts_at=tokyo, ends_at=tokyo)], name="x", now=NOW).encode())

    assert event["DTSTART"] == "20270312T170000Z"


@pytest.mark.parametrize(
    "text",
    ["Café; Room 3, floor 2", "Back\\slash", "Two\nlines\r\nand more", "Ünïcödé ✓ " * 20, ""],
)
def test_text_is_escaped_and_read_back_unchanged(text):
    data = calendar_text([_event(summary=text, description=text)], name="x", now=NOW).encode()

    (event,) = events(data)

    expected = text.replace("\r\n", "\n")
    assert (unescape(event["SUMMARY"]), unescape(event["DESCRIPTION"] if text else "")) == (expected, expected)


def test_escape_text_escapes_the_four_special_characters():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100

    folded = fold(line)

    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_a_short_line_is_not_folded():
    assert fold("UID:x") == "UID:x"


@pytest.mark.django_db
def test_meeting_event_is_named_after_the_other_person_and_carries_the_video_link(pair):
    meeting = MeetingFactory(
        pair=pair, location="", video_url="https://meet.example.org/x", status=MeetingStatus.PROPOSED, sequence=3
    )

    for_mentee = meeting_event(meeting, viewer=pair.mentee.user)
    for_mentor = meeting_event(meeting, viewer=pair.mentor.user)

    assert for_mentee.summary == f"Mentoring meeting with {pair.mentor.user}"
    assert for_mentor.summary == f"Mentoring meeting with {pair.mentee.user}"
    assert (for_mentee.location, for_mentee.status, for_mentee.sequence) == (
        "https://meet.example.org/x",
        "TENTATIVE",
        3,
    )
    assert for_mentee.uid == f"{meeting.uid}@127.0.0.1"
    assert for_mentee.ends_at - for_mentee.starts_at == datetime.timedelta(minutes=60)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (MeetingStatus.CONFIRMED, "CONFIRMED"),
        (MeetingStatus.HELD, "CONFIRMED"),
        (MeetingStatus.CANCELLED, "CANCELLED"),
        (MeetingStatus.MISSED, "CANCELLED"),
    ],
)
def test_meeting_event_status(pair, status, expected):
    meeting = MeetingFactory(pair=pair, status=status)

    assert meeting_event(meeting, viewer=pair.mentee.user).status == expected
