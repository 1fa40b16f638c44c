import pytest

from cohorts.models import PairStatus
from mentorship.enums import OrgRole
from questionnaires.enums import Kind
from questionnaires.selectors import answers_for_display
from questionnaires.services.responses import response_save
from tests.factories import (
    DeliveryFactory,
    MembershipFactory,
    MentorEnrollmentFactory,
    PairFactory,
    QuestionnaireFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

from .conftest import choice_id, question

pytestmark = pytest.mark.django_db

PERMS = [
    "questionnaires.manage_questionnaires",
    "questionnaires.view_questionnaires",
    "questionnaires.view_summary",
    "questionnaires.view_answers",
    "questionnaires.view_sensitive_answers",
    "questionnaires.export_answers",
]


@pytest.fixture
def people(cohort, coordinator, viewer, mentee):
    return {
        "coordinator": coordinator,
        "subcommittee": SubcommitteeMemberFactory(cohort=cohort).user,
        "viewer": viewer,
        "participant": mentee.user,
        "other_org_coordinator": MembershipFactory(role=OrgRole.COORDINATOR).user,
        "outsider": UserFactory(),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", [True, True, True, True, True, True]),
        ("subcommittee", [False, True, True, True, True, False]),
        ("viewer", [False, True, True, False, False, False]),
        ("participant", [False, False, False, False, False, False]),
        ("other_org_coordinator", [False, False, False, False, False, False]),
        ("outsider", [False, False, False, False, False, False]),
    ],
)
def test_questionnaire_permissions_by_role(people, application, who, expected):
    user = people[who]

    assert [user.has_perm(perm, application) for perm in PERMS] == expected


def _submit(application, enrollment):
    answers = {
        question(application, "career_track").pk: choice_id(application, "career_track", "data"),
        question(application, "goals").pk: "Lead a team",
        question(application, "gender").pk: choice_id(application, "gender", "woman"),
    }
    return response_save(questionnaire=application, enrollment=enrollment, answers=answers, submit=True, revision=0)


def test_response_is_readable_by_its_owner_coordinators_subcommittee_and_the_partner(
    people, application, mentee, cohort
):
    response = _submit(application, mentee)
    pair = PairFactory(cohort=cohort, mentee=mentee)
    other = MentorEnrollmentFactory(cohort=cohort).user

    readers = {who: user.has_perm("questionnaires.view_response", response) for who, user in people.items()}

    assert readers == {
        "coordinator": True,
        "subcommittee": True,
        "viewer": False,
        "participant": True,
        "other_org_coordinator": False,
        "outsider": False,
    }
    assert pair.mentor.user.has_perm("questionnaires.view_response", response) is True
    assert other.has_perm("questionnaires.view_response", response) is False


def test_partner_never_reads_survey_responses(cohort, mentee):
    pair = PairFactory(cohort=cohort, mentee=mentee)
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.MATCH_FEEDBACK, audience="both")
    q = survey.questions.create(key="good_fit", text="Good fit?", type="short_text")
    DeliveryFactory(questionnaire=survey, enrollment=mentee)
    response = response_save(questionnaire=survey, enrollment=mentee, answers={q.pk: "no"}, submit=True, revision=0)

    assert pair.mentor.user.has_perm("questionnaires.view_response", response) is False


def test_answers_for_display_hides_sensitive_answers_from_the_partner(people, application, mentee, cohort):
    _submit(application, mentee)
    pair = PairFactory(cohort=cohort, mentee=mentee, status=PairStatus.ACTIVE)

    for_subcommittee = answers_for_display(enrollment=mentee, viewer=people["subcommittee"])
    for_partner = answers_for_display(enrollment=mentee, viewer=pair.mentor.user)
    for_viewer = answers_for_display(enrollment=mentee, viewer=people["viewer"])

    assert [(a.key, a.display) for a in for_subcommittee] == [
        ("career_track", "Data"),
        ("goals", "Lead a team"),
        ("gender", "Woman"),
    ]
    assert [(a.key, a.display) for a in for_partner] == [("career_track", "Data"), ("goals", "Lead a team")]
    assert for_viewer == []
