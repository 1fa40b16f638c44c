"""The outcomes report counts in the database (training, projects, check-in answers and the
funnel: a row per cohort, role or distinct answer); the former counts in Python over every
row are kept here as oracles, and the whole report must be the same either way."""

import datetime
from collections import defaultdict

import pytest
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import Enrollment, Pair, PairStatus, TrainingCompletion, TrainingModule
from cohorts.selectors import with_training_progress
from meetings.enums import MeetingStatus
from meetings.health import GRACE_DAYS, NO_CONTACT_DAYS
from meetings.models import Meeting, PairSettings
from questionnaires.enums import Audience, Kind, QuestionType, ResponseStatus
from questionnaires.models import Answer, Question
from showcase.models import Project, ProjectUpdate, Submission
from showcase.policies import cadence_kept, term_ends_on, utc_date
from showcase.selectors import outcomes as outcomes_module
from showcase.selectors.figures import (
    SUMMARISED_TYPES,
    Aggregate,
    GraduationFigures,
    MeetingFigures,
    ProjectFigures,
    RoleTraining,
    SurveyQuestion,
)
from showcase.selectors.terms import with_continuation
from tests.cohorts.test_funnel_aggregates import _funnels_in_python
from tests.factories import (
    AnswerFactory,
    ChoiceFactory,
    CohortFactory,
    DeliveryFactory,
    EnrollmentFactory,
    GraduationFactory,
    MeetingFactory,
    PairFactory,
    ProgramFactory,
    ProjectFactory,
    ProjectUpdateFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SendRuleFactory,
    ShowcaseFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


# --- The former counts, in Python ---------------------------------------------------------------


def _training_in_python(cohort_ids, required):
    result = {
        pk: {
            role: RoleTraining(required=required[pk][role]) for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR)
        }
        for pk in cohort_ids
    }
    rows = with_training_progress(
        Enrollment.objects.filter(cohort__in=cohort_ids, status=EnrollmentStatus.ACCEPTED)
    ).values_list("cohort_id", "role", "required_done")
    for cohort_id, role, done in rows:
        figures = result[cohort_id][role]
        figures.accepted += 1
        if done >= figures.required:
            figures.trained += 1
    return result


def _projects_in_python(cohort_ids):
    from django.db.models import Exists, OuterRef

    result = {pk: ProjectFigures() for pk in cohort_ids}
    rows = (
        Enrollment.objects.filter(cohort__in=cohort_ids, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED)
        .filter(Exists(Pair.objects.filter(mentee=OuterRef("pk"))))
        .annotate(
            has_project=Exists(Project.objects.filter(enrollment=OuterRef("pk"))),
            has_update=Exists(ProjectUpdate.objects.filter(project__enrollment=OuterRef("pk"))),
            submitted=Exists(Submission.objects.filter(project__enrollment=OuterRef("pk"))),
            in_programme=Exists(Submission.objects.filter(project__enrollment=OuterRef("pk"), position__isnull=False)),
        )
        .values_list("cohort_id", "has_project", "has_update", "submitted", "in_programme")
    )
    for cohort_id, has_project, has_update, submitted, in_programme in rows:
        figures = result[cohort_id]
        figures.mentees += 1
        figures.created += bool(has_project)
        figures.updated += bool(has_update)
        figures.submitted += bool(submitted)
        figures.in_programme += bool(in_programme)
    return result


def _survey_questions_in_python(checkins, cohort_ids):
    months_of = {
        checkin.questionnaire.pk: months
        for by_months in checkins.values()
        for months, checkin in by_months.items()
        if checkin.questionnaire is not None
    }
    if not months_of:
        return {}
    questions = list(
        Question.objects.filter(questionnaire__in=list(months_of), sensitive=False, type__in=list(SUMMARISED_TYPES))
        .select_related("questionnaire")
        .prefetch_related("choices")
        .order_by("position", "pk")
    )
    by_id = {q.pk: q for q in questions}
    summaries = defaultdict(dict)

    def summary_for(scope, question):
        found = summaries[scope].get(question.key)
        if found is None:
            found = summaries[scope][question.key] = SurveyQuestion(
                key=question.key,
                text=question.text,
                type=question.type,
                choices=[(c.value, c.label) for c in question.choices.all()],
            )
        return found

    ordered = sorted(questions, key=lambda q: (months_of[q.questionnaire_id], q.position, q.pk))
    for question in ordered:
        for scope in (question.questionnaire.cohort_id, None):
            summary_for(scope, question)
    answers = Answer.objects.filter(question_id__in=list(by_id), response__status=ResponseStatus.SUBMITTED).values_list(
        "question_id", "value"
    )
    for question_id, value in answers:
        question = by_id[question_id]
        months = months_of[question.questionnaire_id]
        for scope in (question.questionnaire.cohort_id, None):
            summary = summaries[scope][question.key]
            summary.by_months.setdefault(months, Aggregate()).add(question.type, value)
    return {scope: list(items.values()) for scope, items in summaries.items()}


def _pairs_in_python(cohort_ids, today):
    pairs = list(
        with_continuation(Pair.objects.filter(cohort__in=cohort_ids))
        .annotate(cadence=Coalesce("meeting_settings__cadence_days", "cohort__meeting_cadence_days"))
        .values(
            "pk",
            "cohort_id",
            "status",
            "matched_at",
            "ended_at",
            "continued_to",
            "cadence",
            "cohort__term_months",
            "graduation__graduated_at",
            "graduation__override_reason",
        )
    )
    held = defaultdict(list)
    for pair_id, starts_at in Meeting.objects.filter(
        pair__cohort__in=cohort_ids, status=MeetingStatus.HELD
    ).values_list("pair_id", "starts_at"):
        held[pair_id].append(utc_date(starts_at))
    meetings = {pk: MeetingFigures() for pk in cohort_ids}
    graduation = {pk: GraduationFigures() for pk in cohort_ids}
    for row in pairs:
        cohort_id = row["cohort_id"]
        matched_on = utc_date(row["matched_at"])
        if row["status"] == PairStatus.GRADUATED:
            until = utc_date(row["graduation__graduated_at"] or row["ended_at"] or timezone.now())
        elif row["status"] == PairStatus.ENDED and row["ended_at"] is not None:
            until = utc_date(row["ended_at"])
        else:
            until = today
        figures = meetings[cohort_id]
        figures.pairs += 1
        figures.held[len(held.get(row["pk"], []))] += 1
        if cadence_kept(
            matched_on=matched_on,
            held_on=held.get(row["pk"], []),
            cadence_days=row["cadence"],
            until=max(until, matched_on),
            first_meeting_days=NO_CONTACT_DAYS,
            grace_days=GRACE_DAYS,
        ):
            figures.kept += 1
        grad = graduation[cohort_id]
        grad.pairs += 1
        if row["status"] == PairStatus.GRADUATED:
            grad.graduated += 1
            if row["graduation__override_reason"]:
                grad.overridden += 1
        elif row["status"] == PairStatus.ACTIVE:
            grad.active += 1
        else:
            ends_on = term_ends_on(
                matched_at=row["matched_at"],
                term_months=row["cohort__term_months"],
                continued_to=row["continued_to"],
            )
            if row["ended_at"] is not None and utc_date(row["ended_at"]) < ends_on:
                grad.ended_early += 1
            else:
                grad.ended_at_term += 1
    return meetings, graduation


# --- Varied cohorts ------------------------------------------------------------------------------


def _held(pair, days):
    for day in days:
        MeetingFactory(pair=pair, status="held", starts_at=pair.matched_at + datetime.timedelta(days=day))


def _with_pairs_and_training(cohort):
    for_mentees = TrainingModule.objects.create(cohort=cohort, title="Welcome", audience="mentee")
    for_both = TrainingModule.objects.create(cohort=cohort, title="Rules", audience="both")
    TrainingModule.objects.create(cohort=cohort, title="Extra", audience="both", required=False)
    matched = NOW - datetime.timedelta(days=100)
    pairs = [PairFactory(cohort=cohort, matched_at=matched) for _ in range(4)]
    pairs.append(PairFactory(cohort=cohort, matched_at=matched, status=PairStatus.GRADUATED))
    GraduationFactory(pair=pairs[-1], graduated_at=matched + datetime.timedelta(days=80))
    pairs.append(
        PairFactory(
            cohort=cohort, matched_at=matched, status=PairStatus.ENDED, ended_at=matched + datetime.timedelta(days=20)
        )
    )
    _held(pairs[0], [5, 19, 33])
    _held(pairs[4], [5, 19, 33, 47, 61, 75])
    for pair in pairs[:3]:
        TrainingCompletion.objects.create(module=for_both, enrollment=pair.mentee)
        TrainingCompletion.objects.create(module=for_both, enrollment=pair.mentor)
    TrainingCompletion.objects.create(module=for_mentees, enrollment=pairs[0].mentee)
    TrainingCompletion.objects.create(module=for_mentees, enrollment=pairs[5].mentee)
    showcase = ShowcaseFactory(cohort=cohort)
    with_update = ProjectFactory(enrollment=pairs[0].mentee)
    ProjectUpdateFactory(project=with_update)
    SubmissionFactory(showcase=showcase, project=with_update, position=1)
    SubmissionFactory(showcase=showcase, project=ProjectFactory(enrollment=pairs[1].mentee))
    ProjectFactory(enrollment=pairs[2].mentee)
    EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    return pairs


def _with_checkins(cohort, pairs):
    people = [p.mentee for p in pairs] + [p.mentor for p in pairs]
    for months, scores in ((6, [4, 5, 2, 5]), (12, [3, 3])):
        survey = QuestionnaireFactory(cohort=cohort, kind=Kind.POST_PROGRAM, audience=Audience.BOTH)
        SendRuleFactory(questionnaire=survey, anchor="ends_on", offset=months, unit="months")
        scale = QuestionFactory(questionnaire=survey, key="goals", type=QuestionType.SCALE, text="Goals?")
        yes_no = QuestionFactory(questionnaire=survey, key="touch", type=QuestionType.YES_NO, text="Touch?")
        many = QuestionFactory(questionnaire=survey, key="tracks", type=QuestionType.MULTIPLE_CHOICE, text="Tracks?")
        number = QuestionFactory(questionnaire=survey, key="hours", type=QuestionType.NUMBER, text="Hours?")
        for value in ("backend", "data", "design"):
            ChoiceFactory(question=many, value=value, label=value.title())
        QuestionFactory(questionnaire=survey, key="gender", type=QuestionType.SINGLE_CHOICE, sensitive=True)
        for person in people:
            DeliveryFactory(questionnaire=survey, enrollment=person)
        for index, score in enumerate(scores):
            response = ResponseFactory(questionnaire=survey, enrollment=people[index])
            AnswerFactory(response=response, question=scale, value=score)
            AnswerFactory(response=response, question=yes_no, value=index % 2 == 0)
            AnswerFactory(response=response, question=many, value=[["backend"], ["data", "backend"]][index % 2])
            AnswerFactory(response=response, question=number, value=[1.5, 2, 2, 10][index % 4])
        draft = ResponseFactory(questionnaire=survey, enrollment=people[-1], status=ResponseStatus.DRAFT)
        AnswerFactory(response=draft, question=scale, value=1)


def test_the_report_counted_in_the_database_equals_the_counts_in_python(organization, monkeypatch):
    program = ProgramFactory(organization=organization)
    busy, quiet, empty = CohortFactory(program=program), CohortFactory(program=program), CohortFactory(program=program)
    busy.ends_on = quiet.ends_on = datetime.date(2025, 8, 31)
    busy.save()
    quiet.save()
    _with_checkins(busy, _with_pairs_and_training(busy))
    _with_checkins(quiet, [PairFactory(cohort=quiet, status=PairStatus.GRADUATED) for _ in range(3)])
    cohorts = [busy, quiet, empty]

    counted = outcomes_module.outcomes(cohorts=cohorts, today=NOW.date())
    monkeypatch.setattr(outcomes_module, "_training", _training_in_python)
    monkeypatch.setattr(outcomes_module, "_projects", _projects_in_python)
    monkeypatch.setattr(outcomes_module, "_survey_questions", _survey_questions_in_python)
    monkeypatch.setattr(outcomes_module, "cohort_funnels", lambda *, cohorts: _funnels_in_python(cohorts))
    monkeypatch.setattr(outcomes_module, "_pairs", _pairs_in_python)
    in_python = outcomes_module.outcomes(cohorts=cohorts, today=NOW.date())

    assert counted.per_cohort == in_python.per_cohort
    assert counted.total == in_python.total
    assert counted.per_cohort[0].training["mentee"].trained == 1
    assert counted.per_cohort[0].projects.created == 3
    assert [q.key for q in counted.total.surveys.questions] == ["goals", "touch", "tracks", "hours"]


def _cadence_cases(cohort):
    """One pair for each way of keeping or losing the cadence (cadence 14 days, grace 7)."""
    matched = NOW - datetime.timedelta(days=60)
    cases = {
        "never met, young": ([], NOW - datetime.timedelta(days=10), PairStatus.ACTIVE),
        "never met, too long": ([], matched, PairStatus.ACTIVE),
        "first meeting late": ([15, 30, 45, 58], matched, PairStatus.ACTIVE),
        "first meeting on the last allowed day": ([14, 35, 56], matched, PairStatus.ACTIVE),
        "one gap too long": ([3, 10, 32, 50], matched, PairStatus.ACTIVE),
        "gap exactly allowed": ([3, 24, 45], matched, PairStatus.ACTIVE),
        "silent since the last": ([3, 17, 31], matched, PairStatus.ACTIVE),
        "same day twice": ([3, 3, 20, 40, 55], matched, PairStatus.ACTIVE),
        "met after it ended": ([3, 40], matched, PairStatus.ENDED),
        "meeting before the match": ([-5, 4, 20, 40], matched, PairStatus.ACTIVE),
    }
    for days, matched_at, status in cases.values():
        ended_at = matched_at + datetime.timedelta(days=20) if status == PairStatus.ENDED else None
        pair = PairFactory(cohort=cohort, matched_at=matched_at, status=status, ended_at=ended_at)
        _held(pair, days)
        MeetingFactory(pair=pair, status="cancelled", starts_at=matched_at + datetime.timedelta(days=1))
    own_cadence = PairFactory(cohort=cohort, matched_at=matched)
    PairSettings.objects.create(pair=own_cadence, cadence_days=28)
    _held(own_cadence, [3, 30, 55])
    graduated = PairFactory(cohort=cohort, matched_at=matched, status=PairStatus.GRADUATED)
    GraduationFactory(pair=graduated, graduated_at=matched + datetime.timedelta(days=30), override_reason="Moved")
    _held(graduated, [5, 25])
    return len(cases) + 2


@pytest.mark.parametrize("cadence_days", [14, 7])
def test_cadence_kept_counted_in_the_database_equals_the_rule_in_python(organization, cadence_days):
    cohort = CohortFactory(program=ProgramFactory(organization=organization), meeting_cadence_days=cadence_days)
    count = _cadence_cases(cohort)

    meetings, graduation = outcomes_module._pairs([cohort.pk], NOW.date())
    oracle_meetings, oracle_graduation = _pairs_in_python([cohort.pk], NOW.date())

    assert meetings == oracle_meetings
    assert graduation == oracle_graduation
    assert meetings[cohort.pk].pairs == count
    assert 0 < meetings[cohort.pk].kept < count
