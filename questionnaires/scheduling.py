"""Dates of send rules: plain functions over dates, no queries."""

import calendar
import datetime

from django.utils.translation import gettext as _

from cohorts.enums import CohortPhase

from .enums import DateAnchor, Direction, OffsetUnit, RepeatBound, RepeatUnit, SendTrigger


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months that clamp at month ends: 31 August + 6 months is 28 (or 29) February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def shift(day: datetime.date, *, offset: int, unit: str, direction: str) -> datetime.date:
    sign = -1 if direction == Direction.BEFORE else 1
    if unit == OffsetUnit.MONTHS:
        return add_months(day, sign * offset)
    return day + datetime.timedelta(days=sign * offset)


def rule_send_date(rule, cohort) -> datetime.date | None:
    """The day a date rule sends, or None for phase rules, cohorts without that date and
    offsets that land outside the calendar."""
    if rule.trigger != SendTrigger.DATE or not rule.anchor:
        return None
    anchor = getattr(cohort, rule.anchor, None)
    if anchor is None:
        return None
    try:
        return shift(anchor, offset=rule.offset, unit=rule.unit, direction=rule.direction)
    except (OverflowError, ValueError):
        # Outside the calendar (before year 1 or after 9999): a rule saved before offsets
        # were bounded. It never sends, rather than breaking the page and the beat run.
        return None


def rule_is_due(rule, cohort, today: datetime.date) -> bool:
    """For one-off rules; a recurring rule is due by occurrence (``current_occurrence``)."""
    if rule.trigger == SendTrigger.RECURRING:
        return False
    if rule.trigger == SendTrigger.PHASE:
        return bool(rule.phase) and cohort.phase == rule.phase
    send_on = rule_send_date(rule, cohort)
    return send_on is not None and send_on <= today


# --- Recurring rules ---------------------------------------------------------------------

PHASE_PREFIX = "phase:"


def bound_date(
    event: str, fixed: datetime.date | None, cohort, entered: dict[str, datetime.date]
) -> datetime.date | None:
    """The day a recurring rule's bound falls on, or None while it is unknown (a cohort date
    not set, a phase not entered yet). ``entered`` maps phases to the day the cohort last
    entered them."""
    if event == RepeatBound.FIXED:
        return fixed
    if event.startswith(PHASE_PREFIX):
        return entered.get(event.removeprefix(PHASE_PREFIX))
    if event in RepeatBound.values:
        return getattr(cohort, event, None)
    return None


def occurrence_on(start: datetime.date, *, number: int, every: int, unit: str) -> datetime.date:
    """The ``number``-th occurrence (1 is the first) counted from ``start``: calendar months
    clamp at month ends from the start (31 January, then 28 February, then 31 March)."""
    if unit == RepeatUnit.MONTHS:
        return add_months(start, number * every)
    return start + datetime.timedelta(weeks=number * every)


def occurrences(
    *, start: datetime.date, end: datetime.date | None, every: int, unit: str, until: datetime.date
) -> list[datetime.date]:
    """Every occurrence from one interval after ``start`` up to ``end`` (inclusive; None: no
    end known yet) that falls on or before ``until``."""
    days = []
    number = 1
    while True:
        try:
            day = occurrence_on(start, number=number, every=every, unit=unit)
        except (OverflowError, ValueError):
            break
        if day > until or (end is not None and day > end):
            break
        days.append(day)
        number += 1
    return days


def current_occurrence(
    *, start: datetime.date | None, end: datetime.date | None, every: int, unit: str, today: datetime.date
) -> datetime.date | None:
    """The occurrence to send today: the latest one that has come, as long as the next one
    has not (a beat that stopped for a while sends the current occurrence, not every one it
    missed; a rule added late does not send a stale one)."""
    if start is None or not every:
        return None
    days = occurrences(start=start, end=end, every=every, unit=unit, until=today)
    if not days:
        return None
    latest = days[-1]
    try:
        following = occurrence_on(start, number=len(days) + 1, every=every, unit=unit)
    except (OverflowError, ValueError):
        return latest
    return latest if today < following else None


def next_occurrence(
    *, start: datetime.date | None, end: datetime.date | None, every: int, unit: str, today: datetime.date
) -> datetime.date | None:
    """The first occurrence after ``today``, or None (no start yet, or past the end)."""
    if start is None or not every:
        return None
    number = len(occurrences(start=start, end=end, every=every, unit=unit, until=today)) + 1
    try:
        day = occurrence_on(start, number=number, every=every, unit=unit)
    except (OverflowError, ValueError):
        return None
    return None if end is not None and day > end else day


def rule_bounds(rule, cohort, entered: dict[str, datetime.date]) -> tuple[datetime.date | None, datetime.date | None]:
    return (
        bound_date(rule.from_event, rule.from_date, cohort, entered),
        bound_date(rule.until_event, rule.until_date, cohort, entered),
    )


def rule_describe(rule) -> str:
    if rule.trigger == SendTrigger.RECURRING:
        unit = RepeatUnit(rule.repeat_unit).label if rule.repeat_unit in RepeatUnit.values else "?"

        def bound(event, day):
            if event == RepeatBound.FIXED:
                return day.isoformat() if day else "?"
            return str(RepeatBound(event).label) if event in RepeatBound.values else "?"

        return _("Every %(n)s %(unit)s from %(start)s until %(end)s") % {
            "n": rule.repeat_every or "?",
            "unit": unit,
            "start": bound(rule.from_event, rule.from_date),
            "end": bound(rule.until_event, rule.until_date),
        }
    if rule.trigger == SendTrigger.PHASE:
        return _("When the cohort enters %(phase)s") % {"phase": CohortPhase(rule.phase).label if rule.phase else "?"}
    unit = OffsetUnit(rule.unit).label
    anchor = DateAnchor(rule.anchor).label if rule.anchor else "?"
    if rule.offset == 0:
        return _("On the day %(anchor)s") % {"anchor": anchor}
    return _("%(n)d %(unit)s %(direction)s %(anchor)s") % {
        "n": rule.offset,
        "unit": unit,
        "direction": Direction(rule.direction).label,
        "anchor": anchor,
    }
