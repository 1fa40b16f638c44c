import datetime

import pytest
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.models import Pair
from meetings import demo
from meetings.enums import ContactKind, GroupMeetingStatus, Health, MeetingStatus
from meetings.models import ActionItem, AgendaItem, Goal, GroupMeeting, Meeting, PairMessage, PrivateNote
from meetings.selectors import cohort_pairs_page
from tests.factories import CohortFactory, EnrollmentFactory, MentorEnrollmentFactory, PairFactory, UserFactory

pytestmark = pytest.mark.django_db

TIME_ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Africa/Lagos", "America/Sao_Paulo"]


@pytest.fixture
def context():
    """The launched demo cohort as the cohorts app's demo leaves it: launched ten weeks
    ago, mentor1..mentor9 with two of mentee1..mentee18 each."""
    today = timezone.localdate()
    launch = today - datetime.timedelta(weeks=10)
    cohort = CohortFactory(
        phase=CohortPhase.LAUNCH, launch_on=launch, showcase_on=launch + datetime.timedelta(weeks=12)
    )
    matched_at = timezone.make_aware(datetime.datetime.combine(launch, datetime.time(9, 0)))
    mentors = [
        MentorEnrollmentFactory(
            cohort=cohort, user=UserFactory(email=f"mentor{i}@demo.test", time_zone=TIME_ZONES[i % 5])
        )
        for i in range(1, 10)
    ]
    for i in range(1, 19):
        mentee = EnrollmentFactory(
            cohort=cohort, user=UserFactory(email=f"mentee{i}@demo.test", time_zone=TIME_ZONES[(i + 2) % 5])
        )
        PairFactory(cohort=cohort, mentee=mentee, mentor=mentors[(i - 1) // 2], matched_at=matched_at)
    return {"cohort": cohort}


def _counts():
    return [m.objects.count() for m in (Meeting, AgendaItem, ActionItem, Goal, PairMessage, PrivateNote, GroupMeeting)]


def test_demo_has_one_pair_at_risk_one_without_contact_and_the_rest_on_track(context):
    demo.seed(context)

    data = cohort_pairs_page(cohort=context["cohort"])
    assert data.counts == {"on_track": 16, "at_risk": 1, "no_contact": 1, "all": 18}
    assert [(row.pair.mentee.user.email, row.health) for row in data.rows[:2]] == [
        ("mentee18@demo.test", Health.NO_CONTACT),
        ("mentee17@demo.test", Health.AT_RISK),
    ]


def test_demo_pairs_have_months_of_meetings_agendas_notes_and_goals(context):
    demo.seed(context)

    pair = Pair.objects.get(mentee__user__email="mentee1@demo.test")
    statuses = list(pair.meetings.values_list("status", flat=True))
    assert statuses.count(MeetingStatus.HELD) >= 4
    assert set(Meeting.objects.values_list("status", flat=True)) == set(MeetingStatus.values)
    assert AgendaItem.objects.filter(done=True).exists()
    assert ActionItem.objects.filter(done=True).exists() and ActionItem.objects.filter(done=False).exists()
    assert set(Goal.objects.values_list("framework", flat=True)) == {"smart", "grow", "swot"}
    assert PrivateNote.objects.exists() and PairMessage.objects.exists()
    upcoming = Meeting.objects.filter(status__in=["proposed", "confirmed"], starts_at__gt=timezone.now())
    assert upcoming.count() >= 12


def test_demo_no_contact_pair_was_matched_about_twenty_days_ago(context):
    demo.seed(context)

    pair = Pair.objects.get(mentee__user__email="mentee18@demo.test")
    assert (timezone.now() - pair.matched_at).days == 20
    assert not pair.meetings.filter(status=MeetingStatus.HELD).exists()


def test_demo_twice_changes_nothing(context):
    demo.seed(context)
    before = (_counts(), list(Pair.objects.order_by("pk").values_list("matched_at", flat=True)))

    demo.seed(context)

    assert (_counts(), list(Pair.objects.order_by("pk").values_list("matched_at", flat=True))) == before


def test_demo_has_a_past_phone_check_in_and_group_meetings(context):
    demo.seed(context)

    call = Meeting.objects.get(recorded_after=True)
    assert (call.pair.mentee.user.email, call.kind, call.status, call.held_minutes) == (
        "mentee4@demo.test",
        ContactKind.CALL,
        MeetingStatus.HELD,
        20,
    )
    assert call.starts_at < timezone.now()
    groups = {
        group.status: sorted(
            (seat.pair.mentee.user.email, seat.status) for seat in group.meetings.select_related("pair__mentee__user")
        )
        for group in GroupMeeting.objects.all()
    }
    assert groups == {
        GroupMeetingStatus.HELD: [
            ("mentee1@demo.test", MeetingStatus.HELD),
            ("mentee2@demo.test", MeetingStatus.MISSED),
        ],
        GroupMeetingStatus.SCHEDULED: [
            ("mentee5@demo.test", MeetingStatus.CONFIRMED),
            ("mentee6@demo.test", MeetingStatus.PROPOSED),
        ],
    }


def test_a_demo_seeded_before_group_meetings_gets_them_once(context):
    demo.seed(context)
    GroupMeeting.objects.all().delete()
    Meeting.objects.filter(recorded_after=True).delete()

    demo.seed(context)
    demo.seed(context)

    assert (GroupMeeting.objects.count(), Meeting.objects.filter(recorded_after=True).count()) == (2, 1)
