import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cohorts import hooks as cohort_hooks
from cohorts.enums import CohortPhase
from cohorts.models import PairStatus
from meetings.hooks import pair_panels
from showcase import hooks
from showcase.enums import TermChoice
from showcase.selectors.terms import current_term
from tests.factories import (
    GraduationFactory,
    PairFactory,
    ProjectFactory,
    ProjectUpdateFactory,
    QuestionnaireFactory,
    SubmissionFactory,
    TermChoiceFactory,
    UpdateCommentFactory,
)

from .conftest import make_eligible

pytestmark = pytest.mark.django_db


def _titles(steps):
    return [(s.title, s.done) for s in steps]


def test_a_mentee_without_a_project_is_asked_to_start_one(pair):
    steps = hooks.next_steps(pair.mentee)

    assert _titles(steps) == [("Start your independent project", False)]
    assert steps[0].url == reverse("showcase:project-create", kwargs={"pk": pair.cohort_id})


def test_a_mentee_is_asked_for_an_update_and_to_submit(project, showcase):
    steps = hooks.next_steps(project.enrollment)

    assert _titles(steps) == [
        (f"Post a progress update on “{project.title}”", False),
        ("Submit your project to the showcase", False),
    ]
    assert steps[1].due == timezone.localdate(showcase.starts_at)


def test_a_recent_update_and_a_submission_leave_one_done_step(project, showcase):
    ProjectUpdateFactory(project=project)
    SubmissionFactory(showcase=showcase, project=project)

    assert _titles(hooks.next_steps(project.enrollment)) == [("Project submitted to the showcase", True)]


def test_no_project_steps_before_launch(pair):
    pair.cohort.phase = CohortPhase.TRAINING
    pair.cohort.save()

    assert hooks.next_steps(pair.mentee) == []


def test_both_are_asked_to_choose_when_the_term_ends(cohort):
    pair = PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=85))
    ProjectFactory(enrollment=pair.mentee)
    ends_on = current_term(pair=pair)
    TermChoiceFactory(pair=pair, user=pair.mentor.user, term_ends_on=ends_on, choice=TermChoice.CONTINUE)

    mentee_steps = [s for s in hooks.next_steps(pair.mentee) if s.order == 45]
    mentor_steps = hooks.next_steps(pair.mentor)

    assert _titles(mentee_steps) == [(f"Say what you want when your term with {pair.mentor.user} ends", False)]
    assert _titles(mentor_steps) == [
        (f"Your choice for the end of your term with {pair.mentee.user}: Continue together", True)
    ]
    assert mentee_steps[0].due == ends_on


def test_sections_of_a_coordinator(cohort, coordinator):
    titles = [s.title for s in hooks.cohort_sections(cohort, coordinator)]

    assert titles == [
        "Showcase",
        "Independent projects",
        "Graduation",
        "End of term",
        "Post-program check-ins",
        "Outcomes report",
    ]


def test_sections_of_a_viewer(cohort, viewer):
    assert [s.title for s in hooks.cohort_sections(cohort, viewer)] == ["Showcase", "Outcomes report"]


def test_sections_of_a_mentee_and_a_mentor(pair):
    assert [s.title for s in hooks.cohort_sections(pair.cohort, pair.mentee.user)] == ["Your project", "Showcase"]
    assert [s.title for s in hooks.cohort_sections(pair.cohort, pair.mentor.user)] == [
        "Your mentees' projects",
        "Showcase",
    ]


def test_graduates_find_their_certificate(cohort):
    graduation = GraduationFactory(pair=PairFactory(cohort=cohort, status=PairStatus.GRADUATED))
    mentor = graduation.pair.mentor.user

    sections = hooks.cohort_sections(cohort, mentor)

    assert [(s.title, s.url) for s in sections if s.title == "Your certificate"] == [
        ("Your certificate", reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": "mentor"}))
    ]


def test_alumni_have_their_certificate_among_their_next_steps(cohort, client):
    """On the home page too (the cohort's card), even once the cohort is closed."""
    graduation = GraduationFactory(pair=PairFactory(cohort=cohort, status=PairStatus.GRADUATED))
    pair = graduation.pair
    still_active = PairFactory(cohort=cohort)
    cohort.phase = CohortPhase.CLOSED
    cohort.save()

    mentee_steps = [(s.title, s.url) for s in cohort_hooks.next_steps(pair.mentee) if "certificate" in s.title]
    mentor_steps = [(s.title, s.url) for s in cohort_hooks.next_steps(pair.mentor) if "certificate" in s.title]

    assert mentee_steps == [
        (
            f"Your certificate of completion (with {pair.mentor.user})",
            reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": "mentee"}),
        )
    ]
    assert mentor_steps == [
        (
            f"Your certificate of completion (with {pair.mentee.user})",
            reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": "mentor"}),
        )
    ]
    assert [s for s in cohort_hooks.next_steps(still_active.mentee) if "certificate" in s.title] == []
    client.force_login(pair.mentee.user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": "mentee"}) in home
    assert client.get(reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": "mentee"})).status_code == 200


def test_sections_are_registered_with_cohorts(cohort, coordinator):
    titles = [s.title for s in cohort_hooks.cohort_sections(cohort, coordinator)]

    assert "Outcomes report" in titles


def test_closing_is_warned_about_never_blocked(cohort):
    PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=120))

    blockers = hooks.phase_check(cohort, CohortPhase.CLOSED)

    assert [(b.warning, b.count) for b in blockers] == [(True, 1), (True, 1), (True, None)]
    assert blockers[0].message == "1 pair's term has ended without a decision."


def test_moving_to_the_showcase_warns_without_a_showcase(cohort, showcase):
    assert hooks.phase_check(cohort, CohortPhase.SHOWCASE) == []
    showcase.delete()
    assert [b.message for b in hooks.phase_check(cohort, CohortPhase.SHOWCASE)] == [
        "The showcase is not set up yet: mentees cannot submit their projects."
    ]


def test_dashboard_panel_counts(cohort, coordinator, viewer, showcase):
    survey = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both")
    make_eligible(PairFactory(cohort=cohort), showcase=showcase, survey=survey)
    PairFactory(cohort=cohort)
    request = RequestFactory().get("/")
    request.user = coordinator

    panel = hooks.dashboard_panel(cohort, request)

    assert {k: v for k, v in panel.context.items() if k != "cohort"} == {
        "projects": 1,
        "submitted": 1,
        "eligible": 1,
        "active": 2,
        "graduated": 0,
        "awaiting": 0,
    }
    request.user = viewer
    assert hooks.dashboard_panel(cohort, request) is None


def test_pair_panel_shows_the_project_and_lets_the_mentor_comment(pair, project):
    update = ProjectUpdateFactory(project=project)
    UpdateCommentFactory(update=update, author=pair.mentor.user)

    panel = hooks.project_panel(pair, pair.mentor.user)

    assert (panel.context["project"], panel.context["update"], panel.context["can_comment"]) == (project, update, True)
    assert [p.template for p in pair_panels(pair, pair.mentor.user)] == ["showcase/_pair_panel.html"]


def test_pair_panel_invites_the_mentee_to_start(pair):
    panel = hooks.project_panel(pair, pair.mentee.user)

    assert (panel.context["project"], panel.context["is_mentee"]) == (None, True)
    assert hooks.project_panel(pair, pair.mentor.user) is None
