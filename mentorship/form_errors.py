"""How a refusal reaches the person: a service's ValidationError shown on the form it came
from, or a service's (or a small action form's) errors as messages on the next page.

Every view uses these, so that a message is never lost because one copy of the loop forgot
a case (an error keyed by a field the form does not have, a plain error without fields).
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def errors_to_form(form: forms.BaseForm, error: ValidationError, *, field_name: Callable[[str], str] = str) -> None:
    """Show a service's ValidationError on the form: next to the field it names when the
    form has that field (``field_name`` maps the service's key to the form's field name),
    above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = field_name(key)
        form.add_error(name if name in form.fields else None, errors)


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    """Each message of a service's ValidationError, shown on the next page."""
    for message in error.messages:
        messages.error(request, message)


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """Every error of a form (its fields' and its own), in field order."""
    return [str(message) for field_errors in form.errors.values() for message in field_errors]


def flash_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """Each error of a small action form that has no page of its own, shown on the next page."""
    for message in form_error_messages(form):
        messages.error(request, message)


def run_form_action(
    request: HttpRequest, form: forms.BaseForm, action: Callable[[dict], object], *, success: str
) -> bool:
    """A small action form posted from another page: when it is valid, call ``action`` with
    its cleaned data (a service call). The form's errors or the service's refusal are shown
    on the next page, ``success`` otherwise. True when the action went through."""
    if not form.is_valid():
        flash_form_errors(request, form)
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        flash_errors(request, error)
        return False
    messages.success(request, success)
    return True
