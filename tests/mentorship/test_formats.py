"""Dates in one style: templates name the locale's formats, each language defines them."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "TIME_FORMAT",
    # Machine-readable, for <time datetime="...">.
    "c",
}
TEMPLATES = Path(settings.BASE_DIR) / "templates"
MOMENT = datetime.datetime(2026, 12, 4, 17, 0, tzinfo=datetime.UTC)


def test_templates_use_only_named_date_formats():
    literal = []
    for path in TEMPLATES.rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        for fmt in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text()):
            if fmt not in NAMED:
                literal.append(f"{path.relative_to(TEMPLATES)}: {fmt}")
    assert literal == []


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "DATE_FORMAT", "4 December 2026"),
        ("en", "DATETIME_FORMAT", "Friday 4 December 2026, 17:00"),
        ("en", "SHORT_DATE_FORMAT", "4 Dec 2026"),
        ("en", "SHORT_DATETIME_FORMAT", "Fri 4 Dec 2026, 17:00"),
        ("en", "MONTH_DAY_FORMAT", "4 December"),
        ("en", "TIME_FORMAT", "17:00"),
        ("es", "DATE_FORMAT", "4 de diciembre de 2026"),
        ("es", "DATETIME_FORMAT", "viernes 4 de diciembre de 2026, 17:00"),
        ("es", "MONTH_DAY_FORMAT", "4 de diciembre"),
        ("es", "TIME_FORMAT", "17:00"),
    ],
)
def test_each_language_defines_the_named_formats(language, name, expected):
    with translation.override(language):
        assert date_format(MOMENT, name) == expected


def test_a_template_date_follows_the_language():
    template = Template('{{ moment|date:"DATE_FORMAT" }}')
    with translation.override("es"):
        spanish = template.render(Context({"moment": MOMENT.date()}))
    with translation.override("en"):
        english = template.render(Context({"moment": MOMENT.date()}))
    assert (english, spanish) == ("4 December 2026", "4 de diciembre de 2026")
