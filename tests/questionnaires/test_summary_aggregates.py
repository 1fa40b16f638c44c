"""The questionnaire summary is counted in the database (a row per question and distinct
value); the former count in Python over every answer is kept here as the oracle, and both
must agree on varied answers."""

import datetime
import statistics
from collections import Counter, defaultdict

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from questionnaires.enums import QuestionType, ResponseStatus
from questionnaires.models import Answer, Response
from questionnaires.selectors import (
    TEXT_SAMPLE,
    QuestionSummary,
    _bars,
    ordered_questions,
    questionnaire_summary,
)
from questionnaires.timezones import format_offset
from questionnaires.validators import format_number
from tests.factories import ChoiceFactory, EnrollmentFactory, QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


def _summary_in_python(*, questionnaire, include_sensitive, include_texts):
    """The former ``questionnaire_summary``: every answer read and counted in Python."""
    questions = ordered_questions(questionnaire=questionnaire)
    total = Response.objects.filter(questionnaire=questionnaire, status=ResponseStatus.SUBMITTED).count()
    values = defaultdict(list)
    rows = Answer.objects.filter(
        response__questionnaire=questionnaire, response__status=ResponseStatus.SUBMITTED
    ).order_by("-response__submitted_at", "pk")
    for question_id, value, offset in rows.values_list("question_id", "value", "utc_offset"):
        values[question_id].append(offset if offset is not None else value)
    summaries = []
    for question in questions:
        answers = values.get(question.pk, [])
        summary = QuestionSummary(question=question, answered=len(answers))
        if question.sensitive and not include_sensitive:
            summary.hidden = True
            summaries.append(summary)
            continue
        kind = question.type
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            counter = Counter(v for value in answers for v in (value if isinstance(value, list) else [value]))
            summary.bars = _bars(counter, [(c.value, c.label) for c in question.all_choices], len(answers))
        elif kind == QuestionType.SCALE:
            counter = Counter(int(v) for v in answers)
            labels = [(n, str(n)) for n in range(1, 6)]
            labels[0] = (1, f"1 {question.scale_min_label}".strip())
            labels[4] = (5, f"5 {question.scale_max_label}".strip())
            summary.bars = _bars(counter, labels, len(answers))
            if answers:
                summary.stats = {"mean": format_number(round(statistics.fmean(answers), 2))}
        elif kind == QuestionType.YES_NO:
            counter = Counter(bool(v) for v in answers)
            summary.bars = _bars(counter, [(True, _("Yes")), (False, _("No"))], len(answers))
        elif kind == QuestionType.NUMBER and answers:
            numbers = [float(v) for v in answers]
            summary.stats = {
                "min": format_number(min(numbers)),
                "median": format_number(statistics.median(numbers)),
                "mean": format_number(round(statistics.fmean(numbers), 2)),
                "max": format_number(max(numbers)),
            }
        elif kind == QuestionType.DATE and answers:
            summary.stats = {"min": min(answers), "max": max(answers)}
        elif kind == QuestionType.TIME_ZONE:
            counter = Counter(round(float(v), 2) for v in answers)
            summary.bars = _bars(counter, [(o, format_offset(o)) for o in sorted(counter)], len(answers))
        elif kind == QuestionType.COUNTRY:
            counter = Counter(answers)
            top = [(code, countries.name(code) or code) for code, _ in counter.most_common(15)]
            summary.bars = _bars(counter, top, len(answers))
        elif include_texts:
            summary.texts = [str(v) for v in answers[:TEXT_SAMPLE]]
        summaries.append(summary)
    return total, summaries


def _as_data(result):
    total, summaries = result
    return total, [
        (s.question.pk, s.answered, s.hidden, [(b.label, b.count, b.percent) for b in s.bars], s.stats, s.texts)
        for s in summaries
    ]


ZONES = [("Europe/Berlin", 1.0), ("America/New_York", -5.0), ("Asia/Kolkata", 5.5), ("UTC", 0.0)]
# Answered 7, 5, 3, 2 and 1 times: no tie on the country bars.
COUNTRIES = ["ES"] * 7 + ["MX"] * 5 + ["AR"] * 3 + ["CL"] * 2 + ["PE"]


@pytest.fixture
def answered():
    """A questionnaire with a question of every type (one sensitive, one never answered),
    24 submitted responses with varied answers (some questions skipped), and drafts whose
    answers must not count."""
    questionnaire = QuestionnaireFactory()
    q = {
        kind: QuestionFactory(questionnaire=questionnaire, type=kind, required=False, position=index)
        for index, kind in enumerate(QuestionType.values)
    }
    for kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        for value in ("red", "green", "blue"):
            ChoiceFactory(question=q[kind], value=value, label=value.title())
    sensitive = QuestionFactory(
        questionnaire=questionnaire, type=QuestionType.SINGLE_CHOICE, sensitive=True, required=False, position=50
    )
    ChoiceFactory(question=sensitive, value="a", label="A")
    QuestionFactory(questionnaire=questionnaire, type=QuestionType.NUMBER, required=False, position=51)
    start = timezone.now() - datetime.timedelta(days=30)
    for index in range(24):
        response = Response.objects.create(
            questionnaire=questionnaire,
            enrollment=EnrollmentFactory(cohort=questionnaire.cohort),
            status=ResponseStatus.SUBMITTED if index % 7 != 6 else ResponseStatus.DRAFT,
            revision=1,
            submitted_at=start + datetime.timedelta(hours=index * 5 % 24, days=index % 3),
        )
        zone, offset = ZONES[index % 4]
        given = {
            QuestionType.SHORT_TEXT: f"short {index}",
            QuestionType.LONG_TEXT: f"long {index}" if index % 5 else None,
            QuestionType.SINGLE_CHOICE: ["red", "green", "blue"][index % 3] if index % 4 else None,
            QuestionType.MULTIPLE_CHOICE: [["red"], ["green", "red"], ["red", "green"], ["blue", "green", "red"]][
                index % 4
            ],
            QuestionType.SCALE: index % 5 + 1,
            QuestionType.NUMBER: [3, 4.5, 10, 3, 0.25, 7][index % 6] if index % 8 else None,
            QuestionType.YES_NO: index % 3 == 0,
            QuestionType.DATE: f"2027-0{index % 9 + 1}-1{index % 10}",
            QuestionType.TIME_ZONE: zone,
            QuestionType.COUNTRY: COUNTRIES[index % len(COUNTRIES)] if index < len(COUNTRIES) else None,
        }
        for kind, value in given.items():
            if value is None:
                continue
            Answer.objects.create(
                response=response,
                question=q[kind],
                question_text=q[kind].text,
                value=value,
                display=str(value),
                utc_offset=offset if kind == QuestionType.TIME_ZONE else None,
            )
        Answer.objects.create(
            response=response, question=sensitive, question_text="?", value="a", display="A", utc_offset=None
        )
    return questionnaire


@pytest.mark.parametrize(("include_sensitive", "include_texts"), [(False, False), (True, True), (False, True)])
def test_the_summary_counted_in_the_database_equals_the_count_in_python(answered, include_sensitive, include_texts):
    options = {"questionnaire": answered, "include_sensitive": include_sensitive, "include_texts": include_texts}

    counted = _as_data(questionnaire_summary(**options))

    assert counted == _as_data(_summary_in_python(**options))
    assert counted[0] == 21


def test_the_summary_of_nothing_answered_is_empty():
    questionnaire = QuestionnaireFactory()
    QuestionFactory(questionnaire=questionnaire, type=QuestionType.NUMBER)
    options = {"questionnaire": questionnaire, "include_sensitive": True, "include_texts": True}

    assert _as_data(questionnaire_summary(**options)) == _as_data(_summary_in_python(**options))


@pytest.mark.parametrize("responses", [3, 15])
def test_the_summary_costs_the_same_at_any_size(answered, django_assert_num_queries, responses):
    questionnaire = QuestionnaireFactory()
    number = QuestionFactory(questionnaire=questionnaire, type=QuestionType.NUMBER)
    text = QuestionFactory(questionnaire=questionnaire, type=QuestionType.SHORT_TEXT)
    for index in range(responses):
        response = Response.objects.create(
            questionnaire=questionnaire,
            enrollment=EnrollmentFactory(cohort=questionnaire.cohort),
            status=ResponseStatus.SUBMITTED,
            revision=1,
            submitted_at=timezone.now(),
        )
        Answer.objects.create(response=response, question=number, question_text="?", value=index, display="")
        Answer.objects.create(response=response, question=text, question_text="?", value="x", display="")

    # The questions (and their choices), the total, the values, the texts' counts, the texts.
    with django_assert_num_queries(6):
        total, summaries = questionnaire_summary(questionnaire=questionnaire, include_sensitive=True, include_texts=True)

    assert (total, summaries[0].answered, len(summaries[1].texts)) == (responses, responses, min(responses, 20))
