"""The outcomes report: what a cohort (or every cohort of a program) achieved, from
enrollment to the check-ins after the end.

Every figure is computed from a fixed number of queries whatever the cohorts' sizes, counted
in the database (a row per cohort, role, status or distinct answer); the meetings' cadence is
judged in the database too, from the gaps between each pair's meetings held (``LAG``). The funnel is the cohorts app's
(``cohort_funnels``: two queries for all the cohorts).

Matching scores come from the matching app (``matching.selectors.proposal_scores``).
"""

import datetime
import statistics
from collections import Counter, defaultdict
from typing import TypeVar

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Lead, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from cohorts.enums import Audience, EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment, Pair, PairStatus, TrainingModule
from cohorts.selectors import FUNNEL_STAGES, cohort_funnels, trained_q
from matching.enums import ProposalStatus
from matching.selectors import proposal_scores
from meetings.enums import MeetingStatus
from meetings.health import GRACE_DAYS, NO_CONTACT_DAYS
from meetings.models import Meeting
from mentorship.zones import site_today
from questionnaires.enums import ResponseStatus
from questionnaires.models import Answer, Question

from ..enums import TermChoice
from ..models import Project, ProjectUpdate, Submission, TermChoiceRecord, TermDecision
from ..policies import term_ends_on, utc_date
from .checkins import MONTHS, CheckIn, checkins_by_cohort
from .figures import (
    SUMMARISED_TYPES,
    Aggregate,
    CohortOutcomes,
    GraduationFigures,
    MatchingFigures,
    MeetingFigures,
    Outcomes,
    ProjectFigures,
    RoleTraining,
    StatusScores,
    SurveyFigures,
    SurveyQuestion,
)
from .terms import with_continuation

T = TypeVar("T")

# --- Queries --------------------------------------------------------------------------------


def _required_counts(cohort_ids: list[int]) -> dict[int, dict[str, int]]:
    """``cohorts.selectors.required_module_counts`` for many cohorts in one query."""
    counts = {pk: dict.fromkeys((ParticipantRole.MENTOR, ParticipantRole.MENTEE), 0) for pk in cohort_ids}
    for cohort_id, audience in TrainingModule.objects.filter(cohort__in=cohort_ids, required=True).values_list(
        "cohort_id", "audience"
    ):
        for role in (ParticipantRole.MENTOR, ParticipantRole.MENTEE):
            if audience in (Audience.BOTH, role):
                counts[cohort_id][role] += 1
    return counts


def _training(cohort_ids: list[int], required: dict[int, dict[str, int]]) -> dict[int, dict[str, RoleTraining]]:
    result = {
        pk: {
            role: RoleTraining(required=required[pk][role]) for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR)
        }
        for pk in cohort_ids
    }
    # A row per cohort and role, counted in the database; those with a required module
    # left are found in one pass (hashed) rather than checked once per enrollment.
    untrained = Enrollment.objects.filter(cohort__in=cohort_ids).filter(~trained_q()).order_by().values("pk")
    rows = (
        Enrollment.objects.filter(cohort__in=cohort_ids, status=EnrollmentStatus.ACCEPTED)
        .order_by()
        .values_list("cohort_id", "role")
        .annotate(accepted=Count("pk"), trained=Count("pk", filter=~Q(pk__in=untrained)))
    )
    for cohort_id, role, accepted, trained in rows:
        figures = result[cohort_id][role]
        figures.accepted += accepted
        figures.trained += trained
    return result


def _matching(cohort_ids: list[int]) -> dict[int, MatchingFigures]:
    by_cohort: dict[int, dict[str, list[float]]] = {pk: defaultdict(list) for pk in cohort_ids}
    published: dict[int, list[float]] = {pk: [] for pk in cohort_ids}
    for cohort_id, status, score, is_published in proposal_scores(cohort_ids=cohort_ids):
        by_cohort[cohort_id][status].append(float(score) if score is not None else None)
        if is_published:
            published[cohort_id].append(float(score) if score is not None else None)
    result = {}
    for cohort_id, statuses in by_cohort.items():
        figures = MatchingFigures(statuses=[])
        figures.published = len(published[cohort_id])
        figures.published_scores = [s for s in published[cohort_id] if s is not None]
        for status in sorted(statuses):
            scores = [s for s in statuses[status] if s is not None]
            figures.statuses.append(
                StatusScores(
                    status=status,
                    label=str(ProposalStatus(status).label),
                    count=len(statuses[status]),
                    mean=round(statistics.fmean(scores), 3) if scores else None,
                )
            )
            figures.scores.extend(scores)
        result[cohort_id] = figures
    return result


class DayNumber(Func):
    """A date as a number of days (since 1970-01-01), so that gaps between days are plain
    integers on every database (SQLite has no date arithmetic of its own)."""

    output_field = IntegerField()
    template = "(%(expressions)s - DATE '1970-01-01')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra_context
        )


def _utc_day(name: str) -> DayNumber:
    return DayNumber(TruncDate(name, tzinfo=datetime.UTC))


def _until(today: datetime.date) -> Greatest:
    """The last day a pair's cadence is judged on: the day it graduated (or ended, or today
    when neither is recorded), the day it ended, or ``today``; never before it was matched."""
    now_day = utc_date(timezone.now())
    until = Case(
        When(
            status=PairStatus.GRADUATED,
            then=Coalesce(
                TruncDate("graduation__graduated_at", tzinfo=datetime.UTC),
                TruncDate("ended_at", tzinfo=datetime.UTC),
                Value(now_day),
            ),
        ),
        When(status=PairStatus.ENDED, ended_at__isnull=False, then=TruncDate("ended_at", tzinfo=datetime.UTC)),
        default=Value(today),
        output_field=DateField(),
    )
    return Greatest(DayNumber(until), _utc_day("matched_at"), output_field=IntegerField())


def _with_cadence_kept(pairs: QuerySet[Pair], today: datetime.date) -> QuerySet[Pair]:
    """Annotate ``held_count`` (meetings held) and ``cadence_kept``: ``policies.cadence_kept``
    in the database, three lookups of a pair's meetings whatever their number. The gap after
    each meeting held in the period, to the next one (``LEAD``) or to the period's end, must
    not exceed the cadence plus the grace days; the first meeting must come within
    ``NO_CONTACT_DAYS`` of the match (a pair that never met did not keep it)."""
    held = Meeting.objects.correlated().filter(pair=OuterRef("pk"), status=MeetingStatus.HELD).order_by()
    in_period = held.annotate(day=_utc_day("starts_at")).filter(
        day__gte=OuterRef("matched_on"), day__lte=OuterRef("until")
    )
    long_gap = (
        in_period.annotate(
            following=Coalesce(
                Window(Lead("day"), order_by=F("day").asc()), OuterRef("until"), output_field=IntegerField()
            )
        )
        .annotate(gap=F("following") - F("day"))
        .filter(gap__gt=OuterRef("allowed"))
    )
    first_day = Subquery(in_period.values("pair").annotate(d=Min("day")).values("d"))
    return pairs.annotate(
        matched_on=_utc_day("matched_at"),
        until=_until(today),
        allowed=Coalesce("meeting_settings__cadence_days", "cohort__meeting_cadence_days", output_field=IntegerField())
        + GRACE_DAYS,
    ).annotate(
        held_count=Coalesce(
            Subquery(held.values("pair").annotate(n=Count("pk")).values("n")), 0, output_field=IntegerField()
        ),
        # A pair that never met (no first day: the comparison is NULL) did not keep it.
        cadence_kept=Coalesce(
            ExpressionWrapper(
                Q(LessThanOrEqual(first_day - F("matched_on"), NO_CONTACT_DAYS)) & ~Q(Exists(long_gap)),
                output_field=BooleanField(),
            ),
            Value(False),
        ),
    )


def _pairs(
    cohort_ids: list[int], today: datetime.date
) -> tuple[dict[int, MeetingFigures], dict[int, GraduationFigures]]:
    """Two queries: a row per cohort, status and number of meetings held, counted in the
    database; then the pairs that ended, one by one, to tell an early end from one at the end
    of the term (which needs calendar months)."""
    meetings = {pk: MeetingFigures() for pk in cohort_ids}
    graduation = {pk: GraduationFigures() for pk in cohort_ids}
    rows = (
        _with_cadence_kept(Pair.objects.filter(cohort__in=cohort_ids), today)
        .order_by()
        .values_list("cohort_id", "status", "held_count")
        .annotate(
            pairs=Count("pk"),
            kept=Count("pk", filter=Q(cadence_kept=True)),
            overridden=Count("pk", filter=Q(graduation__override_reason__gt="")),
        )
    )
    for cohort_id, status, held_count, pairs, kept, overridden in rows:
        figures = meetings[cohort_id]
        figures.pairs += pairs
        figures.kept += kept
        figures.held[held_count] += pairs
        grad = graduation[cohort_id]
        grad.pairs += pairs
        if status == PairStatus.GRADUATED:
            grad.graduated += pairs
            grad.overridden += overridden
        elif status == PairStatus.ACTIVE:
            grad.active += pairs
    ended = with_continuation(
        Pair.objects.filter(cohort__in=cohort_ids).exclude(status__in=[PairStatus.GRADUATED, PairStatus.ACTIVE])
    ).values_list("cohort_id", "matched_at", "ended_at", "continued_to", "cohort__term_months")
    for cohort_id, matched_at, ended_at, continued_to, term_months in ended:
        ends_on = term_ends_on(matched_at=matched_at, term_months=term_months, continued_to=continued_to)
        if ended_at is not None and utc_date(ended_at) < ends_on:
            graduation[cohort_id].ended_early += 1
        else:
            graduation[cohort_id].ended_at_term += 1
    return meetings, graduation


def _terms(cohort_ids: list[int], graduation: dict[int, GraduationFigures]) -> None:
    for cohort_id, decision, count in (
        TermDecision.objects.filter(pair__cohort__in=cohort_ids)
        .values("pair__cohort_id", "decision")
        .annotate(n=Count("pk"))
        .values_list("pair__cohort_id", "decision", "n")
    ):
        if decision == TermChoice.REMATCH:
            graduation[cohort_id].rematched += count
        elif decision == TermChoice.CONTINUE:
            graduation[cohort_id].continued += count
    for cohort_id, count in (
        TermChoiceRecord.objects.filter(pair__cohort__in=cohort_ids, choice=TermChoice.REMATCH)
        .values("pair__cohort_id")
        .annotate(n=Count("user", distinct=True))
        .values_list("pair__cohort_id", "n")
    ):
        graduation[cohort_id].rematch_requests += count


def _people(cohort_ids: list[int], graduation: dict[int, GraduationFigures]) -> None:
    for cohort_id, status, count in (
        Enrollment.objects.filter(
            cohort__in=cohort_ids, status__in=[EnrollmentStatus.ACCEPTED, EnrollmentStatus.WITHDRAWN]
        )
        .values("cohort_id", "status")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "status", "n")
    ):
        if status == EnrollmentStatus.ACCEPTED:
            graduation[cohort_id].accepted += count
        else:
            graduation[cohort_id].withdrawn += count


def _projects(cohort_ids: list[int]) -> dict[int, ProjectFigures]:
    result = {pk: ProjectFigures() for pk in cohort_ids}
    # A row per cohort, counted in the database.
    rows = (
        Enrollment.objects.filter(cohort__in=cohort_ids, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED)
        .filter(Exists(Pair.objects.correlated().filter(mentee=OuterRef("pk"))))
        .order_by()
        .values_list("cohort_id")
        .annotate(
            mentees=Count("pk"),
            created=Count("pk", filter=Q(Exists(Project.objects.correlated().filter(enrollment=OuterRef("pk"))))),
            updated=Count(
                "pk", filter=Q(Exists(ProjectUpdate.objects.correlated().filter(project__enrollment=OuterRef("pk"))))
            ),
            submitted=Count(
                "pk", filter=Q(Exists(Submission.objects.correlated().filter(project__enrollment=OuterRef("pk"))))
            ),
            in_programme=Count(
                "pk",
                filter=Q(
                    Exists(
                        Submission.objects.correlated().filter(
                            project__enrollment=OuterRef("pk"), position__isnull=False
                        )
                    )
                ),
            ),
        )
    )
    for cohort_id, mentees, created, updated, submitted, in_programme in rows:
        figures = result[cohort_id]
        figures.mentees += mentees
        figures.created += created
        figures.updated += updated
        figures.submitted += submitted
        figures.in_programme += in_programme
    return result


def _survey_questions(checkins: dict[int, dict[int, CheckIn]], cohort_ids: list[int]) -> dict[object, list]:
    """Questions of the check-ins, summarised per cohort and for all of them together
    (key ``None``). Sensitive questions and written answers are left out: the report is
    read by viewers, who see no individual answers. Three queries."""
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
    summaries: dict[object, dict[str, SurveyQuestion]] = defaultdict(dict)

    def summary_for(scope: int | None, question: Question) -> SurveyQuestion:
        found = summaries[scope].get(question.key)
        if found is None:
            found = summaries[scope][question.key] = SurveyQuestion(
                key=question.key,
                text=question.text,
                type=question.type,
                choices=[(c.value, c.label) for c in question.choices.all()],
            )
        return found

    # Each question appears in the order of the first check-in that asks it.
    ordered = sorted(questions, key=lambda q: (months_of[q.questionnaire_id], q.position, q.pk))
    for question in ordered:
        for scope in (question.questionnaire.cohort_id, None):
            summary_for(scope, question)
    # A row per question and distinct value, counted in the database.
    answers = (
        Answer.objects.filter(question_id__in=list(by_id), response__status=ResponseStatus.SUBMITTED)
        .order_by()
        .values_list("question_id", "value")
        .annotate(n=Count("pk"))
    )
    for question_id, value, n in answers:
        question = by_id[question_id]
        months = months_of[question.questionnaire_id]
        for scope in (question.questionnaire.cohort_id, None):
            summary = summaries[scope][question.key]
            summary.by_months.setdefault(months, Aggregate()).add(question.type, value, times=n)
    return {scope: list(items.values()) for scope, items in summaries.items()}


def _sum_checkins(per_cohort: list[dict[int, CheckIn]]) -> dict[int, CheckIn]:
    total = {m: CheckIn(months=m, questionnaire=None) for m in MONTHS}
    for by_months in per_cohort:
        for months, checkin in by_months.items():
            total[months].delivered += checkin.delivered
            total[months].submitted += checkin.submitted
    return total


def _sum(items: list, cls: type[T]) -> T:
    total = cls()
    for item in items:
        for name in total.__dataclass_fields__:
            value = getattr(item, name)
            if isinstance(value, int):
                setattr(total, name, getattr(total, name) + value)
            elif isinstance(value, Counter):
                getattr(total, name).update(value)
    return total


def outcomes(*, cohorts: list[Cohort], today: datetime.date | None = None) -> Outcomes:
    """Every figure of the report, per cohort and for the cohorts together."""
    today = today or site_today()
    cohort_ids = [c.pk for c in cohorts]
    required = _required_counts(cohort_ids)
    funnels = cohort_funnels(cohorts=cohorts)
    training = _training(cohort_ids, required)
    matching = _matching(cohort_ids)
    meetings, graduation = _pairs(cohort_ids, today)
    _terms(cohort_ids, graduation)
    _people(cohort_ids, graduation)
    projects = _projects(cohort_ids)
    checkins = checkins_by_cohort(cohorts=cohorts)
    questions = _survey_questions(checkins, cohort_ids)

    for cohort_id, figures in matching.items():
        # The matching figures start from the pairs made, whether or not a proposal of this
        # application led to them (a cohort brought in with its pairs has none).
        figures.pairs = graduation[cohort_id].pairs
        figures.people = funnels[cohort_id]["matched"]

    per_cohort = [
        CohortOutcomes(
            cohort=cohort,
            funnel=funnels[cohort.pk],
            training=training[cohort.pk],
            matching=matching[cohort.pk],
            meetings=meetings[cohort.pk],
            projects=projects[cohort.pk],
            graduation=graduation[cohort.pk],
            surveys=SurveyFigures(checkins=checkins[cohort.pk], questions=questions.get(cohort.pk, [])),
        )
        for cohort in cohorts
    ]
    total_training = {
        role: _sum([o.training[role] for o in per_cohort], RoleTraining)
        for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR)
    }
    statuses: dict[str, list] = defaultdict(list)
    scores: list[float] = []
    for figures in matching.values():
        scores.extend(figures.scores)
        for status in figures.statuses:
            statuses[status.status].append(status)
    total_matching = MatchingFigures(
        pairs=sum(f.pairs for f in matching.values()),
        people=sum(f.people for f in matching.values()),
        published=sum(f.published for f in matching.values()),
        published_scores=[s for f in matching.values() for s in f.published_scores],
        statuses=[
            StatusScores(
                status=key,
                label=items[0].label,
                count=sum(s.count for s in items),
                mean=_weighted_mean(items),
            )
            for key, items in sorted(statuses.items())
        ],
        scores=scores,
    )
    total = CohortOutcomes(
        cohort=None,
        funnel={stage: sum(f[stage] for f in funnels.values()) for stage in FUNNEL_STAGES},
        training=total_training,
        matching=total_matching,
        meetings=_sum([o.meetings for o in per_cohort], MeetingFigures),
        projects=_sum([o.projects for o in per_cohort], ProjectFigures),
        graduation=_sum([o.graduation for o in per_cohort], GraduationFigures),
        surveys=SurveyFigures(
            checkins=_sum_checkins([checkins[pk] for pk in cohort_ids]), questions=questions.get(None, [])
        ),
    )
    return Outcomes(per_cohort=per_cohort, total=total, as_of=today)


def _weighted_mean(items: list[StatusScores]) -> float | None:
    weighted = [(s.mean, s.count) for s in items if s.mean is not None]
    count = sum(n for _, n in weighted)
    return round(sum(m * n for m, n in weighted) / count, 3) if count else None
