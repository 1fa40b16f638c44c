"""A program's settings choose the phases its cohorts go through: training and the
showcase are each optional, and a phase that is off is skipped, not faked."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.forms import CohortForm
from cohorts.models import TrainingModule
from cohorts.phases import next_phase, phase_allows, phases_of, previous_phase, require_phase
from cohorts.selectors import people_behind_on_training
from cohorts.services.cohorts import cohort_move_phase, cohort_phase_blockers
from tests.factories import EnrollmentFactory, MentorEnrollmentFactory, PairFactory

pytestmark = pytest.mark.django_db

P = CohortPhase


def set_rules(program, *, training=True, showcase=True):
    program.uses_training, program.uses_showcase = training, showcase
    program.graduation_requires_project = showcase
    program.save()


@pytest.mark.parametrize(
    ("training", "showcase", "phases"),
    [
        (True, True, [P.DRAFT, P.ENROLLMENT, P.TRAINING, P.LAUNCH, P.SHOWCASE, P.CLOSED]),
        (False, True, [P.DRAFT, P.ENROLLMENT, P.LAUNCH, P.SHOWCASE, P.CLOSED]),
        (True, False, [P.DRAFT, P.ENROLLMENT, P.TRAINING, P.LAUNCH, P.CLOSED]),
        (False, False, [P.DRAFT, P.ENROLLMENT, P.LAUNCH, P.CLOSED]),
    ],
)
def test_the_phases_a_cohort_goes_through(cohort, training, showcase, phases):
    set_rules(cohort.program, training=training, showcase=showcase)

    assert phases_of(cohort) == phases
    for before, after in itertools.pairwise(phases):
        cohort.phase = before
        assert next_phase(cohort) == after
        cohort.phase = after
        assert previous_phase(cohort) == before


@pytest.mark.parametrize(
    ("training", "showcase", "phase", "action", "allowed"),
    [
        (False, True, P.ENROLLMENT, "train", False),
        (True, True, P.ENROLLMENT, "train", True),
        (True, False, P.LAUNCH, "showcase", False),
        (True, True, P.LAUNCH, "showcase", True),
        (True, False, P.LAUNCH, "graduate", True),
        (True, True, P.LAUNCH, "graduate", False),
        (True, False, P.CLOSED, "graduate", False),
        (False, False, P.LAUNCH, "meet", True),
        (False, False, P.ENROLLMENT, "match", True),
    ],
)
def test_what_a_phase_allows_follows_the_program(cohort, training, showcase, phase, action, allowed):
    set_rules(cohort.program, training=training, showcase=showcase)
    cohort.phase = phase

    assert phase_allows(cohort, action) is allowed


def test_a_phase_that_is_off_says_so(cohort):
    set_rules(cohort.program, training=False, showcase=False)
    cohort.phase = P.LAUNCH

    with pytest.raises(ValidationError, match="no training phase"):
        require_phase(cohort, "train")
    with pytest.raises(ValidationError, match="no showcase"):
        require_phase(cohort, "showcase")


def test_without_training_enrollment_moves_to_launch_with_trainings_checks(coordinator, cohort):
    set_rules(cohort.program, training=False)
    TrainingModule.objects.create(cohort=cohort, title="Basics", content="Read this.", required=True)

    empty = cohort_phase_blockers(cohort=cohort, target=P.LAUNCH)
    skipped = cohort_phase_blockers(cohort=cohort, target=P.TRAINING)
    MentorEnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort)
    moved = cohort_move_phase(cohort=cohort, target=P.LAUNCH, by=coordinator)

    assert [b.message for b in empty if not b.warning] == ["Accept at least one mentor and one mentee first."]
    assert [b.message for b in skipped] == ["This program's cohorts skip the Training phase."]
    assert moved.phase == P.LAUNCH
    # Nobody is behind on a training the program does not have.
    assert people_behind_on_training(cohort=cohort) == []


def test_without_showcase_launch_moves_to_closed_and_back_is_guarded(coordinator, cohort):
    set_rules(cohort.program, training=False, showcase=False)
    cohort.phase = P.LAUNCH
    cohort.save()
    PairFactory(cohort=cohort)

    to_showcase = cohort_phase_blockers(cohort=cohort, target=P.SHOWCASE)
    back = cohort_phase_blockers(cohort=cohort, target=P.ENROLLMENT)
    closed = cohort_move_phase(cohort=cohort, target=P.CLOSED, by=coordinator)

    assert [b.message for b in to_showcase] == ["This program's cohorts skip the Showcase phase."]
    assert [b.message for b in back] == ["Pairs have started; the cohort cannot go back before launch."]
    assert closed.phase == P.CLOSED


def test_the_cohort_page_and_form_follow_the_program(client, coordinator, cohort):
    set_rules(cohort.program, training=False, showcase=False)
    client.force_login(coordinator)

    page = client.get(cohort.get_absolute_url())
    form = CohortForm(instance=cohort, program=cohort.program)

    html = page.content.decode()
    assert [label for _value, label in page.context["phases"]] == ["Set-up", "Enrollment", "Launch", "Closed"]
    assert [m["target"] for m in page.context["moves"]] == [P.LAUNCH, P.DRAFT]
    assert reverse("cohorts:training-list", kwargs={"pk": cohort.pk}) not in html
    assert "Training due" not in html
    assert "training_due_on" not in form.fields
    assert "showcase_on" not in form.fields


def test_the_cohort_form_pages_work_without_the_optional_phases(client, coordinator, cohort):
    set_rules(cohort.program, training=False, showcase=False)
    client.force_login(coordinator)

    edit = client.get(reverse("cohorts:cohort-update", kwargs={"pk": cohort.pk}))
    new = client.get(reverse("cohorts:cohort-create", kwargs={"program_pk": cohort.program.pk}))

    assert (edit.status_code, new.status_code) == (200, 200)
    assert 'name="training_due_on"' not in edit.content.decode()
    assert 'name="showcase_on"' not in new.content.decode()
    assert 'name="launch_on"' in edit.content.decode()


def test_a_cohort_with_every_phase_shows_them_all(client, coordinator, cohort):
    client.force_login(coordinator)

    page = client.get(cohort.get_absolute_url())

    assert len(page.context["phases"]) == 6
    assert reverse("cohorts:training-list", kwargs={"pk": cohort.pk}) in page.content.decode()
