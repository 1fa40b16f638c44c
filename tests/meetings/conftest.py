import pytest

from cohorts.enums import CohortPhase
from tests.factories import CohortFactory, MentorEnrollmentFactory, PairFactory, ProgramFactory


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


@pytest.fixture
def mentor_pairs(cohort):
    """Three active pairs of one mentor (capacity 3) in the launched cohort, mentees in
    alphabetical order."""
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=3)
    return [
        PairFactory(cohort=cohort, mentor=mentor, mentee__user__full_name=name) for name in ("Ana", "Ben", "Cleo")
    ]
