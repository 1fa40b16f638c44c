"""Graduating pairs: the cohort's rule, one pair at a time or many together."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Cohort, Pair, PairStatus
from cohorts.phases import require_open, require_phase
from cohorts.services.pairs import pair_mark_graduated
from mentorship.models import User
from mentorship.notifications import email_queue
from questionnaires.models import Questionnaire

from ..models import Graduation, GraduationSettings
from ..selectors.graduation import criteria_of, final_survey_candidates, graduation_rule, with_criteria
from .common import absolute

REASON_MAX = 1000
MISSING_LABELS = {
    "meetings": gettext_lazy("not enough meetings held"),
    "project": gettext_lazy("no project submitted to the showcase"),
    "survey": gettext_lazy("the final survey is not answered by both"),
}


@transaction.atomic
def graduation_settings_save(
    *, cohort: Cohort, min_meetings: int | None, final_survey: Questionnaire | None
) -> GraduationSettings:
    """What the cohort asks before a pair graduates (empty values: the defaults)."""
    require_open(cohort)
    if min_meetings is not None and min_meetings > 100:
        raise ValidationError({"min_meetings": _("Ask for at most 100 meetings.")})
    if final_survey is not None and not final_survey_candidates(cohort=cohort).filter(pk=final_survey.pk).exists():
        raise ValidationError({"final_survey": _("Choose one of this cohort's surveys.")})
    settings, _created = GraduationSettings.objects.update_or_create(
        cohort=cohort, defaults={"min_meetings": min_meetings, "final_survey": final_survey}
    )
    return settings


def _missing_text(names: list[str]) -> str:
    return "; ".join(str(MISSING_LABELS[name]) for name in names)


@transaction.atomic
def pair_graduate(
    *, pair: Pair, by: User | None, override_reason: str = "", now: datetime.datetime | None = None
) -> Graduation:
    """Graduate an active pair that finished what the program asks, or any active pair
    with the coordinator's reason for doing so anyway (recorded). Sets the pair's status
    to graduated, which makes both people graduates for the post-program check-ins.

    Side effects: a congratulation email to each of the two people, with a link to their
    certificate, after commit.
    """
    require_phase(pair.cohort, "graduate")
    override_reason = (override_reason or "").strip()
    if len(override_reason) > REASON_MAX:
        raise ValidationError({"override_reason": _("Keep the reason under 1000 characters.")})
    locked = Pair.objects.select_for_update().filter(pk=pair.pk).first()
    if locked is None or locked.status != PairStatus.ACTIVE:
        raise ValidationError(
            _("%(pair)s cannot graduate: the pair is no longer active.") % {"pair": pair}, code="not_active"
        )
    rule = graduation_rule(cohort=pair.cohort)
    annotated = with_criteria(
        Pair.objects.filter(pk=pair.pk).select_related("cohort", "mentor__user", "mentee__user"), rule=rule
    ).get()
    criteria = criteria_of(annotated, rule=rule)
    if not criteria.eligible and not override_reason:
        missing = _missing_text(criteria.missing)
        error = ValidationError(
            _("%(pair)s has not finished what the program asks (%(missing)s). Give a reason to graduate it anyway.")
            % {"pair": annotated, "missing": missing},
            code="not_eligible",
        )
        error.missing = missing  # for pairs_graduate, which lists such pairs in one message
        raise error
    now = now or timezone.now()
    # Conditional, and the graduation row is unique per pair: where the row lock above is
    # not enforced (SQLite), a double click still graduates the pair once and says so.
    if not pair_mark_graduated(pair=pair):
        raise ValidationError(
            _("%(pair)s cannot graduate: the pair is no longer active.") % {"pair": pair}, code="not_active"
        )
    try:
        with transaction.atomic():
            graduation = Graduation.objects.create(
                pair=annotated,
                graduated_at=now,
                graduated_by=by,
                override_reason=override_reason if not criteria.eligible else "",
                meetings_held=criteria.meetings_held,
                meetings_required=criteria.meetings_required,
                project_submitted=criteria.project_submitted,
                survey_answered=criteria.survey_ok and criteria.survey_applies,
            )
    except IntegrityError:
        raise ValidationError(_("%(pair)s has already graduated.") % {"pair": pair}, code="already_graduated") from None
    for role, person, partner in (
        ("mentee", annotated.mentee.user, annotated.mentor.user),
        ("mentor", annotated.mentor.user, annotated.mentee.user),
    ):
        email_queue(
            to=[person],
            template="graduation-congratulations",
            context={
                "user": person,
                "partner": partner,
                "role": role,
                "cohort": annotated.cohort,
                "url": absolute(reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": role})),
            },
        )
    return graduation


@dataclass
class BulkGraduation:
    """``skipped`` holds every reason a pair was not graduated; ``not_eligible`` the pairs
    that only lacked a reason to graduate them anyway (with what they miss), so that the
    page lists them in one message instead of one warning each."""

    graduated: list[Graduation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_eligible: list[tuple[Pair, str]] = field(default_factory=list)


def pairs_graduate(
    *, cohort: Cohort, pair_ids: list[int], by: User | None, override_reason: str = ""
) -> BulkGraduation:
    """Graduate the chosen pairs of the cohort, each in its own transaction: the eligible
    ones, and the others only when ``override_reason`` is given (recorded on each). Pairs
    that cannot graduate are skipped with the reason; ids of other cohorts are ignored."""
    require_phase(cohort, "graduate")
    result = BulkGraduation()
    pairs = Pair.objects.filter(cohort=cohort, pk__in=pair_ids).select_related(
        "cohort__program", "mentor__user", "mentee__user"
    )
    for pair in pairs.order_by("mentee__user__full_name", "pk"):
        try:
            result.graduated.append(pair_graduate(pair=pair, by=by, override_reason=override_reason))
        except ValidationError as error:
            if getattr(error, "code", None) == "not_eligible":
                result.not_eligible.append((pair, getattr(error, "missing", "")))
            else:
                result.skipped.extend(error.messages)
    return result
