import datetime

import pytest

from cohorts.enums import CohortPhase
from tests.factories import CohortFactory, ProgramFactory


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization)


@pytest.fixture
def cohort(program):
    """A cohort of the coordinator's organization, in enrollment, with guidelines."""
    today = datetime.date(2027, 3, 1)
    return CohortFactory(
        program=program,
        phase=CohortPhase.ENROLLMENT,
        guidelines="## Meet every two weeks",
        enrollment_opens_on=today,
        enrollment_closes_on=today + datetime.timedelta(days=21),
        training_due_on=today + datetime.timedelta(days=35),
        launch_on=today + datetime.timedelta(days=42),
        mentor_default_capacity=1,
        mentor_max_capacity=3,
    )


@pytest.fixture(autouse=True)
def _only_cohorts_hooks(monkeypatch):
    """These tests pin the cohorts app's own rules, steps and pages; what other apps plug in
    through cohorts.hooks is tested with those apps."""
    from cohorts import hooks

    for registry in ("_phase_checks", "_next_steps", "_sections", "_panels"):
        monkeypatch.setattr(hooks, registry, [])
