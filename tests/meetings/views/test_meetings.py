import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.enums import AgendaItemKind, MeetingStatus
from meetings.models import ActionItem, Meeting, PrivateNote
from tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory, PairFactory, UserFactory
from tests.meetings.ics_parser import events, unescape

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _form(day: datetime.date, time="18:30", **extra):
    return {"day": day.isoformat(), "time": time, "duration_minutes": "60", "location": "", "video_url": "", **extra}


def _next_week() -> datetime.date:
    return timezone.now().date() + datetime.timedelta(days=7)


def test_mentee_proposes_a_meeting_in_her_own_time_zone(client, pair):
    mentee = pair.mentee.user
    mentee.time_zone = "America/Sao_Paulo"
    mentee.save()
    client.force_login(mentee)
    day = _next_week()

    response = client.post(
        reverse("meetings:meeting-create", kwargs={"pk": pair.pk}),
        _form(day, video_url="meet.example.org/room-7"),
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    # São Paulo is UTC-3 all year: 18:30 there is 21:30 UTC.
    assert meeting.starts_at == datetime.datetime.combine(day, datetime.time(21, 30), tzinfo=UTC)
    assert (meeting.status, meeting.proposed_by, meeting.video_url) == (
        MeetingStatus.PROPOSED,
        mentee,
        "https://meet.example.org/room-7",
    )


def test_the_form_shows_both_time_zones(client, pair):
    pair.mentee.user.time_zone = "Europe/Berlin"
    pair.mentee.user.save()
    pair.mentor.user.time_zone = "Asia/Kolkata"
    pair.mentor.user.save()
    client.force_login(pair.mentee.user)

    response = client.get(reverse("meetings:meeting-create", kwargs={"pk": pair.pk}))

    assert response.context["form"].fields["time"].help_text == (
        f"In your time zone, Europe/Berlin. {pair.mentor.user} is in Asia/Kolkata."
    )


@pytest.mark.parametrize("page", ["meeting-create", "meeting-update"])
def test_the_other_persons_name_in_the_form_is_escaped(client, pair, page):
    # The time field's hint names the other person, and crispy renders hints as they are.
    mentor = pair.mentor.user
    mentor.full_name, mentor.time_zone = '<img src=x onerror="alert(1)">', "Asia/Kolkata"
    mentor.save()
    pair.mentee.user.time_zone = "Europe/Berlin"
    pair.mentee.user.save()
    client.force_login(pair.mentee.user)
    pk = pair.pk if page == "meeting-create" else MeetingFactory(pair=pair, proposed_by=pair.mentee.user).pk

    response = client.get(reverse(f"meetings:{page}", kwargs={"pk": pk}))

    html = response.content.decode()
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; is in Asia/Kolkata." in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2020-01-01"}, "day"),
        ({"day": "not a date"}, "day"),
        ({"time": "25:00"}, "time"),
        ({"location": ""}, "location"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"duration_minutes": "0"}, "duration_minutes"),
    ],
)
def test_bad_meeting_details_are_shown_next_to_their_field_and_change_nothing(client, pair, data, field):
    client.force_login(pair.mentee.user)
    form = {**_form(_next_week(), location="Café"), **data}

    response = client.post(reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), form)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(("day", "time_zone"), [("9999-12-31", "America/New_York"), ("0001-01-01", "Asia/Tokyo")])
def test_a_date_at_the_end_of_the_calendar_is_refused_next_to_its_field(client, pair, day, time_zone):
    pair.mentee.user.time_zone = time_zone
    pair.mentee.user.save()
    client.force_login(pair.mentee.user)

    response = client.post(
        reverse("meetings:meeting-create", kwargs={"pk": pair.pk}),
        {**_form(_next_week(), "03:00", location="Café"), "day": day},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["day"]
    # The shared range (mentorship.dates) or the meeting's own, whichever speaks first.
    assert errors["day"][0].startswith(("Choose a date within the next year.", "Give a date between"))
    assert Meeting.objects.count() == 0


def test_a_proposal_sent_twice_makes_one_meeting(client, pair):
    client.force_login(pair.mentee.user)
    url = reverse("meetings:meeting-create", kwargs={"pk": pair.pk})
    form = _form(_next_week(), location="Café")

    first, second = client.post(url, form), client.post(url, form)

    meeting = Meeting.objects.get()
    assert (first.url, second.url) == (meeting.get_absolute_url(), meeting.get_absolute_url())


def test_a_time_skipped_by_the_clock_change_is_refused(client, pair):
    pair.mentee.user.time_zone = "Europe/London"
    pair.mentee.user.save()
    client.force_login(pair.mentee.user)
    future_spring = datetime.date(timezone.now().year + 1, 3, 31)
    # The last Sunday of March, when 01:00-02:00 does not exist in London.
    last_sunday = future_spring - datetime.timedelta(days=(future_spring.weekday() + 1) % 7)

    response = client.post(
        reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), _form(last_sunday, "01:30", location="Café")
    )

    assert response.status_code == 200
    assert "does not exist on that day" in response.context["form"].errors["time"][0]


def test_the_other_person_confirms_and_the_proposer_cannot(client, pair):
    meeting = MeetingFactory(pair=pair, status=MeetingStatus.PROPOSED, proposed_by=pair.mentee.user)
    url = reverse("meetings:meeting-confirm", kwargs={"pk": meeting.pk})

    client.force_login(pair.mentee.user)
    own = client.post(url, follow=True)
    meeting.refresh_from_db()
    status_after_own = meeting.status
    client.force_login(pair.mentor.user)
    other = client.post(url)

    meeting.refresh_from_db()
    assert [str(m) for m in own.context["messages"]] == ["You proposed this time; the other person confirms it."]
    assert (status_after_own, other.status_code, meeting.status) == (
        MeetingStatus.PROPOSED,
        302,
        MeetingStatus.CONFIRMED,
    )


def test_confirming_from_a_page_drawn_before_the_meeting_moved_confirms_nothing(client, pair):
    meeting = MeetingFactory(pair=pair, status=MeetingStatus.PROPOSED, proposed_by=pair.mentee.user)
    client.force_login(pair.mentor.user)
    page = client.get(meeting.get_absolute_url())
    # The mentee moves the meeting while the mentor has the page open.
    mentee_client = Client()
    mentee_client.force_login(pair.mentee.user)
    mentee_client.post(
        reverse("meetings:meeting-update", kwargs={"pk": meeting.pk}),
        _form(_next_week() + datetime.timedelta(days=2), location="Park"),
    )

    response = client.post(
        reverse("meetings:meeting-confirm", kwargs={"pk": meeting.pk}), {"sequence": str(meeting.sequence)}, follow=True
    )

    meeting.refresh_from_db()
    assert f'name="sequence" value="{page.context["meeting"].sequence}"' in page.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "The meeting was moved since you opened the page. Check the new time, then confirm it."
    ]
    assert (meeting.status, meeting.location) == (MeetingStatus.PROPOSED, "Park")


def test_confirm_needs_a_post(client, pair):
    meeting = MeetingFactory(pair=pair, status=MeetingStatus.PROPOSED)
    client.force_login(pair.mentor.user)

    assert client.get(reverse("meetings:meeting-confirm", kwargs={"pk": meeting.pk})).status_code == 405


def test_moving_a_meeting_asks_the_other_to_confirm_again(client, pair):
    meeting = MeetingFactory(pair=pair, status=MeetingStatus.CONFIRMED, proposed_by=pair.mentee.user)
    client.force_login(pair.mentor.user)
    day = _next_week() + datetime.timedelta(days=1)

    page = client.get(reverse("meetings:meeting-update", kwargs={"pk": meeting.pk}))
    response = client.post(reverse("meetings:meeting-update", kwargs={"pk": meeting.pk}), _form(day, location="Park"))

    meeting.refresh_from_db()
    assert page.context["form"].initial["duration_minutes"] == 60
    assert response.status_code == 302
    assert (meeting.status, meeting.proposed_by, meeting.location) == (
        MeetingStatus.PROPOSED,
        pair.mentor.user,
        "Park",
    )


def test_cancel_a_meeting(client, pair):
    meeting = MeetingFactory(pair=pair)
    client.force_login(pair.mentor.user)

    client.post(reverse("meetings:meeting-cancel", kwargs={"pk": meeting.pk}), {"reason": "Travelling"})

    meeting.refresh_from_db()
    assert (meeting.status, meeting.shared_notes) == (MeetingStatus.CANCELLED, "Travelling")


def _log_data(**extra):
    data = {
        "outcome": "held",
        "held_minutes": "55",
        "shared_notes": "Good session.",
        "private_note": "",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
    }
    for index in range(3):
        data.update({f"actions-{index}-text": "", f"actions-{index}-owner": "", f"actions-{index}-due_on": ""})
    data.update(extra)
    return data


def test_log_a_meeting_with_an_action_item_and_a_private_note(client, pair):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(pair.mentee.user)
    due = timezone.now().date() + datetime.timedelta(days=10)

    response = client.post(
        reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}),
        _log_data(
            **{
                "private_note": "Nervous about the interview",
                "actions-0-text": "Practise the STAR answers",
                "actions-0-owner": str(pair.mentee.user.pk),
                "actions-0-due_on": due.isoformat(),
            }
        ),
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.status, meeting.held_minutes, meeting.shared_notes) == (MeetingStatus.HELD, 55, "Good session.")
    assert list(ActionItem.objects.values_list("text", "owner", "due_on")) == [
        ("Practise the STAR answers", pair.mentee.user.pk, due)
    ]
    assert list(PrivateNote.objects.values_list("author", "text")) == [
        (pair.mentee.user.pk, "Nervous about the interview")
    ]


def test_a_log_sent_twice_agrees_its_action_item_once(client, pair):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(pair.mentee.user)
    data = _log_data(**{"actions-0-text": "Practise", "actions-0-owner": str(pair.mentee.user.pk)})
    data["version"] = (
        client.get(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk})).context["form"]["version"].value()
    )

    responses = [client.post(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}), data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert list(ActionItem.objects.values_list("text", flat=True)) == ["Practise"]


def test_logging_over_the_other_persons_fresh_log_asks_first(client, pair):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3))
    url = reverse("meetings:meeting-log", kwargs={"pk": meeting.pk})
    client.force_login(pair.mentee.user)
    version = client.get(url).context["form"]["version"].value()
    client.force_login(pair.mentor.user)
    client.post(url, _log_data(shared_notes="The mentor's notes", version=version))
    client.force_login(pair.mentee.user)

    refused = client.post(url, _log_data(outcome="missed", shared_notes="The mentee's notes", version=version))
    meeting.refresh_from_db()
    kept = meeting.shared_notes
    form = refused.context["form"]
    again = client.post(url, _log_data(shared_notes="Both", version=form["version"].value()))

    assert refused.status_code == 200
    assert form.non_field_errors() == [
        f"{pair.mentor.user} recorded this meeting as held while you were writing. Your text is kept below: "
        "read their log on the meeting's page, then save again to replace it."
    ]
    assert form["shared_notes"].value() == "The mentee's notes"
    assert kept == "The mentor's notes"
    assert again.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.shared_notes, meeting.logged_by) == ("Both", pair.mentee.user)


def test_log_refuses_an_action_item_owned_by_a_stranger(client, pair):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3))
    stranger = UserFactory()
    client.force_login(pair.mentee.user)

    response = client.post(
        reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}),
        _log_data(**{"actions-0-text": "Steal", "actions-0-owner": str(stranger.pk)}),
    )

    meeting.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["formset"].forms[0].errors) == ["owner"]
    assert (meeting.status, ActionItem.objects.count()) == (MeetingStatus.CONFIRMED, 0)


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"outcome": "exploded"}, "outcome"),
        ({"held_minutes": ""}, "held_minutes"),
        ({"held_minutes": "9999"}, "held_minutes"),
        ({"actions-TOTAL_FORMS": "500"}, "formset"),
    ],
)
def test_log_refuses_tampered_input_with_a_message(client, pair, extra, where):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(pair.mentee.user)

    response = client.post(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}), _log_data(**extra))

    assert response.status_code == 200
    if where == "formset":
        assert response.context["formset"].non_form_errors()
    else:
        assert list(response.context["form"].errors) == [where]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONFIRMED


def test_log_held_before_the_start_is_explained(client, pair):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() + datetime.timedelta(hours=3))
    client.force_login(pair.mentee.user)

    response = client.post(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}), _log_data())

    assert response.context["form"].errors["outcome"] == [
        "A meeting is logged as held or missed once it has started; you can cancel it."
    ]


def test_meeting_ics_download_parses_and_names_the_other_person(client, pair):
    meeting = MeetingFactory(
        pair=pair, starts_at=datetime.datetime(2030, 5, 6, 16, 0, tzinfo=UTC), location="Café Lumen, 2nd floor; Room 3"
    )
    client.force_login(pair.mentee.user)

    response = client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk}))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="meeting-2030-05-06-')
    (event,) = events(response.content)
    assert (event["DTSTART"], event["DTEND"], unescape(event["LOCATION"]), unescape(event["SUMMARY"])) == (
        "20300506T160000Z",
        "20300506T170000Z",
        "Café Lumen, 2nd floor; Room 3",
        f"Mentoring meeting with {pair.mentor.user}",
    )
    assert event["UID"] == f"{meeting.uid}@127.0.0.1"


def test_meeting_page_shows_the_time_for_each_person(client, pair):
    pair.mentee.user.time_zone = "Asia/Tokyo"
    pair.mentee.user.save()
    pair.mentor.user.time_zone = "Europe/London"
    pair.mentor.user.save()
    meeting = MeetingFactory(pair=pair, starts_at=datetime.datetime(2030, 1, 15, 9, 0, tzinfo=UTC))
    client.force_login(pair.mentee.user)

    content = client.get(meeting.get_absolute_url()).content.decode()

    assert "Tue 15 Jan 2030, 18:00" in content
    assert f"Tue 15 Jan 2030, 09:00 for {pair.mentor.user} (Europe/London)" in content


def test_first_meeting_page_lists_the_guiding_questions(client, pair):
    client.force_login(pair.mentee.user)

    client.post(reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), _form(_next_week(), location="Café"))

    meeting = Meeting.objects.get()
    page = client.get(meeting.get_absolute_url())
    assert [item.kind for item in page.context["agenda_items"]] == [AgendaItemKind.QUESTION] * 6
    assert "What do you want to get out of this program?" in page.content.decode()


@pytest.mark.parametrize("item_count", [1, 5])
def test_meeting_page_costs_the_same_number_of_queries_however_long_its_agenda(
    client, pair, django_assert_num_queries, item_count
):
    meeting = MeetingFactory(pair=pair)
    for number in range(item_count):
        AgendaItemFactory(meeting=meeting, added_by=pair.mentor.user if number % 2 else None)
        ActionItemFactory(pair=pair, meeting=meeting)
    client.force_login(pair.mentee.user)

    # Session, user, the meeting (with its pair and people), the private note, the agenda
    # items, the action items, the roles (breadcrumbs) and the navigation.
    # 8 for the page, 7 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(15):
        response = client.get(meeting.get_absolute_url())

    assert len(response.context["agenda_items"]) == item_count


def test_meeting_of_another_pair_is_a_404_even_for_a_pair_member(client, pair):
    foreign = MeetingFactory(pair=PairFactory())
    client.force_login(pair.mentee.user)

    statuses = [
        client.get(foreign.get_absolute_url()).status_code,
        client.post(reverse("meetings:meeting-cancel", kwargs={"pk": foreign.pk})).status_code,
        client.get(reverse("meetings:meeting-update", kwargs={"pk": foreign.pk})).status_code,
    ]

    foreign.refresh_from_db()
    assert statuses == [404, 404, 404]
    assert foreign.status == MeetingStatus.CONFIRMED
