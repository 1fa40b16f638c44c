"""Pairs are created by publishing matches (the matching app), ended by the coordinator, a
withdrawal or an end-of-term decision, and graduated by the showcase app. These are the only
writes of a Pair's status: other apps call them (a test keeps it so)."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import User, WebhookEvent
from mentorship.webhooks import person_data, webhook_emit, webhook_emit_many

from .. import hooks
from ..enums import EnrollmentStatus, PairHealth, ParticipantRole
from ..models import Cohort, Enrollment, Pair, PairEndKind, PairStatus
from ..phases import require_open


def _refusal(
    cohort: Cohort, mentor: Enrollment | None, mentee: Enrollment | None, *, paired: bool, taken: int
) -> str | None:
    """Why these two cannot become a pair now, or None: the rules every new pair follows."""
    if mentor is None or mentee is None or mentor.cohort_id != cohort.pk or mentee.cohort_id != cohort.pk:
        return _("Both people must be in the cohort.")
    if mentor.role != ParticipantRole.MENTOR or mentee.role != ParticipantRole.MENTEE:
        return _("A pair is one mentor and one mentee.")
    if mentor.status != EnrollmentStatus.ACCEPTED or mentee.status != EnrollmentStatus.ACCEPTED:
        return _("Both people must be accepted into the cohort.")
    if paired:
        return _("%(name)s already has a mentor.") % {"name": mentee.user}
    mentor.cohort = cohort
    if taken >= mentor.effective_capacity:
        return _("%(name)s has no capacity left.") % {"name": mentor.user}
    return None


@transaction.atomic
def pair_create(*, cohort: Cohort, mentor: Enrollment, mentee: Enrollment) -> Pair:
    """Make an active pair, within the mentor's capacity.

    The mentor's enrollment row is locked while counting, so that two publications at the
    same moment cannot both take the mentor's last seat; the database allows one active
    pair per mentee.
    """
    mentor = Enrollment.objects.select_for_update().get(pk=mentor.pk)
    mentee = Enrollment.objects.select_for_update().get(pk=mentee.pk)
    refusal = _refusal(
        cohort,
        mentor,
        mentee,
        paired=Pair.objects.filter(mentee=mentee, status=PairStatus.ACTIVE).exists(),
        taken=Pair.objects.filter(mentor=mentor, status=PairStatus.ACTIVE).count(),
    )
    if refusal:
        raise ValidationError(refusal)
    try:
        with transaction.atomic():
            pair = Pair(cohort=cohort, mentor=mentor, mentee=mentee, status=PairStatus.ACTIVE)
            pair.health = hooks.new_pair_health(pair)
            pair.save()
    except IntegrityError:
        raise ValidationError(_("%(name)s already has a mentor.") % {"name": mentee.user}) from None
    webhook_emit(
        organization_id=cohort.organization_id, event=WebhookEvent.PAIR_PUBLISHED, data={"pair": pair_data(pair)}
    )
    return pair


def pair_data(pair: Pair) -> dict:
    """What webhooks say about a pair: ids and names (the API has the rest)."""
    return {
        "id": pair.pk,
        "cohort": pair.cohort_id,
        "mentor": {"enrollment": pair.mentor_id, "person": person_data(pair.mentor.user)},
        "mentee": {"enrollment": pair.mentee_id, "person": person_data(pair.mentee.user)},
        "status": pair.status,
        "matched_at": pair.matched_at.isoformat(),
    }


@transaction.atomic
def pairs_create_many(*, cohort: Cohort, couples: list[tuple[int, int]]) -> list[Pair | str]:
    """Make many active pairs at once (publishing), by the same rules as ``pair_create``:
    every enrollment involved is locked (in id order, so two callers never deadlock), the
    mentors' seats and the mentees' pairs are counted once, and the pairs are inserted in one
    statement. ``couples`` are (mentor id, mentee id); returns, in the same order, the new
    Pair or the reason that couple was refused.
    """
    ids = sorted({pk for couple in couples for pk in couple})
    people = {
        e.pk: e
        for e in Enrollment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("user")
        .order_by("pk")
    }
    mentee_ids = {mentee_id for _mentor_id, mentee_id in couples}
    mentor_ids = {mentor_id for mentor_id, _mentee_id in couples}
    paired = set(
        Pair.objects.filter(mentee_id__in=mentee_ids, status=PairStatus.ACTIVE).values_list("mentee_id", flat=True)
    )
    taken = Counter(
        dict(
            Pair.objects.filter(mentor_id__in=mentor_ids, status=PairStatus.ACTIVE)
            .values_list("mentor_id")
            .annotate(n=Count("pk"))
            .values_list("mentor_id", "n")
        )
    )
    outcome: list[Pair | str] = []
    new: list[Pair] = []
    for mentor_id, mentee_id in couples:
        mentor, mentee = people.get(mentor_id), people.get(mentee_id)
        refusal = _refusal(cohort, mentor, mentee, paired=mentee_id in paired, taken=taken[mentor_id])
        if refusal:
            outcome.append(refusal)
            continue
        pair = Pair(cohort=cohort, mentor=mentor, mentee=mentee, status=PairStatus.ACTIVE)
        pair.health = hooks.new_pair_health(pair)
        paired.add(mentee_id)
        taken[mentor_id] += 1
        new.append(pair)
        outcome.append(pair)
    Pair.objects.bulk_create(new)
    webhook_emit_many(
        organization_id=cohort.organization_id,
        event=WebhookEvent.PAIR_PUBLISHED,
        items=[{"pair": pair_data(pair)} for pair in new],
    )
    return outcome


def pairs_health_store(*, health_by_pk: dict[int, str]) -> int:
    """Store the health the meetings app worked out for these pairs: one UPDATE per health
    value (three at most), only for the pairs whose stored health differs. Returns how many
    pairs changed."""
    changed = 0
    by_health: dict[str, list[int]] = {}
    for pk, health in health_by_pk.items():
        by_health.setdefault(PairHealth(health).value, []).append(pk)
    for health, pks in by_health.items():
        changed += Pair.objects.filter(pk__in=pks).exclude(health=health).update(health=health)
    return changed


def pair_end(*, pair: Pair, reason: str, kind: str, by: User | None = None) -> Pair:
    """End an active pair; the mentor's seat frees up at once. ``kind`` says what follows
    for the mentee: re-match (the next round takes them, never with the same mentor) or end
    (the cohort's later rounds leave them out until the coordinator puts them back).

    The update is conditional: of two ends at the same moment (both people saying it is not a
    good fit, a coordinator and a withdrawal) one ends the pair and the other changes nothing.
    """
    if kind not in PairEndKind.values:
        raise ValueError(f"unknown end kind {kind!r}")
    require_open(pair.cohort)
    Pair.objects.filter(pk=pair.pk, status=PairStatus.ACTIVE).update(
        status=PairStatus.ENDED, ended_at=timezone.now(), end_reason=reason, end_kind=kind, ended_by=by
    )
    pair.refresh_from_db(fields=["status", "ended_at", "end_reason", "end_kind", "ended_by"])
    return pair


@transaction.atomic
def pair_mentee_put_back(*, pair: Pair, by: User) -> Pair:
    """Put the mentee of a pair that ended ("end", not "re-match") back into the cohort's
    later rounds; recorded on every such pair of theirs with who did it and when. The old
    mentor stays ruled out."""
    require_open(pair.cohort)
    locked = Pair.objects.select_for_update(of=("self",)).select_related("mentee__user").filter(pk=pair.pk).first()
    if locked is None or locked.status != PairStatus.ENDED or locked.end_kind != PairEndKind.END:
        raise ValidationError(_("Only the mentee of a pair that was ended (not re-matched) can be put back."))
    if locked.mentee_back_at is not None:
        raise ValidationError(
            _("%(name)s is already back in the rounds.") % {"name": locked.mentee.user}, code="already_back"
        )
    if locked.mentee.status != EnrollmentStatus.ACCEPTED:
        raise ValidationError(
            _("%(name)s is no longer accepted in the cohort.") % {"name": locked.mentee.user}, code="not_accepted"
        )
    now = timezone.now()
    Pair.objects.filter(
        mentee=locked.mentee, status=PairStatus.ENDED, end_kind=PairEndKind.END, mentee_back_at__isnull=True
    ).update(mentee_back_at=now, mentee_back_by=by)
    locked.mentee_back_at, locked.mentee_back_by = now, by
    return locked


def pair_mark_graduated(*, pair: Pair) -> bool:
    """Mark an active pair graduated; False (and nothing changed) when it is no longer
    active. The update is conditional, so that two graduations at the same moment (or a
    double click where row locks are not enforced) mark the pair once.

    The graduation's record and emails are the showcase app's (``pair_graduate``), which
    calls this inside its transaction.
    """
    if not Pair.objects.filter(pk=pair.pk, status=PairStatus.ACTIVE).update(status=PairStatus.GRADUATED):
        return False
    pair.status = PairStatus.GRADUATED
    return True
