import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cohorts import hooks as cohort_hooks
from cohorts.enums import CohortPhase
from cohorts.models import Enrollment
from meetings import hooks
from meetings.enums import Health, MeetingStatus
from mentorship.enums import OrgRole
from tests.factories import (
    EnrollmentFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    SubcommitteeMemberFactory,
)

pytestmark = pytest.mark.django_db


def _url(cohort, query=""):
    return reverse("meetings:cohort-pairs", kwargs={"pk": cohort.pk}) + query


def _pairs(cohort, count):
    """Pairs in every state: on track, at risk, no contact, in turn."""
    now = timezone.now()
    pairs = []
    for number in range(count):
        pair = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=60))
        kind = number % 3
        if kind == 0:
            MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=now - datetime.timedelta(days=5))
            MeetingFactory(pair=pair, starts_at=now + datetime.timedelta(days=9))
        elif kind == 1:
            MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=now - datetime.timedelta(days=40))
        pairs.append(pair)
    return pairs


def test_coordinator_sees_every_pairs_health_with_its_meetings(client, cohort, coordinator):
    on_track, at_risk, no_contact = _pairs(cohort, 3)
    client.force_login(coordinator)

    response = client.get(_url(cohort))

    rows = response.context["pairs_data"].rows
    assert [(row.pair, row.health) for row in rows] == [
        (no_contact, Health.NO_CONTACT),
        (at_risk, Health.AT_RISK),
        (on_track, Health.ON_TRACK),
    ]
    content = response.content.decode()
    assert reverse("meetings:pair-detail", kwargs={"pk": at_risk.pk}) in content
    assert "At risk" in content


def test_coordinator_filters_on_health(client, cohort, coordinator):
    _, at_risk, _ = _pairs(cohort, 3)
    client.force_login(coordinator)

    response = client.get(_url(cohort, "?health=at_risk"))

    assert [row.pair for row in response.context["pairs_data"].rows] == [at_risk]


def test_an_unknown_filter_shows_every_pair(client, cohort, coordinator):
    _pairs(cohort, 3)
    client.force_login(coordinator)

    response = client.get(_url(cohort, "?health=<script>&page=abc"))

    assert response.status_code == 200
    assert len(response.context["pairs_data"].rows) == 3


@pytest.mark.parametrize("item_count", [1, 3, 7])
def test_the_list_costs_a_fixed_number_of_queries(client, cohort, coordinator, django_assert_num_queries, item_count):
    _pairs(cohort, item_count)
    client.force_login(coordinator)

    # Session, user, cohort, roles, all pairs' health, the page's pairs, and the navigation
    # (organizations, programs, cohorts).
    with django_assert_num_queries(9):
        response = client.get(_url(cohort))

    assert len(response.context["pairs_data"].rows) == item_count


def test_the_list_is_paginated(client, cohort, coordinator):
    _pairs(cohort, 27)
    client.force_login(coordinator)

    response = client.get(_url(cohort, "?page=2"))

    data = response.context["pairs_data"]
    assert (data.page.number, data.page.paginator.num_pages, len(data.rows)) == (2, 2, 2)


@pytest.mark.parametrize("who", ["viewer", "subcommittee", "mentee", "participant"])
def test_others_who_may_see_the_cohort_may_not_see_its_pairs(client, cohort, viewer, who):
    pair = PairFactory(cohort=cohort)
    user = {
        "viewer": viewer,
        "subcommittee": SubcommitteeMemberFactory(cohort=cohort).user,
        "mentee": pair.mentee.user,
        "participant": EnrollmentFactory(cohort=cohort).user,
    }[who]
    client.force_login(user)

    assert client.get(_url(cohort)).status_code == 403


def test_a_coordinator_of_another_organization_gets_a_404(client, cohort):
    client.force_login(MembershipFactory(role=OrgRole.COORDINATOR).user)

    assert client.get(_url(cohort)).status_code == 404


# --- What meetings plugs into cohorts -------------------------------------------------------------


def _request(user, query=""):
    request = RequestFactory().get("/dashboard/" + query)
    request.user = user
    return request


def test_dashboard_panel_for_the_coordinator(cohort, coordinator):
    _, at_risk, _ = _pairs(cohort, 3)

    panel = hooks.dashboard_panel(cohort, _request(coordinator, "?health=at_risk"))

    assert panel.template == "meetings/_dashboard_panel.html"
    assert [row.pair for row in panel.context["pairs_data"].rows] == [at_risk]
    assert panel.context["pairs_data"].counts == {"on_track": 1, "at_risk": 1, "no_contact": 1, "all": 3}


def test_dashboard_panel_renders_with_its_own_context(client, cohort, coordinator):
    _pairs(cohort, 2)
    request = _request(coordinator)
    panel = hooks.dashboard_panel(cohort, request)

    html = render_to_string(panel.template, panel.context, request=request)
    # The cohort dashboard includes each panel ``with panel=panel.context``.
    nested = render_to_string(panel.template, {"panel": panel.context}, request=request)

    assert 'id="pair-health-heading"' in html
    assert html.strip() == nested.strip()


@pytest.mark.parametrize("item_count", [1, 3, 12])
def test_dashboard_panel_costs_a_fixed_number_of_queries(cohort, coordinator, django_assert_num_queries, item_count):
    _pairs(cohort, item_count)
    request = _request(coordinator)

    # Roles, whether the cohort has pairs, all pairs' health, the page's pairs; rendering
    # the page of rows needs nothing more.
    with django_assert_num_queries(4):
        panel = hooks.dashboard_panel(cohort, request)
        render_to_string(panel.template, panel.context, request=request)

    assert len(panel.context["pairs_data"].rows) == min(item_count, 10)


@pytest.mark.parametrize("who", ["viewer", "mentee"])
def test_no_dashboard_panel_for_anyone_else(cohort, viewer, who):
    pair = PairFactory(cohort=cohort)
    user = viewer if who == "viewer" else pair.mentee.user

    assert hooks.dashboard_panel(cohort, _request(user)) is None


def test_cohort_sections(cohort, coordinator):
    pair = PairFactory(cohort=cohort)

    for_coordinator = [(s.title, s.url) for s in hooks.cohort_sections(cohort, coordinator)]
    for_mentee = [(s.title, s.url) for s in hooks.cohort_sections(cohort, pair.mentee.user)]
    for_mentor = [s.title for s in hooks.cohort_sections(cohort, pair.mentor.user)]
    for_other = hooks.cohort_sections(cohort, EnrollmentFactory(cohort=cohort).user)

    assert for_coordinator == [("Pairs and meetings", _url(cohort))]
    assert for_mentee == [(f"Your mentor: {pair.mentor.user}", reverse("meetings:pair-detail", kwargs={"pk": pair.pk}))]
    assert for_mentor == [f"Your mentee: {pair.mentee.user}"]
    assert for_other == []


def test_next_steps_follow_the_pairs_meetings(pair):
    mentee, mentor = pair.mentee, pair.mentor
    create_url = reverse("meetings:meeting-create", kwargs={"pk": pair.pk})

    first = [(s.title, s.url) for s in hooks.next_steps(mentee)]
    meeting = MeetingFactory(
        pair=pair,
        status=MeetingStatus.PROPOSED,
        proposed_by=mentee.user,
        starts_at=datetime.datetime(2031, 4, 8, 16, 0, tzinfo=datetime.UTC),
    )
    mentor_steps = [s.title for s in hooks.next_steps(mentor)]
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=2)
    meeting.save()
    to_log = [(s.title, s.url) for s in hooks.next_steps(mentee)]

    assert first == [(f"Meet your mentor {mentor.user}: propose the first meeting", create_url)]
    assert mentor_steps == [
        "Confirm the meeting of Tue 8 Apr 2031, 16:00",
        "Prepare the agenda for Tue 8 Apr 2031, 16:00",
        f"Next meeting: Tue 8 Apr 2031, 16:00 with {mentee.user}",
    ]
    assert to_log[0][1] == reverse("meetings:meeting-log", kwargs={"pk": meeting.pk})
    assert to_log[0][0].startswith("Log the meeting of ")
    assert to_log[1] == (f"Propose your next meeting with {mentor.user}", create_url)


@pytest.mark.parametrize("item_count", [1, 3])
def test_next_steps_cost_the_same_number_of_queries_however_many_mentees(pair, django_assert_num_queries, item_count):
    for number in range(item_count):
        other = pair if number == 0 else PairFactory(cohort=pair.cohort, mentor=pair.mentor)
        MeetingFactory(pair=other, status=MeetingStatus.PROPOSED, proposed_by=other.mentee.user)
    mentor = Enrollment.objects.select_related("cohort", "user").get(pk=pair.mentor.pk)

    # The cohort's phase is at hand; the pairs, then all their meetings; the action items due.
    with django_assert_num_queries(3):
        steps = hooks.next_steps(mentor)

    assert len([s for s in steps if s.title.startswith("Confirm the meeting")]) == item_count


def test_no_meeting_steps_before_launch(pair):
    pair.cohort.phase = CohortPhase.TRAINING
    pair.cohort.save()

    assert hooks.next_steps(pair.mentee) == []


def test_meetings_registered_its_hooks_with_cohorts():
    assert hooks.next_steps in cohort_hooks._next_steps
    assert hooks.cohort_sections in cohort_hooks._sections
    assert hooks.dashboard_panel in cohort_hooks._panels
