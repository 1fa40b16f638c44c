import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value

from cohorts.enums import CohortPhase
from cohorts.models import Cohort, Pair, PairStatus
from meetings.selectors import contacts_held_subquery
from mentorship.enums import OrgRole
from mentorship.models import User
from mentorship.selectors import membership_exists
from questionnaires.enums import Kind, ResponseStatus
from questionnaires.models import Questionnaire, Response

from ..enums import GraduationFilter
from ..models import Graduation, GraduationSettings, Submission
from ..policies import Criteria, graduation_criteria, min_meetings_for


@dataclass(frozen=True)
class GraduationRule:
    """What the cohort asks, resolved once per page."""

    min_meetings: int
    final_survey: Questionnaire | None
    min_meetings_is_default: bool
    final_survey_is_default: bool
    project_required: bool = True
    survey_required: bool = True
    # Where the number of meetings comes from: "cohort", "program" or "default".
    min_meetings_source: str = "default"

    @property
    def survey_roles(self) -> tuple[str, ...]:
        """The roles that must answer the final survey (none when it is not required)."""
        if not self.survey_required or self.final_survey is None:
            return ()
        return self.final_survey.roles


def settings_of(*, cohort: Cohort) -> GraduationSettings | None:
    return GraduationSettings.objects.filter(cohort=cohort).select_related("final_survey").first()


def final_survey_candidates(*, cohort: Cohort) -> QuerySet[Questionnaire]:
    """The surveys a coordinator may choose as the final one: any of the cohort's
    questionnaires but the application forms and the first-meeting questions."""
    return cohort.questionnaires.exclude(kind__in=[Kind.APPLICATION, Kind.FIRST_MEETING]).order_by("created_at", "pk")


def graduation_rule(*, cohort: Cohort) -> GraduationRule:
    """The cohort's rule (two queries; the program's settings come with the cohort): see
    ``showcase.policies`` for the defaults."""
    settings = settings_of(cohort=cohort)
    program = cohort.program
    chosen = settings.final_survey if settings is not None else None
    if chosen is not None and chosen.cohort_id != cohort.pk:
        chosen = None
    survey = chosen
    if survey is None:
        survey = cohort.questionnaires.filter(kind=Kind.CHECK_IN).order_by("-created_at", "-pk").first()
    if settings is not None and settings.min_meetings is not None:
        source = "cohort"
    elif program.graduation_min_contacts is not None:
        source = "program"
    else:
        source = "default"
    return GraduationRule(
        min_meetings=min_meetings_for(cohort, settings),
        final_survey=survey,
        min_meetings_is_default=source != "cohort",
        final_survey_is_default=chosen is None,
        project_required=program.graduation_requires_project and program.uses_showcase,
        survey_required=program.graduation_requires_final_survey,
        min_meetings_source=source,
    )


def _answered(survey: Questionnaire | None, person: str) -> Exists | Value:
    if survey is None:
        return Value(False, output_field=BooleanField())
    return Exists(
        Response.objects.filter(questionnaire=survey, enrollment=OuterRef(person), status=ResponseStatus.SUBMITTED)
    )


def with_criteria(queryset: QuerySet[Pair], *, rule: GraduationRule) -> QuerySet[Pair]:
    """Each pair with what graduation looks at, annotated in the same query."""
    survey = rule.final_survey
    return queryset.annotate(
        meetings_held=contacts_held_subquery(),
        project_submitted=Exists(Submission.objects.filter(project__enrollment=OuterRef("mentee"))),
        mentee_answered=_answered(survey, "mentee"),
        mentor_answered=_answered(survey, "mentor"),
    )


def criteria_of(pair: Pair, *, rule: GraduationRule) -> Criteria:
    return graduation_criteria(
        meetings_held=pair.meetings_held,
        meetings_required=rule.min_meetings,
        project_submitted=bool(pair.project_submitted),
        survey_roles=rule.survey_roles,
        mentee_answered=bool(pair.mentee_answered),
        mentor_answered=bool(pair.mentor_answered),
        project_required=rule.project_required,
    )


def eligible_filter(*, rule: GraduationRule) -> Q:
    condition = Q(meetings_held__gte=rule.min_meetings)
    if rule.project_required:
        condition &= Q(project_submitted=True)
    if "mentee" in rule.survey_roles:
        condition &= Q(mentee_answered=True)
    if "mentor" in rule.survey_roles:
        condition &= Q(mentor_answered=True)
    return condition


def default_graduation_filter(*, cohort: Cohort) -> str:
    """What the graduation page shows first: the pairs still to graduate while there are
    any, else the graduated ones (a closed cohort), else every pair. One query."""
    statuses = set(Pair.objects.filter(cohort=cohort).values_list("status", flat=True).distinct())
    if PairStatus.ACTIVE in statuses:
        return GraduationFilter.TO_GRADUATE
    if PairStatus.GRADUATED in statuses:
        return GraduationFilter.GRADUATED
    return GraduationFilter.ALL


def graduation_pairs(
    *, cohort: Cohort, rule: GraduationRule, show: str = GraduationFilter.TO_GRADUATE
) -> QuerySet[Pair]:
    """The cohort's pairs for the graduation page, with their criteria, in one query."""
    pairs = Pair.objects.filter(cohort=cohort)
    if show == GraduationFilter.GRADUATED:
        pairs = pairs.filter(status=PairStatus.GRADUATED)
    elif show != GraduationFilter.ALL:
        pairs = pairs.filter(status=PairStatus.ACTIVE)
    pairs = with_criteria(pairs.select_related("mentor__user", "mentee__user", "graduation"), rule=rule)
    if show == GraduationFilter.ELIGIBLE:
        pairs = pairs.filter(eligible_filter(rule=rule))
    return pairs.order_by("mentee__user__full_name", "mentee__user__email", "pk")


def graduations_visible_to(*, user: User) -> QuerySet[Graduation]:
    """Graduations of the pairs the user is one of, and of the cohorts they coordinate."""
    if not user.is_authenticated:
        return Graduation.objects.none()
    coordinated = membership_exists(
        user=user, organization="pair__cohort__program__organization", role=OrgRole.COORDINATOR
    )
    return Graduation.objects.filter(
        Q(pair__mentor__user=user) | Q(pair__mentee__user=user) | coordinated
    ).select_related("pair__mentor__user", "pair__mentee__user", "pair__cohort__program__organization", "graduated_by")


def completed_enrollment_ids(cohort: Cohort, today: datetime.date) -> set[int]:
    """Who completed the program under its rule (the post-program surveys go to them): both
    people of each graduated pair and, once the cohort has ended (closed, or past its end
    date), of each pair still active that meets the rule. Two queries."""
    ids: set[int] = set()
    for mentor_id, mentee_id in Pair.objects.filter(cohort=cohort, status=PairStatus.GRADUATED).values_list(
        "mentor_id", "mentee_id"
    ):
        ids.update((mentor_id, mentee_id))
    ended = cohort.phase == CohortPhase.CLOSED or (cohort.ends_on is not None and cohort.ends_on <= today)
    if ended:
        rule = graduation_rule(cohort=cohort)
        active = with_criteria(Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE), rule=rule)
        for mentor_id, mentee_id in active.filter(eligible_filter(rule=rule)).values_list("mentor_id", "mentee_id"):
            ids.update((mentor_id, mentee_id))
    return ids
