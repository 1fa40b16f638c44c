"""A form that failed starts with one error summary (role="alert"), each field's message a link
to the field, for crispy forms, hand-laid forms with a formset, and the sign-in page."""

import re

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r'<div class="alert alert-danger error-summary" role="alert" tabindex="-1" data-error-summary>(.*?)</div>', re.S
)


class MeetingForm(forms.Form):
    topic = forms.CharField(label="Topic")
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("held", "Held"), ("missed", "Missed")], widget=forms.RadioSelect
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The meeting was cancelled in the meantime.")


class ItemForm(forms.Form):
    text = forms.CharField(label="Action item")


def summary_of(html: str) -> str:
    found = SUMMARY.findall(html)
    assert len(found) == 1, html
    return found[0]


def links_of(summary: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_crispy_form_lists_its_own_and_each_fields_errors_with_links():
    form = MeetingForm(data={"topic": "", "outcome": "", "revision": "x"})

    summary = summary_of(render_crispy_form(form))

    assert "<li>The meeting was cancelled in the meantime.</li>" in summary
    # A radio group is reached through its first button; a hidden field has nothing to go to.
    assert links_of(summary) == [
        ("id_topic", "Topic: This field is required."),
        ("id_outcome_0", "Outcome: This field is required."),
    ]
    assert "<li>Enter a whole number.</li>" in summary


def test_valid_or_unbound_form_shows_no_summary():
    assert "data-error-summary" not in render_crispy_form(ItemForm())
    assert "data-error-summary" not in render_crispy_form(ItemForm(data={"text": "Read the guide"}))


def test_formset_rows_are_named_by_their_number():
    formset = forms.formset_factory(ItemForm, extra=0)(
        data={"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-0-text": "Read", "form-1-text": ""}
    )
    formset.is_valid()

    summary = summary_of(render_to_string("_error_summary.html", {"form": None, "formset": formset}))

    assert links_of(summary) == [("id_form-1-text", "Row 2, Action item: This field is required.")]


def test_field_labels_and_messages_are_escaped():
    form = ItemForm(data={"text": ""})
    form.fields["text"].label = "<b>Agenda</b>"

    summary = summary_of(render_crispy_form(form))

    assert "&lt;b&gt;Agenda&lt;/b&gt;: This field is required." in summary
    assert "<b>" not in summary


def test_failed_sign_in_starts_with_the_summary(client):
    UserFactory(email="ada@example.test")

    response = client.post(reverse("account_login"), {"login": "ada@example.test", "password": DEFAULT_PASSWORD + "x"})

    summary = summary_of(response.content.decode())
    assert "The email address and/or password you specified are not correct." in summary
