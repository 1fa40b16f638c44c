"""The rules of a pair's health and of the monthly check-in, as plain functions of dates.

Every date here is a date in UTC: a meeting held at 23:30 in New York on 31 January
(04:30 UTC on 1 February) counts as held on 1 February. One calendar for everybody keeps
the rules the same for both people of a pair, whatever their time zones, and the same for
the coordinators who read the result.

- no contact: no contact held yet, and more than ``NO_CONTACT_DAYS`` since the pair was
  matched;
- at risk: the last contact held is more than the cadence plus ``GRACE_DAYS`` ago (overdue
  on the cadence by more than a week);

A contact held is a meeting held, a past contact recorded afterwards (a call, an email or
chat exchange) or a group meeting the mentee attended: ``selectors.contacts_held``.
- on track: anything else (including a new pair that has not met yet but still has time).
"""

import calendar
import datetime

from .enums import Health

NO_CONTACT_DAYS = 14
GRACE_DAYS = 7

# The coordinator deals with these first.
HEALTH_ORDER = {Health.NO_CONTACT: 0, Health.AT_RISK: 1, Health.ON_TRACK: 2}


def utc_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def today_utc(now: datetime.datetime | None = None) -> datetime.date:
    if now is None:
        now = datetime.datetime.now(datetime.UTC)
    return utc_date(now)


def pair_health(
    *, matched_on: datetime.date, last_held_on: datetime.date | None, cadence_days: int, as_of: datetime.date
) -> Health:
    if last_held_on is None:
        if (as_of - matched_on).days > NO_CONTACT_DAYS:
            return Health.NO_CONTACT
        return Health.ON_TRACK
    if (as_of - last_held_on).days > cadence_days + GRACE_DAYS:
        return Health.AT_RISK
    return Health.ON_TRACK


def next_meeting_due_on(
    *, matched_on: datetime.date, last_held_on: datetime.date | None, cadence_days: int
) -> datetime.date:
    """When the pair should meet next: the first meeting within two weeks of being matched,
    then one every ``cadence_days`` after the last meeting held."""
    if last_held_on is None:
        return matched_on + datetime.timedelta(days=NO_CONTACT_DAYS)
    return last_held_on + datetime.timedelta(days=cadence_days)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; a day the target month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: datetime.date, end: datetime.date) -> int:
    """How many whole calendar months have passed from ``start`` to ``end`` (0 if end is before)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months
