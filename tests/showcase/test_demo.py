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
