import pytest

from questionnaires.enums import ResponseStatus
from tests.factories import AnswerFactory, CohortFactory, QuestionFactory, QuestionnaireFactory, ResponseFactory

pytestmark = pytest.mark.django_db

RESPONSES = "/api/v1/responses/"


@pytest.fixture
def questionnaire(organization):
    return QuestionnaireFactory(cohort=CohortFactory(program__organization=organization))


@pytest.fixture
def answered(questionnaire):
    response = ResponseFactory(questionnaire=questionnaire)
    AnswerFactory(response=response, question=QuestionFactory(questionnaire=questionnaire, key="goals"), value="Lead")
    AnswerFactory(
        response=response,
        question=QuestionFactory(questionnaire=questionnaire, key="gender", sensitive=True),
        value="woman",
    )
    return response


def test_sensitive_answers_are_left_out_for_an_ordinary_key(api_client, answered):
    response = api_client().get(RESPONSES)

    row = response.json()["results"][0]
    assert [a["question"] for a in row["answers"]] == ["goals"]
    assert row["sensitive_omitted"] is True
    assert "woman" not in response.content.decode()


def test_a_key_allowed_to_read_sensitive_answers_gets_them(api_client, answered):
    response = api_client(sensitive=True).get(f"{RESPONSES}{answered.pk}/")

    assert [(a["question"], a["value"], a["sensitive"]) for a in response.json()["answers"]] == [
        ("goals", "Lead", False),
        ("gender", "woman", True),
    ]
    assert response.json()["sensitive_omitted"] is False


def test_drafts_and_other_organizations_responses_are_never_listed(api_client, questionnaire, answered):
    ResponseFactory(questionnaire=questionnaire, status=ResponseStatus.DRAFT)
    foreign = ResponseFactory()

    listed = api_client(sensitive=True).get(RESPONSES)

    assert [r["id"] for r in listed.json()["results"]] == [answered.pk]
    assert api_client(sensitive=True).get(f"{RESPONSES}{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("item_count", [1, 5])
def test_responses_cost_a_fixed_number_of_queries(api_client, questionnaire, item_count, django_assert_num_queries):
    for response in ResponseFactory.create_batch(item_count, questionnaire=questionnaire):
        AnswerFactory(response=response)
    client = api_client()

    # The key (and its last use), the count, the page, its answers.
    with django_assert_num_queries(5):
        listed = client.get(RESPONSES, {"questionnaire": questionnaire.pk})

    assert listed.json()["count"] == item_count


def test_questionnaires_are_listed_for_the_organization(api_client, questionnaire):
    QuestionnaireFactory()

    response = api_client().get("/api/v1/questionnaires/")

    assert [q["id"] for q in response.json()["results"]] == [questionnaire.pk]
