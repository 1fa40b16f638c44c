import pytest
from django.utils import timezone

from cohorts.enums import CohortPhase, ParticipantRole
from matching.services.criteria import criteria_set_up_defaults
from questionnaires.enums import QuestionType, ResponseStatus
from questionnaires.models import Answer, Response
from questionnaires.services.templating import questionnaire_from_template
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MentorEnrollmentFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)


@pytest.fixture
def cohort(organization):
    """A cohort of the coordinator's organization, in training (matching is allowed)."""
    return CohortFactory(
        program__organization=organization,
        phase=CohortPhase.TRAINING,
        mentor_default_capacity=1,
        mentor_max_capacity=3,
    )


@pytest.fixture
def applications(cohort):
    """The ready mentee and mentor application questionnaires, by role."""
    return {
        ParticipantRole.MENTEE: questionnaire_from_template(cohort=cohort, template_key="mentee_application", by=None),
        ParticipantRole.MENTOR: questionnaire_from_template(cohort=cohort, template_key="mentor_application", by=None),
    }


@pytest.fixture
def criteria(cohort, applications):
    """The defaults: career track (same, 5), geography (distance, 3), values (overlap, 4),
    department (different, 2), seniority (ordinal, hard, weight 0)."""
    return criteria_set_up_defaults(cohort=cohort)


@pytest.fixture
def members(cohort):
    return [SubcommitteeMemberFactory(cohort=cohort, user=UserFactory(full_name=f"Member {i}")).user for i in (1, 2, 3)]


def submit(enrollment, questionnaire, **answers):
    """A submitted application with the given answers, by question key. Time zones are given
    as UTC offsets in hours; multiple choices as lists of values."""
    response = Response.objects.create(
        questionnaire=questionnaire,
        enrollment=enrollment,
        status=ResponseStatus.SUBMITTED,
        revision=1,
        submitted_at=timezone.now(),
    )
    questions = {q.key: q for q in questionnaire.questions.all()}
    for key, given in answers.items():
        question = questions[key]
        value, offset = given, None
        if question.type == QuestionType.TIME_ZONE:
            value, offset = f"UTC{given:+}", float(given)
        Answer.objects.create(
            response=response,
            question=question,
            question_text=question.text,
            value=value,
            display=str(value),
            utc_offset=offset,
        )
    return response


def person(
    cohort, applications, role, *, name="", capacity=None, track=None, tz=None, values=None, department=None, years=None
):
    """An accepted mentee or mentor with a submitted application (only the answers given)."""
    factory = MentorEnrollmentFactory if role == ParticipantRole.MENTOR else EnrollmentFactory
    extra = {"capacity": capacity} if role == ParticipantRole.MENTOR else {}
    enrollment = factory(cohort=cohort, user=UserFactory(full_name=name or f"{role} person"), **extra)
    answers = {
        "career_track": track,
        "time_zone": tz,
        "values": list(values) if values is not None else None,
        "department": department,
        "years_experience": years,
    }
    submit(enrollment, applications[role], **{k: v for k, v in answers.items() if v is not None})
    return enrollment


@pytest.fixture
def make_person(cohort, applications):
    def make(role, **kwargs):
        return person(cohort, applications, role, **kwargs)

    return make
