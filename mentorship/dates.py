"""Sensible ranges for the dates people type.

A date field without bounds takes 0001-01-01 and 9999-12-31, which then break sorting,
reminders, calendars and every "days until" on a page. Every form field where a person types
a date or a date-time carries one range: ``DATE_YEARS_PAST`` years before today to
``DATE_YEARS_FUTURE`` years after it (settings). A value a form was given and left unchanged
is kept even if it is out of range now (an old cohort's dates), so that editing something else
never fails on it.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .zones import site_today


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def date_bounds(*, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or site_today()
    return _shift_years(today, -settings.DATE_YEARS_PAST), _shift_years(today, settings.DATE_YEARS_FUTURE)


def validate_sensible_date(value: datetime.date | datetime.datetime | None, *, today: datetime.date | None = None):
    """Raise ValidationError when ``value`` (a date or a date-time) is outside the range."""
    if value is None:
        return
    day = (
        timezone.localtime(value).date() if isinstance(value, datetime.datetime) and timezone.is_aware(value) else value
    )
    if isinstance(day, datetime.datetime):
        day = day.date()
    low, high = date_bounds(today=today)
    if not low <= day <= high:
        raise ValidationError(
            _("Give a date between %(low)s and %(high)s.") % {"low": low.isoformat(), "high": high.isoformat()},
            code="date_range",
        )


def _date_fields(form: forms.BaseForm):
    for name, field in form.fields.items():
        if isinstance(field, forms.DateField | forms.DateTimeField):
            yield name, field


class SensibleDatesMixin:
    """For every form with a date or date-time field: the range is checked on the server and
    offered to the browser's date picker (``min``/``max``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        low, high = date_bounds()
        for _name, field in _date_fields(self):
            if isinstance(field, forms.DateTimeField):
                field.widget.attrs.setdefault("min", f"{low.isoformat()}T00:00")
                field.widget.attrs.setdefault("max", f"{high.isoformat()}T23:59")
            else:
                field.widget.attrs.setdefault("min", low.isoformat())
                field.widget.attrs.setdefault("max", high.isoformat())

    def _clean_form(self) -> None:
        # After the form's own checks: a stricter rule of its own ("within the next year")
        # keeps its message.
        super()._clean_form()
        for name, _field in _date_fields(self):
            if name in self.errors or name not in self.cleaned_data or name not in self.changed_data:
                continue
            try:
                validate_sensible_date(self.cleaned_data[name])
            except ValidationError as error:
                self.add_error(name, error)
