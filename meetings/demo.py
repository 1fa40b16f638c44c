"""Demo meetings for the launched cohort (``context["cohort"]``, launched ten weeks ago with
mentee1..mentee18 paired at launch).

Every pair has met about every two weeks since launch: held meetings with ticked agendas,
shared notes, a private note, action items (the older ones done, the last ones open),
goals in each framework and a few messages. Some pairs had a meeting cancelled or missed.
Most have their next meeting planned, some confirmed, some waiting for confirmation; one has a
meeting of two days ago waiting to be logged.

Two pairs show the coordinator what needs attention:
- mentee17's pair is at risk: it met twice after launch, then stopped (the last meeting
  held is far more than its cadence plus a week ago);
- mentee18's pair has had no contact: it was re-matched about 20 days ago (its matched_at is
  moved there) and its only meeting was missed.

mentee4 recorded a phone check-in with her mentor last week, after the call. mentor1 held a
group meeting with mentee1 (present) and mentee2 (absent); mentor3 has called one for next
week with mentee5 (confirmed) and mentee6 (not answered yet).

Nothing is written when the cohort's pairs have meetings already (the phone check-in and the
group meetings when they exist), so a second run changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cohorts.models import Pair, PairStatus

from .enums import AgendaItemKind, ContactKind, GoalFramework, GoalStatus, GroupMeetingStatus, MeetingStatus
from .models import ActionItem, AgendaItem, Goal, GroupMeeting, Meeting, PairMessage, PairSettings, PrivateNote
from .services.agenda import agenda_prepare
from .services.health import pairs_health_refresh
from .services.pairs import pair_message_post
from .services.reminders import pairs_at_risk_flag
from .services.scheduling import local_to_utc

AT_RISK_MENTEE = "mentee17@demo.test"
NO_CONTACT_MENTEE = "mentee18@demo.test"
# Pairs without a next meeting planned, and the pair with a meeting of two days ago to log.
NOTHING_PLANNED = {3, 11}
TO_LOG = 7
# A monthly phone check-in recorded after the call, and the mentors' group meetings.
PHONE_CHECKIN_MENTEE = "mentee4@demo.test"
HELD_GROUP_MENTEES = ["mentee1@demo.test", "mentee2@demo.test"]
PLANNED_GROUP_MENTEES = ["mentee5@demo.test", "mentee6@demo.test"]

MEETING_DAYS = [3, 17, 31, 45, 59]
LOCAL_TIME = datetime.time(17, 0)

TOPICS = [
    "My portfolio site: what to show first",
    "How to ask for a stretch project",
    "Preparing for the system design interview",
    "Speaking at a meetup: where to start",
    "Feedback on my pull request reviews",
]
SHARED_NOTES = [
    "Good first conversation. We agreed on what the mentee wants from the program and on meeting every two weeks.",
    "Went through the CV line by line; the project section needs outcomes, not tasks.",
    "Talked about negotiating the next role. Practised the conversation twice.",
    "Reviewed progress on the goals; the certification is on track, the talk needs a date.",
    "Mock interview on system design; strong on trade-offs, needs to time-box the requirements part.",
]
ACTIONS = [
    ("Rewrite the CV project section with outcomes", "mentee", 10),
    ("Send an introduction to a colleague in data engineering", "mentor", 7),
    ("Draft the talk abstract", "mentee", 12),
    ("Share the interview preparation reading list", "mentor", 5),
    ("Book the certification exam", "mentee", 14),
]
MESSAGES = [
    ("mentee", "Thank you for today! I've started on the CV."),
    ("mentor", "Great, send it over when you want a second pair of eyes."),
    ("mentee", "Could we move the next meeting half an hour later?"),
]
GOALS = {
    GoalFramework.SMART: {
        "title": "Pass the cloud practitioner certification",
        "smart_specific": "Pass the AWS Cloud Practitioner exam.",
        "smart_measurable": "A passing score, and a small project deployed with what I learnt.",
        "smart_achievable": "Four hours a week of study; my employer pays the exam.",
        "smart_relevant": "My team is moving to the cloud and I want to lead part of it.",
        "smart_time_bound": "Exam booked before the showcase.",
    },
    GoalFramework.GROW: {
        "title": "Move from support into a developer role",
        "grow_goal": "A junior developer role within a year.",
        "grow_reality": "I fix scripts at work and finished an online course; no portfolio yet.",
        "grow_options": "An internal move, a bootcamp, open source contributions, a portfolio project.",
        "grow_will": "Ask my manager about an internal move this month; one portfolio project by the showcase.",
    },
    GoalFramework.SWOT: {
        "title": "Know where to focus this term",
        "swot_strengths": "Patient with users, good at explaining, reliable.",
        "swot_weaknesses": "Little confidence speaking up in meetings; no testing experience.",
        "swot_opportunities": "The new internal guild; the meetup my mentor runs.",
        "swot_threats": "Reorganisation at work; little time with two kids.",
    },
}


def seed(context: dict) -> None:
    cohort = context.get("cohort")
    if cohort is None:
        return
    pairs = list(
        Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE)
        .select_related("cohort", "mentor__user", "mentee__user")
        .order_by("mentee__user__email")
    )
    if pairs and not Meeting.objects.filter(pair__cohort=cohort).exists():
        _seed_meetings(pairs)
    if pairs:
        _seed_contacts_and_groups(cohort, pairs)
    # The stored health as the services and the hourly check keep it.
    pairs_health_refresh(pairs=Pair.objects.filter(cohort=cohort))


def _seed_meetings(pairs: list[Pair]) -> None:
    # mentee1, mentee10, mentee11, ... sort as text; the demo wants them by number.
    pairs.sort(key=lambda p: int("".join(c for c in p.mentee.user.email.split("@")[0] if c.isdigit()) or 0))
    now = timezone.now()
    with transaction.atomic():
        for index, pair in enumerate(pairs):
            email = pair.mentee.user.email
            if email == AT_RISK_MENTEE:
                _seed_at_risk(pair, now)
            elif email == NO_CONTACT_MENTEE:
                _seed_no_contact(pair, now)
            else:
                _seed_regular(pair, index, now)
        _seed_notifications(pairs, now)


def _by_mentee(pairs: list[Pair]) -> dict[str, Pair]:
    return {pair.mentee.user.email: pair for pair in pairs}


def _seed_contacts_and_groups(cohort, pairs: list[Pair]) -> None:
    """A past phone check-in (mentee4 recorded a call with her mentor last week), a group
    meeting mentor1 held with mentee1 present and mentee2 absent, and one mentor3 called for
    next week with mentee5 and mentee6 (mentee5 has confirmed). Each is laid down once,
    checked apart, so that a demo seeded before they existed gets them too."""
    now = timezone.now()
    by_mentee = _by_mentee(pairs)
    with transaction.atomic():
        call_pair = by_mentee.get(PHONE_CHECKIN_MENTEE)
        if call_pair is not None and not Meeting.objects.filter(pair=call_pair, recorded_after=True).exists():
            _seed_phone_checkin(call_pair, now)
        if not GroupMeeting.objects.filter(cohort=cohort).exists():
            held = [by_mentee[email] for email in HELD_GROUP_MENTEES if email in by_mentee]
            planned = [by_mentee[email] for email in PLANNED_GROUP_MENTEES if email in by_mentee]
            if len(held) == 2:
                _seed_group(cohort, held, now - datetime.timedelta(days=5), attended=held[:1])
            if len(planned) == 2:
                _seed_group(cohort, planned, now + datetime.timedelta(days=6), confirmed=planned[:1])


def _seed_phone_checkin(pair: Pair, now: datetime.datetime) -> None:
    mentee = pair.mentee.user
    when = _at(pair, now.date() - datetime.timedelta(days=6))
    call = Meeting.objects.create(
        pair=pair,
        kind=ContactKind.CALL,
        recorded_after=True,
        starts_at=when,
        duration_minutes=20,
        status=MeetingStatus.HELD,
        held_minutes=20,
        shared_notes="Monthly phone check-in. The new role starts on the 1st; we will pick the next goal then.",
        proposed_by=mentee,
        proposed_at=when + datetime.timedelta(hours=2),
        logged_by=mentee,
        logged_at=when + datetime.timedelta(hours=2),
    )
    ActionItem.objects.create(
        pair=pair,
        meeting=call,
        text="Write down three things to learn in the first month",
        owner=mentee,
        due_on=now.date() + datetime.timedelta(days=10),
        created_by=mentee,
    )


def _seed_group(cohort, pairs: list[Pair], starts_at: datetime.datetime, *, attended=(), confirmed=()) -> GroupMeeting:
    mentor = pairs[0].mentor.user
    held = starts_at < timezone.now()
    group = GroupMeeting.objects.create(
        cohort=cohort,
        mentor=pairs[0].mentor,
        title="Negotiating your first raise" if held else "Giving a lightning talk",
        agenda=(
            "1. Each of us: one thing we want from the next review\n2. Role play in pairs\n3. What to send before"
            if held
            else "1. Pick a topic you know well\n2. Five minutes, one idea\n3. Try it on the group"
        ),
        starts_at=starts_at,
        duration_minutes=90,
        location="Meeting room 3, 4th floor",
        status=GroupMeetingStatus.HELD if held else GroupMeetingStatus.SCHEDULED,
        held_minutes=80 if held else None,
        shared_notes=(
            "We practised asking for a raise twice each. Bring numbers: the projects delivered this year."
            if held
            else ""
        ),
        logged_by=mentor if held else None,
        logged_at=starts_at + datetime.timedelta(hours=2) if held else None,
    )
    for pair in pairs:
        if held:
            status = MeetingStatus.HELD if pair in attended else MeetingStatus.MISSED
        else:
            status = MeetingStatus.CONFIRMED if pair in confirmed else MeetingStatus.PROPOSED
        Meeting.objects.create(
            pair=pair,
            group=group,
            starts_at=starts_at,
            duration_minutes=90,
            location=group.location,
            status=status,
            held_minutes=80 if status == MeetingStatus.HELD else None,
            proposed_by=mentor,
            proposed_at=starts_at - datetime.timedelta(days=7),
            confirmed_by=pair.mentee.user if status != MeetingStatus.PROPOSED else None,
            confirmed_at=starts_at - datetime.timedelta(days=6) if status != MeetingStatus.PROPOSED else None,
            logged_by=mentor if held else None,
            logged_at=group.logged_at,
        )
    return group


def _seed_notifications(pairs: list[Pair], now: datetime.datetime) -> None:
    """What the nightly health check and a new message leave in people's notification lists
    (and, on `make run`, print as emails): the coordinators' digest of pairs needing
    attention, the flagged pairs' nudges, and a fresh message for mentee1."""
    pairs_at_risk_flag(now=now)
    first = pairs[0]
    pair_message_post(
        pair=first,
        by=first.mentor.user,
        text="I found the talk on system design interviews I mentioned; the link is in our agenda for next time.",
        now=now,
    )


def _at(pair: Pair, day: datetime.date) -> datetime.datetime:
    """17:00 on that day where the mentee lives."""
    return local_to_utc(day=day, time=LOCAL_TIME, time_zone=pair.mentee.user.time_zone_name)


def _people(pair: Pair) -> dict:
    return {"mentee": pair.mentee.user, "mentor": pair.mentor.user}


def _open_meeting(pair: Pair, starts_at: datetime.datetime, *, confirmed: bool, proposer: str) -> Meeting:
    people = _people(pair)
    other = "mentor" if proposer == "mentee" else "mentee"
    meeting = Meeting.objects.create(
        pair=pair,
        starts_at=starts_at,
        duration_minutes=60,
        location="" if pair.pk % 2 else "Café Lumen, 2nd floor",
        video_url=f"https://meet.example.org/pair-{pair.pk}" if pair.pk % 2 else "",
        status=MeetingStatus.CONFIRMED if confirmed else MeetingStatus.PROPOSED,
        proposed_by=people[proposer],
        proposed_at=starts_at - datetime.timedelta(days=6),
        confirmed_by=people[other] if confirmed else None,
        confirmed_at=starts_at - datetime.timedelta(days=5) if confirmed else None,
    )
    agenda_prepare(meeting=meeting)
    return meeting


def _log(pair: Pair, meeting: Meeting, status: str, number: int, *, notes: str = "") -> None:
    people = _people(pair)
    logger = people["mentee" if number % 2 else "mentor"]
    meeting.status = status
    meeting.logged_by = logger
    meeting.logged_at = meeting.starts_at + datetime.timedelta(hours=20)
    meeting.held_minutes = 45 + 5 * (number % 4) if status == MeetingStatus.HELD else None
    meeting.shared_notes = notes
    meeting.sequence += 1
    meeting.save()
    if status == MeetingStatus.HELD:
        items = list(meeting.agenda_items.order_by("position"))
        for item in items[:-1] if len(items) > 1 else items:
            item.done = True
            item.done_at = meeting.starts_at + datetime.timedelta(minutes=30)
        AgendaItem.objects.bulk_update(items, ["done", "done_at"])


def _add_actions(pair: Pair, meeting: Meeting, number: int) -> list[ActionItem]:
    people = _people(pair)
    created = []
    for offset in range(2 if number % 2 else 1):
        text, owner, due_days = ACTIONS[(number + offset) % len(ACTIONS)]
        created.append(
            ActionItem.objects.create(
                pair=pair,
                meeting=meeting,
                text=text,
                owner=people[owner],
                due_on=meeting.date_utc + datetime.timedelta(days=due_days),
                created_by=meeting.logged_by,
            )
        )
    return created


def _close(actions: list[ActionItem], when: datetime.datetime, *, keep_one_open: bool = False) -> None:
    for action in actions[1:] if keep_one_open else actions:
        action.done = True
        action.done_at = when
        action.save(update_fields=["done", "done_at"])


def _goals(pair: Pair, frameworks: list[str], now: datetime.datetime) -> None:
    for number, framework in enumerate(frameworks):
        Goal.objects.create(
            pair=pair,
            framework=framework,
            status=GoalStatus.IN_PROGRESS if number == 0 else GoalStatus.NOT_STARTED,
            progress=40 if number == 0 else 0,
            target_on=(pair.cohort.showcase_on or now.date()) if framework == GoalFramework.SMART else None,
            created_by=pair.mentee.user,
            **GOALS[framework],
        )


def _messages(pair: Pair, start: datetime.datetime, count: int) -> None:
    people = _people(pair)
    for number, (who, text) in enumerate(MESSAGES[:count]):
        PairMessage.objects.create(
            pair=pair, author=people[who], text=text, created_at=start + datetime.timedelta(hours=3 + 20 * number)
        )


def _seed_regular(pair: Pair, index: int, now: datetime.datetime) -> None:
    launch = pair.cohort.launch_on
    shift = index % 3
    frameworks = [list(GoalFramework)[index % 3]] + ([GoalFramework.SMART] if index % 3 else [])
    open_actions: list[ActionItem] = []
    for number, day in enumerate(MEETING_DAYS):
        meeting = _open_meeting(
            pair, _at(pair, launch + datetime.timedelta(days=day + shift)), confirmed=True, proposer="mentee"
        )
        if number == 0:
            # The mentee brings a topic of their own to the first meeting.
            AgendaItem.objects.create(
                meeting=meeting,
                kind=AgendaItemKind.TOPIC,
                text=TOPICS[index % len(TOPICS)],
                added_by=pair.mentee.user,
                position=meeting.agenda_items.count() + 1,
            )
        if number == 2 and index % 4 == 0:
            _log(pair, meeting, MeetingStatus.CANCELLED, number, notes="Cancelled: the mentor was travelling.")
            continue
        if number == 3 and index % 4 == 1:
            _log(pair, meeting, MeetingStatus.MISSED, number)
            continue
        _log(pair, meeting, MeetingStatus.HELD, number, notes=SHARED_NOTES[number])
        _close(open_actions, meeting.starts_at, keep_one_open=number == len(MEETING_DAYS) - 1 and index % 2 == 0)
        open_actions = _add_actions(pair, meeting, number)
        if number == 0:
            PrivateNote.objects.create(
                meeting=meeting,
                author=pair.mentor.user,
                text="Seems unsure about the career change; ask about what her manager said.",
            )
            _goals(pair, frameworks, now)
            _messages(pair, meeting.starts_at, 2 + index % 2)
    if index == 5:
        PairSettings.objects.create(pair=pair, cadence_days=21, updated_by=pair.mentee.user)
    if index == TO_LOG:
        _open_meeting(pair, _at(pair, now.date() - datetime.timedelta(days=2)), confirmed=True, proposer="mentor")
    elif index not in NOTHING_PLANNED:
        _open_meeting(
            pair,
            _at(pair, now.date() + datetime.timedelta(days=2 + index % 5)),
            confirmed=index % 2 == 0,
            proposer="mentee" if index % 3 else "mentor",
        )


def _seed_at_risk(pair: Pair, now: datetime.datetime) -> None:
    launch = pair.cohort.launch_on
    open_actions: list[ActionItem] = []
    for number, day in enumerate(MEETING_DAYS[:3]):
        meeting = _open_meeting(
            pair, _at(pair, launch + datetime.timedelta(days=day)), confirmed=True, proposer="mentor"
        )
        if number == 2:
            _log(pair, meeting, MeetingStatus.CANCELLED, number, notes="Cancelled: a deadline at work.")
            continue
        _log(pair, meeting, MeetingStatus.HELD, number, notes=SHARED_NOTES[number])
        _close(open_actions, meeting.starts_at)
        open_actions = _add_actions(pair, meeting, number)
        if number == 0:
            _goals(pair, [GoalFramework.SWOT], now)
            _messages(pair, meeting.starts_at, 2)


def _seed_no_contact(pair: Pair, now: datetime.datetime) -> None:
    pair.matched_at = now - datetime.timedelta(days=20)
    pair.save(update_fields=["matched_at"])
    meeting = _open_meeting(
        pair, _at(pair, now.date() - datetime.timedelta(days=12)), confirmed=False, proposer="mentor"
    )
    _log(pair, meeting, MeetingStatus.MISSED, 1)
