import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from mentorship.form_errors import (
    errors_to_form,
    flash_errors,
    flash_form_errors,
    form_error_messages,
    run_form_action,
)


class NameForm(forms.Form):
    name = forms.CharField()
    size = forms.IntegerField(required=False)


def _bound_form(**data) -> NameForm:
    form = NameForm({"name": "Ada", **data})
    assert form.is_valid()
    return form


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_errors_to_form_puts_field_errors_next_to_their_field():
    form = _bound_form()

    errors_to_form(form, ValidationError({"name": "Taken.", "size": ["Too big.", "Odd."]}))

    assert form.errors == {"name": ["Taken."], "size": ["Too big.", "Odd."]}


def test_errors_to_form_puts_unknown_fields_and_plain_errors_above_the_form():
    form = _bound_form()

    errors_to_form(form, ValidationError({"capacity": "Choose between 1 and 3."}))
    errors_to_form(form, ValidationError("The cohort has closed.", code="closed"))

    assert form.non_field_errors() == ["Choose between 1 and 3.", "The cohort has closed."]
    assert form.has_error(forms.forms.NON_FIELD_ERRORS, code="closed")
    assert "name" in form.cleaned_data


def test_errors_to_form_maps_the_services_keys_to_field_names():
    form = _bound_form()

    errors_to_form(form, ValidationError({"me": "Nope.", "other": "Elsewhere."}), field_name=lambda key: f"na{key}")

    assert form.errors == {"name": ["Nope."], "__all__": ["Elsewhere."]}


def test_errors_to_form_formats_params():
    form = _bound_form()

    errors_to_form(form, ValidationError("%(name)s has withdrawn.", params={"name": "Ada"}))

    assert form.non_field_errors() == ["Ada has withdrawn."]


def test_flash_errors_shows_every_message():
    request = _request()

    flash_errors(request, ValidationError(["One.", "Two."]))
    flash_errors(request, ValidationError({"name": "Three."}))

    assert [str(m) for m in get_messages(request)] == ["One.", "Two.", "Three."]
    assert {m.level_tag for m in get_messages(request)} == {"error"}


def test_flash_form_errors_shows_field_and_form_errors_in_order():
    request = _request()
    form = NameForm({"size": "x"})
    form.is_valid()

    flash_form_errors(request, form)

    assert [str(m) for m in get_messages(request)] == ["This field is required.", "Enter a whole number."]
    assert form_error_messages(form) == ["This field is required.", "Enter a whole number."]


@pytest.mark.parametrize("data", [{}, {"size": "3"}])
def test_form_error_messages_is_empty_for_a_valid_form(data):
    assert form_error_messages(_bound_form(**data)) == []


def test_run_form_action_calls_the_action_with_cleaned_data_and_says_success():
    request, calls = _request(), []

    went_through = run_form_action(request, NameForm({"name": "Ada"}), calls.append, success="Saved.")

    assert went_through is True
    assert calls == [{"name": "Ada", "size": None}]
    assert [(str(m), m.level_tag) for m in get_messages(request)] == [("Saved.", "success")]


def test_run_form_action_shows_the_forms_errors_and_does_not_call_the_action():
    request, calls = _request(), []

    went_through = run_form_action(request, NameForm({"size": "x"}), calls.append, success="Saved.")

    assert went_through is False
    assert calls == []
    assert [str(m) for m in get_messages(request)] == ["This field is required.", "Enter a whole number."]


def test_run_form_action_shows_the_services_refusal_instead_of_success():
    request = _request()

    def refuse(data):
        raise ValidationError(["Too late.", "Closed."])

    went_through = run_form_action(request, NameForm({"name": "Ada"}), refuse, success="Saved.")

    assert went_through is False
    assert [(str(m), m.level_tag) for m in get_messages(request)] == [("Too late.", "error"), ("Closed.", "error")]
