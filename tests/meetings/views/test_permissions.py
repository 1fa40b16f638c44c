"""Every page and every action of a pair, tried by everyone who may not use it.

Anybody who may not see the pair gets a 404 (nothing says the pair exists); a coordinator
of the pair's organization reads but gets a 403 on every change; the mentor gets a 403 on
the mentee's goals. In every case nothing changes.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import MeetingStatus
from meetings.models import ActionItem, AgendaItem, Goal, Meeting, PairMessage, PairSettings, PrivateNote
from mentorship.enums import OrgRole
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    EnrollmentFactory,
    GoalFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMART = {
    "title": "Speak at a meetup",
    "status": "in_progress",
    "progress": "10",
    "target_on": "",
    "smart_specific": "A talk",
    "smart_measurable": "Given",
    "smart_achievable": "Yes",
    "smart_relevant": "Yes",
    "smart_time_bound": "June",
}


def _meeting_form():
    day = timezone.now().date() + datetime.timedelta(days=9)
    return {"day": day.isoformat(), "time": "18:00", "duration_minutes": "60", "location": "Café", "video_url": ""}


def _log_form():
    return {
        "outcome": "held",
        "held_minutes": "50",
        "shared_notes": "Written by someone else",
        "private_note": "Mine",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
        "actions-0-text": "Planted item",
        "actions-0-owner": "",
        "actions-0-due_on": "",
    }


@pytest.fixture
def things(pair):
    """One of everything a pair has, each in a state where its owner could act on it."""
    now = timezone.now()
    past = MeetingFactory(pair=pair, starts_at=now - datetime.timedelta(hours=3))
    proposed = MeetingFactory(
        pair=pair,
        status=MeetingStatus.PROPOSED,
        proposed_by=pair.mentee.user,
        starts_at=now + datetime.timedelta(days=4),
    )
    return {
        "past": past,
        "proposed": proposed,
        "item": AgendaItemFactory(meeting=proposed, text="Topic"),
        "second_item": AgendaItemFactory(meeting=proposed, text="Another topic"),
        "action": ActionItemFactory(pair=pair, meeting=past),
        "goal": GoalFactory(pair=pair),
    }


def _reads(pair, things):
    return [
        ("get", reverse("meetings:pair-detail", kwargs={"pk": pair.pk}), None),
        ("get", things["proposed"].get_absolute_url(), None),
        ("get", reverse("meetings:meeting-ics", kwargs={"pk": things["proposed"].pk}), None),
        ("get", things["goal"].get_absolute_url(), None),
    ]


def _writes(pair, things):
    proposed, past = things["proposed"], things["past"]
    return [
        ("get", reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), None),
        ("post", reverse("meetings:meeting-create", kwargs={"pk": pair.pk}), _meeting_form()),
        ("get", reverse("meetings:meeting-update", kwargs={"pk": proposed.pk}), None),
        ("post", reverse("meetings:meeting-update", kwargs={"pk": proposed.pk}), _meeting_form()),
        ("post", reverse("meetings:meeting-confirm", kwargs={"pk": proposed.pk}), {}),
        ("post", reverse("meetings:meeting-cancel", kwargs={"pk": proposed.pk}), {"reason": "No"}),
        ("get", reverse("meetings:meeting-log", kwargs={"pk": past.pk}), None),
        ("post", reverse("meetings:meeting-log", kwargs={"pk": past.pk}), _log_form()),
        ("post", reverse("meetings:privatenote-update", kwargs={"pk": past.pk}), {"text": "Planted"}),
        ("post", reverse("meetings:agendaitem-create", kwargs={"pk": proposed.pk}), {"text": "Planted"}),
        ("post", reverse("meetings:agendaitem-move", kwargs={"pk": things["second_item"].pk}), {"direction": "up"}),
        ("post", reverse("meetings:agendaitem-tick", kwargs={"pk": things["item"].pk}), {"done": "1"}),
        ("post", reverse("meetings:agendaitem-delete", kwargs={"pk": things["item"].pk}), {}),
        ("post", reverse("meetings:actionitem-tick", kwargs={"pk": things["action"].pk}), {"done": "1"}),
        ("post", reverse("meetings:pair-cadence", kwargs={"pk": pair.pk}), {"cadence_days": "21"}),
        ("post", reverse("meetings:message-create", kwargs={"pk": pair.pk}), {"text": "Planted"}),
    ]


def _goal_writes(pair, things):
    return [
        ("get", reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "smart"}), None),
        ("post", reverse("meetings:goal-create", kwargs={"pk": pair.pk, "framework": "smart"}), SMART),
        ("get", reverse("meetings:goal-update", kwargs={"pk": things["goal"].pk}), None),
        ("post", reverse("meetings:goal-update", kwargs={"pk": things["goal"].pk}), SMART),
    ]


def _statuses(client, requests):
    return [getattr(client, method)(url, data or {}).status_code for method, url, data in requests]


def _everything():
    return (
        list(Meeting.objects.order_by("pk").values_list("status", "starts_at", "shared_notes", "sequence")),
        list(AgendaItem.objects.order_by("pk").values_list("text", "position", "done")),
        list(ActionItem.objects.order_by("pk").values_list("text", "done")),
        list(Goal.objects.order_by("pk").values_list("title", "progress", "status")),
        PairMessage.objects.count(),
        PairSettings.objects.count(),
        PrivateNote.objects.count(),
    )


@pytest.mark.parametrize(
    "who",
    [
        "viewer",
        "subcommittee",
        "other pair's mentee",
        "other pair's mentor",
        "unpaired participant",
        "coordinator elsewhere",
        "outsider",
    ],
)
def test_nobody_else_sees_or_changes_anything_of_the_pair(client, pair, things, viewer, who):
    other_pair = PairFactory(cohort=pair.cohort)
    user = {
        "viewer": viewer,
        "subcommittee": SubcommitteeMemberFactory(cohort=pair.cohort).user,
        "other pair's mentee": other_pair.mentee.user,
        "other pair's mentor": other_pair.mentor.user,
        "unpaired participant": EnrollmentFactory(cohort=pair.cohort).user,
        "coordinator elsewhere": MembershipFactory(role=OrgRole.COORDINATOR).user,
        "outsider": UserFactory(),
    }[who]
    requests = [*_reads(pair, things), *_writes(pair, things), *_goal_writes(pair, things)]
    before = _everything()
    client.force_login(user)

    statuses = _statuses(client, requests)

    assert statuses == [404] * len(requests)
    assert _everything() == before


def test_the_coordinator_reads_but_changes_nothing(client, pair, things, coordinator):
    before = _everything()
    client.force_login(coordinator)

    reads = _statuses(client, _reads(pair, things))
    writes = _statuses(client, [*_writes(pair, things), *_goal_writes(pair, things)])

    assert reads == [200] * 4
    assert writes == [403] * 20
    assert _everything() == before


def test_the_mentor_reads_the_goals_but_changes_none(client, pair, things):
    before = _everything()
    client.force_login(pair.mentor.user)

    statuses = _statuses(client, _goal_writes(pair, things))

    assert statuses == [403] * 4
    assert _everything() == before


def test_the_same_requests_are_let_through_for_the_pair_itself(client, pair, things):
    """The denials above are denials, not requests that fail for everybody."""
    before = _everything()
    client.force_login(pair.mentor.user)
    mentor = _statuses(client, _writes(pair, things))
    client.force_login(pair.mentee.user)
    mentee = _statuses(client, _goal_writes(pair, things))

    assert [status for status in mentor + mentee if status not in (200, 302)] == []
    assert _everything() != before
