"""Answer validation shared by the fill-in form and the services.

The service re-validates every answer, whatever the form let through, so that a tampered
POST (unknown choice ids, over-long text, out-of-range numbers) is refused there as well.
Raw input is what a form posts: a string, or a list of strings for multiple choice.
"""

import datetime
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from .enums import QuestionType
from .timezones import format_offset, time_zone_names, utc_offset_hours

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
SCALE_MIN, SCALE_MAX = 1, 5
NUMBER_LIMIT = 1e12
DATE_MIN, DATE_MAX = datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)
YES, NO = "yes", "no"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class CleanAnswer:
    value: object
    display: str
    utc_offset: float | None = None


def is_blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, list | tuple):
        return all(is_blank(item) for item in raw)
    return str(raw).strip() == ""


def format_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _one(raw) -> str:
    if isinstance(raw, list | tuple):
        items = [str(item) for item in raw if not is_blank(item)]
        if len(items) != 1:
            raise ValidationError(_("Give one answer."), code="invalid")
        return items[0].strip()
    return str(raw).strip()


def _choice_by_id(choices: Sequence, raw: str):
    by_id = {str(choice.pk): choice for choice in choices}
    choice = by_id.get(raw.strip())
    if choice is None:
        raise ValidationError(_("Choose one of the options offered."), code="unknown_choice")
    return choice


def _clean_text(raw, limit: int) -> CleanAnswer:
    text = _one(raw).replace("\r\n", "\n")
    if len(text) > limit:
        raise ValidationError(
            ngettext(
                "Keep it to %(limit)d character (it has %(n)d).",
                "Keep it to %(limit)d characters (it has %(n)d).",
                limit,
            )
            % {"limit": limit, "n": len(text)},
            code="max_length",
        )
    if "\x00" in text:
        raise ValidationError(_("The text contains a character that cannot be stored."), code="invalid")
    return CleanAnswer(value=text, display=text)


def _clean_single(raw, choices) -> CleanAnswer:
    choice = _choice_by_id(choices, _one(raw))
    return CleanAnswer(value=choice.value, display=choice.label)


def _clean_multiple(raw, choices, max_choices: int | None) -> CleanAnswer:
    items = raw if isinstance(raw, list | tuple) else [raw]
    picked = []
    for item in items:
        if is_blank(item):
            continue
        choice = _choice_by_id(choices, str(item))
        if choice not in picked:
            picked.append(choice)
    if max_choices is not None and len(picked) > max_choices:
        raise ValidationError(
            ngettext("Choose at most %(n)d option.", "Choose at most %(n)d options.", max_choices) % {"n": max_choices},
            code="max_choices",
        )
    # Kept in the order the choices are offered, whatever order the browser sent.
    order = {choice.pk: index for index, choice in enumerate(choices)}
    picked.sort(key=lambda choice: order[choice.pk])
    return CleanAnswer(value=[c.value for c in picked], display="; ".join(c.label for c in picked))


def _parse_number(raw) -> float:
    text = _one(raw)
    if text.count(",") == 1 and "." not in text:
        # A decimal comma, as many people write it.
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        raise ValidationError(_("Enter a number."), code="invalid")
    number = float(text)
    if not math.isfinite(number) or abs(number) > NUMBER_LIMIT:
        raise ValidationError(_("Enter a smaller number."), code="invalid")
    return number


def _clean_number(raw, minimum: float | None, maximum: float | None) -> CleanAnswer:
    number = _parse_number(raw)
    if minimum is not None and number < minimum:
        raise ValidationError(_("Enter %(min)s or more.") % {"min": format_number(minimum)}, code="min_value")
    if maximum is not None and number > maximum:
        raise ValidationError(_("Enter %(max)s or less.") % {"max": format_number(maximum)}, code="max_value")
    number = int(number) if number.is_integer() else number
    return CleanAnswer(value=number, display=format_number(number))


def _clean_scale(raw, min_label: str, max_label: str) -> CleanAnswer:
    text = _one(raw)
    if text not in {str(n) for n in range(SCALE_MIN, SCALE_MAX + 1)}:
        raise ValidationError(_("Choose a point from 1 to 5."), code="invalid")
    number = int(text)
    label = {SCALE_MIN: min_label, SCALE_MAX: max_label}.get(number)
    return CleanAnswer(value=number, display=f"{number} ({label})" if label else str(number))


def _clean_yes_no(raw) -> CleanAnswer:
    text = _one(raw).lower()
    if text not in (YES, NO):
        raise ValidationError(_("Answer yes or no."), code="invalid")
    return CleanAnswer(value=text == YES, display=_("Yes") if text == YES else _("No"))


def _clean_date(raw) -> CleanAnswer:
    try:
        day = datetime.date.fromisoformat(_one(raw))
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid") from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(_("Enter a date between 1900 and 2200."), code="invalid")
    return CleanAnswer(value=day.isoformat(), display=day.isoformat())


def _clean_time_zone(raw) -> CleanAnswer:
    name = _one(raw)
    if name not in time_zone_names():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid")
    offset = utc_offset_hours(name)
    return CleanAnswer(value=name, display=f"{name} ({format_offset(offset)})", utc_offset=offset)


def _clean_country(raw) -> CleanAnswer:
    code = _one(raw).upper()
    if code not in countries:
        raise ValidationError(_("Choose a country from the list."), code="invalid")
    return CleanAnswer(value=code, display=str(countries.name(code)))


def clean_answer(question, raw, *, choices: Sequence = (), required: bool = False) -> CleanAnswer | None:
    """Validate one raw answer to ``question``; None when it is left empty.

    ``choices`` are the question's choices still offered (not retired), in their order.
    Raises ValidationError with a message for the person when the answer is not acceptable,
    including when it is empty and ``required`` is true.
    """
    if is_blank(raw):
        if required:
            raise ValidationError(_("This question needs an answer."), code="required")
        return None
    kind = question.type
    if kind == QuestionType.SHORT_TEXT:
        return _clean_text(raw, SHORT_TEXT_MAX)
    if kind == QuestionType.LONG_TEXT:
        return _clean_text(raw, LONG_TEXT_MAX)
    if kind == QuestionType.SINGLE_CHOICE:
        return _clean_single(raw, choices)
    if kind == QuestionType.MULTIPLE_CHOICE:
        return _clean_multiple(raw, choices, question.max_choices)
    if kind == QuestionType.NUMBER:
        return _clean_number(raw, question.min_value, question.max_value)
    if kind == QuestionType.SCALE:
        return _clean_scale(raw, question.scale_min_label, question.scale_max_label)
    if kind == QuestionType.YES_NO:
        return _clean_yes_no(raw)
    if kind == QuestionType.DATE:
        return _clean_date(raw)
    if kind == QuestionType.TIME_ZONE:
        return _clean_time_zone(raw)
    if kind == QuestionType.COUNTRY:
        return _clean_country(raw)
    raise ValidationError(_("This question cannot be answered."), code="invalid")


def raw_from_value(question, value, choices: Sequence = ()) -> object:
    """The raw form input that stands for a stored answer (to fill the form again)."""
    if value is None:
        return None
    kind = question.type
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        by_value = {choice.value: str(choice.pk) for choice in choices}
        values = value if isinstance(value, list) else [value]
        picked = [by_value[v] for v in values if v in by_value]
        return picked if kind == QuestionType.MULTIPLE_CHOICE else (picked[0] if picked else None)
    if kind == QuestionType.YES_NO:
        return YES if value else NO
    if kind == QuestionType.NUMBER:
        return format_number(value)
    return str(value)
