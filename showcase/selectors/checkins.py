"""Post-program check-ins: the questionnaires of kind ``post_program`` that go to
graduates 6, 12 and 18 months after the cohort's end (sent and reminded by the
questionnaires app), followed here per cohort."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES
from cohorts.models import Cohort, Enrollment, Pair, PairStatus
from questionnaires.enums import DateAnchor, Direction, Kind, OffsetUnit, ResponseStatus, SendTrigger
from questionnaires.models import Delivery, Questionnaire, Response, SendRule
from questionnaires.scheduling import rule_send_date

from ..enums import CheckInMonth

MONTHS = [m.value for m in CheckInMonth]


def end_rule(questionnaire: Questionnaire) -> SendRule | None:
    """The send rule (prefetched) that counts months after the cohort's end, or None."""
    for rule in questionnaire.send_rules.all():
        if (
            rule.trigger == SendTrigger.DATE
            and rule.anchor == DateAnchor.END
            and rule.unit == OffsetUnit.MONTHS
            and rule.direction == Direction.AFTER
        ):
            return rule
    return None


@dataclass
class CheckIn:
    months: int
    questionnaire: Questionnaire | None
    send_on: datetime.date | None = None
    delivered: int = 0
    submitted: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted / self.delivered, 1) if self.delivered else None


def checkins_by_cohort(*, cohorts: list[Cohort]) -> dict[int, dict[int, CheckIn]]:
    """{cohort id: {6: CheckIn, 12: ..., 18: ...}} with delivery and answer counts: two
    queries whatever the number of people. A cohort with two surveys for the same month
    counts the first one made."""
    by_cohort = {c.pk: {m: CheckIn(months=m, questionnaire=None) for m in MONTHS} for c in cohorts}
    cohorts_by_pk = {c.pk: c for c in cohorts}
    questionnaires = (
        Questionnaire.objects.filter(cohort__in=list(cohorts_by_pk), kind=Kind.POST_PROGRAM)
        .annotate(
            delivered_count=Count("deliveries", distinct=True),
            submitted_count=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED), distinct=True),
        )
        .prefetch_related("send_rules")
        .order_by("created_at", "pk")
    )
    for questionnaire in questionnaires:
        rule = end_rule(questionnaire)
        slot = by_cohort[questionnaire.cohort_id].get(rule.offset) if rule is not None else None
        if slot is None or slot.questionnaire is not None:
            continue
        cohort = cohorts_by_pk[questionnaire.cohort_id]
        questionnaire.cohort = cohort
        slot.questionnaire = questionnaire
        slot.delivered = questionnaire.delivered_count
        slot.submitted = questionnaire.submitted_count
        slot.send_on = rule_send_date(rule, cohort)
    return by_cohort


def graduates(*, cohort: Cohort, questionnaires: list[Questionnaire]) -> QuerySet[Enrollment]:
    """The people the check-ins are for: the enrollments of graduated pairs (taking part
    still), and anybody a check-in was sent to (a cohort that never graduated anyone sends
    its surveys to every accepted participant once it has ended)."""
    in_graduated_pair = Exists(
        Pair.objects.filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")), status=PairStatus.GRADUATED)
    )
    sent = Exists(Delivery.objects.filter(enrollment=OuterRef("pk"), questionnaire__in=[q.pk for q in questionnaires]))
    return Enrollment.objects.filter(cohort=cohort).filter(
        Q(in_graduated_pair, status__in=ACTIVE_ENROLLMENT_STATUSES) | Q(sent)
    )


@dataclass
class PersonCheckIn:
    months: int
    sent_at: datetime.datetime | None
    reminded_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    send_on: datetime.date | None
    has_survey: bool


def checkin_people_page(
    *, cohort: Cohort, checkins: dict[int, CheckIn], page: str | int | None = 1, per_page: int = 25
) -> tuple[Page, list]:
    """Each graduate with, per check-in, when it was sent, reminded and answered: one
    query a page (plus the count)."""
    present = [c for c in checkins.values() if c.questionnaire is not None]
    queryset = graduates(cohort=cohort, questionnaires=[c.questionnaire for c in present]).select_related("user")
    annotations = {}
    for checkin in present:
        delivery = Delivery.objects.filter(questionnaire=checkin.questionnaire, enrollment=OuterRef("pk"))
        response = Response.objects.filter(
            questionnaire=checkin.questionnaire, enrollment=OuterRef("pk"), status=ResponseStatus.SUBMITTED
        )
        annotations[f"sent_{checkin.months}"] = Subquery(delivery.values("sent_at")[:1])
        annotations[f"reminded_{checkin.months}"] = Subquery(delivery.values("reminded_at")[:1])
        # A submitted response always has its time; old rows without one show when they last changed.
        answered_at = response.annotate(at=Coalesce("submitted_at", "updated_at")).values("at")[:1]
        annotations[f"submitted_{checkin.months}"] = Subquery(answered_at)
    queryset = queryset.annotate(**annotations).order_by("role", "user__full_name", "user__email", "pk")
    paged = Paginator(queryset, per_page).get_page(page)
    rows = []
    for enrollment in paged.object_list:
        cells = []
        for months in MONTHS:
            checkin = checkins[months]
            has = checkin.questionnaire is not None
            cells.append(
                PersonCheckIn(
                    months=months,
                    sent_at=getattr(enrollment, f"sent_{months}", None) if has else None,
                    reminded_at=getattr(enrollment, f"reminded_{months}", None) if has else None,
                    submitted_at=getattr(enrollment, f"submitted_{months}", None) if has else None,
                    send_on=checkin.send_on,
                    has_survey=has,
                )
            )
        rows.append((enrollment, cells))
    return paged, rows
