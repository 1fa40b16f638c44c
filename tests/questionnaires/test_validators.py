import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django_countries import countries
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.enums import QuestionType
from questionnaires.validators import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_answer

CHOICES = [SimpleNamespace(pk=pk, value=f"v{pk}", label=f"Label {pk}") for pk in (11, 12, 13, 14)]


def q(type_, **extra):
    base = {
        "type": type_,
        "max_choices": None,
        "min_value": None,
        "max_value": None,
        "scale_min_label": "",
        "scale_max_label": "",
    }
    return SimpleNamespace(**{**base, **extra})


raw_text = st.one_of(st.none(), st.text(max_size=300), st.lists(st.text(max_size=20), max_size=5))


@settings(max_examples=300, deadline=None)
@given(type_=st.sampled_from(list(QuestionType)), raw=raw_text, required=st.booleans())
def test_clean_answer_accepts_or_refuses_with_a_message_never_crashes(type_, raw, required):
    question = q(type_, max_choices=2, min_value=0, max_value=10)

    try:
        answer = clean_answer(question, raw, choices=CHOICES, required=required)
    except ValidationError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
        return

    if answer is None:
        assert not required
        return
    if type_ == QuestionType.SINGLE_CHOICE:
        assert answer.value in {c.value for c in CHOICES}
    elif type_ == QuestionType.MULTIPLE_CHOICE:
        assert 1 <= len(answer.value) <= 2 and set(answer.value) <= {c.value for c in CHOICES}
    elif type_ == QuestionType.NUMBER:
        assert 0 <= answer.value <= 10
    elif type_ == QuestionType.SCALE:
        assert answer.value in {1, 2, 3, 4, 5}
    elif type_ == QuestionType.SHORT_TEXT:
        assert len(answer.value) <= SHORT_TEXT_MAX
    elif type_ == QuestionType.LONG_TEXT:
        assert len(answer.value) <= LONG_TEXT_MAX
    elif type_ == QuestionType.COUNTRY:
        assert answer.value in countries
    elif type_ == QuestionType.YES_NO:
        assert answer.value in (True, False)


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.integers(min_value=-5, max_value=30), min_size=1, max_size=6))
def test_multiple_choice_accepts_only_offered_ids_within_the_maximum(ids):
    question = q(QuestionType.MULTIPLE_CHOICE, max_choices=3)
    offered = {c.pk for c in CHOICES}

    try:
        answer = clean_answer(question, [str(i) for i in ids], choices=CHOICES)
    except ValidationError:
        assert not set(ids) <= offered or len(set(ids)) > 3
        return

    assert set(ids) <= offered and len(set(ids)) <= 3
    assert answer.value == [f"v{pk}" for pk in sorted(set(ids), key=[c.pk for c in CHOICES].index)]


@settings(max_examples=200, deadline=None)
@given(number=st.floats(allow_nan=True, allow_infinity=True))
def test_number_within_bounds_or_refused(number):
    question = q(QuestionType.NUMBER, min_value=-2.5, max_value=40)

    try:
        answer = clean_answer(question, repr(number), choices=())
    except ValidationError:
        assert not (-2.5 <= number <= 40)
        return

    assert -2.5 <= answer.value <= 40


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=SHORT_TEXT_MAX + 1, max_size=SHORT_TEXT_MAX + 50).filter(lambda t: t.strip()))
def test_over_long_short_text_is_refused(text):
    with pytest.raises(ValidationError) as info:
        clean_answer(q(QuestionType.SHORT_TEXT), text.strip() + "x" * SHORT_TEXT_MAX)

    assert info.value.code == "max_length"


def test_unknown_choice_id_is_refused_with_a_message():
    with pytest.raises(ValidationError) as info:
        clean_answer(q(QuestionType.SINGLE_CHOICE), "999", choices=CHOICES)

    assert info.value.messages == ["Choose one of the options offered."]


def test_required_blank_is_refused_but_optional_blank_is_none():
    with pytest.raises(ValidationError) as info:
        clean_answer(q(QuestionType.SHORT_TEXT), "  ", required=True)

    assert info.value.messages == ["This question needs an answer."]
    assert clean_answer(q(QuestionType.SHORT_TEXT), "  ") is None


def test_time_zone_keeps_its_utc_offset():
    answer = clean_answer(q(QuestionType.TIME_ZONE), "Asia/Kolkata")

    assert (answer.value, answer.utc_offset, answer.display) == ("Asia/Kolkata", 5.5, "Asia/Kolkata (UTC+05:30)")


def test_time_zone_outside_the_iana_list_is_refused():
    with pytest.raises(ValidationError):
        clean_answer(q(QuestionType.TIME_ZONE), "Mars/Olympus_Mons")


def test_scale_shows_the_label_of_its_ends():
    question = q(QuestionType.SCALE, scale_min_label="Not at all", scale_max_label="Very")

    assert clean_answer(question, "5").display == "5 (Very)"
    assert clean_answer(question, "3").display == "3"


def test_date_and_country_and_yes_no():
    assert clean_answer(q(QuestionType.DATE), "2027-02-28").value == "2027-02-28"
    assert clean_answer(q(QuestionType.COUNTRY), "ng").value == "NG"
    assert clean_answer(q(QuestionType.YES_NO), "no").value is False
    with pytest.raises(ValidationError):
        clean_answer(q(QuestionType.DATE), "28/02/2027")
    assert datetime.date.fromisoformat(clean_answer(q(QuestionType.DATE), "1999-12-31").value).year == 1999
