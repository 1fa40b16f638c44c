"""Two requests at once (a double click, two tabs): on PostgreSQL, where rows are really
locked; SQLite runs one writer at a time, so there is nothing to race there."""

import contextvars
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from questionnaires.enums import Kind
from questionnaires.models import Delivery, Response
from questionnaires.services.builder import question_create
from questionnaires.services.responses import response_save
from questionnaires.services.sending import questionnaire_deliver
from questionnaires.services.templating import questionnaires_set_up
from questionnaires.templates import TEMPLATES
from tests.factories import QuestionnaireFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: PostgreSQL only"),
]


def _together(*calls) -> list:
    """Run the calls in threads released at the same moment; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test asserts on whatever was raised
            results[index] = error
        finally:
            connections.close_all()

    # Each thread in the test's own scope (a new thread starts with none), as each of two
    # requests would run in its person's.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run, i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_set_up_from_templates_clicked_twice_makes_each_template_once(cohort, coordinator):
    results = _together(
        lambda: questionnaires_set_up(cohort=cohort, by=coordinator),
        lambda: questionnaires_set_up(cohort=cohort, by=coordinator),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(len(r) for r in results) == [0, len(TEMPLATES)]
    assert Counter(cohort.questionnaires.values_list("template_key", flat=True)) == dict.fromkeys(TEMPLATES, 1)
    assert cohort.questionnaires.filter(kind=Kind.APPLICATION).count() == 2


def test_question_form_posted_twice_at_once_gets_two_keys_not_an_error(cohort):
    questionnaire = QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN, audience="both")

    results = _together(
        lambda: question_create(questionnaire=questionnaire, text="How is it going?", type="short_text"),
        lambda: question_create(questionnaire=questionnaire, text="How is it going?", type="short_text"),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(questionnaire.questions.values_list("key", "position")) == [
        ("how_is_it_going", 1),
        ("how_is_it_going_2", 2),
    ]


def test_first_answers_submitted_twice_at_once_are_saved_once(application, mentee):
    goals = application.questions.get(key="goals").pk

    def submit(text):
        return lambda: response_save(
            questionnaire=application, enrollment=mentee, answers={goals: text}, submit=False, revision=0
        )

    results = _together(submit("First tab"), submit("Second tab"))

    refused = [r for r in results if isinstance(r, ValidationError)]
    saved = [r for r in results if isinstance(r, Response)]
    assert (len(saved), len(refused)) == (1, 1)
    assert refused[0].code == "stale"
    response = Response.objects.get()
    assert response.revision == 1
    assert list(response.answers.values_list("value", flat=True)) == [saved[0].answers.get().value]


def test_two_sends_at_once_reach_each_person_once(cohort, mentee, application):
    results = _together(
        lambda: questionnaire_deliver(questionnaire=application),
        lambda: questionnaire_deliver(questionnaire=application),
    )

    assert sorted(len(r) for r in results) == [0, 1]
    assert list(Delivery.objects.values_list("enrollment_id", flat=True)) == [mentee.pk]
