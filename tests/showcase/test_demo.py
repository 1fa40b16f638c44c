import pytest
from django.core.management import call_command

from cohorts.enums import CohortPhase
from cohorts.models import Cohort, Pair, PairStatus
from showcase import demo
from showcase.models import Graduation, Project, ProjectUpdate, Showcase, Submission, UpdateComment
from showcase.selectors.outcomes import outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def _counts():
    return [m.objects.count() for m in (Project, ProjectUpdate, UpdateComment, Showcase, Submission, Graduation, Pair)]


def test_demo_projects_and_showcase_of_the_launched_cohort(seeded):
    cohort = Cohort.objects.get(name="Spring 2027 cohort")

    assert Project.objects.filter(enrollment__cohort=cohort).count() == 14
    assert (
        UpdateComment.objects.filter(update__project__enrollment__cohort=cohort).count()
        == ProjectUpdate.objects.filter(project__enrollment__cohort=cohort).count()
    )
    showcase = Showcase.objects.get(cohort=cohort)
    assert list(
        showcase.submissions.exclude(position=None).order_by("position").values_list("position", flat=True)
    ) == [1, 2, 3]
    assert showcase.submissions.count() == 5


def test_demo_past_cohort_has_figures_for_the_report(seeded):
    past = Cohort.objects.get(name=demo.PAST_COHORT_NAME)

    figures = outcomes(cohorts=[past]).per_cohort[0]

    assert past.phase == CohortPhase.CLOSED
    assert list(past.pairs.order_by("status").values_list("status", flat=True)) == ["ended"] * 2 + ["graduated"] * 6
    assert (figures.graduation.graduated, figures.graduation.overridden, figures.graduation.ended_early) == (6, 1, 1)
    assert (figures.projects.submitted, figures.projects.in_programme) == (6, 6)
    assert [figures.surveys.checkins[m].delivered > 0 for m in (6, 12, 18)] == [True, True, False]
    assert figures.surveys.checkins[6].submitted > figures.surveys.checkins[12].submitted > 0
    assert Showcase.objects.get(cohort=past).is_public is True
    assert Pair.objects.filter(
        cohort=past, status=PairStatus.GRADUATED, mentee__user__email="alumni1@demo.test"
    ).exists()


def test_demo_twice_changes_nothing(seeded, settings):
    before = _counts()

    call_command("seed_demo")

    assert _counts() == before


def test_the_closed_cohorts_report_adds_up_figure_by_figure(seeded, client):
    """The demo's Autumn 2025 cohort: 12 people applied, one withdrew; 8 pairs (brought in
    without proposals) of 7 mentees and 4 mentors; 6 pairs graduated, with 9 people in them."""
    from django.urls import reverse

    from mentorship.models import User

    past = Cohort.objects.get(name=demo.PAST_COHORT_NAME)
    client.force_login(User.objects.get(email="coordinator@demo.test"))

    response = client.get(reverse("showcase:outcomes-cohort", kwargs={"pk": past.pk}))

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    # The funnel counts people and starts at the applications: nobody was invited.
    assert response.context["funnel_rows"] == [
        ("People who applied", 11),
        ("People accepted", 11),
        ("People trained", 11),
        ("People matched", 11),
        ("People in an active pair", 0),
        ("People in a graduated pair", 9),
        ("People who withdrew", 1),
    ]
    assert "Invited" not in page and "People invited" not in page
    figures = response.context["figures"]
    # Training, in people.
    assert (figures.training["mentee"].accepted, figures.training["mentee"].trained) == (7, 7)
    assert (figures.training["mentor"].accepted, figures.training["mentor"].trained) == (4, 4)
    # Matching starts from the pairs made.
    assert "8 pairs made, 11 people matched." in page
    assert "8 pairs were made without a proposal recorded here" in page
    assert "No matching proposals were recorded" not in page
    # Cadence: every pair met; five kept it.
    assert "5 of 8 pairs kept their cadence (62.5%)" in page
    assert "never met" not in page
    assert "38 meetings held, 4.8 per pair." in page
    assert figures.meetings.distribution() == [(0, 0), (1, 1), (2, 0), (3, 1), (4, 1), (5, 0), (6, 5)]
    # Projects, in mentees.
    projects = figures.projects
    assert (projects.mentees, projects.created, projects.updated, projects.submitted, projects.in_programme) == (
        7,
        7,
        7,
        6,
        6,
    )
    # Graduation, in pairs (and people where it says so).
    grad = figures.graduation
    assert '<td class="text-end" data-figure="pairs">8</td>' in page
    assert 'Pairs graduated</th><td class="text-end" data-figure="graduated">6 (75.0%)</td>' in page
    assert (grad.overridden, grad.active, grad.ended_at_term, grad.ended_early) == (1, 0, 1, 1)
    assert (grad.continued, grad.rematched, grad.rematch_requests) == (0, 1, 1)
    assert (grad.accepted, grad.withdrawn, grad.retention) == (11, 1, 91.7)
    # Check-ins went to the 9 graduates.
    checkins = figures.surveys.checkins
    assert [(checkins[m].delivered, checkins[m].submitted, checkins[m].rate) for m in (6, 12, 18)] == [
        (9, 8, 88.9),
        (9, 6, 66.7),
        (0, 0, None),
    ]
