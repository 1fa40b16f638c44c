"""Spanish is complete: a string the site shows without its translation fails here."""

from django.conf import settings

from mentorship.translations import problems


def test_every_site_string_is_translated_to_spanish():
    assert "es" in dict(settings.LANGUAGES)
    found = problems("es")
    assert not found, "Run `python manage.py translations --update` and translate:\n" + "\n".join(found[:40])
