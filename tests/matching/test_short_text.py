"""A short-text answer (a sub-department, a city) as a matching criterion: the same or
different answers after trimming and case-folding."""

import pytest

from cohorts.enums import ParticipantRole
from matching.enums import CriterionKind
from matching.services.criteria import criterion_create
from matching.services.runs import match_run_start
from matching.services.scoring import criteria_snapshot, pair_score, side_answers, top_reasons
from questionnaires.enums import QuestionType
from tests.factories import QuestionFactory
from tests.matching.conftest import submit

pytestmark = pytest.mark.django_db

MENTEE, MENTOR = ParticipantRole.MENTEE, ParticipantRole.MENTOR


@pytest.fixture
def team_questions(applications):
    """A short-text "sub-department" question on each application, feeding matching."""
    return {
        role: QuestionFactory(
            questionnaire=applications[role],
            key="team",
            text="Which sub-department are you in?",
            type=QuestionType.SHORT_TEXT,
            required=False,
            matching_key="team",
        )
        for role in (MENTEE, MENTOR)
    }


def team_criterion(cohort, team_questions, kind=CriterionKind.SAME, weight=5):
    return criterion_create(
        cohort=cohort,
        label="Sub-department",
        kind=kind,
        weight=weight,
        hard=False,
        mentee_question=team_questions[MENTEE],
        mentor_question=team_questions[MENTOR],
    )


def test_answers_compare_after_trimming_and_case_folding():
    snapshot = [
        {"key": "team", "label": "Team", "kind": "same", "weight": 1, "hard": False},
        {"key": "apart", "label": "Apart", "kind": "different", "weight": 1, "hard": False},
    ]
    for c in snapshot:
        c.update(mentee_key=c["key"], mentor_key=c["key"])

    mentee = side_answers(snapshot, {"team": "  Data   Platform ", "apart": "Payments"}, "mentee")
    mentor = side_answers(snapshot, {"team": "data platform", "apart": " PAYMENTS"}, "mentor")
    blank = side_answers(snapshot, {"team": "   "}, "mentee")

    assert mentee == {"team": "data platform", "apart": "payments"}
    assert mentor == {"team": "data platform", "apart": "payments"}
    assert blank == {}


def test_a_short_text_criterion_scores_same_and_different_with_reasons(cohort, applications, team_questions):
    same = team_criterion(cohort, team_questions)
    snapshot = criteria_snapshot([same])

    alike = pair_score(
        snapshot=snapshot, mentee_answers={"team": "Data Platform "}, mentor_answers={"team": "DATA platform"}
    )
    unlike = pair_score(
        snapshot=snapshot, mentee_answers={"team": "Data Platform"}, mentor_answers={"team": "Payments"}
    )

    assert (alike.score, unlike.score) == (1.0, 0.0)
    assert top_reasons(snapshot, alike.breakdown) == ["the same answer on “Sub-department”"]
    different = criteria_snapshot([team_criterion(cohort, team_questions, kind=CriterionKind.DIFFERENT)])
    assert (
        pair_score(snapshot=different, mentee_answers={"team": "Data"}, mentor_answers={"team": "Payments"}).score
        == 1.0
    )
    assert (
        pair_score(snapshot=different, mentee_answers={"team": "data"}, mentor_answers={"team": " Data"}).score == 0.0
    )


def test_a_long_text_question_cannot_be_compared(cohort, applications):
    from django.core.exceptions import ValidationError

    questions = {
        role: QuestionFactory(questionnaire=applications[role], type=QuestionType.LONG_TEXT, matching_key="story")
        for role in (MENTEE, MENTOR)
    }

    with pytest.raises(ValidationError) as error:
        criterion_create(
            cohort=cohort,
            label="Story",
            kind=CriterionKind.SAME,
            weight=1,
            hard=False,
            mentee_question=questions[MENTEE],
            mentor_question=questions[MENTOR],
        )

    assert list(error.value.message_dict) == ["kind"]


def test_a_round_pairs_people_of_the_same_sub_department_whatever_their_typing(
    cohort, coordinator, applications, team_questions, django_capture_on_commit_callbacks
):
    from tests.factories import EnrollmentFactory, MentorEnrollmentFactory, UserFactory

    team_criterion(cohort, team_questions)
    people = {}
    for role, name, team in (
        (MENTEE, "Ada", " data platform"),
        (MENTEE, "Bea", "Payments "),
        (MENTOR, "Xena", "PAYMENTS"),
        (MENTOR, "Yara", "Data Platform"),
    ):
        factory = MentorEnrollmentFactory if role == MENTOR else EnrollmentFactory
        people[name] = factory(cohort=cohort, user=UserFactory(full_name=name))
        submit(people[name], applications[role], team=team)

    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(cohort=cohort, by=coordinator)

    run.refresh_from_db()
    assert sorted((p.mentee.user.full_name, p.mentor.user.full_name, p.score) for p in run.proposals.all()) == [
        ("Ada", "Yara", 1.0),
        ("Bea", "Xena", 1.0),
    ]
    assert {p.breakdown["team"] for p in run.proposals.all()} == {1.0}


def test_the_criteria_builder_offers_and_saves_a_short_text_criterion(
    client, cohort, coordinator, applications, team_questions
):
    from django.urls import reverse

    from matching.models import MatchingCriterion

    url = reverse("matching:criterion-create", kwargs={"pk": cohort.pk})
    client.force_login(coordinator)

    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "label": "Sub-department",
            "mentee_question": team_questions[MENTEE].pk,
            "mentor_question": team_questions[MENTOR].pk,
            "kind": CriterionKind.DIFFERENT,
            "weight": 2,
            "scale": 12,
        },
    )

    assert team_questions[MENTEE] in form.fields["mentee_question"].queryset
    assert response.status_code == 302
    assert list(MatchingCriterion.objects.values_list("key", "kind", "weight")) == [("team", "different", 2)]


def test_reasons_on_a_number_criterion_name_its_unit():
    snapshot = [
        {
            "key": "seniority",
            "label": "Seniority",
            "kind": "ordinal",
            "weight": 1,
            "hard": False,
            "unit": "years in tech",
        },
        {"key": "hours", "label": "Hours", "kind": "distance", "weight": 1, "hard": False, "unit": ""},
    ]

    reasons = top_reasons(snapshot, {"seniority": 0.5, "hours": 0.4})

    assert reasons == ["a mentor further along in “Seniority” (more years in tech)", "close on “Hours”"]
