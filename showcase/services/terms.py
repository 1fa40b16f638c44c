"""The end of a pair's term: each person's choice, the coordinator's decision, and the
reminders to choose."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.enums import CohortPhase
from cohorts.models import Pair, PairEndKind, PairStatus
from cohorts.services.pairs import pair_end
from mentorship.models import User
from mentorship.notifications import email_queue
from mentorship.zones import site_today

from ..enums import TermChoice
from ..models import TermChoiceRecord, TermDecision, TermReminder
from ..policies import choice_window_open, choice_window_opens_on
from ..selectors.terms import term_end_of, with_continuation
from .common import absolute, require_open

logger = logging.getLogger(__name__)

NOTE_MAX = 500
MAX_CONTINUATION_MONTHS = 24


def _current(pair: Pair) -> tuple[Pair, datetime.date]:
    locked = (
        with_continuation(Pair.objects.select_for_update(of=("self",)).filter(pk=pair.pk))
        .select_related("cohort", "mentor__user", "mentee__user")
        .first()
    )
    if locked is not None:
        require_open(locked.cohort)
    if locked is None or locked.status != PairStatus.ACTIVE:
        raise ValidationError(_("This pair is no longer active."), code="not_active")
    return locked, term_end_of(locked)


@transaction.atomic
def term_choose(
    *, pair: Pair, user: User, choice: str, note: str = "", today: datetime.date | None = None
) -> TermChoiceRecord:
    """Record (or change) what one person of an active pair wants at the end of its term,
    from two weeks before it ends until the coordinator has decided."""
    today = today or site_today()
    if choice not in TermChoice.values:
        raise ValidationError({"choice": _("Choose to continue, to be re-matched or to end.")})
    if len(note or "") > NOTE_MAX:
        raise ValidationError({"note": _("Keep the note under 500 characters.")})
    pair, ends_on = _current(pair)
    if user.pk not in (pair.mentor.user_id, pair.mentee.user_id):
        raise ValidationError(_("Only the two people of the pair choose."))
    if not choice_window_open(ends_on=ends_on, today=today):
        raise ValidationError(
            _("You can choose from %(date)s, two weeks before your term ends.")
            % {"date": choice_window_opens_on(ends_on).isoformat()},
            code="too_early",
        )
    if TermDecision.objects.filter(pair=pair, term_ends_on=ends_on).exists():
        raise ValidationError(_("The coordinators have already decided for this term."), code="decided")
    record, _created = TermChoiceRecord.objects.update_or_create(
        pair=pair,
        user=user,
        term_ends_on=ends_on,
        defaults={"choice": choice, "note": (note or "").strip(), "chosen_at": timezone.now()},
    )
    return record


def _rematch_reason(pair: Pair, ends_on: datetime.date) -> str:
    askers = [
        str(c.user)
        for c in TermChoiceRecord.objects.filter(pair=pair, term_ends_on=ends_on, choice=TermChoice.REMATCH)
        .select_related("user")
        .order_by("pk")
    ]
    if askers:
        return _("End of term: %(names)s asked to be re-matched in a later round.") % {"names": ", ".join(askers)}
    return _("End of term: to be re-matched in a later round.")


@transaction.atomic
def term_decide(
    *,
    pair: Pair,
    decision: str,
    by: User | None,
    new_term_ends_on: datetime.date | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> TermDecision:
    """The coordinator acts on the end of an active pair's term.

    - continue: the pair stays active; its next term ends on ``new_term_ends_on``;
    - rematch: the pair ends (``pair_end``), with a reason naming who asked; both people
      have no active pair any more, so the matching app's next round takes them (the
      mentee with another mentor);
    - end: the pair ends and the mentee takes no part in the cohort's later rounds unless
      the coordinator puts them back; the mentor's seat frees up.

    Side effects: an email to both people with the decision, after commit.
    """
    today = today or site_today()
    if decision not in TermChoice.values:
        raise ValidationError({"decision": _("Choose to continue, to re-match or to end.")})
    if len(note or "") > NOTE_MAX:
        raise ValidationError({"note": _("Keep the note under 500 characters.")})
    pair, ends_on = _current(pair)
    if decision == TermChoice.CONTINUE:
        latest = ends_on if ends_on > today else today
        if new_term_ends_on is None:
            raise ValidationError({"new_term_ends_on": _("Say when the next term ends.")})
        if new_term_ends_on <= latest:
            raise ValidationError(
                {"new_term_ends_on": _("The next term must end after the current one and after today.")}
            )
        if (new_term_ends_on - latest).days > MAX_CONTINUATION_MONTHS * 31:
            raise ValidationError({"new_term_ends_on": _("A term lasts at most two years.")})
    else:
        new_term_ends_on = None
    try:
        with transaction.atomic():
            record = TermDecision.objects.create(
                pair=pair,
                term_ends_on=ends_on,
                decision=decision,
                new_term_ends_on=new_term_ends_on,
                note=(note or "").strip(),
                decided_by=by,
            )
    except IntegrityError:
        raise ValidationError(_("This term has already been decided."), code="decided") from None
    if decision == TermChoice.REMATCH:
        pair_end(pair=pair, reason=_rematch_reason(pair, ends_on), kind=PairEndKind.REMATCH, by=by)
    elif decision == TermChoice.END:
        pair_end(pair=pair, reason=record.note or _("Ended at the end of the term."), kind=PairEndKind.END, by=by)
    for person in (pair.mentee.user, pair.mentor.user):
        email_queue(
            to=[person],
            template="showcase-term-decided",
            context={"user": person, "pair": pair, "decision": record, "cohort": pair.cohort},
        )
    return record


def term_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind, once per term, each person of an active pair whose choice window is open
    and who has not chosen, while the coordinator has not decided. Each reminder is claimed
    by inserting its row first, so that two runs never remind anyone twice.

    Side effects: one email per reminder (after commit).
    """
    today = today or site_today()
    pairs = with_continuation(
        Pair.objects.filter(status=PairStatus.ACTIVE).exclude(cohort__phase=CohortPhase.CLOSED)
    ).select_related("cohort", "mentor__user", "mentee__user")
    sent = 0
    for pair in pairs.iterator(chunk_size=500):
        ends_on = term_end_of(pair)
        if not choice_window_open(ends_on=ends_on, today=today):
            continue
        if TermDecision.objects.filter(pair=pair, term_ends_on=ends_on).exists():
            continue
        chosen = set(TermChoiceRecord.objects.filter(pair=pair, term_ends_on=ends_on).values_list("user_id", flat=True))
        for person in (pair.mentee.user, pair.mentor.user):
            if person.pk in chosen or not person.is_active:
                continue
            try:
                with transaction.atomic():
                    TermReminder.objects.create(pair=pair, user=person, term_ends_on=ends_on)
                    email_queue(
                        to=[person],
                        template="showcase-term-reminder",
                        context={
                            "user": person,
                            "pair": pair,
                            "cohort": pair.cohort,
                            "ends_on": ends_on,
                            "url": absolute(reverse("showcase:term-choose", kwargs={"pk": pair.pk})),
                        },
                    )
            except IntegrityError:
                continue
            sent += 1
    logger.info("Sent %d end-of-term reminder(s)", sent)
    return sent
