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
def _only_cohorts_phase_checks(monkeypatch):
    """These tests pin the cohorts app's own phase rules; other apps' checks have their own tests."""
    from cohorts import hooks

    monkeypatch.setattr(hooks, "_phase_checks", [])
