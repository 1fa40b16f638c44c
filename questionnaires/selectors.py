"""Reading questionnaires and answers. Public to other apps:

- ``matching_answers(cohort=)``, ``matching_questions(cohort=)`` for the matching app;
- ``answers_for_display(enrollment=, viewer=)`` for the matching review screen;
- ``first_meeting_questions(cohort=)`` for the meetings app.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django_countries import countries

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES
from cohorts.models import Cohort, Enrollment
from mentorship.models import User

from .enums import TEXT_TYPES, Kind, QuestionType, ResponseStatus
from .models import Answer, Choice, Delivery, Question, Questionnaire, Response, Section
from .rules import pair_partner_ids
from .templates import TEMPLATES
from .timezones import format_offset
from .validators import format_number


def _form_order(question: Question) -> tuple:
    section = question.section
    if section is None:
        return (0, 0, 0, question.position, question.pk)
    return (1, section.position, section.pk, question.position, question.pk)


def ordered_questions(*, questionnaire: Questionnaire, include_retired: bool = False) -> list[Question]:
    """Questions in the order of the form (questions without a section first, then each
    section in turn), with ``offered_choices`` (not retired) and ``all_choices`` attached.
    Two queries."""
    queryset = questionnaire.questions.select_related("section").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"), to_attr="all_choices")
    )
    if not include_retired:
        queryset = queryset.filter(retired_at__isnull=True)
    questions = sorted(queryset, key=_form_order)
    for question in questions:
        question.offered_choices = [c for c in question.all_choices if c.retired_at is None]
    return questions


def form_questions(*, questionnaire: Questionnaire) -> list[Question]:
    return ordered_questions(questionnaire=questionnaire)


@dataclass
class Group:
    section: Section | None
    questions: list = field(default_factory=list)


def grouped(items: list) -> list[Group]:
    """Consecutive items of the same section, for headings on the page. Items are
    questions, or (question, bound field) pairs of a form."""
    groups: list[Group] = []
    for item in items:
        section = item[0].section if isinstance(item, tuple) else item.section
        if not groups or groups[-1].section != section:
            groups.append(Group(section=section))
        groups[-1].questions.append(item)
    return groups


def builder_sections(*, questionnaire: Questionnaire, questions: list) -> list[Group]:
    """Every section, even empty ones, with its questions (retired ones included)."""
    by_section = defaultdict(list)
    for question in questions:
        by_section[question.section_id].append(question)
    groups = [Group(section=None, questions=by_section.get(None, []))]
    groups += [Group(section=s, questions=by_section.get(s.pk, [])) for s in questionnaire.sections.all()]
    return groups


# --- For the matching app ---------------------------------------------------------------


def _matching_value(kind: str, value: object, utc_offset: float | None) -> object:
    if kind == QuestionType.MULTIPLE_CHOICE:
        return frozenset(value or ())
    if kind in (QuestionType.NUMBER, QuestionType.SCALE):
        return float(value)
    if kind == QuestionType.TIME_ZONE:
        return float(utc_offset) if utc_offset is not None else None
    if kind == QuestionType.YES_NO:
        return bool(value)
    return value


def matching_answers(*, cohort: Cohort, enrollment_ids: Iterable[int] | None = None) -> dict[int, dict[str, object]]:
    """{enrollment id: {matching_key: value}} for every enrollment of the cohort with a
    submitted application response, from its answers to (live) questions with a
    matching_key. Values: single choice -> the choice's value slug (str); multiple choice ->
    frozenset of value slugs; number and scale -> float; time zone -> UTC offset in hours
    (float) stored with the answer; country -> ISO code (str); yes/no -> bool; text and
    date -> str. Two queries, no model instances, whatever the cohort's size; with
    ``enrollment_ids``, only those people (to score one pair without loading the cohort).
    """
    rows = (
        Answer.objects.filter(
            response__questionnaire__cohort=cohort,
            response__questionnaire__kind=Kind.APPLICATION,
            response__status=ResponseStatus.SUBMITTED,
            question__retired_at__isnull=True,
        )
        .exclude(question__matching_key="")
        .values_list("response__enrollment_id", "question__matching_key", "question__type", "value", "utc_offset")
    )
    responses = Response.objects.filter(
        questionnaire__cohort=cohort, questionnaire__kind=Kind.APPLICATION, status=ResponseStatus.SUBMITTED
    )
    if enrollment_ids is not None:
        ids = list(enrollment_ids)
        rows = rows.filter(response__enrollment_id__in=ids)
        responses = responses.filter(enrollment_id__in=ids)
    result: dict[int, dict[str, object]] = {}
    for enrollment_id, key, kind, value, offset in rows.iterator(chunk_size=5000):
        converted = _matching_value(kind, value, offset)
        if converted is not None:
            result.setdefault(enrollment_id, {})[key] = converted
    # People who submitted without answering any matching question still count.
    for enrollment_id in responses.values_list("enrollment_id", flat=True):
        result.setdefault(enrollment_id, {})
    return result


def matching_questions(*, cohort: Cohort) -> dict[str, dict[str, Question]]:
    """{matching_key: {"mentee": question, "mentor": question}}: the application questions
    of each role that feed the same criterion (only keys both roles have). A question of a
    questionnaire for both roles serves both."""
    questions = (
        Question.objects.filter(
            questionnaire__cohort=cohort, questionnaire__kind=Kind.APPLICATION, retired_at__isnull=True
        )
        .exclude(matching_key="")
        .select_related("questionnaire")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")))
        .order_by("pk")
    )
    by_key: dict[str, dict[str, Question]] = defaultdict(dict)
    for question in questions:
        for role in question.questionnaire.roles:
            by_key[question.matching_key].setdefault(role, question)
    return {key: pair for key, pair in by_key.items() if "mentee" in pair and "mentor" in pair}


@dataclass(frozen=True)
class DisplayedAnswer:
    question_text: str
    display: str
    key: str
    matching_key: str
    sensitive: bool
    type: str


def answers_for_display(*, enrollment: Enrollment, viewer: User) -> list[DisplayedAnswer]:
    """The person's application answers that ``viewer`` may see, in form order: all of them
    for the cohort's coordinators and subcommittee; the non-sensitive ones for the other
    person of their pair; nothing for anyone else (the person themself reads their own
    response page). The question text is the one the person answered."""
    cohort = enrollment.cohort
    if viewer.has_perm("questionnaires.view_sensitive_answers", cohort):
        show_sensitive = True
    elif viewer.is_authenticated and viewer.pk in pair_partner_ids(enrollment):
        show_sensitive = False
    else:
        return []
    answers = Answer.objects.filter(
        response__enrollment=enrollment,
        response__questionnaire__kind=Kind.APPLICATION,
        response__status=ResponseStatus.SUBMITTED,
    ).select_related("question__section")
    if not show_sensitive:
        answers = answers.filter(question__sensitive=False)
    rows = sorted(answers, key=lambda a: _form_order(a.question))
    return [
        DisplayedAnswer(
            question_text=a.question_text,
            display=a.question.with_unit(a.display),
            key=a.question.key,
            matching_key=a.question.matching_key,
            sensitive=a.question.sensitive,
            type=a.question.type,
        )
        for a in rows
    ]


# --- For the meetings app ---------------------------------------------------------------


def first_meeting_questions(*, cohort: Cohort) -> list[str]:
    """The texts of the cohort's first-meeting guiding questions, in order; the ready
    template's when the cohort has no such questionnaire."""
    questionnaire = cohort.questionnaires.filter(kind=Kind.FIRST_MEETING).order_by("created_at", "pk").first()
    if questionnaire is None:
        return [str(q.text) for q in TEMPLATES["first_meeting"].questions]
    return [q.text for q in ordered_questions(questionnaire=questionnaire)]


# --- Lists ------------------------------------------------------------------------------


def questionnaires_in(*, cohort: Cohort) -> QuerySet[Questionnaire]:
    """The cohort's questionnaires with their counts, in one query."""
    return (
        cohort.questionnaires.annotate(
            question_count=Count("questions", filter=Q(questions__retired_at__isnull=True), distinct=True),
            submitted_count=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED), distinct=True),
            draft_count=Count("responses", filter=Q(responses__status=ResponseStatus.DRAFT), distinct=True),
            delivery_count=Count("deliveries", distinct=True),
        )
        .prefetch_related("send_rules")
        .order_by("created_at", "pk")
    )


def expected_people(*, questionnaire: Questionnaire) -> QuerySet[Enrollment]:
    """Who is expected to answer: for an application, everyone of its roles taking part;
    for a survey, those it was sent to; plus anyone who has a response."""
    base = Enrollment.objects.filter(cohort_id=questionnaire.cohort_id)
    has_response = Exists(Response.objects.filter(questionnaire=questionnaire, enrollment=OuterRef("pk")))
    if questionnaire.kind == Kind.APPLICATION:
        expected = Q(role__in=questionnaire.roles, status__in=ACTIVE_ENROLLMENT_STATUSES)
    else:
        expected = Q(Exists(Delivery.objects.filter(questionnaire=questionnaire, enrollment=OuterRef("pk"))))
    return base.filter(expected | Q(has_response))


def people_with_status(*, questionnaire: Questionnaire, status: str = "", search: str = "") -> QuerySet[Enrollment]:
    """The expected people, each with ``response_id`` and ``response_status`` (None when
    not started) annotated; one query per page."""
    responses = Response.objects.filter(questionnaire=questionnaire, enrollment=OuterRef("pk"))
    queryset = (
        expected_people(questionnaire=questionnaire)
        .select_related("user")
        .annotate(
            response_id=Subquery(responses.values("pk")[:1]),
            response_status=Subquery(responses.values("status")[:1]),
            response_submitted_at=Subquery(responses.values("submitted_at")[:1]),
        )
    )
    if status == "not_started":
        queryset = queryset.filter(response_id__isnull=True)
    elif status in ResponseStatus.values:
        queryset = queryset.filter(response_status=status)
    if search:
        queryset = queryset.filter(Q(user__full_name__icontains=search) | Q(user__email__icontains=search))
    return queryset.order_by("role", "user__full_name", "user__email", "pk")


@dataclass
class MyQuestionnaire:
    questionnaire: Questionnaire
    response: Response | None
    can_fill: bool
    reason: str = ""


def questionnaires_for_participant(*, enrollment: Enrollment) -> list[MyQuestionnaire]:
    """The questionnaires this person has to fill or has filled: the application one of
    their role, and the surveys sent to them. Three queries."""
    from .services.responses import fill_problem  # noqa: PLC0415 -- services import selectors

    cohort = enrollment.cohort
    delivered = Delivery.objects.filter(questionnaire=OuterRef("pk"), enrollment=enrollment)
    questionnaires = (
        Questionnaire.objects.filter(cohort=cohort)
        .filter(Q(kind=Kind.APPLICATION) | Q(Exists(delivered)))
        .filter(audience__in=["both", enrollment.role])
        .annotate(delivered=Exists(delivered))
        .order_by("created_at", "pk")
    )
    questionnaires = list(questionnaires)
    responses = {
        r.questionnaire_id: r
        for r in Response.objects.filter(enrollment=enrollment, questionnaire__in=[q.pk for q in questionnaires])
    }
    items = []
    for questionnaire in questionnaires:
        questionnaire.cohort = cohort
        problem = fill_problem(questionnaire=questionnaire, enrollment=enrollment, delivered=questionnaire.delivered)
        items.append(
            MyQuestionnaire(
                questionnaire=questionnaire,
                response=responses.get(questionnaire.pk),
                can_fill=problem is None,
                reason=problem or "",
            )
        )
    return items


# --- Summaries --------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    hidden: bool = False


def _bars(counter: Counter, labels: list[tuple[object, str]], total: int) -> list[Bar]:
    return [
        Bar(label=label, count=counter.get(key, 0), percent=round(100 * counter.get(key, 0) / total, 1) if total else 0)
        for key, label in labels
    ]


TEXT_SAMPLE = 20


def _histograms(questionnaire: Questionnaire) -> dict[int, Counter]:
    """How many submitted answers of each question hold each value (the time zone's UTC
    offset for a time zone): one GROUP BY, a row per distinct value, never per answer.
    Written answers are left out: nearly every one is distinct."""
    grouped = (
        Answer.objects.filter(response__questionnaire=questionnaire, response__status=ResponseStatus.SUBMITTED)
        .exclude(question__type__in=list(TEXT_TYPES))
        .order_by()
        .values_list("question_id", "value", "utc_offset")
        .annotate(n=Count("pk"))
    )
    histograms: dict[int, Counter] = defaultdict(Counter)
    for question_id, value, offset, n in grouped:
        key = offset if offset is not None else value
        # A list (multiple choice) is kept whole here, as a hashable tuple.
        histograms[question_id][tuple(key) if isinstance(key, list) else key] += n
    return histograms


def _texts(questionnaire: Questionnaire, *, sample: bool) -> tuple[dict[int, int], dict[int, list[str]]]:
    """How many written answers each text question has, and (``sample``) its latest
    ``TEXT_SAMPLE``, numbered in the database so that only those are read."""
    answers = Answer.objects.filter(
        response__questionnaire=questionnaire,
        response__status=ResponseStatus.SUBMITTED,
        question__type__in=list(TEXT_TYPES),
    )
    counts = dict(answers.order_by().values_list("question_id").annotate(n=Count("pk")))
    texts: dict[int, list[str]] = defaultdict(list)
    if sample and counts:
        latest = (
            answers.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("question_id")],
                    order_by=[F("response__submitted_at").desc(), F("pk").asc()],
                )
            )
            .filter(rank__lte=TEXT_SAMPLE)
            .order_by("question_id", "rank")
            .values_list("question_id", "value")
        )
        for question_id, value in latest:
            texts[question_id].append(str(value))
    return counts, texts


def _expanded(counter: Counter) -> Counter:
    """Multiple-choice lists counted per option."""
    counts: Counter = Counter()
    for key, n in counter.items():
        for item in key if isinstance(key, tuple) else [key]:
            counts[item] += n
    return counts


def _median(histogram: list[tuple[float, int]], total: int) -> float:
    """``statistics.median`` of the values a sorted (value, count) histogram stands for."""
    wanted = [(total - 1) // 2, total // 2]
    found = []
    seen = 0
    for value, n in histogram:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return found[0] if found[0] == found[1] else (found[0] + found[1]) / 2


def _mean(histogram: Iterable[tuple[float, int]], total: int) -> float:
    return math.fsum(value * n for value, n in histogram) / total


def questionnaire_summary(
    *, questionnaire: Questionnaire, include_sensitive: bool, include_texts: bool
) -> tuple[int, list[QuestionSummary]]:
    """Submitted responses counted per question: bars for choices, scales, yes/no, time
    zones (by UTC offset) and countries; figures for numbers and dates; the latest texts
    only when ``include_texts`` (individual words are individual answers). Sensitive
    questions are left out unless ``include_sensitive``.

    Counted in the database (a row per question and distinct value) in a fixed number of
    queries, whatever the number of responses."""
    questions = ordered_questions(questionnaire=questionnaire)
    total = Response.objects.filter(questionnaire=questionnaire, status=ResponseStatus.SUBMITTED).count()
    histograms = _histograms(questionnaire)
    text_counts, texts = _texts(questionnaire, sample=include_texts)
    summaries = []
    for question in questions:
        histogram = histograms.get(question.pk, Counter())
        answered = text_counts.get(question.pk, 0) if question.type in TEXT_TYPES else sum(histogram.values())
        summary = QuestionSummary(question=question, answered=answered)
        if question.sensitive and not include_sensitive:
            summary.hidden = True
            summaries.append(summary)
            continue
        kind = question.type
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            summary.bars = _bars(_expanded(histogram), [(c.value, c.label) for c in question.all_choices], answered)
        elif kind == QuestionType.SCALE:
            counter = Counter()
            for value, n in histogram.items():
                counter[int(value)] += n
            labels = [(n, str(n)) for n in range(1, 6)]
            labels[0] = (1, f"1 {question.scale_min_label}".strip())
            labels[4] = (5, f"5 {question.scale_max_label}".strip())
            summary.bars = _bars(counter, labels, answered)
            if answered:
                summary.stats = {"mean": format_number(round(_mean(histogram.items(), answered), 2))}
        elif kind == QuestionType.YES_NO:
            counter = Counter()
            for value, n in histogram.items():
                counter[bool(value)] += n
            summary.bars = _bars(counter, [(True, _("Yes")), (False, _("No"))], answered)
        elif kind == QuestionType.NUMBER and answered:
            numbers = sorted((float(value), n) for value, n in histogram.items())
            summary.stats = {
                "min": format_number(numbers[0][0]),
                "median": format_number(_median(numbers, answered)),
                "mean": format_number(round(_mean(numbers, answered), 2)),
                "max": format_number(numbers[-1][0]),
            }
        elif kind == QuestionType.DATE and answered:
            summary.stats = {"min": min(histogram), "max": max(histogram)}
        elif kind == QuestionType.TIME_ZONE:
            counter = Counter()
            for value, n in histogram.items():
                counter[round(float(value), 2)] += n
            summary.bars = _bars(counter, [(o, format_offset(o)) for o in sorted(counter)], answered)
        elif kind == QuestionType.COUNTRY:
            # The most answered first; ties by code, so that the page is the same each time.
            top = sorted(histogram.items(), key=lambda item: (-item[1], str(item[0])))[:15]
            summary.bars = _bars(histogram, [(code, countries.name(code) or code) for code, _n in top], answered)
        elif include_texts:
            summary.texts = texts.get(question.pk, [])
        summaries.append(summary)
    return total, summaries


def response_answers(*, response: Response, include_sensitive: bool) -> list[dict]:
    """The response's answers in form order, retired questions included (their answers
    stay), each with the text of the question as it was answered."""
    answers = {a.question_id: a for a in response.answers.all()}
    rows = []
    for question in ordered_questions(questionnaire=response.questionnaire, include_retired=True):
        answer = answers.get(question.pk)
        if question.retired_at and answer is None:
            continue
        if question.sensitive and not include_sensitive:
            continue
        display = question.with_unit(answer.display) if answer else ""
        rows.append({"question": question, "answer": answer, "display": display})
    return rows
