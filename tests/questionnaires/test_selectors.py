
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.models import Enrollment
from mentorship.models import User
from questionnaires.enums import Kind, QuestionType, ResponseStatus
from questionnaires.forms import ResponseForm, field_name
from questionnaires.models import Answer, Response
from questionnaires.selectors import (
    first_meeting_questions,
    matching_answers,
    matching_questions,
    questionnaire_summary,
)
from questionnaires.services import templating
from questionnaires.services.responses import response_save
from questionnaires.templates import TEMPLATES
from questionnaires.validators import clean_answer, raw_from_value
from tests.factories import (
    AnswerFactory,
    CohortFactory,
    EnrollmentFactory,
    MentorEnrollmentFactory,
    QuestionFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db


def _fill(questionnaire, enrollment, picks):
    answers = {}
    for question in questionnaire.questions.all():
        if question.key in picks:
            value = picks[question.key]
            choices = {c.value: str(c.pk) for c in question.choices.all()}
            if question.type == QuestionType.SINGLE_CHOICE:
                value = choices[value]
            elif question.type == QuestionType.MULTIPLE_CHOICE:
                value = [choices[v] for v in value]
            answers[question.pk] = value
    return response_save(questionnaire=questionnaire, enrollment=enrollment, answers=answers, submit=False, revision=0)


FULL = {
    "career_track": "data",
    "time_zone": "Africa/Lagos",
    "country": "NG",
    "values": ["growth", "impact"],
    "department": "engineering",
    "years_experience": "2",
    "focus": ["network"],
    "program_goals": "Grow",
    "hours_per_month": "4",
    "meeting_times": ["evenings"],
}


@pytest.fixture
def templated(cohort, coordinator):
    templating.questionnaires_set_up(cohort=cohort, by=coordinator)
    return {q.audience: q for q in cohort.questionnaires.filter(kind=Kind.APPLICATION)}


def test_matching_answers_converts_values_and_skips_drafts(cohort, templated):
    mentee, mentor, drafting = (
        EnrollmentFactory(cohort=cohort),
        MentorEnrollmentFactory(cohort=cohort),
        EnrollmentFactory(cohort=cohort),
    )
    draft = _fill(templated["mentee"], mentee, FULL)
    Response.objects.filter(pk=draft.pk).update(status=ResponseStatus.SUBMITTED)
    mentor_response = _fill(
        templated["mentor"], mentor, {**FULL, "time_zone": "America/Sao_Paulo", "years_experience": "12"}
    )
    Response.objects.filter(pk=mentor_response.pk).update(status=ResponseStatus.SUBMITTED)
    _fill(templated["mentee"], drafting, FULL)

    result = matching_answers(cohort=cohort)

    assert set(result) == {mentee.pk, mentor.pk}
    assert result[mentee.pk] == {
        "career_track": "data",
        "geography": 1.0,
        "values": frozenset({"growth", "impact"}),
        "department": "engineering",
        "seniority": 2.0,
        "goals": frozenset({"network"}),
    }
    assert (result[mentor.pk]["geography"], result[mentor.pk]["seniority"]) == (-3.0, 12.0)


def test_matching_questions_pairs_mentee_and_mentor_questions(cohort, templated):
    pairs = matching_questions(cohort=cohort)

    assert sorted(pairs) == ["career_track", "department", "geography", "goals", "seniority", "values"]
    assert pairs["career_track"]["mentee"].questionnaire == templated["mentee"]
    assert pairs["career_track"]["mentor"].questionnaire == templated["mentor"]


def test_first_meeting_questions_from_the_cohort_or_the_template(cohort, coordinator):
    default = first_meeting_questions(cohort=CohortFactory())
    questionnaire = templating.questionnaire_from_template(cohort=cohort, template_key="first_meeting", by=coordinator)
    questionnaire.questions.filter(key="offer_in_return").update(text="What can you offer back?")

    assert default == [str(q.text) for q in TEMPLATES["first_meeting"].questions]
    assert first_meeting_questions(cohort=cohort)[:4] == [
        "What do you want to get out of this program?",
        "Which goals should we focus on first?",
        "What does the mentee want to improve?",
        "What can you offer back?",
    ]


def test_summary_counts_choices_and_hides_sensitive_for_viewers(application, cohort):
    from .conftest import choice_id, question

    for track in ("backend", "backend", "data"):
        response_save(
            questionnaire=application,
            enrollment=EnrollmentFactory(cohort=cohort),
            answers={
                question(application, "career_track").pk: choice_id(application, "career_track", track),
                question(application, "gender").pk: choice_id(application, "gender", "woman"),
            },
            submit=True,
            revision=0,
        )

    total, summaries = questionnaire_summary(questionnaire=application, include_sensitive=False, include_texts=False)

    track, _, gender = summaries
    assert total == 3
    assert [(b.label, b.count, b.percent) for b in track.bars] == [("Backend", 2, 66.7), ("Data", 1, 33.3)]
    assert (gender.hidden, gender.bars) == (True, [])


@pytest.mark.parametrize("size", [7500])
def test_matching_answers_is_fast_for_a_large_cohort(coordinator, organization, size):
    cohort = CohortFactory(program__organization=organization, phase=CohortPhase.ENROLLMENT)
    templating.questionnaires_set_up(cohort=cohort, by=coordinator)
    mentee_q = cohort.questionnaires.get(template_key="mentee_application")
    questions = list(mentee_q.questions.exclude(matching_key="").prefetch_related("choices"))[:6]
    users = User.objects.bulk_create(User(email=f"bulk{i}@example.test", password="!") for i in range(size))
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, user=u, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED) for u in users
    )
    responses = Response.objects.bulk_create(
        Response(questionnaire=mentee_q, enrollment=e, status=ResponseStatus.SUBMITTED, revision=1) for e in enrollments
    )
    samples = {
        QuestionType.SINGLE_CHOICE: lambda q: q.choices.all()[0].value,
        QuestionType.MULTIPLE_CHOICE: lambda q: [c.value for c in q.choices.all()[:2]],
        QuestionType.NUMBER: lambda q: 3,
        QuestionType.TIME_ZONE: lambda q: "Europe/Berlin",
    }
    answers = [
        Answer(
            response=r,
            question=q,
            question_text=q.text,
            value=samples[q.type](q),
            display="x",
            utc_offset=1.0 if q.type == QuestionType.TIME_ZONE else None,
        )
        for r in responses
        for q in questions
    ]
    Answer.objects.bulk_create(answers, batch_size=5000)

    # Timings belong in bench/: here the queries and the result, which hold on any machine.
    with CaptureQueriesContext(connection) as queries:
        result = matching_answers(cohort=cohort)

    assert len(result) == size
    assert result[enrollments[0].pk]["geography"] == 1.0
    assert len(queries) == 2


def test_country_answers_stored_before_keep_reading(application, cohort):
    """Answers store the ISO 3166 code (and the name shown when answered): the country list
    from django-countries has the same codes as the table the app kept by hand before."""
    country = QuestionFactory(
        questionnaire=application, key="country", text="Country?", type=QuestionType.COUNTRY, position=4
    )
    for code, display in (
        ("CD", "Congo (Democratic Republic)"),
        ("CD", "Congo (Democratic Republic)"),
        ("NG", "Nigeria"),
    ):
        response = ResponseFactory(
            questionnaire=application, enrollment=EnrollmentFactory(cohort=cohort), status=ResponseStatus.SUBMITTED
        )
        AnswerFactory(response=response, question=country, value=code, display=display)

    _total, summaries = questionnaire_summary(questionnaire=application, include_sensitive=False, include_texts=False)
    country.offered_choices = []
    stored = Answer.objects.filter(question=country, value="CD").first()
    field = ResponseForm(questions=[country], answers={country.pk: stored})[field_name(country)]

    assert [(b.label, b.count) for b in summaries[-1].bars] == [("Democratic Republic of the Congo", 2), ("Nigeria", 1)]
    assert raw_from_value(country, "CD") == "CD"
    assert clean_answer(country, "cd").display == "Democratic Republic of the Congo"
    assert '<option value="CD" selected>Democratic Republic of the Congo</option>' in str(field)
