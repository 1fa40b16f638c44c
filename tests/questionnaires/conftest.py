import pytest

from cohorts.enums import CohortPhase
from questionnaires.enums import QuestionType
from tests.factories import ChoiceFactory, CohortFactory, EnrollmentFactory, QuestionFactory, QuestionnaireFactory


@pytest.fixture
def cohort(organization):
    return CohortFactory(program__organization=organization, phase=CohortPhase.ENROLLMENT)


@pytest.fixture
def application(cohort):
    """A mentee application: a required single choice (matching: career_track), an optional
    short text, and a sensitive optional single choice."""
    questionnaire = QuestionnaireFactory(cohort=cohort, title="Mentee application")
    track = QuestionFactory(
        questionnaire=questionnaire,
        key="career_track",
        text="Career track?",
        type=QuestionType.SINGLE_CHOICE,
        matching_key="career_track",
        position=1,
    )
    ChoiceFactory(question=track, value="backend", label="Backend", position=1)
    ChoiceFactory(question=track, value="data", label="Data", position=2)
    QuestionFactory(questionnaire=questionnaire, key="goals", text="Your goals?", required=False, position=2)
    gender = QuestionFactory(
        questionnaire=questionnaire,
        key="gender",
        text="Gender?",
        type=QuestionType.SINGLE_CHOICE,
        required=False,
        sensitive=True,
        position=3,
    )
    ChoiceFactory(question=gender, value="woman", label="Woman", position=1)
    ChoiceFactory(question=gender, value="prefer_not", label="Prefer not to say", position=2)
    return questionnaire


@pytest.fixture
def mentee(cohort):
    return EnrollmentFactory(cohort=cohort)


def question(questionnaire, key):
    return questionnaire.questions.get(key=key)


def choice_id(questionnaire, key, value) -> str:
    return str(questionnaire.questions.get(key=key).choices.get(value=value).pk)
