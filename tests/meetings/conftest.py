import pytest

from cohorts.enums import CohortPhase
from tests.factories import CohortFactory, PairFactory, ProgramFactory


@pytest.fixture
def cohort(organization):
    return CohortFactory(program=ProgramFactory(organization=organization), phase=CohortPhase.LAUNCH)


@pytest.fixture
def pair(cohort):
    """An active pair of a launched cohort of the ``organization`` fixture."""
    return PairFactory(cohort=cohort)


@pytest.fixture
def mentor(pair):
    return pair.mentor.user


@pytest.fixture
def mentee(pair):
    return pair.mentee.user
