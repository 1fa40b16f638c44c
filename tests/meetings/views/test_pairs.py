import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.hooks import Panel
from meetings import hooks
from meetings.enums import Health, MeetingStatus
from meetings.models import PairMessage, PairSettings
from meetings.tasks import task_pairs_health_refresh
from mentorship.enums import OrgRole
from tests.factories import (
    ActionItemFactory,
    EnrollmentFactory,
    GoalFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    PairMessageFactory,
    PrivateNoteFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _url(pair):
    return reverse("meetings:pair-detail", kwargs={"pk": pair.pk})


@pytest.mark.parametrize("who", ["mentee", "mentor", "coordinator"])
def test_the_pair_and_its_coordinators_see_the_pair_page(client, pair, coordinator, who):
    user = {"mentee": pair.mentee.user, "mentor": pair.mentor.user, "coordinator": coordinator}[who]
    MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=timezone.now() - datetime.timedelta(days=3))
    upcoming = MeetingFactory(pair=pair, starts_at=timezone.now() + datetime.timedelta(days=4))
    ActionItemFactory(pair=pair, text="Rewrite the CV")
    GoalFactory(pair=pair, title="Speak at a meetup")
    client.force_login(user)

    response = client.get(_url(pair))

    assert response.status_code == 200
    assert response.context["next_meeting"] == upcoming
    assert response.context["health"] == Health.ON_TRACK
    content = response.content.decode()
    assert pair.mentee.user.email in content
    assert pair.mentor.user.email in content
    assert "Rewrite the CV" in content
    assert "Speak at a meetup" in content


@pytest.mark.parametrize(
    "who",
    [
        "viewer",
        "subcommittee",
        "other pair's mentee",
        "unpaired participant",
        "coordinator elsewhere",
        "outsider",
    ],
)
def test_everyone_else_gets_a_404_for_the_pair_and_its_meetings(client, pair, viewer, who):
    user = {
        "viewer": viewer,
        "subcommittee": SubcommitteeMemberFactory(cohort=pair.cohort).user,
        "other pair's mentee": PairFactory(cohort=pair.cohort).mentee.user,
        "unpaired participant": EnrollmentFactory(cohort=pair.cohort).user,
        "coordinator elsewhere": MembershipFactory(role=OrgRole.COORDINATOR).user,
        "outsider": UserFactory(),
    }[who]
    meeting = MeetingFactory(pair=pair)
    goal = GoalFactory(pair=pair)
    client.force_login(user)

    statuses = [
        client.get(_url(pair)).status_code,
        client.get(meeting.get_absolute_url()).status_code,
        client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk})).status_code,
        client.get(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk})).status_code,
        client.get(goal.get_absolute_url()).status_code,
        client.post(reverse("meetings:message-create", kwargs={"pk": pair.pk}), {"text": "Hi"}).status_code,
        client.post(reverse("meetings:meeting-confirm", kwargs={"pk": meeting.pk})).status_code,
    ]

    assert statuses == [404] * 7
    assert PairMessage.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, pair):
    response = client.get(_url(pair))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_private_note_is_shown_to_its_author_only(client, pair, coordinator):
    meeting = MeetingFactory(
        pair=pair, status=MeetingStatus.HELD, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    PrivateNoteFactory(meeting=meeting, author=pair.mentor.user, text="Secret reflection")

    seen = {}
    for who, user in {"mentor": pair.mentor.user, "mentee": pair.mentee.user, "coordinator": coordinator}.items():
        client.force_login(user)
        seen[who] = "Secret reflection" in client.get(meeting.get_absolute_url()).content.decode()

    assert seen == {"mentor": True, "mentee": False, "coordinator": False}


@pytest.mark.parametrize("item_count", [1, 4])
def test_pair_page_costs_the_same_number_of_queries_however_much_it_holds(
    client, pair, django_assert_num_queries, monkeypatch, item_count
):
    # The page's own cost: the panels other apps register answer for theirs.
    monkeypatch.setattr(hooks, "_pair_panels", [])
    now = timezone.now()
    for number in range(item_count):
        MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=now - datetime.timedelta(days=14 * (number + 1)))
        ActionItemFactory(pair=pair)
        GoalFactory(pair=pair)
        PairMessageFactory(pair=pair)
    MeetingFactory(pair=pair, starts_at=now + datetime.timedelta(days=3))
    client.force_login(pair.mentee.user)

    # Session, user, pair, roles, meetings, action items, goals, messages (count, page), the
    # coordinators, and the navigation (cohorts).
    # 11 for the page, 7 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(18):
        response = client.get(_url(pair))

    assert len(response.context["past_meetings"]) == item_count


def test_the_pair_page_shows_whom_to_contact_when_at_risk(client, pair, coordinator):
    pair.matched_at = timezone.now() - datetime.timedelta(days=30)
    pair.save()
    task_pairs_health_refresh()
    client.force_login(pair.mentee.user)

    response = client.get(_url(pair))

    assert response.context["health"] == Health.NO_CONTACT
    assert f"mailto:{coordinator.email}" in response.content.decode()


def test_coordinator_reads_but_is_offered_no_action(client, pair, coordinator):
    client.force_login(coordinator)

    response = client.get(_url(pair))

    assert (response.context["can_act"], response.context["can_edit_goals"]) == (False, False)
    assert reverse("meetings:meeting-create", kwargs={"pk": pair.pk}) not in response.content.decode()


def test_coordinator_may_not_post_for_the_pair(client, pair, coordinator):
    client.force_login(coordinator)

    responses = [
        client.post(reverse("meetings:message-create", kwargs={"pk": pair.pk}), {"text": "Hello"}),
        client.post(reverse("meetings:pair-cadence", kwargs={"pk": pair.pk}), {"cadence_days": "21"}),
        client.post(reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), {}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert (PairMessage.objects.count(), PairSettings.objects.count()) == (0, 0)


def test_pair_member_changes_the_cadence(client, pair):
    client.force_login(pair.mentor.user)

    response = client.post(reverse("meetings:pair-cadence", kwargs={"pk": pair.pk}), {"cadence_days": "21"})

    assert response.status_code == 302
    assert PairSettings.objects.get(pair=pair).cadence_days == 21


@pytest.mark.parametrize("value", ["3", "100", "every other week"])
def test_a_bad_cadence_is_refused_with_a_message(client, pair, value):
    client.force_login(pair.mentor.user)

    response = client.post(
        reverse("meetings:pair-cadence", kwargs={"pk": pair.pk}), {"cadence_days": value}, follow=True
    )

    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert PairSettings.objects.count() == 0


def test_pair_member_writes_a_message(client, pair, django_capture_on_commit_callbacks):
    client.force_login(pair.mentee.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:message-create", kwargs={"pk": pair.pk}), {"text": "See you Friday!"})

    assert response.status_code == 302
    assert list(PairMessage.objects.values_list("author", "text")) == [(pair.mentee.user.pk, "See you Friday!")]


def test_an_empty_message_is_refused(client, pair):
    client.force_login(pair.mentee.user)

    response = client.post(reverse("meetings:message-create", kwargs={"pk": pair.pk}), {"text": ""}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["This field is required."]
    assert PairMessage.objects.count() == 0


def test_registered_pair_panels_are_shown(client, pair, monkeypatch, tmp_path, settings):
    (tmp_path / "panel.html").write_text("<p>Project: {{ title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    monkeypatch.setattr(hooks, "_pair_panels", [])
    hooks.register_pair_panel(lambda p, user: Panel(template="panel.html", context={"title": f"not started ({p.pk})"}))
    hooks.register_pair_panel(lambda p, user: None)
    client.force_login(pair.mentor.user)

    response = client.get(_url(pair))

    assert f"<p>Project: not started ({pair.pk})</p>" in response.content.decode()


def test_pair_list_shows_the_persons_pairs_only(client, pair):
    mentor = pair.mentor.user
    second = PairFactory(cohort=pair.cohort, mentor=pair.mentor)
    PairFactory(cohort=pair.cohort)
    client.force_login(mentor)

    response = client.get(reverse("meetings:pair-list"))

    assert sorted(p.pk for p in response.context["pairs"]) == sorted([pair.pk, second.pk])
    assert [p.other for p in response.context["pairs"] if p.pk == pair.pk] == [pair.mentee.user]


@pytest.mark.parametrize("item_count", [1, 3])
def test_pair_list_costs_the_same_number_of_queries_however_many_pairs(
    client, pair, django_assert_num_queries, item_count
):
    mentor = pair.mentor
    now = timezone.now()
    for number in range(item_count):
        other = pair if number == 0 else PairFactory(cohort=pair.cohort, mentor=mentor)
        MeetingFactory(pair=other, status=MeetingStatus.HELD, starts_at=now - datetime.timedelta(days=3))
        MeetingFactory(pair=other, starts_at=now + datetime.timedelta(days=number + 1))
    client.force_login(mentor.user)

    # Session, user, the pairs with their dates, and the navigation (roles, cohorts).
    with django_assert_num_queries(5):
        response = client.get(reverse("meetings:pair-list"))

    assert len(response.context["pairs"]) == item_count


def test_meetings_are_closed_before_launch_with_a_clear_message(client, pair):
    pair.cohort.phase = CohortPhase.TRAINING
    pair.cohort.save()
    client.force_login(pair.mentee.user)

    page = client.get(reverse("meetings:meeting-create", kwargs={"pk": pair.pk}))

    assert page.context["blocked_reason"] == "Meetings start when the cohort launches."
    assert 'name="day"' not in page.content.decode()


def test_a_closed_cohort_keeps_its_meetings_for_reading(client, pair):
    meeting = MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(days=2))
    pair.cohort.phase = CohortPhase.CLOSED
    pair.cohort.save()
    client.force_login(pair.mentee.user)

    log_page = client.get(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}))
    posted = client.post(reverse("meetings:meeting-log", kwargs={"pk": meeting.pk}), {"outcome": "missed"})

    meeting.refresh_from_db()
    assert log_page.context["blocked_reason"] == "The cohort has closed; its meetings are kept for reading."
    assert posted.status_code == 200
    assert meeting.status == MeetingStatus.CONFIRMED
