import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import GroupMeetingStatus, MeetingStatus
from meetings.models import GroupMeeting, Meeting
from meetings.services.groups import group_meeting_log, group_meeting_schedule
from tests.factories import (
    CohortFactory,
    MembershipFactory,
    MentorEnrollmentFactory,
    OrganizationFactory,
    PairFactory,
)

pytestmark = pytest.mark.django_db


def _next_week() -> datetime.date:
    return timezone.now().date() + datetime.timedelta(days=7)


def _create_url(cohort):
    return reverse("meetings:groupmeeting-create", kwargs={"pk": cohort.pk})


def _form(pairs, **extra):
    return {
        "title": "Salary talks",
        "mentees": [str(pair.pk) for pair in pairs],
        "day": _next_week().isoformat(),
        "time": "18:00",
        "duration_minutes": "90",
        "location": "Room 4",
        "video_url": "",
        "agenda": "Stories <script>",
        **extra,
    }


@pytest.fixture
def group(mentor_pairs, cohort):
    return group_meeting_schedule(
        cohort=cohort,
        by=mentor_pairs[0].mentor.user,
        pairs=mentor_pairs[:2],
        title="Salary <b>talks</b>",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Room 4",
        agenda="Stories",
    )


def _held(group, attended):
    group.starts_at = timezone.now() - datetime.timedelta(hours=2)
    group.save()
    Meeting.objects.filter(group=group).update(starts_at=group.starts_at)
    group_meeting_log(
        group=group, by=group.mentor.user, attended={p.pk for p in attended}, held_minutes=60, shared_notes="Secret"
    )


def test_a_mentor_schedules_a_group_meeting_with_two_mentees(client, mentor_pairs, cohort):
    client.force_login(mentor_pairs[0].mentor.user)
    form = client.get(_create_url(cohort)).context["form"]

    response = client.post(_create_url(cohort), _form(mentor_pairs[:2]))

    group = GroupMeeting.objects.get()
    assert [label for _, label in form.fields["mentees"].choices] == ["Ana", "Ben", "Cleo"]
    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    assert sorted(group.meetings.values_list("pair_id", flat=True)) == sorted(p.pk for p in mentor_pairs[:2])
    page = client.get(response.url).content.decode()
    assert "Stories &lt;script&gt;" in page


def test_the_pair_page_offers_a_group_meeting_to_a_mentor_of_several_mentees_only(client, mentor_pairs, pair):
    client.force_login(mentor_pairs[0].mentor.user)
    several = client.get(reverse("meetings:pair-detail", kwargs={"pk": mentor_pairs[0].pk})).context["can_group"]
    client.force_login(pair.mentor.user)
    one = client.get(reverse("meetings:pair-detail", kwargs={"pk": pair.pk})).context["can_group"]
    client.force_login(mentor_pairs[0].mentee.user)
    mentee = client.get(reverse("meetings:pair-detail", kwargs={"pk": mentor_pairs[0].pk})).context["can_group"]

    assert (several, one, mentee) == (True, False, False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mentees": []}, "mentees"),
        ({"title": ""}, "title"),
        ({"day": "2020-01-01"}, "day"),
        ({"location": ""}, "location"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(client, mentor_pairs, cohort, data, field):
    client.force_login(mentor_pairs[0].mentor.user)

    response = client.post(_create_url(cohort), _form(mentor_pairs[:2], **data))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert GroupMeeting.objects.count() == 0


def test_one_mentee_is_refused_with_a_clear_message(client, mentor_pairs, cohort):
    client.force_login(mentor_pairs[0].mentor.user)

    response = client.post(_create_url(cohort), _form(mentor_pairs[:1]))

    assert response.context["form"].errors["mentees"] == [
        "Choose at least two mentees; to meet one, propose a meeting from your pair's page."
    ]
    assert GroupMeeting.objects.count() == 0


def test_a_mentee_of_another_mentor_cannot_be_invited(client, mentor_pairs, cohort):
    stranger = PairFactory(cohort=cohort)
    client.force_login(mentor_pairs[0].mentor.user)

    response = client.post(_create_url(cohort), _form([mentor_pairs[0], stranger]))

    assert "mentees" in response.context["form"].errors
    assert GroupMeeting.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"), [("mentee", 403), ("coordinator", 403), ("other_org", 404), ("outsider", 404)]
)
def test_only_a_mentor_opens_the_form(client, mentor_pairs, cohort, coordinator, outsider, who, status):
    person = {
        "mentee": mentor_pairs[0].mentee.user,
        "coordinator": coordinator,
        "other_org": MembershipFactory(organization=OrganizationFactory(), role="coordinator").user,
        "outsider": outsider,
    }[who]
    client.force_login(person)

    responses = [client.get(_create_url(cohort)), client.post(_create_url(cohort), _form(mentor_pairs))]

    assert [r.status_code for r in responses] == [status, status]
    assert GroupMeeting.objects.count() == 0


def test_a_mentor_of_one_mentee_is_told_to_propose_a_meeting(client, pair, cohort):
    client.force_login(pair.mentor.user)

    response = client.get(_create_url(cohort))

    assert response.context["too_few"] is True
    assert "You mentor one" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("invited", 200),
        ("coordinator", 200),
        ("not_invited", 404),
        ("other_cohort_mentor", 404),
        ("other_org_coordinator", 404),
    ],
)
def test_who_opens_the_group_meeting(client, group, mentor_pairs, cohort, coordinator, who, status):
    other_cohort = CohortFactory(program=cohort.program, phase=cohort.phase)
    person = {
        "mentor": lambda: group.mentor.user,
        "invited": lambda: mentor_pairs[1].mentee.user,
        "coordinator": lambda: coordinator,
        "not_invited": lambda: mentor_pairs[2].mentee.user,
        "other_cohort_mentor": lambda: PairFactory(cohort=other_cohort).mentor.user,
        "other_org_coordinator": lambda: MembershipFactory(organization=OrganizationFactory(), role="coordinator").user,
    }[who]()
    client.force_login(person)

    response = client.get(group.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert "Salary &lt;b&gt;talks&lt;/b&gt;" in response.content.decode()


def test_a_mentee_confirms_through_her_seat_and_lands_on_the_group_page(client, group, mentor_pairs):
    seat = group.meetings.get(pair=mentor_pairs[0])
    client.force_login(mentor_pairs[0].mentee.user)
    page = client.get(group.get_absolute_url())

    response = client.post(
        reverse("meetings:meeting-confirm", kwargs={"pk": seat.pk}), {"sequence": str(seat.sequence)}, follow=True
    )

    assert page.context["can_confirm"] is True
    assert response.redirect_chain[-1][0] == group.get_absolute_url()
    seat.refresh_from_db()
    assert seat.status == MeetingStatus.CONFIRMED


def test_a_seat_page_leads_to_the_group_meeting(client, group, mentor_pairs):
    seat = group.meetings.get(pair=mentor_pairs[0])
    client.force_login(mentor_pairs[0].mentee.user)

    response = client.get(reverse("meetings:meeting-detail", kwargs={"pk": seat.pk}))

    assert (response.status_code, response.url) == (302, group.get_absolute_url())


def test_the_mentor_records_attendance_and_only_those_present_read_the_notes(client, group, mentor_pairs):
    group.starts_at = timezone.now() - datetime.timedelta(hours=2)
    group.save()
    client.force_login(group.mentor.user)

    response = client.post(
        reverse("meetings:groupmeeting-log", kwargs={"pk": group.pk}),
        {"attended": [str(mentor_pairs[0].pk)], "held_minutes": "75", "shared_notes": "Secret <i>plan</i>"},
    )

    assert response.status_code == 302
    assert list(group.meetings.order_by("pair__mentee__user__full_name").values_list("status", flat=True)) == [
        MeetingStatus.HELD,
        MeetingStatus.MISSED,
    ]
    pages = {}
    for person in (mentor_pairs[0].mentee.user, mentor_pairs[1].mentee.user):
        client.force_login(person)
        pages[person.full_name] = client.get(group.get_absolute_url()).content.decode()
    assert "Secret &lt;i&gt;plan&lt;/i&gt;" in pages["Ana"]
    assert "Secret" not in pages["Ben"]


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_only_the_mentor_logs_cancels_or_edits_the_agenda(client, group, mentor_pairs, coordinator, who):
    client.force_login({"mentee": mentor_pairs[0].mentee.user, "coordinator": coordinator}[who])
    urls = [
        reverse("meetings:groupmeeting-log", kwargs={"pk": group.pk}),
        reverse("meetings:groupmeeting-cancel", kwargs={"pk": group.pk}),
        reverse("meetings:groupmeeting-agenda", kwargs={"pk": group.pk}),
    ]

    statuses = [
        client.post(url, {"attended": [str(mentor_pairs[0].pk)], "held_minutes": "60", "agenda": "x"}).status_code
        for url in urls
    ]

    assert statuses == [403, 403, 403]
    group.refresh_from_db()
    assert (group.status, group.agenda) == (GroupMeetingStatus.SCHEDULED, "Stories")


def test_the_mentor_cancels_for_everybody(client, group):
    client.force_login(group.mentor.user)

    response = client.post(reverse("meetings:groupmeeting-cancel", kwargs={"pk": group.pk}), {"reason": "Ill"})

    group.refresh_from_db()
    assert (response.status_code, group.status) == (302, GroupMeetingStatus.CANCELLED)
    assert set(group.meetings.values_list("status", flat=True)) == {MeetingStatus.CANCELLED}


def test_the_calendar_file_is_the_mentees_own_seat(client, group, mentor_pairs):
    client.force_login(mentor_pairs[1].mentee.user)

    response = client.get(reverse("meetings:groupmeeting-ics", kwargs={"pk": group.pk}))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:{group.meetings.get(pair=mentor_pairs[1]).uid}@" in body


@pytest.mark.parametrize("item_count", [2, 5])
def test_the_group_page_costs_a_fixed_number_of_queries(client, cohort, django_assert_num_queries, item_count):
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=item_count)
    pairs = [PairFactory(cohort=cohort, mentor=mentor) for _ in range(item_count)]
    group = group_meeting_schedule(
        cohort=cohort,
        by=mentor.user,
        pairs=pairs,
        title="Together",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Room 4",
    )
    client.force_login(mentor.user)

    # 6 for the page, 8 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(14):
        response = client.get(group.get_absolute_url())

    assert len(response.context["seats"]) == item_count
