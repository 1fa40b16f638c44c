import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.enums import CohortPhase
from cohorts.models import Pair, PairStatus
from meetings.enums import AgendaItemKind, GoalFramework, GoalStatus, Health, MeetingStatus
from meetings.models import ActionItem, AgendaItem, Goal, Meeting, PairMessage, PrivateNote
from meetings.selectors import calendar_feed_for_token, cohort_pairs_page
from meetings.services.agenda import (
    DEFAULT_FIRST_MEETING_QUESTIONS,
    action_item_set_done,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_tick,
    agenda_prepare,
    first_meeting_questions,
)
from meetings.services.calendar import calendar_feed_reset
from meetings.services.goals import goal_create, goal_update
from meetings.services.health import pairs_health_refresh_all
from meetings.services.pairs import pair_cadence_set, pair_message_post
from meetings.services.scheduling import (
    local_to_utc,
    meeting_can_confirm,
    meeting_cancel,
    meeting_confirm,
    meeting_log,
    meeting_propose,
    meeting_reschedule,
)
from mentorship.models import Notification
from questionnaires.enums import Kind
from questionnaires.templates import TEMPLATES
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    GoalFactory,
    MeetingFactory,
    PairFactory,
    QuestionFactory,
    QuestionnaireFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def _propose(pair, by, *, days=3, **kwargs):
    return meeting_propose(
        pair=pair,
        by=by,
        starts_at=NOW + datetime.timedelta(days=days),
        location=kwargs.pop("location", "Library café"),
        now=NOW,
        **kwargs,
    )


def _held(pair, *, days_ago, **kwargs):
    return MeetingFactory(
        pair=pair, status=MeetingStatus.HELD, starts_at=NOW - datetime.timedelta(days=days_ago), **kwargs
    )


# --- Time zones ------------------------------------------------------------------------------


def test_local_to_utc_reads_the_time_in_the_persons_zone():
    assert local_to_utc(day=datetime.date(2027, 7, 1), time=datetime.time(18, 0), time_zone="Europe/London") == (
        datetime.datetime(2027, 7, 1, 17, 0, tzinfo=UTC)
    )
    assert local_to_utc(day=datetime.date(2027, 7, 1), time=datetime.time(9, 0), time_zone="Asia/Tokyo") == (
        datetime.datetime(2027, 7, 1, 0, 0, tzinfo=UTC)
    )
    # 20:00 in New York on 31 December is 01:00 UTC on 1 January.
    assert local_to_utc(day=datetime.date(2027, 12, 31), time=datetime.time(20, 0), time_zone="America/New_York") == (
        datetime.datetime(2028, 1, 1, 1, 0, tzinfo=UTC)
    )


def test_local_to_utc_refuses_a_time_skipped_by_the_clock_change():
    with pytest.raises(ValidationError) as error:
        local_to_utc(day=datetime.date(2027, 3, 28), time=datetime.time(1, 30), time_zone="Europe/London")

    assert error.value.message_dict["time"] == [
        "01:30 does not exist on that day in Europe/London (the clocks change); choose another time."
    ]


def test_local_to_utc_reads_a_repeated_time_as_the_first():
    moment = local_to_utc(day=datetime.date(2027, 10, 31), time=datetime.time(1, 30), time_zone="Europe/London")

    assert moment == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "time", "time_zone"),
    [
        (datetime.date(9999, 12, 31), datetime.time(23, 0), "America/New_York"),
        (datetime.date(1, 1, 1), datetime.time(1, 0), "Asia/Tokyo"),
    ],
)
def test_local_to_utc_refuses_a_date_at_the_end_of_the_calendar(day, time, time_zone):
    with pytest.raises(ValidationError) as error:
        local_to_utc(day=day, time=time, time_zone=time_zone)

    assert error.value.message_dict == {"day": ["Choose a date within the next year."]}


# --- Proposing and confirming ---------------------------------------------------------------------


def test_meeting_propose_stores_the_time_and_tells_the_other_person(
    pair, mentee, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _propose(pair, mentee, video_url="https://meet.example.org/abc")

    meeting.refresh_from_db()
    assert (meeting.status, meeting.proposed_by, meeting.starts_at) == (
        MeetingStatus.PROPOSED,
        mentee,
        NOW + datetime.timedelta(days=3),
    )
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert mail.outbox[0].subject == f"{mentee} proposes a meeting on 13 March"


def _template_questions() -> list[str]:
    return [str(q.text) for q in TEMPLATES["first_meeting"].questions]


def test_first_meeting_agenda_holds_the_guiding_questions(pair, mentee):
    meeting = _propose(pair, mentee)

    items = list(meeting.agenda_items.values_list("kind", "text"))
    assert items == [(AgendaItemKind.QUESTION, q) for q in _template_questions()]


def test_first_meeting_agenda_holds_the_cohorts_own_guiding_questions(pair, mentee):
    questionnaire = QuestionnaireFactory(cohort=pair.cohort, kind=Kind.FIRST_MEETING)
    QuestionFactory(questionnaire=questionnaire, text="What brought you here?", position=1)
    QuestionFactory(questionnaire=questionnaire, text="What next?", position=2)

    meeting = _propose(pair, mentee)

    items = list(meeting.agenda_items.values_list("kind", "text"))
    assert items == [(AgendaItemKind.QUESTION, "What brought you here?"), (AgendaItemKind.QUESTION, "What next?")]


def test_first_meeting_questions_are_the_ready_templates_when_the_cohort_has_none(cohort):
    assert first_meeting_questions(cohort=cohort) == _template_questions()


def test_first_meeting_questions_skip_blank_ones(cohort):
    questionnaire = QuestionnaireFactory(cohort=cohort, kind=Kind.FIRST_MEETING)
    QuestionFactory(questionnaire=questionnaire, text="  What brought you here? ", position=1)
    QuestionFactory(questionnaire=questionnaire, text="  ", position=2)

    assert first_meeting_questions(cohort=cohort) == ["What brought you here?"]


def test_first_meeting_questions_fall_back_when_the_cohorts_are_all_blank(cohort):
    questionnaire = QuestionnaireFactory(cohort=cohort, kind=Kind.FIRST_MEETING)
    QuestionFactory(questionnaire=questionnaire, text=" ", position=1)

    assert first_meeting_questions(cohort=cohort) == DEFAULT_FIRST_MEETING_QUESTIONS


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"days": -1}, "day", "Choose a time in the future."),
        ({"days": 400}, "day", "Choose a date within the next year."),
        ({"location": ""}, "location", "Say where you meet: a place, a video link, or both."),
        ({"duration_minutes": 1}, "duration_minutes", "A meeting lasts between 5 minutes and 8 hours."),
    ],
)
def test_meeting_propose_refuses_bad_details(pair, mentee, changes, field, message):
    with pytest.raises(ValidationError) as error:
        _propose(pair, mentee, **changes)

    assert error.value.message_dict[field] == [message]
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        (CohortPhase.DRAFT, "Meetings start when the cohort launches."),
        (CohortPhase.ENROLLMENT, "Meetings start when the cohort launches."),
        (CohortPhase.TRAINING, "Meetings start when the cohort launches."),
        (CohortPhase.CLOSED, "The cohort has closed; its meetings are kept for reading."),
    ],
)
def test_meeting_propose_only_in_the_phases_that_allow_meetings(pair, mentee, phase, message):
    pair.cohort.phase = phase
    pair.cohort.save()

    with pytest.raises(ValidationError) as error:
        _propose(pair, mentee)

    assert error.value.messages == [message]
    assert Meeting.objects.count() == 0


def test_meeting_propose_in_showcase_phase_is_allowed(pair, mentee):
    pair.cohort.phase = CohortPhase.SHOWCASE
    pair.cohort.save()

    assert _propose(pair, mentee).status == MeetingStatus.PROPOSED


def test_meeting_propose_refuses_an_ended_pair(pair, mentee):
    pair.status = PairStatus.ENDED
    pair.save()

    with pytest.raises(ValidationError) as error:
        _propose(pair, mentee)

    assert error.value.messages == ["This pair has ended; its meetings are kept for reading."]


def test_meeting_propose_refuses_someone_outside_the_pair(pair, coordinator):
    with pytest.raises(PermissionDenied):
        _propose(pair, coordinator)

    assert Meeting.objects.count() == 0


def test_meeting_confirm_by_the_other_person(pair, mentee, mentor, django_capture_on_commit_callbacks):
    meeting = _propose(pair, mentee)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_confirm(meeting=meeting, by=mentor, now=NOW)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.confirmed_by, meeting.sequence) == (MeetingStatus.CONFIRMED, mentor, 1)
    assert [m.to for m in mail.outbox] == [[mentee.email]]


def test_meeting_confirm_refuses_the_proposer(pair, mentee):
    meeting = _propose(pair, mentee)

    with pytest.raises(ValidationError) as error:
        meeting_confirm(meeting=meeting, by=mentee, now=NOW)

    assert error.value.messages == ["You proposed this time; the other person confirms it."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROPOSED


def test_meeting_confirm_refuses_a_time_that_has_passed(pair, mentee, mentor):
    meeting = _propose(pair, mentee, days=1)

    with pytest.raises(ValidationError):
        meeting_confirm(meeting=meeting, by=mentor, now=NOW + datetime.timedelta(days=2))

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROPOSED


def test_meeting_can_confirm_follows_what_meeting_confirm_accepts(pair, mentee, mentor):
    meeting = _propose(pair, mentee, days=1)

    offered = {
        "the other person": meeting_can_confirm(meeting=meeting, by=mentor, now=NOW),
        "the proposer": meeting_can_confirm(meeting=meeting, by=mentee, now=NOW),
        "once it has passed": meeting_can_confirm(meeting=meeting, by=mentor, now=NOW + datetime.timedelta(days=2)),
    }
    meeting = meeting_confirm(meeting=meeting, by=mentor, now=NOW)
    offered["once confirmed"] = meeting_can_confirm(meeting=meeting, by=mentor, now=NOW)

    assert offered == {
        "the other person": True,
        "the proposer": False,
        "once it has passed": False,
        "once confirmed": False,
    }


def test_meeting_propose_sent_twice_makes_one_meeting_and_one_email(
    pair, mentee, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _propose(pair, mentee)
        second = _propose(pair, mentee)

    assert second == first
    assert list(Meeting.objects.values_list("pk", flat=True)) == [first.pk]
    assert [m.to for m in mail.outbox] == [[mentor.email]]


def test_meeting_propose_at_the_time_of_another_open_meeting_is_refused(pair, mentee, mentor):
    _propose(pair, mentee)

    with pytest.raises(ValidationError) as error:
        _propose(pair, mentor)

    assert error.value.message_dict == {
        "time": ["You already have a meeting at this time; open it from your pair's page."]
    }
    assert Meeting.objects.count() == 1


def test_meeting_propose_reads_the_pairs_status_afresh(pair, mentee):
    # Ended by the coordinator after the page loaded the pair.
    Pair.objects.filter(pk=pair.pk).update(status=PairStatus.ENDED)

    with pytest.raises(ValidationError) as error:
        _propose(pair, mentee)

    assert error.value.messages == ["This pair has ended; its meetings are kept for reading."]
    assert Meeting.objects.count() == 0


def test_meeting_confirm_refuses_a_time_moved_since_the_page_was_drawn(pair, mentee, mentor):
    meeting = _propose(pair, mentee)
    seen = meeting.sequence
    meeting_reschedule(
        meeting=meeting,
        by=mentee,
        starts_at=NOW + datetime.timedelta(days=6),
        duration_minutes=60,
        location="Elsewhere",
        video_url="",
        now=NOW,
    )

    with pytest.raises(ValidationError) as error:
        meeting_confirm(meeting=meeting, by=mentor, seen_sequence=seen, now=NOW)
    meeting.refresh_from_db()
    confirmed = meeting_confirm(meeting=meeting, by=mentor, seen_sequence=meeting.sequence, now=NOW)

    assert error.value.messages == [
        "The meeting was moved since you opened the page. Check the new time, then confirm it."
    ]
    assert (confirmed.status, confirmed.starts_at) == (MeetingStatus.CONFIRMED, NOW + datetime.timedelta(days=6))


def test_meeting_reschedule_onto_another_meetings_time_is_refused(pair, mentee):
    _propose(pair, mentee, days=3)
    later = _propose(pair, mentee, days=5)

    with pytest.raises(ValidationError) as error:
        meeting_reschedule(
            meeting=later,
            by=mentee,
            starts_at=NOW + datetime.timedelta(days=3),
            duration_minutes=60,
            location="Café",
            video_url="",
            now=NOW,
        )

    later.refresh_from_db()
    assert error.value.message_dict == {"time": ["You already have another meeting at this time."]}
    assert later.starts_at == NOW + datetime.timedelta(days=5)


def test_meeting_reschedule_goes_back_to_proposed_for_the_other_to_confirm(pair, mentee, mentor):
    meeting = _propose(pair, mentee)
    meeting_confirm(meeting=meeting, by=mentor, now=NOW)
    new_time = NOW + datetime.timedelta(days=5, hours=2)

    meeting_reschedule(
        meeting=meeting,
        by=mentor,
        starts_at=new_time,
        duration_minutes=45,
        location="",
        video_url="https://x.test/v",
        now=NOW,
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.proposed_by, meeting.confirmed_by, meeting.starts_at, meeting.sequence) == (
        MeetingStatus.PROPOSED,
        mentor,
        None,
        new_time,
        2,
    )


def test_meeting_cancel_keeps_the_reason_and_tells_the_other(pair, mentee, mentor, django_capture_on_commit_callbacks):
    meeting = _propose(pair, mentee)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=mentor, reason="Sick today, sorry.", now=NOW)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.shared_notes, meeting.logged_by) == (
        MeetingStatus.CANCELLED,
        "Sick today, sorry.",
        mentor,
    )
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert "Sick today, sorry." in mail.outbox[0].body


# --- Logging ------------------------------------------------------------------------------------


def test_meeting_log_held_with_notes_and_action_items(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))

    meeting_log(
        meeting=meeting,
        by=mentor,
        outcome=MeetingStatus.HELD,
        held_minutes=50,
        shared_notes="We talked about the talk.",
        private_note="She seemed tired.",
        action_items=[{"text": "Draft the abstract", "owner": mentee, "due_on": datetime.date(2027, 3, 20)}],
        now=NOW,
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes, meeting.shared_notes, meeting.logged_by) == (
        MeetingStatus.HELD,
        50,
        "We talked about the talk.",
        mentor,
    )
    assert list(PrivateNote.objects.values_list("author", "text")) == [(mentor.pk, "She seemed tired.")]
    assert list(ActionItem.objects.values_list("meeting", "text", "owner", "due_on", "done")) == [
        (meeting.pk, "Draft the abstract", mentee.pk, datetime.date(2027, 3, 20), False)
    ]


def test_meeting_log_refuses_held_before_the_meeting_starts(pair, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(hours=2))

    with pytest.raises(ValidationError) as error:
        meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.HELD, held_minutes=30, now=NOW)

    assert error.value.message_dict["outcome"] == [
        "A meeting is logged as held or missed once it has started; you can cancel it."
    ]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONFIRMED


def test_meeting_log_held_needs_its_length(pair, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))

    with pytest.raises(ValidationError) as error:
        meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.HELD, held_minutes=None, now=NOW)

    assert list(error.value.message_dict) == ["held_minutes"]


def test_meeting_log_refuses_an_action_item_for_someone_outside_the_pair(pair, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))

    with pytest.raises(ValidationError):
        meeting_log(
            meeting=meeting,
            by=mentor,
            outcome=MeetingStatus.MISSED,
            action_items=[{"text": "Sneaky", "owner": UserFactory(), "due_on": None}],
            now=NOW,
        )

    meeting.refresh_from_db()
    assert (meeting.status, ActionItem.objects.count()) == (MeetingStatus.CONFIRMED, 0)


def test_meeting_log_again_corrects_it_and_an_empty_private_note_removes_it(pair, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))
    meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.MISSED, private_note="Note", now=NOW)

    meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.HELD, held_minutes=40, private_note="  ", now=NOW)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes, PrivateNote.objects.count()) == (MeetingStatus.HELD, 40, 0)


def test_meeting_log_sent_twice_agrees_each_action_item_once(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))
    items = [
        {"text": "Draft the abstract", "owner": mentee, "due_on": None},
        {"text": "Draft the abstract", "owner": mentee, "due_on": None},
        {"text": "Draft the abstract", "owner": mentor, "due_on": None},
    ]

    for _ in range(2):
        meeting_log(
            meeting=meeting, by=mentee, outcome=MeetingStatus.HELD, held_minutes=45, action_items=items, now=NOW
        )

    assert sorted(ActionItem.objects.values_list("text", "owner")) == sorted(
        [("Draft the abstract", mentee.pk), ("Draft the abstract", mentor.pk)]
    )


def test_meeting_log_does_not_silently_replace_the_other_persons_log(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))
    seen_by_mentee = meeting.version
    meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.HELD, held_minutes=60, shared_notes="Mine", now=NOW)

    with pytest.raises(ValidationError) as error:
        meeting_log(
            meeting=meeting,
            by=mentee,
            outcome=MeetingStatus.MISSED,
            shared_notes="Hers",
            seen_version=seen_by_mentee,
            now=NOW,
        )
    meeting.refresh_from_db()
    kept = (meeting.status, meeting.shared_notes, meeting.logged_by)
    meeting_log(
        meeting=meeting,
        by=mentee,
        outcome=MeetingStatus.HELD,
        held_minutes=60,
        shared_notes="Mine, and hers",
        seen_version=meeting.version,
        now=NOW,
    )

    assert error.value.code == "changed"
    assert kept == (MeetingStatus.HELD, "Mine", mentor)
    meeting.refresh_from_db()
    assert (meeting.shared_notes, meeting.logged_by) == ("Mine, and hers", mentee)


def test_meeting_log_lets_its_author_correct_it_from_an_older_form(pair, mentor):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))
    seen = meeting.version
    meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.MISSED, now=NOW)

    meeting_log(meeting=meeting, by=mentor, outcome=MeetingStatus.HELD, held_minutes=30, seen_version=seen, now=NOW)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes) == (MeetingStatus.HELD, 30)


def test_meeting_log_refuses_an_action_item_too_long_for_its_column(pair, mentee):
    meeting = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(hours=2))

    with pytest.raises(ValidationError) as error:
        meeting_log(
            meeting=meeting,
            by=mentee,
            outcome=MeetingStatus.MISSED,
            action_items=[{"text": "x" * 301, "owner": mentee, "due_on": None}],
            now=NOW,
        )

    assert error.value.message_dict == {"action_item_0": ["Keep an action item under 300 characters."]}
    assert ActionItem.objects.count() == 0


def test_action_items_of_the_last_meeting_go_on_the_next_agenda(pair, mentee, mentor):
    first = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=1))
    meeting_log(
        meeting=first,
        by=mentee,
        outcome=MeetingStatus.HELD,
        held_minutes=60,
        action_items=[{"text": "Update the CV", "owner": mentee, "due_on": None}],
        now=NOW,
    )

    second = _propose(pair, mentor, days=13)

    action = ActionItem.objects.get()
    assert list(second.agenda_items.values_list("kind", "action_item", "text")) == [
        (AgendaItemKind.ACTION_ITEM, action.pk, f"Action item: Update the CV ({mentee})")
    ]


def test_logging_adds_new_action_items_to_a_meeting_already_proposed(pair, mentee, mentor):
    first = MeetingFactory(pair=pair, starts_at=NOW - datetime.timedelta(days=1))
    second = _propose(pair, mentor, days=13)

    meeting_log(
        meeting=first,
        by=mentee,
        outcome=MeetingStatus.HELD,
        held_minutes=60,
        action_items=[{"text": "Book the exam", "owner": mentee, "due_on": None}],
        now=NOW,
    )

    texts = list(second.agenda_items.filter(kind=AgendaItemKind.ACTION_ITEM).values_list("text", flat=True))
    assert texts == [f"Action item: Book the exam ({mentee})"]


# --- Agenda --------------------------------------------------------------------------------------


def test_later_meeting_agenda_reviews_open_action_items_and_active_goals_only(pair, mentee):
    _held(pair, days_ago=10)
    open_item = ActionItemFactory(pair=pair, text="Open one")
    ActionItemFactory(pair=pair, text="Done one", done=True)
    goal = GoalFactory(pair=pair, title="Give a talk", status=GoalStatus.IN_PROGRESS)
    GoalFactory(pair=pair, title="Old goal", status=GoalStatus.ACHIEVED)

    meeting = _propose(pair, mentee)

    assert list(meeting.agenda_items.values_list("kind", "action_item", "goal")) == [
        (AgendaItemKind.ACTION_ITEM, open_item.pk, None),
        (AgendaItemKind.GOAL, None, goal.pk),
    ]


def test_agenda_prepare_twice_adds_nothing_twice(pair, mentee):
    GoalFactory(pair=pair)
    meeting = _propose(pair, mentee)
    before = list(meeting.agenda_items.values_list("pk", flat=True))

    added = agenda_prepare(meeting=meeting)

    assert added == []
    assert list(meeting.agenda_items.values_list("pk", flat=True)) == before


def test_agenda_prepare_leaves_a_logged_meeting_alone(pair):
    meeting = _held(pair, days_ago=2)
    ActionItemFactory(pair=pair)

    assert agenda_prepare(meeting=meeting) == []
    assert meeting.agenda_items.count() == 0


def test_agenda_item_add_move_tick_and_remove(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair)
    first = agenda_item_add(meeting=meeting, by=mentee, text="My portfolio")
    second = agenda_item_add(meeting=meeting, by=mentor, text="Interview practice")

    agenda_item_move(item=second, by=mentee, direction="up")
    agenda_item_tick(item=first, by=mentor, done=True, now=NOW)

    assert list(meeting.agenda_items.values_list("text", "done", "added_by")) == [
        ("Interview practice", False, mentor.pk),
        ("My portfolio", True, mentee.pk),
    ]
    agenda_item_remove(item=first, by=mentor)
    assert list(meeting.agenda_items.values_list("text", flat=True)) == ["Interview practice"]


def test_agenda_item_add_tells_the_other_person_in_the_app(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair)

    agenda_item_add(meeting=meeting, by=mentee, text="My portfolio")

    notification = Notification.objects.get()
    assert (notification.user, notification.kind, notification.url) == (
        mentor,
        "agenda-item-added",
        f"/meetings/{meeting.pk}/",
    )
    assert notification.title.startswith(f"{mentee.full_name} added “My portfolio” to the agenda of your meeting on ")


def test_agenda_item_add_twice_lists_the_topic_once(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair)

    first = agenda_item_add(meeting=meeting, by=mentee, text="Salary talk")
    second = agenda_item_add(meeting=meeting, by=mentor, text="  Salary talk ")

    assert second == first
    assert list(meeting.agenda_items.values_list("text", flat=True)) == ["Salary talk"]


def test_agenda_item_tick_of_an_item_removed_meanwhile_says_so(pair, mentee, mentor):
    meeting = MeetingFactory(pair=pair)
    item = agenda_item_add(meeting=meeting, by=mentee, text="Salary talk")
    stale = AgendaItem.objects.get(pk=item.pk)
    agenda_item_remove(item=item, by=mentee)

    with pytest.raises(ValidationError) as error:
        agenda_item_tick(item=stale, by=mentor, done=True)

    assert error.value.messages == ["This item is no longer on the agenda."]
    assert AgendaItem.objects.count() == 0


def test_agenda_item_move_beyond_the_ends_changes_nothing(pair, mentee):
    meeting = MeetingFactory(pair=pair)
    top = AgendaItemFactory(meeting=meeting, text="A", position=1)
    AgendaItemFactory(meeting=meeting, text="B", position=2)

    agenda_item_move(item=top, by=mentee, direction="up")

    assert list(meeting.agenda_items.values_list("text", flat=True)) == ["A", "B"]


def test_agenda_item_move_rejects_an_unknown_direction(pair, mentee):
    item = AgendaItemFactory(meeting=MeetingFactory(pair=pair))

    with pytest.raises(ValidationError):
        agenda_item_move(item=item, by=mentee, direction="sideways")


def test_prepared_agenda_items_cannot_be_removed(pair, mentee):
    item = AgendaItemFactory(meeting=MeetingFactory(pair=pair), kind=AgendaItemKind.QUESTION)

    with pytest.raises(ValidationError):
        agenda_item_remove(item=item, by=mentee)

    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_agenda_of_a_cancelled_meeting_is_closed(pair, mentee):
    meeting = MeetingFactory(pair=pair, status=MeetingStatus.CANCELLED)

    with pytest.raises(ValidationError) as error:
        agenda_item_add(meeting=meeting, by=mentee, text="Late idea")

    assert error.value.messages == ["The agenda of a cancelled or missed meeting is closed."]


def test_agenda_item_add_refuses_an_empty_item(pair, mentee):
    with pytest.raises(ValidationError):
        agenda_item_add(meeting=MeetingFactory(pair=pair), by=mentee, text="   ")

    assert AgendaItem.objects.count() == 0


def test_action_item_opened_again_goes_back_on_the_next_agenda(pair, mentee):
    _held(pair, days_ago=5)
    action = ActionItemFactory(pair=pair, done=True)
    meeting = _propose(pair, mentee)
    assert meeting.agenda_items.count() == 0

    action_item_set_done(action_item=action, by=mentee, done=False)

    assert list(meeting.agenda_items.values_list("action_item", flat=True)) == [action.pk]


# --- Goals ------------------------------------------------------------------------------------


SMART = {
    "smart_specific": "Speak at a meetup",
    "smart_measurable": "One talk given",
    "smart_achievable": "Two hours a week",
    "smart_relevant": "Needed for promotion",
    "smart_time_bound": "By June",
}


def test_goal_create_by_the_mentee_goes_on_the_agendas_ahead(pair, mentee):
    meeting = _propose(pair, mentee)

    goal = goal_create(pair=pair, by=mentee, framework=GoalFramework.SMART, title="Speak", **SMART)

    goal.refresh_from_db()
    assert (goal.framework, goal.smart_specific, goal.status, goal.created_by) == (
        GoalFramework.SMART,
        "Speak at a meetup",
        GoalStatus.NOT_STARTED,
        mentee,
    )
    assert list(meeting.agenda_items.filter(kind=AgendaItemKind.GOAL).values_list("goal", flat=True)) == [goal.pk]


def test_goal_create_refuses_the_mentor(pair, mentor):
    with pytest.raises(PermissionDenied):
        goal_create(pair=pair, by=mentor, framework=GoalFramework.SMART, title="Speak", **SMART)

    assert Goal.objects.count() == 0


def test_goal_create_needs_every_field_of_its_framework(pair, mentee):
    with pytest.raises(ValidationError) as error:
        goal_create(
            pair=pair,
            by=mentee,
            framework=GoalFramework.GROW,
            title="Change roles",
            grow_goal="A developer role",
            grow_reality="Support engineer",
            grow_options="",
            grow_will="Apply internally",
        )

    assert error.value.message_dict == {"grow_options": ["Please fill this in."]}
    assert Goal.objects.count() == 0


def test_goal_create_refuses_fields_of_another_framework(pair, mentee):
    with pytest.raises(ValueError, match="Not fields of a swot goal"):
        goal_create(pair=pair, by=mentee, framework=GoalFramework.SWOT, title="Focus", **SMART)


def test_goal_create_sent_twice_sets_one_goal(pair, mentee):
    first = goal_create(pair=pair, by=mentee, framework=GoalFramework.SMART, title="Speak", **SMART)

    second = goal_create(pair=pair, by=mentee, framework=GoalFramework.SMART, title=" Speak ", **SMART)

    assert second == first
    assert Goal.objects.count() == 1


def test_goal_update_achieved_means_full_progress(pair, mentee):
    goal = GoalFactory(pair=pair)

    goal_update(goal=goal, by=mentee, title="Spoke!", status=GoalStatus.ACHIEVED, progress=80, **SMART)

    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.progress) == ("Spoke!", GoalStatus.ACHIEVED, 100)


# --- Cadence, messages, calendar ---------------------------------------------------------------------


def test_pair_cadence_set_changes_the_health_rule(pair, mentee):
    pair.matched_at = NOW - datetime.timedelta(days=60)
    pair.save()
    _held(pair, days_ago=25)
    pairs_health_refresh_all(now=NOW)
    pair.refresh_from_db()
    assert pair.health == Health.AT_RISK

    pair_cadence_set(pair=pair, cadence_days=21, by=mentee, now=NOW)

    pair.refresh_from_db()
    assert pair.health == Health.ON_TRACK


@pytest.mark.parametrize("days", [3, 45])
def test_pair_cadence_set_refuses_out_of_range(pair, mentee, days):
    with pytest.raises(ValidationError):
        pair_cadence_set(pair=pair, cadence_days=days, by=mentee)


def test_pair_message_post_tells_the_other(pair, mentee, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pair_message_post(pair=pair, by=mentor, text="  How did the interview go?  ", now=NOW)

    assert list(PairMessage.objects.values_list("author", "text")) == [(mentor.pk, "How did the interview go?")]
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert mail.outbox[0].subject == f"New message from {mentor}"


def test_pair_message_post_sent_twice_posts_and_emails_once(pair, mentee, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = pair_message_post(pair=pair, by=mentor, text="See you Friday", now=NOW)
        second = pair_message_post(pair=pair, by=mentor, text="See you Friday", now=NOW + datetime.timedelta(seconds=1))
        later = pair_message_post(pair=pair, by=mentor, text="See you Friday", now=NOW + datetime.timedelta(days=7))

    assert second == first
    assert list(PairMessage.objects.order_by("created_at").values_list("pk", flat=True)) == [first.pk, later.pk]
    assert [m.to for m in mail.outbox] == [[mentee.email], [mentee.email]]


def test_pair_message_post_refuses_an_empty_message(pair, mentor):
    with pytest.raises(ValidationError):
        pair_message_post(pair=pair, by=mentor, text="   ")

    assert PairMessage.objects.count() == 0


def test_calendar_feed_reset_replaces_the_address(mentee):
    first = calendar_feed_reset(user=mentee).token

    second = calendar_feed_reset(user=mentee).token

    assert first != second
    assert calendar_feed_for_token(token=first) is None
    assert calendar_feed_for_token(token=second).user == mentee


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-1], lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t[:12], lambda t: ""]
)
def test_calendar_feed_for_token_refuses_anything_but_the_exact_address(mentee, tamper):
    token = calendar_feed_reset(user=mentee).token

    assert calendar_feed_for_token(token=tamper(token)) is None


@pytest.mark.parametrize(
    "token", ["\x00" * 12 + "abc", "abcdef012345" + "\x00", "abcdef012345sécret", "abcdef012345" + "a" * 65]
)
def test_calendar_feed_for_token_refuses_characters_no_address_has(mentee, token, django_assert_num_queries):
    calendar_feed_reset(user=mentee)

    # Refused before the database, which fails on some of them (a NUL byte on PostgreSQL).
    with django_assert_num_queries(0):
        assert calendar_feed_for_token(token=token) is None


# --- The cohort's pairs and their health ---------------------------------------------------------------


def test_cohort_pairs_page_counts_filters_and_puts_the_urgent_first(cohort):
    matched = NOW - datetime.timedelta(days=40)
    on_track = PairFactory(cohort=cohort, matched_at=matched)
    _held(on_track, days_ago=3)
    at_risk = PairFactory(cohort=cohort, matched_at=matched)
    _held(at_risk, days_ago=30)
    no_contact = PairFactory(cohort=cohort, matched_at=matched)
    PairFactory(cohort=cohort, matched_at=matched, status=PairStatus.ENDED)
    pairs_health_refresh_all(now=NOW)

    everything = cohort_pairs_page(cohort=cohort, now=NOW)
    risky = cohort_pairs_page(cohort=cohort, health=Health.AT_RISK, now=NOW)

    assert everything.counts == {"on_track": 1, "at_risk": 1, "no_contact": 1, "all": 3}
    assert [(row.pair, row.health) for row in everything.rows] == [
        (no_contact, Health.NO_CONTACT),
        (at_risk, Health.AT_RISK),
        (on_track, Health.ON_TRACK),
    ]
    assert [row.pair for row in risky.rows] == [at_risk]
    assert risky.rows[0].last_held_at == NOW - datetime.timedelta(days=30)


def test_cohort_pairs_page_shows_the_next_meeting_and_ended_pairs_on_request(cohort):
    pair = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=3))
    upcoming = MeetingFactory(pair=pair, starts_at=NOW + datetime.timedelta(days=2), status=MeetingStatus.PROPOSED)
    ended = PairFactory(cohort=cohort, status=PairStatus.GRADUATED)

    active = cohort_pairs_page(cohort=cohort, now=NOW)
    finished = cohort_pairs_page(cohort=cohort, health="ended", now=NOW)

    assert [(r.next_meeting_at, r.next_meeting_confirmed) for r in active.rows] == [(upcoming.starts_at, False)]
    assert [(r.pair, r.health) for r in finished.rows] == [(ended, None)]


def test_cohort_pairs_page_paginates(cohort):
    for _ in range(3):
        PairFactory(cohort=cohort, matched_at=NOW)

    second = cohort_pairs_page(cohort=cohort, page=2, per_page=2, now=NOW)

    assert (second.page.number, second.page.paginator.num_pages, len(second.rows)) == (2, 2, 1)
