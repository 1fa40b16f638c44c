"""Dates of send rules: plain functions over dates, no queries."""

import calendar
import datetime

from django.utils.translation import gettext as _

from cohorts.enums import CohortPhase

from .enums import DateAnchor, Direction, OffsetUnit, SendTrigger


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
    if rule.trigger == SendTrigger.PHASE:
        return bool(rule.phase) and cohort.phase == rule.phase
    send_on = rule_send_date(rule, cohort)
    return send_on is not None and send_on <= today


def rule_describe(rule) -> str:
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
