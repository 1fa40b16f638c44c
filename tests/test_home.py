"""The home page as each person's to-do list: every item a link, counted in a fixed number
of queries whatever the number of cohorts, pairs or proposals."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cohorts.enums import CohortPhase, EnrollmentStatus, PairHealth
from cohorts.models import ImportJob, Pair, PairStatus
from matching.enums import ProposalStatus, VoteChoice
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from mentorship.enums import JobStatus, OrgRole
from tests.factories import (
    ActionItemFactory,
    CohortFactory,
    EnrollmentFactory,
    MatchRunFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    ProgramFactory,
    ProposalFactory,
    SubcommitteeMemberFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

QUERIES_MENTOR_HOME = 15


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization)


def _cohort(program, **kwargs):
    return CohortFactory(program=program, **kwargs)


def _todos(response, key):
    return [(todo.title, todo.url) for card in response.context[key]() for todo in card["todos"]]


def _busy_cohort(program, *, launch_on, pairs=1, applications=1, proposals=1):
    cohort = _cohort(program, phase=CohortPhase.LAUNCH, launch_on=launch_on, showcase_on=launch_on.replace(year=2099))
    for _ in range(applications):
        EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    for _ in range(pairs):
        pair = PairFactory(cohort=cohort)
        Pair.objects.filter(pk=pair.pk).update(health=PairHealth.AT_RISK)
    run = MatchRunFactory(cohort=cohort)
    for _ in range(proposals):
        ProposalFactory(run=run)
    ProposalFactory(run=run, status=ProposalStatus.APPROVED)
    MatchRunFactory(cohort=cohort, status=JobStatus.FAILED)
    ImportJob.objects.create(cohort=cohort, filename="people.csv", content="", status=JobStatus.FAILED)
    return cohort


def test_coordinator_sees_what_waits_in_each_cohort(client, program, coordinator):
    cohort = _busy_cohort(program, launch_on=datetime.date(2027, 3, 1), pairs=2, applications=3, proposals=2)
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    run = cohort.match_runs.get(status=JobStatus.FAILED)
    job = cohort.import_jobs.get()
    assert _todos(response, "home_coordinated") == [
        ("1 import failed", reverse("cohorts:import-detail", kwargs={"pk": cohort.pk, "job_pk": job.pk})),
        ("1 matching run failed", reverse("matching:run-detail", kwargs={"pk": cohort.pk, "run_pk": run.pk})),
        ("3 applications to decide", f"/cohorts/{cohort.pk}/dashboard/?status=applied"),
        # No subcommittee: the coordinator decides every pending proposal directly.
        ("2 proposals wait for your decision", f"/cohorts/{cohort.pk}/matching/proposals/?status=pending"),
        ("1 approved pair to publish", f"/cohorts/{cohort.pk}/matching/#review-heading"),
        ("2 pairs at risk", f"/cohorts/{cohort.pk}/pair-health/?health=at_risk"),
    ]
    html = response.content.decode()
    assert f'<a href="/cohorts/{cohort.pk}/dashboard/?status=applied">3 applications to decide</a>' in html
    assert "Your cohorts" not in html


def test_decision_is_due_only_once_every_member_has_voted(client, program, coordinator):
    cohort = _cohort(program, phase=CohortPhase.TRAINING)
    members = [SubcommitteeMemberFactory(cohort=cohort).user for _ in range(2)]
    run = MatchRunFactory(cohort=cohort)
    split, half = ProposalFactory(run=run), ProposalFactory(run=run)
    VoteFactory(proposal=split, member=members[0], choice=VoteChoice.APPROVE)
    VoteFactory(proposal=split, member=members[1], choice=VoteChoice.RECUSE)
    VoteFactory(proposal=half, member=members[0], choice=VoteChoice.APPROVE)
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    assert [t for t, _url in _todos(response, "home_coordinated")] == ["1 proposal waits for your decision"]


def test_a_phase_whose_date_has_come_can_move_on(client, program, coordinator):
    cohort = _cohort(program, phase=CohortPhase.ENROLLMENT, enrollment_closes_on=datetime.date(2020, 1, 31))
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    assert _todos(response, "home_coordinated") == [
        ("31 January 2020 has come: move on to Training", f"/cohorts/{cohort.pk}/#phase-heading")
    ]


def test_cohorts_come_newest_first(client, program, coordinator):
    old = _cohort(program, name="Old", launch_on=datetime.date(2025, 9, 1))
    new = _cohort(program, name="New", launch_on=datetime.date(2027, 9, 1))
    draft = _cohort(program, name="Draft")
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    assert [card["cohort"] for card in response.context["home_coordinated"]()] == [draft, new, old]


def test_coordinator_of_another_organization_sees_none_of_it(client, program):
    _busy_cohort(program, launch_on=datetime.date(2027, 3, 1))
    stranger = MembershipFactory(role=OrgRole.COORDINATOR).user
    client.force_login(stranger)

    response = client.get(reverse("home"))

    assert response.context["home_coordinated"]() == []
    assert response.context["home_viewed"]() == []


def test_reviewer_sees_the_proposals_that_wait_for_her_vote(client, program):
    cohort = _cohort(program, phase=CohortPhase.TRAINING)
    reviewer = SubcommitteeMemberFactory(cohort=cohort).user
    run = MatchRunFactory(cohort=cohort)
    waiting = [ProposalFactory(run=run) for _ in range(2)]
    VoteFactory(proposal=ProposalFactory(run=run), member=reviewer, choice=VoteChoice.APPROVE)
    ProposalFactory(run=run, status=ProposalStatus.APPROVED)
    other = _cohort(program, phase=CohortPhase.TRAINING)
    ProposalFactory(run=MatchRunFactory(cohort=other))
    client.force_login(reviewer)

    response = client.get(reverse("home"))

    url = f"/cohorts/{cohort.pk}/matching/proposals/?my_vote=none"
    assert len(waiting) == 2
    assert _todos(response, "home_reviews") == [("2 proposals wait for your vote", url)]
    assert f'<a href="{url}">2 proposals wait for your vote</a>' in response.content.decode()


def test_viewer_sees_each_cohorts_key_figures(client, program, viewer):
    cohort = _cohort(program, phase=CohortPhase.LAUNCH)
    PairFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    client.force_login(viewer)

    response = client.get(reverse("home"))

    (card,) = response.context["home_viewed"]()
    assert [(f.label, f.value) for f in card["figures"]] == [
        ("People applied", 3),
        ("People accepted", 2),
        ("People in a pair", 2),
        ("People graduated", 0),
    ]
    assert response.context["home_coordinated"]() == []
    assert "Your cohorts" not in response.content.decode()


@pytest.mark.parametrize("size", [1, 3])
def test_coordinator_home_costs_a_fixed_number_of_queries(
    client, program, coordinator, django_assert_num_queries, size
):
    for n in range(size):
        _busy_cohort(program, launch_on=datetime.date(2027, 3, 1 + n), pairs=size, applications=size, proposals=size)
    client.force_login(coordinator)
    client.get(reverse("home"))

    # session, user, roles, organizations, programs, the navigation's cohorts; cohorts
    # coordinated; applications, imports; proposals, runs, publishing; pairs' health;
    # subcommittee seats; the person's own enrollments.
    with django_assert_num_queries(15):
        response = client.get(reverse("home"))

    assert len(response.context["home_coordinated"]()) == size


@pytest.mark.parametrize("size", [1, 3])
def test_reviewer_home_costs_a_fixed_number_of_queries(client, program, django_assert_num_queries, size):
    reviewer = MembershipFactory(role=OrgRole.VIEWER).user
    for _ in range(size):
        cohort = _cohort(program, phase=CohortPhase.TRAINING)
        SubcommitteeMemberFactory(cohort=cohort, user=reviewer)
        run = MatchRunFactory(cohort=cohort)
        for _ in range(size):
            ProposalFactory(run=run)
    client.force_login(reviewer)
    client.get(reverse("home"))

    # session, user, roles, organizations, programs, the navigation's cohorts; subcommittee
    # seats, proposals waiting for the vote; the person's own enrollments; the viewer's cohorts.
    with django_assert_num_queries(10):
        response = client.get(reverse("home"))

    assert len(response.context["home_reviews"]()) == size


def _meeting_pair(cohort, *, mentor=None):
    return PairFactory(cohort=cohort, **({"mentor": mentor} if mentor else {}))


def test_mentee_sees_her_next_meeting_and_the_action_items_due(client, program):
    cohort = _cohort(program, phase=CohortPhase.LAUNCH)
    pair = _meeting_pair(cohort)
    mentee = pair.mentee.user
    now = timezone.now()
    later = MeetingFactory(pair=pair, starts_at=now + datetime.timedelta(days=9))
    soon = MeetingFactory(pair=pair, starts_at=datetime.datetime(2099, 1, 1, 9, 0, tzinfo=datetime.UTC))
    Meeting.objects.filter(pk=soon.pk).update(starts_at=now + datetime.timedelta(days=2))
    soon.refresh_from_db()
    MeetingFactory(pair=pair, starts_at=now + datetime.timedelta(days=1), status=MeetingStatus.CANCELLED)
    today = timezone.localdate()
    overdue = ActionItemFactory(pair=pair, text="Send the <CV>", due_on=today - datetime.timedelta(days=3))
    due = ActionItemFactory(pair=pair, meeting=later, text="Read chapter 2", due_on=today + datetime.timedelta(days=7))
    ActionItemFactory(pair=pair, text="Too far", due_on=today + datetime.timedelta(days=8))
    ActionItemFactory(pair=pair, text="No date")
    ActionItemFactory(pair=pair, text="Done", due_on=today, done=True)
    ActionItemFactory(pair=pair, text="The mentor's", due_on=today, owner=pair.mentor.user)
    client.force_login(mentee)

    response = client.get(reverse("home"))

    (card,) = response.context["my_cohort_cards"]()
    when = date_format(timezone.localtime(soon.starts_at), "SHORT_DATETIME_FORMAT")
    pair_url = reverse("meetings:pair-detail", kwargs={"pk": pair.pk})
    assert [(s.title, s.url, s.due) for s in card["steps"] if s.order in (18, 19)] == [
        (f"Next meeting: {when} with {pair.mentor.user}", soon.get_absolute_url(), None),
        ("Overdue action item: Send the <CV>", f"{pair_url}#action-items", overdue.due_on),
        ("Action item due: Read chapter 2", later.get_absolute_url(), due.due_on),
    ]
    html = response.content.decode()
    assert f'<a href="{pair_url}#action-items">Overdue action item: Send the &lt;CV&gt;</a>' in html
    assert f'<a href="{soon.get_absolute_url()}">Next meeting: {when} with {pair.mentor.user}</a>' in html


def test_action_items_of_other_pairs_or_ended_pairs_do_not_show(client, program):
    cohort = _cohort(program, phase=CohortPhase.LAUNCH)
    pair = _meeting_pair(cohort)
    ended = _meeting_pair(cohort)
    Pair.objects.filter(pk=ended.pk).update(status=PairStatus.ENDED)
    ActionItemFactory(pair=ended, owner=pair.mentee.user, due_on=timezone.localdate())
    ActionItemFactory(pair=_meeting_pair(cohort), due_on=timezone.localdate())
    client.force_login(pair.mentee.user)

    response = client.get(reverse("home"))

    (card,) = response.context["my_cohort_cards"]()
    assert [s.title for s in card["steps"] if "action item" in s.title.lower()] == []


@pytest.mark.parametrize("size", [1, 3])
def test_mentor_home_costs_a_fixed_number_of_queries(client, program, django_assert_num_queries, size):
    cohort = _cohort(program, phase=CohortPhase.LAUNCH)
    mentor = None
    for _ in range(size):
        pair = _meeting_pair(cohort, mentor=mentor)
        mentor = pair.mentor
        for _ in range(size):
            meeting = MeetingFactory(pair=pair)
            ActionItemFactory(pair=pair, meeting=meeting, owner=mentor.user, due_on=timezone.localdate())
    client.force_login(mentor.user)
    client.get(reverse("home"))

    # The same 15 whether the mentor has 1 mentee, 1 meeting and 1 action item due or 3
    # mentees, 9 meetings and 9 action items: the navigation and the person's roles, then
    # her one enrollment's next steps, among them the pairs, all their meetings at once and
    # all the action items due at once.
    with django_assert_num_queries(QUERIES_MENTOR_HOME):
        response = client.get(reverse("home"))

    (card,) = response.context["my_cohort_cards"]()
    assert len([s for s in card["steps"] if s.title.startswith("Action item due")]) == size * size
    assert len([s for s in card["steps"] if s.title.startswith("Next meeting")]) == 1
