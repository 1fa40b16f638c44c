import datetime

import pytest
from django.utils import timezone

from cohorts.enums import CohortPhase
from meetings.enums import MeetingStatus
from questionnaires.enums import Audience, Kind, ResponseStatus
from tests.factories import (
    CohortFactory,
    MeetingFactory,
    PairFactory,
    ProgramFactory,
    ProjectFactory,
    QuestionnaireFactory,
    ResponseFactory,
    ShowcaseFactory,
    SubmissionFactory,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files go to a folder of the test's own, never into the project's media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cohort(organization):
    return CohortFactory(program=ProgramFactory(organization=organization), phase=CohortPhase.LAUNCH)


@pytest.fixture
def pair(cohort):
    return PairFactory(cohort=cohort)


@pytest.fixture
def mentee(pair):
    return pair.mentee.user


@pytest.fixture
def mentor(pair):
    return pair.mentor.user


@pytest.fixture
def project(pair):
    return ProjectFactory(enrollment=pair.mentee)


@pytest.fixture
def showcase(cohort):
    return ShowcaseFactory(cohort=cohort)


@pytest.fixture
def check_in(cohort):
    """The cohort's check-in: its final survey."""
    return QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN, audience=Audience.BOTH, title="Check-in")


def held_meetings(pair, count: int) -> list:
    start = timezone.now() - datetime.timedelta(days=14 * count)
    return [
        MeetingFactory(pair=pair, status=MeetingStatus.HELD, starts_at=start + datetime.timedelta(days=14 * n))
        for n in range(count)
    ]


def make_eligible(pair, *, showcase, survey, meetings: int = 4):
    """Everything a pair needs to graduate under the default rule (4 meetings for a
    three-month term at a two-week cadence)."""
    held_meetings(pair, meetings)
    project = ProjectFactory(enrollment=pair.mentee)
    SubmissionFactory(showcase=showcase, project=project)
    for person in (pair.mentee, pair.mentor):
        ResponseFactory(questionnaire=survey, enrollment=person, status=ResponseStatus.SUBMITTED)
    return pair
