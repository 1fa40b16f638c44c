"""Every date a person types falls within a sensible range."""

import datetime
import importlib

import pytest
from django import forms

from mentorship.dates import SensibleDatesMixin, date_bounds, validate_sensible_date
from mentorship.zones import site_today

APPS_WITH_FORMS = ["cohorts", "matching", "meetings", "mentorship", "questionnaires", "showcase"]


def all_form_classes():
    found = []
    for app in APPS_WITH_FORMS:
        module = importlib.import_module(f"{app}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_form_with_a_date_field_checks_the_range():
    with_dates = [
        cls
        for cls in all_form_classes()
        if any(isinstance(f, forms.DateField | forms.DateTimeField) for f in cls.base_fields.values())
    ]

    assert len(with_dates) >= 9  # cohort, training module, meeting, action item, goal, questionnaire, ...
    assert [cls.__name__ for cls in with_dates if not issubclass(cls, SensibleDatesMixin)] == []


@pytest.mark.parametrize("value", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_absurd_dates_are_refused(value):
    with pytest.raises(forms.ValidationError) as refused:
        validate_sensible_date(value)
    low, high = date_bounds()
    assert refused.value.messages == [f"Give a date between {low.isoformat()} and {high.isoformat()}."]


def test_the_range_is_a_setting(settings):
    settings.DATE_YEARS_PAST, settings.DATE_YEARS_FUTURE = 1, 2
    today = datetime.date(2027, 2, 28)

    assert date_bounds(today=today) == (datetime.date(2026, 2, 28), datetime.date(2029, 2, 28))
    validate_sensible_date(datetime.date(2029, 2, 28), today=today)
    with pytest.raises(forms.ValidationError):
        validate_sensible_date(datetime.date(2029, 3, 1), today=today)


def test_date_times_are_checked_too():
    with pytest.raises(forms.ValidationError):
        validate_sensible_date(datetime.datetime(9999, 12, 31, 12, tzinfo=datetime.UTC))
    validate_sensible_date(datetime.datetime.now(datetime.UTC))


class _Form(SensibleDatesMixin, forms.Form):
    due_on = forms.DateField(required=False)


def test_an_unchanged_old_value_is_kept_so_editing_something_else_works():
    old = site_today() - datetime.timedelta(days=365 * 20)

    assert _Form(data={"due_on": old.isoformat()}, initial={"due_on": old}).is_valid()
    form = _Form(data={"due_on": "0001-01-01"}, initial={"due_on": old})
    assert not form.is_valid()
    assert "due_on" in form.errors


def test_the_date_picker_is_given_the_range():
    low, high = date_bounds()
    widget = _Form().fields["due_on"].widget

    assert (widget.attrs["min"], widget.attrs["max"]) == (low.isoformat(), high.isoformat())
