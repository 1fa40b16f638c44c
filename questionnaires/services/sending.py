"""Sending questionnaires to people, on schedule or at once, and reminding them."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES, CohortPhase, EnrollmentStatus
from cohorts.models import Enrollment, PairStatus
from cohorts.phases import phase_allows
from mentorship.notifications import email_queue
from mentorship.zones import site_date, site_today

from .. import hooks
from ..enums import Kind, ResponseStatus, SendTrigger
from ..models import Delivery, Questionnaire, Response, SendOccurrence, SendRule
from ..scheduling import current_occurrence, rule_bounds, rule_is_due
from .builder import AFTER_CLOSE_KINDS, questionnaire_duplicate, require_editable

logger = logging.getLogger(__name__)


def _in_pair(status: str) -> Q:
    return Q(pairs_as_mentor__status=status) | Q(pairs_as_mentee__status=status)


def recipients(*, questionnaire: Questionnaire, today: datetime.date | None = None) -> QuerySet[Enrollment]:
    """Who a questionnaire goes to, by its kind (and always only its audience's roles):

    - application: everyone taking part or applying (applied, accepted, waitlisted), and
      nobody outside the phases in which applications are filled (the link would only
      say that it cannot be filled);
    - pre-program: accepted participants;
    - check-in, match feedback, first meeting: people in an active pair;
    - post-program: those who completed the program under its rule, as the app that knows
      the rule says (the showcase app: graduated pairs, and once the cohort has ended the
      pairs still together that met the rule). Without such an app, the mentees and mentors
      of graduated pairs, or, in a cohort that graduated nobody, its accepted participants
      once it has ended (its end date has passed, or it is closed).
    """
    today = today or site_today()
    cohort = questionnaire.cohort
    base = Enrollment.objects.filter(cohort_id=cohort.pk, role__in=questionnaire.roles)
    kind = questionnaire.kind
    if kind == Kind.APPLICATION:
        if not phase_allows(cohort, "fill_application"):
            return base.none()
        return base.filter(status__in=ACTIVE_ENROLLMENT_STATUSES)
    if kind == Kind.PRE_PROGRAM:
        return base.filter(status=EnrollmentStatus.ACCEPTED)
    if kind == Kind.POST_PROGRAM:
        completed = hooks.completed_enrollment_ids(cohort, today)
        if completed is not None:
            return base.filter(pk__in=completed, status__in=ACTIVE_ENROLLMENT_STATUSES)
        if cohort.pairs.filter(status=PairStatus.GRADUATED).exists():
            return base.filter(_in_pair(PairStatus.GRADUATED), status__in=ACTIVE_ENROLLMENT_STATUSES).distinct()
        ended = cohort.phase == CohortPhase.CLOSED or (cohort.ends_on is not None and cohort.ends_on <= today)
        return base.filter(status=EnrollmentStatus.ACCEPTED) if ended else base.none()
    return base.filter(_in_pair(PairStatus.ACTIVE), status=EnrollmentStatus.ACCEPTED).distinct()


def fill_url(questionnaire: Questionnaire) -> str:
    return settings.SITE_URL + reverse("questionnaires:response-fill", kwargs={"pk": questionnaire.pk})


def questionnaire_deliver(
    *, questionnaire: Questionnaire, rule: SendRule | None = None, today: datetime.date | None = None
) -> list[Delivery]:
    """Send the questionnaire to each of its recipients who has not had it yet.

    One transaction. The questionnaire row is locked so that two runs take turns, and the
    unique constraint on (questionnaire, enrollment) refuses a second delivery whatever
    happens: a run that collides with another rolls back whole and sends nothing.
    Application questionnaires skip people who have already submitted theirs.

    Side effects: one email per new delivery (after commit).
    """
    try:
        with transaction.atomic():
            questionnaire = (
                Questionnaire.objects.select_for_update().select_related("cohort__program").get(pk=questionnaire.pk)
            )
            # A closed cohort sends nothing new but what goes to graduates after the program.
            require_editable(questionnaire.cohort, questionnaire.kind)
            if questionnaire.is_closed:
                return []
            targets = recipients(questionnaire=questionnaire, today=today).exclude(
                Exists(Delivery.objects.filter(questionnaire=questionnaire, enrollment=OuterRef("pk")))
            )
            if questionnaire.kind == Kind.APPLICATION:
                targets = targets.exclude(
                    Exists(
                        Response.objects.filter(
                            questionnaire=questionnaire, enrollment=OuterRef("pk"), status=ResponseStatus.SUBMITTED
                        )
                    )
                )
            targets = list(targets.select_related("user"))
            now = timezone.now()
            deliveries = Delivery.objects.bulk_create(
                [Delivery(questionnaire=questionnaire, enrollment=e, rule=rule, sent_at=now) for e in targets]
            )
            # Beat re-checks due rules every few minutes; only a run that sent something is "last sent".
            if rule is not None and deliveries:
                SendRule.objects.filter(pk=rule.pk).update(last_sent_at=now)
            url = fill_url(questionnaire)
            for enrollment in targets:
                email_queue(
                    to=[enrollment.user],
                    template="questionnaire-sent",
                    context={
                        "questionnaire": questionnaire,
                        "cohort": questionnaire.cohort,
                        "user": enrollment.user,
                        "url": url,
                    },
                )
    except IntegrityError:
        logger.info("Questionnaire %s was being sent by another run; this one sent nothing", questionnaire.pk)
        return []
    return deliveries


def phases_entered(*, cohort) -> dict[str, datetime.date]:
    """The day (site time) the cohort last entered each phase it has been in."""
    entered: dict[str, datetime.date] = {}
    for phase, moment in cohort.phase_changes.order_by("changed_at", "pk").values_list("to_phase", "changed_at"):
        entered[phase] = site_date(moment)
    return entered


def occurrence_title(questionnaire: Questionnaire, due_on: datetime.date) -> str:
    suffix = f" · {due_on.isoformat()}"
    limit = Questionnaire._meta.get_field("title").max_length - len(suffix)
    title = questionnaire.title if len(questionnaire.title) <= limit else questionnaire.title[: limit - 1] + "…"
    return title + suffix


def recurring_rule_send(*, rule: SendRule, today: datetime.date | None = None) -> list[Delivery]:
    """Send the current occurrence of a recurring rule, if one is due: the first time, in one
    transaction, record the occurrence, make its own copy of the questionnaire (titled with
    the date, so that each occurrence keeps its own answers, reminders and results) and
    deliver it; later runs deliver that copy to anyone who has come into its audience since.
    A second run, or two at once, never makes a second copy: the occurrence's unique key
    refuses it. Earlier occurrences that beat missed are not sent late.

    Side effects: one email per new delivery (after commit).
    """
    today = today or site_today()
    source = rule.questionnaire
    cohort = source.cohort
    require_editable(cohort, source.kind)
    start, end = rule_bounds(rule, cohort, phases_entered(cohort=cohort))
    due_on = current_occurrence(start=start, end=end, every=rule.repeat_every or 0, unit=rule.repeat_unit, today=today)
    if due_on is None:
        return []
    existing = SendOccurrence.objects.filter(rule=rule, due_on=due_on).select_related("questionnaire").first()
    if existing is not None:
        if existing.questionnaire is None:
            return []
        return questionnaire_deliver(questionnaire=existing.questionnaire, rule=rule, today=today)
    try:
        with transaction.atomic():
            occurrence = SendOccurrence.objects.create(rule=rule, due_on=due_on)
            copy = questionnaire_duplicate(
                questionnaire=source, by=source.created_by, title=occurrence_title(source, due_on)
            )
            occurrence.questionnaire = copy
            occurrence.save(update_fields=["questionnaire"])
            return questionnaire_deliver(questionnaire=copy, rule=rule, today=today)
    except IntegrityError:
        logger.info("Occurrence %s of send rule %s was made by another run", due_on, rule.pk)
        return []


def rules_send_due(*, today: datetime.date | None = None) -> int:
    """Send every questionnaire whose rule is due today (or overdue), and the current
    occurrence of every recurring rule; returns how many deliveries were made. Each
    questionnaire (each occurrence) is its own transaction."""
    today = today or site_today()
    now = timezone.now()
    rules = (
        SendRule.objects.select_related("questionnaire__cohort__program", "questionnaire__created_by")
        .filter(Q(questionnaire__closes_at__isnull=True) | Q(questionnaire__closes_at__gt=now))
        # A closed cohort's rules wait for a reopen, except the surveys sent after the program.
        .exclude(Q(questionnaire__cohort__phase=CohortPhase.CLOSED) & ~Q(questionnaire__kind__in=AFTER_CLOSE_KINDS))
    )
    sent = 0
    for rule in rules:
        if rule.trigger == SendTrigger.RECURRING:
            sent += len(recurring_rule_send(rule=rule, today=today))
        elif rule_is_due(rule, rule.questionnaire.cohort, today):
            sent += len(questionnaire_deliver(questionnaire=rule.questionnaire, rule=rule, today=today))
    return sent


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind, once, each person who was sent a questionnaire ``reminder_days`` ago and has
    not submitted it while it is still open (for an application questionnaire: while the
    cohort's phase still lets it be filled). Each reminder is claimed with a conditional
    update before its email is queued, so that two runs never remind anyone twice.

    Side effects: one email per reminder (after commit).
    """
    now = now or timezone.now()
    submitted = Response.objects.filter(
        questionnaire=OuterRef("questionnaire"), enrollment=OuterRef("enrollment"), status=ResponseStatus.SUBMITTED
    )
    questionnaires = Questionnaire.objects.filter(reminder_days__isnull=False).filter(
        Q(closes_at__isnull=True) | Q(closes_at__gt=now),
        Exists(Delivery.objects.filter(questionnaire=OuterRef("pk"), reminded_at__isnull=True)),
    )
    reminded = 0
    for questionnaire in questionnaires.select_related("cohort"):
        if questionnaire.kind == Kind.APPLICATION and not phase_allows(questionnaire.cohort, "fill_application"):
            continue
        try:
            cutoff = now - datetime.timedelta(days=questionnaire.reminder_days)
        except OverflowError:
            # A reminder delay saved before it was bounded: it never comes.
            continue
        pending = (
            Delivery.objects.filter(
                questionnaire=questionnaire,
                reminded_at__isnull=True,
                sent_at__lte=cutoff,
                enrollment__status__in=ACTIVE_ENROLLMENT_STATUSES,
            )
            .exclude(Exists(submitted))
            .select_related("enrollment__user")
        )
        url = fill_url(questionnaire)
        for delivery in pending:
            with transaction.atomic():
                claimed = Delivery.objects.filter(pk=delivery.pk, reminded_at__isnull=True).update(reminded_at=now)
                if not claimed:
                    continue
                user = delivery.enrollment.user
                email_queue(
                    to=[user],
                    template="questionnaire-reminder",
                    context={"questionnaire": questionnaire, "cohort": questionnaire.cohort, "user": user, "url": url},
                )
                reminded += 1
    return reminded
