import pytest

from cohorts import hooks
from cohorts.enums import CohortPhase
from questionnaires.demo import seed
from questionnaires.enums import Kind, ResponseStatus
from questionnaires.models import Answer, Response
from questionnaires.selectors import matching_answers
from tests.factories import CohortFactory, EnrollmentFactory, MentorEnrollmentFactory, SubcommitteeMemberFactory

pytestmark = pytest.mark.django_db


def test_enrollment_is_blocked_without_application_questionnaires(organization):
    cohort = CohortFactory(program__organization=organization)

    messages = [b.message for b in hooks.phase_blockers(cohort, CohortPhase.ENROLLMENT)]

    assert "The cohort has no application questionnaire for mentees." in messages
    assert "The cohort has no application questionnaire for mentors." in messages


def test_application_for_both_roles_unblocks_enrollment(application, cohort):
    application.audience = "both"
    application.save()

    messages = [b.message for b in hooks.phase_blockers(cohort, CohortPhase.ENROLLMENT)]

    assert [m for m in messages if "application questionnaire" in m] == []


def test_next_step_for_a_mentee_with_an_application(application, mentee):
    steps = [s for s in hooks.next_steps(mentee) if "application" in s.title]

    assert [(s.title, s.done, s.url) for s in steps] == [
        ("Fill in your application questionnaire", False, f"/questionnaires/{application.pk}/fill/")
    ]


def test_an_applicant_has_one_coherent_next_step(application, cohort):
    """While the application questionnaire is to fill in, that is the next step (not "your
    application is with the coordinators"); once submitted, the coordinators decide."""
    from django.utils import timezone

    from cohorts.enums import EnrollmentStatus
    from cohorts.next_steps import all_next_steps

    applicant = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)

    assert [(s.title, s.done) for s in all_next_steps(applicant)] == [
        ("Fill in your application questionnaire", False)
    ]

    response = Response.objects.create(questionnaire=application, enrollment=applicant, status=ResponseStatus.DRAFT)
    assert [s.title for s in all_next_steps(applicant)] == ["Finish your application questionnaire"]

    response.status, response.submitted_at = ResponseStatus.SUBMITTED, timezone.now()
    response.save()
    assert [(s.title, s.done) for s in all_next_steps(applicant)] == [
        ("Your application is with the coordinators; you will hear by email.", False),
        ("Application questionnaire submitted", True),
    ]


def test_cohort_sections_by_role(application, cohort, coordinator, mentee):
    member = SubcommitteeMemberFactory(cohort=cohort).user

    assert [s.title for s in hooks.cohort_sections(cohort, coordinator) if "uestionnaire" in s.title] == [
        "Questionnaires"
    ]
    assert [s.title for s in hooks.cohort_sections(cohort, member) if "uestionnaire" in s.title] == ["Questionnaires"]
    assert [s.title for s in hooks.cohort_sections(cohort, mentee.user) if "uestionnaire" in s.title] == [
        "Your questionnaires"
    ]


def test_demo_seed_answers_every_mentor_and_mentee_and_is_idempotent(organization, coordinator):
    cohort = CohortFactory(program__organization=organization, phase=CohortPhase.LAUNCH)
    mentors = [
        MentorEnrollmentFactory(cohort=cohort, user__time_zone=tz)
        for tz in ("Europe/Berlin", "Asia/Tokyo", "America/New_York")
    ]
    mentees = [
        EnrollmentFactory(cohort=cohort, user__time_zone=tz)
        for tz in ("Africa/Lagos", "Asia/Kolkata", "America/Sao_Paulo", "Europe/London")
    ]
    context = {
        "cohort": cohort,
        "program": cohort.program,
        "coordinator": coordinator,
        "mentors": [m.user for m in mentors],
        "mentees": [m.user for m in mentees],
    }

    seed(context)
    counts = (cohort.questionnaires.count(), Response.objects.count(), Answer.objects.count())
    seed(context)

    assert (cohort.questionnaires.count(), Response.objects.count(), Answer.objects.count()) == counts
    applications = Response.objects.filter(questionnaire__cohort=cohort, questionnaire__kind=Kind.APPLICATION)
    assert set(applications.values_list("status", flat=True)) == {ResponseStatus.SUBMITTED}
    answers = matching_answers(cohort=cohort)
    assert set(answers) == {e.pk for e in mentors + mentees}
    assert min(answers[m.pk]["seniority"] for m in mentors) > max(answers[m.pk]["seniority"] for m in mentees)
    assert len({answers[e.pk]["geography"] for e in mentors + mentees}) >= 5
